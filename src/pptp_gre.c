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
 * Conntrack's GRE tracker finds the source key by walking the namespace's
 * keymap, a list of every call's entries, on every GRE packet. So that a
 * call's packets do not cost more the more calls there are, vpnpt also
 * keeps the calls in two hash tables keyed as GRE packets are: the client's
 * packets by (client, server, peer ID), the server's by (server, public
 * address, outside ID); the second also keeps outside IDs unique. A hook
 * before conntrack's, registered while the namespace has calls, finds a
 * packet's call there, the flow by its full tuple in conntrack's own hash
 * table, and gives the packet that flow as conntrack would have (an
 * established flow is all it takes; anything else is left to conntrack).
 *
 * GRE packets take no vpnpt lock.
 */
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/rhashtable.h>
#include <net/ip.h>
#include <linux/netfilter/nf_conntrack_pptp.h>
#include <linux/netfilter/nf_conntrack_proto_gre.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/netfilter/nf_conntrack_expect.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_nat.h>

#include "filter.h"
#include "netns.h"
#include "pptp_gre.h"
#include "pptp_parse.h"
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

/* A GRE tuple as conntrack's GRE tracker makes it (addresses, keys). */
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

/* --- the calls by GRE key ------------------------------------------------ */

/* What a GRE packet is looked up by: its addresses and its key. */
struct vpnpt_pptp_gre_key {
	__be32 src;
	__be32 dst;
	u16 id;
};

/*
 * A call's key in the table of @dir: the packets the client sends carry
 * the server's ID (peer), those the server sends the ID it was told
 * (outside). Neither changes while the call is in that table.
 */
static void vpnpt_pptp_gre_call_key(const struct vpnpt_pptp_call *call,
				    int dir, struct vpnpt_pptp_gre_key *k)
{
	const struct nf_conntrack_tuple *t = &call->conn->tuple[dir];

	k->src = t->src.u3.ip;
	k->dst = t->dst.u3.ip;
	k->id = dir == IP_CT_DIR_ORIGINAL ? READ_ONCE(call->peer) :
					    READ_ONCE(call->outside);
}

/*
 * The source key conntrack's GRE tracker gives the packets of @dir: the
 * other end's ID. The server's ID is written once, when the call comes up
 * (0 before: then no flow has that key).
 */
static u16 vpnpt_pptp_gre_skey(const struct vpnpt_pptp_call *call, int dir)
{
	return dir == IP_CT_DIR_ORIGINAL ? call->inside : READ_ONCE(call->peer);
}

static u32 vpnpt_pptp_gre_hashfn(const void *data, u32 len, u32 seed)
{
	const struct vpnpt_pptp_gre_key *k = data;

	return jhash_3words((__force u32)k->src, (__force u32)k->dst, k->id,
			    seed);
}

static u32 vpnpt_pptp_gre_obj_hashfn(int dir, const void *data, u32 seed)
{
	struct vpnpt_pptp_gre_key k;

	vpnpt_pptp_gre_call_key(data, dir, &k);
	return vpnpt_pptp_gre_hashfn(&k, sizeof(k), seed);
}

static int vpnpt_pptp_gre_obj_cmpfn(int dir, struct rhashtable_compare_arg *arg,
				    const void *obj)
{
	const struct vpnpt_pptp_gre_key *want = arg->key;
	struct vpnpt_pptp_gre_key k;

	vpnpt_pptp_gre_call_key(obj, dir, &k);
	return want->src != k.src || want->dst != k.dst || want->id != k.id;
}

static u32 vpnpt_pptp_gre_orig_hashfn(const void *data, u32 len, u32 seed)
{
	return vpnpt_pptp_gre_obj_hashfn(IP_CT_DIR_ORIGINAL, data, seed);
}

static u32 vpnpt_pptp_gre_reply_hashfn(const void *data, u32 len, u32 seed)
{
	return vpnpt_pptp_gre_obj_hashfn(IP_CT_DIR_REPLY, data, seed);
}

