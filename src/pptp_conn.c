// SPDX-License-Identifier: GPL-2.0
/*
 * PPTP passthrough: the life of what vpnpt keeps of a control connection,
 * from the first segment of its conntrack entry that the helper sees to the
 * entry's end.
 */
#include <linux/slab.h>
#include <net/netfilter/nf_conntrack_helper.h>

#include "netns.h"
#include "pptp_conn.h"

/*
 * In @conn once the entry's destroy callback has run: a packet that still
 * holds the dying entry must not give it a new connection, which nothing
 * would free.
 */
#define VPNPT_PPTP_CONN_GONE	((struct vpnpt_pptp_conn *)1)

static bool vpnpt_pptp_conn_real(const struct vpnpt_pptp_conn *conn)
{
	return conn && conn != VPNPT_PPTP_CONN_GONE;
}

void vpnpt_pptp_net_setup(struct vpnpt_pptp_net *pn)
{
	unsigned int i;

	spin_lock_init(&pn->lock);
	pn->seed = get_random_u32();
	INIT_LIST_HEAD(&pn->conns);
	for (i = 0; i < ARRAY_SIZE(pn->ids); i++)
		INIT_HLIST_HEAD(&pn->ids[i]);
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

	return conn == VPNPT_PPTP_CONN_GONE;
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
	conn->net = seg->net;
	conn->zone = *nf_ct_zone(ct);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		conn->tuple[dir] = ct->tuplehash[dir].tuple;
		vpnpt_pptp_stream_init(&conn->stream[dir]);
	}
	conn->nat = !!(ct->status & IPS_SRC_NAT);

	spin_lock_bh(&pn->lock);
	list_add(&conn->node, &pn->conns);
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
	if (!nf_ct_is_confirmed(seg->ct))
		return NULL;
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
		/* The other direction's first segment won, or the entry died. */
		spin_lock_bh(&pn->lock);
		list_del(&conn->node);
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
	list_del(&conn->node);
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
			list_del_init(&conn->node);
		spin_unlock_bh(&pn->lock);
		if (!conn)
			break;
		/* Only the entry's reference is left: no calls remain. */
		WARN_ON_ONCE(refcount_read(&conn->ref) != 1);
		kfree_rcu(conn, rcu);
	}
}
