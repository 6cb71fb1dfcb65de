// SPDX-License-Identifier: GPL-2.0
/*
 * L2TP passthrough (RFC 2661, L2TPv2 over UDP 1701).
 *
 * The "vpnpt-l2tp" conntrack helper is attached (by an nft "ct helper" rule)
 * to each new UDP flow to port 1701 from the LAN: the master. It reads the
 * L2TP header of every packet of the flow with the pure parser:
 *
 *  - an SCCRQ from the client opens a tunnel, keyed by the client's
 *    Assigned Tunnel ID, shown as a session; and it sets up an expectation
 *    for the server's reply from another source port (RFC 2661 8.1): from
 *    the server's address, any port, to the public address and port the
 *    server saw. When it is hit, the new flow is mapped back to the client
 *    (vpnpt_l2tp_expected()) and carries the helper too; both sides then
 *    stay on the ports they chose;
 *  - the server's SCCRP makes the session established, tells the server's
 *    tunnel ID and which flow carries the tunnel from now on;
 *  - StopCCN, the end of the carrying flow or idleness ends the session;
 *  - every other message is counted to its tunnel.
 *
 * Tunnels live in a per-namespace hash keyed by (client, server); the few
 * tunnels of one client to one server share a chain, told apart by tunnel
 * ID. Writers take the namespace's lock, the packet path only RCU. The
 * session table owns each tunnel's session: every way a tunnel ends goes
 * through vpnpt_l2tp_session_destroy(), which unlinks the tunnel.
 */
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <net/netfilter/nf_nat.h>

#include "filter.h"
#include "l2tp.h"
#include "l2tp_parse.h"
#include "netns.h"
#include "proto.h"
#include "session.h"

#define VPNPT_L2TP_HASH_BITS	8
/* How long the server has to answer an SCCRQ from another port. */
#define VPNPT_L2TP_EXPECT_TIMEOUT	60

/* What the helper keeps in a connection's helper data. */
struct vpnpt_l2tp_ct {
	/* The server opened this flow: it is the expected one, from a new port. */
	u8 server_orig;
};

/**
 * struct vpnpt_l2tp_tunnel - one L2TP tunnel of a LAN client
 * @node: in the namespace's hash, by (@client, @server)
 * @rcu: for freeing after readers are done
 * @s: its session (owned by the session table)
 * @client: the LAN client's address
 * @server: the server's address
 * @zone: conntrack zone of the flows
 * @tuple: original tuple of the flow that carries the tunnel: the master
 *	until the server's SCCRP arrives on the expected flow
 * @tid: the client's tunnel ID (its Assigned Tunnel ID in SCCRQ)
 * @ptid: the server's tunnel ID (from SCCRP), 0 until then
 * @closing: ended by this file (StopCCN, flow gone, idle): the flow is left
 *	alone; otherwise (flush, switch off) the carrying flow is deleted too
 *
 * @client, @server, @zone and @tid never change; @tuple, @ptid and @closing
 * are written under the namespace's lock, and @tuple (several words) is
 * only read under it.
 */
struct vpnpt_l2tp_tunnel {
	struct hlist_node node;
	struct rcu_head rcu;
	struct vpnpt_session *s;
	__be32 client;
	__be32 server;
	struct nf_conntrack_zone zone;
	struct nf_conntrack_tuple tuple;
	u16 tid;
	u16 ptid;
	bool closing;
};

/**
 * struct vpnpt_l2tp_net - the tunnels of one namespace
 * @lock: serialises writers; readers use RCU
 * @hash: tunnels by (client, server)
 * @count: tunnels in @hash
 * @dying: the namespace or the module is going: no new tunnels, and no
 *	conntrack entries deleted when sessions go
 */
struct vpnpt_l2tp_net {
	spinlock_t lock; /* writers */
	struct hlist_head hash[1 << VPNPT_L2TP_HASH_BITS];
	unsigned int count;
	bool dying;
};

/* A packet's flow, seen from the tunnel's ends. */
struct vpnpt_l2tp_flow {
	__be32 client;
	__be32 server;
	__be32 public;
	bool from_client;
};

