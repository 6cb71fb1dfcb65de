// SPDX-License-Identifier: GPL-2.0
/*
 * PPTP passthrough (RFC 2637): the conntrack helper "vpnpt-pptp" on the TCP
 * control connection and "vpnpt-pptp-gre" on the GRE flows it expects.
 *
 * The client behind the router is the PNS: it opens the control connection
 * (the conntrack's original direction) to the server, the PAC. Each call has
 * three identifiers:
 *
 *   inside   the Call ID the client chose
 *   outside  the Call ID the server is told: equal to inside without NAT,
 *            else chosen by vpnpt, unique per (public address, server)
 *   peer     the Call ID the server chose
 *
 * Messages from the client carry its own ID in their Call ID field (OCRQ,
 * ICRP, CCRQ): inside is rewritten to outside. Messages from the server
 * carry the client's ID in their Peer's Call ID field (OCRP, ICCN, WEN, SLI):
 * outside is rewritten to inside. The server's own IDs are never changed.
 * Every message of every segment is parsed (pptp_parse.c reassembles the
 * stream), so several messages per segment and messages split over segments
 * are handled; a field whose bytes are in the segment is rewritten even when
 * the rest of its message is still to come.
 *
 * GRE data carries the receiver's Call ID as key. Conntrack's GRE tracker
 * makes the other end's ID the "source key" by looking it up in a keymap,
 * whose entries can only hang off a connection with PPTP helper data (two
 * per connection). vpnpt hangs each call's two entries off a conntrack
 * template of its own, so a control connection can carry many calls. Each
 * call also gets two permanent expectations, one per direction:
 *
 *   client -> server   (client, inside) -> (server as the client sees it, peer)
 *   server -> client   (server, peer)   -> (public address, outside)
 *
 * Whichever GRE packet comes first creates the flow; the expectation's
 * callback sets up NAT so the reply tuple is the other expectation's, and
 * GRE's own NAT rewrites the key of packets towards the client. Because the
 * expectations stay until the call ends, a GRE flow that times out during a
 * long idle call is recreated with the same translation.
 *
 * Every call is a session in the session table; its end (CDN, StopCCRQ, the
 * control connection's end, a flush, the switch going off) always goes
 * through the table, whose destroy callback frees what the call holds.
 *
 * Locking: one spinlock per control connection for its streams and calls;
 * one per namespace for the table of outside IDs, taken only when a call is
 * set up or ends. GRE packets take no vpnpt lock.
 */
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/random.h>
#include <linux/refcount.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <linux/netfilter/nf_conntrack_pptp.h>
#include <linux/netfilter/nf_conntrack_proto_gre.h>
#include <net/checksum.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <net/netfilter/nf_nat.h>

#include "filter.h"
#include "netns.h"
#include "pptp.h"
#include "pptp_parse.h"
#include "proto.h"
#include "session.h"
#include "stats.h"

#define VPNPT_PPTP_GRE_HELPER	"vpnpt-pptp-gre"
#define VPNPT_PPTP_ID_BITS	10
/* Expectations live as long as their call; this only bounds a leak. */
#define VPNPT_PPTP_EXP_TIMEOUT	(7 * 24 * 3600)

/* RFC 2637 Result Codes that mean success. */
#define VPNPT_PPTP_OCRP_CONNECTED	1
#define VPNPT_PPTP_ICRP_CONNECT		1

enum vpnpt_pptp_call_state {
	VPNPT_PPTP_CALL_OUT_WAIT,	/* OCRQ seen, waiting for OCRP */
	VPNPT_PPTP_CALL_IN_WAIT,	/* ICRQ seen, waiting for ICRP */
	VPNPT_PPTP_CALL_UP,		/* both IDs known, GRE expected */
	VPNPT_PPTP_CALL_CLOSING,	/* CCRQ seen */
};

struct vpnpt_pptp_conn;

/**
 * struct vpnpt_pptp_call - one call of a control connection
 * @node: in the connection's list (its lock)
 * @id_node: in the namespace's outside-ID table (its lock)
 * @conn: the control connection; the call holds a reference
 * @session: the call's session; set until the session's destroy callback
 * @session_id: its id (for GRE flows, which look it up)
 * @inside: the client's Call ID (host order)
 * @outside: the Call ID the server sees
 * @peer: the server's Call ID
 * @state: enum vpnpt_pptp_call_state
 * @have_inside: @inside and @outside are set
 * @have_peer: @peer is set
 * @hashed: @outside is in the namespace's table
 * @end: the protocol ended the call; reaped after the connection's lock
 * @reaping: handed to the session table for removal
 * @exp: the GRE expectations (original, reply direction), once up
 * @keymap: the template holding the call's GRE keymap entries, once up
 */
struct vpnpt_pptp_call {
	struct list_head node;
	struct hlist_node id_node;
	struct vpnpt_pptp_conn *conn;
	struct vpnpt_session *session;
	u64 session_id;
	u16 inside;
	u16 outside;
	u16 peer;
	u8 state;
	bool have_inside;
	bool have_peer;
	bool hashed;
	bool end;
	bool reaping;
	struct nf_conntrack_expect *exp[IP_CT_DIR_MAX];
	struct nf_conn *keymap;
};

/**
 * struct vpnpt_pptp_split - a call ID field cut by a segment boundary
 * @seq: sequence number of the field's first byte
 * @hi: what was written for that byte
 * @valid: a field is pending
 */
struct vpnpt_pptp_split {
	u32 seq;
	u8 hi;
	bool valid;
};

/*
 * Bytes vpnpt rewrote, by sequence number, per direction: a retransmission
 * carries the original bytes again, however TCP cuts it, and gets the same
 * rewrite from here. The most recent ones are kept; TCP only resends what
 * is not yet acknowledged. Room for two Call ID fields per call a connection
 * may carry: a client's OCRQ and CCRQ for every call, or a server's OCRP and
 * one more, all sent at once and all unacknowledged, are still rewritten
 * when they come again.
 */
#define VPNPT_PPTP_LOG	(2 * 2 * VPNPT_PPTP_MAX_CALLS)

/**
 * struct vpnpt_pptp_wlog - recently rewritten bytes of one direction
 * @seq: sequence number of each byte
 * @val: what was written there
 * @n: entries in use
 * @next: where the next entry goes
 */
struct vpnpt_pptp_wlog {
	u32 seq[VPNPT_PPTP_LOG];
	u8 val[VPNPT_PPTP_LOG];
	u16 n;
	u16 next;
};