static int vpnpt_pptp_gre_orig_cmpfn(struct rhashtable_compare_arg *arg,
				     const void *obj)
{
	return vpnpt_pptp_gre_obj_cmpfn(IP_CT_DIR_ORIGINAL, arg, obj);
}

static int vpnpt_pptp_gre_reply_cmpfn(struct rhashtable_compare_arg *arg,
				      const void *obj)
{
	return vpnpt_pptp_gre_obj_cmpfn(IP_CT_DIR_REPLY, arg, obj);
}

/* rhashtable's own seed keys the hash: the keys are the outsiders' choice. */
static const struct rhashtable_params vpnpt_pptp_gre_params[IP_CT_DIR_MAX] = {
	[IP_CT_DIR_ORIGINAL] = {
		.head_offset = offsetof(struct vpnpt_pptp_call,
					gre_node[IP_CT_DIR_ORIGINAL]),
		.key_len = sizeof(struct vpnpt_pptp_gre_key),
		.hashfn = vpnpt_pptp_gre_hashfn,
		.obj_hashfn = vpnpt_pptp_gre_orig_hashfn,
		.obj_cmpfn = vpnpt_pptp_gre_orig_cmpfn,
		.automatic_shrinking = true,
	},
	[IP_CT_DIR_REPLY] = {
		.head_offset = offsetof(struct vpnpt_pptp_call,
					gre_node[IP_CT_DIR_REPLY]),
		.key_len = sizeof(struct vpnpt_pptp_gre_key),
		.hashfn = vpnpt_pptp_gre_hashfn,
		.obj_hashfn = vpnpt_pptp_gre_reply_hashfn,
		.obj_cmpfn = vpnpt_pptp_gre_reply_cmpfn,
		.automatic_shrinking = true,
	},
};

/* Register the GRE hook while there are calls; drop it 10 s after the last. */
#define VPNPT_PPTP_GRE_UNHOOK_DELAY	(10 * HZ)

static void vpnpt_pptp_gre_count(struct vpnpt_pptp_net *pn, int delta)
{
	spin_lock_bh(&pn->lock);
	pn->gre_calls += delta;
	if (!pn->gre_exiting) {
		if (delta > 0 && pn->gre_calls == 1)
			mod_delayed_work(system_wq, &pn->gre_work, 0);
		else if (delta < 0 && !pn->gre_calls)
			mod_delayed_work(system_wq, &pn->gre_work,
					 VPNPT_PPTP_GRE_UNHOOK_DELAY);
	}
	spin_unlock_bh(&pn->lock);
}

int vpnpt_pptp_gre_hash(struct vpnpt_pptp_call *call, int dir)
{
	struct vpnpt_pptp_net *pn = vpnpt_pptp_net(call->conn->net);
	struct vpnpt_pptp_gre_key k;
	int err;

	lockdep_assert_held(&call->conn->lock);
	if (call->hashed[dir])
		return 0;
	vpnpt_pptp_gre_call_key(call, dir, &k);
	err = rhashtable_lookup_insert_key(&pn->gre[dir], &k,
					   &call->gre_node[dir],
					   vpnpt_pptp_gre_params[dir]);
	if (err)
		return err;
	call->hashed[dir] = true;
	if (dir == IP_CT_DIR_ORIGINAL)
		vpnpt_pptp_gre_count(pn, 1);
	return 0;
}

/* The call has left its connection's list: nothing else changes it now. */
void vpnpt_pptp_gre_unhash(struct vpnpt_pptp_call *call, int dir)
{
	struct vpnpt_pptp_net *pn = vpnpt_pptp_net(call->conn->net);

	if (!call->hashed[dir])
		return;
	rhashtable_remove_fast(&pn->gre[dir], &call->gre_node[dir],
			       vpnpt_pptp_gre_params[dir]);
	call->hashed[dir] = false;
	if (dir == IP_CT_DIR_ORIGINAL)
		vpnpt_pptp_gre_count(pn, -1);
}

