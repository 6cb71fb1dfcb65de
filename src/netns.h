/* SPDX-License-Identifier: GPL-2.0 */
/* Per network namespace state of vpnpt. */
#ifndef _VPNPT_NETNS_H
#define _VPNPT_NETNS_H

#include <linux/types.h>
#include <linux/bitops.h>
#include <linux/memcontrol.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <net/net_namespace.h>
#include <uapi/linux/vpnpt.h>

#include "session.h"
#include "stats.h"

/**
 * struct vpnpt_net - what vpnpt keeps for one network namespace
 * @switches: bitmap of enabled protocols (bit = enum vpnpt_proto); changed
 *            with atomic bit operations under @config_lock, read locklessly
 *            on the packet path
 * @max_sessions: cap of sessions in the namespace (all protocols)
 * @max_client_sessions: cap of sessions of one LAN client
 * @timeouts: idle timeout of each protocol's sessions, in seconds
 * @ike_keep_port: option: clients' IKE keeps source port 500
 *                 (ike_keepport.c)
 * @filter_hooked: the forward hooks (filter.c) are registered; changed
 *                 under @config_lock
 * @keepport_hooked: the ike-keep-port hook (ike_keepport.c) is registered
 *                   (while @ike_keep_port is on); changed under @config_lock
 * @attach_helpers: option: vpnpt gives its helpers to the new connections
 *                  of their ports (attach.c)
 * @attach_hooked: the attach hook is registered (while @attach_helpers is
 *                 on); changed under @config_lock
 * @initial: this is the initial namespace's state
 * @ceil_max_sessions: initial namespace only: the ceiling of every other
 *                     namespace's @max_sessions
 * @ceil_max_client_sessions: initial namespace only: the ceiling of every
 *                            other namespace's @max_client_sessions
 * @memcg: memory cgroup the namespace's packet-path allocations are charged
 *         to (that of the task that created the namespace; NULL: none)
 * @config_lock: serialises configuration changes (sysfs and netlink)
 * @stats: counters
 * @sessions: the session table
 */
struct vpnpt_net {
	unsigned long switches;
	u32 max_sessions;
	u32 max_client_sessions;
	u32 timeouts[__VPNPT_PROTO_MAX];
	bool ike_keep_port;
	bool filter_hooked;
	bool keepport_hooked;
	bool attach_helpers;
	bool attach_hooked;
	bool initial;
	u32 ceil_max_sessions;
	u32 ceil_max_client_sessions;
	struct mem_cgroup *memcg;
	struct mutex config_lock; /* serialises configuration changes */
	struct vpnpt_stats stats;
	struct vpnpt_sessions sessions;
};

struct vpnpt_net *vpnpt_net(const struct net *net);

static inline bool vpnpt_proto_enabled(const struct vpnpt_net *vn,
				       enum vpnpt_proto proto)
{
	return test_bit(proto, &vn->switches);
}

/*
 * The caps in force in @vn: its own, and outside the initial namespace no
 * more than the ceiling the initial namespace's admin set.
 */
u32 vpnpt_max_sessions(const struct vpnpt_net *vn);
u32 vpnpt_max_client_sessions(const struct vpnpt_net *vn);

/*
 * Allocations of state that outsiders cause, in softirq: GFP_ATOMIC, and
 * charged to the memory cgroup between vpnpt_charge_begin() and
 * vpnpt_charge_end() (docs/security.md).
 */
#define VPNPT_GFP_STATE	(GFP_ATOMIC | __GFP_ACCOUNT)

static inline struct mem_cgroup *vpnpt_charge_begin(const struct net *net)
{
	return vpnpt_set_active_memcg(vpnpt_net(net)->memcg);
}

static inline void vpnpt_charge_end(struct mem_cgroup *old)
{
	vpnpt_set_active_memcg(old);
}

static inline u32 vpnpt_switches(const struct vpnpt_net *vn)
{
	return READ_ONCE(vn->switches);
}

/*
 * The switches the initial namespace starts with: the module parameters
 * given at load (params.c writes them until the namespace exists).
 */
extern unsigned long vpnpt_initial_switches;

struct nf_hook_ops;
int vpnpt_net_hooks_set(struct net *net, const struct nf_hook_ops *ops,
			unsigned int n, bool *hooked, bool on);

int vpnpt_netns_init(void);
void vpnpt_netns_exit(void);

#endif /* _VPNPT_NETNS_H */
