/* SPDX-License-Identifier: GPL-2.0 */
/* The forward-path hooks that enforce the protocol switches. */
#ifndef _VPNPT_FILTER_H
#define _VPNPT_FILTER_H

#include <linux/types.h>
#include <net/net_namespace.h>

/* Not one of the VPN protocols (see vpnpt_classify_l4). */
#define VPNPT_NOT_VPN	(-1)

/*
 * The protocol (enum vpnpt_proto) of a packet or flow with transport protocol
 * @l4proto and, for TCP and UDP, ports @sport and @dport (host order), or
 * VPNPT_NOT_VPN. GRE is the caller's to decide: only enhanced GRE is PPTP.
 */
int vpnpt_classify_l4(u8 l4proto, u16 sport, u16 dport);

/*
 * May a flow from @saddr to @daddr create vpnpt state? Only a LAN client's
 * flow that the router forwards may: @daddr must be a unicast address that
 * is not the router's, and @saddr one the router routes back out of the
 * interface the packet came in on (@iif; 0: not known, then only "not the
 * router's own and routable" is checked). Costs a route lookup: call it
 * before creating state, not for every packet of a known flow.
 */
bool vpnpt_lan_client(struct net *net, int iif, __be32 saddr, __be32 daddr);

/*
 * The interface a packet came in on as routing sees it: with br_netfilter,
 * IPv4 hooks see a bridge port where routing sees the bridge. RCU held.
 */
struct net_device;
int vpnpt_in_ifindex(const struct net_device *in);

struct nf_conn;
/* The same for the IPv4 flow @ct, seen in a packet @skb of it. */
bool vpnpt_ct_lan_client(const struct sk_buff *skb, const struct nf_conn *ct,
			 int ctinfo);

enum vpnpt_proto;
struct vpnpt_net;
/*
 * Count the packet @skb of the flow @ct as a passed forwarded packet of
 * @proto (VPNPT_STAT_PACKETS) if it is a forwarded IPv4 packet. For the
 * conntrack helpers, which run after the forward hook (POST_ROUTING); @vn
 * is the namespace's, which the caller has at hand.
 */
void vpnpt_count_forwarded(const struct sk_buff *skb, const struct nf_conn *ct,
			   struct vpnpt_net *vn, enum vpnpt_proto proto);

/*
 * Register (@on) or unregister the forward hooks in @net; the caller holds
 * the namespace's config_lock. Registered while a switch is off there.
 * Sleeps.
 */
int vpnpt_filter_hook(struct net *net, bool on);

/* The forward hooks' per-namespace setup (a module part, main.c). */
int vpnpt_filter_init(void);
void vpnpt_filter_exit(void);

#endif /* _VPNPT_FILTER_H */
