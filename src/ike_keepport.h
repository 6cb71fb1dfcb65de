/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Option ike_keep_port: every LAN client's IKE to a server keeps source
 * port 500, each in the client's own conntrack zone, packets from the
 * server told apart by IKE SPI. See docs/ipsec.md.
 */
#ifndef _VPNPT_KEEPPORT_H
#define _VPNPT_KEEPPORT_H

#include <linux/types.h>

struct net;

int vpnpt_keepport_init(void);
void vpnpt_keepport_exit(void);

/*
 * Register the namespace's keep-port hook (@on) or unregister it; nothing
 * changes if registering fails. Under the namespace's config_lock: the
 * hook is registered while the option is on only.
 */
int vpnpt_keepport_hook(struct net *net, bool on);

/*
 * End every client's keep-port state (the option turned off): the sessions
 * it hangs off leave the session table. Sleeps not.
 */
void vpnpt_keepport_flush(struct net *net);

#endif /* _VPNPT_KEEPPORT_H */
