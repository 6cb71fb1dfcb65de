// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for src/pptp_parse.c: the PPTP control message parser and the
 * stream reassembly. Messages are built here from an independent table of
 * the RFC 2637 layouts.
 */
#include "pptp_parse.h"
#include "unit.h"

/* RFC 2637 section 2, typed in again here: offsets from the message start. */
struct exp_layout {
	u16 type;
	u16 size;
	int call_off;		/* -1: none */
	int peer_off;
	int result_off;
	int sender;
	const char *name;
};

static const struct exp_layout exp_layouts[] = {
	{ 1, 156, -1, -1, -1, VPNPT_PPTP_FROM_EITHER, "SCCRQ" },
	{ 2, 156, -1, -1, 14, VPNPT_PPTP_FROM_EITHER, "SCCRP" },
	{ 3, 16, -1, -1, -1, VPNPT_PPTP_FROM_EITHER, "StopCCRQ" },
	{ 4, 16, -1, -1, 12, VPNPT_PPTP_FROM_EITHER, "StopCCRP" },
	{ 5, 16, -1, -1, -1, VPNPT_PPTP_FROM_EITHER, "ECHO-RQ" },
	{ 6, 20, -1, -1, 16, VPNPT_PPTP_FROM_EITHER, "ECHO-RP" },
	{ 7, 168, 12, -1, -1, VPNPT_PPTP_FROM_PNS, "OCRQ" },
	{ 8, 32, 12, 14, 16, VPNPT_PPTP_FROM_PAC, "OCRP" },
	{ 9, 220, 12, -1, -1, VPNPT_PPTP_FROM_PAC, "ICRQ" },
	{ 10, 24, 12, 14, 16, VPNPT_PPTP_FROM_PNS, "ICRP" },
	{ 11, 28, -1, 12, -1, VPNPT_PPTP_FROM_PAC, "ICCN" },
	{ 12, 16, 12, -1, -1, VPNPT_PPTP_FROM_PNS, "CCRQ" },
	{ 13, 148, 12, -1, 14, VPNPT_PPTP_FROM_PAC, "CDN" },
	{ 14, 40, -1, 12, -1, VPNPT_PPTP_FROM_PAC, "WEN" },
	{ 15, 24, -1, 12, -1, VPNPT_PPTP_FROM_PNS, "SLI" },
};

#define NTYPES ((int)(sizeof(exp_layouts) / sizeof(exp_layouts[0])))

static const struct exp_layout *exp_of(u16 type)
{
	return &exp_layouts[type - 1];
}

/*
 * Build a control message of @type whose Length field is @length (the
 * message occupies @length bytes of @b). The body is a non-zero pattern, so
 * a parser reading the wrong offset notices; the Call ID fields get
 * @call / @peer and the Result/Error Code octets 0x01/0x02 (where the type
 * has them, as far as they fit in @length).
 */
static size_t build(u8 *b, u16 type, u16 length, u16 call, u16 peer)
{
	const struct exp_layout *e = (type >= 1 && type <= 15) ? exp_of(type) : NULL;
	size_t i;

	for (i = 12; i < length; i++)
		b[i] = (u8)(0x80 | (i & 0x7f));
	vpnpt_put_be16(b, length);
	vpnpt_put_be16(b + 2, 1);
	b[4] = 0x1a;
	b[5] = 0x2b;
	b[6] = 0x3c;
	b[7] = 0x4d;
	vpnpt_put_be16(b + 8, type);
	vpnpt_put_be16(b + 10, 0);
	if (e && e->call_off >= 0 && e->call_off + 2 <= length)
		vpnpt_put_be16(b + e->call_off, call);
	if (e && e->peer_off >= 0 && e->peer_off + 2 <= length)
		vpnpt_put_be16(b + e->peer_off, peer);
	if (e && e->result_off >= 0 && e->result_off + 2 <= length) {
		b[e->result_off] = 0x01;
		b[e->result_off + 1] = 0x02;
	}
	return length;
}

/* A valid message of @type at its RFC size. */
static size_t build_std(u8 *b, u16 type, u16 call, u16 peer)
{
	return build(b, type, exp_of(type)->size, call, peer);
}

static int msg_is_zero(const struct vpnpt_pptp_msg *m)
{
	static const struct vpnpt_pptp_msg zero;

	return !memcmp(m, &zero, sizeof(zero));
}

/* --- parser ------------------------------------------------------------- */

