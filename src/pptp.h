/* SPDX-License-Identifier: GPL-2.0 */
/* PPTP passthrough: the control connection helper and its GRE flows. */
#ifndef _VPNPT_PPTP_H
#define _VPNPT_PPTP_H

struct vpnpt_proto_ops;

int vpnpt_pptp_init(void);
void vpnpt_pptp_exit(void);

extern const struct vpnpt_proto_ops vpnpt_pptp_proto;

#endif /* _VPNPT_PPTP_H */
