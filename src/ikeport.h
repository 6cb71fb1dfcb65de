/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Option ike_keep_port: every LAN client's IKE to a server keeps source
 * port 500, each in the client's own conntrack zone, packets from the
 * server told apart by IKE SPI. See docs/ipsec.md.
 */
#ifndef _VPNPT_IKEPORT_H
#define _VPNPT_IKEPORT_H

struct net;

int vpnpt_ikeport_init(void);
void vpnpt_ikeport_exit(void);

/* Forget every client's IKE (option or switch turned off). Sleeps not. */
void vpnpt_ikeport_flush(struct net *net);

#endif /* _VPNPT_IKEPORT_H */
