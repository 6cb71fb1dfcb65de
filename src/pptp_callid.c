// SPDX-License-Identifier: GPL-2.0
/*
 * PPTP passthrough: calls and their Call IDs.
 *
 * A call starts (vpnpt_pptp_call_new()) when the protocol (pptp.c) or the
 * rewriter below sees the message that opens it, and is ended by setting
 * its end flag (vpnpt_pptp_call_end()); the session table then lets go of
 * its session and vpnpt_pptp_session_destroy() frees what it holds: its GRE
 * state and its outside ID. So calls depend only on the files below them
 * (pptp_conn.c, pptp_gre.c), and pptp.c on them.
 *
 * Under NAT each call's Call ID is translated: the client's own (inside) is
 * what the server is told as another (outside), unique per (server, public
 * address) and chosen here at random. Messages from the client carry its
 * own ID in their Call ID field (OCRQ, ICRP, CCRQ): inside is rewritten to
 * outside. Messages from the server carry the client's ID in their Peer's
 * Call ID field (OCRP, ICCN, WEN, SLI): outside is rewritten to inside.
 *
 * A field whose bytes are in the segment is rewritten even when the rest of
 * its message is still to come; one cut by a segment boundary keeps the
 * high byte written for its first half (struct vpnpt_pptp_split_field).
 * Every rewritten byte is logged by sequence number (struct
 * vpnpt_pptp_rewrite_log) so that a retransmission gets the same bytes.
 *
 * Locking: the control connection's lock for its calls, stream and logs.
 * Outside IDs are kept unique by the namespace's table of the servers' GRE
 * keys (pptp_gre.c), a hash table with locks of its own.
 */
#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/checksum.h>
#include <net/netfilter/nf_conntrack_expect.h>

#include "netns.h"
#include "pptp_callid.h"
#include "pptp_gre.h"
#include "proto.h"
#include "session.h"
#include "stats.h"
#include "wire.h"

/* --- calls: their start, end and sessions ------------------------------ */

static const struct vpnpt_session_ops vpnpt_pptp_session_ops;

/* The session's identifiers follow the call's. */
void vpnpt_pptp_call_ids(struct vpnpt_pptp_call *call)
{
	struct vpnpt_session *s = call->session;

	lockdep_assert_held(&call->conn->lock);
	if (!s)
		return;
	s->ids.pptp.call_id_inside = call->inside;
	s->ids.pptp.call_id_outside = call->outside;
	s->ids.pptp.peer_call_id = call->peer;
}

/*
 * A new call with its session. @id is the client's Call ID of an outgoing
 * call, the server's of an incoming one: the session's start is announced
 * with it. The call is in the connection's list before its session is in
 * the table, where a flush could destroy it at once (waiting for the
 * connection's lock, held here).
 */
struct vpnpt_pptp_call *vpnpt_pptp_call_new(struct vpnpt_pptp_segment *seg,
					    enum vpnpt_pptp_call_state state,
					    u16 id)
{
	struct vpnpt_pptp_conn *conn = seg->conn;
	struct vpnpt_pptp_call *call;
	struct vpnpt_session *s;

	lockdep_assert_held(&conn->lock);
	if (conn->dead)
		return NULL;
	if (conn->ncalls >= VPNPT_PPTP_MAX_CALLS) {
		vpnpt_stats_inc(&seg->vn->stats, VPNPT_PROTO_PPTP,
				VPNPT_STAT_SESSIONS_REFUSED);
		net_info_ratelimited("PPTP: %pI4 has %u calls on one control connection, refusing more\n",
				     &conn->tuple[IP_CT_DIR_ORIGINAL].src.u3.ip,
				     conn->ncalls);
		return NULL;
	}
	call = kzalloc(sizeof(*call), VPNPT_GFP_STATE);
	s = vpnpt_session_alloc(VPNPT_PROTO_PPTP, VPNPT_GFP_STATE);
	if (!call || !s) {
		kfree(call);
		vpnpt_session_free(s);
		return NULL;
	}
	call->conn = conn;
	call->state = state;
	if (state == VPNPT_PPTP_CALL_IN_WAIT) {
		call->peer = id;
		call->have_peer = true;
	} else {
		/* Looked up by it once the outside ID is chosen. */
		call->inside = id;
	}
	refcount_inc(&conn->ref);
	list_add_tail(&call->node, &conn->calls);
	conn->ncalls++;

	s->ops = &vpnpt_pptp_session_ops;
	s->priv = call;
	s->client = vpnpt_pptp_client(conn);
	s->server = vpnpt_pptp_server(conn);
	s->public = vpnpt_pptp_public(conn);
	call->session = s;
	vpnpt_pptp_call_ids(call);
	if (vpnpt_session_insert(seg->net, s)) {
		/* Refused (counted) or no memory; the table freed @s. */
		list_del(&call->node);
		conn->ncalls--;
		refcount_dec(&conn->ref);	/* the connection holds one */
		kfree(call);
		return NULL;
	}
	return call;
}

