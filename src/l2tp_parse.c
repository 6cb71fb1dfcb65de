// SPDX-License-Identifier: GPL-2.0
/*
 * L2TPv2 header and control message parsing; see l2tp_parse.h.
 *
 * Header (RFC 2661 3.1), fields in order, each 16 bits:
 *
 *   flags/version  T L x x S x O P x x x x Ver(4)
 *   Length         if L
 *   Tunnel ID
 *   Session ID
 *   Ns, Nr         if S
 *   Offset Size    if O, followed by that many octets of padding
 *
 * Control messages (T) always carry Length and Ns/Nr and never Offset Size
 * or P. Their body is a sequence of AVPs (RFC 2661 4.1):
 *
 *   M H rsvd(4) Length(10) | Vendor ID | Attribute Type | value
 *
 * of which the first is the Message Type. A control message without AVPs
 * is a ZLB, a bare acknowledgment.
 */
#include "l2tp_parse.h"

#define VPNPT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/**
 * vpnpt_l2tp_parse() - Decode and check an L2TPv2 header.
 * @buf: The UDP payload.
 * @len: Octets in @buf.
 * @h: Filled with the decoded header; zeroed first, so fields decoded
 *	before an error are set and the rest are 0.
 *
 * The checks, in order: at least the flags word; Ver 2 (3 is reported as
 * -VPNPT_L2TP_ERR_VERSION3, any other as -VPNPT_L2TP_ERR_VERSION); for a
 * control message L and S set, O and P clear; the datagram holds the whole
 * header, offset padding included; the Length field, if present, at least
 * the header and at most @len. Octets after Length are allowed (UDP may
 * carry padding) and are not part of the message. Without a Length field
 * the message is the datagram, and at most VPNPT_L2TP_MSG_MAX octets.
 * The reserved x bits are ignored, as RFC 2661 3.1 asks of receivers. Tunnel
 * and Session ID values are not checked: zero is legitimate in a control
 * message that opens a tunnel or session.
 *
 * Return: 0, or a negated enum vpnpt_l2tp_err.
 */
int vpnpt_l2tp_parse(const u8 *buf, size_t len, struct vpnpt_l2tp_hdr *h)
{
	size_t hdr_len, off = 2;
	u16 ver;

	memset(h, 0, sizeof(*h));
	if (len < 2)
		return -VPNPT_L2TP_ERR_TRUNCATED;

	h->flags = vpnpt_get_be16(buf);
	ver = h->flags & VPNPT_L2TP_VER_MASK;
	if (ver == VPNPT_L2TP_VER3)
		return -VPNPT_L2TP_ERR_VERSION3;
	if (ver != VPNPT_L2TP_VER2)
		return -VPNPT_L2TP_ERR_VERSION;

	h->control = h->flags & VPNPT_L2TP_FLAG_TYPE;
	h->has_length = h->flags & VPNPT_L2TP_FLAG_LENGTH;
	h->has_seq = h->flags & VPNPT_L2TP_FLAG_SEQ;
	h->has_offset = h->flags & VPNPT_L2TP_FLAG_OFFSET;
	h->priority = h->flags & VPNPT_L2TP_FLAG_PRIO;
	if (h->control &&
	    (!h->has_length || !h->has_seq || h->has_offset || h->priority))
		return -VPNPT_L2TP_ERR_CTRL_FLAGS;

	/* The fixed part: flags, Tunnel ID, Session ID and the options. */
	hdr_len = VPNPT_L2TP_DATA_HDR_MIN;
	if (h->has_length)
		hdr_len += 2;
	if (h->has_seq)
		hdr_len += 4;
	if (h->has_offset)
		hdr_len += 2;
	if (len < hdr_len)
		return -VPNPT_L2TP_ERR_TRUNCATED;

	if (h->has_length) {
		h->length = vpnpt_get_be16(buf + off);
		off += 2;
	}
	h->tunnel_id = vpnpt_get_be16(buf + off);
	h->session_id = vpnpt_get_be16(buf + off + 2);
	off += 4;
	if (h->has_seq) {
		h->ns = vpnpt_get_be16(buf + off);
		h->nr = vpnpt_get_be16(buf + off + 2);
		off += 4;
	}
	if (h->has_offset) {
		h->offset_size = vpnpt_get_be16(buf + off);
		hdr_len += h->offset_size;
		if (len < hdr_len)
			return -VPNPT_L2TP_ERR_TRUNCATED;
	}

	if (h->has_length) {
		if (h->length < hdr_len || h->length > len)
			return -VPNPT_L2TP_ERR_LENGTH;
	} else {
		if (len > VPNPT_L2TP_MSG_MAX)
			return -VPNPT_L2TP_ERR_LENGTH;
		h->length = (u16)len;
	}
	/* hdr_len <= length <= VPNPT_L2TP_MSG_MAX: it fits. */
	h->hdr_len = (u16)hdr_len;
	return 0;
}

