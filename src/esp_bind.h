/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw ESP: binding SPIs to LAN clients (esp_bind.c), for the hook (esp.c).
 * Both are called in the hook's RCU read-side section; the SA returned
 * stays valid until it ends. NULL: no SA (not anyone's, or refused).
 */
#ifndef _VPNPT_ESP_BIND_H
#define _VPNPT_ESP_BIND_H

struct net;
struct sk_buff;
struct vpnpt_esp_in_key;
struct vpnpt_esp_net;
struct vpnpt_esp_out_key;
struct vpnpt_esp_sa;

/* First packet of an outbound SPI: a new, unbound SA. */
struct vpnpt_esp_sa *vpnpt_esp_outbound_new(struct net *net,
					    struct vpnpt_esp_net *en,
					    const struct vpnpt_esp_out_key *k);

/* First packet of an unknown inbound SPI: bind it, if anyone's. */
struct vpnpt_esp_sa *vpnpt_esp_inbound_new(struct net *net,
					   struct vpnpt_esp_net *en,
					   const struct sk_buff *skb,
					   const struct vpnpt_esp_in_key *k);

#endif /* _VPNPT_ESP_BIND_H */