/* The protocol ended the call: reaped once the connection is unlocked. */
void vpnpt_pptp_call_end(struct vpnpt_pptp_segment *seg,
			 struct vpnpt_pptp_call *call)
{
	lockdep_assert_held(&seg->conn->lock);
	call->end = true;
	seg->reap = true;
}

/*
 * The session table lets go of a call's session: free what the call holds.
 * Any context; no vpnpt lock held.
 */
static void vpnpt_pptp_session_destroy(struct net *net, struct vpnpt_session *s)
{
	struct vpnpt_pptp_call *call = s->priv;
	struct vpnpt_pptp_conn *conn = call->conn;

	spin_lock_bh(&conn->lock);
	list_del(&call->node);
	conn->ncalls--;
	call->session = NULL;
	spin_unlock_bh(&conn->lock);

	vpnpt_pptp_gre_release(net, call);
	vpnpt_pptp_id_free(call);
	/* GRE packets may still be reading it (pptp_gre.c). */
	kfree_rcu(call, rcu);
	vpnpt_pptp_conn_put(conn);
}

static const struct vpnpt_session_ops vpnpt_pptp_session_ops = {
	.destroy = vpnpt_pptp_session_destroy,
};

/* --- outside IDs ------------------------------------------------------- */

/*
 * Each call holds two of the kernel's conntrack expectations, which every
 * helper in the namespace shares (nf_conntrack_expect_max): a client gets a
 * share of them (docs/security.md).
 */
static unsigned int vpnpt_pptp_client_calls_param;
module_param_named(pptp_client_calls, vpnpt_pptp_client_calls_param, uint,
		   0644);
MODULE_PARM_DESC(pptp_client_calls,
		 "Most PPTP calls of one LAN client per network namespace (two conntrack expectations each); 0 (default): an eighth of the kernel's default nf_conntrack_expect_max in calls, at least 64");

/*
 * The kernel's nf_conntrack_expect_max is not exported; its default is 4
 * per expectation hash bucket (1,024 on a 2 GB router: 64 calls here).
 */
u32 vpnpt_pptp_client_calls(void)
{
	u32 n = READ_ONCE(vpnpt_pptp_client_calls_param);

	return n ?: max(64U, nf_ct_expect_hsize * 4 / 2 / 8);
}

/*
 * Random IDs tried for a call before giving up. Each try is one insertion
 * into a keyed hash table (pptp_gre.c), so a call's start takes a bounded
 * time however many calls there are; with half of the 65,535 IDs of a
 * (server, public address) in use, 64 tries all fail with probability
 * 2^-64.
 */
#define VPNPT_PPTP_ID_TRIES	64

/*
 * Choose the call's outside ID: unique for (server, public address), never
 * 0, at random. @high >= 0 restricts the choice to IDs with that high byte
 * (a field whose first byte has already left): then the 256 IDs are tried
 * in turn from a random point. The table of the server's GRE keys is what
 * keeps the IDs unique: an ID is taken by entering the call there.
 */
