/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKE (UDP 500) and NAT-T (UDP 4500) conntrack helpers: per LAN client and
 * server, the IKE SAs seen and what their exchanges mean for ESP; NAT-T
 * datagrams classified and linked to their IKE session. See docs/ipsec.md.
 */
#ifndef _VPNPT_IKE_H
#define _VPNPT_IKE_H

struct vpnpt_proto_ops;

int vpnpt_ike_init(void);
void vpnpt_ike_exit(void);

extern const struct vpnpt_proto_ops vpnpt_ike_proto;
extern const struct vpnpt_proto_ops vpnpt_natt_proto;

#endif /* _VPNPT_IKE_H */
