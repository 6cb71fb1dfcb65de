/* SPDX-License-Identifier: GPL-2.0 */
/*
 * AH (IP protocol 51): not translatable, only checked. See docs/ipsec.md.
 */
#ifndef _VPNPT_AH_H
#define _VPNPT_AH_H

struct vpnpt_proto_ops;

int vpnpt_ah_init(void);
void vpnpt_ah_exit(void);

extern const struct vpnpt_proto_ops vpnpt_ah_proto;

#endif /* _VPNPT_AH_H */