/*
 * A GRE packet of a call whose flow is established: the flow, with a
 * reference, and the packet's direction in it; NULL when conntrack is
 * to decide (a new flow, a flow not yet answered or going, one vpnpt did
 * not make, or a packet of no call). Under RCU.
 */
static struct nf_conn *vpnpt_pptp_gre_flow(struct net *net,
					   const struct iphdr *iph, u16 dkey,
					   enum ip_conntrack_info *ctinfo)
{
	const unsigned long want = IPS_CONFIRMED | IPS_SEEN_REPLY | IPS_ASSURED;
	const unsigned long bad = IPS_DYING | IPS_NAT_CLASH | IPS_OFFLOAD;
	struct vpnpt_pptp_net *pn = vpnpt_pptp_net(net);
	struct vpnpt_pptp_gre_key k = {
		.src = iph->saddr, .dst = iph->daddr, .id = dkey,
	};
	union nf_inet_addr src = { .ip = iph->saddr }, dst = { .ip = iph->daddr };
	struct nf_conntrack_tuple_hash *h;
	struct vpnpt_pptp_call *call;
	struct nf_conntrack_tuple t;
	struct nf_conn_help *help;
	struct nf_conn *ct;
	unsigned long status;
	int dir = IP_CT_DIR_ORIGINAL;

	/* Constant parameters: the lookups inline their hash and compare. */
	call = rhashtable_lookup(&pn->gre[IP_CT_DIR_ORIGINAL], &k,
				 vpnpt_pptp_gre_params[IP_CT_DIR_ORIGINAL]);
	if (!call) {
		dir = IP_CT_DIR_REPLY;
		call = rhashtable_lookup(&pn->gre[IP_CT_DIR_REPLY], &k,
					 vpnpt_pptp_gre_params[IP_CT_DIR_REPLY]);
	}
	if (!call)
		return NULL;
	vpnpt_pptp_gre_tuple(&t, &src, vpnpt_pptp_gre_skey(call, dir), &dst,
			     dkey);
	h = nf_conntrack_find_get(net, &nf_ct_zone_dflt, &t);
	if (!h)
		return NULL;
	ct = nf_ct_tuplehash_to_ctrack(h);
	status = READ_ONCE(ct->status);
	help = nfct_help(ct);
	if ((status & (want | bad)) != want || !help ||
	    rcu_access_pointer(help->helper) != &vpnpt_pptp_gre_helper) {
		nf_ct_put(ct);
		return NULL;
	}
	*ctinfo = NF_CT_DIRECTION(h) == IP_CT_DIR_REPLY ?
		  IP_CT_ESTABLISHED_REPLY : IP_CT_ESTABLISHED;
	return ct;
}

/*
 * Before conntrack: a GRE packet of an established flow of a call gets its
 * flow here, as conntrack's GRE tracker would give it (and refresh it), so
 * conntrack does not walk the keymap for it. Packets that already have an
 * entry or template (an admin's zone, notrack) are conntrack's.
 */
static unsigned int vpnpt_pptp_gre_pre(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	const struct iphdr *iph = ip_hdr(skb);
	enum ip_conntrack_info ctinfo;
	u8 buf[VPNPT_PPTP_GRE_HDR_LEN];
	struct nf_conn *ct;
	const u8 *gh;
	u16 dkey;

	if (iph->protocol != IPPROTO_GRE || skb->_nfct || ip_is_fragment(iph))
		return NF_ACCEPT;
	gh = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(buf), buf);
	if (!gh || !vpnpt_pptp_gre_call_id(gh, sizeof(buf), &dkey))
		return NF_ACCEPT;
	ct = vpnpt_pptp_gre_flow(state->net, iph, dkey, &ctinfo);
	if (!ct)
		return NF_ACCEPT;
	nf_ct_refresh_acct(ct, ctinfo, skb, ct->proto.gre.stream_timeout);
	nf_ct_set(skb, ct, ctinfo);
	return NF_ACCEPT;
}

