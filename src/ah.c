// SPDX-License-Identifier: GPL-2.0
/*
 * AH cannot survive address translation (its ICV covers the addresses,
 * RFC 3715 2.1): a hook after source NAT counts translated AH packets as
 * VPNPT_STAT_AH_NAT_BROKEN and logs them; they are passed, untranslated AH
 * is not touched. The same hook counts forwarded AH as VPNPT_STAT_PACKETS
 * (the forward filter passes or blocks AH by its switch, before).
 * AH has no sessions, so no idle timeout either.
 */
#include <linux/ip.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <net/ip.h>
#include <net/netfilter/nf_conntrack.h>

#include "ah.h"
#include "netns.h"
#include "proto.h"

/* After source NAT: translated AH cannot be verified by its receiver. */
static unsigned int vpnpt_ah_post(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	enum ip_conntrack_info ctinfo;
	struct vpnpt_net *vn;
	struct nf_conn *ct;

	if (ip_hdr(skb)->protocol != IPPROTO_AH)
		return NF_ACCEPT;
	vn = vpnpt_net(state->net);
	/* Forwarded AH got past the forward hooks: its switch is on. */
	if (IPCB(skb)->flags & IPSKB_FORWARDED)
		vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_AH, VPNPT_STAT_PACKETS);
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || !(ct->status & IPS_NAT_MASK))
		return NF_ACCEPT;
	vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_AH, VPNPT_STAT_AH_NAT_BROKEN);
	net_info_ratelimited("AH %pI4 -> %pI4 is address-translated: its integrity check will fail (RFC 3715); use ESP or NAT-T\n",
			     &ip_hdr(skb)->saddr, &ip_hdr(skb)->daddr);
	return NF_ACCEPT;
}

static const struct nf_hook_ops vpnpt_ah_ops[] = {
	{
		.hook = vpnpt_ah_post,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_NAT_SRC + 1,
	},
};

static int __net_init vpnpt_ah_net_init(struct net *net)
{
	return nf_register_net_hooks(net, vpnpt_ah_ops, ARRAY_SIZE(vpnpt_ah_ops));
}

static void __net_exit vpnpt_ah_net_exit(struct net *net)
{
	nf_unregister_net_hooks(net, vpnpt_ah_ops, ARRAY_SIZE(vpnpt_ah_ops));
}

static struct pernet_operations vpnpt_ah_net_ops = {
	.init = vpnpt_ah_net_init,
	.exit = vpnpt_ah_net_exit,
};

/* No sessions: timeout-ah is refused. */
const struct vpnpt_proto_ops vpnpt_ah_proto = {
	.sessions = false,
};

int vpnpt_ah_init(void)
{
	return register_pernet_subsys(&vpnpt_ah_net_ops);
}

void vpnpt_ah_exit(void)
{
	unregister_pernet_subsys(&vpnpt_ah_net_ops);
}
