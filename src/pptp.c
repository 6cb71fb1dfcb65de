// SPDX-License-Identifier: GPL-2.0
/*
 * PPTP passthrough (RFC 2637): the conntrack helper "vpnpt-pptp" on the TCP
 * control connection, and the calls it follows.
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
 * Every message of every segment is parsed (pptp_parse.c reassembles the
 * stream), so several messages per segment and messages split over segments
 * are handled. This file follows the messages and the calls' states; the
 * files beside it do the rest:
 *
 *   pptp_conn.c    what vpnpt keeps of a control connection: created only by
 *                  a valid first message, within the caps
 *   pptp_callid.c  Call ID NAT: outside IDs, rewriting, retransmissions
 *   pptp_gre.c     the calls' GRE flows: expectations, keymap, GRE helper
 *
 * Every call is a session in the session table; its end (CDN, StopCCRQ, the
 * control connection's end, a flush, the switch going off) always goes
 * through the table, whose destroy callback frees what the call holds.
 *
 * Locking: one spinlock per control connection for its streams and calls;
 * one per namespace for the list and counts of connections and of calls
 * up, taken only when a connection or call starts or ends. GRE packets
 * take none (pptp_gre.c).
 */
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <linux/netfilter/nf_conntrack_pptp.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_helper.h>

#include "filter.h"
#include "netns.h"
#include "pptp.h"
#include "pptp_callid.h"
#include "pptp_conn.h"
#include "pptp_gre.h"
#include "pptp_parse.h"
#include "proto.h"
#include "session.h"
#include "stats.h"

/* Expectations live as long as their call; this only bounds a leak. */
#define VPNPT_PPTP_EXP_TIMEOUT	(7 * 24 * 3600)

/* RFC 2637 Result Codes that mean success. */
#define VPNPT_PPTP_OCRP_CONNECTED	1
#define VPNPT_PPTP_ICRP_CONNECT		1

static bool vpnpt_pptp_stopping;

/* --- calls -------------------------------------------------------------- */

/*
 * Hand the ended calls (or all of them) to the session table, which calls
 * back vpnpt_pptp_session_destroy() (pptp_callid.c). Called without conn->lock (which the
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

static void vpnpt_pptp_call_up(struct vpnpt_pptp_segment *seg,
			       struct vpnpt_pptp_call *call)
{
	int err;

	lockdep_assert_held(&seg->conn->lock);
	vpnpt_pptp_call_ids(call);
	err = vpnpt_pptp_gre_expect(seg, call);
	if (err) {
		net_info_ratelimited("PPTP: cannot expect GRE of call %u from %pI4 (%d)\n",
				     call->inside,
				     &seg->conn->tuple[IP_CT_DIR_ORIGINAL].src.u3.ip,
				     err);
		vpnpt_pptp_call_end(seg, call);
		return;
	}
	call->state = VPNPT_PPTP_CALL_UP;
	vpnpt_session_set_state(seg->net, call->session,
				VPNPT_SESSION_ESTABLISHED);
}

/* Calls idle (no GRE) for timeout-pptp are ended by the session table. */
static struct nf_conntrack_helper vpnpt_pptp_helper;

const struct vpnpt_proto_ops vpnpt_pptp_proto = {
	.sessions = true,
	.client_max = vpnpt_pptp_client_calls,
	.helper = &vpnpt_pptp_helper,
	.port = VPNPT_PORT_PPTP,
};

/* --- the control protocol ----------------------------------------------- */