UNIT_TEST(pptp_parse_all_types)
{
	u8 b[VPNPT_PPTP_MAX_MSG];
	struct vpnpt_pptp_msg m;
	int t;

	for (t = 1; t <= NTYPES; t++) {
		const struct exp_layout *e = exp_of((u16)t);
		size_t n = build_std(b, (u16)t, 0x1234, 0xabcd);
		u8 want_flags = 0;

		CHECK_EQ(n, e->size);
		CHECK_EQ(vpnpt_pptp_type_size((u16)t), e->size);
		CHECK_EQ(vpnpt_pptp_parse(b, n, &m), e->size);
		CHECK_EQ(m.length, e->size);
		CHECK_EQ(m.type, t);
		CHECK_STR(vpnpt_pptp_type_name((u16)t), e->name);
		CHECK_EQ(vpnpt_pptp_type_sender((u16)t), e->sender);
		{
			u16 co, po;

			vpnpt_pptp_type_fields((u16)t, &co, &po);
			CHECK_EQ(co, e->call_off >= 0 ? e->call_off : 0);
			CHECK_EQ(po, e->peer_off >= 0 ? e->peer_off : 0);
		}
		if (e->call_off >= 0) {
			want_flags |= VPNPT_PPTP_HAS_CALL_ID;
			CHECK_EQ(m.call_id, 0x1234);
			CHECK_EQ(m.call_id_off, e->call_off);
		} else {
			CHECK_EQ(m.call_id, 0);
			CHECK_EQ(m.call_id_off, 0);
		}
		if (e->peer_off >= 0) {
			want_flags |= VPNPT_PPTP_HAS_PEER_CALL_ID;
			CHECK_EQ(m.peer_call_id, 0xabcd);
			CHECK_EQ(m.peer_call_id_off, e->peer_off);
		} else {
			CHECK_EQ(m.peer_call_id, 0);
			CHECK_EQ(m.peer_call_id_off, 0);
		}
		if (e->result_off >= 0) {
			want_flags |= VPNPT_PPTP_HAS_RESULT;
			CHECK_EQ(m.result_code, 1);
			CHECK_EQ(m.error_code, 2);
		} else {
			CHECK_EQ(m.result_code, 0);
			CHECK_EQ(m.error_code, 0);
		}
		CHECK_EQ(m.flags, want_flags);
		if (m.flags != want_flags)
			fprintf(stderr, "# type %d (%s)\n", t, e->name);

		/* Bytes after the message are not part of it. */
		b[n] = 0xee;
		CHECK_EQ(vpnpt_pptp_parse(b, n + 1, &m), e->size);
	}
}

UNIT_TEST(pptp_parse_call_id_semantics)
{
	u8 b[VPNPT_PPTP_MAX_MSG];
	struct vpnpt_pptp_msg m;

	/* OCRP: Call ID = the PAC's own id, Peer's = the PNS's from OCRQ. */
	build_std(b, VPNPT_PPTP_OCRP, 0x0102, 0x0304);
	CHECK_EQ(b[12], 0x01);
	CHECK_EQ(b[14], 0x03);
	CHECK_EQ(vpnpt_pptp_parse(b, 32, &m), 32);
	CHECK_EQ(m.call_id, 0x0102);
	CHECK_EQ(m.peer_call_id, 0x0304);
	/* ICCN carries only the Peer's Call ID, in the first body word. */
	build_std(b, VPNPT_PPTP_ICCN, 0, 0x0506);
	CHECK_EQ(vpnpt_pptp_parse(b, 28, &m), 28);
	CHECK_EQ(m.flags, VPNPT_PPTP_HAS_PEER_CALL_ID);
	CHECK_EQ(m.peer_call_id, 0x0506);
	CHECK_EQ(m.peer_call_id_off, 12);
	/* CDN: the PAC's Call ID, then Result/Error at 14/15. */
	build_std(b, VPNPT_PPTP_CDN, 0x0708, 0);
	b[14] = 3;
	b[15] = 0;
	CHECK_EQ(vpnpt_pptp_parse(b, 148, &m), 148);
	CHECK_EQ(m.flags, VPNPT_PPTP_HAS_CALL_ID | VPNPT_PPTP_HAS_RESULT);
	CHECK_EQ(m.call_id, 0x0708);
	CHECK_EQ(m.result_code, 3);
	CHECK_EQ(m.error_code, 0);
}

UNIT_TEST(pptp_parse_truncated_every_prefix)
{
	u8 b[VPNPT_PPTP_MAX_MSG];
	struct vpnpt_pptp_msg m;
	int t, bad = 0;
	size_t k;

	for (t = 1; t <= NTYPES; t++) {
		size_t n = build_std(b, (u16)t, 0x1111, 0x2222);

		for (k = 0; k < n; k++) {
			memset(&m, 0x5a, sizeof(m));
			if (vpnpt_pptp_parse(b, k, &m) != 0 || !msg_is_zero(&m)) {
				if (!bad++)
					fprintf(stderr, "# type %d prefix %zu\n", t, k);
			}
		}
		CHECK_EQ(vpnpt_pptp_parse(b, n, &m), n);
	}
	CHECK_EQ(bad, 0);
}

UNIT_TEST(pptp_parse_bad_magic)
{
	u8 b[64];
	struct vpnpt_pptp_msg m;
	int i;

	for (i = 4; i < 8; i++) {
		build_std(b, VPNPT_PPTP_CCRQ, 1, 0);
		b[i] ^= 0x10;
		CHECK_EQ(vpnpt_pptp_parse(b, 16, &m), VPNPT_PPTP_E_MAGIC);
		CHECK(msg_is_zero(&m));
		/* Reported as soon as the differing byte is there ... */
		CHECK_EQ(vpnpt_pptp_parse(b, (size_t)i + 1, &m), VPNPT_PPTP_E_MAGIC);
		/* ... and not before. */
		CHECK_EQ(vpnpt_pptp_parse(b, (size_t)i, &m), 0);
	}
	/* The whole cookie byte-swapped (little-endian writer). */
	build_std(b, VPNPT_PPTP_CCRQ, 1, 0);
	b[4] = 0x4d;
	b[5] = 0x3c;
	b[6] = 0x2b;
	b[7] = 0x1a;
	CHECK_EQ(vpnpt_pptp_parse(b, 8, &m), VPNPT_PPTP_E_MAGIC);
	CHECK_STR(vpnpt_pptp_err_name(VPNPT_PPTP_E_MAGIC), "bad-magic");
}