/*
 * Take the value of an Assigned Tunnel ID or Assigned Session ID AVP at
 * @avp, @avp_len octets long with flags/length word @w, into @val, and
 * note it in @present or @hidden. Both IDs are 2-octet nonzero values
 * (RFC 2661 4.4.3, 4.4.4).
 */
static int vpnpt_l2tp_take_id(const u8 *avp, u16 avp_len, u16 w, u16 *val,
			      bool *present, bool *hidden)
{
	if (*present || *hidden)
		return -VPNPT_L2TP_ERR_AVP_DUP;
	if (w & VPNPT_L2TP_AVP_FLAG_HIDDEN) {
		*hidden = true;
		return 0;
	}
	if (avp_len != VPNPT_L2TP_AVP_HDR_LEN + 2)
		return -VPNPT_L2TP_ERR_AVP_VALUE;
	*val = vpnpt_get_be16(avp + VPNPT_L2TP_AVP_HDR_LEN);
	if (!*val)
		return -VPNPT_L2TP_ERR_AVP_VALUE;
	*present = true;
	return 0;
}

/* Messages that carry the sender's Assigned Tunnel ID (RFC 2661 6.1-6.4). */
static bool vpnpt_l2tp_has_tunnel_id(u16 type)
{
	return type == VPNPT_L2TP_MSG_SCCRQ || type == VPNPT_L2TP_MSG_SCCRP ||
	       type == VPNPT_L2TP_MSG_STOPCCN;
}

/* Messages that carry the sender's Assigned Session ID (RFC 2661 6.7-6.13). */
static bool vpnpt_l2tp_has_session_id(u16 type)
{
	return type == VPNPT_L2TP_MSG_ICRQ || type == VPNPT_L2TP_MSG_ICRP ||
	       type == VPNPT_L2TP_MSG_OCRQ || type == VPNPT_L2TP_MSG_OCRP ||
	       type == VPNPT_L2TP_MSG_CDN;
}

/**
 * vpnpt_l2tp_parse_ctrl() - Walk the AVPs of a control message.
 * @buf: The UDP payload given to vpnpt_l2tp_parse().
 * @len: Octets in @buf.
 * @h: The header vpnpt_l2tp_parse() decoded from @buf and accepted. It is
 *	checked against @len again, so an inconsistent @h cannot make the
 *	walk leave @buf.
 * @c: Filled with what was found; zeroed first. Meaningful only on success.
 *
 * A message with no octets after the header is a ZLB. Otherwise AVPs are
 * walked up to @h->length: each must have a length of at least 6 that ends
 * within the message, and there may be at most VPNPT_L2TP_MAX_AVPS of them.
 * The first must be the Message Type (vendor 0, attribute 0, length 8,
 * reserved bits clear, not hidden); its M bit is reported, not required,
 * since RFC 2661 4.4.1 gives it a meaning of its own. Unknown message
 * types are accepted (see @c->msg_type_mandatory). A second Message Type
 * is an error.
 *
 * The Assigned Tunnel ID is taken from SCCRQ, SCCRP and StopCCN, the
 * Assigned Session ID from ICRQ, ICRP, OCRQ, OCRP and CDN; a visible one
 * must be 8 octets long and nonzero, a hidden one is only noted, and either
 * may appear once. In other messages these attributes are skipped, as are
 * vendor-specific AVPs and, per RFC 2661 4.1, AVPs with a reserved bit set.
 * Nothing is decrypted and no other AVP value is checked.
 *
 * Return: 0, or a negated enum vpnpt_l2tp_err.
 */
