// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for src/l2tp_parse.c.
 *
 * The input is one UDP payload. vpnpt_l2tp_parse() decodes the header; the
 * result is checked against the octets (header length recomputed from the
 * flags, Length within the datagram, control flag rules). The message is
 * then copied into a buffer of exactly its Length, so ASan catches any read
 * past it, and parsed again: it must give the same header. Control messages
 * go through vpnpt_l2tp_parse_ctrl() on both buffers, which must agree, and
 * the AVP results are checked against the documented policies. Any
 * violation traps.
 */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp_parse.h"

#define INV(x)					\
	do {					\
		if (!(x))			\
			__builtin_trap();	\
	} while (0)

static bool same_hdr(const struct vpnpt_l2tp_hdr *a,
		     const struct vpnpt_l2tp_hdr *b)
{
	return a->flags == b->flags && a->length == b->length &&
	       a->tunnel_id == b->tunnel_id && a->session_id == b->session_id &&
	       a->ns == b->ns && a->nr == b->nr &&
	       a->offset_size == b->offset_size && a->hdr_len == b->hdr_len &&
	       a->control == b->control && a->has_length == b->has_length &&
	       a->has_seq == b->has_seq && a->has_offset == b->has_offset &&
	       a->priority == b->priority;
}

static bool same_ctrl(const struct vpnpt_l2tp_ctrl *a,
		      const struct vpnpt_l2tp_ctrl *b)
{
	return a->msg_type == b->msg_type &&
	       a->assigned_tunnel_id == b->assigned_tunnel_id &&
	       a->assigned_session_id == b->assigned_session_id &&
	       a->navps == b->navps && a->zlb == b->zlb &&
	       a->msg_type_mandatory == b->msg_type_mandatory &&
	       a->tunnel_id_present == b->tunnel_id_present &&
	       a->tunnel_id_hidden == b->tunnel_id_hidden &&
	       a->session_id_present == b->session_id_present &&
	       a->session_id_hidden == b->session_id_hidden;
}

static void check_header(const u8 *buf, size_t len,
			 const struct vpnpt_l2tp_hdr *h)
{
	size_t want = VPNPT_L2TP_DATA_HDR_MIN;

	INV(h->flags == vpnpt_get_be16(buf));
	INV(h->control == !!(h->flags & VPNPT_L2TP_FLAG_TYPE));
	INV(h->has_length == !!(h->flags & VPNPT_L2TP_FLAG_LENGTH));
	INV(h->has_seq == !!(h->flags & VPNPT_L2TP_FLAG_SEQ));
	INV(h->has_offset == !!(h->flags & VPNPT_L2TP_FLAG_OFFSET));
	INV(h->priority == !!(h->flags & VPNPT_L2TP_FLAG_PRIO));
	if (h->has_length)
		want += 2;
	if (h->has_seq)
		want += 4;
	else
		INV(h->ns == 0 && h->nr == 0);
	if (h->has_offset)
		want += 2 + (size_t)h->offset_size;
	else
		INV(h->offset_size == 0);
	INV(h->hdr_len == want);
	INV(h->hdr_len <= h->length && h->length <= len);
	if (h->has_length)
		INV(h->length == vpnpt_get_be16(buf + 2));
	else
		INV(h->length == len);
	if (h->control)
		INV(h->has_length && h->has_seq && !h->has_offset &&
		    !h->priority && h->hdr_len == VPNPT_L2TP_CTRL_HDR_LEN);
}

static void check_ctrl(const u8 *buf, const struct vpnpt_l2tp_hdr *h,
		       const struct vpnpt_l2tp_ctrl *c)
{
	u16 t = c->msg_type;

	INV(vpnpt_l2tp_msg_name(t));
	INV(c->zlb == (h->length == h->hdr_len));
	if (c->zlb) {
		INV(c->msg_type == 0 && c->navps == 0);
		INV(!c->msg_type_mandatory);
	} else {
		INV(c->navps >= 1 && c->navps <= VPNPT_L2TP_MAX_AVPS);
		/* The first AVP is the Message Type, as the octets say. */
		INV((vpnpt_get_be16(buf + 12) & ~VPNPT_L2TP_AVP_FLAG_MANDATORY)
		    == 8);
		INV(vpnpt_get_be16(buf + 14) == 0 &&
		    vpnpt_get_be16(buf + 16) == 0);
		INV(c->msg_type == vpnpt_get_be16(buf + 18));
		INV(c->msg_type_mandatory ==
		    !!(buf[12] & (VPNPT_L2TP_AVP_FLAG_MANDATORY >> 8)));
		/* Each AVP is at least 6 octets. */
		INV((size_t)c->navps * VPNPT_L2TP_AVP_HDR_LEN <=
		    (size_t)h->length - h->hdr_len);
	}
	INV(!(c->tunnel_id_present && c->tunnel_id_hidden));
	INV(!(c->session_id_present && c->session_id_hidden));
	INV(c->tunnel_id_present == (c->assigned_tunnel_id != 0));
	INV(c->session_id_present == (c->assigned_session_id != 0));
	if (c->tunnel_id_present || c->tunnel_id_hidden)
		INV(t == VPNPT_L2TP_MSG_SCCRQ || t == VPNPT_L2TP_MSG_SCCRP ||
		    t == VPNPT_L2TP_MSG_STOPCCN);
	if (c->session_id_present || c->session_id_hidden)
		INV(t == VPNPT_L2TP_MSG_ICRQ || t == VPNPT_L2TP_MSG_ICRP ||
		    t == VPNPT_L2TP_MSG_OCRQ || t == VPNPT_L2TP_MSG_OCRP ||
		    t == VPNPT_L2TP_MSG_CDN);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vpnpt_l2tp_hdr h, h2;
	struct vpnpt_l2tp_ctrl c, c2;
	u8 *copy;
	int r, r2;

	r = vpnpt_l2tp_parse(data, size, &h);
	INV(r <= 0 && r >= -VPNPT_L2TP_ERR_LENGTH);
	INV(vpnpt_l2tp_strerror(r));
	if (size < 2) {
		INV(r == -VPNPT_L2TP_ERR_TRUNCATED);
		return 0;
	}
	INV((r == -VPNPT_L2TP_ERR_VERSION3) == ((data[1] & 0x0f) == 3));
	INV((r == -VPNPT_L2TP_ERR_VERSION) ==
	    ((data[1] & 0x0f) != 2 && (data[1] & 0x0f) != 3));
	if (r)
		return 0;
	check_header(data, size, &h);

	/* The message alone, in a buffer of exactly its size. */
	copy = malloc(h.length);
	if (!copy)
		return 0;
	memcpy(copy, data, h.length);
	INV(vpnpt_l2tp_parse(copy, h.length, &h2) == 0);
	INV(same_hdr(&h, &h2));

	r = vpnpt_l2tp_parse_ctrl(data, size, &h, &c);
	r2 = vpnpt_l2tp_parse_ctrl(copy, h.length, &h2, &c2);
	INV(r == r2);
	if (!h.control) {
		INV(r == -VPNPT_L2TP_ERR_NOT_CTRL);
		goto out;
	}
	INV(r == 0 || (r < -VPNPT_L2TP_ERR_NOT_CTRL &&
		       r > -VPNPT_L2TP_ERR_MAX));
	INV(vpnpt_l2tp_strerror(r));
	if (r == 0) {
		INV(same_ctrl(&c, &c2));
		check_ctrl(data, &h, &c);
	}
out:
	free(copy);
	return 0;
}