static const struct nf_hook_ops vpnpt_pptp_gre_ops[] = {
	{
		.hook = vpnpt_pptp_gre_pre,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		/*
		 * Right before conntrack: rules before it (the raw table, an
		 * admin's zones, notrack, timeout policies) still see the
		 * packet untracked.
		 */
		.priority = NF_IP_PRI_CONNTRACK - 1,
	},
};

static void vpnpt_pptp_gre_work(struct work_struct *work)
{
	struct vpnpt_pptp_net *pn = container_of(to_delayed_work(work),
						 struct vpnpt_pptp_net,
						 gre_work);
	struct vpnpt_net *vn = vpnpt_net(pn->net);
	bool on;
	int err;

	mutex_lock(&vn->config_lock);
	spin_lock_bh(&pn->lock);
	on = pn->gre_calls && !pn->gre_exiting;
	spin_unlock_bh(&pn->lock);
	err = vpnpt_net_hooks_set(pn->net, vpnpt_pptp_gre_ops,
				  ARRAY_SIZE(vpnpt_pptp_gre_ops),
				  &pn->gre_hooked, on);
	mutex_unlock(&vn->config_lock);
	if (err)
		net_info_ratelimited("PPTP: no GRE hook (%d): conntrack finds the calls' flows alone\n",
				     err);
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

	vpnpt_count_forwarded(skb, ct, vpnpt_net(nf_ct_net(ct)),
			      VPNPT_PROTO_PPTP);
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
	/*
	 * Found by its GRE keys from now on (the server's key is in already
	 * under NAT). A key another call of the same client holds leaves
	 * this one to conntrack alone.
	 */
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++)
		vpnpt_pptp_gre_hash(call, dir);
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

	vpnpt_pptp_gre_unhash(call, IP_CT_DIR_ORIGINAL);
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

/*
 * A namespace's keymap template (helper data, never confirmed) and its
 * tables of calls by GRE key.
 */
int vpnpt_pptp_gre_net_init(struct net *net, struct vpnpt_pptp_net *pn)
{
	int err, dir;

	pn->net = net;
	INIT_DELAYED_WORK(&pn->gre_work, vpnpt_pptp_gre_work);
	spin_lock_init(&pn->keymap_lock);
	pn->keymap = nf_ct_tmpl_alloc(net, &nf_ct_zone_dflt, GFP_KERNEL);
	if (!pn->keymap)
		return -ENOMEM;
	if (!nf_ct_helper_ext_add(pn->keymap, GFP_KERNEL)) {
		err = -ENOMEM;
		goto err_tmpl;
	}
	/* Keep its helper data visible all its life. */
	vpnpt_ct_ext_pin(pn->keymap);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		err = rhashtable_init(&pn->gre[dir], &vpnpt_pptp_gre_params[dir]);
		if (err)
			goto err_tables;
	}
	return 0;

err_tables:
	while (dir--)
		rhashtable_destroy(&pn->gre[dir]);
err_tmpl:
	nf_ct_tmpl_free(pn->keymap);
	pn->keymap = NULL;
	return err;
}

/* Every call is gone. */
void vpnpt_pptp_gre_net_exit(struct vpnpt_pptp_net *pn)
{
	struct vpnpt_net *vn = vpnpt_net(pn->net);
	int dir;

	spin_lock_bh(&pn->lock);
	pn->gre_exiting = true;
	spin_unlock_bh(&pn->lock);
	cancel_delayed_work_sync(&pn->gre_work);
	mutex_lock(&vn->config_lock);
	vpnpt_net_hooks_set(pn->net, vpnpt_pptp_gre_ops,
			    ARRAY_SIZE(vpnpt_pptp_gre_ops), &pn->gre_hooked,
			    false);
	mutex_unlock(&vn->config_lock);
	for (dir = 0; dir < IP_CT_DIR_MAX; dir++) {
		WARN_ON_ONCE(atomic_read(&pn->gre[dir].nelems));
		rhashtable_destroy(&pn->gre[dir]);
	}
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
