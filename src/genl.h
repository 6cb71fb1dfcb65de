/* SPDX-License-Identifier: GPL-2.0 */
/* The generic netlink family "vpnpt" (see include/uapi/linux/vpnpt.h). */
#ifndef _VPNPT_GENL_H
#define _VPNPT_GENL_H

#include <uapi/linux/vpnpt.h>

struct net;
struct vpnpt_session;

int vpnpt_genl_init(void);
void vpnpt_genl_exit(void);

/* Announce on the events group; cheap when nobody listens. Atomic context. */
void vpnpt_genl_notify_session(struct net *net, const struct vpnpt_session *s,
			       enum vpnpt_cmd cmd);
/* Announce the configuration of @net after a change. Process context. */
void vpnpt_genl_notify_config(struct net *net);

#endif /* _VPNPT_GENL_H */