/**
 * struct vpnpt_pptp_conn - what vpnpt keeps of one control connection
 * @lock: protects everything below but @ref and @node
 * @ref: one for the conntrack entry, one per call
 * @node: in the namespace's list of connections (its lock)
 * @rcu: freed after readers that found it through the conntrack entry
 * @net: the namespace
 * @zone: the conntrack zone of the control connection
 * @tuple: its original and reply tuples
 * @nat: its source is translated, so Call IDs are
 * @dead: the conntrack entry is gone; no new calls
 * @ncalls: calls in @calls
 * @calls: the calls
 * @split: per direction, a field cut by a segment boundary
 * @wlog: per direction, the bytes rewritten lately
 * @stream: per direction, the reassembly state
 */
struct vpnpt_pptp_conn {
	spinlock_t lock; /* see above */
	refcount_t ref;
	struct list_head node;
	struct rcu_head rcu;
	struct net *net;
	struct nf_conntrack_zone zone;
	struct nf_conntrack_tuple tuple[IP_CT_DIR_MAX];
	bool nat;
	bool dead;
	unsigned int ncalls;
	struct list_head calls;
	struct vpnpt_pptp_split split[IP_CT_DIR_MAX];
	struct vpnpt_pptp_wlog wlog[IP_CT_DIR_MAX];
	struct vpnpt_pptp_stream stream[IP_CT_DIR_MAX];
};

/*
 * The control connection's helper data. When a GRE flow whose master it is
 * dies, the conntrack core reads the master's helper data as a struct
 * nf_ct_pptp_master and frees the keymap entries it finds there: vpnpt keeps
 * those two pointers NULL (its entries hang off templates, see above).
 */
struct vpnpt_pptp_ctdata {
	struct vpnpt_pptp_conn *conn;
	u8 unused[8];
	void *core_keymap[IP_CT_DIR_MAX];
};

/*
 * In @conn once the entry's destroy callback has run: a packet that still
 * holds the dying entry must not give it a new connection, which nothing
 * would free.
 */
#define VPNPT_PPTP_CONN_GONE	((struct vpnpt_pptp_conn *)1)

/* A GRE flow's helper data: whose packets it carries. */
struct vpnpt_pptp_gredata {
	u64 session_id;
	bool reversed;	/* the flow's original direction is server to client */
};

/**
 * struct vpnpt_pptp_net - per namespace
 * @lock: protects @ids and @conns
 * @conns: control connections vpnpt follows
 * @ids: calls by (server, public address, outside ID), for choosing IDs
 * @seed: of @ids, whose keys outsiders choose (a server's address)
 */
struct vpnpt_pptp_net {
	spinlock_t lock; /* see above */
	u32 seed;
	struct list_head conns;
	struct hlist_head ids[1 << VPNPT_PPTP_ID_BITS];
};

/* What the control helper works with while it handles one segment. */
struct vpnpt_pptp_ctx {
	struct net *net;
	struct vpnpt_net *vn;
	struct nf_conn *ct;
	struct vpnpt_pptp_conn *conn;
	struct sk_buff *skb;
	struct tcphdr *th;
	u8 *payload;
	unsigned int tcp_off;	/* payload offset from the TCP header */
	unsigned int len;
	u32 seq;
	int dir;
	bool reap;
	bool mangled;
	unsigned int unmapped;
};

static unsigned int vpnpt_pptp_net_id __read_mostly;
static void vpnpt_pptp_expected(struct nf_conn *ct,
				struct nf_conntrack_expect *exp);
static bool vpnpt_pptp_stopping;
static struct nf_conntrack_helper vpnpt_pptp_helper;
static struct nf_conntrack_helper vpnpt_pptp_gre_helper;

static struct vpnpt_pptp_net *vpnpt_pptp_net(const struct net *net)
{
	return net_generic(net, vpnpt_pptp_net_id);
}

/* --- addresses of a connection ------------------------------------------- */

static __be32 vpnpt_pptp_client(const struct vpnpt_pptp_conn *conn)
{
	return conn->tuple[IP_CT_DIR_ORIGINAL].src.u3.ip;
}

static __be32 vpnpt_pptp_server(const struct vpnpt_pptp_conn *conn)
{
	return conn->tuple[IP_CT_DIR_REPLY].src.u3.ip;
}

static __be32 vpnpt_pptp_public(const struct vpnpt_pptp_conn *conn)
{
	return conn->tuple[IP_CT_DIR_REPLY].dst.u3.ip;
}

/* --- outside IDs ------------------------------------------------------------ */

static struct hlist_head *vpnpt_pptp_id_bucket(struct vpnpt_pptp_net *pn,
					       __be32 server, __be32 public,
					       u16 id)
{
	u32 h = jhash_3words((__force u32)server, (__force u32)public, id,
			     pn->seed);

	return &pn->ids[hash_32(h, VPNPT_PPTP_ID_BITS)];
}

static bool vpnpt_pptp_id_used(struct vpnpt_pptp_net *pn, __be32 server,
			       __be32 public, u16 id)
{
	struct vpnpt_pptp_call *c;

	lockdep_assert_held(&pn->lock);
	hlist_for_each_entry(c, vpnpt_pptp_id_bucket(pn, server, public, id),
			     id_node)
		if (c->outside == id && vpnpt_pptp_server(c->conn) == server &&
		    vpnpt_pptp_public(c->conn) == public)
			return true;
	return false;
}

/*
 * Random IDs tried for a call before giving up. Each try is one lookup in a
 * keyed hash, so the lock is held for a bounded time however many calls
 * there are; with half of the 65,535 IDs of a (server, public address) in
 * use, 64 tries all fail with probability 2^-64.
 */
#define VPNPT_PPTP_ID_TRIES	64

/*
 * Choose the call's outside ID: unique for (server, public address), never
 * 0, at random. @hi >= 0 restricts the choice to IDs with that high byte
 * (a field whose first byte has already left): then the 256 IDs are tried
 * in turn from a random point.
 */
static int vpnpt_pptp_id_alloc(struct vpnpt_pptp_call *call, int hi)
{
	struct vpnpt_pptp_conn *conn = call->conn;
	struct vpnpt_pptp_net *pn = vpnpt_pptp_net(conn->net);
	__be32 server = vpnpt_pptp_server(conn);
	__be32 public = vpnpt_pptp_public(conn);
	u32 base = hi >= 0 ? (u32)hi << 8 : 0;
	u32 range = hi >= 0 ? 256 : 65536;
	u32 tries = hi >= 0 ? 256 : VPNPT_PPTP_ID_TRIES;
	u32 start = get_random_u32_below(range), i;

	spin_lock_bh(&pn->lock);
	for (i = 0; i < tries; i++) {
		u16 id = hi >= 0 ? base + (start + i) % range :
				   get_random_u32_below(range);

		if (!id || vpnpt_pptp_id_used(pn, server, public, id))
			continue;
		call->outside = id;
		call->hashed = true;
		hlist_add_head(&call->id_node,
			       vpnpt_pptp_id_bucket(pn, server, public, id));
		spin_unlock_bh(&pn->lock);
		return 0;
	}
	spin_unlock_bh(&pn->lock);
	return -EBUSY;
}

