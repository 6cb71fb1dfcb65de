// SPDX-License-Identifier: GPL-2.0
/*
 * Enforcing the protocol switches.
 *
 * A hook on the FORWARD path (IPv4 and IPv6), so traffic from or to the
 * router itself never reaches it. It runs just before the filter tables, so
 * an admin's "accept established" rule cannot let a disabled protocol
 * through. It is registered in a namespace only while at least one protocol
 * is switched off there (vpnpt_filter_hook(), when a switch changes):
 * with every switch on, forwarded traffic does not pay for it. Each
 * forwarded packet is classified:
 *
 *   PPTP   TCP with port 1723 on either side; GRE version 1 (enhanced GRE)
 *   L2TP   UDP with port 1701 on either side
 *   IKE    UDP with port 500 on either side
 *   NAT-T  UDP with port 4500 on either side
 *   ESP    IP protocol 50          AH   IP protocol 51
 *
 * and dropped (counted as VPNPT_STAT_DROPPED_DISABLED) if its protocol is
 * switched off, else accepted. Plain GRE (version 0) is not PPTP and is never
 * touched. Fragments after the first carry no ports and are classified only
 * by IP protocol (conntrack, when loaded, reassembles before this hook).
 *
 * VPNPT_STAT_PACKETS is counted where vpnpt handles a protocol's packets
 * anyway, for forwarded IPv4 packets that passed this hook (so a packet is
 * never counted both passed and dropped): the ESP hook for the packets of
 * an SA it knows, the AH hook, and the conntrack helpers of PPTP (control
 * and GRE), L2TP, IKE and NAT-T (vpnpt_count_forwarded()).
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/route.h>

#include "filter.h"
#include "netns.h"

/* GRE: flags/version word; version in the low 3 bits. */
#define VPNPT_GRE_VERSION_MASK	0x0007
#define VPNPT_GRE_VERSION_PPTP	1

bool vpnpt_lan_client(struct net *net, int iif, __be32 saddr, __be32 daddr)
{
	struct flowi4 fl4 = { .daddr = saddr };
	struct rtable *rt;
	bool ok;

	/* To the router itself, or broadcast, multicast: not passthrough. */
	if (inet_addr_type(net, daddr) != RTN_UNICAST)
		return false;
	/*
	 * Reverse path: a source the router does not route back where the
	 * packet came from is spoofed (or the router's own: a local route).
	 */
	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return false;
	ok = rt->rt_type == RTN_UNICAST && (!iif || rt->dst.dev->ifindex == iif);
	ip_rt_put(rt);
	return ok;
}

int vpnpt_in_ifindex(const struct net_device *in)
{
	struct net_device *master;

	if (netif_is_bridge_port(in)) {
		master = netdev_master_upper_dev_get_rcu((struct net_device *)in);
		if (master)
			return master->ifindex;
	}
	return in->ifindex;
}

bool vpnpt_ct_lan_client(const struct sk_buff *skb, const struct nf_conn *ct,
			 int ctinfo)
{
	const struct nf_conntrack_tuple *t =
		&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	/* The input interface is the client's only in its own direction. */
	int iif = CTINFO2DIR(ctinfo) == IP_CT_DIR_ORIGINAL ? skb->skb_iif : 0;

	/* Expected by a helper for a flow that passed this check already. */
	if (ct->master)
		return true;
	return vpnpt_lan_client(nf_ct_net(ct), iif, t->src.u3.ip, t->dst.u3.ip);
}

int vpnpt_classify_l4(u8 l4proto, u16 sport, u16 dport)
{
	switch (l4proto) {
	case IPPROTO_ESP:
		return VPNPT_PROTO_ESP;
	case IPPROTO_AH:
		return VPNPT_PROTO_AH;
	case IPPROTO_TCP:
		if (sport == VPNPT_PORT_PPTP || dport == VPNPT_PORT_PPTP)
			return VPNPT_PROTO_PPTP;
		return VPNPT_NOT_VPN;
	case IPPROTO_UDP:
		if (sport == VPNPT_PORT_IKE || dport == VPNPT_PORT_IKE)
			return VPNPT_PROTO_IKE;
		if (sport == VPNPT_PORT_NATT || dport == VPNPT_PORT_NATT)
			return VPNPT_PROTO_NATT;
		if (sport == VPNPT_PORT_L2TP || dport == VPNPT_PORT_L2TP)
			return VPNPT_PROTO_L2TP;
		return VPNPT_NOT_VPN;
	default:
		return VPNPT_NOT_VPN;
	}
}

/*
 * @off: offset of the transport header; @first: this is the first (or
 * only) fragment, so the transport header is there.
 */