int vpnpt_l2tp_parse_ctrl(const u8 *buf, size_t len,
			  const struct vpnpt_l2tp_hdr *h,
			  struct vpnpt_l2tp_ctrl *c)
{
	bool want_tunnel = false, want_session = false;
	size_t off, end;
	int err;

	memset(c, 0, sizeof(*c));
	if (!h->control)
		return -VPNPT_L2TP_ERR_NOT_CTRL;
	if (h->length > len || h->hdr_len > h->length)
		return -VPNPT_L2TP_ERR_LENGTH;

	off = h->hdr_len;
	end = h->length;
	if (off == end) {
		c->zlb = true;
		return 0;
	}

	/* Each turn consumes at least 6 octets, and there are at most 64. */
	while (off < end) {
		const u8 *avp = buf + off;
		u16 w, avp_len, vendor, attr;

		if (c->navps == VPNPT_L2TP_MAX_AVPS)
			return -VPNPT_L2TP_ERR_AVP_COUNT;
		if (end - off < VPNPT_L2TP_AVP_HDR_LEN)
			return -VPNPT_L2TP_ERR_AVP_LENGTH;
		w = vpnpt_get_be16(avp);
		avp_len = w & VPNPT_L2TP_AVP_LEN_MASK;
		if (avp_len < VPNPT_L2TP_AVP_HDR_LEN || avp_len > end - off)
			return -VPNPT_L2TP_ERR_AVP_LENGTH;
		vendor = vpnpt_get_be16(avp + 2);
		attr = vpnpt_get_be16(avp + 4);
		c->navps++;
		off += avp_len;

		if (c->navps == 1) {
			if (vendor || attr != VPNPT_L2TP_ATTR_MSG_TYPE ||
			    avp_len != VPNPT_L2TP_AVP_HDR_LEN + 2 ||
			    (w & (VPNPT_L2TP_AVP_FLAG_HIDDEN |
				  VPNPT_L2TP_AVP_RESERVED_MASK)))
				return -VPNPT_L2TP_ERR_MSG_TYPE;
			c->msg_type = vpnpt_get_be16(avp + VPNPT_L2TP_AVP_HDR_LEN);
			c->msg_type_mandatory = w & VPNPT_L2TP_AVP_FLAG_MANDATORY;
			want_tunnel = vpnpt_l2tp_has_tunnel_id(c->msg_type);
			want_session = vpnpt_l2tp_has_session_id(c->msg_type);
			continue;
		}

		/* Unrecognised: vendor-specific, or reserved bits set. */
		if (vendor || (w & VPNPT_L2TP_AVP_RESERVED_MASK))
			continue;

		err = 0;
		if (attr == VPNPT_L2TP_ATTR_MSG_TYPE)
			err = -VPNPT_L2TP_ERR_AVP_DUP;
		else if (attr == VPNPT_L2TP_ATTR_ASSIGNED_TUNNEL_ID && want_tunnel)
			err = vpnpt_l2tp_take_id(avp, avp_len, w,
						 &c->assigned_tunnel_id,
						 &c->tunnel_id_present,
						 &c->tunnel_id_hidden);
		else if (attr == VPNPT_L2TP_ATTR_ASSIGNED_SESSION_ID &&
			 want_session)
			err = vpnpt_l2tp_take_id(avp, avp_len, w,
						 &c->assigned_session_id,
						 &c->session_id_present,
						 &c->session_id_hidden);
		if (err)
			return err;
	}
	return 0;
}

