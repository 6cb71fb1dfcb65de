// SPDX-License-Identifier: GPL-2.0
/*
 * Raw ESP: binding SPIs to LAN clients (see esp.c, docs/ipsec.md).
 *
 * An outbound SPI not yet known starts an unbound SA of its client; an
 * inbound SPI not yet known is bound to a client by IKE evidence, else by
 * the order of the clients' first outbound ESP (vpnpt_esp_pick()). Called
 * from the hook, in its RCU read-side section; the per-namespace lock is
 * taken only to create or bind an SA.
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
	if (sa) {
		list_add_tail(&sa->pending, &sa->server->pending);
		WRITE_ONCE(sa->server->candidates, sa->server->candidates + 1);
	}
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

/*
 * Choose whose SA an unknown inbound SPI from @srv is.
 *
 * 1. IKE evidence: clients whose IKE exchange with the server completed a
 *    Child SA in the last VPNPT_ESP_FRESH and got no inbound SA since. Of
 *    those, the one with the oldest unbound outbound SA (it is waiting for
 *    its answer; servers answer in order), else the one whose evidence is
 *    oldest.
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
		*peer = list_first_entry(&srv->expects, struct vpnpt_esp_peer,
					 expect);
		return;
	}
	list_for_each_entry(s, &srv->pending, pending) {
		if (++n > VPNPT_ESP_PICK_MAX)
			break;
		if (time_before(now, s->created + VPNPT_ESP_ANSWER)) {
			*sa = s;
			return;
		}
		if (!*sa && vpnpt_esp_fresh(s->created, now))
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
	if (!list_empty(&sa->pending)) {
		list_del_init(&sa->pending);
		WRITE_ONCE(sa->server->candidates, sa->server->candidates - 1);
	}
	WRITE_ONCE(sa->session->public, k->public);
	WRITE_ONCE(sa->session->ids.ipsec.spi_in, k->spi);
	vpnpt_session_set_state(en->net, sa->session,
				VPNPT_SESSION_ESTABLISHED);
	return 0;
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
	struct vpnpt_esp_server *srv;
	struct vpnpt_esp_peer *peer;
	struct vpnpt_esp_sa *sa;

	/* As above; and @srv is looked at before the lock is taken. */
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "ESP packet path outside RCU");
	srv = rhashtable_lookup_fast(&en->servers, &k->server,
				     vpnpt_esp_server_params);
	/* Nothing to bind to: no lock taken (floods of unknown SPIs). */
	if (!srv || !READ_ONCE(srv->candidates))
		return NULL;
	if (vpnpt_esp_own(net, skb, k))
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
