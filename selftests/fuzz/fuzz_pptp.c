// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for src/pptp_parse.c.
 *
 * Input: an 8 byte control block, then the TCP payload of one direction of
 * a PPTP control connection:
 *
 *   0..3  base sequence number (big-endian)
 *   4     maximum segment length (0: the whole payload in one segment)
 *   5     chance of a retransmitted / overlapping segment, in 1/256
 *   6     chance of a gap (bytes skipped forward), in 1/256
 *   7     seed of the generator choosing the rest; bit 0 set: the stream
 *         in the chaotic run starts NEW rather than at the base sequence
 *
 * Three runs over it:
 *  1. vpnpt_pptp_parse() at every offset of the whole input, checked against
 *     the bytes; at the input and payload starts also every prefix, which
 *     must never disagree with the whole. vpnpt_pptp_gre_call_id() at every
 *     offset, checked against the bytes.
 *  2. The payload cut into segments fed in order: the stream must deliver
 *     exactly what a loop of vpnpt_pptp_parse() over the payload finds, up
 *     to the first malformed message, and report that error.
 *  3. Segments fed with retransmissions, overlaps and gaps, always with the
 *     bytes the payload has at that sequence number, as TCP would: every
 *     event must describe bytes really at its sequence number, no message
 *     may be delivered as new twice, pointers and offsets stay in bounds.
 * Any violation traps.
 */
#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "pptp_parse.h"

#define CHECK(x)				\
	do {					\
		if (!(x))			\
			__builtin_trap();	\
	} while (0)

#define CTL_LEN		8
#define MAX_EVENTS	2048

struct fuzz_ev {
	u32 seq;
	u16 length;
	u16 type;
	unsigned int flags;
};

struct fuzz_ctx {
	const u8 *payload;	/* the whole stream, for consistency checks */
	size_t n;
	u32 base;
	const struct vpnpt_pptp_stream *s;
	const u8 *seg;		/* the segment being fed */
	size_t seg_len;
	u32 seg_seq;
	int nev;		/* new events */
	int nretrans;
	int have_new;		/* a new event was seen: new_end is valid */
	size_t new_end;		/* payload offset where the last new one ended */
	struct fuzz_ev ev[MAX_EVENTS];
};

static struct vpnpt_pptp_stream stream;
static struct fuzz_ctx fc;

static u32 rng_state;

