// SPDX-License-Identifier: GPL-2.0
/*
 * Raw ESP: binding SPIs to LAN clients (see esp.c, docs/ipsec.md).
 *
 * An outbound SPI not yet known starts an unbound SA of its client; an
 * inbound SPI not yet known is bound to a client by IKE evidence, else by
 * the order of the clients' first outbound ESP (vpnpt_esp_pick()); with no
 * SA waiting, it may take over the binding of a suspect SA, whose client
 * sends and gets nothing back on its inbound SPI (vpnpt_esp_retake()).
 * Called from the hook, in its RCU read-side section; the per-namespace
 * lock is taken only to create or bind an SA, and for a takeover at most
 * once per VPNPT_ESP_RETAKE_GAP and server.
 */
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/xfrm.h>

#include "esp_bind.h"
#include "esp_internal.h"
#include "netns.h"
#include "proto.h"

static u64 vpnpt_esp_parent(struct vpnpt_esp_net *en, __be32 client,
			    __be32 server)
{
	struct vpnpt_esp_peer_key key = { .client = client, .server = server };
	struct vpnpt_esp_peer *p;

	p = rhashtable_lookup_fast(&en->peers, &key, vpnpt_esp_peer_params);
	return p ? READ_ONCE(p->ike_id) : 0;
}

/* First packet of an outbound SPI: a new, unbound SA. */
struct vpnpt_esp_sa *vpnpt_esp_outbound_new(struct net *net,
					    struct vpnpt_esp_net *en,
					    const struct vpnpt_esp_out_key *k)
{
	struct vpnpt_session *orphan = NULL;
	struct vpnpt_esp_sa *sa;

	/* Its SA and an orphan stay valid until the caller's RCU section ends. */
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "ESP packet path outside RCU");
	spin_lock_bh(&en->lock);
	sa = rhashtable_lookup_fast(&en->out, k, vpnpt_esp_out_params);
	if (sa || en->dying)
		goto out;
	sa = vpnpt_esp_sa_new(net, en, k->client, k->server, k->spi, NULL,
			      vpnpt_esp_parent(en, k->client, k->server),
			      &orphan);
	if (sa)
		vpnpt_esp_pending_add(en, sa);
out:
	spin_unlock_bh(&en->lock);
	if (orphan)
		vpnpt_session_remove(net, orphan);
	return sa;
}

static bool vpnpt_esp_fresh(unsigned long when, unsigned long now)
{
	return time_before(now, when + VPNPT_ESP_FRESH);
}

static struct vpnpt_esp_peer *vpnpt_esp_peer_of(struct vpnpt_esp_net *en,
						__be32 client, __be32 server)
{
	struct vpnpt_esp_peer_key key = { .client = client, .server = server };

	return rhashtable_lookup_fast(&en->peers, &key, vpnpt_esp_peer_params);
}

/* The oldest unbound SA of @srv whose first packet is younger than an answer. */
static struct vpnpt_esp_sa *vpnpt_esp_fresh_pending(struct vpnpt_esp_server *srv,
						    unsigned long now)
{
	struct vpnpt_esp_sa *s;
	int n = 0;

	list_for_each_entry(s, &srv->pending, pending) {
		if (++n > VPNPT_ESP_PICK_MAX)
			break;
		if (time_before(now, s->session->created + VPNPT_ESP_ANSWER))
			return s;
	}
	return NULL;
}

/* Is any open evidence for @srv younger than an answer? */
static bool vpnpt_esp_recent_evidence(struct vpnpt_esp_server *srv,
				      unsigned long now)
{
	struct vpnpt_esp_peer *p;
	int n = 0;

	list_for_each_entry(p, &srv->expects, expect) {
		if (++n > VPNPT_ESP_PICK_MAX)
			return true;
		if (time_before(now, p->when + VPNPT_ESP_ANSWER))
			return true;
	}
	return false;
}