static unsigned int vpnpt_l2tp_net_id __read_mostly;
static u32 vpnpt_l2tp_seed __read_mostly;
static struct nf_conntrack_helper vpnpt_l2tp_helper;

static struct vpnpt_l2tp_net *vpnpt_l2tp_net(const struct net *net)
{
	return net_generic(net, vpnpt_l2tp_net_id);
}

static struct hlist_head *vpnpt_l2tp_bucket(struct vpnpt_l2tp_net *ln,
					    __be32 client, __be32 server)
{
	u32 h = jhash_2words((__force u32)client, (__force u32)server,
			     vpnpt_l2tp_seed);

	return &ln->hash[hash_32(h, VPNPT_L2TP_HASH_BITS)];
}

static bool vpnpt_l2tp_server_orig(const struct nf_conn *ct)
{
	const struct nf_conn_help *help = nfct_help(ct);

	return help && ((const struct vpnpt_l2tp_ct *)help->data)->server_orig;
}

/*
 * The master's original direction goes from the client to the server; the
 * expected flow's from the server to the client's public address.
 */
static void vpnpt_l2tp_flow_of(const struct nf_conn *ct,
			       enum ip_conntrack_dir dir,
			       struct vpnpt_l2tp_flow *f)
{
	const struct nf_conntrack_tuple *o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	const struct nf_conntrack_tuple *r = &ct->tuplehash[IP_CT_DIR_REPLY].tuple;

	if (vpnpt_l2tp_server_orig(ct)) {
		f->client = r->src.u3.ip;
		f->server = o->src.u3.ip;
		f->public = o->dst.u3.ip;
		f->from_client = dir == IP_CT_DIR_REPLY;
	} else {
		f->client = o->src.u3.ip;
		f->server = o->dst.u3.ip;
		f->public = r->dst.u3.ip;
		f->from_client = dir == IP_CT_DIR_ORIGINAL;
	}
}

/*
 * The tunnel of (client, server, zone) with the client's tunnel ID @tid, or
 * if @tid is 0 the server's tunnel ID @ptid.
 */
static struct vpnpt_l2tp_tunnel *
vpnpt_l2tp_find(struct vpnpt_l2tp_net *ln, const struct vpnpt_l2tp_flow *f,
		u16 zone_id, u16 tid, u16 ptid)
{
	struct vpnpt_l2tp_tunnel *t;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held() && !lockdep_is_held(&ln->lock),
			 "L2TP tunnel looked up outside RCU and the lock");
	hlist_for_each_entry_rcu(t, vpnpt_l2tp_bucket(ln, f->client, f->server),
				 node, lockdep_is_held(&ln->lock)) {
		if (t->client != f->client || t->server != f->server ||
		    t->zone.id != zone_id)
			continue;
		if (tid ? t->tid == tid : READ_ONCE(t->ptid) == ptid)
			return t;
	}
	return NULL;
}

/*
 * The tunnel a message belongs to. From the server, the header carries the
 * client's tunnel ID; from the client, the server's, or 0 before the
 * client knows it (SCCRQ, an early StopCCN), when the message's Assigned
 * Tunnel ID names the client's.
 */
static struct vpnpt_l2tp_tunnel *
vpnpt_l2tp_find_msg(struct vpnpt_l2tp_net *ln, const struct vpnpt_l2tp_flow *f,
		    u16 zone_id, const struct vpnpt_l2tp_hdr *h,
		    const struct vpnpt_l2tp_ctrl *c)
{
	if (!f->from_client)
		return h->tunnel_id ?
			vpnpt_l2tp_find(ln, f, zone_id, h->tunnel_id, 0) : NULL;
	if (h->tunnel_id)
		return vpnpt_l2tp_find(ln, f, zone_id, 0, h->tunnel_id);
	if (c && c->tunnel_id_present)
		return vpnpt_l2tp_find(ln, f, zone_id, c->assigned_tunnel_id, 0);
	return NULL;
}

