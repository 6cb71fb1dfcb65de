/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw ESP through the NAT: each LAN client's ESP in its own conntrack zone,
 * inbound SPIs bound to clients. See docs/ipsec.md. The module's part
 * (esp.c); what IKE uses is in esp_table.h.
 */
#ifndef _VPNPT_ESP_H
#define _VPNPT_ESP_H

struct vpnpt_proto_ops;

int vpnpt_esp_init(void);
void vpnpt_esp_exit(void);

extern const struct vpnpt_proto_ops vpnpt_esp_proto;

#endif /* _VPNPT_ESP_H */
