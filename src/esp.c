// SPDX-License-Identifier: GPL-2.0
/*
 * Raw ESP (IP protocol 50) for several LAN clients behind one address.
 *
 * ESP has no ports, so conntrack keys it by addresses alone: the masqueraded
 * flows of two clients to one server have the same reply tuple and the
 * second cannot be tracked or translated. vpnpt keeps the kernel's conntrack
 * and NAT and gives each client's ESP its own conntrack zone, from a hook
 * that runs before conntrack and attaches a template conntrack carrying the
 * zone (as the CT target does):
 *
 *   outbound (to a destination that is not the router): the zone of the
 *   source, the LAN client;
 *   inbound (to an address of the router): the zone of the client the
 *   packet's (server, public address, SPI) is bound to.
 *
 * Bindings are learnt: an inbound SPI not yet known is bound to a client by
 * IKE evidence, else by the order of the clients' first outbound ESP (see
 * vpnpt_esp_pick() and docs/ipsec.md). Each SA (an outbound SPI and the
 * inbound SPI bound to it, or either alone) is a session of the session
 * table, which ends it when idle (timeout-esp); a per-namespace worker
 * returns the zones of clients that have no SA left, after deleting their
 * conntrack entries.
 *
 * Packets that already carry a conntrack or a template (an admin's raw
 * table rule, notrack) are left alone. Lookups are RCU hash lookups; the
 * per-namespace lock is only taken to create or bind an SA.
 *
 * AH is not passed through here: see ah.c.
 */
#include <linux/bitmap.h>
#include <linux/ip.h>
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <net/netns/generic.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "esp.h"
#include "filter.h"
#include "ike_parse.h"
#include "netns.h"
#include "proto.h"

/*
 * Zones handed to clients, per namespace: [base, base + count), 32768-65535.
 * An admin's own zones must lie below.
 */
#define VPNPT_ESP_ZONE_BASE	32768
#define VPNPT_ESP_ZONE_COUNT	32768

/* IKE evidence and unbound outbound SAs are preferred this long. */
#define VPNPT_ESP_FRESH		(30 * HZ)
/* An answer is expected this soon after an SA's first packet. */
#define VPNPT_ESP_ANSWER	(2 * HZ)
/* Candidates looked at when binding an inbound SPI. */
#define VPNPT_ESP_PICK_MAX	64

struct vpnpt_esp_out_key {
	__be32 client;
	__be32 server;
	__be32 spi;
};

struct vpnpt_esp_in_key {
	__be32 server;
	__be32 public;
	__be32 spi;
};

struct vpnpt_esp_peer_key {
	__be32 client;
	__be32 server;
};

/* A LAN client: its zone and the template that carries it. */
struct vpnpt_esp_client {
	struct rhash_head node;
	__be32 addr;
	u16 zone;
	unsigned int users;	/* SAs; under the lock */
	struct nf_conn *tmpl;
	struct list_head release;
	struct rcu_head rcu;
};

/* A server: the unbound outbound SAs and the IKE evidence towards it. */
struct vpnpt_esp_server {
	struct rhash_head node;
	__be32 addr;
	unsigned int users;	/* SAs and peers; under the lock */
	unsigned int candidates; /* entries on the two lists */
	struct list_head pending;	/* unbound SAs, oldest first */
	struct list_head expects;	/* peers with open evidence, oldest first */
	struct rcu_head rcu;
};

/* IKE evidence of one client towards one server. */
struct vpnpt_esp_peer {
	struct rhash_head node;
	struct vpnpt_esp_peer_key key;
	struct vpnpt_esp_server *server;
	struct list_head expect;	/* on server->expects while open */
	struct list_head all;		/* on the namespace's list */
	unsigned long when;		/* of the last Child SA event */
	u64 ike_id;
	struct rcu_head rcu;
};