/*
 * Choose whose SA an unknown inbound SPI from @srv is.
 *
 * 1. IKE evidence: clients whose IKE exchange with the server completed a
 *    Child SA in the last VPNPT_ESP_FRESH and got no inbound SA since. Of
 *    those, the one with the oldest unbound outbound SA (it is waiting for
 *    its answer; servers answer in order); else, if all of it is older
 *    than VPNPT_ESP_ANSWER, another client's SA whose first packet is
 *    younger; else the client whose evidence is oldest.
 * 2. Else the oldest unbound outbound SA whose first packet is younger
 *    than VPNPT_ESP_ANSWER (an SA that went unanswered longer is likely
 *    one-way or dead), else the oldest created in the last
 *    VPNPT_ESP_FRESH, else the oldest.
 *
 * Returns the peer whose evidence is used (may be NULL) in *@peer and the
 * unbound SA to complete (may be NULL) in *@sa.
 */
static void vpnpt_esp_pick(struct vpnpt_esp_net *en,
			   struct vpnpt_esp_server *srv,
			   struct vpnpt_esp_peer **peer,
			   struct vpnpt_esp_sa **sa)
{
	unsigned long now = jiffies;
	struct vpnpt_esp_peer *p, *ptmp;
	struct vpnpt_esp_sa *s;
	int n = 0;

	lockdep_assert_held(&en->lock);
	*peer = NULL;
	*sa = NULL;
	/* Stale evidence first goes away. */
	list_for_each_entry_safe(p, ptmp, &srv->expects, expect)
		if (!vpnpt_esp_fresh(p->when, now))
			vpnpt_esp_peer_close(en, p);

	if (!list_empty(&srv->expects)) {
		list_for_each_entry(s, &srv->pending, pending) {
			if (++n > VPNPT_ESP_PICK_MAX)
				break;
			p = vpnpt_esp_peer_of(en, s->okey.client, srv->addr);
			if (p && !list_empty(&p->expect)) {
				*peer = p;
				*sa = s;
				return;
			}
		}
		/*
		 * No client with open evidence has an SA waiting. A server
		 * that sends first does so right after the exchange; once
		 * every open evidence is older than that, an SA of another
		 * client whose first packet has just gone out is what this
		 * answers (a client's tunnel can stay idle long after its
		 * IKE, while other clients connect).
		 */
		*sa = vpnpt_esp_fresh_pending(srv, now);
		if (*sa && !vpnpt_esp_recent_evidence(srv, now))
			return;
		*sa = NULL;
		*peer = list_first_entry(&srv->expects, struct vpnpt_esp_peer,
					 expect);
		return;
	}
	list_for_each_entry(s, &srv->pending, pending) {
		if (++n > VPNPT_ESP_PICK_MAX)
			break;
		if (time_before(now, s->session->created + VPNPT_ESP_ANSWER)) {
			*sa = s;
			return;
		}
		if (!*sa && vpnpt_esp_fresh(s->session->created, now))
			*sa = s;
	}
	if (!*sa)
		*sa = list_first_entry_or_null(&srv->pending,
					       struct vpnpt_esp_sa, pending);
}

/*
 * The oldest unbound SA of @client towards @srv, to pair with an inbound
 * SPI found by IKE evidence alone.
 */
static struct vpnpt_esp_sa *vpnpt_esp_pending_of(struct vpnpt_esp_net *en,
						 struct vpnpt_esp_server *srv,
						 __be32 client)
{
	struct vpnpt_esp_sa *s;
	int n = 0;

	lockdep_assert_held(&en->lock);
	list_for_each_entry(s, &srv->pending, pending) {
		if (++n > VPNPT_ESP_PICK_MAX)
			break;
		if (s->okey.client == client)
			return s;
	}
	return NULL;
}

