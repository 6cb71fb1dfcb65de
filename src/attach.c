// SPDX-License-Identifier: GPL-2.0
/*
 * Option attach_helpers: the helpers of vpnpt's protocols (proto.h: @helper,
 * @port) are given to the new connections to their ports by vpnpt itself,
 * as the ct helper objects of `vpnptctl setup --nft` do, with no nftables
 * chain that every forwarded packet would pass.
 *
 * One IPv4 prerouting hook, after conntrack and destination NAT, registered
 * (with conntrack itself) while the option is on. A packet of a connection
 * conntrack has confirmed leaves it after one test: only the first packet
 * of a connection looks at its port. A connection that has a helper
 * already (an admin's rule, an expectation) keeps it; expected connections
 * (ctinfo RELATED) are not touched, as "ct state new" would not match them.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_seqadj.h>

#include "attach.h"
#include "netns.h"
#include "proto.h"

/* The helper of the protocol that owns @port of @l4proto, or NULL. */
static struct nf_conntrack_helper *vpnpt_attach_find(u8 l4proto, __be16 port)
{
	const struct vpnpt_proto_ops *ops;
	int p;

	for (p = 0; p < __VPNPT_PROTO_MAX; p++) {
		ops = vpnpt_proto(p);
		if (ops->helper && ops->helper->tuple.dst.protonum == l4proto &&
		    htons(ops->port) == port)
			return ops->helper;
	}
	return NULL;
}

static unsigned int vpnpt_attach_pre(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	const struct nf_conntrack_tuple *t;
	struct nf_conntrack_helper *helper;
	enum ip_conntrack_info ctinfo;
	struct nf_conn_help *help;
	struct nf_conn *ct;

	ct = nf_ct_get(skb, &ctinfo);
	if (!ct || ctinfo != IP_CT_NEW || nf_ct_is_confirmed(ct) ||
	    nf_ct_is_template(ct) || nfct_help(ct))
		return NF_ACCEPT;
	t = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	helper = vpnpt_attach_find(t->dst.protonum, t->dst.u.all);
	if (!helper)
		return NF_ACCEPT;
	/* As without a helper if there is no memory for it. */
	help = nf_ct_helper_ext_add(ct, GFP_ATOMIC);
	if (!help)
		return NF_ACCEPT;
	rcu_assign_pointer(help->helper, helper);
	/*
	 * Attached on purpose: up to 5.19, source NAT's change of the reply
	 * tuple looks the helper up again (by port, which finds none) and
	 * would drop ours without this bit.
	 */
	set_bit(IPS_HELPER_BIT, &ct->status);
	/* Destination NAT was set up before the helper came: see nf_nat_core. */
	if ((ct->status & IPS_NAT_MASK) && !nfct_seqadj(ct) &&
	    !nfct_seqadj_ext_add(ct))
		return NF_DROP;
	return NF_ACCEPT;
}

static const struct nf_hook_ops vpnpt_attach_ops[] = {
	{
		.hook = vpnpt_attach_pre,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		/* Where an nft "filter" chain of priority 0 would be, first. */
		.priority = NF_IP_PRI_FILTER - 1,
	},
};

/*
 * The hook comes with conntrack in the namespace: a router whose ruleset
 * does not track connections (no NAT, no ct rule) still gets its helpers,
 * as it did with setup --nft's ct rules.
 */
int vpnpt_attach_hook(struct net *net, bool on)
{
	struct vpnpt_net *vn = vpnpt_net(net);
	int err;

	lockdep_assert_held(&vn->config_lock);
	if (on == vn->attach_hooked)
		return 0;
	if (!on) {
		vpnpt_net_hooks_set(net, vpnpt_attach_ops,
				    ARRAY_SIZE(vpnpt_attach_ops),
				    &vn->attach_hooked, false);
		nf_ct_netns_put(net, NFPROTO_IPV4);
		return 0;
	}
	err = nf_ct_netns_get(net, NFPROTO_IPV4);
	if (err)
		return err;
	err = vpnpt_net_hooks_set(net, vpnpt_attach_ops,
				  ARRAY_SIZE(vpnpt_attach_ops),
				  &vn->attach_hooked, true);
	if (err)
		nf_ct_netns_put(net, NFPROTO_IPV4);
	return err;
}

static int __net_init vpnpt_attach_net_init(struct net *net)
{
	struct vpnpt_net *vn = vpnpt_net(net);
	int err;

	mutex_lock(&vn->config_lock);
	err = vpnpt_attach_hook(net, vn->attach_helpers);
	mutex_unlock(&vn->config_lock);
	return err;
}

static void __net_exit vpnpt_attach_net_exit(struct net *net)
{
	struct vpnpt_net *vn = vpnpt_net(net);

	mutex_lock(&vn->config_lock);
	vpnpt_attach_hook(net, false);
	mutex_unlock(&vn->config_lock);
}

static struct pernet_operations vpnpt_attach_net_ops = {
	.init = vpnpt_attach_net_init,
	.exit = vpnpt_attach_net_exit,
};

int vpnpt_attach_init(void)
{
	return register_pernet_subsys(&vpnpt_attach_net_ops);
}

void vpnpt_attach_exit(void)
{
	unregister_pernet_subsys(&vpnpt_attach_net_ops);
}