/* Called by the session table, once, whatever ends the session. */
static void vpnpt_l2tp_session_destroy(struct net *net, struct vpnpt_session *s)
{
	struct vpnpt_l2tp_net *ln = vpnpt_l2tp_net(net);
	struct vpnpt_l2tp_tunnel *t, *found = NULL;
	struct nf_conntrack_tuple_hash *h;
	struct nf_conntrack_tuple tuple;
	bool kill;

	spin_lock_bh(&ln->lock);
	hlist_for_each_entry(t, vpnpt_l2tp_bucket(ln, s->client, s->server),
			     node) {
		if (t->s == s) {
			hlist_del_rcu(&t->node);
			ln->count--;
			found = t;
			break;
		}
	}
	/* Idle or evicted (the table ended it): the flow ends by itself. */
	kill = found && !found->closing && !s->expired && !ln->dying;
	/* An SCCRP handled on another CPU may still rewrite it. */
	if (kill)
		tuple = found->tuple;
	spin_unlock_bh(&ln->lock);
	if (!found)
		return;

	/*
	 * Flushed or switched off: the flow that carries the tunnel goes too,
	 * even when it has no well-known port that the teardown would match.
	 */
	if (kill) {
		h = nf_conntrack_find_get(net, &found->zone, &tuple);
		if (h) {
			struct nf_conn *ct = nf_ct_tuplehash_to_ctrack(h);

			nf_ct_kill(ct);
			nf_ct_put(ct);
		}
	}
	kfree_rcu(found, rcu);
}

static const struct vpnpt_session_ops vpnpt_l2tp_session_ops = {
	.destroy = vpnpt_l2tp_session_destroy,
};

/* End a tunnel from here; RCU keeps @t valid after its session went. */
static void vpnpt_l2tp_end(struct net *net, struct vpnpt_l2tp_tunnel *t)
{
	struct vpnpt_l2tp_net *ln = vpnpt_l2tp_net(net);

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "L2TP tunnel ended outside RCU");
	spin_lock_bh(&ln->lock);
	t->closing = true;
	spin_unlock_bh(&ln->lock);
	vpnpt_session_remove(net, t->s);
}

/*
 * The tunnel the client's SCCRQ opens, created if new. Returns NULL when it
 * is refused (cap, memory, namespace going), with the error in *@err.
 */
static struct vpnpt_l2tp_tunnel *
vpnpt_l2tp_open(struct net *net, const struct nf_conn *ct,
		const struct vpnpt_l2tp_flow *f, u16 tid, int *err)
{
	struct vpnpt_l2tp_net *ln = vpnpt_l2tp_net(net);
	const struct nf_conntrack_zone *zone = nf_ct_zone(ct);
	struct vpnpt_l2tp_tunnel *t;
	struct vpnpt_session *s;

	*err = 0;
	spin_lock_bh(&ln->lock);
	t = vpnpt_l2tp_find(ln, f, zone->id, tid, 0);
	if (t || ln->dying) {
		*err = t ? 0 : -ESHUTDOWN;
		goto out;
	}
	*err = -ENOMEM;
	t = kzalloc(sizeof(*t), VPNPT_GFP_STATE);
	s = vpnpt_session_alloc(VPNPT_PROTO_L2TP, VPNPT_GFP_STATE);
	if (!t || !s) {
		kfree(t);
		vpnpt_session_free(s);
		t = NULL;
		goto out;
	}
	t->client = f->client;
	t->server = f->server;
	t->zone = *zone;
	t->tuple = ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	t->tid = tid;
	t->s = s;
	s->ops = &vpnpt_l2tp_session_ops;
	s->client = f->client;
	s->server = f->server;
	s->public = f->public;
	s->ids.l2tp.tunnel_id = tid;
	*err = vpnpt_session_insert(net, s);
	if (*err) {
		kfree(t);
		t = NULL;
		goto out;
	}
	hlist_add_head_rcu(&t->node, vpnpt_l2tp_bucket(ln, f->client, f->server));
	ln->count++;
out:
	spin_unlock_bh(&ln->lock);
	return t;
}

/*
 * The expected flow from the server's new port, to the public address and
 * port the server answered: map it back onto the master's ends, to the
 * client's address and port, from the address the client sent to.
 */
static void vpnpt_l2tp_expected(struct nf_conn *ct,
				struct nf_conntrack_expect *exp)
{
	const struct nf_conntrack_tuple *m =
		&exp->master->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	struct nf_conn_help *help = nfct_help(ct);
	struct nf_nat_range2 range = {};