/* Make @sa the owner of inbound @k. */
static int vpnpt_esp_bind(struct vpnpt_esp_net *en, struct vpnpt_esp_sa *sa,
			  const struct vpnpt_esp_in_key *k)
{
	int err;

	lockdep_assert_held(&en->lock);
	sa->ikey = *k;
	err = rhashtable_insert_fast(&en->in, &sa->in_node, vpnpt_esp_in_params);
	if (err) {
		sa->ikey.spi = 0;
		return err;
	}
	vpnpt_esp_pending_del(en, sa);
	vpnpt_esp_bound_add(en, sa);
	WRITE_ONCE(sa->session->public, k->public);
	WRITE_ONCE(sa->session->ids.ipsec.spi_in, k->spi);
	vpnpt_session_set_state(en->net, sa->session,
				VPNPT_SESSION_ESTABLISHED);
	return 0;
}

/*
 * Suspect: the client has sent for VPNPT_ESP_QUIET and still sends, and
 * nothing came back on the SA's inbound SPI since its first packet of that
 * wait. The signature of a wrong binding (the server answers on another
 * SPI); a correct binding whose server answers within VPNPT_ESP_QUIET is
 * never suspect, however sparse its traffic.
 */
static bool vpnpt_esp_suspect(const struct vpnpt_esp_sa *sa, u32 now)
{
	u32 since = READ_ONCE(sa->out_since);

	return time_after32(since, READ_ONCE(sa->last_in)) &&
	       !time_before32(now, since + VPNPT_ESP_QUIET) &&
	       time_before32(now, READ_ONCE(sa->last_out) + VPNPT_ESP_QUIET);
}

/*
 * Give bound @sa the inbound SPI @k instead of its own, whose later packets
 * are unknown SPIs. A reader that walks the in table meanwhile finds @sa
 * under either key, or misses and takes the lock (rhashtable restarts a
 * walk that ends in another chain).
 */
static int vpnpt_esp_rebind(struct vpnpt_esp_net *en, struct vpnpt_esp_sa *sa,
			    const struct vpnpt_esp_in_key *k)
{
	struct vpnpt_esp_in_key old = sa->ikey;
	int err;

	lockdep_assert_held(&en->lock);
	rhashtable_remove_fast(&en->in, &sa->in_node, vpnpt_esp_in_params);
	sa->ikey = *k;
	err = rhashtable_insert_fast(&en->in, &sa->in_node, vpnpt_esp_in_params);
	if (err) {
		sa->ikey = old;
		if (!rhashtable_insert_fast(&en->in, &sa->in_node,
					    vpnpt_esp_in_params))
			return err;
		/* Out of memory twice: unbound again, waiting for an SPI. */
		sa->ikey.spi = 0;
		vpnpt_esp_bound_del(en, sa);
		vpnpt_esp_pending_add(en, sa);
		WRITE_ONCE(sa->session->ids.ipsec.spi_in, 0);
		vpnpt_session_changed(en->net, sa->session);
		return err;
	}
	vpnpt_esp_bound_add(en, sa);
	WRITE_ONCE(sa->session->ids.ipsec.spi_in, k->spi);
	vpnpt_session_changed(en->net, sa->session);
	return 0;
}

/*
 * An unknown inbound SPI @k from @srv, with no SA waiting for one: the
 * first suspect SA of a client of @srv on the same public address takes
 * it. At most VPNPT_ESP_PICK_MAX bound SAs are looked at; those looked at
 * go to the end of the list, so the next attempt looks at others.
 */
static struct vpnpt_esp_sa *vpnpt_esp_retake(struct vpnpt_esp_net *en,
					     struct vpnpt_esp_server *srv,
					     const struct vpnpt_esp_in_key *k)
{
	unsigned long now = jiffies;
	struct vpnpt_esp_sa *s, *tmp;
	int n = 0;

	lockdep_assert_held(&en->lock);
	list_for_each_entry_safe(s, tmp, &srv->bound, bound) {
		if (++n > VPNPT_ESP_PICK_MAX)
			break;
		list_move_tail(&s->bound, &srv->bound);
		if (s->ikey.public == k->public && vpnpt_esp_suspect(s, now))
			return vpnpt_esp_rebind(en, s, k) ? NULL : s;
	}
	return NULL;
}

/*
 * May an unknown SPI from @srv, which has no SA waiting, try a takeover
 * now? Lock-free and read-only, for floods of unknown SPIs.
 */
