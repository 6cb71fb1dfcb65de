/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events the core raises (a session starts, changes or ends; a namespace's
 * configuration changed), delivered by whoever installed the hook: the
 * netlink layer (genl.c) while it is registered, nobody otherwise.
 */
#ifndef _VPNPT_EVENTS_H
#define _VPNPT_EVENTS_H

#include <uapi/linux/vpnpt.h>

struct net;
struct vpnpt_session;

/**
 * struct vpnpt_event_ops - the event sink
 * @session: @s started or changed (%VPNPT_CMD_SESSION_NEW) or ended
 *	(%VPNPT_CMD_SESSION_DEL). Atomic context, under the session table's
 *	lock or in an RCU read-side section; must not sleep.
 * @config: @net's configuration changed. Process context.
 */
struct vpnpt_event_ops {
	void (*session)(struct net *net, const struct vpnpt_session *s,
			enum vpnpt_cmd cmd);
	void (*config)(struct net *net);
};

/*
 * Install (@ops) or remove (NULL) the sink. Events raised while none is
 * installed are dropped. The sink's code must stay until the module goes.
 */
void vpnpt_events_set(const struct vpnpt_event_ops *ops);

void vpnpt_event_session(struct net *net, const struct vpnpt_session *s,
			 enum vpnpt_cmd cmd);
void vpnpt_event_config(struct net *net);

#endif /* _VPNPT_EVENTS_H */