static void vpnpt_pptp_id_free(struct vpnpt_pptp_call *call)
{
	struct vpnpt_pptp_net *pn = vpnpt_pptp_net(call->conn->net);

	if (!call->hashed)
		return;
	spin_lock_bh(&pn->lock);
	hlist_del(&call->id_node);
	spin_unlock_bh(&pn->lock);
	call->hashed = false;
}

/* --- connections -------------------------------------------------------- */

static void vpnpt_pptp_conn_put(struct vpnpt_pptp_conn *conn)
{
	struct vpnpt_pptp_net *pn;

	if (!refcount_dec_and_test(&conn->ref))
		return;
	pn = vpnpt_pptp_net(conn->net);
	spin_lock_bh(&pn->lock);
	list_del(&conn->node);
	spin_unlock_bh(&pn->lock);
	kfree_rcu(conn, rcu);
}

/*
 * The connection of a control conntrack entry; it stays valid until the
 * caller's RCU read-side section ends.
 */
static struct vpnpt_pptp_conn *vpnpt_pptp_conn_of(const struct nf_conn *ct)
{
	struct vpnpt_pptp_ctdata *d;
	struct nf_conn_help *help = nfct_help(ct);
	struct vpnpt_pptp_conn *conn;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "PPTP connection looked up outside RCU");
	if (!help)
		return NULL;
	d = (struct vpnpt_pptp_ctdata *)help->data;
	conn = READ_ONCE(d->conn);
	return conn == VPNPT_PPTP_CONN_GONE ? NULL : conn;
}

static struct vpnpt_pptp_conn *vpnpt_pptp_conn_get(struct nf_conn *ct)
{
	struct nf_conn_help *help = nfct_help(ct);
	struct vpnpt_pptp_ctdata *d = (struct vpnpt_pptp_ctdata *)help->data;
	struct vpnpt_pptp_conn *conn = READ_ONCE(d->conn), *old;
	struct net *net = nf_ct_net(ct);
	struct vpnpt_pptp_net *pn = vpnpt_pptp_net(net);
	int dir;

	if (conn == VPNPT_PPTP_CONN_GONE)
		return NULL;
	if (conn)
		return conn;
	/* Only entries in the table get a destroy callback that frees it. */
	if (!nf_ct_is_confirmed(ct))
		return NULL;
	conn = kzalloc(sizeof(*conn), VPNPT_GFP_STATE);
	if (!conn)
		return NULL;
	spin_lock_init(&conn->lock);
	refcount_set(&conn->ref, 1);
	INIT_LIST_HEAD(&conn->calls);
	conn->net = net;
	conn->zone = *nf_ct_zone(ct);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		conn->tuple[dir] = ct->tuplehash[dir].tuple;
		vpnpt_pptp_stream_init(&conn->stream[dir]);
	}
	conn->nat = !!(ct->status & IPS_SRC_NAT);

	/*
	 * Complete, list membership included, before it is published: from
	 * the cmpxchg on, the entry's destroy callback (nf_ct_delete() calls
	 * it at once, on any CPU) may take it and drop the last reference,
	 * which takes it off the list. The list is only walked at namespace
	 * exit, so a connection that loses the race below leaves it unseen.
	 */
	spin_lock_bh(&pn->lock);
	list_add(&conn->node, &pn->conns);
	spin_unlock_bh(&pn->lock);

	old = cmpxchg(&d->conn, NULL, conn);
	if (old) {
		/* The other direction's first segment won, or the entry died. */
		spin_lock_bh(&pn->lock);
		list_del(&conn->node);
		spin_unlock_bh(&pn->lock);
		kfree(conn);
		return old == VPNPT_PPTP_CONN_GONE ? NULL : old;
	}
	return conn;
}

/* --- calls -------------------------------------------------------------- */

static const struct vpnpt_session_ops vpnpt_pptp_session_ops;

static struct vpnpt_pptp_call *
vpnpt_pptp_find(struct vpnpt_pptp_conn *conn, int which, u16 id)
{
	struct vpnpt_pptp_call *c;

	lockdep_assert_held(&conn->lock);
	list_for_each_entry(c, &conn->calls, node) {
		if (c->end)
			continue;
		switch (which) {
		case 0:
			if (c->have_inside && c->inside == id)
				return c;
			break;
		case 1:
			if (c->have_inside && c->outside == id)
				return c;
			break;
		default:
			if (c->have_peer && c->peer == id)
				return c;
			break;
		}
	}
	return NULL;
}

#define vpnpt_pptp_by_inside(conn, id)	vpnpt_pptp_find(conn, 0, id)
#define vpnpt_pptp_by_outside(conn, id)	vpnpt_pptp_find(conn, 1, id)
#define vpnpt_pptp_by_peer(conn, id)	vpnpt_pptp_find(conn, 2, id)