static bool vpnpt_esp_retake_due(struct vpnpt_esp_server *srv,
				 unsigned long now)
{
	return READ_ONCE(srv->nbound) &&
	       !time_before(now, READ_ONCE(srv->retake_at));
}

/* Claim the server's next takeover attempt; one CPU wins it. */
static bool vpnpt_esp_retake_claim(struct vpnpt_esp_server *srv,
				   unsigned long now)
{
	unsigned long at = READ_ONCE(srv->retake_at);

	if (time_before(now, at))
		return false;
	return cmpxchg(&srv->retake_at, at, now + VPNPT_ESP_RETAKE_GAP) == at;
}

/* The router's own SA (it is an IPsec endpoint itself)? */
static bool vpnpt_esp_own(struct net *net, const struct sk_buff *skb,
			  const struct vpnpt_esp_in_key *k)
{
	xfrm_address_t daddr = { .a4 = k->public };
	struct xfrm_state *x;

	x = xfrm_state_lookup(net, skb->mark, &daddr, k->spi, IPPROTO_ESP,
			      AF_INET);
	if (!x)
		return false;
	xfrm_state_put(x);
	return true;
}

/* First packet of an unknown inbound SPI: bind it, if anyone's. */
struct vpnpt_esp_sa *vpnpt_esp_inbound_new(struct net *net,
					   struct vpnpt_esp_net *en,
					   const struct sk_buff *skb,
					   const struct vpnpt_esp_in_key *k)
{
	struct vpnpt_session *orphan = NULL;
	unsigned long now = jiffies;
	struct vpnpt_esp_server *srv;
	struct vpnpt_esp_peer *peer;
	struct vpnpt_esp_sa *sa;
	bool retake;

	/* As above; and @srv is looked at before the lock is taken. */
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "ESP packet path outside RCU");
	srv = rhashtable_lookup_fast(&en->servers, &k->server,
				     vpnpt_esp_server_params);
	if (!srv)
		return NULL;
	/*
	 * Nothing waits for an SPI: at most a takeover, rate limited. Either
	 * way no lock for most packets of a flood of unknown SPIs.
	 */
	retake = !READ_ONCE(srv->candidates);
	if (retake && !vpnpt_esp_retake_due(srv, now))
		return NULL;
	if (vpnpt_esp_own(net, skb, k))
		return NULL;
	if (retake && !vpnpt_esp_retake_claim(srv, now))
		return NULL;

	spin_lock_bh(&en->lock);
	sa = rhashtable_lookup_fast(&en->in, k, vpnpt_esp_in_params);
	if (sa || en->dying)
		goto out;
	/* Still in the table: an SA or a peer holds it under the lock. */
	srv = rhashtable_lookup_fast(&en->servers, &k->server,
				     vpnpt_esp_server_params);
	if (!srv)
		goto out;
	if (!srv->candidates) {
		if (retake)
			sa = vpnpt_esp_retake(en, srv, k);
		goto out;
	}
	vpnpt_esp_pick(en, srv, &peer, &sa);
	if (peer && !sa)
		sa = vpnpt_esp_pending_of(en, srv, peer->key.client);
	if (!sa && peer) {
		/* An inbound-only SA: the client has not sent on it yet. */
		sa = vpnpt_esp_sa_new(net, en, peer->key.client, srv->addr, 0,
				      k, peer->ike_id, &orphan);
		if (sa)
			vpnpt_esp_peer_close(en, peer);
		goto out;
	}
	if (!sa)
		goto out;
	if (vpnpt_esp_bind(en, sa, k)) {
		sa = NULL;
		goto out;
	}
	if (!peer)
		peer = vpnpt_esp_peer_of(en, sa->okey.client, srv->addr);
	if (peer) {
		vpnpt_esp_peer_close(en, peer);
		if (!sa->session->parent)
			WRITE_ONCE(sa->session->parent, peer->ike_id);
	}
out:
	spin_unlock_bh(&en->lock);
	if (orphan)
		vpnpt_session_remove(net, orphan);
	return sa;
}
