/* SPDX-License-Identifier: GPL-2.0 */
/*
 * L2TP passthrough: the "vpnpt-l2tp" conntrack helper (UDP 1701) and the
 * per-namespace table of the tunnels it tracks. See docs/l2tp.md.
 */
#ifndef _VPNPT_L2TP_H
#define _VPNPT_L2TP_H

struct vpnpt_proto_ops;

int vpnpt_l2tp_init(void);
void vpnpt_l2tp_exit(void);

extern const struct vpnpt_proto_ops vpnpt_l2tp_proto;

#endif /* _VPNPT_L2TP_H */
