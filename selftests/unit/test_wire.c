// SPDX-License-Identifier: GPL-2.0
#include "wire.h"
#include "unit.h"

UNIT_TEST(wire_byte_order)
{
	const u8 b[8] = { 0x01, 0x02, 0x03, 0x04, 0xf5, 0xf6, 0xf7, 0xf8 };
	u8 o[2];

	CHECK_EQ(vpnpt_get_be16(b), 0x0102);
	CHECK_EQ(vpnpt_get_be32(b), 0x01020304);
	CHECK_EQ(vpnpt_get_be32(b + 4), 0xf5f6f7f8u);
	CHECK(vpnpt_get_be64(b) == 0x01020304f5f6f7f8ull);
	vpnpt_put_be16(o, 0xabcd);
	CHECK_EQ(o[0], 0xab);
	CHECK_EQ(o[1], 0xcd);
}
