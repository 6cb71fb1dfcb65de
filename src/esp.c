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
 * vpnpt_esp_pick() in esp_bind.c and docs/ipsec.md). Each SA (an outbound
 * SPI and the inbound SPI bound to it, or either alone) is a session of the
 * session table, which ends it when idle (timeout-esp); a per-namespace
 * worker returns the zones of clients that have no SA left, after deleting
 * their conntrack entries (esp_table.c).
 *
 * Files: esp.c (this one) the hook and the namespace's ESP state's life;
 * esp_bind.c binding SPIs to clients; esp_table.c clients and their zones,
 * servers, IKE evidence, SAs; esp_internal.h what they share.
 *
 * Packets that already carry a conntrack or a template (an admin's raw
 * table rule, notrack) are left alone. Lookups are RCU hash lookups; the
 * per-namespace lock is only taken to create or bind an SA.
 *
 * AH is not passed through here: see ah.c.
 */#include <linux/ip.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/ip.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netns/generic.h>
#include <net/route.h>

#include "esp.h"
#include "esp_bind.h"
#include "esp_internal.h"
#include "esp_table.h"
#include "filter.h"
#include "ike_parse.h"
#include "netns.h"
#include "proto.h"

/* ---- hooks -------------------------------------------------------------- */

/*
 * The SA a packet belongs to, inbound (*dir 1) or outbound (0; also on a
 * miss): at most one of the two keys can match, as an outbound SA's server
 * is never the router's own address. The likely table comes first, so
 * that most packets, outbound ones too, take one lookup.
 */
static struct vpnpt_esp_sa *vpnpt_esp_lookup(struct vpnpt_esp_net *en,
					     const struct vpnpt_esp_in_key *ik,
					     const struct vpnpt_esp_out_key *ok,
					     int *dir)
{
	struct vpnpt_esp_sa *sa;

	if (ik->public == READ_ONCE(en->public_hint)) {
		*dir = 1;
		sa = rhashtable_lookup(&en->in, ik, vpnpt_esp_in_params);
		if (sa)
			return sa;
		*dir = 0;
		return rhashtable_lookup(&en->out, ok, vpnpt_esp_out_params);
	}
	*dir = 0;
	sa = rhashtable_lookup(&en->out, ok, vpnpt_esp_out_params);
	if (sa)
		return sa;
	sa = rhashtable_lookup(&en->in, ik, vpnpt_esp_in_params);
	if (!sa)
		return NULL;
	*dir = 1;
	WRITE_ONCE(en->public_hint, ik->public);
	return sa;
}

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
	u32 spi, seq, now;
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

		sa = vpnpt_esp_lookup(en, &ik, &ok, &dir);
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
	/* Inbound: the client's zone only once it holds the client's flow. */
	if (dir && !vpnpt_esp_flow_in(net, sa, iph->saddr, iph->daddr))
		return NF_ACCEPT;
	vpnpt_session_seen(sa->session, dir, skb->len);
	now = jiffies;
	vpnpt_esp_sa_seen(sa, dir, now);
	if (!dir)
		vpnpt_esp_flow_out(net, sa, iph->daddr, now);
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
	/* vpnpt_esp_flow_out() times its looks in 16 bits of jiffies. */
	BUILD_BUG_ON(VPNPT_ESP_QUIET >= 1 << 15);
	return register_pernet_subsys(&vpnpt_esp_net_ops);
}

void vpnpt_esp_exit(void)
{
	unregister_pernet_subsys(&vpnpt_esp_net_ops);
	/* Clients are freed by RCU callbacks that drop their templates. */
	if (READ_ONCE(vpnpt_esp_rcu_used))
		rcu_barrier();
}