UNIT_TEST(pptp_parse_wrong_message_type)
{
	u8 b[64];
	struct vpnpt_pptp_msg m;

	/* 2 = management message: not used by RFC 2637, rejected. */
	build_std(b, VPNPT_PPTP_ECHORQ, 0, 0);
	vpnpt_put_be16(b + 2, 2);
	CHECK_EQ(vpnpt_pptp_parse(b, 16, &m), VPNPT_PPTP_E_MSGTYPE);
	CHECK_EQ(vpnpt_pptp_parse(b, 4, &m), VPNPT_PPTP_E_MSGTYPE);
	CHECK_EQ(vpnpt_pptp_parse(b, 3, &m), 0);
	/* 0x0101: wrong already in the high byte. */
	vpnpt_put_be16(b + 2, 0x0101);
	CHECK_EQ(vpnpt_pptp_parse(b, 3, &m), VPNPT_PPTP_E_MSGTYPE);
	vpnpt_put_be16(b + 2, 0);
	CHECK_EQ(vpnpt_pptp_parse(b, 16, &m), VPNPT_PPTP_E_MSGTYPE);
	CHECK_STR(vpnpt_pptp_err_name(VPNPT_PPTP_E_MSGTYPE), "bad-msg-type");
}

UNIT_TEST(pptp_parse_unknown_control_type)
{
	u8 b[64];
	struct vpnpt_pptp_msg m;

	build(b, 0, 16, 0, 0);
	CHECK_EQ(vpnpt_pptp_parse(b, 16, &m), VPNPT_PPTP_E_CTRLTYPE);
	CHECK_EQ(vpnpt_pptp_parse(b, 10, &m), VPNPT_PPTP_E_CTRLTYPE);
	CHECK_EQ(vpnpt_pptp_parse(b, 9, &m), 0);
	build(b, 16, 16, 0, 0);
	CHECK_EQ(vpnpt_pptp_parse(b, 16, &m), VPNPT_PPTP_E_CTRLTYPE);
	CHECK_EQ(vpnpt_pptp_parse(b, 10, &m), VPNPT_PPTP_E_CTRLTYPE);
	/* 0x0107: the high byte is enough. */
	build(b, 0x0107, 16, 0, 0);
	CHECK_EQ(vpnpt_pptp_parse(b, 9, &m), VPNPT_PPTP_E_CTRLTYPE);
	build(b, 0xffff, 16, 0, 0);
	CHECK_EQ(vpnpt_pptp_parse(b, 16, &m), VPNPT_PPTP_E_CTRLTYPE);
	CHECK_STR(vpnpt_pptp_type_name(0), "unknown");
	CHECK_STR(vpnpt_pptp_type_name(16), "unknown");
	CHECK_EQ(vpnpt_pptp_type_size(0), 0);
	{
		u16 co = 1, po = 1;

		vpnpt_pptp_type_fields(16, &co, &po);
		CHECK_EQ(co, 0);
		CHECK_EQ(po, 0);
	}
	CHECK_EQ(vpnpt_pptp_type_size(16), 0);
	CHECK_EQ(vpnpt_pptp_type_sender(16), VPNPT_PPTP_FROM_UNKNOWN);
	CHECK_STR(vpnpt_pptp_err_name(VPNPT_PPTP_E_CTRLTYPE), "bad-ctrl-type");
}

UNIT_TEST(pptp_parse_length_short)
{
	u8 b[VPNPT_PPTP_MAX_MSG];
	struct vpnpt_pptp_msg m;
	int t;

	/* One byte short of the type's size, for every type. */
	for (t = 1; t <= NTYPES; t++) {
		u16 size = exp_of((u16)t)->size;

		build(b, (u16)t, size - 1, 1, 2);
		CHECK_EQ(vpnpt_pptp_parse(b, size, &m), VPNPT_PPTP_E_SHORT);
		/* Known once the control type is. */
		CHECK_EQ(vpnpt_pptp_parse(b, 10, &m), VPNPT_PPTP_E_SHORT);
		CHECK_EQ(vpnpt_pptp_parse(b, 9, &m), 0);
	}
	/* Shorter than the header: known from the Length alone. */
	build(b, VPNPT_PPTP_ECHORQ, 16, 0, 0);
	vpnpt_put_be16(b, 11);
	CHECK_EQ(vpnpt_pptp_parse(b, 2, &m), VPNPT_PPTP_E_SHORT);
	CHECK_EQ(vpnpt_pptp_parse(b, 16, &m), VPNPT_PPTP_E_SHORT);
	vpnpt_put_be16(b, 0);
	CHECK_EQ(vpnpt_pptp_parse(b, 2, &m), VPNPT_PPTP_E_SHORT);
	CHECK_EQ(vpnpt_pptp_parse(b, 1, &m), 0);
	/* 12: a bare header is shorter than any type. */
	vpnpt_put_be16(b, 12);
	CHECK_EQ(vpnpt_pptp_parse(b, 16, &m), VPNPT_PPTP_E_SHORT);
	CHECK_STR(vpnpt_pptp_err_name(VPNPT_PPTP_E_SHORT), "too-short");
}

