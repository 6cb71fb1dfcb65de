// SPDX-License-Identifier: GPL-2.0
/*
 * Per network namespace state.
 *
 * The initial namespace's switches are the module parameters; a namespace
 * created later starts with a copy of the initial namespace's switches as
 * they are at that moment.
 */

#include <linux/module.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "netns.h"
#include "params.h"

static unsigned int vpnpt_net_id __read_mostly;
static bool vpnpt_pernet_registered;

struct vpnpt_net *vpnpt_net(const struct net *net)
{
	return net_generic(net, vpnpt_net_id);
}

void vpnpt_proto_set(struct vpnpt_net *vn, enum vpnpt_proto proto, bool on)
{
	if (on)
		set_bit(proto, &vn->switches);
	else
		clear_bit(proto, &vn->switches);
}

bool vpnpt_netns_ready(void)
{
	return READ_ONCE(vpnpt_pernet_registered);
}

static int __net_init vpnpt_net_init(struct net *net)
{
	struct vpnpt_net *vn = vpnpt_net(net);

	if (net_eq(net, &init_net))
		vn->switches = vpnpt_params_initial();
	else
		vn->switches = READ_ONCE(vpnpt_net(&init_net)->switches);
	return 0;
}

static struct pernet_operations vpnpt_net_ops = {
	.init = vpnpt_net_init,
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
