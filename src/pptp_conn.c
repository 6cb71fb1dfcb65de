// SPDX-License-Identifier: GPL-2.0
/*
 * PPTP passthrough: the life of what vpnpt keeps of a control connection.
 *
 * A TCP connection the helper is attached to costs vpnpt nothing until the
 * client has sent a complete, valid Start-Control-Connection-Request at the
 * start of its first segment with data (RFC 2637 3.1: the connection's
 * originator opens with it). Anything else first (junk, a bad header, a
 * message cut over segments, any other message, data from the server before
 * the client's) is counted as a parse error and the connection is left
 * alone for good: it passes as plain TCP. A connection conntrack picks up in
 * mid-stream may start with any complete, valid message, in either
 * direction. A connection that gets state counts against the namespace's caps:
 * no more control connections than max_sessions in the namespace, nor than
 * max_client_sessions per LAN client; over a cap it is refused (counted as
 * sessions_refused) and passes as plain TCP.
 */
#include <linux/jhash.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/netfilter/nf_conntrack_helper.h>

#include "netns.h"
#include "pptp_conn.h"
#include "stats.h"

unsigned int vpnpt_pptp_net_id __read_mostly;

struct vpnpt_pptp_net *vpnpt_pptp_net(const struct net *net)
{
	return net_generic(net, vpnpt_pptp_net_id);
}

/*
 * In @conn once the entry's destroy callback has run: a packet that still
 * holds the dying entry must not give it a new connection, which nothing
 * would free.
 */
#define VPNPT_PPTP_CONN_GONE	((struct vpnpt_pptp_conn *)1)
/* In @conn when the first data was not PPTP: the entry never gets one. */
#define VPNPT_PPTP_CONN_REFUSED	((struct vpnpt_pptp_conn *)2)

static bool vpnpt_pptp_conn_real(const struct vpnpt_pptp_conn *conn)
{
	return conn && conn != VPNPT_PPTP_CONN_GONE &&
	       conn != VPNPT_PPTP_CONN_REFUSED;
}

/**
 * struct vpnpt_pptp_client_count - a LAN client's control connections
 * @node: in the namespace's table (its lock)
 * @addr: the client's address
 * @conns: its connections with state
 */
struct vpnpt_pptp_client_count {
	struct hlist_node node;
	__be32 addr;
	unsigned int conns;
};

void vpnpt_pptp_net_setup(struct vpnpt_pptp_net *pn)
{
	unsigned int i;

	spin_lock_init(&pn->lock);
	pn->seed = get_random_u32();
	INIT_LIST_HEAD(&pn->conns);
	for (i = 0; i < ARRAY_SIZE(pn->clients); i++)
		INIT_HLIST_HEAD(&pn->clients[i]);
}

static struct vpnpt_pptp_ctdata *vpnpt_pptp_ctdata(const struct nf_conn *ct)
{
	struct nf_conn_help *help = nfct_help(ct);

	return help ? (struct vpnpt_pptp_ctdata *)help->data : NULL;
}

/*
 * The connection of a control conntrack entry; it stays valid until the
 * caller's RCU read-side section ends.
 */
struct vpnpt_pptp_conn *vpnpt_pptp_conn_of(const struct nf_conn *ct)
{
	struct vpnpt_pptp_ctdata *d = vpnpt_pptp_ctdata(ct);
	struct vpnpt_pptp_conn *conn;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "PPTP connection looked up outside RCU");
	if (!d)
		return NULL;
	conn = READ_ONCE(d->conn);
	return vpnpt_pptp_conn_real(conn) ? conn : NULL;
}

bool vpnpt_pptp_conn_ignored(const struct nf_conn *ct)
{
	struct vpnpt_pptp_ctdata *d = vpnpt_pptp_ctdata(ct);
	struct vpnpt_pptp_conn *conn = d ? READ_ONCE(d->conn) : NULL;

	return conn == VPNPT_PPTP_CONN_GONE || conn == VPNPT_PPTP_CONN_REFUSED;
}

/* --- caps ------------------------------------------------------------------ */

static struct hlist_head *vpnpt_pptp_client_bucket(struct vpnpt_pptp_net *pn,
						   __be32 addr)
{
	return &pn->clients[hash_32(jhash_1word((__force u32)addr, pn->seed),
				    VPNPT_PPTP_CLIENT_BITS)];
}

/*
 * Count a new connection of @conn's client, within the caps; false (the
 * connection is refused) over a cap or without memory.
 */
