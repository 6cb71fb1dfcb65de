// SPDX-License-Identifier: GPL-2.0
/*
 * PPTP passthrough: the GRE flows of the calls, and the helper
 * "vpnpt-pptp-gre" on them.
 *
 * GRE data carries the receiver's Call ID as key. Conntrack's GRE tracker
 * makes the other end's ID the "source key" by looking it up in a keymap,
 * whose entries can only be made and destroyed in the PPTP helper data of a
 * connection (two per connection). vpnpt makes each call's two entries in
 * one template per namespace, takes them from there to the call and puts
 * them back to destroy them, so a control connection can carry many calls
 * without a template per call. Each call also gets two permanent
 * expectations, one per direction:
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
 * GRE packets take no vpnpt lock.
 */
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_pptp.h>
#include <linux/netfilter/nf_conntrack_proto_gre.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_nat.h>

#include "filter.h"
#include "pptp_gre.h"
#include "session.h"

#define VPNPT_PPTP_GRE_HELPER	"vpnpt-pptp-gre"

/* A GRE flow's helper data: whose packets it carries. */
struct vpnpt_pptp_gredata {
	u64 session_id;
	bool reversed;	/* the flow's original direction is server to client */
};

static struct nf_conntrack_helper vpnpt_pptp_gre_helper;

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
			/* set while the call is on the list */
			id = call->session->id;
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

	vpnpt_count_forwarded(skb, ct, VPNPT_PROTO_PPTP);
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
 * The namespace's keymap template holds no entries between uses: make the
 * call's two entries there and take them to the call.
 */
static int vpnpt_pptp_keymap_add(struct vpnpt_pptp_net *pn,
				 struct vpnpt_pptp_call *call,
				 struct nf_conntrack_expect **exp)
{
	struct nf_ct_pptp_master *info = nfct_help_data(pn->keymap);
	int dir, err = 0;

	spin_lock_bh(&pn->keymap_lock);
	for (dir = 0; dir < IP_CT_DIR_MAX && !err; dir++)
		err = nf_ct_gre_keymap_add(pn->keymap, dir, &exp[dir]->tuple);
	if (err) {
		nf_ct_gre_keymap_destroy(pn->keymap);
	} else {
		for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
			call->keymap[dir] = info->keymap[dir];
			info->keymap[dir] = NULL;
		}
	}
	spin_unlock_bh(&pn->keymap_lock);
	return err;
}

/* Destroy the call's keymap entries: put them back on the template. */
static void vpnpt_pptp_keymap_del(struct vpnpt_pptp_net *pn,
				  struct vpnpt_pptp_call *call)
{
	struct nf_ct_pptp_master *info = nfct_help_data(pn->keymap);
	int dir;

	spin_lock_bh(&pn->keymap_lock);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		info->keymap[dir] = call->keymap[dir];
		call->keymap[dir] = NULL;
	}
	nf_ct_gre_keymap_destroy(pn->keymap);
	spin_unlock_bh(&pn->keymap_lock);
}

/*
 * Expect the call's GRE: keymap entries first (they give GRE packets the
 * tuples the expectations match), then both expectations. From the control
 * connection's packet.
 */
int vpnpt_pptp_gre_expect(struct vpnpt_pptp_segment *seg,
			  struct vpnpt_pptp_call *call)
{
	struct vpnpt_pptp_net *pn = vpnpt_pptp_net(seg->net);
	struct nf_conntrack_tuple t[2];
	struct nf_conntrack_expect *exp[2] = {};
	int dir, err = -ENOMEM;

	lockdep_assert_held(&seg->conn->lock);
	vpnpt_pptp_gre_tuples(call, t);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		exp[dir] = nf_ct_expect_alloc(seg->ct);
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
	}
	err = vpnpt_pptp_keymap_add(pn, call, exp);
	if (err)
		goto err;
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		err = nf_ct_expect_related(exp[dir], 0);
		if (err) {
			if (dir)
				nf_ct_unexpect_related(exp[0]);
			vpnpt_pptp_keymap_del(pn, call);
			goto err;
		}
	}
	call->exp[0] = exp[0];
	call->exp[1] = exp[1];
	return 0;

err:
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++)
		if (exp[dir])
			nf_ct_expect_put(exp[dir]);
	return err;
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
 * An ended call lets go of its GRE: its expectations, its keymap entries
 * and the flows they made. No vpnpt lock held.
 */
void vpnpt_pptp_gre_release(struct net *net, struct vpnpt_pptp_call *call)
{
	struct nf_conntrack_tuple t[2];
	int dir;

	if (!call->exp[0])
		return;
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		nf_ct_unexpect_related(call->exp[dir]);
		nf_ct_expect_put(call->exp[dir]);
	}
	vpnpt_pptp_keymap_del(vpnpt_pptp_net(net), call);
	vpnpt_pptp_gre_tuples(call, t);
	vpnpt_pptp_kill_gre(net, &call->conn->zone, &t[0]);
	vpnpt_pptp_kill_gre(net, &call->conn->zone, &t[1]);
}

static const struct nf_conntrack_expect_policy vpnpt_pptp_gre_policy = {
	.max_expected = 0,
	.timeout = 0,
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

MODULE_ALIAS_NFCT_HELPER(VPNPT_PPTP_GRE_HELPER);

/* A namespace's keymap template (helper data, never confirmed). */
int vpnpt_pptp_gre_net_init(struct net *net, struct vpnpt_pptp_net *pn)
{
	spin_lock_init(&pn->keymap_lock);
	pn->keymap = nf_ct_tmpl_alloc(net, &nf_ct_zone_dflt, GFP_KERNEL);
	if (!pn->keymap)
		return -ENOMEM;
	if (!nf_ct_helper_ext_add(pn->keymap, GFP_KERNEL)) {
		nf_ct_tmpl_free(pn->keymap);
		pn->keymap = NULL;
		return -ENOMEM;
	}
	/* Keep its helper data visible all its life. */
	vpnpt_ct_ext_pin(pn->keymap);
	return 0;
}

/* Every call is gone. */
void vpnpt_pptp_gre_net_exit(struct vpnpt_pptp_net *pn)
{
	nf_ct_tmpl_free(pn->keymap);
	pn->keymap = NULL;
}

int vpnpt_pptp_gre_init(void)
{
	BUILD_BUG_ON(sizeof(struct vpnpt_pptp_gredata) >
		     sizeof_field(struct nf_conn_help, data));
	BUILD_BUG_ON(sizeof(struct nf_ct_pptp_master) >
		     sizeof_field(struct nf_conn_help, data));
	return nf_conntrack_helper_register(&vpnpt_pptp_gre_helper);
}

void vpnpt_pptp_gre_exit(void)
{
	nf_conntrack_helper_unregister(&vpnpt_pptp_gre_helper);
}
