// SPDX-License-Identifier: GPL-2.0
/*
 * PPTP control connection parser and stream reassembly; see pptp_parse.h.
 * Written from RFC 2637 section 2.
 */
#include "pptp_parse.h"

/*
 * Per type: the RFC size, the sender, and the offsets of the Call ID, Peer's
 * Call ID and Result Code fields (0 = the type has no such field; offset 0 is
 * the Length field, so it cannot be one of them).
 */
struct vpnpt_pptp_layout {
	u16 size;
	u8 sender;
	u8 call_id_off;
	u8 peer_off;
	u8 result_off;
	const char *name;
};

static const struct vpnpt_pptp_layout vpnpt_pptp_layouts[VPNPT_PPTP_TYPE_MAX + 1] = {
	[VPNPT_PPTP_SCCRQ] = { 156, VPNPT_PPTP_FROM_EITHER, 0, 0, 0, "SCCRQ" },
	[VPNPT_PPTP_SCCRP] = { 156, VPNPT_PPTP_FROM_EITHER, 0, 0, 14, "SCCRP" },
	[VPNPT_PPTP_STOPCCRQ] = { 16, VPNPT_PPTP_FROM_EITHER, 0, 0, 0, "StopCCRQ" },
	[VPNPT_PPTP_STOPCCRP] = { 16, VPNPT_PPTP_FROM_EITHER, 0, 0, 12, "StopCCRP" },
	[VPNPT_PPTP_ECHORQ] = { 16, VPNPT_PPTP_FROM_EITHER, 0, 0, 0, "ECHO-RQ" },
	[VPNPT_PPTP_ECHORP] = { 20, VPNPT_PPTP_FROM_EITHER, 0, 0, 16, "ECHO-RP" },
	[VPNPT_PPTP_OCRQ] = { 168, VPNPT_PPTP_FROM_PNS, 12, 0, 0, "OCRQ" },
	[VPNPT_PPTP_OCRP] = { 32, VPNPT_PPTP_FROM_PAC, 12, 14, 16, "OCRP" },
	[VPNPT_PPTP_ICRQ] = { 220, VPNPT_PPTP_FROM_PAC, 12, 0, 0, "ICRQ" },
	[VPNPT_PPTP_ICRP] = { 24, VPNPT_PPTP_FROM_PNS, 12, 14, 16, "ICRP" },
	[VPNPT_PPTP_ICCN] = { 28, VPNPT_PPTP_FROM_PAC, 0, 12, 0, "ICCN" },
	[VPNPT_PPTP_CCRQ] = { 16, VPNPT_PPTP_FROM_PNS, 12, 0, 0, "CCRQ" },
	[VPNPT_PPTP_CDN] = { 148, VPNPT_PPTP_FROM_PAC, 12, 0, 14, "CDN" },
	[VPNPT_PPTP_WEN] = { 40, VPNPT_PPTP_FROM_PAC, 0, 12, 0, "WEN" },
	[VPNPT_PPTP_SLI] = { 24, VPNPT_PPTP_FROM_PNS, 0, 12, 0, "SLI" },
};

static const struct vpnpt_pptp_layout *vpnpt_pptp_layout(u16 type)
{
	if (type == 0 || type > VPNPT_PPTP_TYPE_MAX)
		return NULL;
	return &vpnpt_pptp_layouts[type];
}

u16 vpnpt_pptp_type_size(u16 type)
{
	const struct vpnpt_pptp_layout *l = vpnpt_pptp_layout(type);

	return l ? l->size : 0;
}

int vpnpt_pptp_type_sender(u16 type)
{
	const struct vpnpt_pptp_layout *l = vpnpt_pptp_layout(type);

	return l ? l->sender : VPNPT_PPTP_FROM_UNKNOWN;
}

void vpnpt_pptp_type_fields(u16 type, u16 *call_id_off, u16 *peer_call_id_off)
{
	const struct vpnpt_pptp_layout *l = vpnpt_pptp_layout(type);

	*call_id_off = l ? l->call_id_off : 0;
	*peer_call_id_off = l ? l->peer_off : 0;
}

const char *vpnpt_pptp_type_name(u16 type)
{
	const struct vpnpt_pptp_layout *l = vpnpt_pptp_layout(type);

	return l ? l->name : "unknown";
}

const char *vpnpt_pptp_err_name(int err)
{
	switch (err) {
	case VPNPT_PPTP_E_MAGIC:
		return "bad-magic";
	case VPNPT_PPTP_E_MSGTYPE:
		return "bad-msg-type";
	case VPNPT_PPTP_E_CTRLTYPE:
		return "bad-ctrl-type";
	case VPNPT_PPTP_E_SHORT:
		return "too-short";
	case VPNPT_PPTP_E_LONG:
		return "too-long";
	}
	return err >= 0 ? "ok" : "unknown";
}

/* Header bytes 2..7 are constant: PPTP Message Type 1, then the magic. */
static const u8 vpnpt_pptp_fixed[6] = { 0x00, 0x01, 0x1a, 0x2b, 0x3c, 0x4d };