	/*
	 * The helper follows the tunnel onto the new flow. Some kernels pass
	 * the master's helper on to an expected flow, others (since the
	 * assign_helper change, and some stable 5.10) do not: then it is
	 * attached here, as the core would, before the flow is confirmed.
	 */
	if (!help) {
		help = nf_ct_helper_ext_add(ct, GFP_ATOMIC);
		if (help)
			rcu_assign_pointer(help->helper, &vpnpt_l2tp_helper);
	}
	if (help)
		((struct vpnpt_l2tp_ct *)help->data)->server_orig = 1;

	/* From the address the client sent to (the server's, unless DNATed). */
	range.flags = NF_NAT_RANGE_MAP_IPS;
	range.min_addr = m->dst.u3;
	range.max_addr = range.min_addr;
	nf_nat_setup_info(ct, &range, NF_NAT_MANIP_SRC);

	/* To the client's own address and port. */
	range.flags = NF_NAT_RANGE_MAP_IPS | NF_NAT_RANGE_PROTO_SPECIFIED;
	range.min_addr = m->src.u3;
	range.max_addr = range.min_addr;
	range.min_proto = m->src.u;
	range.max_proto = range.min_proto;
	nf_nat_setup_info(ct, &range, NF_NAT_MANIP_DST);
}

/*
 * On the client's SCCRQ: let the server answer from any port, to the public
 * address and port it sees. All tunnels of one master share the tuple, so a
 * retransmission or a second SCCRQ renews the one expectation.
 */
static void vpnpt_l2tp_expect(struct nf_conn *ct)
{
	const struct nf_conntrack_tuple *r = &ct->tuplehash[IP_CT_DIR_REPLY].tuple;
	struct nf_conntrack_expect *exp;
	int err;

	exp = nf_ct_expect_alloc(ct);
	if (!exp)
		return;
	nf_ct_expect_init(exp, NF_CT_EXPECT_CLASS_DEFAULT, nf_ct_l3num(ct),
			  &r->src.u3, &r->dst.u3, IPPROTO_UDP, NULL,
			  &r->dst.u.udp.port);
	exp->expectfn = vpnpt_l2tp_expected;
	err = nf_ct_expect_related(exp, 0);
	if (err)
		net_dbg_ratelimited("l2tp: expectation refused: %d\n", err);
	nf_ct_expect_put(exp);
}

static void vpnpt_l2tp_ctrl(struct net *net, struct nf_conn *ct,
			    const struct vpnpt_l2tp_flow *f,
			    const struct vpnpt_l2tp_hdr *h,
			    const struct vpnpt_l2tp_ctrl *c, unsigned int len)
{
	struct vpnpt_l2tp_net *ln = vpnpt_l2tp_net(net);
	u16 zone_id = nf_ct_zone(ct)->id;
	struct vpnpt_l2tp_tunnel *t;
	int err;

	if (c->zlb || c->msg_type != VPNPT_L2TP_MSG_SCCRQ || !f->from_client) {
		t = vpnpt_l2tp_find_msg(ln, f, zone_id, h, c);
		if (!t)
			return;
		vpnpt_session_seen(t->s, !f->from_client, len);
		if (c->zlb)
			return;
		if (c->msg_type == VPNPT_L2TP_MSG_STOPCCN) {
			vpnpt_l2tp_end(net, t);
		} else if (c->msg_type == VPNPT_L2TP_MSG_SCCRP &&
			   !f->from_client) {
			spin_lock_bh(&ln->lock);
			if (c->tunnel_id_present) {
				WRITE_ONCE(t->ptid, c->assigned_tunnel_id);
				WRITE_ONCE(t->s->ids.l2tp.peer_tunnel_id,
					   c->assigned_tunnel_id);
			}
			t->tuple = ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
			vpnpt_session_set_state(net, t->s,
						VPNPT_SESSION_ESTABLISHED);
			spin_unlock_bh(&ln->lock);
		}
		return;
	}

	/* SCCRQ from the client. Only the master can expect a new port. */
	if (vpnpt_l2tp_server_orig(ct))
		return;
	if (c->tunnel_id_present) {
		t = vpnpt_l2tp_open(net, ct, f, c->assigned_tunnel_id, &err);
		if (!t) {
			/* Refused by a cap: not helped. */
			if (err == -ENOSPC)
				return;
		} else {
			vpnpt_session_seen(t->s, 0, len);
		}
	}
	vpnpt_l2tp_expect(ct);
}

