// SPDX-License-Identifier: GPL-2.0
/*
 * Tearing down a protocol's state when its switch goes off or the admin
 * flushes it, and setting the switches.
 *
 * Conntrack entries are matched by the same classification the forward
 * hook uses (protocol and well-known ports of the original tuple). An entry
 * is the router's own, and kept, when its original source is a local
 * address, or its original destination is local and was not translated
 * (no DNAT: a port forward to a LAN host is forwarded traffic).
 */
#include <linux/netfilter.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/route.h>
#include <net/addrconf.h>

#include "filter.h"
#include "netns.h"
#include "proto.h"
#include "teardown.h"

struct vpnpt_teardown_ctx {
	struct net *net;
	u32 protos;
};

static int vpnpt_ct_proto(const struct nf_conntrack_tuple *t)
{
	/* conntrack's GRE tracker keys only enhanced (PPTP) GRE by Call ID. */
	if (t->dst.protonum == IPPROTO_GRE)
		return t->src.u.all || t->dst.u.all ? VPNPT_PROTO_PPTP : VPNPT_NOT_VPN;
	return vpnpt_classify_l4(t->dst.protonum, ntohs(t->src.u.all),
				 ntohs(t->dst.u.all));
}

static bool vpnpt_addr_local(struct net *net, u8 family,
			     const union nf_inet_addr *a)
{
	if (family == NFPROTO_IPV4)
		return inet_addr_type(net, a->ip) == RTN_LOCAL;
#if IS_ENABLED(CONFIG_IPV6)
	if (family == NFPROTO_IPV6)
		return ipv6_chk_addr(net, &a->in6, NULL, 0);
#endif
	return false;
}

static int vpnpt_teardown_ct(struct nf_conn *ct, void *data)
{
	const struct vpnpt_teardown_ctx *ctx = data;
	const struct nf_conntrack_tuple *t =
		&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	int proto = vpnpt_ct_proto(t);

	if (proto == VPNPT_NOT_VPN || !(ctx->protos & BIT(proto)))
		return 0;
	if (vpnpt_addr_local(ctx->net, t->src.l3num, &t->src.u3))
		return 0;
	if (!(ct->status & IPS_DST_NAT) &&
	    vpnpt_addr_local(ctx->net, t->src.l3num, &t->dst.u3))
		return 0;
	return 1;
}

unsigned int vpnpt_teardown(struct net *net, u32 protos)
{
	struct vpnpt_teardown_ctx ctx = { .net = net, .protos = protos };

	const struct vpnpt_proto_ops *ops;
	unsigned int n;
	int p;

	n = vpnpt_sessions_flush(net, protos);
	for (p = 0; p < __VPNPT_PROTO_MAX; p++) {
		ops = vpnpt_proto(p);
		if ((protos & BIT(p)) && ops->flush)
			ops->flush(net);
	}
	vpnpt_ct_iterate_cleanup_net(net, vpnpt_teardown_ct, &ctx);
	return n;
}

int vpnpt_set_switches(struct net *net, u32 mask, u32 value)
{
	struct vpnpt_net *vn = vpnpt_net(net);
	u32 before, after, off;
	int err, p;

	mutex_lock(&vn->config_lock);
	before = vpnpt_switches(vn);
	after = ((before & ~mask) | (value & mask)) & VPNPT_PROTO_ALL;
	/* The forward hooks are in place before a switch goes off. */
	if (after != VPNPT_PROTO_ALL) {
		err = vpnpt_filter_hook(net, true);
		if (err) {
			mutex_unlock(&vn->config_lock);
			return err;
		}
	}
	for (p = 0; p < __VPNPT_PROTO_MAX; p++) {
		if (!(mask & BIT(p)))
			continue;
		if (value & BIT(p))
			set_bit(p, &vn->switches);
		else
			clear_bit(p, &vn->switches);
	}
	/* And go once every switch is on again. */
	if (after == VPNPT_PROTO_ALL)
		vpnpt_filter_hook(net, false);
	off = before & ~after;
	mutex_unlock(&vn->config_lock);

	/*
	 * The hooks see the new switches from the next packet on; what was
	 * established before is torn down now, outside the lock.
	 */
	if (off)
		vpnpt_teardown(net, off);
	return before != after;
}
