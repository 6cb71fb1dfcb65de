// SPDX-License-Identifier: GPL-2.0
/*
 * The event hook: the core announces through it without knowing who
 * listens, so the netlink layer sits on top of the core, not inside it.
 */
#include <linux/compiler.h>

#include "events.h"

static const struct vpnpt_event_ops *vpnpt_event_ops;

void vpnpt_events_set(const struct vpnpt_event_ops *ops)
{
	WRITE_ONCE(vpnpt_event_ops, ops);
}

void vpnpt_event_session(struct net *net, const struct vpnpt_session *s,
			 enum vpnpt_cmd cmd)
{
	const struct vpnpt_event_ops *ops = READ_ONCE(vpnpt_event_ops);

	if (ops && ops->session)
		ops->session(net, s, cmd);
}

void vpnpt_event_config(struct net *net)
{
	const struct vpnpt_event_ops *ops = READ_ONCE(vpnpt_event_ops);

	if (ops && ops->config)
		ops->config(net);
}