static const char *const vpnpt_l2tp_msg_names[] = {
	[VPNPT_L2TP_MSG_SCCRQ]		= "SCCRQ",
	[VPNPT_L2TP_MSG_SCCRP]		= "SCCRP",
	[VPNPT_L2TP_MSG_SCCCN]		= "SCCCN",
	[VPNPT_L2TP_MSG_STOPCCN]	= "StopCCN",
	[VPNPT_L2TP_MSG_HELLO]		= "HELLO",
	[VPNPT_L2TP_MSG_OCRQ]		= "OCRQ",
	[VPNPT_L2TP_MSG_OCRP]		= "OCRP",
	[VPNPT_L2TP_MSG_OCCN]		= "OCCN",
	[VPNPT_L2TP_MSG_ICRQ]		= "ICRQ",
	[VPNPT_L2TP_MSG_ICRP]		= "ICRP",
	[VPNPT_L2TP_MSG_ICCN]		= "ICCN",
	[VPNPT_L2TP_MSG_CDN]		= "CDN",
	[VPNPT_L2TP_MSG_WEN]		= "WEN",
	[VPNPT_L2TP_MSG_SLI]		= "SLI",
};

/**
 * vpnpt_l2tp_msg_name() - Name a control message type.
 * @type: Value of a Message Type AVP.
 *
 * Return: a static string, never NULL; "UNKNOWN" for the reserved types
 * (0, 5, 13) and those RFC 2661 does not define. A ZLB has no type: check
 * &struct vpnpt_l2tp_ctrl.zlb first.
 */
const char *vpnpt_l2tp_msg_name(u16 type)
{
	if (type < VPNPT_ARRAY_SIZE(vpnpt_l2tp_msg_names) &&
	    vpnpt_l2tp_msg_names[type])
		return vpnpt_l2tp_msg_names[type];
	return "UNKNOWN";
}

static const char *const vpnpt_l2tp_err_names[VPNPT_L2TP_ERR_MAX] = {
	[VPNPT_L2TP_OK]			= "ok",
	[VPNPT_L2TP_ERR_TRUNCATED]	= "truncated",
	[VPNPT_L2TP_ERR_VERSION]	= "bad version",
	[VPNPT_L2TP_ERR_VERSION3]	= "L2TPv3",
	[VPNPT_L2TP_ERR_CTRL_FLAGS]	= "bad control message flags",
	[VPNPT_L2TP_ERR_LENGTH]		= "bad length",
	[VPNPT_L2TP_ERR_NOT_CTRL]	= "not a control message",
	[VPNPT_L2TP_ERR_AVP_LENGTH]	= "bad AVP length",
	[VPNPT_L2TP_ERR_AVP_COUNT]	= "too many AVPs",
	[VPNPT_L2TP_ERR_MSG_TYPE]	= "bad or missing Message Type AVP",
	[VPNPT_L2TP_ERR_AVP_VALUE]	= "bad assigned ID AVP",
	[VPNPT_L2TP_ERR_AVP_DUP]	= "duplicate AVP",
};

/**
 * vpnpt_l2tp_strerror() - Describe a parser result.
 * @err: A return value of vpnpt_l2tp_parse() or vpnpt_l2tp_parse_ctrl():
 *	0 or a negated enum vpnpt_l2tp_err.
 *
 * Return: a static string, never NULL.
 */
const char *vpnpt_l2tp_strerror(int err)
{
	if (err > 0 || err <= -VPNPT_L2TP_ERR_MAX)
		return "unknown error";
	return vpnpt_l2tp_err_names[-err];
}
