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
 * Both SPIs of every message are learnt, so an IKEv2 IKE SA rekeyed by
 * either side is found once the client has sent on it. Each client keeps
 * its last VPNPT_KEEPPORT_SPIS SPIs towards a server and forgets them all
 * when its IKE with the server has been idle for the IKE timeout. Only
 * port 500 is kept: NAT-T (UDP 4500) is made for translated ports.
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

/* SPIs remembered per client and server, the oldest forgotten first. */
#define VPNPT_KEEPPORT_SPIS	16

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

/* A client's IKE with a server. */
struct vpnpt_keepport_peer {
	struct rhash_head node;
	struct vpnpt_keepport_peer_key key;
	struct vpnpt_esp_client *zone;
	struct vpnpt_keepport_server *server;
	struct list_head spis;		/* oldest first; under the lock */
	unsigned int nspis;
	struct list_head all;
	unsigned long last;		/* jiffies of the last message */
	bool dead;			/* out of the tables; under the lock */
	struct rcu_head rcu;
};

/* An SPI of an IKE SA between a client and a server. */
struct vpnpt_keepport_spi {
	struct rhash_head node;
	struct vpnpt_keepport_spi_key key;
	struct vpnpt_keepport_peer *peer;
	struct list_head list;		/* on peer->spis */
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
	unsigned int npeers;
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

static void vpnpt_keepport_spi_free(struct vpnpt_keepport_net *in,
				    struct vpnpt_keepport_spi *e)
{
	lockdep_assert_held(&in->lock);
	rhashtable_remove_fast(&in->spis, &e->node, vpnpt_keepport_spi_params);
	list_del(&e->list);
	e->peer->nspis--;
	kfree_rcu(e, rcu);
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

static void vpnpt_keepport_peer_free(struct vpnpt_keepport_net *in,
				     struct vpnpt_keepport_peer *p)
{
	struct vpnpt_keepport_spi *e, *tmp;

	lockdep_assert_held(&in->lock);
	list_for_each_entry_safe(e, tmp, &p->spis, list)
		vpnpt_keepport_spi_free(in, e);
	rhashtable_remove_fast(&in->peers, &p->node, vpnpt_keepport_peer_params);
	list_del(&p->all);
	p->dead = true;
	in->npeers--;
	if (rcu_access_pointer(p->server->last) == p)
		RCU_INIT_POINTER(p->server->last, NULL);
	vpnpt_keepport_server_put(in, p->server);
	/* The zone outlives readers: it is freed by RCU after its release. */
	vpnpt_esp_client_release(in->net, p->zone);
	kfree_rcu(p, rcu);
}

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

/* A new peer, or NULL when refused (caps, zones, memory); counted. */
static struct vpnpt_keepport_peer *
vpnpt_keepport_peer_new(struct vpnpt_keepport_net *in,
			const struct vpnpt_keepport_peer_key *k)
{
	struct vpnpt_net *vn = vpnpt_net(in->net);
	struct vpnpt_keepport_peer *p;

	lockdep_assert_held(&in->lock);
	if (in->npeers >= vpnpt_max_sessions(vn))
		goto refused;
	p = kzalloc(sizeof(*p), VPNPT_GFP_STATE);
	if (!p)
		goto refused;
	p->key = *k;
	INIT_LIST_HEAD(&p->spis);
	p->zone = vpnpt_esp_client_hold(in->net, k->client);
	if (!p->zone)
		goto err_free;
	p->server = vpnpt_keepport_server_get(in, k->server);
	if (!p->server)
		goto err_zone;
	if (rhashtable_insert_fast(&in->peers, &p->node,
				   vpnpt_keepport_peer_params))
		goto err_server;
	list_add_tail(&p->all, &in->peer_list);
	in->npeers++;
	vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_IKE, VPNPT_STAT_IKE_PORT_KEPT);
	/* Idle peers expire (vpnpt_keepport_expire()). */
	vpnpt_expiry_kick(in->net);
	return p;

err_server:
	vpnpt_keepport_server_put(in, p->server);
err_zone:
	vpnpt_esp_client_release(in->net, p->zone);
err_free:
	kfree(p);
refused:
	vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_IKE, VPNPT_STAT_SESSIONS_REFUSED);
	return NULL;
}

/*
 * Learn @spi for @p. An SPI another client already owns towards the same
 * server stays that client's (a collision, or a client replaying another's
 * SPI): counted, not taken over.
 */
static void vpnpt_keepport_learn(struct vpnpt_keepport_net *in,
				 struct vpnpt_keepport_peer *p, u64 spi)
{
	struct vpnpt_keepport_spi_key k = { .server = p->key.server, .spi = spi };
	struct vpnpt_keepport_spi *e;

	lockdep_assert_held(&in->lock);
	e = rhashtable_lookup_fast(&in->spis, &k, vpnpt_keepport_spi_params);
	if (e) {
		if (e->peer != p)
			vpnpt_stats_inc(&vpnpt_net(in->net)->stats,
					VPNPT_PROTO_IKE,
					VPNPT_STAT_SESSIONS_REFUSED);
		return;
	}
	if (p->nspis >= VPNPT_KEEPPORT_SPIS)
		vpnpt_keepport_spi_free(in, list_first_entry(&p->spis,
							     struct vpnpt_keepport_spi,
							    list));
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
	list_add_tail(&e->list, &p->spis);
	p->nspis++;
}

