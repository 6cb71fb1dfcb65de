/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types and byte readers for the protocol parsers (pptp_parse.c,
 * ike_parse.c, l2tp_parse.c). The parsers are pure functions over a byte
 * buffer: they compile into the module and, unchanged, into the userspace
 * unit tests and fuzz targets under selftests/. This header is the only
 * place that knows which of the two it is built for.
 */
#ifndef _VPNPT_WIRE_H
#define _VPNPT_WIRE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/stddef.h>
#include <linux/string.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

/* Big-endian reads from a buffer the caller has checked to be long enough. */
static inline u16 vpnpt_get_be16(const u8 *p)
{
	return (u16)((u16)p[0] << 8 | p[1]);
}

static inline u32 vpnpt_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline u64 vpnpt_get_be64(const u8 *p)
{
	return (u64)vpnpt_get_be32(p) << 32 | vpnpt_get_be32(p + 4);
}

static inline void vpnpt_put_be16(u8 *p, u16 v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

#endif /* _VPNPT_WIRE_H */