static int vpnpt_pptp_id_alloc(struct vpnpt_pptp_call *call, int high)
{
	bool fixed_high = high != VPNPT_PPTP_ANY_HIGH;
	u32 base = fixed_high ? (u32)high << 8 : 0;
	u32 range = fixed_high ? 256 : 65536;
	u32 tries = fixed_high ? 256 : VPNPT_PPTP_ID_TRIES;
	u32 start = get_random_u32_below(range), i;
	int err = -EBUSY;

	lockdep_assert_held(&call->conn->lock);
	/* Its key must not change while it is in the table. */
	if (WARN_ON_ONCE(call->hashed[IP_CT_DIR_REPLY]))
		return -EBUSY;
	for (i = 0; i < tries; i++) {
		u16 id = fixed_high ? base + (start + i) % range :
				      get_random_u32_below(range);

		if (!id)
			continue;
		call->outside = id;
		err = vpnpt_pptp_gre_hash(call, IP_CT_DIR_REPLY);
		if (err != -EEXIST)
			break;
		err = -EBUSY;
	}
	return err;
}

void vpnpt_pptp_id_free(struct vpnpt_pptp_call *call)
{
	vpnpt_pptp_gre_unhash(call, IP_CT_DIR_REPLY);
}

/* --- finding a call ---------------------------------------------------- */

/* The call of @conn whose @kind of Call ID is @id, if it has not ended. */
struct vpnpt_pptp_call *vpnpt_pptp_call_by_id(struct vpnpt_pptp_conn *conn,
					      enum vpnpt_pptp_id_kind kind,
					      u16 id)
{
	struct vpnpt_pptp_call *c;

	lockdep_assert_held(&conn->lock);
	list_for_each_entry(c, &conn->calls, node) {
		if (c->end)
			continue;
		switch (kind) {
		case VPNPT_PPTP_ID_INSIDE:
			if (c->have_inside && c->inside == id)
				return c;
			break;
		case VPNPT_PPTP_ID_OUTSIDE:
			if (c->have_inside && c->outside == id)
				return c;
			break;
		case VPNPT_PPTP_ID_PEER:
			if (c->have_peer && c->peer == id)
				return c;
			break;
		}
	}
	return NULL;
}

/* Give a call its inside ID and choose its outside one. */
static int vpnpt_pptp_call_set_inside(struct vpnpt_pptp_call *call,
				      u16 inside, int high)
{
	lockdep_assert_held(&call->conn->lock);
	call->inside = inside;
	if (!call->conn->nat) {
		call->outside = inside;
	} else if (vpnpt_pptp_id_alloc(call, high)) {
		net_info_ratelimited("PPTP: no free Call ID towards %pI4\n",
				     &call->conn->tuple[IP_CT_DIR_REPLY].src.u3.ip);
		return -EBUSY;
	}
	call->have_inside = true;
	vpnpt_pptp_call_ids(call);
	return 0;
}

/* --- rewriting ---------------------------------------------------------- */

/* Where sequence number @seq is in the current segment, or -1. */
static int vpnpt_pptp_seg_pos(const struct vpnpt_pptp_segment *seg, u32 seq)
{
	s32 d = (s32)(seq - seg->seq);

	return d >= 0 && (u32)d < seg->len ? d : -1;
}

/* Write one payload byte, keeping the TCP checksum right. */
static bool vpnpt_pptp_seg_write(struct vpnpt_pptp_segment *seg, int pos,
				 u8 val)
{
	u8 *p = seg->payload + pos;
	__be16 from, to;

	if (*p == val)
		return false;
	/* The checksum sums 16 bit words counted from the TCP header. */
	if ((seg->tcp_off + pos) & 1) {
		from = htons(*p);
		to = htons(val);
	} else {
		from = htons((u16)*p << 8);
		to = htons((u16)val << 8);
	}
	*p = val;
	inet_proto_csum_replace2(&seg->th->check, seg->skb, from, to, false);
	seg->mangled = true;
	return true;
}

