// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state.
 *
 * The initial namespace's switches are the module parameters; a namespace
 * created later starts with a copy of the initial namespace's configuration
 * as it is at that moment.
 */
#include <linux/module.h>
#include <linux/netfilter.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "netns.h"

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

u32 vpnpt_max_sessions(const struct vpnpt_net *vn)
{
	u32 own = READ_ONCE(vn->max_sessions);

	if (vn->initial)
		return own;
	return min(own, READ_ONCE(vpnpt_net(&init_net)->ceil_max_sessions));
}

u32 vpnpt_max_client_sessions(const struct vpnpt_net *vn)
{
	u32 own = READ_ONCE(vn->max_client_sessions);

	if (vn->initial)
		return own;
	return min(own, READ_ONCE(vpnpt_net(&init_net)->ceil_max_client_sessions));
}

/*
 * Register @ops in @net when @on, unregister them when not; @hooked says
 * whether they are, and is read locklessly. Unregistering waits for every
 * packet in the hooks (synchronize_net).
 */
int vpnpt_net_hooks_set(struct net *net, const struct nf_hook_ops *ops,
			unsigned int n, bool *hooked, bool on)
{
	int err;

	lockdep_assert_held(&vpnpt_net(net)->config_lock);
	if (on == *hooked)
		return 0;
	if (on) {
		err = nf_register_net_hooks(net, ops, n);
		if (err)
			return err;
	} else {
		nf_unregister_net_hooks(net, ops, n);
	}
	WRITE_ONCE(*hooked, on);
	return 0;
}

/* Set once the namespaces that existed at load time have their state. */
static bool vpnpt_pernet_registered;

unsigned long vpnpt_initial_switches = VPNPT_PROTO_ALL;

static int __net_init vpnpt_net_init(struct net *net)
{
	struct vpnpt_net *vn = vpnpt_net(net);
	int err;

	mutex_init(&vn->config_lock);
	/*
	 * Who creates a namespace pays for what its traffic makes vpnpt
	 * keep; namespaces that exist when the module loads are charged to
	 * nobody (the module's loader is not their owner).
	 */
	if (!net_eq(net, &init_net) && READ_ONCE(vpnpt_pernet_registered) && current->mm)
		vn->memcg = get_mem_cgroup_from_mm(current->mm);
	if (net_eq(net, &init_net)) {
		vn->initial = true;
		vn->switches = READ_ONCE(vpnpt_initial_switches) & VPNPT_PROTO_ALL;
		vn->max_sessions = VPNPT_MAX_SESSIONS_DEFAULT;
		vn->max_client_sessions = VPNPT_MAX_CLIENT_SESSIONS_DEFAULT;
		vn->ceil_max_sessions = VPNPT_MAX_SESSIONS_DEFAULT;
		vn->ceil_max_client_sessions = VPNPT_MAX_CLIENT_SESSIONS_DEFAULT;
		memcpy(vn->timeouts, vpnpt_default_timeouts, sizeof(vn->timeouts));
	} else {
		struct vpnpt_net *init = vpnpt_net(&init_net);

		mutex_lock(&init->config_lock);
		vn->switches = vpnpt_switches(init);
		vn->max_sessions = min(init->max_sessions, init->ceil_max_sessions);
		vn->max_client_sessions = min(init->max_client_sessions,
					      init->ceil_max_client_sessions);
		vn->ike_keep_port = init->ike_keep_port;
		vn->attach_helpers = init->attach_helpers;
		memcpy(vn->timeouts, init->timeouts, sizeof(vn->timeouts));
		mutex_unlock(&init->config_lock);
	}

	err = vpnpt_stats_init(&vn->stats);
	if (err)
		mem_cgroup_put(vn->memcg);
	return err;
}

static void __net_exit vpnpt_net_exit(struct net *net)
{
	struct vpnpt_net *vn = vpnpt_net(net);

	vpnpt_stats_free(&vn->stats);
	mem_cgroup_put(vn->memcg);
}

static struct pernet_operations vpnpt_net_ops = {
	.init = vpnpt_net_init,
	.exit = vpnpt_net_exit,
	.id = &vpnpt_net_id,
	.size = sizeof(struct vpnpt_net),
};

int vpnpt_netns_init(void)
{
	int err;

	err = register_pernet_subsys(&vpnpt_net_ops);
	if (err)
		return err;
	WRITE_ONCE(vpnpt_pernet_registered, true);
	return 0;
}

void vpnpt_netns_exit(void)
{
	WRITE_ONCE(vpnpt_pernet_registered, false);
	unregister_pernet_subsys(&vpnpt_net_ops);
}
