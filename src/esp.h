/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw ESP through the NAT: each LAN client's ESP in its own conntrack zone,
 * inbound SPIs bound to clients. See docs/ipsec.md.
 */
#ifndef _VPNPT_ESP_H
#define _VPNPT_ESP_H

#include <linux/types.h>

struct net;
struct sk_buff;
struct vpnpt_esp_client;
struct vpnpt_proto_ops;

int vpnpt_esp_init(void);
void vpnpt_esp_exit(void);

extern const struct vpnpt_proto_ops vpnpt_esp_proto;

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

/* Attach the client's zone to a packet that has no conntrack yet. */
void vpnpt_esp_client_set_zone(struct sk_buff *skb,
			       const struct vpnpt_esp_client *c);

#endif /* _VPNPT_ESP_H */