/* Rewrite one byte of new data and remember it for retransmissions. */
static void vpnpt_pptp_rewrite_byte(struct vpnpt_pptp_segment *seg, int pos,
				    u8 val)
{
	struct vpnpt_pptp_rewrite_log *w = &seg->conn->rewritten[seg->dir];

	lockdep_assert_held(&seg->conn->lock);
	if (!vpnpt_pptp_seg_write(seg, pos, val))
		return;
	w->seq[w->next] = seg->seq + pos;
	w->val[w->next] = val;
	w->next = (w->next + 1) % VPNPT_PPTP_REWRITE_LOG_LEN;
	if (w->n < VPNPT_PPTP_REWRITE_LOG_LEN)
		w->n++;
}

/* A segment carrying bytes rewritten before gets them rewritten again. */
void vpnpt_pptp_rewrite_replay(struct vpnpt_pptp_segment *seg)
{
	const struct vpnpt_pptp_rewrite_log *w = &seg->conn->rewritten[seg->dir];
	int i, pos;

	lockdep_assert_held(&seg->conn->lock);
	for (i = 0; i < w->n; i++) {
		pos = vpnpt_pptp_seg_pos(seg, w->seq[i]);
		if (pos >= 0)
			vpnpt_pptp_seg_write(seg, pos, w->val[i]);
	}
}

/* The offset of the client's Call ID in a message going in @dir, or 0. */
static u16 vpnpt_pptp_client_id_offset(int dir, u16 type)
{
	u16 call_off, peer_off;

	vpnpt_pptp_type_fields(type, &call_off, &peer_off);
	if (dir == IP_CT_DIR_ORIGINAL)
		return type == VPNPT_PPTP_OCRQ || type == VPNPT_PPTP_ICRP ||
		       type == VPNPT_PPTP_CCRQ ? call_off : 0;
	return peer_off;
}

/*
 * The call a client-to-server message with Call ID @id is about; OCRQ and
 * ICRP start or complete one. @data holds the message's first @avail
 * bytes. @high >= 0: the field's high byte has already left as @high, so a
 * new outside ID must have it; else VPNPT_PPTP_ANY_HIGH.
 */
struct vpnpt_pptp_call *
vpnpt_pptp_call_for_client_msg(struct vpnpt_pptp_segment *seg, u16 type,
			       u16 id, const u8 *data, unsigned int avail,
			       int high)
{
	struct vpnpt_pptp_conn *conn = seg->conn;
	struct vpnpt_pptp_call *call = vpnpt_pptp_by_inside(conn, id), *c;

	lockdep_assert_held(&conn->lock);
	if (call || (type != VPNPT_PPTP_OCRQ && type != VPNPT_PPTP_ICRP))
		return call;
	if (type == VPNPT_PPTP_OCRQ) {
		call = vpnpt_pptp_call_new(seg, VPNPT_PPTP_CALL_OUT_WAIT, id);
	} else if (avail >= 16) {
		/* ICRP answers the ICRQ whose Call ID it carries as peer's. */
		call = vpnpt_pptp_by_peer(conn, vpnpt_get_be16(data + 14));
		if (call && call->have_inside)
			call = NULL;
	} else {
		/* Peer's Call ID still to come: only an unambiguous match. */
		list_for_each_entry(c, &conn->calls, node) {
			if (c->end || c->have_inside ||
			    c->state != VPNPT_PPTP_CALL_IN_WAIT)
				continue;
			if (call)
				return NULL;
			call = c;
		}
	}
	if (!call)
		return NULL;
	if (vpnpt_pptp_call_set_inside(call, id, high)) {
		vpnpt_pptp_call_end(seg, call);
		return NULL;
	}
	return call;
}

/*
 * The byte to write for the high byte of a call ID field whose low byte is
 * still to come (its first byte as sent is @high); -1 if it cannot be known.
 */
