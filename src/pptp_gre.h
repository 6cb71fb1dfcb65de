/* SPDX-License-Identifier: GPL-2.0 */
/* PPTP passthrough: the calls' GRE flows (expectations and keymap). */
#ifndef _VPNPT_PPTP_GRE_H
#define _VPNPT_PPTP_GRE_H

#include "pptp_conn.h"

/*
 * Expect the call's GRE, both ways, once both its IDs are known. From the
 * control connection's packet, under its lock.
 */
int vpnpt_pptp_gre_expect(struct vpnpt_pptp_segment *seg,
			  struct vpnpt_pptp_call *call);
void vpnpt_pptp_gre_release(struct net *net, struct vpnpt_pptp_call *call);

/*
 * Enter the call in the namespace's table of GRE keys of direction @dir
 * (enum ip_conntrack_dir): the client's packets by the peer ID, the
 * server's by the outside ID. -EEXIST: another call has that key. Under
 * the connection's lock. Unhashing is for a call off its connection's list.
 */
int vpnpt_pptp_gre_hash(struct vpnpt_pptp_call *call, int dir);
void vpnpt_pptp_gre_unhash(struct vpnpt_pptp_call *call, int dir);

/* A namespace's keymap template (struct vpnpt_pptp_net @keymap). */
int vpnpt_pptp_gre_net_init(struct net *net, struct vpnpt_pptp_net *pn);
void vpnpt_pptp_gre_net_exit(struct vpnpt_pptp_net *pn);

int vpnpt_pptp_gre_init(void);
void vpnpt_pptp_gre_exit(void);

#endif /* _VPNPT_PPTP_GRE_H */
