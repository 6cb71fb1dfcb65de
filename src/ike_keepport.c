// SPDX-License-Identifier: GPL-2.0
/*
 * IKE from source port 500 for every LAN client (option ike_keep_port).
 *
 * Some IPsec servers insist that IKE comes from port 500. Behind one public
 * address only the first client's IKE flow to a server can keep that port:
 * the NAT gives the next ones other ports, since their flows would have the
 * same reply tuple. With the option on, each client's IKE to a server runs
 * in the client's own conntrack zone (the zone its ESP uses, see esp.c), so
 * the NAT keeps port 500 for all of them, and packets from the server are
 * given the zone of the client whose IKE SA they belong to, by SPI:
 *
 *   outbound (UDP 500 -> 500, to a destination that is not the router): the
 *   zone of the source; the SPIs of the message are learnt for the client;
 *   inbound (UDP 500 -> 500 to an address of the router): the zone of the
 *   client that owns the initiator or the responder SPI of the message;
 *   else, an IKE SA the server starts or one rekeyed before the client sent
 *   on it, of the client whose IKE with that server was last active,
 *   unless a flow of the default zone (the router's own IKE with the
 *   server, or one from before the option) takes the packet. A server none
 *   of whose clients is known keeps the default zone: its packets reach the
 *   router itself, as without the option.
 *
 * What is kept, and who pays for it: each client's IKE with a server (a
 * peer) is a session of the session table, an IKE session without SPIs
 * (initiator SPI 0) in the client's zone. It counts against the client's
 * max-client-sessions and the namespace's max-sessions, is provisional
 * (evictable for a fair share) until the server answers on an SPI the
 * client sent, shows in the session dumps, and ends like any session: idle
 * for timeout-ike (the client's messages and the server's answers on its
 * SPIs keep it alive), evicted, flushed, IKE or the option switched off.
 * Its SPIs and the server's last-active pointer go with it, so no state is
 * kept that no client is charged for, and there is no expiry walk here.
 *
 * The SPIs a client sent (confirmed: both SPIs of each of its messages, so
 * an IKEv2 IKE SA rekeyed by either side is found once the client has sent
 * on it) are kept apart from those learnt from the server by the
 * last-active fallback (unconfirmed): VPNPT_KEEPPORT_SPIS of the first,
 * VPNPT_KEEPPORT_UNCONFIRMED of the second, each list forgetting its own
 * oldest. An unconfirmed SPI becomes confirmed when the client sends with
 * it. So datagrams spoofed from the server's address, with SPIs nobody
 * sent, churn the unconfirmed slots of the last active client only and
 * never push out the SPIs of a client's real IKE SAs. Only port 500 is
 * kept: NAT-T (UDP 4500) is made for translated ports.
 *
 * The hook is registered in a namespace while the option is on there only
 * (vpnpt_keepport_hook(), under the config lock).
 *
 * Packets that already carry a conntrack or a template are left alone.
 * Lookups are RCU hash lookups; the lock is taken to learn.
 */
#include <linux/ip.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <net/netns/generic.h>
#include <net/route.h>

#include "esp_table.h"
#include "filter.h"
#include "ike_parse.h"
#include "ike_keepport.h"
#include "netns.h"

/*
 * SPIs remembered per client and server: those the client has sent
 * (confirmed) and those learnt from the server only (unconfirmed), each
 * kind on its own list, the oldest forgotten first. An unconfirmed SPI
 * never takes a confirmed one's place.
 */
#define VPNPT_KEEPPORT_SPIS		16
#define VPNPT_KEEPPORT_UNCONFIRMED	4

struct vpnpt_keepport_peer_key {
	__be32 client;
	__be32 server;
};

struct vpnpt_keepport_spi_key {
	__be32 server;
	u32 pad;
	u64 spi;
};

struct vpnpt_keepport_server;

/*
 * A client's IKE with a server; its session's priv. As an IKE SA (struct
 * vpnpt_ike_sa): published only after its session is in the session table,
 * freed only by the session's destroy, with kfree_rcu().
 */