/* The session's identifiers follow the call's. */
static void vpnpt_pptp_call_ids(struct vpnpt_pptp_call *call)
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
static struct vpnpt_pptp_call *vpnpt_pptp_call_new(struct vpnpt_pptp_ctx *x,
						   u8 state, u16 id)
{
	struct vpnpt_pptp_conn *conn = x->conn;
	struct vpnpt_pptp_call *call;
	struct vpnpt_session *s;

	lockdep_assert_held(&conn->lock);
	if (conn->dead)
		return NULL;
	if (conn->ncalls >= VPNPT_PPTP_MAX_CALLS) {
		vpnpt_stats_inc(&x->vn->stats, VPNPT_PROTO_PPTP,
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
		kfree(s);
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
	if (vpnpt_session_insert(x->net, s)) {
		/* Refused (counted) or no memory; the table freed @s. */
		list_del(&call->node);
		conn->ncalls--;
		refcount_dec(&conn->ref);	/* the connection holds one */
		kfree(call);
		return NULL;
	}
	call->session_id = s->id;
	return call;
}

/* Give a call its inside ID and choose its outside one. */
static int vpnpt_pptp_call_inside(struct vpnpt_pptp_call *call, u16 inside,
				  int hi)
{
	call->inside = inside;
	if (!call->conn->nat) {
		call->outside = inside;
	} else if (vpnpt_pptp_id_alloc(call, hi)) {
		net_info_ratelimited("PPTP: no free Call ID towards %pI4\n",
				     &call->conn->tuple[IP_CT_DIR_REPLY].src.u3.ip);
		return -EBUSY;
	}
	call->have_inside = true;
	vpnpt_pptp_call_ids(call);
	return 0;
}

static void vpnpt_pptp_call_end(struct vpnpt_pptp_ctx *x,
				struct vpnpt_pptp_call *call)
{
	call->end = true;
	x->reap = true;
}

/*
 * Hand the ended calls (or all of them) to the session table, which calls
 * back vpnpt_pptp_session_destroy(). Called without conn->lock (which the
 * destroy takes); the caller's RCU read-side section keeps a session found
 * under the lock valid.
 */
static void vpnpt_pptp_reap(struct vpnpt_pptp_conn *conn, bool all)
{
	struct vpnpt_pptp_call *call;
	struct vpnpt_session *s;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "PPTP calls reaped outside RCU");
	for (;;) {
		s = NULL;
		spin_lock_bh(&conn->lock);
		list_for_each_entry(call, &conn->calls, node) {
			if (call->reaping || !(all || call->end))
				continue;
			call->reaping = true;
			s = call->session;
			break;
		}
		spin_unlock_bh(&conn->lock);
		if (!s)
			return;
		vpnpt_session_remove(conn->net, s);
	}
}

static void vpnpt_pptp_gre_tuple(struct nf_conntrack_tuple *t,
				 const union nf_inet_addr *saddr, u16 skey,
				 const union nf_inet_addr *daddr, u16 dkey)
{
	memset(t, 0, sizeof(*t));
	t->src.l3num = NFPROTO_IPV4;
	t->src.u3 = *saddr;
	t->src.u.gre.key = htons(skey);
	t->dst.u3 = *daddr;
	t->dst.u.gre.key = htons(dkey);
	t->dst.protonum = IPPROTO_GRE;
	t->dst.dir = IP_CT_DIR_ORIGINAL;
}

/* The two GRE tuples of a call: the client's and the server's packets. */
static void vpnpt_pptp_gre_tuples(const struct vpnpt_pptp_call *call,
				  struct nf_conntrack_tuple *t)
{
	const struct vpnpt_pptp_conn *conn = call->conn;
	const struct nf_conntrack_tuple *o = &conn->tuple[IP_CT_DIR_ORIGINAL];
	const struct nf_conntrack_tuple *r = &conn->tuple[IP_CT_DIR_REPLY];

	vpnpt_pptp_gre_tuple(&t[0], &o->src.u3, call->inside,
			     &o->dst.u3, call->peer);
	vpnpt_pptp_gre_tuple(&t[1], &r->src.u3, call->peer,
			     &r->dst.u3, call->outside);
}

/*
 * Expect the call's GRE: keymap entries first (they give GRE packets the
 * tuples the expectations match), then both expectations. From the control
 * connection's packet.
 */
static int vpnpt_pptp_arm(struct vpnpt_pptp_ctx *x, struct vpnpt_pptp_call *call)
{
	struct nf_conntrack_tuple t[2];
	struct nf_conntrack_expect *exp[2] = {};
	struct nf_conn *km;
	int dir, err = -ENOMEM;

	lockdep_assert_held(&x->conn->lock);
	vpnpt_pptp_gre_tuples(call, t);
	km = nf_ct_tmpl_alloc(x->net, &x->conn->zone, GFP_ATOMIC);
	if (!km)
		return -ENOMEM;
	if (!nf_ct_helper_ext_add(km, GFP_ATOMIC))
		goto err;
	/* Never confirmed: keep its helper data visible all its life. */
	vpnpt_ct_ext_pin(km);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		exp[dir] = nf_ct_expect_alloc(x->ct);
		if (!exp[dir])
			goto err;
		nf_ct_expect_init(exp[dir], NF_CT_EXPECT_CLASS_DEFAULT,
				  NFPROTO_IPV4, &t[dir].src.u3, &t[dir].dst.u3,
				  IPPROTO_GRE, &t[dir].src.u.gre.key,
				  &t[dir].dst.u.gre.key);
		exp[dir]->flags = NF_CT_EXPECT_PERMANENT;
		exp[dir]->expectfn = vpnpt_pptp_expected;
		exp[dir]->dir = dir;
		vpnpt_exp_set_assign_helper(exp[dir], &vpnpt_pptp_gre_helper);
		err = nf_ct_gre_keymap_add(km, dir, &exp[dir]->tuple);
		if (err)
			goto err;
	}
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		err = nf_ct_expect_related(exp[dir], 0);
		if (err) {
			if (dir)
				nf_ct_unexpect_related(exp[0]);
			goto err;
		}
	}
	call->keymap = km;
	call->exp[0] = exp[0];
	call->exp[1] = exp[1];
	return 0;

err:
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++)
		if (exp[dir])
			nf_ct_expect_put(exp[dir]);
	nf_ct_gre_keymap_destroy(km);
	nf_ct_tmpl_free(km);
	return err;
}

static void vpnpt_pptp_call_up(struct vpnpt_pptp_ctx *x,
			       struct vpnpt_pptp_call *call)
{
	int err;

	vpnpt_pptp_call_ids(call);
	err = vpnpt_pptp_arm(x, call);
	if (err) {
		net_info_ratelimited("PPTP: cannot expect GRE of call %u from %pI4 (%d)\n",
				     call->inside,
				     &x->conn->tuple[IP_CT_DIR_ORIGINAL].src.u3.ip,
				     err);
		vpnpt_pptp_call_end(x, call);
		return;
	}
	call->state = VPNPT_PPTP_CALL_UP;
	vpnpt_session_set_state(x->net, call->session, VPNPT_SESSION_ESTABLISHED);
}

/* End a GRE flow of an ended call, found by either of its tuples. */
static void vpnpt_pptp_kill_gre(struct net *net,
				const struct nf_conntrack_zone *zone,
				const struct nf_conntrack_tuple *t)
{
	struct nf_conntrack_tuple_hash *h;
	struct nf_conn_help *help;
	struct nf_conn *ct;

	h = nf_conntrack_find_get(net, zone, t);
	if (!h)
		return;
	ct = nf_ct_tuplehash_to_ctrack(h);
	help = nfct_help(ct);
	if (help && rcu_access_pointer(help->helper) == &vpnpt_pptp_gre_helper)
		nf_ct_delete(ct, 0, 0);
	nf_ct_put(ct);
}

