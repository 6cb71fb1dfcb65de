// SPDX-License-Identifier: GPL-2.0
/* The uapi header compiles on its own in userspace and is consistent. */
#include <linux/vpnpt.h>

#include "unit.h"

UNIT_TEST(uapi_proto_names)
{
	static const char *const names[] = VPNPT_PROTO_NAMES;

	CHECK_EQ(sizeof(names) / sizeof(names[0]), __VPNPT_PROTO_MAX);
	CHECK_STR(names[VPNPT_PROTO_PPTP], "pptp");
	CHECK_STR(names[VPNPT_PROTO_L2TP], "l2tp");
	CHECK_STR(names[VPNPT_PROTO_IKE], "ike");
	CHECK_STR(names[VPNPT_PROTO_ESP], "esp");
	CHECK_STR(names[VPNPT_PROTO_AH], "ah");
	CHECK_STR(names[VPNPT_PROTO_NATT], "natt");
	CHECK_EQ(VPNPT_PROTO_ALL, 0x3f);
}
