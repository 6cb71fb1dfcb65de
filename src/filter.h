/* SPDX-License-Identifier: GPL-2.0 */
/* The forward-path hooks that enforce the protocol switches. */
#ifndef _VPNPT_FILTER_H
#define _VPNPT_FILTER_H

#include <net/net_namespace.h>

int vpnpt_filter_register(struct net *net);
void vpnpt_filter_unregister(struct net *net);

#endif /* _VPNPT_FILTER_H */