static void vpnpt_l2tp_malformed(struct vpnpt_net *vn, int err)
{
	vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_L2TP, VPNPT_STAT_PARSE_ERRORS);
	net_dbg_ratelimited("l2tp: malformed message passed: %s\n",
			    vpnpt_l2tp_strerror(err));
}

static int vpnpt_l2tp_help(struct sk_buff *skb, unsigned int protoff,
			   struct nf_conn *ct, enum ip_conntrack_info ctinfo)
{
	struct net *net = nf_ct_net(ct);
	struct vpnpt_net *vn = vpnpt_net(net);
	unsigned int off = protoff + sizeof(struct udphdr);
	struct vpnpt_l2tp_flow f;
	struct vpnpt_l2tp_tunnel *t;
	struct vpnpt_l2tp_hdr h;
	struct vpnpt_l2tp_ctrl c;
	struct mem_cgroup *old;
	const u8 *buf;
	size_t len;
	int err;

	vpnpt_count_forwarded(skb, ct, vn, VPNPT_PROTO_L2TP);
	if (nf_ct_l3num(ct) != NFPROTO_IPV4 ||
	    !vpnpt_proto_enabled(vn, VPNPT_PROTO_L2TP))
		return NF_ACCEPT;
	if (skb->len < off) {
		vpnpt_l2tp_malformed(vn, -VPNPT_L2TP_ERR_TRUNCATED);
		return NF_ACCEPT;
	}
	/* Small datagrams: usually linear already, then this is free. */
	if (unlikely(skb_linearize(skb)))
		return NF_ACCEPT;
	buf = skb->data + off;
	len = skb->len - off;

	err = vpnpt_l2tp_parse(buf, len, &h);
	if (err) {
		vpnpt_l2tp_malformed(vn, err);
		return NF_ACCEPT;
	}
	vpnpt_l2tp_flow_of(ct, CTINFO2DIR(ctinfo), &f);
	if (!h.control) {
		t = vpnpt_l2tp_find_msg(vpnpt_l2tp_net(net), &f,
					nf_ct_zone(ct)->id, &h, NULL);
		if (t)
			vpnpt_session_seen(t->s, !f.from_client, skb->len);
		return NF_ACCEPT;
	}
	err = vpnpt_l2tp_parse_ctrl(buf, len, &h, &c);
	if (err) {
		vpnpt_l2tp_malformed(vn, err);
		return NF_ACCEPT;
	}
	/* Tunnels are for LAN clients, not for the router's own L2TP. */
	if (!vpnpt_ct_lan_client(skb, ct, ctinfo))
		return NF_ACCEPT;
	old = vpnpt_charge_begin(net);
	vpnpt_l2tp_ctrl(net, ct, &f, &h, &c, skb->len);
	vpnpt_charge_end(old);
	return NF_ACCEPT;
}

/*
 * The flow that carried a tunnel is gone: so is the tunnel. @tuple is
 * rewritten under the lock (SCCRP), so it is compared under the lock too;
 * this runs once per flow, not per packet. Each match is marked closing
 * there and ended after the lock is dropped (the session's destroy takes
 * it); tunnels already closing are being ended by someone else.
 */