struct vpnpt_keepport_peer {
	struct rhash_head node;
	struct vpnpt_keepport_peer_key key;
	struct vpnpt_esp_client *zone;
	struct vpnpt_keepport_server *server;
	struct vpnpt_session *session;
	struct list_head spis;		/* confirmed, oldest first; under the lock */
	struct list_head unconfirmed;	/* the same, learnt from the server */
	unsigned int nspis;
	unsigned int nunconfirmed;
	struct list_head all;		/* RCU list */
	bool published;			/* in the tables; under the lock */
	struct rcu_head rcu;
};

/* An SPI of an IKE SA between a client and a server. */
struct vpnpt_keepport_spi {
	struct rhash_head node;
	struct vpnpt_keepport_spi_key key;
	struct vpnpt_keepport_peer *peer;
	struct list_head list;		/* on peer->spis or peer->unconfirmed */
	bool confirmed;			/* the client has sent with it */
	struct rcu_head rcu;
};

/* A server: the client whose IKE with it was last active. */
struct vpnpt_keepport_server {
	struct rhash_head node;
	__be32 addr;
	unsigned int users;		/* peers; under the lock */
	struct vpnpt_keepport_peer __rcu *last;
	struct rcu_head rcu;
};

struct vpnpt_keepport_net {
	spinlock_t lock; /* writers; readers use RCU */
	struct rhashtable peers;
	struct rhashtable spis;
	struct rhashtable servers;
	struct list_head peer_list;
	struct net *net;
	bool dying;
};

static unsigned int vpnpt_keepport_net_id __read_mostly;