static u32 rng(void)
{
	/* xorshift32; never 0 once seeded non-zero */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

static void check_msg(const u8 *p, size_t avail, int r,
		      const struct vpnpt_pptp_msg *m)
{
	CHECK(r <= (int)VPNPT_PPTP_MAX_MSG);
	CHECK(r < 0 || (size_t)r <= avail);
	if (r <= 0) {
		CHECK(r >= VPNPT_PPTP_E_LONG);
		/* Zeroed (fields compared: memcmp is slow under libFuzzer). */
		CHECK((m->length | m->type | m->call_id | m->peer_call_id |
		       m->call_id_off | m->peer_call_id_off | m->flags |
		       m->result_code | m->error_code) == 0);
		CHECK(vpnpt_pptp_err_name(r));
		/* With a maximum message's bytes, a verdict is always reached. */
		CHECK(r < 0 || avail < VPNPT_PPTP_MAX_MSG);
		return;
	}
	CHECK(m->length == r);
	CHECK(m->type >= 1 && m->type <= VPNPT_PPTP_TYPE_MAX);
	CHECK(r >= vpnpt_pptp_type_size(m->type));
	CHECK(vpnpt_get_be16(p) == r);
	CHECK(vpnpt_get_be32(p + 4) == VPNPT_PPTP_MAGIC);
	CHECK(vpnpt_pptp_type_name(m->type));
	CHECK(vpnpt_pptp_type_sender(m->type) != VPNPT_PPTP_FROM_UNKNOWN);
	if (m->flags & VPNPT_PPTP_HAS_CALL_ID) {
		CHECK(m->call_id_off >= VPNPT_PPTP_HDR_LEN);
		CHECK(m->call_id_off + 2 <= m->length);
		CHECK(vpnpt_get_be16(p + m->call_id_off) == m->call_id);
	} else {
		CHECK(m->call_id == 0 && m->call_id_off == 0);
	}
	if (m->flags & VPNPT_PPTP_HAS_PEER_CALL_ID) {
		CHECK(m->peer_call_id_off >= VPNPT_PPTP_HDR_LEN);
		CHECK(m->peer_call_id_off + 2 <= m->length);
		CHECK(vpnpt_get_be16(p + m->peer_call_id_off) == m->peer_call_id);
	} else {
		CHECK(m->peer_call_id == 0 && m->peer_call_id_off == 0);
	}
	if ((m->flags & VPNPT_PPTP_HAS_CALL_ID) &&
	    (m->flags & VPNPT_PPTP_HAS_PEER_CALL_ID))
		CHECK(m->call_id_off != m->peer_call_id_off);
	CHECK(!(m->flags & ~(VPNPT_PPTP_HAS_CALL_ID |
			     VPNPT_PPTP_HAS_PEER_CALL_ID |
			     VPNPT_PPTP_HAS_RESULT)));
}

/* A GRE header is PPTP's exactly when its version and protocol say so. */
static void check_gre(const u8 *p, size_t len)
{
	bool pptp = len >= VPNPT_PPTP_GRE_HDR_LEN && (p[1] & 7) == 1 &&
		    p[2] == 0x88 && p[3] == 0x0b;
	u16 id = 0xffff;

	CHECK(vpnpt_pptp_gre_call_id(p, len, &id) == pptp);
	CHECK(id == (pptp ? vpnpt_get_be16(p + 6) : 0xffff));
}

/* Run 1: the parsers alone at every offset. */
static void run_parse(const u8 *data, size_t size)
{
	struct vpnpt_pptp_msg m;
	size_t i, k, kmax;
	int r, rk;

	for (i = 0; i < size; i++) {
		check_gre(data + i, size - i);
		r = vpnpt_pptp_parse(data + i, size - i, &m);
		check_msg(data + i, size - i, r, &m);
		/*
		 * Prefixes agree with the whole: 0 or the same verdict; a
		 * message is found by exactly its own prefix and longer ones.
		 * All of them where input and payload start, the edges
		 * elsewhere (more is slow under comparison tracing).
		 */
		kmax = (i == 0 || i == CTL_LEN) ? size - i : 0;
		for (k = 0; k <= kmax; k++) {
			rk = vpnpt_pptp_parse(data + i, k, &m);
			check_msg(data + i, k, rk, &m);
			if (r > 0)
				CHECK(rk == ((int)k >= r ? r : 0));
			else
				CHECK(rk == 0 || rk == r);
		}
		if (r > 0) {
			CHECK(vpnpt_pptp_parse(data + i, (size_t)r - 1, &m) == 0);
			CHECK(vpnpt_pptp_parse(data + i, (size_t)r, &m) == r);
		}
	}
}

static void fuzz_cb(void *ctx, const struct vpnpt_pptp_event *ev)
{
	struct fuzz_ctx *c = ctx;
	const struct vpnpt_pptp_msg *m = &ev->msg;
	size_t vpos;

	/* The message is well formed and parsed from ev->data. */
	CHECK(m->length >= 16 && m->length <= VPNPT_PPTP_MAX_MSG);
	check_msg(ev->data, m->length, m->length, m);
	CHECK(ev->seg_len == c->seg_len);
	CHECK(!(ev->flags & ~(VPNPT_PPTP_EV_WHOLE | VPNPT_PPTP_EV_RETRANS)));

	/* Where it is, relative to the segment. */
	CHECK(ev->seq == c->seg_seq + (u32)ev->seg_off);
	if (ev->flags & VPNPT_PPTP_EV_WHOLE) {
		CHECK(ev->seg_off >= 0);
		CHECK((size_t)ev->seg_off + m->length <= c->seg_len);
	} else {
		CHECK(ev->seg_off < 0 && ev->seg_off > -(int)m->length);
		/* Ends inside this segment. */
		CHECK((size_t)(ev->seg_off + m->length) <= c->seg_len);
	}
	if (ev->flags & VPNPT_PPTP_EV_RETRANS)
		CHECK(ev->flags & VPNPT_PPTP_EV_WHOLE);

	/*
	 * The bytes are in the segment, or in the stream's buffer if the
	 * message was completed from buffered bytes.
	 */
	if (c->seg_len && ev->data >= c->seg && ev->data < c->seg + c->seg_len) {
		CHECK(ev->data + m->length <= c->seg + c->seg_len);
		CHECK(ev->data == c->seg + ev->seg_off);
	} else {
		CHECK(ev->data == c->s->buf);
		CHECK(!(ev->flags & VPNPT_PPTP_EV_RETRANS));
	}

	/* Field offsets in the segment, when reported, are really there. */
	if (m->flags & VPNPT_PPTP_HAS_CALL_ID) {
		int o = vpnpt_pptp_ev_seg_field(ev, m->call_id_off);

		if (o >= 0)
			CHECK(vpnpt_get_be16(c->seg + o) == m->call_id);
		else
			CHECK(ev->seg_off + m->call_id_off < 0);
	}
	if (m->flags & VPNPT_PPTP_HAS_PEER_CALL_ID) {
		int o = vpnpt_pptp_ev_seg_field(ev, m->peer_call_id_off);

		if (o >= 0)
			CHECK(vpnpt_get_be16(c->seg + o) == m->peer_call_id);
	}

	/* The bytes are the payload's at that sequence number. */
	vpos = (u32)(ev->seq - c->base);
	CHECK(vpos <= c->n && m->length <= c->n - vpos);
	CHECK(!memcmp(ev->data, c->payload + vpos, m->length));

	if (ev->flags & VPNPT_PPTP_EV_RETRANS) {
		c->nretrans++;
		return;
	}
	/* New messages come in order and never overlap: none twice. */
	if (c->have_new)
		CHECK(vpos >= c->new_end);
	c->have_new = 1;
	c->new_end = vpos + m->length;
	if (c->nev < MAX_EVENTS) {
		c->ev[c->nev].seq = ev->seq;
		c->ev[c->nev].length = m->length;
		c->ev[c->nev].type = m->type;
		c->ev[c->nev].flags = ev->flags;
	}
	c->nev++;
}

static void ctx_reset(const u8 *payload, size_t n, u32 base)
{
	fc.payload = payload;
	fc.n = n;
	fc.base = base;
	fc.s = &stream;
	fc.nev = 0;
	fc.nretrans = 0;
	fc.have_new = 0;
	fc.new_end = 0;
}

static int feed(size_t start, size_t len)
{
	struct vpnpt_pptp_stream_stats before = stream.stats;
	int nev = fc.nev, nretrans = fc.nretrans, r;

	fc.seg = fc.payload + start;
	fc.seg_len = len;
	fc.seg_seq = fc.base + (u32)start;
	r = vpnpt_pptp_stream_feed(&stream, fc.seg_seq, fc.seg, len,
				   fuzz_cb, &fc);
	CHECK(r >= VPNPT_PPTP_E_LONG && r <= VPNPT_PPTP_FEED_LOST);
	CHECK(stream.state <= VPNPT_PPTP_ST_LOST);
	CHECK(stream.have < VPNPT_PPTP_MAX_MSG);
	CHECK(stream.have == 0 || stream.state == VPNPT_PPTP_ST_SYNCED);
	CHECK(stream.stats.msgs - before.msgs == (u32)(fc.nev - nev));
	CHECK(stream.stats.retrans - before.retrans ==
	      (u32)(fc.nretrans - nretrans));
	if (r < 0) {
		CHECK(stream.state == VPNPT_PPTP_ST_LOST);
		CHECK(stream.stats.malformed == before.malformed + 1);
	}
	/* Only the processed part yields new messages. */
	if (r == VPNPT_PPTP_FEED_GAP)
		CHECK(fc.nev == nev && fc.nretrans == nretrans);
	if (r == VPNPT_PPTP_FEED_OLD || r == VPNPT_PPTP_FEED_LOST)
		CHECK(fc.nev == nev);
	if (stream.state == VPNPT_PPTP_ST_SYNCED) {
		/* Buffered bytes are the payload's just before next_seq. */
		size_t v = (u32)(stream.next_seq - fc.base);

		CHECK(v <= fc.n && stream.have <= v);
		CHECK(!memcmp(stream.buf, fc.payload + v - stream.have,
			      stream.have));
	}
	return r;
}

/* Up to maxseg bytes, 0 included, not past the payload's end. */
static size_t seg_len(unsigned int maxseg, size_t left)
{
	size_t len = rng() % (maxseg + 1);

	return len < left ? len : left;
}

/* Run 2: in order, arbitrary cuts; compare with a plain parse loop. */
static void run_in_order(const u8 *ctl, const u8 *p, size_t n, u32 base)
{
	struct vpnpt_pptp_msg m;
	size_t pos = 0, len;
	int r, ref_err = 0, nref = 0, first_err = 0, nev_at_err = -1, i;
	size_t ref_end = 0;
	unsigned int guard = 0;

	/* The reference: messages back to back from the start. */
	while (ref_end < n) {
		r = vpnpt_pptp_parse(p + ref_end, n - ref_end, &m);
		if (r <= 0) {
			ref_err = r;
			break;
		}
		ref_end += (size_t)r;
		nref++;
	}

	ctx_reset(p, n, base);
	vpnpt_pptp_stream_init_seq(&stream, base);
	while (pos < n && guard++ < 100000) {
		len = ctl[4] ? 1 + rng() % ctl[4] : n - pos;
		if (len > n - pos)
			len = n - pos;
		r = feed(pos, len);
		CHECK(r != VPNPT_PPTP_FEED_OLD && r != VPNPT_PPTP_FEED_GAP);
		if (r < 0 && !first_err) {
			first_err = r;
			nev_at_err = fc.nev;
		}
		pos += len;
	}
	CHECK(fc.nretrans == 0);

	if (!first_err) {
		CHECK(ref_err == 0);
		CHECK(fc.nev == nref);
		CHECK(stream.state == VPNPT_PPTP_ST_SYNCED);
		CHECK(stream.next_seq == base + (u32)n);
		CHECK(stream.have == n - ref_end);
	} else {
		CHECK(first_err == ref_err);
		CHECK(nev_at_err == nref);
	}
	/* The first nref events are the reference messages. */
	ref_end = 0;
	for (i = 0; i < nref && i < MAX_EVENTS; i++) {
		r = vpnpt_pptp_parse(p + ref_end, n - ref_end, &m);
		CHECK(fc.ev[i].seq == base + (u32)ref_end);
		CHECK(fc.ev[i].length == r);
		CHECK(fc.ev[i].type == m.type);
		ref_end += (size_t)r;
	}
}

/* Run 3: retransmissions, overlaps and gaps. */
static void run_chaos(const u8 *ctl, const u8 *p, size_t n, u32 base)
{
	size_t hi = 0, start, len;
	unsigned int steps, i;
	u32 x;

	ctx_reset(p, n, base);
	if (ctl[7] & 1)
		vpnpt_pptp_stream_init(&stream);
	else
		vpnpt_pptp_stream_init_seq(&stream, base);

	steps = 4 * (unsigned int)n + 16;
	for (i = 0; i < steps && hi < n; i++) {
		x = rng() & 0xff;
		if (x < ctl[5] && hi > 0) {
			/* Back to anywhere already sent; may reach past hi. */
			start = rng() % (hi + 1);
		} else if (x < (u32)ctl[5] + ctl[6]) {
			start = hi + 1 + rng() % 64;
			if (start > n)
				start = n;
		} else {
			start = hi;
		}
		len = seg_len(ctl[4] ? ctl[4] : 255, n - start);
		feed(start, len);
		if (start + len > hi)
			hi = start + len;
	}
	/* Everything once more, in order, as one big retransmission. */
	feed(0, n);
	CHECK(stream.state != VPNPT_PPTP_ST_SYNCED ||
	      stream.next_seq == base + (u32)n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const u8 *p;
	size_t n;
	u32 base;

	run_parse(data, size);
	if (size < CTL_LEN)
		return 0;

	base = vpnpt_get_be32(data);
	p = data + CTL_LEN;
	n = size - CTL_LEN;

	rng_state = vpnpt_get_be32(data + 4) | 1;
	run_in_order(data, p, n, base);
	run_chaos(data, p, n, base);
	return 0;
}