static int vpnpt_classify(const struct sk_buff *skb, unsigned int off,
			  u8 l4proto, bool first)
{
	__be16 _hdr[2];
	const __be16 *hdr;

	if (l4proto != IPPROTO_TCP && l4proto != IPPROTO_UDP &&
	    l4proto != IPPROTO_GRE)
		return vpnpt_classify_l4(l4proto, 0, 0);
	if (!first)
		return VPNPT_NOT_VPN;
	/* Ports, or GRE's flags/version word and protocol type. */
	hdr = skb_header_pointer(skb, off, sizeof(_hdr), _hdr);
	if (!hdr)
		return VPNPT_NOT_VPN;
	if (l4proto == IPPROTO_GRE)
		return (ntohs(hdr[0]) & VPNPT_GRE_VERSION_MASK) ==
			VPNPT_GRE_VERSION_PPTP ? VPNPT_PROTO_PPTP : VPNPT_NOT_VPN;
	return vpnpt_classify_l4(l4proto, ntohs(hdr[0]), ntohs(hdr[1]));
}

static unsigned int vpnpt_verdict(const struct nf_hook_state *state, int proto)
{
	struct vpnpt_net *vn;

	if (proto == VPNPT_NOT_VPN)
		return NF_ACCEPT;
	vn = vpnpt_net(state->net);
	if (likely(vpnpt_proto_enabled(vn, proto)))
		return NF_ACCEPT;
	vpnpt_stats_inc(&vn->stats, proto, VPNPT_STAT_DROPPED_DISABLED);
	return NF_DROP;
}

void vpnpt_count_forwarded(const struct sk_buff *skb, const struct nf_conn *ct,
			   struct vpnpt_net *vn, enum vpnpt_proto proto)
{
	if (nf_ct_l3num(ct) != NFPROTO_IPV4 ||
	    !(IPCB(skb)->flags & IPSKB_FORWARDED))
		return;
	/*
	 * A flow given the helper on another port is not the forward hook's
	 * to drop (it classifies by port): not counted as passed while off.
	 */
	if (vpnpt_proto_enabled(vn, proto))
		vpnpt_stats_inc(&vn->stats, proto, VPNPT_STAT_PACKETS);
}

static unsigned int vpnpt_forward4(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	bool first = !(iph->frag_off & htons(IP_OFFSET));

	return vpnpt_verdict(state, vpnpt_classify(skb, ip_hdrlen(skb),
						   iph->protocol, first));
}

static unsigned int vpnpt_forward6(void *priv, struct sk_buff *skb,
				   const struct nf_hook_state *state)
{
	u8 nexthdr = ipv6_hdr(skb)->nexthdr;
	__be16 frag_off = 0;
	int off;

	off = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &nexthdr, &frag_off);
	if (off < 0)
		return NF_ACCEPT;
	return vpnpt_verdict(state, vpnpt_classify(skb, off, nexthdr,
						   !(frag_off & htons(IP6_OFFSET))));
}

static const struct nf_hook_ops vpnpt_filter_ops[] = {
	{
		.hook = vpnpt_forward4,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_FORWARD,
		.priority = NF_IP_PRI_FILTER - 1,
	},
	{
		.hook = vpnpt_forward6,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_FORWARD,
		.priority = NF_IP6_PRI_FILTER - 1,
	},
};

int vpnpt_filter_hook(struct net *net, bool on)
{
	return vpnpt_net_hooks_set(net, vpnpt_filter_ops,
				   ARRAY_SIZE(vpnpt_filter_ops),
				   &vpnpt_net(net)->filter_hooked, on);
}

static int __net_init vpnpt_filter_net_init(struct net *net)
{
	struct vpnpt_net *vn = vpnpt_net(net);
	int err;

	mutex_lock(&vn->config_lock);
	err = vpnpt_filter_hook(net, vpnpt_switches(vn) != VPNPT_PROTO_ALL);
	mutex_unlock(&vn->config_lock);
	return err;
}

static void __net_exit vpnpt_filter_net_exit(struct net *net)
{
	struct vpnpt_net *vn = vpnpt_net(net);

	mutex_lock(&vn->config_lock);
	vpnpt_filter_hook(net, false);
	mutex_unlock(&vn->config_lock);
}

static struct pernet_operations vpnpt_filter_net_ops = {
	.init = vpnpt_filter_net_init,
	.exit = vpnpt_filter_net_exit,
};

int vpnpt_filter_init(void)
{
	return register_pernet_subsys(&vpnpt_filter_net_ops);
}

void vpnpt_filter_exit(void)
{
	unregister_pernet_subsys(&vpnpt_filter_net_ops);
}