/* Follow a control message: calls start, come up and end. */
static void vpnpt_pptp_follow_msg(struct vpnpt_pptp_segment *seg,
				  const struct vpnpt_pptp_msg *m,
				  const u8 *data)
{
	struct vpnpt_pptp_conn *conn = seg->conn;
	bool orig = seg->dir == IP_CT_DIR_ORIGINAL;
	struct vpnpt_pptp_call *call;

	lockdep_assert_held(&conn->lock);
	switch (m->type) {
	case VPNPT_PPTP_OCRQ:
	case VPNPT_PPTP_ICRP:
		if (!orig)
			break;
		/* Under NAT vpnpt_pptp_rewrite_msg() has started the call. */
		call = vpnpt_pptp_call_for_client_msg(seg, m->type, m->call_id,
						      data, m->length,
						      VPNPT_PPTP_ANY_HIGH);
		if (!call || m->type == VPNPT_PPTP_OCRQ ||
		    call->state != VPNPT_PPTP_CALL_IN_WAIT)
			break;
		if (m->result_code == VPNPT_PPTP_ICRP_CONNECT)
			vpnpt_pptp_call_up(seg, call);
		else
			vpnpt_pptp_call_end(seg, call);
		break;
	case VPNPT_PPTP_OCRP:
		if (orig)
			break;
		call = vpnpt_pptp_by_outside(conn, m->peer_call_id);
		if (!call || call->state != VPNPT_PPTP_CALL_OUT_WAIT)
			break;
		if (m->result_code != VPNPT_PPTP_OCRP_CONNECTED) {
			vpnpt_pptp_call_end(seg, call);
			break;
		}
		/* Read by GRE packets of the server's key (pptp_gre.c). */
		WRITE_ONCE(call->peer, m->call_id);
		call->have_peer = true;
		vpnpt_pptp_call_up(seg, call);
		break;
	case VPNPT_PPTP_ICRQ:
		if (orig || vpnpt_pptp_by_peer(conn, m->call_id))
			break;
		vpnpt_pptp_call_new(seg, VPNPT_PPTP_CALL_IN_WAIT, m->call_id);
		break;
	case VPNPT_PPTP_CCRQ:
		call = orig ? vpnpt_pptp_by_inside(conn, m->call_id) : NULL;
		if (call && call->state == VPNPT_PPTP_CALL_UP) {
			call->state = VPNPT_PPTP_CALL_CLOSING;
			vpnpt_session_set_state(seg->net, call->session,
						VPNPT_SESSION_CLOSING);
		}
		break;
	case VPNPT_PPTP_CDN:
		/* The sender's own Call ID says which call went down. */
		call = orig ? vpnpt_pptp_by_inside(conn, m->call_id) :
			      vpnpt_pptp_by_peer(conn, m->call_id);
		if (call)
			vpnpt_pptp_call_end(seg, call);
		break;
	case VPNPT_PPTP_STOPCCRQ:
	case VPNPT_PPTP_STOPCCRP:
		list_for_each_entry(call, &conn->calls, node)
			vpnpt_pptp_call_end(seg, call);
		break;
	}
}

static void vpnpt_pptp_on_msg(void *arg, const struct vpnpt_pptp_event *ev)
{
	struct vpnpt_pptp_segment *seg = arg;

	/* Already seen: vpnpt_pptp_rewrite_replay() rewrote it as before. */
	if (ev->flags & VPNPT_PPTP_EV_RETRANS)
		return;
	if (seg->conn->nat)
		vpnpt_pptp_rewrite_msg(seg, ev->msg.type, ev->seq, ev->data,
				       ev->msg.length);
	vpnpt_pptp_follow_msg(seg, &ev->msg, ev->data);
}

static int vpnpt_pptp_help(struct sk_buff *skb, unsigned int protoff,
			   struct nf_conn *ct, enum ip_conntrack_info ctinfo)
{
	struct vpnpt_pptp_segment seg = {};
	struct vpnpt_pptp_call *call;
	struct mem_cgroup *old;
	struct tcphdr _th;
	const struct tcphdr *th;
	unsigned int doff;
	int ret;

	seg.net = nf_ct_net(ct);
	seg.vn = vpnpt_net(seg.net);
	vpnpt_count_forwarded(skb, ct, seg.vn, VPNPT_PROTO_PPTP);
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
	/* Its first data was not PPTP: plain TCP from then on. */
	if (vpnpt_pptp_conn_ignored(ct))
		return NF_ACCEPT;
	/*
	 * The payload is parsed in place: it must be linear, and writable
	 * when Call IDs are rewritten. Control segments are few and small.
	 */
	if (ct->status & IPS_SRC_NAT ? skb_ensure_writable(skb, skb->len) :
				       skb_linearize(skb))
		return NF_DROP;
	seg.ct = ct;
	seg.skb = skb;
	seg.dir = CTINFO2DIR(ctinfo);
	seg.th = (struct tcphdr *)(skb->data + protoff);
	seg.payload = skb->data + doff;
	seg.tcp_off = doff - protoff;
	seg.len = skb->len - doff;
	seg.seq = ntohl(seg.th->seq);
	seg.conn = vpnpt_pptp_conn_get(&seg);
	if (!seg.conn)
		return NF_ACCEPT;