static void vpnpt_l2tp_ct_destroy(struct nf_conn *ct)
{
	const struct nf_conntrack_tuple *o = &ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	struct net *net = nf_ct_net(ct);
	struct vpnpt_l2tp_net *ln = vpnpt_l2tp_net(net);
	u16 zone_id = nf_ct_zone(ct)->id;
	struct vpnpt_l2tp_tunnel *t, *found;
	struct vpnpt_l2tp_flow f;

	if (nf_ct_l3num(ct) != NFPROTO_IPV4)
		return;
	vpnpt_l2tp_flow_of(ct, IP_CT_DIR_ORIGINAL, &f);
	/* The conntrack core calls this under RCU: a found tunnel stays valid. */
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "L2TP conntrack destroy outside RCU");
	do {
		found = NULL;
		spin_lock_bh(&ln->lock);
		hlist_for_each_entry(t, vpnpt_l2tp_bucket(ln, f.client, f.server),
				     node) {
			if (t->client == f.client && t->server == f.server &&
			    t->zone.id == zone_id && !t->closing &&
			    nf_ct_tuple_equal(&t->tuple, o)) {
				t->closing = true;
				found = t;
				break;
			}
		}
		spin_unlock_bh(&ln->lock);
		if (found)
			vpnpt_session_remove(net, found->s);
	} while (found);
}

/* Tunnels idle for timeout-l2tp are ended by the session table. */
const struct vpnpt_proto_ops vpnpt_l2tp_proto = {
	.sessions = true,
	.helper = &vpnpt_l2tp_helper,
	.port = VPNPT_PORT_L2TP,
};

static int __net_init vpnpt_l2tp_net_init(struct net *net)
{
	struct vpnpt_l2tp_net *ln = vpnpt_l2tp_net(net);
	unsigned int i;

	spin_lock_init(&ln->lock);
	for (i = 0; i < ARRAY_SIZE(ln->hash); i++)
		INIT_HLIST_HEAD(&ln->hash[i]);
	ln->count = 0;
	ln->dying = false;
	return 0;
}

/*
 * The namespace goes, or the module (the helper is already unregistered):
 * the sessions go, the conntrack entries are left to their own end.
 */
static void __net_exit vpnpt_l2tp_net_exit(struct net *net)
{
	struct vpnpt_l2tp_net *ln = vpnpt_l2tp_net(net);

	spin_lock_bh(&ln->lock);
	ln->dying = true;
	spin_unlock_bh(&ln->lock);
	vpnpt_sessions_flush(net, BIT(VPNPT_PROTO_L2TP));
	WARN_ON_ONCE(ln->count);
}

static struct pernet_operations vpnpt_l2tp_net_ops = {
	.init = vpnpt_l2tp_net_init,
	.exit = vpnpt_l2tp_net_exit,
	.id = &vpnpt_l2tp_net_id,
	.size = sizeof(struct vpnpt_l2tp_net),
};

MODULE_ALIAS_NFCT_HELPER(VPNPT_HELPER_L2TP);

static const struct nf_conntrack_expect_policy vpnpt_l2tp_exp_policy = {
	.max_expected = 1,
	.timeout = VPNPT_L2TP_EXPECT_TIMEOUT,
	.name = "l2tp",
};

int vpnpt_l2tp_init(void)
{
	int err;

	BUILD_BUG_ON(sizeof(struct vpnpt_l2tp_ct) >
		     sizeof_field(struct nf_conn_help, data));
	vpnpt_l2tp_seed = get_random_u32();
	err = register_pernet_subsys(&vpnpt_l2tp_net_ops);
	if (err)
		return err;

	nf_ct_helper_init(&vpnpt_l2tp_helper, AF_INET, IPPROTO_UDP,
			  VPNPT_HELPER_L2TP, VPNPT_PORT_L2TP, VPNPT_PORT_L2TP,
			  0, &vpnpt_l2tp_exp_policy, 0, vpnpt_l2tp_help, NULL,
			  THIS_MODULE);
	vpnpt_l2tp_helper.destroy = vpnpt_l2tp_ct_destroy;
	err = nf_conntrack_helper_register(&vpnpt_l2tp_helper);
	if (err) {
		pr_err("cannot register helper %s: %d\n", VPNPT_HELPER_L2TP, err);
		unregister_pernet_subsys(&vpnpt_l2tp_net_ops);
		return err;
	}
	return 0;
}

void vpnpt_l2tp_exit(void)
{
	/* No more packets, expectations or conntrack ends reach this file. */
	nf_conntrack_helper_unregister(&vpnpt_l2tp_helper);
	unregister_pernet_subsys(&vpnpt_l2tp_net_ops);
}
