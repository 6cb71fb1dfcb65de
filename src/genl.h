/* SPDX-License-Identifier: GPL-2.0 */
/* The generic netlink family "vpnpt" (see include/uapi/linux/vpnpt.h). */
#ifndef _VPNPT_GENL_H
#define _VPNPT_GENL_H

#include <uapi/linux/vpnpt.h>

/*
 * While registered, the family is the event sink (events.h): events go to
 * its events group, cheaply when nobody listens.
 */
int vpnpt_genl_init(void);
void vpnpt_genl_exit(void);

#endif /* _VPNPT_GENL_H */