	spin_lock_bh(&seg.conn->lock);
	if (seg.conn->dead) {
		spin_unlock_bh(&seg.conn->lock);
		return NF_ACCEPT;
	}
	ret = VPNPT_PPTP_FEED_OK;
	/* New calls are charged to the namespace's memory cgroup. */
	old = vpnpt_charge_begin(seg.net);
	if (seg.conn->nat)
		vpnpt_pptp_rewrite_replay(&seg);
	if (seg.len)
		ret = vpnpt_pptp_stream_feed(&seg.conn->stream[seg.dir],
					     seg.seq, seg.payload, seg.len,
					     vpnpt_pptp_on_msg, &seg);
	if (ret == VPNPT_PPTP_FEED_OK)
		vpnpt_pptp_rewrite_incomplete(&seg);
	/* Calls do not outlive their control connection (RFC 2637 2.1). */
	if (seg.th->fin || seg.th->rst) {
		list_for_each_entry(call, &seg.conn->calls, node)
			vpnpt_pptp_call_end(&seg, call);
	}
	vpnpt_charge_end(old);
	spin_unlock_bh(&seg.conn->lock);

	if (seg.reap)
		vpnpt_pptp_reap(seg.conn, false);
	if (seg.mangled && skb->ip_summed == CHECKSUM_COMPLETE)
		skb->ip_summed = CHECKSUM_NONE;
	if (ret < 0) {
		vpnpt_stats_inc(&seg.vn->stats, VPNPT_PROTO_PPTP,
				VPNPT_STAT_PARSE_ERRORS);
		net_dbg_ratelimited("PPTP: malformed control message from %pI4: %s\n",
				    &ip_hdr(skb)->saddr, vpnpt_pptp_err_name(ret));
	}
	if (seg.unmapped) {
		vpnpt_stats_add(&seg.vn->stats, VPNPT_PROTO_PPTP,
				VPNPT_STAT_PARSE_ERRORS, seg.unmapped);
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
	struct vpnpt_pptp_conn *conn = vpnpt_pptp_conn_detach(ct);

	if (!conn)
		return;
	spin_lock_bh(&conn->lock);
	conn->dead = true;
	spin_unlock_bh(&conn->lock);
	rcu_read_lock();
	vpnpt_pptp_reap(conn, true);
	rcu_read_unlock();
	vpnpt_pptp_conn_put(conn);
}

/* --- registration --------------------------------------------------------- */

static const struct nf_conntrack_expect_policy vpnpt_pptp_exp_policy = {
	.max_expected = 2 * VPNPT_PPTP_MAX_CALLS,
	.timeout = VPNPT_PPTP_EXP_TIMEOUT,
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

/* `ct helper ... type "vpnpt-pptp"` loads the module on demand. */
MODULE_ALIAS_NFCT_HELPER(VPNPT_HELPER_PPTP);

static int __net_init vpnpt_pptp_net_init(struct net *net)
{
	vpnpt_pptp_net_setup(vpnpt_pptp_net(net));
	return vpnpt_pptp_gre_net_init(net, vpnpt_pptp_net(net));
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
	vpnpt_ct_iterate_cleanup_net(net, vpnpt_pptp_ours, NULL);
	vpnpt_sessions_flush(net, BIT(VPNPT_PROTO_PPTP));
	vpnpt_pptp_conns_free(vpnpt_pptp_net(net));
	vpnpt_pptp_gre_net_exit(vpnpt_pptp_net(net));
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

	err = register_pernet_subsys(&vpnpt_pptp_net_ops);
	if (err)
		return err;
	err = vpnpt_pptp_gre_init();
	if (err)
		goto err_pernet;
	err = nf_conntrack_helper_register(&vpnpt_pptp_helper);
	if (err)
		goto err_gre;
	return 0;

err_gre:
	vpnpt_pptp_gre_exit();
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
	vpnpt_pptp_gre_exit();
	synchronize_rcu();
	unregister_pernet_subsys(&vpnpt_pptp_net_ops);
}
