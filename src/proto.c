// SPDX-License-Identifier: GPL-2.0
/* The protocol table (proto.h); filled in by main.c at load. */
#include <linux/cache.h>
#include <linux/compiler.h>

#include "proto.h"

static const struct vpnpt_proto_ops vpnpt_proto_none;
static const struct vpnpt_proto_ops *const *vpnpt_proto_table __ro_after_init;

void vpnpt_protos_set(const struct vpnpt_proto_ops *const *table)
{
	vpnpt_proto_table = table;
}

const struct vpnpt_proto_ops *vpnpt_proto(int p)
{
	const struct vpnpt_proto_ops *ops;

	if (p < 0 || p >= __VPNPT_PROTO_MAX || !vpnpt_proto_table)
		return &vpnpt_proto_none;
	ops = vpnpt_proto_table[p];
	return ops ?: &vpnpt_proto_none;
}