static bool vpnpt_pptp_conn_count(struct vpnpt_pptp_net *pn,
				  struct vpnpt_net *vn,
				  struct vpnpt_pptp_conn *conn)
{
	__be32 addr = vpnpt_pptp_client(conn);
	struct vpnpt_pptp_client_count *c;

	lockdep_assert_held(&pn->lock);
	if (pn->nconns >= vpnpt_max_sessions(vn))
		return false;
	hlist_for_each_entry(c, vpnpt_pptp_client_bucket(pn, addr), node)
		if (c->addr == addr)
			break;
	if (c && c->conns >= vpnpt_max_client_sessions(vn))
		return false;
	if (!c) {
		c = kzalloc(sizeof(*c), VPNPT_GFP_STATE);
		if (!c)
			return false;
		c->addr = addr;
		hlist_add_head(&c->node, vpnpt_pptp_client_bucket(pn, addr));
	}
	c->conns++;
	pn->nconns++;
	conn->client = c;
	list_add(&conn->node, &pn->conns);
	return true;
}

/* Take @conn off the namespace's list and counts. */
static void vpnpt_pptp_conn_uncount(struct vpnpt_pptp_net *pn,
				    struct vpnpt_pptp_conn *conn)
{
	struct vpnpt_pptp_client_count *c = conn->client;

	lockdep_assert_held(&pn->lock);
	list_del_init(&conn->node);
	pn->nconns--;
	conn->client = NULL;
	if (c && !--c->conns) {
		hlist_del(&c->node);
		kfree(c);
	}
}

/* --- the first message ---------------------------------------------------- */

/*
 * A connection conntrack picked up in mid-stream (its entry was deleted,
 * or the router restarted): conntrack marks both directions liberal then.
 */
static bool vpnpt_pptp_picked_up(const struct nf_conn *ct)
{
	return ct->proto.tcp.seen[IP_CT_DIR_ORIGINAL].flags &
	       IP_CT_TCP_FLAG_BE_LIBERAL;
}

/*
 * Whether the segment's payload begins with a complete, valid control
 * message that may come first: the client's Start-Control-Connection-Request
 * (RFC 2637 3.1), or any message of a connection picked up in mid-stream.
 */
static bool vpnpt_pptp_first_valid(const struct vpnpt_pptp_segment *seg)
{
	struct vpnpt_pptp_msg m;

	if (vpnpt_pptp_parse(seg->payload, seg->len, &m) <= 0)
		return false;
	if (vpnpt_pptp_picked_up(seg->ct))
		return true;
	return seg->dir == IP_CT_DIR_ORIGINAL && m.type == VPNPT_PPTP_SCCRQ;
}

/*
 * The first data is not PPTP: no state, ever, for this entry. Not inlined:
 * the only cmpxchg in vpnpt_pptp_conn_get() is then the one that publishes
 * a connection, which selftests/race_pptp.sh finds and holds.
 */
static noinline void vpnpt_pptp_refuse(struct vpnpt_pptp_segment *seg,
				       struct vpnpt_pptp_ctdata *d)
{
	if (cmpxchg(&d->conn, NULL, VPNPT_PPTP_CONN_REFUSED))
		return;	/* the other direction decided first */
	vpnpt_stats_inc(&seg->vn->stats, VPNPT_PROTO_PPTP,
			VPNPT_STAT_PARSE_ERRORS);
	net_dbg_ratelimited("PPTP: %pI4 did not start with a Start-Control-Connection-Request; not followed\n",
			    &seg->ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.src.u3.ip);
}

