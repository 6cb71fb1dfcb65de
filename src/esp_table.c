// SPDX-License-Identifier: GPL-2.0
/*
 * Raw ESP: the per-namespace tables behind the hook (see esp.c).
 *
 * A client (a LAN address) holds a conntrack zone, from the namespace's
 * range, and the template that carries it, while it has SAs (or, option
 * ike_keep_port, kept IKE ports); a per-namespace worker returns the zones
 * of clients that have no user left, after deleting their conntrack
 * entries. A server holds the unbound outbound SAs and the IKE evidence
 * (peers) towards it, which esp_bind.c binds inbound SPIs by. Each SA is a
 * session of the session table, which ends it when idle (timeout-esp);
 * IKE evidence expires here.
 *
 * Writers take the per-namespace lock; the packet path reads by RCU.
 */
#include <linux/bitmap.h>
#include <linux/netfilter.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "esp_internal.h"
#include "esp_table.h"
#include "netns.h"
#include "proto.h"

unsigned int vpnpt_esp_net_id __read_mostly;
bool vpnpt_esp_rcu_used;

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
	INIT_LIST_HEAD(&srv->bound);
	srv->retake_at = jiffies;
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
void vpnpt_esp_peer_close(struct vpnpt_esp_net *en,
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

/*
 * @sa was bound both ways: its server may look at it for a takeover
 * (esp_bind.c). Its inbound wait starts afresh.
 */
void vpnpt_esp_bound_add(struct vpnpt_esp_net *en, struct vpnpt_esp_sa *sa)
{
	u32 now = jiffies;

	lockdep_assert_held(&en->lock);
	WRITE_ONCE(sa->last_in, now);
	WRITE_ONCE(sa->out_since, now);
	if (!sa->okey.spi || sa->on == VPNPT_ESP_SA_ON_BOUND)
		return;
	if (WARN_ON_ONCE(sa->on != VPNPT_ESP_SA_ON_NONE))
		return;
	list_add_tail(&sa->bound, &sa->server->bound);
	sa->on = VPNPT_ESP_SA_ON_BOUND;
	WRITE_ONCE(sa->server->nbound, sa->server->nbound + 1);
}

void vpnpt_esp_bound_del(struct vpnpt_esp_net *en, struct vpnpt_esp_sa *sa)
{
	lockdep_assert_held(&en->lock);
	if (sa->on != VPNPT_ESP_SA_ON_BOUND)
		return;
	list_del(&sa->bound);
	sa->on = VPNPT_ESP_SA_ON_NONE;
	WRITE_ONCE(sa->server->nbound, sa->server->nbound - 1);
}

/* @sa, not bound, waits for an inbound SPI from its server (esp_bind.c). */
void vpnpt_esp_pending_add(struct vpnpt_esp_net *en, struct vpnpt_esp_sa *sa)
{
	lockdep_assert_held(&en->lock);
	if (WARN_ON_ONCE(sa->on != VPNPT_ESP_SA_ON_NONE))
		return;
	list_add_tail(&sa->pending, &sa->server->pending);
	sa->on = VPNPT_ESP_SA_ON_PENDING;
	WRITE_ONCE(sa->server->candidates, sa->server->candidates + 1);
}

void vpnpt_esp_pending_del(struct vpnpt_esp_net *en, struct vpnpt_esp_sa *sa)
{
	lockdep_assert_held(&en->lock);
	if (sa->on != VPNPT_ESP_SA_ON_PENDING)
		return;
	list_del(&sa->pending);
	sa->on = VPNPT_ESP_SA_ON_NONE;
	WRITE_ONCE(sa->server->candidates, sa->server->candidates - 1);
}

/* Take an SA out of everything; the caller frees it. */
static void vpnpt_esp_sa_unlink(struct vpnpt_esp_net *en, struct vpnpt_esp_sa *sa)
{
	lockdep_assert_held(&en->lock);
	if (sa->okey.spi)
		rhashtable_remove_fast(&en->out, &sa->out_node, vpnpt_esp_out_params);
	if (sa->ikey.spi)
		rhashtable_remove_fast(&en->in, &sa->in_node, vpnpt_esp_in_params);
	vpnpt_esp_pending_del(en, sa);
	vpnpt_esp_bound_del(en, sa);
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
struct vpnpt_esp_sa *vpnpt_esp_sa_new(struct net *net,
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
		vpnpt_session_free(s);
		goto err_sa;
	}
	sa->server = vpnpt_esp_server_get(en, server);
	if (!sa->server) {
		vpnpt_session_free(s);
		goto err_client;
	}
	sa->okey.client = client;
	sa->okey.server = server;
	sa->okey.spi = spi_out;
	sa->last_in = s->created;
	sa->last_out = s->created;
	sa->out_since = s->created;
	sa->flow_at = (u16)s->created;
	sa->session = s;
	sa->on = VPNPT_ESP_SA_ON_NONE;

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
	if (in)
		vpnpt_esp_bound_add(en, sa);
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

u16 vpnpt_esp_client_zone(const struct vpnpt_esp_client *c)
{
	return c->zone;
}

/*
 * The client's entry in its zone whose tuple is @server -> @public: its own
 * flow (masqueraded to @public) in the reply direction, or in the original
 * one an entry that an inbound packet started. Referenced; NULL if none.
 */
static struct nf_conntrack_tuple_hash *
vpnpt_esp_flow_find(struct net *net, const struct vpnpt_esp_client *c,
		    __be32 server, __be32 public)
{
	struct nf_conntrack_zone zone;
	struct nf_conntrack_tuple t;

	/* ESP has no conntrack protocol of its own: the generic tuple. */
	memset(&t, 0, sizeof(t));
	t.src.l3num = NFPROTO_IPV4;
	t.src.u3.ip = server;
	t.dst.u3.ip = public;
	t.dst.protonum = IPPROTO_ESP;
	t.dst.dir = IP_CT_DIR_ORIGINAL;
	nf_ct_zone_init(&zone, c->zone, NF_CT_DEFAULT_ZONE_DIR, 0);
	return nf_conntrack_find_get(net, &zone, &t);
}

/*
 * May an inbound packet of @sa take its client's zone? Only once the zone
 * holds the client's own flow to the server: in a zone without it the
 * packet would start an entry of its own (server to public address), and
 * the client's packets to the server, masqueraded to the same reply tuple,
 * would be dropped by conntrack as clashes while it lived. One lookup,
 * until the flow is seen.
 */
bool vpnpt_esp_flow_in(struct net *net, struct vpnpt_esp_sa *sa,
		       __be32 server, __be32 public)
{
	struct nf_conntrack_tuple_hash *h;
	bool reply;

	if (READ_ONCE(sa->flow) == VPNPT_ESP_FLOW_SEEN)
		return true;
	h = vpnpt_esp_flow_find(net, sa->client, server, public);
	if (!h)
		return false;
	reply = NF_CT_DIRECTION(h) == IP_CT_DIR_REPLY;
	nf_ct_put(nf_ct_tuplehash_to_ctrack(h));
	if (reply)
		WRITE_ONCE(sa->flow, VPNPT_ESP_FLOW_SEEN);
	return reply;
}

/*
 * An outbound packet of bound @sa: at most once per VPNPT_ESP_QUIET, look
 * at the zone. The client's flow can go without the SA knowing (conntrack
 * -F, early drop when the table is full), and the server's next packet
 * then starts an entry of its own there, which every packet of the server
 * keeps alive and every packet of the client clashes with. It goes, and
 * the SA learns the flow again from the client's next packet.
 */
void vpnpt_esp_flow_out(struct net *net, struct vpnpt_esp_sa *sa,
			__be32 server, u32 now)
{
	struct nf_conntrack_tuple_hash *h;
	struct nf_conn *ct;
	__be32 public;

	/* 16 bits of jiffies: VPNPT_ESP_QUIET is far below their wrap. */
	if ((u16)((u16)now - READ_ONCE(sa->flow_at)) < VPNPT_ESP_QUIET)
		return;
	WRITE_ONCE(sa->flow_at, (u16)now);
	/* Bound: the address its server answers to. */
	public = READ_ONCE(sa->session->public);
	if (!public)
		return;
	h = vpnpt_esp_flow_find(net, sa->client, server, public);
	if (!h) {
		WRITE_ONCE(sa->flow, VPNPT_ESP_FLOW_UNKNOWN);
		return;
	}
	ct = nf_ct_tuplehash_to_ctrack(h);
	if (NF_CT_DIRECTION(h) == IP_CT_DIR_REPLY) {
		WRITE_ONCE(sa->flow, VPNPT_ESP_FLOW_SEEN);
	} else {
		nf_ct_delete(ct, 0, 0);
		WRITE_ONCE(sa->flow, VPNPT_ESP_FLOW_UNKNOWN);
	}
	nf_ct_put(ct);
}

void vpnpt_esp_client_set_zone(struct sk_buff *skb,
			       const struct vpnpt_esp_client *c)
{
	nf_conntrack_get(&c->tmpl->ct_general);
	nf_ct_set(skb, c->tmpl, IP_CT_NEW);
}

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
void vpnpt_esp_release_zones(struct vpnpt_esp_net *en, bool flush_ct)
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

void vpnpt_esp_release_work(struct work_struct *work)
{
	vpnpt_esp_release_zones(container_of(to_delayed_work(work),
					     struct vpnpt_esp_net, release_work),
				true);
}

/*
 * The session table's expiry ends idle SAs; IKE evidence older than an IKE
 * SA's idle timeout is forgotten here.
 */
bool vpnpt_esp_expire(struct net *net, unsigned long now)
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