int vpnpt_pptp_parse(const u8 *buf, size_t len, struct vpnpt_pptp_msg *msg)
{
	const struct vpnpt_pptp_layout *l;
	u16 length, type;
	size_t i;

	memset(msg, 0, sizeof(*msg));

	/*
	 * Each check runs as soon as the last byte it needs is there, in wire
	 * order, so a prefix never yields an error the whole would not.
	 */
	if (len < 1)
		return 0;
	/* The high byte alone can already put Length above the maximum. */
	if (buf[0] > (VPNPT_PPTP_MAX_MSG >> 8))
		return VPNPT_PPTP_E_LONG;
	if (len < 2)
		return 0;
	length = vpnpt_get_be16(buf);
	if (length > VPNPT_PPTP_MAX_MSG)
		return VPNPT_PPTP_E_LONG;
	if (length < VPNPT_PPTP_HDR_LEN)
		return VPNPT_PPTP_E_SHORT;

	for (i = 2; i < 8; i++) {
		if (i >= len)
			return 0;
		if (buf[i] != vpnpt_pptp_fixed[i - 2])
			return i < 4 ? VPNPT_PPTP_E_MSGTYPE : VPNPT_PPTP_E_MAGIC;
	}

	/* Control Message Type: 1..15, so its high byte must be 0. */
	if (len < 9)
		return 0;
	if (buf[8] != 0)
		return VPNPT_PPTP_E_CTRLTYPE;
	if (len < 10)
		return 0;
	type = vpnpt_get_be16(buf + 8);
	l = vpnpt_pptp_layout(type);
	if (!l)
		return VPNPT_PPTP_E_CTRLTYPE;
	if (length < l->size)
		return VPNPT_PPTP_E_SHORT;

	if (len < length)
		return 0;

	/* A whole message: every field offset below is < l->size <= length. */
	msg->length = length;
	msg->type = type;
	if (l->call_id_off) {
		msg->flags |= VPNPT_PPTP_HAS_CALL_ID;
		msg->call_id_off = l->call_id_off;
		msg->call_id = vpnpt_get_be16(buf + l->call_id_off);
	}
	if (l->peer_off) {
		msg->flags |= VPNPT_PPTP_HAS_PEER_CALL_ID;
		msg->peer_call_id_off = l->peer_off;
		msg->peer_call_id = vpnpt_get_be16(buf + l->peer_off);
	}
	if (l->result_off) {
		msg->flags |= VPNPT_PPTP_HAS_RESULT;
		msg->result_code = buf[l->result_off];
		msg->error_code = buf[l->result_off + 1];
	}
	return length;
}

/* --- stream reassembly ---------------------------------------------------- */

/* Segments this long or longer are not processed (seq arithmetic is 32 bit). */
#define VPNPT_PPTP_SEG_LIMIT	0x80000000u

void vpnpt_pptp_stream_init(struct vpnpt_pptp_stream *s)
{
	memset(s, 0, sizeof(*s));
	s->state = VPNPT_PPTP_ST_NEW;
}

void vpnpt_pptp_stream_init_seq(struct vpnpt_pptp_stream *s, u32 seq)
{
	vpnpt_pptp_stream_init(s);
	s->state = VPNPT_PPTP_ST_SYNCED;
	s->next_seq = seq;
}

static void vpnpt_pptp_deliver(struct vpnpt_pptp_stream *s,
			       struct vpnpt_pptp_event *ev,
			       vpnpt_pptp_msg_cb cb, void *ctx)
{
	if (ev->flags & VPNPT_PPTP_EV_RETRANS)
		s->stats.retrans++;
	else
		s->stats.msgs++;
	if (cb)
		cb(ctx, ev);
}

/*
 * Report the complete messages lying wholly in data[0..old_len), the part of
 * a segment before next_seq, walking from the segment start while the bytes
 * parse. Nothing in the stream but the counters changes.
 */
static void vpnpt_pptp_walk_old(struct vpnpt_pptp_stream *s, u32 seq,
				const u8 *data, size_t len, size_t old_len,
				vpnpt_pptp_msg_cb cb, void *ctx)
{
	struct vpnpt_pptp_event ev;
	size_t pos = 0;
	int r;

	while (pos < old_len) {
		r = vpnpt_pptp_parse(data + pos, old_len - pos, &ev.msg);
		if (r <= 0)
			break;
		ev.data = data + pos;
		ev.seq = seq + (u32)pos;
		ev.seg_off = (int)pos;
		ev.seg_len = (u32)len;
		ev.flags = VPNPT_PPTP_EV_WHOLE | VPNPT_PPTP_EV_RETRANS;
		vpnpt_pptp_deliver(s, &ev, cb, ctx);
		pos += (size_t)r;
	}
}

/*
 * Process data[off..len), which begins at s->next_seq, in a SYNCED stream.
 * Return: VPNPT_PPTP_FEED_OK, or a negative error after a malformed message.
 */