UNIT_TEST(pptp_parse_length_long_and_padding)
{
	u8 b[VPNPT_PPTP_MAX_MSG + 16];
	struct vpnpt_pptp_msg m;

	/* Padding after the RFC fields is accepted, fields unchanged. */
	build(b, VPNPT_PPTP_OCRP, 40, 0x4242, 0x4343);
	CHECK_EQ(vpnpt_pptp_parse(b, 40, &m), 40);
	CHECK_EQ(m.length, 40);
	CHECK_EQ(m.call_id, 0x4242);
	CHECK_EQ(m.peer_call_id, 0x4343);
	CHECK_EQ(vpnpt_pptp_parse(b, 39, &m), 0);
	/* Up to the maximum ... */
	build(b, VPNPT_PPTP_ICRQ, VPNPT_PPTP_MAX_MSG, 7, 0);
	CHECK_EQ(vpnpt_pptp_parse(b, VPNPT_PPTP_MAX_MSG, &m), VPNPT_PPTP_MAX_MSG);
	CHECK_EQ(m.call_id, 7);
	CHECK_EQ(vpnpt_pptp_parse(b, VPNPT_PPTP_MAX_MSG - 1, &m), 0);
	/* ... not beyond: rejected from the two Length bytes. */
	build(b, VPNPT_PPTP_ICRQ, VPNPT_PPTP_MAX_MSG + 1, 7, 0);
	CHECK_EQ(vpnpt_pptp_parse(b, VPNPT_PPTP_MAX_MSG + 1, &m), VPNPT_PPTP_E_LONG);
	CHECK_EQ(vpnpt_pptp_parse(b, 2, &m), VPNPT_PPTP_E_LONG);
	CHECK_EQ(vpnpt_pptp_parse(b, 1, &m), 0);	/* 0x02..: maybe 512 */
	/* High byte > 2: from the first byte. */
	vpnpt_put_be16(b, 0x0300);
	CHECK_EQ(vpnpt_pptp_parse(b, 1, &m), VPNPT_PPTP_E_LONG);
	vpnpt_put_be16(b, 0xffff);
	CHECK_EQ(vpnpt_pptp_parse(b, 1, &m), VPNPT_PPTP_E_LONG);
	CHECK_STR(vpnpt_pptp_err_name(VPNPT_PPTP_E_LONG), "too-long");
	CHECK_STR(vpnpt_pptp_err_name(0), "ok");
	CHECK_STR(vpnpt_pptp_err_name(-99), "unknown");
}

UNIT_TEST(pptp_parse_two_messages_in_buffer)
{
	u8 b[128];
	struct vpnpt_pptp_msg m;
	size_t n1, n2;

	n1 = build_std(b, VPNPT_PPTP_ICRP, 0x0a0a, 0x0b0b);
	n2 = build_std(b + n1, VPNPT_PPTP_ICCN, 0, 0x0a0a);
	CHECK_EQ(vpnpt_pptp_parse(b, n1 + n2, &m), 24);
	CHECK_EQ(m.type, VPNPT_PPTP_ICRP);
	CHECK_EQ(m.call_id, 0x0a0a);
	CHECK_EQ(vpnpt_pptp_parse(b + n1, n2, &m), 28);
	CHECK_EQ(m.type, VPNPT_PPTP_ICCN);
	CHECK_EQ(m.peer_call_id, 0x0a0a);
	/* The second one truncated does not affect the first. */
	CHECK_EQ(vpnpt_pptp_parse(b, n1 + 5, &m), 24);
	CHECK_EQ(vpnpt_pptp_parse(b + n1, 5, &m), 0);
}

UNIT_TEST(pptp_parse_reserved_ignored)
{
	u8 b[64];
	struct vpnpt_pptp_msg m;

	build_std(b, VPNPT_PPTP_SLI, 0, 0x7777);
	b[10] = 0xff;	/* Reserved0 */
	b[14] = 0xff;	/* Reserved1 */
	CHECK_EQ(vpnpt_pptp_parse(b, 24, &m), 24);
	CHECK_EQ(m.peer_call_id, 0x7777);
}

/* --- stream ------------------------------------------------------------- */

#define REC_MAX 64

struct rec_ev {
	struct vpnpt_pptp_event ev;
	u8 bytes[VPNPT_PPTP_MAX_MSG];
};

struct rec {
	int n;
	int n_new;
	int n_retrans;
	struct rec_ev e[REC_MAX];
};

static void rec_cb(void *ctx, const struct vpnpt_pptp_event *ev)
{
	struct rec *r = ctx;

	if (ev->flags & VPNPT_PPTP_EV_RETRANS)
		r->n_retrans++;
	else
		r->n_new++;
	if (r->n < REC_MAX) {
		r->e[r->n].ev = *ev;
		memcpy(r->e[r->n].bytes, ev->data, ev->msg.length);
		r->n++;
	}
}

static struct vpnpt_pptp_stream st;
static struct rec rc;

static void reset(u32 seq)
{
	memset(&rc, 0, sizeof(rc));
	vpnpt_pptp_stream_init_seq(&st, seq);
}

static int feed(u32 seq, const u8 *d, size_t len)
{
	return vpnpt_pptp_stream_feed(&st, seq, d, len, rec_cb, &rc);
}

/* A stream of messages: CCRQ 16, ICRP 24, SLI 24, OCRP 32 = 96 bytes. */
static size_t build_four(u8 *b)
{
	size_t n = 0;

	n += build_std(b + n, VPNPT_PPTP_CCRQ, 0x1001, 0);
	n += build_std(b + n, VPNPT_PPTP_ICRP, 0x1002, 0x2002);
	n += build_std(b + n, VPNPT_PPTP_SLI, 0, 0x2003);
	n += build_std(b + n, VPNPT_PPTP_OCRP, 0x1004, 0x2004);
	return n;
}