/* One ESP SA pair (either SPI may be missing: one-way SAs). */
struct vpnpt_esp_sa {
	struct rhash_head out_node;
	struct rhash_head in_node;
	struct vpnpt_esp_out_key okey;	/* okey.spi 0: inbound only */
	struct vpnpt_esp_in_key ikey;	/* ikey.spi 0: not bound */
	struct list_head all;		/* every SA of the namespace (RCU) */
	struct list_head pending;	/* on server->pending while unbound */
	struct vpnpt_esp_client *client;
	struct vpnpt_esp_server *server;
	struct vpnpt_session *session;
	unsigned long created;
	struct rcu_head rcu;
};

struct vpnpt_esp_net {
	spinlock_t lock; /* writers of everything below; readers use RCU */
	struct rhashtable out;
	struct rhashtable in;
	struct rhashtable clients;
	struct rhashtable servers;
	struct rhashtable peers;
	struct list_head sas;
	struct list_head peers_all;
	struct list_head released;	/* clients whose zone is to be freed */
	unsigned long *zones;		/* bitmap, esp_zone_count bits */
	unsigned int zone_count;
	unsigned int zone_base;
	unsigned int zone_next;
	unsigned int nsas;
	struct net *net;
	struct delayed_work release_work;
	bool dying;
};

static unsigned int vpnpt_esp_net_id __read_mostly;
/* Set once a client was freed by call_rcu(): rmmod must wait for those. */
static bool vpnpt_esp_rcu_used;