static int vpnpt_pptp_process(struct vpnpt_pptp_stream *s, u32 seq,
			      const u8 *data, size_t len, size_t off,
			      vpnpt_pptp_msg_cb cb, void *ctx)
{
	struct vpnpt_pptp_event ev;
	size_t pos = off, take;
	int r;

	while (pos < len) {
		if (s->have) {
			/* Complete the buffered head with this segment's bytes. */
			take = len - pos;
			if (take > (size_t)(VPNPT_PPTP_MAX_MSG - s->have))
				take = VPNPT_PPTP_MAX_MSG - s->have;
			memcpy(s->buf + s->have, data + pos, take);
			r = vpnpt_pptp_parse(s->buf, s->have + take, &ev.msg);
			if (r < 0)
				goto malformed;
			if (r == 0) {
				/*
				 * Still short. As Length <= the buffer size,
				 * the whole rest of the segment was copied.
				 */
				if (take < len - pos) {
					r = VPNPT_PPTP_E_LONG;	/* cannot happen */
					goto malformed;
				}
				s->have += (u16)take;
				pos += take;
				continue;
			}
			ev.data = s->buf;
			ev.seg_off = (int)pos - (int)s->have;
			ev.seq = seq + (u32)ev.seg_off;
			ev.flags = ev.seg_off >= 0 ? VPNPT_PPTP_EV_WHOLE : 0;
			/* r > have: the head alone was not a whole message. */
			pos += (size_t)r - s->have;
			s->have = 0;
		} else {
			r = vpnpt_pptp_parse(data + pos, len - pos, &ev.msg);
			if (r < 0)
				goto malformed;
			if (r == 0) {
				/* An incomplete tail: shorter than its Length. */
				if (len - pos >= VPNPT_PPTP_MAX_MSG) {
					r = VPNPT_PPTP_E_LONG;	/* cannot happen */
					goto malformed;
				}
				memcpy(s->buf, data + pos, len - pos);
				s->have = (u16)(len - pos);
				pos = len;
				continue;
			}
			ev.data = data + pos;
			ev.seg_off = (int)pos;
			ev.seq = seq + (u32)pos;
			ev.flags = VPNPT_PPTP_EV_WHOLE;
			pos += (size_t)r;
		}
		ev.seg_len = (u32)len;
		vpnpt_pptp_deliver(s, &ev, cb, ctx);
	}
	s->next_seq = seq + (u32)len;
	return VPNPT_PPTP_FEED_OK;

malformed:
	s->stats.malformed++;
	s->have = 0;
	s->state = VPNPT_PPTP_ST_LOST;
	s->next_seq = seq + (u32)len;
	return r;
}

int vpnpt_pptp_stream_feed(struct vpnpt_pptp_stream *s, u32 seq,
			   const u8 *data, size_t len,
			   vpnpt_pptp_msg_cb cb, void *ctx)
{
	struct vpnpt_pptp_msg probe;
	size_t off = 0;
	int d;

	if (len == 0)
		return VPNPT_PPTP_FEED_OK;
	if (len >= VPNPT_PPTP_SEG_LIMIT) {
		s->stats.ignored++;
		return VPNPT_PPTP_FEED_LOST;
	}

	if (s->state != VPNPT_PPTP_ST_NEW) {
		d = (int)(seq - s->next_seq);
		if (d > 0 && s->state == VPNPT_PPTP_ST_SYNCED) {
			/* Bytes missing: restart at the incomplete message. */
			s->stats.gaps++;
			s->next_seq -= s->have;
			s->have = 0;
			s->state = VPNPT_PPTP_ST_LOST;
			return VPNPT_PPTP_FEED_GAP;
		}
		if (d < 0) {
			off = (size_t)(s->next_seq - seq);
			if (off > len)
				off = len;
			vpnpt_pptp_walk_old(s, seq, data, len, off, cb, ctx);
			if (off == len) {
				s->stats.old++;
				return VPNPT_PPTP_FEED_OLD;
			}
			s->stats.overlaps++;
		}
	}

	if (s->state != VPNPT_PPTP_ST_SYNCED) {
		/* NEW or LOST: resynchronize on a valid header at off. */
		if (len - off < VPNPT_PPTP_HDR_LEN ||
		    vpnpt_pptp_parse(data + off, len - off, &probe) < 0) {
			s->stats.ignored++;
			return VPNPT_PPTP_FEED_LOST;
		}
		s->stats.resyncs++;
		s->state = VPNPT_PPTP_ST_SYNCED;
		s->next_seq = seq + (u32)off;
		s->have = 0;
	}

	return vpnpt_pptp_process(s, seq, data, len, off, cb, ctx);
}

bool vpnpt_pptp_gre_call_id(const u8 *buf, size_t len, u16 *call_id)
{
	if (len < VPNPT_PPTP_GRE_HDR_LEN || (buf[1] & 0x07) != 1 ||
	    vpnpt_get_be16(buf + 2) != 0x880b)
		return false;
	*call_id = vpnpt_get_be16(buf + 6);
	return true;
}
