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

/* Forget every client's IKE (option or switch turned off). Sleeps not. */
void vpnpt_keepport_flush(struct net *net);

/*
 * Forget the clients whose IKE has been idle for the IKE timeout; returns
 * whether any is left. For IKE's @expire op (ike.c). Sleeps not.
 */
bool vpnpt_keepport_expire(struct net *net, unsigned long now);

#endif /* _VPNPT_KEEPPORT_H */