static const struct rhashtable_params vpnpt_esp_out_params = {
	.key_len = sizeof(struct vpnpt_esp_out_key),
	.key_offset = offsetof(struct vpnpt_esp_sa, okey),
	.head_offset = offsetof(struct vpnpt_esp_sa, out_node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params vpnpt_esp_in_params = {
	.key_len = sizeof(struct vpnpt_esp_in_key),
	.key_offset = offsetof(struct vpnpt_esp_sa, ikey),
	.head_offset = offsetof(struct vpnpt_esp_sa, in_node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params vpnpt_esp_client_params = {
	.key_len = sizeof(__be32),
	.key_offset = offsetof(struct vpnpt_esp_client, addr),
	.head_offset = offsetof(struct vpnpt_esp_client, node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params vpnpt_esp_server_params = {
	.key_len = sizeof(__be32),
	.key_offset = offsetof(struct vpnpt_esp_server, addr),
	.head_offset = offsetof(struct vpnpt_esp_server, node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params vpnpt_esp_peer_params = {
	.key_len = sizeof(struct vpnpt_esp_peer_key),
	.key_offset = offsetof(struct vpnpt_esp_peer, key),
	.head_offset = offsetof(struct vpnpt_esp_peer, node),
	.automatic_shrinking = true,
};

static struct vpnpt_esp_net *vpnpt_esp_net(const struct net *net)
{
	return net_generic(net, vpnpt_esp_net_id);
}

static void vpnpt_esp_destroy(struct net *net, struct vpnpt_session *s);

static const struct vpnpt_session_ops vpnpt_esp_session_ops = {
	.destroy = vpnpt_esp_destroy,
};

/* ---- clients and their zones ---------------------------------------------- */

static void vpnpt_esp_client_free_rcu(struct rcu_head *head)
{
	struct vpnpt_esp_client *c = container_of(head, struct vpnpt_esp_client, rcu);

	/* Packets in flight hold their own references to the template. */
	nf_ct_put(c->tmpl);
	kfree(c);
}

static struct vpnpt_esp_client *vpnpt_esp_client_get(struct vpnpt_esp_net *en,
						     __be32 addr)
{
	struct nf_conntrack_zone zone;
	struct vpnpt_esp_client *c;
	unsigned int bit;

	lockdep_assert_held(&en->lock);
	c = rhashtable_lookup_fast(&en->clients, &addr, vpnpt_esp_client_params);
	if (c) {
		c->users++;
		return c;
	}
	bit = find_next_zero_bit(en->zones, en->zone_count, en->zone_next);
	if (bit >= en->zone_count)
		bit = find_first_zero_bit(en->zones, en->zone_count);
	if (bit >= en->zone_count)
		return NULL;
	c = kzalloc(sizeof(*c), VPNPT_GFP_STATE);
	if (!c)
		return NULL;
	c->addr = addr;
	c->zone = en->zone_base + bit;
	nf_ct_zone_init(&zone, c->zone, NF_CT_DEFAULT_ZONE_DIR, 0);
	c->tmpl = nf_ct_tmpl_alloc(en->net, &zone, GFP_ATOMIC);
	if (!c->tmpl)
		goto err_free;
	/* The client's own reference, dropped when it is freed. */
	vpnpt_ct_tmpl_hold_first(c->tmpl);
	/* As the CT target does: the template is never confirmed itself. */
	__set_bit(IPS_CONFIRMED_BIT, &c->tmpl->status);
	if (rhashtable_insert_fast(&en->clients, &c->node, vpnpt_esp_client_params))
		goto err_tmpl;
	__set_bit(bit, en->zones);
	en->zone_next = bit + 1;
	c->users = 1;
	INIT_LIST_HEAD(&c->release);
	return c;

err_tmpl:
	nf_ct_tmpl_free(c->tmpl);
err_free:
	kfree(c);
	return NULL;
}

/*
 * A client without SAs leaves the table now; its zone is given back by the
 * worker, once its conntrack entries are gone.
 */
static void vpnpt_esp_client_put(struct vpnpt_esp_net *en,
				 struct vpnpt_esp_client *c)
{
	lockdep_assert_held(&en->lock);
	if (--c->users)
		return;
	rhashtable_remove_fast(&en->clients, &c->node, vpnpt_esp_client_params);
	list_add_tail(&c->release, &en->released);
	if (!en->dying)
		mod_delayed_work(system_wq, &en->release_work, 0);
}

struct vpnpt_esp_client *vpnpt_esp_client_hold(struct net *net, __be32 addr)
{
	struct vpnpt_esp_net *en = vpnpt_esp_net(net);
	struct vpnpt_esp_client *c = NULL;

	spin_lock_bh(&en->lock);
	if (!en->dying)
		c = vpnpt_esp_client_get(en, addr);
	spin_unlock_bh(&en->lock);
	return c;
}

void vpnpt_esp_client_release(struct net *net, struct vpnpt_esp_client *c)
{
	struct vpnpt_esp_net *en = vpnpt_esp_net(net);

	spin_lock_bh(&en->lock);
	vpnpt_esp_client_put(en, c);
	spin_unlock_bh(&en->lock);
}

/* ---- servers and IKE evidence ---------------------------------------------- */

static struct vpnpt_esp_server *vpnpt_esp_server_get(struct vpnpt_esp_net *en,
						     __be32 addr)
{
	struct vpnpt_esp_server *srv;

	lockdep_assert_held(&en->lock);
	srv = rhashtable_lookup_fast(&en->servers, &addr, vpnpt_esp_server_params);
	if (srv) {
		srv->users++;
		return srv;
	}
	srv = kzalloc(sizeof(*srv), VPNPT_GFP_STATE);
	if (!srv)
		return NULL;
	srv->addr = addr;
	srv->users = 1;
	INIT_LIST_HEAD(&srv->pending);
	INIT_LIST_HEAD(&srv->expects);
	if (rhashtable_insert_fast(&en->servers, &srv->node, vpnpt_esp_server_params)) {
		kfree(srv);
		return NULL;
	}
	return srv;
}

static void vpnpt_esp_server_put(struct vpnpt_esp_net *en,
				 struct vpnpt_esp_server *srv)
{
	lockdep_assert_held(&en->lock);
	if (--srv->users)
		return;
	rhashtable_remove_fast(&en->servers, &srv->node, vpnpt_esp_server_params);
	kfree_rcu(srv, rcu);
}

/* Close a peer's open evidence. */
static void vpnpt_esp_peer_close(struct vpnpt_esp_net *en,
				 struct vpnpt_esp_peer *p)
{
	lockdep_assert_held(&en->lock);
	if (list_empty(&p->expect))
		return;
	list_del_init(&p->expect);
	WRITE_ONCE(p->server->candidates, p->server->candidates - 1);
}

static void vpnpt_esp_peer_free(struct vpnpt_esp_net *en,
				struct vpnpt_esp_peer *p)
{
	lockdep_assert_held(&en->lock);
	vpnpt_esp_peer_close(en, p);
	list_del(&p->all);
	rhashtable_remove_fast(&en->peers, &p->node, vpnpt_esp_peer_params);
	vpnpt_esp_server_put(en, p->server);
	kfree_rcu(p, rcu);
}

void vpnpt_esp_ike_child(struct net *net, __be32 client, __be32 server,
			 u64 ike_id)
{
	struct vpnpt_esp_peer_key key = { .client = client, .server = server };
	struct vpnpt_esp_net *en = vpnpt_esp_net(net);
	struct vpnpt_esp_peer *p;

	spin_lock_bh(&en->lock);
	if (en->dying)
		goto out;
	p = rhashtable_lookup_fast(&en->peers, &key, vpnpt_esp_peer_params);
	if (!p) {
		p = kzalloc(sizeof(*p), VPNPT_GFP_STATE);
		if (!p)
			goto out;
		p->key = key;
		INIT_LIST_HEAD(&p->expect);
		p->server = vpnpt_esp_server_get(en, server);
		if (!p->server) {
			kfree(p);
			goto out;
		}
		if (rhashtable_insert_fast(&en->peers, &p->node,
					   vpnpt_esp_peer_params)) {
			vpnpt_esp_server_put(en, p->server);
			kfree(p);
			goto out;
		}
		list_add_tail(&p->all, &en->peers_all);
	}
	WRITE_ONCE(p->ike_id, ike_id);
	p->when = jiffies;
	/* Open evidence keeps its place: the oldest is answered first. */
	if (list_empty(&p->expect)) {
		list_add_tail(&p->expect, &p->server->expects);
		WRITE_ONCE(p->server->candidates, p->server->candidates + 1);
	}
	/* Evidence expires (vpnpt_esp_expire()). */
	vpnpt_expiry_kick(net);
out:
	spin_unlock_bh(&en->lock);
}

/* ---- SAs --------------------------------------------------------------- */

/* Take an SA out of everything; the caller frees it. */
static void vpnpt_esp_sa_unlink(struct vpnpt_esp_net *en, struct vpnpt_esp_sa *sa)
{
	lockdep_assert_held(&en->lock);
	if (sa->okey.spi)
		rhashtable_remove_fast(&en->out, &sa->out_node, vpnpt_esp_out_params);
	if (sa->ikey.spi)
		rhashtable_remove_fast(&en->in, &sa->in_node, vpnpt_esp_in_params);
	if (!list_empty(&sa->pending)) {
		list_del_init(&sa->pending);
		WRITE_ONCE(sa->server->candidates, sa->server->candidates - 1);
	}
	list_del_rcu(&sa->all);
	en->nsas--;
	vpnpt_esp_client_put(en, sa->client);
	vpnpt_esp_server_put(en, sa->server);
}

/* The session table dropped an SA's session. */
static void vpnpt_esp_destroy(struct net *net, struct vpnpt_session *s)
{
	struct vpnpt_esp_net *en = vpnpt_esp_net(net);
	struct vpnpt_esp_sa *sa;

	spin_lock_bh(&en->lock);
	if (s->ids.ipsec.spi_out) {
		struct vpnpt_esp_out_key k = {
			.client = s->client, .server = s->server,
			.spi = s->ids.ipsec.spi_out,
		};

		sa = rhashtable_lookup_fast(&en->out, &k, vpnpt_esp_out_params);
	} else {
		struct vpnpt_esp_in_key k = {
			.server = s->server, .public = READ_ONCE(s->public),
			.spi = READ_ONCE(s->ids.ipsec.spi_in),
		};

		sa = rhashtable_lookup_fast(&en->in, &k, vpnpt_esp_in_params);
	}
	if (sa && sa->session == s)
		vpnpt_esp_sa_unlink(en, sa);
	else
		sa = NULL;
	spin_unlock_bh(&en->lock);
	if (sa)
		kfree_rcu(sa, rcu);
}

/*
 * A new SA of @client towards @server, in the session table
 * (whose caps apply) and the SA tables: outbound SPI @spi_out (0: none),
 * bound to inbound @in (NULL: not yet). NULL when refused.
 *
 * The session is inserted first: an SA is published to the lock-free
 * lookups only once it is accepted, so a packet never finds a refused SA
 * (nor its freed session). If publishing then fails, the session is in the
 * table but no SA refers to it: it is returned in *@orphan, for the caller
 * to remove once it dropped the lock (the session's destroy takes it), in
 * the same RCU read-side section.
 */
static struct vpnpt_esp_sa *vpnpt_esp_sa_new(struct net *net,
					     struct vpnpt_esp_net *en,
					     __be32 client, __be32 server,
					     __be32 spi_out,
					     const struct vpnpt_esp_in_key *in,
					     u64 parent,
					     struct vpnpt_session **orphan)
{
	struct vpnpt_net *vn = vpnpt_net(net);
	struct vpnpt_session *s;
	struct vpnpt_esp_sa *sa;

	lockdep_assert_held(&en->lock);
	*orphan = NULL;
	sa = kzalloc(sizeof(*sa), VPNPT_GFP_STATE);
	if (!sa)
		return NULL;
	s = vpnpt_session_alloc(VPNPT_PROTO_ESP, VPNPT_GFP_STATE);
	if (!s)
		goto err_sa;
	sa->client = vpnpt_esp_client_get(en, client);
	if (!sa->client) {
		/* Out of zones: refused like a full table. */
		vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_ESP,
				VPNPT_STAT_SESSIONS_REFUSED);
		kfree(s);
		goto err_sa;
	}
	sa->server = vpnpt_esp_server_get(en, server);
	if (!sa->server) {
		kfree(s);
		goto err_client;
	}
	sa->okey.client = client;
	sa->okey.server = server;
	sa->okey.spi = spi_out;
	sa->created = jiffies;
	sa->session = s;
	INIT_LIST_HEAD(&sa->pending);

	s->ops = &vpnpt_esp_session_ops;
	s->client = client;
	s->server = server;
	s->zone = sa->client->zone;
	s->parent = parent;
	s->ids.ipsec.spi_out = spi_out;
	if (in) {
		s->public = in->public;
		s->ids.ipsec.spi_in = in->spi;
		s->state = VPNPT_SESSION_ESTABLISHED;
	}
	/*
	 * Refused: the session is freed at once, nothing saw it. Accepted: it
	 * may be flushed right away, but its destroy waits for the lock we
	 * hold, and then finds the SA published below.
	 */
	if (vpnpt_session_insert(net, s))
		goto err_server;

	if (spi_out && rhashtable_insert_fast(&en->out, &sa->out_node,
					      vpnpt_esp_out_params))
		goto err_orphan;
	if (in) {
		sa->ikey = *in;
		if (rhashtable_insert_fast(&en->in, &sa->in_node,
					   vpnpt_esp_in_params)) {
			if (spi_out)
				rhashtable_remove_fast(&en->out, &sa->out_node,
						       vpnpt_esp_out_params);
			goto err_orphan;
		}
	}
	list_add_tail_rcu(&sa->all, &en->sas);
	en->nsas++;
	return sa;

err_orphan:
	*orphan = s;
err_server:
	vpnpt_esp_server_put(en, sa->server);
err_client:
	vpnpt_esp_client_put(en, sa->client);
err_sa:
	/* Readers may have seen it in the out table before it left again. */
	kfree_rcu(sa, rcu);
	return NULL;
}

void vpnpt_esp_client_set_zone(struct sk_buff *skb,
			       const struct vpnpt_esp_client *c)
{
	nf_conntrack_get(&c->tmpl->ct_general);
	nf_ct_set(skb, c->tmpl, IP_CT_NEW);
}

static u64 vpnpt_esp_parent(struct vpnpt_esp_net *en, __be32 client,
			    __be32 server)
{
	struct vpnpt_esp_peer_key key = { .client = client, .server = server };
	struct vpnpt_esp_peer *p;

	p = rhashtable_lookup_fast(&en->peers, &key, vpnpt_esp_peer_params);
	return p ? READ_ONCE(p->ike_id) : 0;
}

/* First packet of an outbound SPI: a new, unbound SA. */
static struct vpnpt_esp_sa *vpnpt_esp_outbound_new(struct net *net,
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
static struct vpnpt_esp_sa *vpnpt_esp_inbound_new(struct net *net,
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

/* ---- hooks -------------------------------------------------------------- */

static unsigned int vpnpt_esp_pre(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct net *net = state->net;
	struct vpnpt_esp_net *en;
	struct vpnpt_net *vn;
	const struct iphdr *iph;
	struct vpnpt_esp_sa *sa;
	u8 _hdr[VPNPT_ESP_HDR_LEN];
	const u8 *hdr;
	unsigned int off;
	struct mem_cgroup *old;
	u32 spi, seq;
	int err, dir;

	iph = ip_hdr(skb);
	if (iph->protocol != IPPROTO_ESP)
		return NF_ACCEPT;
	/* An admin's zone, template or notrack comes first. */
	if (skb->_nfct)
		return NF_ACCEPT;
	vn = vpnpt_net(net);
	if (!vpnpt_proto_enabled(vn, VPNPT_PROTO_ESP))
		return NF_ACCEPT;
	if (iph->frag_off & htons(IP_OFFSET))
		return NF_ACCEPT;

	off = ip_hdrlen(skb);
	hdr = skb_header_pointer(skb, off, sizeof(_hdr), _hdr);
	err = hdr ? vpnpt_esp_parse(hdr, skb->len - off, &spi, &seq) :
		    -VPNPT_IKE_ERR_TRUNCATED;
	if (err) {
		vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_ESP,
				VPNPT_STAT_PARSE_ERRORS);
		/* Reserved SPIs pass untouched; nobody sends 0 or nothing. */
		if (err == -VPNPT_IKE_ERR_ESP_SPI_RESERVED)
			return NF_ACCEPT;
		vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_ESP,
				VPNPT_STAT_DROPPED_MALFORMED);
		return NF_DROP;
	}

	en = vpnpt_esp_net(net);
	{
		struct vpnpt_esp_in_key ik = {
			.server = iph->saddr, .public = iph->daddr,
			.spi = htonl(spi),
		};
		struct vpnpt_esp_out_key ok = {
			.client = iph->saddr, .server = iph->daddr,
			.spi = htonl(spi),
		};

		dir = 1;
		sa = rhashtable_lookup(&en->in, &ik, vpnpt_esp_in_params);
		if (!sa) {
			dir = 0;
			sa = rhashtable_lookup(&en->out, &ok, vpnpt_esp_out_params);
		}
		if (!sa) {
			old = vpnpt_charge_begin(net);
			if (inet_addr_type(net, iph->daddr) == RTN_LOCAL) {
				dir = 1;
				sa = vpnpt_esp_inbound_new(net, en, skb, &ik);
			} else if (vpnpt_lan_client(net, vpnpt_in_ifindex(state->in),
						    iph->saddr, iph->daddr)) {
				sa = vpnpt_esp_outbound_new(net, en, &ok);
				/* Refused (caps): its packets do not pass. */
				if (!sa) {
					vpnpt_charge_end(old);
					return NF_DROP;
				}
			}
			vpnpt_charge_end(old);
		}
	}
	if (!sa)
		return NF_ACCEPT;
	vpnpt_session_seen(sa->session, dir, skb->len);
	vpnpt_esp_client_set_zone(skb, sa->client);
	/* A client's SA: forwarded (the forward hooks pass ESP while on). */
	vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_ESP, VPNPT_STAT_PACKETS);
	return NF_ACCEPT;
}

static const struct nf_hook_ops vpnpt_esp_ops[] = {
	{
		.hook = vpnpt_esp_pre,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		/* After the raw table (an admin's zones), before conntrack. */
		.priority = (NF_IP_PRI_RAW + NF_IP_PRI_CONNTRACK) / 2,
	},
};

/* ---- zone return and expiry ---------------------------------------------- */

struct vpnpt_esp_zone_ctx {
	const unsigned long *zones;
	unsigned int base;
	unsigned int count;
};

static int vpnpt_esp_zone_ct(struct nf_conn *ct, void *data)
{
	const struct vpnpt_esp_zone_ctx *ctx = data;
	u16 id = nf_ct_zone(ct)->id;

	if (id < ctx->base || id - ctx->base >= ctx->count)
		return 0;
	return test_bit(id - ctx->base, ctx->zones);
}

/*
 * Give back the zones of released clients, their conntrack entries first.
 * Process context; sleeps.
 */
static void vpnpt_esp_release_zones(struct vpnpt_esp_net *en, bool flush_ct)
{
	struct vpnpt_esp_client *c, *tmp;
	struct vpnpt_esp_zone_ctx ctx;
	unsigned long *zones;
	LIST_HEAD(gone);

	spin_lock_bh(&en->lock);
	list_splice_init(&en->released, &gone);
	spin_unlock_bh(&en->lock);
	if (list_empty(&gone))
		return;

	/*
	 * A packet that found one of these clients (through an SA or an
	 * ike-keep-port peer, all unpublished before the release) before
	 * it left may still be on its way with the client's template: its
	 * conntrack entry in the zone is not in the table until the packet
	 * is confirmed, and the sweep below cannot see it. Such packets run
	 * in RCU read-side sections (the hooks, with BH off from prerouting
	 * to their confirmation), so after a grace period every entry in the
	 * zone is in the table, and after the sweep none is left when the
	 * zone goes to another client. (A packet parked in a userspace queue
	 * keeps its entry unconfirmed longer; as for the kernel's own
	 * conntrack cleanups, that is not covered.)
	 */
	if (flush_ct)
		synchronize_rcu();
	zones = flush_ct ? bitmap_zalloc(en->zone_count, GFP_KERNEL) : NULL;
	if (zones) {
		list_for_each_entry(c, &gone, release)
			__set_bit(c->zone - en->zone_base, zones);
		ctx.zones = zones;
		ctx.base = en->zone_base;
		ctx.count = en->zone_count;
		vpnpt_ct_iterate_cleanup_net(en->net, vpnpt_esp_zone_ct, &ctx);
		bitmap_free(zones);
	}

	spin_lock_bh(&en->lock);
	list_for_each_entry_safe(c, tmp, &gone, release) {
		list_del(&c->release);
		__clear_bit(c->zone - en->zone_base, en->zones);
		WRITE_ONCE(vpnpt_esp_rcu_used, true);
		call_rcu(&c->rcu, vpnpt_esp_client_free_rcu);
	}
	spin_unlock_bh(&en->lock);
}

static void vpnpt_esp_release_work(struct work_struct *work)
{
	vpnpt_esp_release_zones(container_of(to_delayed_work(work),
					     struct vpnpt_esp_net, release_work),
				true);
}

/*
 * The session table's expiry ends idle SAs; IKE evidence older than an IKE
 * SA's idle timeout is forgotten here.
 */
static bool vpnpt_esp_expire(struct net *net, unsigned long now)
{
	struct vpnpt_esp_net *en = vpnpt_esp_net(net);
	struct vpnpt_esp_peer *p, *ptmp;
	unsigned long timeout;
	bool more;

	timeout = READ_ONCE(vpnpt_net(net)->timeouts[VPNPT_PROTO_IKE]) * HZ;
	spin_lock_bh(&en->lock);
	list_for_each_entry_safe(p, ptmp, &en->peers_all, all)
		if (time_after(now, p->when + timeout))
			vpnpt_esp_peer_free(en, p);
	more = !list_empty(&en->peers_all);
	spin_unlock_bh(&en->lock);
	return more;
}

const struct vpnpt_proto_ops vpnpt_esp_proto = {
	.sessions = true,
	.expire = vpnpt_esp_expire,
};

/* ---- per namespace -------------------------------------------------------- */

/* Peers and servers left at namespace exit: nothing can see them now. */
static void vpnpt_esp_kfree(void *ptr, void *arg)
{
	kfree(ptr);
}

static int __net_init vpnpt_esp_net_init(struct net *net)
{
	struct vpnpt_esp_net *en = vpnpt_esp_net(net);
	int err;

	spin_lock_init(&en->lock);
	INIT_LIST_HEAD(&en->sas);
	INIT_LIST_HEAD(&en->peers_all);
	INIT_LIST_HEAD(&en->released);
	INIT_DELAYED_WORK(&en->release_work, vpnpt_esp_release_work);
	en->net = net;
	en->zone_base = VPNPT_ESP_ZONE_BASE;
	en->zone_count = VPNPT_ESP_ZONE_COUNT;
	en->zones = bitmap_zalloc(en->zone_count, GFP_KERNEL);
	if (!en->zones)
		return -ENOMEM;
	err = rhashtable_init(&en->out, &vpnpt_esp_out_params);
	if (err)
		goto err_zones;
	err = rhashtable_init(&en->in, &vpnpt_esp_in_params);
	if (err)
		goto err_out;
	err = rhashtable_init(&en->clients, &vpnpt_esp_client_params);
	if (err)
		goto err_in;
	err = rhashtable_init(&en->servers, &vpnpt_esp_server_params);
	if (err)
		goto err_clients;
	err = rhashtable_init(&en->peers, &vpnpt_esp_peer_params);
	if (err)
		goto err_servers;
	err = nf_register_net_hooks(net, vpnpt_esp_ops, ARRAY_SIZE(vpnpt_esp_ops));
	if (err)
		goto err_peers;
	return 0;

err_peers:
	rhashtable_destroy(&en->peers);
err_servers:
	rhashtable_destroy(&en->servers);
err_clients:
	rhashtable_destroy(&en->clients);
err_in:
	rhashtable_destroy(&en->in);
err_out:
	rhashtable_destroy(&en->out);
err_zones:
	bitmap_free(en->zones);
	return err;
}

static void __net_exit vpnpt_esp_net_exit(struct net *net)
{
	struct vpnpt_esp_net *en = vpnpt_esp_net(net);

	/* No packet reaches the tables after this (synchronize_net inside). */
	nf_unregister_net_hooks(net, vpnpt_esp_ops, ARRAY_SIZE(vpnpt_esp_ops));
	/* Every SA leaves with its session; clients go to the release list. */
	vpnpt_sessions_flush(net, BIT(VPNPT_PROTO_ESP));
	spin_lock_bh(&en->lock);
	en->dying = true;
	spin_unlock_bh(&en->lock);
	cancel_delayed_work_sync(&en->release_work);
	/*
	 * On rmmod the namespace lives on: its entries in our zones go, or a
	 * later load would hand the zones to other clients. A dying namespace
	 * takes its entries with it.
	 */
	vpnpt_esp_release_zones(en, check_net(net));
	WARN_ON_ONCE(en->nsas);
	rhashtable_free_and_destroy(&en->peers, vpnpt_esp_kfree, NULL);
	rhashtable_free_and_destroy(&en->servers, vpnpt_esp_kfree, NULL);
	rhashtable_destroy(&en->clients);
	rhashtable_destroy(&en->in);
	rhashtable_destroy(&en->out);
	bitmap_free(en->zones);
}

static struct pernet_operations vpnpt_esp_net_ops = {
	.init = vpnpt_esp_net_init,
	.exit = vpnpt_esp_net_exit,
	.id = &vpnpt_esp_net_id,
	.size = sizeof(struct vpnpt_esp_net),
};

int vpnpt_esp_init(void)
{
	BUILD_BUG_ON(VPNPT_ESP_ZONE_BASE + VPNPT_ESP_ZONE_COUNT > 65536);
	return register_pernet_subsys(&vpnpt_esp_net_ops);
}

void vpnpt_esp_exit(void)
{
	unregister_pernet_subsys(&vpnpt_esp_net_ops);
	/* Clients are freed by RCU callbacks that drop their templates. */
	if (READ_ONCE(vpnpt_esp_rcu_used))
		rcu_barrier();
}
