// SPDX-License-Identifier: GPL-2.0
/*
 * vpnpt - VPN passthrough for Linux routers.
 *
 * Module entry points; each concern lives in its own file.
 */

#include <linux/module.h>

#include "genl.h"
#include "netns.h"
#include "version.h"

/*
 * Order: the per-namespace state exists before netlink requests can reach
 * it, and netlink is gone (waiting for requests in flight) before the state
 * goes. Events raised while namespaces are torn down after that find no
 * listeners and are dropped.
 */
static int __init vpnpt_init(void)
{
	int err;

	err = vpnpt_netns_init();
	if (err)
		return err;
	err = vpnpt_genl_init();
	if (err)
		goto err_netns;
	pr_info("version %s loaded\n", VPNPT_VERSION);
	return 0;

err_netns:
	vpnpt_netns_exit();
	return err;
}

static void __exit vpnpt_exit(void)
{
	vpnpt_genl_exit();
	vpnpt_netns_exit();
	pr_info("unloaded\n");
}

module_init(vpnpt_init);
module_exit(vpnpt_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The vpnpt developers");
MODULE_DESCRIPTION("VPN passthrough (PPTP, IPsec, L2TP) for NAT routers");
MODULE_VERSION(VPNPT_VERSION);
