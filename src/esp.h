/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw ESP through the NAT: each LAN client's ESP in its own conntrack zone,
 * inbound SPIs bound to clients; AH checked for translation. See
 * docs/ipsec.md.
 */
#ifndef _VPNPT_ESP_H
#define _VPNPT_ESP_H

#include <linux/types.h>

struct net;

int vpnpt_esp_init(void);
void vpnpt_esp_exit(void);

/*
 * IKE evidence: the IKE exchange between @client and @server (IKE session
 * @ike_id) just completed a message that creates or rekeys Child SAs, so
 * new inbound SPIs from @server are likely to be @client's. Any context.
 */
void vpnpt_esp_ike_child(struct net *net, __be32 client, __be32 server,
			 u64 ike_id);

#endif /* _VPNPT_ESP_H */