static int vpnpt_pptp_map_high_byte(struct vpnpt_pptp_segment *seg, u16 type,
				    u8 high)
{
	struct vpnpt_pptp_call *c;
	int out = -1;

	lockdep_assert_held(&seg->conn->lock);
	/* A new call gets an outside ID with the inside one's high byte. */
	if (seg->dir == IP_CT_DIR_ORIGINAL &&
	    (type == VPNPT_PPTP_OCRQ || type == VPNPT_PPTP_ICRP))
		return high;
	list_for_each_entry(c, &seg->conn->calls, node) {
		u16 from, to;

		if (c->end || !c->have_inside)
			continue;
		from = seg->dir == IP_CT_DIR_ORIGINAL ? c->inside : c->outside;
		to = seg->dir == IP_CT_DIR_ORIGINAL ? c->outside : c->inside;
		if (from >> 8 != high)
			continue;
		if (out >= 0 && out != to >> 8)
			return -1;
		out = to >> 8;
	}
	return out;
}

/*
 * Rewrite the client's Call ID in a message, in so far as the field's bytes
 * lie in the current segment. @data holds the message's first @avail bytes
 * as they arrived; @mseq is the sequence number of its first byte.
 */
void vpnpt_pptp_rewrite_msg(struct vpnpt_pptp_segment *seg, u16 type,
			    u32 mseq, const u8 *data, unsigned int avail)
{
	struct vpnpt_pptp_split_field *split = &seg->conn->split[seg->dir];
	struct vpnpt_pptp_call *call;
	u16 off = vpnpt_pptp_client_id_offset(seg->dir, type), id, to;
	int b0, b1, high = VPNPT_PPTP_ANY_HIGH;

	lockdep_assert_held(&seg->conn->lock);
	if (!off || avail <= off)
		return;
	b0 = vpnpt_pptp_seg_pos(seg, mseq + off);
	b1 = vpnpt_pptp_seg_pos(seg, mseq + off + 1);
	if (b0 < 0 && b1 < 0)
		return;

	if (avail < off + 2u) {
		/* Only the first byte is here, at the segment's end. */
		high = vpnpt_pptp_map_high_byte(seg, type, data[off]);
		if (high < 0) {
			seg->unmapped++;
			return;
		}
		vpnpt_pptp_rewrite_byte(seg, b0, high);
		split->seq = mseq + off;
		split->high = high;
		split->valid = true;
		return;
	}

	id = vpnpt_get_be16(data + off);
	if (b0 < 0) {
		/* The first byte left with the previous segment. */
		if (split->valid && split->seq == mseq + off)
			high = split->high;
		split->valid = false;
		if (high == VPNPT_PPTP_ANY_HIGH) {
			seg->unmapped++;
			return;
		}
	}
	if (seg->dir == IP_CT_DIR_ORIGINAL) {
		call = vpnpt_pptp_call_for_client_msg(seg, type, id, data,
						      avail, high);
		to = call ? call->outside : 0;
	} else {
		call = vpnpt_pptp_by_outside(seg->conn, id);
		to = call ? call->inside : 0;
	}
	if (!call || (high != VPNPT_PPTP_ANY_HIGH && to >> 8 != high)) {
		seg->unmapped++;
		return;
	}
	if (b0 >= 0)
		vpnpt_pptp_rewrite_byte(seg, b0, to >> 8);
	if (b1 >= 0)
		vpnpt_pptp_rewrite_byte(seg, b1, to & 0xff);
}

/* The incomplete message at the end of the segment, if it has a field. */
void vpnpt_pptp_rewrite_incomplete(struct vpnpt_pptp_segment *seg)
{
	const struct vpnpt_pptp_stream *st = &seg->conn->stream[seg->dir];

	lockdep_assert_held(&seg->conn->lock);
	if (!seg->conn->nat || st->state != VPNPT_PPTP_ST_SYNCED ||
	    st->have <= VPNPT_PPTP_HDR_LEN)
		return;
	vpnpt_pptp_rewrite_msg(seg, vpnpt_get_be16(st->buf + 8),
			       st->next_seq - st->have, st->buf, st->have);
}

