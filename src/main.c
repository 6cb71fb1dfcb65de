// SPDX-License-Identifier: GPL-2.0
/*
 * vpnpt - VPN passthrough for Linux routers.
 *
 * Module entry points; each concern lives in its own file.
 */

#include <linux/module.h>

#include "ah.h"
#include "attach.h"
#include "esp.h"
#include "filter.h"
#include "genl.h"
#include "ike.h"
#include "ike_keepport.h"
#include "l2tp.h"
#include "netns.h"
#include "params.h"
#include "pptp.h"
#include "proto.h"
#include "session.h"
#include "version.h"

/*
 * The protocols, as the core sees them (proto.h). A new protocol: its files,
 * one line here, and its part in vpnpt_parts[] below.
 */
static const struct vpnpt_proto_ops *const vpnpt_proto_table[__VPNPT_PROTO_MAX] = {
	[VPNPT_PROTO_PPTP] = &vpnpt_pptp_proto,
	[VPNPT_PROTO_L2TP] = &vpnpt_l2tp_proto,
	[VPNPT_PROTO_IKE] = &vpnpt_ike_proto,
	[VPNPT_PROTO_ESP] = &vpnpt_esp_proto,
	[VPNPT_PROTO_AH] = &vpnpt_ah_proto,
	[VPNPT_PROTO_NATT] = &vpnpt_natt_proto,
};

/*
 * The parts of the module, set up in this order and taken down in reverse.
 * The per-namespace state exists before netlink requests can reach it, and
 * netlink is gone (waiting for requests in flight) before the state goes.
 * Each protocol registers its conntrack helpers and its own per-namespace
 * state after the core; events raised while namespaces are torn down after
 * netlink is gone find no listeners and are dropped. The sessions' expiry
 * calls into the protocols: it starts after all of them and stops first.
 * The module parameters reach the initial namespace only while all parts
 * are up (params.c).
 */
static const struct {
	int (*init)(void);
	void (*exit)(void);
} vpnpt_parts[] = {
	{ vpnpt_netns_init, vpnpt_netns_exit },
	{ vpnpt_sessions_register, vpnpt_sessions_unregister },
	{ vpnpt_filter_init, vpnpt_filter_exit },
	{ vpnpt_genl_init, vpnpt_genl_exit },
	{ vpnpt_pptp_init, vpnpt_pptp_exit },
	{ vpnpt_l2tp_init, vpnpt_l2tp_exit },
	{ vpnpt_esp_init, vpnpt_esp_exit },
	{ vpnpt_ah_init, vpnpt_ah_exit },
	{ vpnpt_ike_init, vpnpt_ike_exit },
	/* Holds ESP client zones: torn down before the ESP part. */
	{ vpnpt_keepport_init, vpnpt_keepport_exit },
	/* Hands out the protocols' helpers: after them, gone before them. */
	{ vpnpt_attach_init, vpnpt_attach_exit },
	{ vpnpt_expiry_register, vpnpt_expiry_unregister },
};

static void vpnpt_parts_exit(int n)
{
	while (n-- > 0)
		vpnpt_parts[n].exit();
}

static int __init vpnpt_init(void)
{
	int i, err;

	vpnpt_protos_set(vpnpt_proto_table);
	for (i = 0; i < ARRAY_SIZE(vpnpt_parts); i++) {
		err = vpnpt_parts[i].init();
		if (err) {
			vpnpt_parts_exit(i);
			return err;
		}
	}
	vpnpt_params_attach();
	pr_info("version %s loaded\n", VPNPT_VERSION);
	return 0;
}

static void __exit vpnpt_exit(void)
{
	vpnpt_params_detach();
	vpnpt_parts_exit(ARRAY_SIZE(vpnpt_parts));
	pr_info("unloaded\n");
}

module_init(vpnpt_init);
module_exit(vpnpt_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The vpnpt developers");
MODULE_DESCRIPTION("VPN passthrough (PPTP, IPsec, L2TP) for NAT routers");
MODULE_VERSION(VPNPT_VERSION);