/*
 * The session table lets go of a call's session: free what the call holds.
 * Any context; no vpnpt lock held.
 */
static void vpnpt_pptp_session_destroy(struct net *net, struct vpnpt_session *s)
{
	struct vpnpt_pptp_call *call = s->priv;
	struct vpnpt_pptp_conn *conn = call->conn;
	struct nf_conntrack_tuple t[2];
	int dir;

	spin_lock_bh(&conn->lock);
	list_del(&call->node);
	conn->ncalls--;
	call->session = NULL;
	spin_unlock_bh(&conn->lock);

	if (call->keymap) {
		for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
			nf_ct_unexpect_related(call->exp[dir]);
			nf_ct_expect_put(call->exp[dir]);
		}
		nf_ct_gre_keymap_destroy(call->keymap);
		nf_ct_tmpl_free(call->keymap);
		vpnpt_pptp_gre_tuples(call, t);
		vpnpt_pptp_kill_gre(net, &conn->zone, &t[0]);
		vpnpt_pptp_kill_gre(net, &conn->zone, &t[1]);
	}
	vpnpt_pptp_id_free(call);
	kfree(call);
	vpnpt_pptp_conn_put(conn);
}

static const struct vpnpt_session_ops vpnpt_pptp_session_ops = {
	.destroy = vpnpt_pptp_session_destroy,
};

/* Calls idle (no GRE) for timeout-pptp are ended by the session table. */
const struct vpnpt_proto_ops vpnpt_pptp_proto = {
	.sessions = true,
};

/* --- rewriting Call IDs -------------------------------------------------- */

/* Where sequence number @seq is in the current segment, or -1. */
static int vpnpt_pptp_seg_pos(const struct vpnpt_pptp_ctx *x, u32 seq)
{
	s32 d = (s32)(seq - x->seq);

	return d >= 0 && (u32)d < x->len ? d : -1;
}

/* Write one payload byte, keeping the TCP checksum right. */
static bool vpnpt_pptp_write(struct vpnpt_pptp_ctx *x, int pos, u8 val)
{
	u8 *p = x->payload + pos;
	__be16 from, to;

	if (*p == val)
		return false;
	/* The checksum sums 16 bit words counted from the TCP header. */
	if ((x->tcp_off + pos) & 1) {
		from = htons(*p);
		to = htons(val);
	} else {
		from = htons((u16)*p << 8);
		to = htons((u16)val << 8);
	}
	*p = val;
	inet_proto_csum_replace2(&x->th->check, x->skb, from, to, false);
	x->mangled = true;
	return true;
}

/* Rewrite one byte of new data and remember it for retransmissions. */
static void vpnpt_pptp_put_byte(struct vpnpt_pptp_ctx *x, int pos, u8 val)
{
	struct vpnpt_pptp_wlog *w = &x->conn->wlog[x->dir];

	if (!vpnpt_pptp_write(x, pos, val))
		return;
	w->seq[w->next] = x->seq + pos;
	w->val[w->next] = val;
	w->next = (w->next + 1) % VPNPT_PPTP_LOG;
	if (w->n < VPNPT_PPTP_LOG)
		w->n++;
}

/* A segment carrying bytes rewritten before gets them rewritten again. */
static void vpnpt_pptp_replay(struct vpnpt_pptp_ctx *x)
{
	const struct vpnpt_pptp_wlog *w = &x->conn->wlog[x->dir];
	int i, pos;

	for (i = 0; i < w->n; i++) {
		pos = vpnpt_pptp_seg_pos(x, w->seq[i]);
		if (pos >= 0)
			vpnpt_pptp_write(x, pos, w->val[i]);
	}
}

/* Which field, if any, a message going in @dir carries for the client. */
static u16 vpnpt_pptp_client_field(int dir, u16 type)
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
 * ICRP start or complete one. @hi >= 0: the field's high byte has already
 * left as @hi, so a new outside ID must have it.
 */
