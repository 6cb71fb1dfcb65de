/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each protocol tells the core: one struct vpnpt_proto_ops per
 * enum vpnpt_proto, in the table main.c hands to vpnpt_protos_set(). The
 * core (sessions, expiry, teardown, netlink) reaches protocols only
 * through it. See docs/design.md, "Adding a protocol".
 */
#ifndef _VPNPT_PROTO_H
#define _VPNPT_PROTO_H

#include <linux/types.h>
#include <uapi/linux/vpnpt.h>

struct net;
struct nf_conntrack_helper;

/**
 * struct vpnpt_proto_ops - a protocol's operations
 * @sessions: the protocol adds sessions to the session table; they end
 *	when idle for the namespace's timeout of the protocol (timeouts[]
 *	index = enum vpnpt_proto). Without sessions the timeout cannot be set.
 * @expire: optional: expire the protocol's own state that is not a session
 *	(idle since before @now, by the timeouts it chooses). Called by the
 *	session table's expiry worker, process context, may sleep. Returns
 *	true while it holds state that can expire (the worker keeps running).
 * @flush: optional: the protocol is switched off or flushed: drop its own
 *	state that is not a session (the sessions are gone already).
 *	Process context, may sleep.
 * @client_max: optional: the most sessions of the protocol one client may
 *	hold, where they use a resource the kernel shares among all users
 *	(PPTP calls: conntrack expectations); checked when a session is
 *	inserted, on top of the session caps. Any context, must not sleep.
 * @reconfigure: optional: @net's configuration changed (netlink
 *	SET_CONFIG); act on the options that concern the protocol. Process
 *	context, config lock not held, may sleep.
 * @helper: optional: the protocol's conntrack helper for the new
 *	connections to @port (of the helper's protocol), where the option
 *	attach_helpers gives it (attach.c); registered while the module is.
 * @port: @helper's well-known port, host order
 */
struct vpnpt_proto_ops {
	bool sessions;
	bool (*expire)(struct net *net, unsigned long now);
	void (*flush)(struct net *net);
	void (*reconfigure)(struct net *net);
	u32 (*client_max)(void);
	struct nf_conntrack_helper *helper;
	u16 port;
};

/* Install the table, indexed by enum vpnpt_proto, before any part starts. */
void vpnpt_protos_set(const struct vpnpt_proto_ops *const *table);

/* Protocol @p's operations; never NULL (a protocol without any: all empty). */
const struct vpnpt_proto_ops *vpnpt_proto(int p);

#endif /* _VPNPT_PROTO_H */
