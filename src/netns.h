/* SPDX-License-Identifier: GPL-2.0 */
/* Per network namespace state of vpnpt. */
#ifndef _VPNPT_NETNS_H
#define _VPNPT_NETNS_H

#include <linux/types.h>
#include <linux/bitops.h>
#include <net/net_namespace.h>
#include <uapi/linux/vpnpt.h>

/**
 * struct vpnpt_net - what vpnpt keeps for one network namespace
 * @switches: bitmap of enabled protocols (bit = enum vpnpt_proto); changed
 *            with atomic bit operations, read locklessly on the packet path
 */
struct vpnpt_net {
	unsigned long switches;
};

struct vpnpt_net *vpnpt_net(const struct net *net);

static inline bool vpnpt_proto_enabled(const struct vpnpt_net *vn,
				       enum vpnpt_proto proto)
{
	return test_bit(proto, &vn->switches);
}

void vpnpt_proto_set(struct vpnpt_net *vn, enum vpnpt_proto proto, bool on);

int vpnpt_netns_init(void);
void vpnpt_netns_exit(void);

/* True between vpnpt_netns_init() and vpnpt_netns_exit(). */
bool vpnpt_netns_ready(void);

#endif /* _VPNPT_NETNS_H */
