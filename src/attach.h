/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Option attach_helpers: vpnpt gives its conntrack helpers to the new
 * connections of their ports itself, with no nftables rule. See attach.c.
 */
#ifndef _VPNPT_ATTACH_H
#define _VPNPT_ATTACH_H

#include <linux/types.h>

struct net;

int vpnpt_attach_init(void);
void vpnpt_attach_exit(void);

/*
 * Register the namespace's attach hook (@on) or unregister it; nothing
 * changes if registering fails. Under the namespace's config_lock: the
 * hook is registered while the option is on only.
 */
int vpnpt_attach_hook(struct net *net, bool on);

#endif /* _VPNPT_ATTACH_H */
