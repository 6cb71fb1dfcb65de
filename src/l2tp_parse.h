/* SPDX-License-Identifier: GPL-2.0 */
/*
 * L2TPv2 over UDP (RFC 2661) header and control message parsing.
 *
 * Pure functions over a byte buffer: no allocation, no recursion, no state.
 * They are built into the module and, unchanged, into the userspace unit
 * tests and fuzz targets.
 */
#ifndef _VPNPT_L2TP_PARSE_H
#define _VPNPT_L2TP_PARSE_H

#include "wire.h"

/* First header word: flags and version (RFC 2661 3.1). */
#define VPNPT_L2TP_FLAG_TYPE	0x8000	/* T: control message */
#define VPNPT_L2TP_FLAG_LENGTH	0x4000	/* L: Length field present */
#define VPNPT_L2TP_FLAG_SEQ	0x0800	/* S: Ns and Nr present */
#define VPNPT_L2TP_FLAG_OFFSET	0x0200	/* O: Offset Size present */
#define VPNPT_L2TP_FLAG_PRIO	0x0100	/* P: priority (data only) */
#define VPNPT_L2TP_VER_MASK	0x000f
#define VPNPT_L2TP_VER2		2
#define VPNPT_L2TP_VER3		3	/* L2TPv3 over UDP (RFC 3931) */

/* The shortest headers: data without options, control with L and S. */
#define VPNPT_L2TP_DATA_HDR_MIN	6
#define VPNPT_L2TP_CTRL_HDR_LEN	12
/* Largest message: what the 16-bit Length field can express. */
#define VPNPT_L2TP_MSG_MAX	0xffff

/* AVP header (RFC 2661 4.1): flags and length, vendor ID, attribute. */
#define VPNPT_L2TP_AVP_HDR_LEN		6
#define VPNPT_L2TP_AVP_FLAG_MANDATORY	0x8000
#define VPNPT_L2TP_AVP_FLAG_HIDDEN	0x4000
#define VPNPT_L2TP_AVP_RESERVED_MASK	0x3c00
#define VPNPT_L2TP_AVP_LEN_MASK		0x03ff
/* The most AVPs vpnpt_l2tp_parse_ctrl() walks in one message. */
#define VPNPT_L2TP_MAX_AVPS		64

/* IETF (vendor 0) attribute types used here (RFC 2661 4.4). */
#define VPNPT_L2TP_ATTR_MSG_TYPE		0
#define VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID	9
#define VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID	14

/* Control message types (RFC 2661 3.2). */
#define VPNPT_L2TP_MSG_SCCRQ	1
#define VPNPT_L2TP_MSG_SCCRP	2
#define VPNPT_L2TP_MSG_SCCCN	3
#define VPNPT_L2TP_MSG_STOPCCN	4
#define VPNPT_L2TP_MSG_HELLO	6
#define VPNPT_L2TP_MSG_OCRQ	7
#define VPNPT_L2TP_MSG_OCRP	8
#define VPNPT_L2TP_MSG_OCCN	9
#define VPNPT_L2TP_MSG_ICRQ	10
#define VPNPT_L2TP_MSG_ICRP	11
#define VPNPT_L2TP_MSG_ICCN	12
#define VPNPT_L2TP_MSG_CDN	14
#define VPNPT_L2TP_MSG_WEN	15
#define VPNPT_L2TP_MSG_SLI	16

/**
 * enum vpnpt_l2tp_err - Why an L2TP message was rejected.
 * @VPNPT_L2TP_OK: Not an error; the parsers return 0 on success.
 * @VPNPT_L2TP_ERR_TRUNCATED: The datagram ends inside the header its flags
 *	(and Offset Size) announce.
 * @VPNPT_L2TP_ERR_VERSION: Ver is neither 2 nor 3 (1 is L2F).
 * @VPNPT_L2TP_ERR_VERSION3: Ver is 3: L2TPv3, whose header differs; not
 *	parsed further, so that the caller can apply its own policy.
 * @VPNPT_L2TP_ERR_CTRL_FLAGS: Control message (T) without L or S, or
 *	with O or P.
 * @VPNPT_L2TP_ERR_LENGTH: Length field smaller than the header or larger
 *	than the datagram; or, without a Length field, a datagram longer than
 *	VPNPT_L2TP_MSG_MAX; or a header inconsistent with the buffer passed to
 *	vpnpt_l2tp_parse_ctrl().
 * @VPNPT_L2TP_ERR_NOT_CTRL: vpnpt_l2tp_parse_ctrl() given a data message.
 * @VPNPT_L2TP_ERR_AVP_LENGTH: An AVP's length is below 6 or runs past the
 *	end of the message, or fewer than 6 octets are left for an AVP header.
 * @VPNPT_L2TP_ERR_AVP_COUNT: More than VPNPT_L2TP_MAX_AVPS AVPs.
 * @VPNPT_L2TP_ERR_MSG_TYPE: The first AVP is not a well-formed Message
 *	Type AVP (vendor 0, attribute 0, length 8, not hidden, reserved bits
 *	clear).
 * @VPNPT_L2TP_ERR_AVP_VALUE: An Assigned Tunnel ID or Assigned Session ID
 *	AVP, not hidden, whose length is not 8 or whose value is zero.
 * @VPNPT_L2TP_ERR_AVP_DUP: A second Message Type AVP, or a second Assigned
 *	Tunnel/Session ID AVP in a message from which it is extracted.
 * @VPNPT_L2TP_ERR_MAX: One past the last error.
 *
 * The parsers return the negated value.
 */