static const struct rhashtable_params vpnpt_keepport_peer_params = {
	.key_len = sizeof(struct vpnpt_keepport_peer_key),
	.key_offset = offsetof(struct vpnpt_keepport_peer, key),
	.head_offset = offsetof(struct vpnpt_keepport_peer, node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params vpnpt_keepport_spi_params = {
	.key_len = sizeof(struct vpnpt_keepport_spi_key),
	.key_offset = offsetof(struct vpnpt_keepport_spi, key),
	.head_offset = offsetof(struct vpnpt_keepport_spi, node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params vpnpt_keepport_server_params = {
	.key_len = sizeof(__be32),
	.key_offset = offsetof(struct vpnpt_keepport_server, addr),
	.head_offset = offsetof(struct vpnpt_keepport_server, node),
	.automatic_shrinking = true,
};

static struct vpnpt_keepport_net *vpnpt_keepport_net(const struct net *net)
{
	return net_generic(net, vpnpt_keepport_net_id);
}

/* ---- the tables (writers hold the lock) -------------------------------- */

/* Take @e off its peer's list. */
static void vpnpt_keepport_spi_detach(struct vpnpt_keepport_spi *e)
{
	list_del(&e->list);
	if (e->confirmed)
		e->peer->nspis--;
	else
		e->peer->nunconfirmed--;
}

static void vpnpt_keepport_spi_free(struct vpnpt_keepport_net *in,
				    struct vpnpt_keepport_spi *e)
{
	lockdep_assert_held(&in->lock);
	rhashtable_remove_fast(&in->spis, &e->node, vpnpt_keepport_spi_params);
	vpnpt_keepport_spi_detach(e);
	kfree_rcu(e, rcu);
}

/*
 * Put @e on @p's list of its kind (@confirmed), making room there by
 * forgetting the oldest of the same kind only.
 */
static void vpnpt_keepport_spi_attach(struct vpnpt_keepport_net *in,
				      struct vpnpt_keepport_peer *p,
				      struct vpnpt_keepport_spi *e,
				      bool confirmed)
{
	struct list_head *list = confirmed ? &p->spis : &p->unconfirmed;
	unsigned int *n = confirmed ? &p->nspis : &p->nunconfirmed;

	lockdep_assert_held(&in->lock);
	if (*n >= (confirmed ? VPNPT_KEEPPORT_SPIS : VPNPT_KEEPPORT_UNCONFIRMED))
		vpnpt_keepport_spi_free(in, list_first_entry(list,
							     struct vpnpt_keepport_spi,
							     list));
	WRITE_ONCE(e->peer, p);
	WRITE_ONCE(e->confirmed, confirmed);
	list_add_tail(&e->list, list);
	(*n)++;
}

static void vpnpt_keepport_server_put(struct vpnpt_keepport_net *in,
				      struct vpnpt_keepport_server *srv)
{
	lockdep_assert_held(&in->lock);
	if (--srv->users)
		return;
	rhashtable_remove_fast(&in->servers, &srv->node,
			       vpnpt_keepport_server_params);
	kfree_rcu(srv, rcu);
}

/*
 * The peer's session leaves the session table (idle for timeout-ike,
 * evicted, flushed, the option or IKE switched off, namespace exit): the
 * peer and its SPIs go with it.
 */
static void vpnpt_keepport_destroy(struct net *net, struct vpnpt_session *s)
{
	struct vpnpt_keepport_net *in = vpnpt_keepport_net(net);
	struct vpnpt_keepport_peer *p = s->priv;
	struct vpnpt_keepport_spi *e, *tmp;

	/*
	 * vpnpt_keepport_peer_new() holds the lock from the session's
	 * insertion until the peer is published or known not to be.
	 */
	spin_lock_bh(&in->lock);
	list_for_each_entry_safe(e, tmp, &p->spis, list)
		vpnpt_keepport_spi_free(in, e);
	list_for_each_entry_safe(e, tmp, &p->unconfirmed, list)
		vpnpt_keepport_spi_free(in, e);
	if (p->published) {
		rhashtable_remove_fast(&in->peers, &p->node,
				       vpnpt_keepport_peer_params);
		list_del_rcu(&p->all);
		p->published = false;
	}
	if (rcu_access_pointer(p->server->last) == p)
		RCU_INIT_POINTER(p->server->last, NULL);
	vpnpt_keepport_server_put(in, p->server);
	spin_unlock_bh(&in->lock);
	/* The zone outlives readers: it is freed by RCU after its release. */
	vpnpt_esp_client_release(net, p->zone);
	kfree_rcu(p, rcu);
}

static const struct vpnpt_session_ops vpnpt_keepport_session_ops = {
	.destroy = vpnpt_keepport_destroy,
};

static struct vpnpt_keepport_server *
vpnpt_keepport_server_get(struct vpnpt_keepport_net *in, __be32 addr)
{
	struct vpnpt_keepport_server *srv;

	lockdep_assert_held(&in->lock);
	srv = rhashtable_lookup_fast(&in->servers, &addr,
				     vpnpt_keepport_server_params);
	if (srv) {
		srv->users++;
		return srv;
	}
	srv = kzalloc(sizeof(*srv), VPNPT_GFP_STATE);
	if (!srv)
		return NULL;
	srv->addr = addr;
	srv->users = 1;
	if (rhashtable_insert_fast(&in->servers, &srv->node,
				   vpnpt_keepport_server_params)) {
		kfree(srv);
		return NULL;
	}
	return srv;
}

/*
 * A new peer, a session of the client's (an IKE session without SPIs, in
 * the client's zone): under the client's and the namespace's caps, with a
 * fair share, provisional until the server answers on an SPI the client
 * sent. NULL when refused (caps, zones, memory). A session inserted but
 * not published is left in *@orphan, for the caller to remove once the
 * lock is dropped (its destroy takes the lock and frees the peer).
 */
static struct vpnpt_keepport_peer *
vpnpt_keepport_peer_new(struct vpnpt_keepport_net *in,
			const struct vpnpt_keepport_peer_key *k,
			struct vpnpt_session **orphan)
{
	struct vpnpt_net *vn = vpnpt_net(in->net);
	struct vpnpt_keepport_peer *p;
	struct vpnpt_session *s;

	lockdep_assert_held(&in->lock);
	p = kzalloc(sizeof(*p), VPNPT_GFP_STATE);
	if (!p)
		goto refused;
	s = vpnpt_session_alloc(VPNPT_PROTO_IKE, VPNPT_GFP_STATE);
	if (!s)
		goto err_free;
	p->key = *k;
	p->session = s;
	INIT_LIST_HEAD(&p->spis);
	INIT_LIST_HEAD(&p->unconfirmed);
	p->zone = vpnpt_esp_client_hold(in->net, k->client);
	if (!p->zone)
		goto err_session;
	p->server = vpnpt_keepport_server_get(in, k->server);
	if (!p->server)
		goto err_zone;
	s->ops = &vpnpt_keepport_session_ops;
	s->priv = p;
	s->client = k->client;
	s->server = k->server;
	s->zone = vpnpt_esp_client_zone(p->zone);
	/* Refused (counted): freed at once, nothing saw it. */
	if (vpnpt_session_insert(in->net, s)) {
		vpnpt_keepport_server_put(in, p->server);
		vpnpt_esp_client_release(in->net, p->zone);
		kfree(p);
		return NULL;
	}
	/* From here on the peer is the session's: its destroy frees it. */
	if (rhashtable_insert_fast(&in->peers, &p->node,
				   vpnpt_keepport_peer_params)) {
		*orphan = s;
		return NULL;
	}
	p->published = true;
	list_add_tail_rcu(&p->all, &in->peer_list);
	vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_IKE, VPNPT_STAT_IKE_PORT_KEPT);
	return p;

err_zone:
	vpnpt_esp_client_release(in->net, p->zone);
err_session:
	vpnpt_session_free(s);
err_free:
	kfree(p);
refused:
	vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_IKE, VPNPT_STAT_SESSIONS_REFUSED);
	return NULL;
}

/*
 * Learn @spi for @p, as sent by the client (@confirmed) or learnt from the
 * server. An SPI another client has sent stays that client's (a collision,
 * or a client replaying another's SPI): counted, not taken over; one only
 * learnt from the server goes to the client that sends with it.
 */
static void vpnpt_keepport_learn(struct vpnpt_keepport_net *in,
				 struct vpnpt_keepport_peer *p, u64 spi,
				 bool confirmed)
{
	struct vpnpt_keepport_spi_key k = { .server = p->key.server, .spi = spi };
	struct vpnpt_keepport_spi *e;

	lockdep_assert_held(&in->lock);
	e = rhashtable_lookup_fast(&in->spis, &k, vpnpt_keepport_spi_params);
	if (e) {
		if (e->confirmed || !confirmed) {
			if (e->peer != p)
				vpnpt_stats_inc(&vpnpt_net(in->net)->stats,
						VPNPT_PROTO_IKE,
						VPNPT_STAT_SESSIONS_REFUSED);
			return;
		}
		/* The client sends with an SPI learnt from the server. */
		vpnpt_keepport_spi_detach(e);
		vpnpt_keepport_spi_attach(in, p, e, true);
		return;
	}
	e = kzalloc(sizeof(*e), VPNPT_GFP_STATE);
	if (!e)
		return;
	e->key = k;
	e->peer = p;
	if (rhashtable_insert_fast(&in->spis, &e->node,
				   vpnpt_keepport_spi_params)) {
		kfree(e);
		return;
	}
	vpnpt_keepport_spi_attach(in, p, e, confirmed);
}

/* ---- the packet path (RCU held) --------------------------------------- */

static struct vpnpt_keepport_spi *
vpnpt_keepport_spi_find(struct vpnpt_keepport_net *in, __be32 server, u64 spi)
{
	struct vpnpt_keepport_spi_key k = { .server = server, .spi = spi };

	if (!spi)
		return NULL;
	return rhashtable_lookup(&in->spis, &k, vpnpt_keepport_spi_params);
}

/* Whether @spi is known as one @p has sent. */
static bool vpnpt_keepport_sent(struct vpnpt_keepport_net *in,
				const struct vpnpt_keepport_peer *p, u64 spi)
{
	struct vpnpt_keepport_spi *e = vpnpt_keepport_spi_find(in, p->key.server,
							       spi);

	return e && READ_ONCE(e->peer) == p && READ_ONCE(e->confirmed);
}

/* Whether both SPIs that are set are known as sent by @p. */
static bool vpnpt_keepport_known(struct vpnpt_keepport_net *in,
				 const struct vpnpt_keepport_peer *p,
				 const struct vpnpt_ike_hdr *h)
{
	return vpnpt_keepport_sent(in, p, h->ispi) &&
	       (!h->rspi || vpnpt_keepport_sent(in, p, h->rspi));
}

static struct vpnpt_keepport_peer *
vpnpt_keepport_outbound(struct vpnpt_keepport_net *in, __be32 client,
			__be32 server, const struct vpnpt_ike_hdr *h,
			unsigned int len)
{
	struct vpnpt_keepport_peer_key k = { .client = client, .server = server };
	struct vpnpt_session *orphan = NULL;
	struct vpnpt_keepport_peer *p;

	p = rhashtable_lookup(&in->peers, &k, vpnpt_keepport_peer_params);
	if (!p || !vpnpt_keepport_known(in, p, h)) {
		spin_lock_bh(&in->lock);
		if (in->dying) {
			p = NULL;
			goto out;
		}
		p = rhashtable_lookup_fast(&in->peers, &k,
					   vpnpt_keepport_peer_params);
		if (!p)
			p = vpnpt_keepport_peer_new(in, &k, &orphan);
		if (p) {
			vpnpt_keepport_learn(in, p, h->ispi, true);
			if (h->rspi)
				vpnpt_keepport_learn(in, p, h->rspi, true);
		}
out:
		spin_unlock_bh(&in->lock);
		/* Not published: it goes again; valid until our RCU ends. */
		if (orphan)
			vpnpt_session_remove(in->net, orphan);
		if (!p)
			return NULL;
	}
	vpnpt_session_seen(p->session, 0, len);
	/* The server's last active client changes under the lock only. */
	if (rcu_access_pointer(p->server->last) != p) {
		spin_lock_bh(&in->lock);
		if (p->published)
			rcu_assign_pointer(p->server->last, p);
		spin_unlock_bh(&in->lock);
	}
	return p;
}

/* Whether a conntrack entry of the default zone takes this datagram. */
static bool vpnpt_keepport_dflt_flow(struct net *net, const struct iphdr *iph)
{
	struct nf_conntrack_tuple_hash *th;
	struct nf_conntrack_tuple t = {};

	t.src.l3num = NFPROTO_IPV4;
	t.src.u3.ip = iph->saddr;
	t.src.u.udp.port = htons(VPNPT_PORT_IKE);
	t.dst.u3.ip = iph->daddr;
	t.dst.u.udp.port = htons(VPNPT_PORT_IKE);
	t.dst.protonum = IPPROTO_UDP;
	th = nf_conntrack_find_get(net, &nf_ct_zone_dflt, &t);
	if (!th)
		return false;
	nf_ct_put(nf_ct_tuplehash_to_ctrack(th));
	return true;
}

static struct vpnpt_keepport_peer *
vpnpt_keepport_inbound(struct vpnpt_keepport_net *in, const struct iphdr *iph,
		       const struct vpnpt_ike_hdr *h, unsigned int len)
{
	__be32 server = iph->saddr;

	struct vpnpt_keepport_server *srv;
	struct vpnpt_keepport_peer *p;
	struct vpnpt_keepport_spi *e;

	e = vpnpt_keepport_spi_find(in, server, h->ispi);
	if (!e)
		e = vpnpt_keepport_spi_find(in, server, h->rspi);
	if (e) {
		p = READ_ONCE(e->peer);
		/*
		 * An answer on an SPI the client sent: its IKE with the
		 * server is alive, the session no longer provisional.
		 */
		if (READ_ONCE(e->confirmed)) {
			struct vpnpt_session *s = p->session;

			vpnpt_session_seen(s, 1, len);
			if (!READ_ONCE(s->public))
				WRITE_ONCE(s->public, iph->daddr);
			vpnpt_session_set_state(in->net, s,
						VPNPT_SESSION_ESTABLISHED);
		}
		return p;
	}
	srv = rhashtable_lookup(&in->servers, &server,
				vpnpt_keepport_server_params);
	if (!srv || vpnpt_keepport_dflt_flow(in->net, iph))
		return NULL;
	/*
	 * A new or rekeyed IKE SA: the client last active with the server.
	 * Its SPIs are learnt as unconfirmed: they take no SPI the client
	 * sent, and become the client's once it sends with them.
	 */
	spin_lock_bh(&in->lock);
	p = in->dying ? NULL : rcu_dereference_protected(srv->last,
					lockdep_is_held(&in->lock));
	if (p) {
		vpnpt_keepport_learn(in, p, h->ispi, false);
		if (h->rspi)
			vpnpt_keepport_learn(in, p, h->rspi, false);
	}
	spin_unlock_bh(&in->lock);
	return p;
}

static unsigned int vpnpt_keepport_pre(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	u8 _buf[sizeof(struct udphdr) + VPNPT_IKE_HDR_LEN];
	const struct udphdr *uh;
	struct vpnpt_keepport_net *in;
	struct vpnpt_keepport_peer *p;
	struct mem_cgroup *old;
	const struct iphdr *iph;
	struct vpnpt_ike_hdr h;
	struct vpnpt_net *vn;
	unsigned int off, len;
	const u8 *buf;
	int err;

	/* The cheapest tests first: most packets are not UDP. */
	iph = ip_hdr(skb);
	if (iph->protocol != IPPROTO_UDP || skb->_nfct ||
	    (iph->frag_off & htons(IP_OFFSET)))
		return NF_ACCEPT;
	vn = vpnpt_net(state->net);
	if (!READ_ONCE(vn->ike_keep_port) ||
	    !vpnpt_proto_enabled(vn, VPNPT_PROTO_IKE))
		return NF_ACCEPT;
	off = ip_hdrlen(skb);
	buf = skb_header_pointer(skb, off, sizeof(_buf), _buf);
	if (!buf)
		return NF_ACCEPT;
	uh = (const struct udphdr *)buf;
	if (uh->source != htons(VPNPT_PORT_IKE) ||
	    uh->dest != htons(VPNPT_PORT_IKE))
		return NF_ACCEPT;
	/* Malformed IKE is the helper's to count; it keeps its zone. */
	err = vpnpt_ike_parse(buf + sizeof(*uh), skb->len - off - sizeof(*uh),
			      &h);
	if (err && err != -VPNPT_IKE_ERR_TRAILING)
		return NF_ACCEPT;

	in = vpnpt_keepport_net(state->net);
	old = vpnpt_charge_begin(state->net);
	len = skb->len - off - sizeof(*uh);
	if (inet_addr_type(state->net, iph->daddr) == RTN_LOCAL)
		p = vpnpt_keepport_inbound(in, iph, &h, len);
	else if (vpnpt_lan_client(state->net, vpnpt_in_ifindex(state->in),
				  iph->saddr, iph->daddr))
		p = vpnpt_keepport_outbound(in, iph->saddr, iph->daddr, &h, len);
	else
		p = NULL;
	vpnpt_charge_end(old);
	if (p)
		vpnpt_esp_client_set_zone(skb, p->zone);
	return NF_ACCEPT;
}

static const struct nf_hook_ops vpnpt_keepport_ops[] = {
	{
		.hook = vpnpt_keepport_pre,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		/* As the ESP hook: after the raw table, before conntrack. */
		.priority = (NF_IP_PRI_RAW + NF_IP_PRI_CONNTRACK) / 2,
	},
};

/* ---- the hook, flush, namespaces ---------------------------------------- */

/* Off: no packet reaches the tables after this returns. */
int vpnpt_keepport_hook(struct net *net, bool on)
{
	return vpnpt_net_hooks_set(net, vpnpt_keepport_ops,
				   ARRAY_SIZE(vpnpt_keepport_ops),
				   &vpnpt_net(net)->keepport_hooked, on);
}

/*
 * End every peer's session (their destroys free the peers). A peer whose
 * session the table has evicted and not yet destroyed is left to the
 * table's eviction work.
 */
void vpnpt_keepport_flush(struct net *net)
{
	struct vpnpt_keepport_net *in = vpnpt_keepport_net(net);
	struct vpnpt_keepport_peer *p;

	rcu_read_lock();
	list_for_each_entry_rcu(p, &in->peer_list, all)
		vpnpt_session_remove(net, p->session);
	rcu_read_unlock();
}

static int __net_init vpnpt_keepport_net_init(struct net *net)
{
	struct vpnpt_keepport_net *in = vpnpt_keepport_net(net);
	struct vpnpt_net *vn = vpnpt_net(net);
	int err;

	spin_lock_init(&in->lock);
	INIT_LIST_HEAD(&in->peer_list);
	in->net = net;
	err = rhashtable_init(&in->peers, &vpnpt_keepport_peer_params);
	if (err)
		return err;
	err = rhashtable_init(&in->spis, &vpnpt_keepport_spi_params);
	if (err)
		goto err_peers;
	err = rhashtable_init(&in->servers, &vpnpt_keepport_server_params);
	if (err)
		goto err_spis;
	/* The hook is in place while the option is on only. */
	mutex_lock(&vn->config_lock);
	err = vpnpt_keepport_hook(net, vn->ike_keep_port);
	mutex_unlock(&vn->config_lock);
	if (err)
		goto err_servers;
	return 0;

err_servers:
	rhashtable_destroy(&in->servers);
err_spis:
	rhashtable_destroy(&in->spis);
err_peers:
	rhashtable_destroy(&in->peers);
	return err;
}

static void __net_exit vpnpt_keepport_net_exit(struct net *net)
{
	struct vpnpt_keepport_net *in = vpnpt_keepport_net(net);
	struct vpnpt_net *vn = vpnpt_net(net);

	mutex_lock(&vn->config_lock);
	vpnpt_keepport_hook(net, false);
	mutex_unlock(&vn->config_lock);
	spin_lock_bh(&in->lock);
	in->dying = true;
	spin_unlock_bh(&in->lock);
	/*
	 * The peers' sessions go now, before the IKE part flushes the rest:
	 * their destroys need our tables. Evicted ones are destroyed by the
	 * table's work, which the flush of no protocol waits for. Zones go
	 * back to the ESP part, which is torn down after us.
	 */
	vpnpt_keepport_flush(net);
	vpnpt_sessions_flush(net, 0);
	WARN_ON_ONCE(!list_empty(&in->peer_list));
	rhashtable_destroy(&in->servers);
	rhashtable_destroy(&in->spis);
	rhashtable_destroy(&in->peers);
}

static struct pernet_operations vpnpt_keepport_net_ops = {
	.init = vpnpt_keepport_net_init,
	.exit = vpnpt_keepport_net_exit,
	.id = &vpnpt_keepport_net_id,
	.size = sizeof(struct vpnpt_keepport_net),
};

int vpnpt_keepport_init(void)
{
	return register_pernet_subsys(&vpnpt_keepport_net_ops);
}

void vpnpt_keepport_exit(void)
{
	unregister_pernet_subsys(&vpnpt_keepport_net_ops);
	/* kfree_rcu() callbacks have no code of ours; nothing to wait for. */
}