/* ---- the packet path (RCU held) --------------------------------------- */

static struct vpnpt_keepport_peer *
vpnpt_keepport_spi_owner(struct vpnpt_keepport_net *in, __be32 server, u64 spi)
{
	struct vpnpt_keepport_spi_key k = { .server = server, .spi = spi };
	struct vpnpt_keepport_spi *e;

	if (!spi)
		return NULL;
	e = rhashtable_lookup(&in->spis, &k, vpnpt_keepport_spi_params);
	return e ? READ_ONCE(e->peer) : NULL;
}

/* Whether both SPIs that are set are known as @p's. */
static bool vpnpt_keepport_known(struct vpnpt_keepport_net *in,
				 const struct vpnpt_keepport_peer *p,
				const struct vpnpt_ike_hdr *h)
{
	return vpnpt_keepport_spi_owner(in, p->key.server, h->ispi) == p &&
	       (!h->rspi ||
		vpnpt_keepport_spi_owner(in, p->key.server, h->rspi) == p);
}

static struct vpnpt_keepport_peer *
vpnpt_keepport_outbound(struct vpnpt_keepport_net *in, __be32 client,
			__be32 server, const struct vpnpt_ike_hdr *h)
{
	struct vpnpt_keepport_peer_key k = { .client = client, .server = server };
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
			p = vpnpt_keepport_peer_new(in, &k);
		if (p) {
			vpnpt_keepport_learn(in, p, h->ispi);
			if (h->rspi)
				vpnpt_keepport_learn(in, p, h->rspi);
		}
out:
		spin_unlock_bh(&in->lock);
		if (!p)
			return NULL;
	}
	WRITE_ONCE(p->last, jiffies);
	/* The server's last active client changes under the lock only. */
	if (rcu_access_pointer(p->server->last) != p) {
		spin_lock_bh(&in->lock);
		if (!p->dead)
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
		       const struct vpnpt_ike_hdr *h)
{
	__be32 server = iph->saddr;

	struct vpnpt_keepport_server *srv;
	struct vpnpt_keepport_peer *p;

	p = vpnpt_keepport_spi_owner(in, server, h->ispi);
	if (!p)
		p = vpnpt_keepport_spi_owner(in, server, h->rspi);
	if (p)
		return p;
	srv = rhashtable_lookup(&in->servers, &server,
				vpnpt_keepport_server_params);
	if (!srv || vpnpt_keepport_dflt_flow(in->net, iph))
		return NULL;
	/* A new or rekeyed IKE SA: the client last active with the server. */
	spin_lock_bh(&in->lock);
	p = in->dying ? NULL : rcu_dereference_protected(srv->last,
					lockdep_is_held(&in->lock));
	if (p) {
		vpnpt_keepport_learn(in, p, h->ispi);
		if (h->rspi)
			vpnpt_keepport_learn(in, p, h->rspi);
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
	unsigned int off;
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
	if (inet_addr_type(state->net, iph->daddr) == RTN_LOCAL)
		p = vpnpt_keepport_inbound(in, iph, &h);
	else if (vpnpt_lan_client(state->net, vpnpt_in_ifindex(state->in),
				  iph->saddr, iph->daddr))
		p = vpnpt_keepport_outbound(in, iph->saddr, iph->daddr, &h);
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

/* ---- expiry, flush, namespaces ------------------------------------------ */

/* Free the peers idle since before @now (all: every peer); any left? */
static bool vpnpt_keepport_forget(struct vpnpt_keepport_net *in,
				  unsigned long now, bool all)
{
	struct vpnpt_net *vn = vpnpt_net(in->net);
	struct vpnpt_keepport_peer *p, *tmp;
	unsigned long timeout;
	bool more;

	timeout = READ_ONCE(vn->timeouts[VPNPT_PROTO_IKE]) * HZ;
	spin_lock_bh(&in->lock);
	list_for_each_entry_safe(p, tmp, &in->peer_list, all)
		if (all || time_after(now, READ_ONCE(p->last) + timeout))
			vpnpt_keepport_peer_free(in, p);
	more = in->npeers;
	spin_unlock_bh(&in->lock);
	return more;
}

bool vpnpt_keepport_expire(struct net *net, unsigned long now)
{
	return vpnpt_keepport_forget(vpnpt_keepport_net(net), now, false);
}

void vpnpt_keepport_flush(struct net *net)
{
	vpnpt_keepport_forget(vpnpt_keepport_net(net), jiffies, true);
}

static int __net_init vpnpt_keepport_net_init(struct net *net)
{
	struct vpnpt_keepport_net *in = vpnpt_keepport_net(net);
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
	err = nf_register_net_hooks(net, vpnpt_keepport_ops,
				    ARRAY_SIZE(vpnpt_keepport_ops));
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

	/* No packet reaches the tables after this (synchronize_net inside). */
	nf_unregister_net_hooks(net, vpnpt_keepport_ops,
				ARRAY_SIZE(vpnpt_keepport_ops));
	spin_lock_bh(&in->lock);
	in->dying = true;
	spin_unlock_bh(&in->lock);
	/* Zones go back to the ESP part, which is torn down after us. */
	vpnpt_keepport_forget(in, jiffies, true);
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