UNIT_TEST(pptp_stream_split_over_three_segments)
{
	u8 b[64];
	size_t n = build_std(b, VPNPT_PPTP_OCRP, 0x1234, 0x5678);

	reset(1000);
	CHECK_EQ(feed(1000, b, 5), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 0);
	CHECK_EQ(st.have, 5);
	CHECK_EQ(feed(1005, b + 5, 20), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 0);
	CHECK_EQ(st.have, 25);
	CHECK_EQ(feed(1025, b + 25, n - 25), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 1);
	CHECK_EQ(rc.e[0].ev.msg.type, VPNPT_PPTP_OCRP);
	CHECK_EQ(rc.e[0].ev.msg.call_id, 0x1234);
	CHECK_EQ(rc.e[0].ev.msg.peer_call_id, 0x5678);
	CHECK_EQ(rc.e[0].ev.seq, 1000);
	CHECK_EQ(rc.e[0].ev.seg_off, -25);
	CHECK_EQ(rc.e[0].ev.seg_len, 7);
	CHECK_EQ(rc.e[0].ev.flags, 0);
	CHECK(!memcmp(rc.e[0].bytes, b, n));
	/* Both ids left with earlier segments. */
	CHECK_EQ(vpnpt_pptp_ev_seg_field(&rc.e[0].ev, 12), -1);
	CHECK_EQ(vpnpt_pptp_ev_seg_field(&rc.e[0].ev, 14), -1);
	CHECK_EQ(st.next_seq, 1032);
	CHECK_EQ(st.have, 0);
	CHECK_EQ(st.stats.msgs, 1);

	/* Split 10/22: the ids are in the second segment, rewritable there. */
	reset(1000);
	CHECK_EQ(feed(1000, b, 10), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(feed(1010, b + 10, 22), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 1);
	CHECK_EQ(rc.e[0].ev.seg_off, -10);
	CHECK_EQ(vpnpt_pptp_ev_seg_field(&rc.e[0].ev, 12), 2);
	CHECK_EQ(vpnpt_pptp_ev_seg_field(&rc.e[0].ev, 14), 4);

	/* Split 13/19: the Call ID straddles the two segments. */
	reset(1000);
	CHECK_EQ(feed(1000, b, 13), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(feed(1013, b + 13, 19), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 1);
	CHECK_EQ(vpnpt_pptp_ev_seg_field(&rc.e[0].ev, 12), -1);
	CHECK_EQ(vpnpt_pptp_ev_seg_field(&rc.e[0].ev, 14), 1);
}

UNIT_TEST(pptp_stream_two_in_one_segment)
{
	u8 b[64];
	size_t n1 = build_std(b, VPNPT_PPTP_ECHORQ, 0, 0);
	size_t n2 = build_std(b + n1, VPNPT_PPTP_ECHORP, 0, 0);

	reset(7);
	CHECK_EQ(feed(7, b, n1 + n2), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 2);
	CHECK_EQ(rc.e[0].ev.msg.type, VPNPT_PPTP_ECHORQ);
	CHECK_EQ(rc.e[0].ev.seq, 7);
	CHECK_EQ(rc.e[0].ev.seg_off, 0);
	CHECK_EQ(rc.e[0].ev.flags, VPNPT_PPTP_EV_WHOLE);
	CHECK_EQ(rc.e[1].ev.msg.type, VPNPT_PPTP_ECHORP);
	CHECK_EQ(rc.e[1].ev.msg.result_code, 1);
	CHECK_EQ(rc.e[1].ev.seq, 7 + 16);
	CHECK_EQ(rc.e[1].ev.seg_off, 16);
	CHECK_EQ(rc.e[1].ev.seg_len, 36);
	CHECK_EQ(rc.e[1].ev.flags, VPNPT_PPTP_EV_WHOLE);
	CHECK_EQ(st.next_seq, 7 + 36);
	CHECK_EQ(st.have, 0);
}

UNIT_TEST(pptp_stream_three_and_a_half)
{
	u8 b[128];
	size_t n = build_four(b);

	CHECK_EQ(n, 96);
	reset(500);
	/* 16 + 24 + 24 + 10 of the 32 byte OCRP. */
	CHECK_EQ(feed(500, b, 74), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 3);
	CHECK_EQ(rc.e[0].ev.msg.type, VPNPT_PPTP_CCRQ);
	CHECK_EQ(rc.e[0].ev.msg.call_id, 0x1001);
	CHECK_EQ(rc.e[1].ev.msg.type, VPNPT_PPTP_ICRP);
	CHECK_EQ(rc.e[1].ev.msg.peer_call_id, 0x2002);
	CHECK_EQ(rc.e[1].ev.seg_off, 16);
	CHECK_EQ(rc.e[2].ev.msg.type, VPNPT_PPTP_SLI);
	CHECK_EQ(rc.e[2].ev.seq, 540);
	CHECK_EQ(st.have, 10);
	CHECK_EQ(feed(574, b + 74, 22), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 4);
	CHECK_EQ(rc.e[3].ev.msg.type, VPNPT_PPTP_OCRP);
	CHECK_EQ(rc.e[3].ev.msg.call_id, 0x1004);
	CHECK_EQ(rc.e[3].ev.msg.peer_call_id, 0x2004);
	CHECK_EQ(rc.e[3].ev.seq, 564);
	CHECK_EQ(rc.e[3].ev.seg_off, -10);
	CHECK_EQ(rc.e[3].ev.flags, 0);
	CHECK(!memcmp(rc.e[3].bytes, b + 64, 32));
	CHECK_EQ(st.next_seq, 596);
	CHECK_EQ(st.stats.msgs, 4);
}

UNIT_TEST(pptp_stream_every_split)
{
	static u8 b[2400];
	size_t n = 0, i, j, cut;
	int t, bad = 0;

	for (t = 1; t <= NTYPES; t++)
		n += build_std(b + n, (u16)t, (u16)(0x100 + t), (u16)(0x200 + t));

	/* Two segments, cut anywhere. */
	for (cut = 0; cut <= n; cut++) {
		reset(0xfffff000u);
		feed(0xfffff000u, b, cut);
		feed(0xfffff000u + (u32)cut, b + cut, n - cut);
		if (rc.n != NTYPES || st.have || st.stats.malformed)
			bad++;
		for (t = 0; t < rc.n; t++)
			if (rc.e[t].ev.msg.type != t + 1 ||
			    rc.e[t].ev.msg.length != exp_of((u16)(t + 1))->size)
				bad++;
	}
	CHECK_EQ(bad, 0);

	/* One byte per segment. */
	reset(0);
	for (i = 0; i < n; i++)
		feed((u32)i, b + i, 1);
	CHECK_EQ(rc.n, NTYPES);
	CHECK_EQ(st.stats.msgs, NTYPES);
	for (t = 0; t < rc.n; t++) {
		CHECK_EQ(rc.e[t].ev.seg_off, 1 - (int)rc.e[t].ev.msg.length);
		CHECK_EQ(rc.e[t].ev.seg_len, 1);
	}

	/* Three segments over the four short messages, cut anywhere. */
	n = build_four(b);
	for (i = 0; i <= n; i++) {
		for (j = i; j <= n; j++) {
			reset(42);
			feed(42, b, i);
			feed(42 + (u32)i, b + i, j - i);
			feed(42 + (u32)j, b + j, n - j);
			if (rc.n != 4 || rc.e[3].ev.msg.call_id != 0x1004 ||
			    st.next_seq != 42 + n)
				bad++;
		}
	}
	CHECK_EQ(bad, 0);
}

UNIT_TEST(pptp_stream_retransmission_ignored)
{
	u8 b[128];
	size_t n = build_four(b);

	reset(100);
	CHECK_EQ(feed(100, b, 40), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n_new, 2);
	/* The same segment again: not processed, reported as RETRANS. */
	CHECK_EQ(feed(100, b, 40), VPNPT_PPTP_FEED_OLD);
	CHECK_EQ(rc.n_new, 2);
	CHECK_EQ(rc.n_retrans, 2);
	CHECK_EQ(rc.e[2].ev.flags, VPNPT_PPTP_EV_WHOLE | VPNPT_PPTP_EV_RETRANS);
	CHECK_EQ(rc.e[2].ev.msg.call_id, 0x1001);
	CHECK_EQ(rc.e[3].ev.seq, 116);
	CHECK_EQ(rc.e[3].ev.seg_off, 16);
	CHECK_EQ(st.stats.msgs, 2);
	CHECK_EQ(st.stats.retrans, 2);
	CHECK_EQ(st.stats.old, 1);
	CHECK_EQ(st.next_seq, 140);
	/* A retransmission of only the second message. */
	CHECK_EQ(feed(116, b + 16, 24), VPNPT_PPTP_FEED_OLD);
	CHECK_EQ(rc.n_retrans, 3);
	CHECK_EQ(rc.e[4].ev.msg.type, VPNPT_PPTP_ICRP);
	/* A retransmission starting mid-message reports nothing. */
	CHECK_EQ(feed(110, b + 10, 30), VPNPT_PPTP_FEED_OLD);
	CHECK_EQ(rc.n, 5);
	/* The stream goes on. */
	CHECK_EQ(feed(140, b + 40, n - 40), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n_new, 4);
	CHECK_EQ(st.stats.msgs, 4);

	/* Retransmitted head of a message still being reassembled. */
	reset(100);
	CHECK_EQ(feed(100, b, 20), VPNPT_PPTP_FEED_OK);	/* CCRQ + 4 */
	CHECK_EQ(feed(100, b, 20), VPNPT_PPTP_FEED_OLD);
	CHECK_EQ(rc.n_new, 1);
	CHECK_EQ(rc.n_retrans, 1);
	CHECK_EQ(st.have, 4);
	CHECK_EQ(feed(120, b + 20, 20), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n_new, 2);
	CHECK_EQ(rc.e[2].ev.msg.type, VPNPT_PPTP_ICRP);
	CHECK_EQ(rc.e[2].ev.seg_off, -4);
}

UNIT_TEST(pptp_stream_partial_overlap)
{
	u8 b[128];
	size_t n = build_four(b);

	/* Have [0, 30): CCRQ and 14 bytes of ICRP; then [16, 64). */
	reset(1);
	CHECK_EQ(feed(1, b, 30), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 1);
	CHECK_EQ(st.have, 14);
	CHECK_EQ(feed(17, b + 16, 48), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 3);
	CHECK_EQ(rc.n_retrans, 0);
	/* The ICRP began in this segment after all: whole, rewritable. */
	CHECK_EQ(rc.e[1].ev.msg.type, VPNPT_PPTP_ICRP);
	CHECK_EQ(rc.e[1].ev.seq, 17);
	CHECK_EQ(rc.e[1].ev.seg_off, 0);
	CHECK_EQ(rc.e[1].ev.flags, VPNPT_PPTP_EV_WHOLE);
	CHECK_EQ(vpnpt_pptp_ev_seg_field(&rc.e[1].ev, rc.e[1].ev.msg.call_id_off), 12);
	CHECK_EQ(rc.e[2].ev.msg.type, VPNPT_PPTP_SLI);
	CHECK_EQ(rc.e[2].ev.seg_off, 24);
	CHECK_EQ(st.stats.overlaps, 1);
	CHECK_EQ(st.next_seq, 65);

	/* Have [0, 40) = CCRQ, ICRP; then [0, 96): two RETRANS, two new. */
	reset(1);
	CHECK_EQ(feed(1, b, 40), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(feed(1, b, n), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 6);
	CHECK_EQ(rc.n_new, 4);
	CHECK_EQ(rc.n_retrans, 2);
	CHECK_EQ(rc.e[2].ev.flags, VPNPT_PPTP_EV_WHOLE | VPNPT_PPTP_EV_RETRANS);
	CHECK_EQ(rc.e[3].ev.flags, VPNPT_PPTP_EV_WHOLE | VPNPT_PPTP_EV_RETRANS);
	CHECK_EQ(rc.e[4].ev.msg.type, VPNPT_PPTP_SLI);
	CHECK_EQ(rc.e[4].ev.flags, VPNPT_PPTP_EV_WHOLE);
	CHECK_EQ(rc.e[5].ev.msg.type, VPNPT_PPTP_OCRP);
	CHECK_EQ(rc.e[5].ev.seg_off, 64);
	CHECK_EQ(st.stats.msgs, 4);

	/* Overlap that ends exactly at next_seq is all old. */
	CHECK_EQ(feed(41, b + 40, 56), VPNPT_PPTP_FEED_OLD);
	CHECK_EQ(rc.n_new, 4);
}

UNIT_TEST(pptp_stream_seq_wraparound)
{
	u8 b[128];
	const u32 base = 0xfffffff0u;
	size_t n = build_four(b);

	reset(base);
	/* CCRQ ends exactly at 0; ICRP split across the wrap. */
	CHECK_EQ(feed(base, b, 26), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 1);
	CHECK_EQ(rc.e[0].ev.seq, base);
	CHECK_EQ(st.next_seq, 10);
	CHECK_EQ(feed(10, b + 26, 30), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 2);
	CHECK_EQ(rc.e[1].ev.msg.type, VPNPT_PPTP_ICRP);
	CHECK_EQ(rc.e[1].ev.seq, 0);
	CHECK_EQ(rc.e[1].ev.seg_off, -10);
	/* A retransmission from before the wrap is old. */
	CHECK_EQ(feed(base, b, 16), VPNPT_PPTP_FEED_OLD);
	CHECK_EQ(rc.n_new, 2);
	/* Overlap across the wrap: only the new part is processed. */
	CHECK_EQ(feed(base + 8, b + 8, n - 8), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n_new, 4);
	CHECK_EQ(rc.e[rc.n - 1].ev.msg.type, VPNPT_PPTP_OCRP);
	CHECK_EQ(rc.e[rc.n - 1].ev.seq, 48);
	CHECK_EQ(st.next_seq, 80);
	/* A gap across the wrap is a gap. */
	reset(0xfffffffcu);
	CHECK_EQ(feed(4, b, 16), VPNPT_PPTP_FEED_GAP);
	CHECK_EQ(st.state, VPNPT_PPTP_ST_LOST);
}

UNIT_TEST(pptp_stream_gap)
{
	u8 b[128];
	size_t n = build_four(b);

	reset(100);
	CHECK_EQ(feed(100, b, 16), VPNPT_PPTP_FEED_OK);		/* CCRQ */
	CHECK_EQ(feed(116, b + 16, 10), VPNPT_PPTP_FEED_OK);	/* ICRP head */
	CHECK_EQ(st.have, 10);
	/* [126, 140) is lost; SLI arrives: gap, not processed. */
	CHECK_EQ(feed(140, b + 40, 24), VPNPT_PPTP_FEED_GAP);
	CHECK_EQ(rc.n, 1);
	CHECK_EQ(st.state, VPNPT_PPTP_ST_LOST);
	CHECK_EQ(st.have, 0);
	CHECK_EQ(st.next_seq, 116);	/* back to the ICRP's start */
	CHECK_EQ(st.stats.gaps, 1);
	/* While lost, more out of order data without a header is ignored. */
	CHECK_EQ(feed(130, b + 30, 10), VPNPT_PPTP_FEED_LOST);
	/* The caller dropped the SLI segment; the sender retransmits all. */
	CHECK_EQ(feed(116, b + 16, 24), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(st.state, VPNPT_PPTP_ST_SYNCED);
	CHECK_EQ(st.stats.resyncs, 1);
	CHECK_EQ(rc.n, 2);
	CHECK_EQ(rc.e[1].ev.msg.type, VPNPT_PPTP_ICRP);
	CHECK_EQ(rc.e[1].ev.flags, VPNPT_PPTP_EV_WHOLE);
	CHECK_EQ(feed(140, b + 40, n - 40), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 4);
	CHECK_EQ(st.stats.msgs, 4);

	/* Retransmission coalescing CCRQ + ICRP while lost at 116. */
	reset(100);
	feed(100, b, 26);
	CHECK_EQ(feed(140, b + 40, 24), VPNPT_PPTP_FEED_GAP);
	CHECK_EQ(feed(100, b, 40), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n_new, 2);
	CHECK_EQ(rc.n_retrans, 1);
	CHECK_EQ(rc.e[2].ev.msg.type, VPNPT_PPTP_ICRP);
	CHECK_EQ(rc.e[2].ev.seg_off, 16);

	/* If the caller passed the gap segment: resync forward later. */
	reset(100);
	feed(100, b, 16);
	CHECK_EQ(feed(140, b + 40, 24), VPNPT_PPTP_FEED_GAP);
	CHECK_EQ(feed(164, b + 64, 32), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n_new, 2);
	CHECK_EQ(rc.e[1].ev.msg.type, VPNPT_PPTP_OCRP);
	CHECK_EQ(st.next_seq, 196);
	/* Now the ICRP retransmission is before next_seq: never delivered. */
	CHECK_EQ(feed(116, b + 16, 24), VPNPT_PPTP_FEED_OLD);
	CHECK_EQ(rc.n_new, 2);

	/* A gap of one byte is a gap; one byte of overlap is not. */
	reset(100);
	CHECK_EQ(feed(101, b + 1, 15), VPNPT_PPTP_FEED_GAP);
	CHECK_EQ(st.next_seq, 100);
	reset(100);
	CHECK_EQ(feed(100, b, 15), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(feed(116, b + 16, 24), VPNPT_PPTP_FEED_GAP);
	CHECK_EQ(st.next_seq, 100);
	reset(100);
	CHECK_EQ(feed(100, b, 15), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(feed(114, b + 14, 26), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n_new, 2);
	CHECK_EQ(st.stats.overlaps, 1);
}

UNIT_TEST(pptp_stream_malformed)
{
	u8 b[256], g[64];
	size_t n = build_four(b);

	memset(g, 0x41, sizeof(g));

	/* A good message, then garbage in the same segment. */
	reset(10);
	memcpy(b + 200, b, 16);
	memcpy(b + 216, g, 20);
	CHECK_EQ(feed(10, b + 200, 36), VPNPT_PPTP_E_LONG);	/* 0x4141 */
	CHECK_EQ(rc.n, 1);
	CHECK_EQ(st.state, VPNPT_PPTP_ST_LOST);
	CHECK_EQ(st.next_seq, 46);
	CHECK_EQ(st.stats.malformed, 1);
	/* More garbage is ignored ... */
	CHECK_EQ(feed(46, g, 30), VPNPT_PPTP_FEED_LOST);
	CHECK_EQ(st.stats.ignored, 1);
	/* ... a short segment even if it looks like a header start ... */
	CHECK_EQ(feed(76, b + 16, 11), VPNPT_PPTP_FEED_LOST);
	/* ... until a segment begins with a valid header. */
	CHECK_EQ(feed(87, b + 16, n - 16), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 4);
	CHECK_EQ(rc.e[1].ev.msg.type, VPNPT_PPTP_ICRP);
	CHECK_EQ(rc.e[1].ev.seq, 87);
	CHECK_EQ(st.stats.resyncs, 1);
	/* Old data of the skipped region stays old. */
	CHECK_EQ(feed(10, b, 16), VPNPT_PPTP_FEED_OLD);

	/* Bad magic detected in a buffered head (6 bytes, then the rest). */
	reset(0);
	build_std(g, VPNPT_PPTP_CCRQ, 1, 0);
	g[7] = 0;
	CHECK_EQ(feed(0, g, 6), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(feed(6, g + 6, 10), VPNPT_PPTP_E_MAGIC);
	CHECK_EQ(st.next_seq, 16);
	CHECK_EQ(st.state, VPNPT_PPTP_ST_LOST);

	/* Unknown control type in the second segment of a message. */
	reset(0);
	build(g, 16, 16, 0, 0);
	CHECK_EQ(feed(0, g, 9), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(feed(9, g + 9, 7), VPNPT_PPTP_E_CTRLTYPE);
	CHECK_EQ(rc.n, 0);

	/* Oversized Length: rejected before anything is buffered beyond it. */
	reset(0);
	build_std(g, VPNPT_PPTP_CCRQ, 0, 0);
	vpnpt_put_be16(g, VPNPT_PPTP_MAX_MSG + 1);
	CHECK_EQ(feed(0, g, 1), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(feed(1, g + 1, 1), VPNPT_PPTP_E_LONG);
	CHECK_EQ(st.have, 0);
}

UNIT_TEST(pptp_stream_new_unsynced)
{
	u8 b[128];
	size_t n = build_four(b);

	memset(&rc, 0, sizeof(rc));
	vpnpt_pptp_stream_init(&st);
	CHECK_EQ(st.state, VPNPT_PPTP_ST_NEW);
	/* Mid-message data before the first header: ignored. */
	CHECK_EQ(feed(5000, b + 20, 20), VPNPT_PPTP_FEED_LOST);
	/* The first segment that begins with a header synchronizes. */
	CHECK_EQ(feed(7000, b, 30), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(st.state, VPNPT_PPTP_ST_SYNCED);
	CHECK_EQ(rc.n, 1);
	CHECK_EQ(feed(7030, b + 30, n - 30), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(rc.n, 4);
	CHECK_EQ(st.stats.resyncs, 1);
	CHECK_EQ(st.stats.ignored, 1);
	/* Empty segments change nothing; a NULL callback is allowed. */
	CHECK_EQ(feed(1, b, 0), VPNPT_PPTP_FEED_OK);
	CHECK_EQ(vpnpt_pptp_stream_feed(&st, 7096, b, 16, NULL, NULL),
		 VPNPT_PPTP_FEED_OK);
	CHECK_EQ(st.stats.msgs, 5);
	CHECK_EQ(st.next_seq, 7112);
}

UNIT_TEST(pptp_gre_call_id)
{
	/* Enhanced GRE: K and S set, version 1, PPP, payload 0x0123, call 0xbeef */
	u8 g[] = { 0x30, 0x81, 0x88, 0x0b, 0x01, 0x23, 0xbe, 0xef };
	u16 id = 0;
	size_t n;

	CHECK(vpnpt_pptp_gre_call_id(g, sizeof(g), &id));
	CHECK_EQ(id, 0xbeef);
	/* Every shorter prefix is not enough, and leaves the ID alone. */
	for (n = 0; n < sizeof(g); n++) {
		id = 7;
		CHECK(!vpnpt_pptp_gre_call_id(g, n, &id));
		CHECK_EQ(id, 7);
	}
	/* Flags other than the version are the kernel's tracker's concern. */
	g[0] = 0x00;
	g[1] = 0x01;
	CHECK(vpnpt_pptp_gre_call_id(g, sizeof(g), &id));
	/* Version 0 (plain GRE) and other versions are not PPTP. */
	g[1] = 0x00;
	CHECK(!vpnpt_pptp_gre_call_id(g, sizeof(g), &id));
	g[1] = 0x83;
	CHECK(!vpnpt_pptp_gre_call_id(g, sizeof(g), &id));
	/* Neither is another protocol type (IPv4 over version 1). */
	g[1] = 0x81;
	g[2] = 0x08;
	g[3] = 0x00;
	CHECK(!vpnpt_pptp_gre_call_id(g, sizeof(g), &id));
}