static struct vpnpt_pptp_call *
vpnpt_pptp_call_for_out(struct vpnpt_pptp_ctx *x, u16 type, u16 id,
			const u8 *data, unsigned int avail, int hi)
{
	struct vpnpt_pptp_conn *conn = x->conn;
	struct vpnpt_pptp_call *call = vpnpt_pptp_by_inside(conn, id), *c;

	if (call || (type != VPNPT_PPTP_OCRQ && type != VPNPT_PPTP_ICRP))
		return call;
	if (type == VPNPT_PPTP_OCRQ) {
		call = vpnpt_pptp_call_new(x, VPNPT_PPTP_CALL_OUT_WAIT, id);
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
	if (vpnpt_pptp_call_inside(call, id, hi)) {
		vpnpt_pptp_call_end(x, call);
		return NULL;
	}
	return call;
}

/*
 * The byte to write for the high byte of a call ID field whose low byte is
 * still to come; -1 if it cannot be known.
 */
static int vpnpt_pptp_map_hi(struct vpnpt_pptp_ctx *x, u16 type, u8 hi)
{
	struct vpnpt_pptp_call *c;
	int out = -1;

	/* A new call gets an outside ID with the inside one's high byte. */
	if (x->dir == IP_CT_DIR_ORIGINAL &&
	    (type == VPNPT_PPTP_OCRQ || type == VPNPT_PPTP_ICRP))
		return hi;
	list_for_each_entry(c, &x->conn->calls, node) {
		u16 from, to;

		if (c->end || !c->have_inside)
			continue;
		from = x->dir == IP_CT_DIR_ORIGINAL ? c->inside : c->outside;
		to = x->dir == IP_CT_DIR_ORIGINAL ? c->outside : c->inside;
		if (from >> 8 != hi)
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
static void vpnpt_pptp_fix(struct vpnpt_pptp_ctx *x, u16 type, u32 mseq,
			   const u8 *data, unsigned int avail)
{
	struct vpnpt_pptp_split *split = &x->conn->split[x->dir];
	struct vpnpt_pptp_call *call;
	u16 off = vpnpt_pptp_client_field(x->dir, type), id, to;
	int b0, b1, hi = -1;

	if (!off || avail <= off)
		return;
	b0 = vpnpt_pptp_seg_pos(x, mseq + off);
	b1 = vpnpt_pptp_seg_pos(x, mseq + off + 1);
	if (b0 < 0 && b1 < 0)
		return;

	if (avail < off + 2u) {
		/* Only the first byte is here, at the segment's end. */
		hi = vpnpt_pptp_map_hi(x, type, data[off]);
		if (hi < 0) {
			x->unmapped++;
			return;
		}
		vpnpt_pptp_put_byte(x, b0, hi);
		split->seq = mseq + off;
		split->hi = hi;
		split->valid = true;
		return;
	}

	id = vpnpt_get_be16(data + off);
	if (b0 < 0) {
		/* The first byte left with the previous segment. */
		if (split->valid && split->seq == mseq + off)
			hi = split->hi;
		split->valid = false;
		if (hi < 0) {
			x->unmapped++;
			return;
		}
	}
	if (x->dir == IP_CT_DIR_ORIGINAL) {
		call = vpnpt_pptp_call_for_out(x, type, id, data, avail, hi);
		to = call ? call->outside : 0;
	} else {
		call = vpnpt_pptp_by_outside(x->conn, id);
		to = call ? call->inside : 0;
	}
	if (!call || (hi >= 0 && to >> 8 != hi)) {
		x->unmapped++;
		return;
	}
	if (b0 >= 0)
		vpnpt_pptp_put_byte(x, b0, to >> 8);
	if (b1 >= 0)
		vpnpt_pptp_put_byte(x, b1, to & 0xff);
}

/* --- the control protocol ----------------------------------------------- */

static void vpnpt_pptp_track(struct vpnpt_pptp_ctx *x,
			     const struct vpnpt_pptp_msg *m, const u8 *data)
{
	struct vpnpt_pptp_conn *conn = x->conn;
	bool orig = x->dir == IP_CT_DIR_ORIGINAL;
	struct vpnpt_pptp_call *call;

	switch (m->type) {
	case VPNPT_PPTP_OCRQ:
	case VPNPT_PPTP_ICRP:
		if (!orig)
			break;
		/* Under NAT vpnpt_pptp_fix() has already started the call. */
		call = vpnpt_pptp_call_for_out(x, m->type, m->call_id, data,
					       m->length, -1);
		if (!call || m->type == VPNPT_PPTP_OCRQ ||
		    call->state != VPNPT_PPTP_CALL_IN_WAIT)
			break;
		if (m->result_code == VPNPT_PPTP_ICRP_CONNECT)
			vpnpt_pptp_call_up(x, call);
		else
			vpnpt_pptp_call_end(x, call);
		break;
	case VPNPT_PPTP_OCRP:
		if (orig)
			break;
		call = vpnpt_pptp_by_outside(conn, m->peer_call_id);
		if (!call || call->state != VPNPT_PPTP_CALL_OUT_WAIT)
			break;
		if (m->result_code != VPNPT_PPTP_OCRP_CONNECTED) {
			vpnpt_pptp_call_end(x, call);
			break;
		}
		call->peer = m->call_id;
		call->have_peer = true;
		vpnpt_pptp_call_up(x, call);
		break;
	case VPNPT_PPTP_ICRQ:
		if (orig || vpnpt_pptp_by_peer(conn, m->call_id))
			break;
		vpnpt_pptp_call_new(x, VPNPT_PPTP_CALL_IN_WAIT, m->call_id);
		break;
	case VPNPT_PPTP_CCRQ:
		call = orig ? vpnpt_pptp_by_inside(conn, m->call_id) : NULL;
		if (call && call->state == VPNPT_PPTP_CALL_UP) {
			call->state = VPNPT_PPTP_CALL_CLOSING;
			vpnpt_session_set_state(x->net, call->session,
						VPNPT_SESSION_CLOSING);
		}
		break;
	case VPNPT_PPTP_CDN:
		/* The sender's own Call ID says which call went down. */
		call = orig ? vpnpt_pptp_by_inside(conn, m->call_id) :
			      vpnpt_pptp_by_peer(conn, m->call_id);
		if (call)
			vpnpt_pptp_call_end(x, call);
		break;
	case VPNPT_PPTP_STOPCCRQ:
	case VPNPT_PPTP_STOPCCRP:
		list_for_each_entry(call, &conn->calls, node)
			vpnpt_pptp_call_end(x, call);
		break;
	}
}

static void vpnpt_pptp_on_msg(void *arg, const struct vpnpt_pptp_event *ev)
{
	struct vpnpt_pptp_ctx *x = arg;

	/* Already seen: vpnpt_pptp_replay() rewrote it as the first time. */
	if (ev->flags & VPNPT_PPTP_EV_RETRANS)
		return;
	if (x->conn->nat)
		vpnpt_pptp_fix(x, ev->msg.type, ev->seq, ev->data,
			       ev->msg.length);
	vpnpt_pptp_track(x, &ev->msg, ev->data);
}

/* The incomplete message at the end of the segment, if it has a field. */
static void vpnpt_pptp_tail(struct vpnpt_pptp_ctx *x)
{
	const struct vpnpt_pptp_stream *st = &x->conn->stream[x->dir];

	if (!x->conn->nat || st->state != VPNPT_PPTP_ST_SYNCED ||
	    st->have <= VPNPT_PPTP_HDR_LEN)
		return;
	vpnpt_pptp_fix(x, vpnpt_get_be16(st->buf + 8), st->next_seq - st->have,
		       st->buf, st->have);
}

static int vpnpt_pptp_help(struct sk_buff *skb, unsigned int protoff,
			   struct nf_conn *ct, enum ip_conntrack_info ctinfo)
{
	struct vpnpt_pptp_ctx x = {};
	struct vpnpt_pptp_call *call;
	struct mem_cgroup *old;
	struct tcphdr _th;
	const struct tcphdr *th;
	unsigned int doff;
	int ret;

	if (READ_ONCE(vpnpt_pptp_stopping) || nf_ct_l3num(ct) != NFPROTO_IPV4)
		return NF_ACCEPT;
	if (ctinfo != IP_CT_ESTABLISHED && ctinfo != IP_CT_ESTABLISHED_REPLY)
		return NF_ACCEPT;
	th = skb_header_pointer(skb, protoff, sizeof(_th), &_th);
	if (!th)
		return NF_ACCEPT;
	doff = protoff + th->doff * 4;
	if (doff > skb->len || (doff == skb->len && !th->fin && !th->rst))
		return NF_ACCEPT;

	/* PPTP to or from the router itself, or spoofed: none of ours. */
	if (!vpnpt_ct_lan_client(skb, ct, ctinfo))
		return NF_ACCEPT;
	x.net = nf_ct_net(ct);
	x.vn = vpnpt_net(x.net);
	x.ct = ct;
	x.skb = skb;
	x.dir = CTINFO2DIR(ctinfo);
	old = vpnpt_charge_begin(x.net);
	x.conn = vpnpt_pptp_conn_get(ct);
	vpnpt_charge_end(old);
	if (!x.conn)
		return NF_ACCEPT;
	/*
	 * The payload is parsed in place: it must be linear, and writable
	 * when Call IDs are rewritten. Control segments are few and small.
	 */
	if (x.conn->nat ? skb_ensure_writable(skb, skb->len) :
			  skb_linearize(skb))
		return NF_DROP;
	x.th = (struct tcphdr *)(skb->data + protoff);
	x.payload = skb->data + doff;
	x.tcp_off = doff - protoff;
	x.len = skb->len - doff;
	x.seq = ntohl(x.th->seq);

	spin_lock_bh(&x.conn->lock);
	if (x.conn->dead) {
		spin_unlock_bh(&x.conn->lock);
		return NF_ACCEPT;
	}
	ret = VPNPT_PPTP_FEED_OK;
	/* New calls are charged to the namespace's memory cgroup. */
	old = vpnpt_charge_begin(x.net);
	if (x.conn->nat)
		vpnpt_pptp_replay(&x);
	if (x.len)
		ret = vpnpt_pptp_stream_feed(&x.conn->stream[x.dir], x.seq,
					     x.payload, x.len,
					     vpnpt_pptp_on_msg, &x);
	if (ret == VPNPT_PPTP_FEED_OK)
		vpnpt_pptp_tail(&x);
	/* Calls do not outlive their control connection (RFC 2637 2.1). */
	if (x.th->fin || x.th->rst) {
		list_for_each_entry(call, &x.conn->calls, node)
			vpnpt_pptp_call_end(&x, call);
	}
	vpnpt_charge_end(old);
	spin_unlock_bh(&x.conn->lock);

	if (x.reap)
		vpnpt_pptp_reap(x.conn, false);
	if (x.mangled && skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	if (ret < 0) {
		vpnpt_stats_inc(&x.vn->stats, VPNPT_PROTO_PPTP,
				VPNPT_STAT_PARSE_ERRORS);
		net_dbg_ratelimited("PPTP: malformed control message from %pI4: %s\n",
				    &ip_hdr(skb)->saddr, vpnpt_pptp_err_name(ret));
	}
	if (x.unmapped) {
		vpnpt_stats_add(&x.vn->stats, VPNPT_PROTO_PPTP,
				VPNPT_STAT_PARSE_ERRORS, x.unmapped);
		net_dbg_ratelimited("PPTP: Call ID for an unknown call from %pI4 passed unchanged\n",
				    &ip_hdr(skb)->saddr);
	}
	/* Bytes are missing before this segment: let TCP send them again. */
	if (ret == VPNPT_PPTP_FEED_GAP)
		return NF_DROP;
	return NF_ACCEPT;
}

/* The control connection's conntrack entry is going. */
static void vpnpt_pptp_destroy(struct nf_conn *ct)
{
	struct nf_conn_help *help = nfct_help(ct);
	struct vpnpt_pptp_ctdata *d = (struct vpnpt_pptp_ctdata *)help->data;
	struct vpnpt_pptp_conn *conn = xchg(&d->conn, VPNPT_PPTP_CONN_GONE);

	if (!conn || conn == VPNPT_PPTP_CONN_GONE)
		return;
	spin_lock_bh(&conn->lock);
	conn->dead = true;
	spin_unlock_bh(&conn->lock);
	rcu_read_lock();
	vpnpt_pptp_reap(conn, true);
	rcu_read_unlock();
	vpnpt_pptp_conn_put(conn);
}

/* --- GRE flows ------------------------------------------------------------ */

static void vpnpt_pptp_nat(struct nf_conn *ct, enum nf_nat_manip_type manip,
			   __be32 addr, int key)
{
	struct nf_nat_range2 range = {};

	range.flags = NF_NAT_RANGE_MAP_IPS;
	range.min_addr.ip = addr;
	range.max_addr.ip = addr;
	if (key >= 0) {
		range.flags |= NF_NAT_RANGE_PROTO_SPECIFIED;
		range.min_proto.gre.key = htons(key);
		range.max_proto.gre.key = htons(key);
	}
	nf_nat_setup_info(ct, &range, manip);
}

/*
 * A GRE flow starts from one of a call's expectations: tag it with the
 * call's session and translate it so its reply is the other expectation.
 * Runs on the packet path.
 */
static void vpnpt_pptp_expected(struct nf_conn *ct,
				struct nf_conntrack_expect *exp)
{
	struct nf_conn_help *help = nfct_help(ct);
	struct vpnpt_pptp_conn *conn = vpnpt_pptp_conn_of(ct->master);
	struct vpnpt_pptp_gredata *gd;
	struct vpnpt_pptp_call *call;
	bool found = false;
	u16 inside = 0, outside = 0;
	u64 id = 0;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "PPTP expectation outside RCU");
	if (!conn)
		return;
	spin_lock_bh(&conn->lock);
	list_for_each_entry(call, &conn->calls, node) {
		if (call->exp[0] == exp || call->exp[1] == exp) {
			found = true;
			inside = call->inside;
			outside = call->outside;
			id = call->session_id;
			break;
		}
	}
	spin_unlock_bh(&conn->lock);
	if (!found)
		return;
	if (help) {
		gd = (struct vpnpt_pptp_gredata *)help->data;
		gd->session_id = id;
		gd->reversed = exp->dir == IP_CT_DIR_REPLY;
	}
	if (!(ct->master->status & IPS_NAT_MASK))
		return;
	if (exp->dir == IP_CT_DIR_ORIGINAL) {
		/* Client to server: as the control connection is. */
		vpnpt_pptp_nat(ct, NF_NAT_MANIP_SRC, vpnpt_pptp_public(conn),
			       outside);
		vpnpt_pptp_nat(ct, NF_NAT_MANIP_DST, vpnpt_pptp_server(conn), -1);
	} else {
		/* Server to client: the way back. */
		vpnpt_pptp_nat(ct, NF_NAT_MANIP_SRC,
			       conn->tuple[IP_CT_DIR_ORIGINAL].dst.u3.ip, -1);
		vpnpt_pptp_nat(ct, NF_NAT_MANIP_DST, vpnpt_pptp_client(conn),
			       inside);
	}
}

/*
 * Each GRE packet of a call counts for its session. A flow whose call has
 * ended is not passed: its first packet can race with the end of the call,
 * whose teardown cannot find a flow that is not yet in the table (nor can
 * vpnpt_pptp_expected() find a call that has already gone). Such a flow is
 * never confirmed, or ends with its next packet.
 */
static int vpnpt_pptp_gre_help(struct sk_buff *skb, unsigned int protoff,
			       struct nf_conn *ct, enum ip_conntrack_info ctinfo)
{
	const struct vpnpt_pptp_gredata *gd = nfct_help_data(ct);
	struct vpnpt_session *s = NULL;

	if (gd->session_id)
		s = vpnpt_session_find_rcu(nf_ct_net(ct), gd->session_id);
	if (!s) {
		if (nf_ct_is_confirmed(ct))
			nf_ct_kill(ct);
		return NF_DROP;
	}
	vpnpt_session_seen(s, CTINFO2DIR(ctinfo) ^ gd->reversed, skb->len);
	return NF_ACCEPT;
}

/* --- registration --------------------------------------------------------- */

static const struct nf_conntrack_expect_policy vpnpt_pptp_exp_policy = {
	.max_expected = 2 * VPNPT_PPTP_MAX_CALLS,
	.timeout = VPNPT_PPTP_EXP_TIMEOUT,
};

static const struct nf_conntrack_expect_policy vpnpt_pptp_gre_policy = {
	.max_expected = 0,
	.timeout = 0,
};

/*
 * The helpers are attached by name (nft "ct helper"), never by port: their
 * tuples use port 0, so they coexist with the kernel's own "pptp" helper,
 * which claims TCP port 1723.
 */
static struct nf_conntrack_helper vpnpt_pptp_helper = {
	.name = VPNPT_HELPER_PPTP,
	.me = THIS_MODULE,
	.tuple.src.l3num = NFPROTO_IPV4,
	.tuple.dst.protonum = IPPROTO_TCP,
	.help = vpnpt_pptp_help,
	.destroy = vpnpt_pptp_destroy,
	.expect_policy = &vpnpt_pptp_exp_policy,
	.expect_class_max = NF_CT_EXPECT_CLASS_DEFAULT,
	.data_len = sizeof(struct vpnpt_pptp_ctdata),
};

static struct nf_conntrack_helper vpnpt_pptp_gre_helper = {
	.name = VPNPT_PPTP_GRE_HELPER,
	.me = THIS_MODULE,
	.tuple.src.l3num = NFPROTO_IPV4,
	.tuple.dst.protonum = IPPROTO_GRE,
	.help = vpnpt_pptp_gre_help,
	.expect_policy = &vpnpt_pptp_gre_policy,
	.data_len = sizeof(struct vpnpt_pptp_gredata),
};

/* `ct helper ... type "vpnpt-pptp"` loads the module on demand. */
MODULE_ALIAS_NFCT_HELPER(VPNPT_HELPER_PPTP);
MODULE_ALIAS_NFCT_HELPER(VPNPT_PPTP_GRE_HELPER);

static int __net_init vpnpt_pptp_net_init(struct net *net)
{
	struct vpnpt_pptp_net *pn = vpnpt_pptp_net(net);
	unsigned int i;

	spin_lock_init(&pn->lock);
	pn->seed = get_random_u32();
	INIT_LIST_HEAD(&pn->conns);
	for (i = 0; i < ARRAY_SIZE(pn->ids); i++)
		INIT_HLIST_HEAD(&pn->ids[i]);
	return 0;
}

static int vpnpt_pptp_ours(struct nf_conn *ct, void *data)
{
	struct nf_conn_help *help = nfct_help(ct);

	return help && rcu_access_pointer(help->helper) == &vpnpt_pptp_helper;
}

/*
 * A namespace goes, or the module: end the control connections vpnpt still
 * helps (their destroy callbacks end the calls), then what is left: calls
 * and connections of entries the helper was taken from at module exit.
 */
static void __net_exit vpnpt_pptp_net_exit(struct net *net)
{
	struct vpnpt_pptp_net *pn = vpnpt_pptp_net(net);
	struct vpnpt_pptp_conn *conn;

	vpnpt_ct_iterate_cleanup_net(net, vpnpt_pptp_ours, NULL);
	vpnpt_sessions_flush(net, BIT(VPNPT_PROTO_PPTP));
	for (;;) {
		spin_lock_bh(&pn->lock);
		conn = list_first_entry_or_null(&pn->conns,
						struct vpnpt_pptp_conn, node);
		if (conn)
			list_del_init(&conn->node);
		spin_unlock_bh(&pn->lock);
		if (!conn)
			break;
		/* Only the entry's reference is left: no calls remain. */
		WARN_ON_ONCE(refcount_read(&conn->ref) != 1);
		kfree_rcu(conn, rcu);
	}
}

static struct pernet_operations vpnpt_pptp_net_ops = {
	.init = vpnpt_pptp_net_init,
	.exit = vpnpt_pptp_net_exit,
	.id = &vpnpt_pptp_net_id,
	.size = sizeof(struct vpnpt_pptp_net),
};

int vpnpt_pptp_init(void)
{
	int err;

	BUILD_BUG_ON(offsetof(struct vpnpt_pptp_ctdata, core_keymap) !=
		     offsetof(struct nf_ct_pptp_master, keymap));
	BUILD_BUG_ON(sizeof(struct vpnpt_pptp_ctdata) >
		     sizeof_field(struct nf_conn_help, data));
	BUILD_BUG_ON(sizeof(struct vpnpt_pptp_gredata) >
		     sizeof_field(struct nf_conn_help, data));

	err = register_pernet_subsys(&vpnpt_pptp_net_ops);
	if (err)
		return err;
	err = nf_conntrack_helper_register(&vpnpt_pptp_gre_helper);
	if (err)
		goto err_pernet;
	err = nf_conntrack_helper_register(&vpnpt_pptp_helper);
	if (err)
		goto err_gre;
	return 0;

err_gre:
	nf_conntrack_helper_unregister(&vpnpt_pptp_gre_helper);
err_pernet:
	unregister_pernet_subsys(&vpnpt_pptp_net_ops);
	return err;
}

void vpnpt_pptp_exit(void)
{
	/* No segment starts new work; those in flight finish. */
	WRITE_ONCE(vpnpt_pptp_stopping, true);
	synchronize_rcu();
	nf_conntrack_helper_unregister(&vpnpt_pptp_helper);
	nf_conntrack_helper_unregister(&vpnpt_pptp_gre_helper);
	synchronize_rcu();
	unregister_pernet_subsys(&vpnpt_pptp_net_ops);
}
