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

int vpnpt_filter_register(struct net *net);
void vpnpt_filter_unregister(struct net *net);

#endif /* _VPNPT_FILTER_H */
