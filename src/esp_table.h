/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw ESP: what the IKE helpers use of ESP's tables (esp_table.c): IKE
 * evidence for binding SPIs, and the clients' conntrack zones.
 */
#ifndef _VPNPT_ESP_TABLE_H
#define _VPNPT_ESP_TABLE_H

#include <linux/types.h>

struct net;
struct sk_buff;
struct vpnpt_esp_client;

/*
 * IKE evidence: the IKE exchange between @client and @server (IKE session
 * @ike_id) just completed a message that creates or rekeys Child SAs, so
 * new inbound SPIs from @server are likely to be @client's. Any context.
 */
void vpnpt_esp_ike_child(struct net *net, __be32 client, __be32 server,
			 u64 ike_id);

/*
 * The conntrack zone of LAN client @addr, shared by its ESP and (option
 * ike_keep_port) its IKE: held until released; NULL when no zone is left.
 * Atomic context; RCU readers may use a released client until their read
 * side ends.
 */
struct vpnpt_esp_client *vpnpt_esp_client_hold(struct net *net, __be32 addr);
void vpnpt_esp_client_release(struct net *net, struct vpnpt_esp_client *c);

/* The conntrack zone id of a held client. */
u16 vpnpt_esp_client_zone(const struct vpnpt_esp_client *c);

/* Attach the client's zone to a packet that has no conntrack yet. */
void vpnpt_esp_client_set_zone(struct sk_buff *skb,
			       const struct vpnpt_esp_client *c);

#endif /* _VPNPT_ESP_TABLE_H */
