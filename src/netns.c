// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state.
 *
 * The initial namespace's switches are the module parameters; a namespace
 * created later starts with a copy of the initial namespace's configuration
 * as it is at that moment.
 */
#include <linux/module.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "filter.h"
#include "netns.h"
#include "params.h"
#include "teardown.h"

static unsigned int vpnpt_net_id __read_mostly;

/* Default idle timeouts (seconds), by protocol. */
static const u32 vpnpt_default_timeouts[__VPNPT_PROTO_MAX] = {
	[VPNPT_PROTO_PPTP] = 600,
	[VPNPT_PROTO_L2TP] = 300,
	[VPNPT_PROTO_IKE] = 300,
	[VPNPT_PROTO_ESP] = 600,
	[VPNPT_PROTO_AH] = 600,
	[VPNPT_PROTO_NATT] = 300,
};

struct vpnpt_net *vpnpt_net(const struct net *net)
{
	return net_generic(net, vpnpt_net_id);
}

bool vpnpt_set_switches(struct net *net, u32 mask, u32 value)
{
	struct vpnpt_net *vn = vpnpt_net(net);
	u32 before, off;
	int p;

	mutex_lock(&vn->config_lock);
	before = vpnpt_switches(vn);
	for (p = 0; p < __VPNPT_PROTO_MAX; p++) {
		if (!(mask & BIT(p)))
			continue;
		if (value & BIT(p))
			set_bit(p, &vn->switches);
		else
			clear_bit(p, &vn->switches);
	}
	off = before & ~vpnpt_switches(vn);
	mutex_unlock(&vn->config_lock);

	/*
	 * The hooks see the new switches from the next packet on; what was
	 * established before is torn down now, outside the lock.
	 */
	if (off)
		vpnpt_teardown(net, off);
	return before != vpnpt_switches(vn);
}

static int __net_init vpnpt_net_init(struct net *net)
{
	struct vpnpt_net *vn = vpnpt_net(net);
	int err;

	mutex_init(&vn->config_lock);
	if (net_eq(net, &init_net)) {
		vn->switches = vpnpt_params_initial();
		vn->max_sessions = VPNPT_MAX_SESSIONS_DEFAULT;
		vn->max_client_sessions = VPNPT_MAX_CLIENT_SESSIONS_DEFAULT;
		memcpy(vn->timeouts, vpnpt_default_timeouts, sizeof(vn->timeouts));
	} else {
		struct vpnpt_net *init = vpnpt_net(&init_net);

		mutex_lock(&init->config_lock);
		vn->switches = vpnpt_switches(init);
		vn->max_sessions = init->max_sessions;
		vn->max_client_sessions = init->max_client_sessions;
		vn->ike_keep_port = init->ike_keep_port;
		memcpy(vn->timeouts, init->timeouts, sizeof(vn->timeouts));
		mutex_unlock(&init->config_lock);
	}

	err = vpnpt_stats_init(&vn->stats);
	if (err)
		return err;
	err = vpnpt_sessions_init(&vn->sessions);
	if (err)
		goto err_stats;
	err = vpnpt_filter_register(net);
	if (err)
		goto err_sessions;
	return 0;

err_sessions:
	vpnpt_sessions_destroy(net);
err_stats:
	vpnpt_stats_free(&vn->stats);
	return err;
}

static void __net_exit vpnpt_net_exit(struct net *net)
{
	struct vpnpt_net *vn = vpnpt_net(net);

	vpnpt_filter_unregister(net);
	vpnpt_sessions_destroy(net);
	vpnpt_stats_free(&vn->stats);
}

static struct pernet_operations vpnpt_net_ops = {
	.init = vpnpt_net_init,
	.exit = vpnpt_net_exit,
	.id = &vpnpt_net_id,
	.size = sizeof(struct vpnpt_net),
};

int vpnpt_netns_init(void)
{
	return register_pernet_subsys(&vpnpt_net_ops);
}

void vpnpt_netns_exit(void)
{
	unregister_pernet_subsys(&vpnpt_net_ops);
}
