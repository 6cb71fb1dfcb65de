// SPDX-License-Identifier: GPL-2.0
/*
 * vpnptctl setup and teardown: how the vpnpt conntrack helpers get to their
 * traffic.
 *
 *   setup          the module attaches them itself (attach-helpers on, over
 *                  generic netlink: nl.c), then table ip vpnpt of an
 *                  earlier `setup --nft` goes, so that no chain is left for
 *                  every packet to pass
 *   setup --nft    table ip vpnpt attaches them (nft.c), for admins who want
 *                  the rules in their ruleset; attach-helpers goes off
 *   teardown       both off
 *
 * The new way is in place before the old one goes: no connection starts
 * without its helper in between.
 */
#include <stdio.h>
#include <unistd.h>

#include "vpnptctl.h"

/* The module is loaded: teardown does not load it to turn its option off. */
static bool vpnptctl_module_loaded(void)
{
	return access("/sys/module/vpnpt", F_OK) == 0;
}

int vpnptctl_run_setup(const struct vpnptctl_args *args)
{
	struct vpnptctl_out o = {
		.f = stdout, .json = args->json, .pretty = args->pretty,
	};
	bool was_on = false, removed = false;
	int ret;

	if (args->cmd == VPNPTCTL_CMD_SETUP && !args->nft) {
		ret = vpnptctl_attach_helpers(args, true, &was_on);
		return ret ?: vpnptctl_nft_apply(args->name, false, &removed);
	}
	if (args->cmd == VPNPTCTL_CMD_SETUP) {
		ret = vpnptctl_nft_apply(args->name, true, &removed);
		if (ret || !vpnptctl_module_loaded())
			return ret;
		return vpnptctl_attach_helpers(args, false, &was_on);
	}
	if (vpnptctl_module_loaded()) {
		ret = vpnptctl_attach_helpers(args, false, &was_on);
		if (ret)
			return ret;
	}
	ret = vpnptctl_nft_apply(args->name, false, &removed);
	if (!ret)
		vpnptctl_print_teardown(&o, removed, was_on);
	return ret;
}