static struct vpnpt_pptp_conn *
vpnpt_pptp_conn_create(struct vpnpt_pptp_segment *seg)
{
	struct vpnpt_pptp_net *pn = vpnpt_pptp_net(seg->net);
	struct nf_conn *ct = seg->ct;
	struct vpnpt_pptp_conn *conn;
	struct mem_cgroup *old;
	int dir;

	old = vpnpt_charge_begin(seg->net);
	conn = kzalloc(sizeof(*conn), VPNPT_GFP_STATE);
	vpnpt_charge_end(old);
	if (!conn)
		return NULL;
	spin_lock_init(&conn->lock);
	refcount_set(&conn->ref, 1);
	INIT_LIST_HEAD(&conn->calls);
	INIT_LIST_HEAD(&conn->node);
	conn->net = seg->net;
	conn->zone = *nf_ct_zone(ct);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++)
		conn->tuple[dir] = ct->tuplehash[dir].tuple;
	/* This direction's stream starts at this message, the other's unknown. */
	vpnpt_pptp_stream_init_seq(&conn->stream[seg->dir], seg->seq);
	vpnpt_pptp_stream_init(&conn->stream[!seg->dir]);
	conn->nat = !!(ct->status & IPS_SRC_NAT);

	spin_lock_bh(&pn->lock);
	old = vpnpt_charge_begin(seg->net);
	if (!vpnpt_pptp_conn_count(pn, seg->vn, conn)) {
		vpnpt_charge_end(old);
		spin_unlock_bh(&pn->lock);
		kfree(conn);
		vpnpt_stats_inc(&seg->vn->stats, VPNPT_PROTO_PPTP,
				VPNPT_STAT_SESSIONS_REFUSED);
		net_info_ratelimited("PPTP: control connection of %pI4 refused: cap reached\n",
				     &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple.src.u3.ip);
		return NULL;
	}
	vpnpt_charge_end(old);
	spin_unlock_bh(&pn->lock);
	return conn;
}

struct vpnpt_pptp_conn *vpnpt_pptp_conn_get(struct vpnpt_pptp_segment *seg)
{
	struct vpnpt_pptp_ctdata *d = vpnpt_pptp_ctdata(seg->ct);
	struct vpnpt_pptp_net *pn = vpnpt_pptp_net(seg->net);
	struct vpnpt_pptp_conn *conn = READ_ONCE(d->conn), *old;

	if (conn)
		return vpnpt_pptp_conn_real(conn) ? conn : NULL;
	/* Only entries in the table get a destroy callback that frees it. */
	if (!nf_ct_is_confirmed(seg->ct) || !seg->len)
		return NULL;
	if (!vpnpt_pptp_first_valid(seg)) {
		vpnpt_pptp_refuse(seg, d);
		return NULL;
	}
	conn = vpnpt_pptp_conn_create(seg);
	if (!conn)
		return NULL;

	/*
	 * Complete, list membership included, before it is published: from
	 * the cmpxchg on, the entry's destroy callback (nf_ct_delete() calls
	 * it at once, on any CPU) may take it and drop the last reference,
	 * which takes it off the list. The list is only walked at namespace
	 * exit, so a connection that loses the race below leaves it unseen.
	 */
	old = cmpxchg(&d->conn, NULL, conn);
	if (old) {
		/* Another segment decided first, or the entry died. */
		spin_lock_bh(&pn->lock);
		vpnpt_pptp_conn_uncount(pn, conn);
		spin_unlock_bh(&pn->lock);
		kfree(conn);
		return vpnpt_pptp_conn_real(old) ? old : NULL;
	}
	return conn;
}

struct vpnpt_pptp_conn *vpnpt_pptp_conn_detach(struct nf_conn *ct)
{
	struct vpnpt_pptp_ctdata *d = vpnpt_pptp_ctdata(ct);
	struct vpnpt_pptp_conn *conn = xchg(&d->conn, VPNPT_PPTP_CONN_GONE);

	return vpnpt_pptp_conn_real(conn) ? conn : NULL;
}

void vpnpt_pptp_conn_put(struct vpnpt_pptp_conn *conn)
{
	struct vpnpt_pptp_net *pn;

	if (!refcount_dec_and_test(&conn->ref))
		return;
	pn = vpnpt_pptp_net(conn->net);
	spin_lock_bh(&pn->lock);
	vpnpt_pptp_conn_uncount(pn, conn);
	spin_unlock_bh(&pn->lock);
	kfree_rcu(conn, rcu);
}

/*
 * Namespace exit, every call gone: free the connections of entries the
 * helper was taken from at module exit.
 */
void vpnpt_pptp_conns_free(struct vpnpt_pptp_net *pn)
{
	struct vpnpt_pptp_conn *conn;

	for (;;) {
		spin_lock_bh(&pn->lock);
		conn = list_first_entry_or_null(&pn->conns,
						struct vpnpt_pptp_conn, node);
		if (conn)
			vpnpt_pptp_conn_uncount(pn, conn);
		spin_unlock_bh(&pn->lock);
		if (!conn)
			break;
		/* Only the entry's reference is left: no calls remain. */
		WARN_ON_ONCE(refcount_read(&conn->ref) != 1);
		kfree_rcu(conn, rcu);
	}
}