enum vpnpt_l2tp_err {
	VPNPT_L2TP_OK = 0,
	VPNPT_L2TP_ERR_TRUNCATED,
	VPNPT_L2TP_ERR_VERSION,
	VPNPT_L2TP_ERR_VERSION3,
	VPNPT_L2TP_ERR_CTRL_FLAGS,
	VPNPT_L2TP_ERR_LENGTH,
	VPNPT_L2TP_ERR_NOT_CTRL,
	VPNPT_L2TP_ERR_AVP_LENGTH,
	VPNPT_L2TP_ERR_AVP_COUNT,
	VPNPT_L2TP_ERR_MSG_TYPE,
	VPNPT_L2TP_ERR_AVP_VALUE,
	VPNPT_L2TP_ERR_AVP_DUP,
	VPNPT_L2TP_ERR_MAX,
};

/**
 * struct vpnpt_l2tp_hdr - A decoded L2TPv2 header.
 * @flags: The raw flags/version word.
 * @length: Length of the message: the Length field if present, else the
 *	datagram length. The message is the first @length octets.
 * @tunnel_id: Tunnel ID (the receiver's identifier for the tunnel).
 * @session_id: Session ID (the receiver's identifier for the session).
 * @ns: Ns, if @has_seq; else 0.
 * @nr: Nr, if @has_seq; else 0.
 * @offset_size: Offset Size, if @has_offset; else 0.
 * @hdr_len: Octets of header, offset padding included: where the PPP frame
 *	of a data message, or the first AVP of a control message, starts.
 * @control: T bit: a control message.
 * @has_length: L bit: the Length field is present.
 * @has_seq: S bit: Ns and Nr are present.
 * @has_offset: O bit: Offset Size (and padding) is present.
 * @priority: P bit: a data message to be given priority.
 */
struct vpnpt_l2tp_hdr {
	u16 flags;
	u16 length;
	u16 tunnel_id;
	u16 session_id;
	u16 ns;
	u16 nr;
	u16 offset_size;
	u16 hdr_len;
	bool control;
	bool has_length;
	bool has_seq;
	bool has_offset;
	bool priority;
};

/**
 * struct vpnpt_l2tp_ctrl - What vpnpt_l2tp_parse_ctrl() found in a control
 * message.
 * @msg_type: Value of the Message Type AVP; 0 for a ZLB.
 * @assigned_tunnel_id: Assigned Tunnel ID, if @tunnel_id_present.
 * @assigned_session_id: Assigned Session ID, if @session_id_present.
 * @navps: AVPs in the message, the Message Type AVP included.
 * @zlb: A Zero-Length Body message: header only, an acknowledgment.
 * @msg_type_mandatory: M bit of the Message Type AVP: a receiver that does
 *	not know @msg_type must clear the tunnel rather than ignore it.
 * @tunnel_id_present: SCCRQ, SCCRP or StopCCN with a visible Assigned
 *	Tunnel ID; the value is in @assigned_tunnel_id.
 * @tunnel_id_hidden: SCCRQ, SCCRP or StopCCN whose Assigned Tunnel ID AVP
 *	is hidden (H bit): the value is unknown.
 * @session_id_present: ICRQ, ICRP, OCRQ, OCRP or CDN with a visible
 *	Assigned Session ID; the value is in @assigned_session_id.
 * @session_id_hidden: ICRQ, ICRP, OCRQ, OCRP or CDN whose Assigned Session
 *	ID AVP is hidden: the value is unknown.
 */
struct vpnpt_l2tp_ctrl {
	u16 msg_type;
	u16 assigned_tunnel_id;
	u16 assigned_session_id;
	u16 navps;
	bool zlb;
	bool msg_type_mandatory;
	bool tunnel_id_present;
	bool tunnel_id_hidden;
	bool session_id_present;
	bool session_id_hidden;
};

int vpnpt_l2tp_parse(const u8 *buf, size_t len, struct vpnpt_l2tp_hdr *h);
int vpnpt_l2tp_parse_ctrl(const u8 *buf, size_t len,
			  const struct vpnpt_l2tp_hdr *h,
			  struct vpnpt_l2tp_ctrl *c);
const char *vpnpt_l2tp_msg_name(u16 type);
const char *vpnpt_l2tp_strerror(int err);

#endif /* _VPNPT_L2TP_PARSE_H */
