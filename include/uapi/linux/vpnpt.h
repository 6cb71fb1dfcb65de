/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vpnpt - VPN passthrough for Linux routers.
 *
 * This header is shared by the kernel module and by userspace (vpnptctl).
 * It only uses fixed-size types from <linux/types.h>, so it can be included
 * on its own from either side.
 */
#ifndef _UAPI_LINUX_VPNPT_H
#define _UAPI_LINUX_VPNPT_H

#include <linux/types.h>

/**
 * enum vpnpt_proto - the protocols vpnpt passes through
 * @VPNPT_PROTO_PPTP: PPTP control on TCP 1723 and its enhanced GRE data
 * @VPNPT_PROTO_L2TP: L2TPv2 over UDP 1701
 * @VPNPT_PROTO_IKE: ISAKMP/IKE on UDP 500
 * @VPNPT_PROTO_ESP: raw ESP (IP protocol 50)
 * @VPNPT_PROTO_AH: AH (IP protocol 51)
 * @VPNPT_PROTO_NATT: IKE and ESP in UDP on port 4500 (RFC 3947/3948)
 * @__VPNPT_PROTO_MAX: number of protocols; not a protocol
 *
 * Each protocol has a switch, readable and writable as the module parameter
 * of the same name (see vpnpt_proto_name below) and over generic netlink.
 * The values are stable ABI: they are bit numbers in protocol bitmaps.
 */
enum vpnpt_proto {
	VPNPT_PROTO_PPTP,
	VPNPT_PROTO_L2TP,
	VPNPT_PROTO_IKE,
	VPNPT_PROTO_ESP,
	VPNPT_PROTO_AH,
	VPNPT_PROTO_NATT,
	__VPNPT_PROTO_MAX
};

#define VPNPT_PROTO_MAX (__VPNPT_PROTO_MAX - 1)

/* Bitmap with every protocol's bit set. */
#define VPNPT_PROTO_ALL ((1U << __VPNPT_PROTO_MAX) - 1)

/*
 * Names of the protocols, as used for module parameters, by vpnptctl and in
 * documentation, indexed by enum vpnpt_proto.
 */
#define VPNPT_PROTO_NAMES { "pptp", "l2tp", "ike", "esp", "ah", "natt" }

#endif /* _UAPI_LINUX_VPNPT_H */
