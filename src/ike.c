// SPDX-License-Identifier: GPL-2.0
/*
 * IKE tracking, for the binding of ESP SPIs and for the admin's view.
 *
 * Two conntrack helpers, attached by the admin's ruleset (vpnptctl setup):
 * "vpnpt-ike" on UDP 500 and "vpnpt-natt" on UDP 4500. They never change
 * or drop a packet. For each IKE message between a LAN client and a server
 * they keep, by (client, server, initiator SPI), the IKE SA: its SPI pair,
 * its state, and when the server last answered each exchange type. A
 * message that completes Child SAs (IKEv2 IKE_AUTH or CREATE_CHILD_SA
 * response, IKEv1 Quick Mode from the responder) is reported to the ESP
 * part as evidence for the binding of the next unknown inbound SPI from
 * that server (vpnpt_esp_ike_child()).
 *
 * On UDP 4500 each datagram is classified (RFC 3948) as IKE after the
 * non-ESP marker, ESP in UDP or NAT-keepalive, counted, and the flow is a
 * session of its own whose parent is the IKE session its IKE messages
 * belong to. The kernel's NAT already keeps several clients' UDP flows
 * apart, so nothing else is needed for NAT-T. A flow's conntrack entry
 * links it from its helper data once the entry is in the table: a data
 * packet then finds its session with no lookup.
 *
 * Malformed IKE is counted (VPNPT_STAT_PARSE_ERRORS) and passed: the
 * endpoints judge it; it changes no state here.
 *
 * Files: ike.c (this one) the helpers, NAT-T flows and the namespace's IKE
 * state's life; ike_sa.c the IKE SAs and what each message means;
 * ike_internal.h what they share.
 */
#include <linux/module.h>
#include <linux/refcount.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <net/netns/generic.h>

#include "filter.h"
#include "ike.h"
#include "ike_internal.h"
#include "ike_keepport.h"
#include "ike_parse.h"
#include "netns.h"
#include "proto.h"

struct vpnpt_natt_key {
	__be32 client;
	__be32 server;
	__be16 port;	/* the client's */
	u16 pad;
};

/**
 * struct vpnpt_natt_flow - one NAT-T flow: a client's UDP 4500 to a server
 * @node: in the namespace's hash by @key, while @session lives (@hashed)
 * @key: the flow's ends
 * @ref: one for @session (dropped by its destroy callback), one for each
 *	conntrack entry whose helper data links the flow (dropped by the
 *	entry's destroy callback)
 * @all: on the namespace's list until freed (under its lock): at module
 *	exit, entries the helper was taken from still link flows
 * @session: the flow's session; NULL from its destroy callback on (under
 *	the lock). The session is freed an RCU grace period after that, so a
 *	reader under RCU may use what it read here until rcu_read_unlock().
 * @hashed: in the hash (under the lock)
 * @rcu: for freeing after readers are done
 *
 * A packet of a linked entry finds its session through the helper data,
 * with no lookup (struct vpnpt_natt_ct); others look @key up.
 */
struct vpnpt_natt_flow {
	struct rhash_head node;
	struct vpnpt_natt_key key;
	refcount_t ref;
	struct list_head all;
	struct vpnpt_session __rcu *session;
	bool hashed;
	struct rcu_head rcu;
};

/* What the NAT-T helper keeps in a conntrack entry's helper data. */
struct vpnpt_natt_ct {
	/* the entry's flow, holding a reference; or VPNPT_NATT_GONE */
	struct vpnpt_natt_flow *flow;
};

/* In @flow once the entry's destroy callback has run: never linked again. */
#define VPNPT_NATT_GONE	((struct vpnpt_natt_flow *)1)

static const struct rhashtable_params vpnpt_natt_params = {
	.key_len = sizeof(struct vpnpt_natt_key),
	.key_offset = offsetof(struct vpnpt_natt_flow, key),
	.head_offset = offsetof(struct vpnpt_natt_flow, node),
	.automatic_shrinking = true,
};

static struct vpnpt_natt_ct *vpnpt_natt_ct(const struct nf_conn *ct)
{
	return (struct vpnpt_natt_ct *)nfct_help(ct)->data;
}

static bool vpnpt_natt_real(const struct vpnpt_natt_flow *f)
{
	return f && f != VPNPT_NATT_GONE;
}

static void vpnpt_natt_put(struct vpnpt_ike_net *in, struct vpnpt_natt_flow *f)
{
	if (!refcount_dec_and_test(&f->ref))
		return;
	spin_lock_bh(&in->lock);
	list_del(&f->all);
	spin_unlock_bh(&in->lock);
	kfree_rcu(f, rcu);
}

static void vpnpt_natt_destroy(struct net *net, struct vpnpt_session *s)
{
	struct vpnpt_ike_net *in = vpnpt_ike_net(net);
	struct vpnpt_natt_flow *f = s->priv;

	spin_lock_bh(&in->lock);
	if (f->hashed)
		rhashtable_remove_fast(&in->natt, &f->node, vpnpt_natt_params);
	f->hashed = false;
	RCU_INIT_POINTER(f->session, NULL);
	spin_unlock_bh(&in->lock);
	vpnpt_natt_put(in, f);
}

static const struct vpnpt_session_ops vpnpt_natt_ops = {
	.destroy = vpnpt_natt_destroy,
};

/* ---- IKE ------------------------------------------------------------------ */

/* The start of a UDP payload: a NAT-T marker and an ISAKMP header. */
#define VPNPT_IKE_PEEK	(VPNPT_NATT_MARKER_LEN + VPNPT_IKE_HDR_LEN)

static int vpnpt_ike_help(struct sk_buff *skb, unsigned int protoff,
			  struct nf_conn *ct, enum ip_conntrack_info ctinfo)
{
	unsigned int off = protoff + sizeof(struct udphdr);
	struct net *net = nf_ct_net(ct);
	struct vpnpt_net *vn = vpnpt_net(net);
	u8 buf[VPNPT_IKE_HDR_LEN];
	struct mem_cgroup *old;
	const u8 *hdr;
	size_t len;

	vpnpt_count_forwarded(skb, ct, vn, VPNPT_PROTO_IKE);
	if (nf_ct_l3num(ct) != NFPROTO_IPV4 || skb->len < off ||
	    !vpnpt_proto_enabled(vn, VPNPT_PROTO_IKE))
		return NF_ACCEPT;
	/* IKE to or from the router itself, or spoofed: none of ours. */
	if (!vpnpt_ct_lan_client(skb, ct, ctinfo))
		return NF_ACCEPT;
	len = skb->len - off;
	/* The parser reads the fixed header only; @len is the datagram's. */
	hdr = skb_header_pointer(skb, off, min_t(size_t, len, sizeof(buf)), buf);
	if (!hdr)
		return NF_ACCEPT;
	old = vpnpt_charge_begin(net);
	vpnpt_ike_message(net, ct, CTINFO2DIR(ctinfo) == IP_CT_DIR_ORIGINAL,
			  hdr, len, false);
	vpnpt_charge_end(old);
	return NF_ACCEPT;
}

/* ---- NAT-T --------------------------------------------------------------- */

/*
 * As vpnpt_ike_sa_new(): inserted in the session table, then published.
 * Under RCU; the flow returned stays valid until rcu_read_unlock().
 */
static struct vpnpt_natt_flow *vpnpt_natt_new(struct net *net,
					      struct vpnpt_ike_net *in,
					      const struct nf_conn *ct,
					      const struct vpnpt_natt_key *k)
{
	struct vpnpt_natt_flow *f;
	struct vpnpt_session *s;

	spin_lock_bh(&in->lock);
	f = rhashtable_lookup_fast(&in->natt, k, vpnpt_natt_params);
	if (f || in->dying)
		goto out;
	f = kzalloc(sizeof(*f), VPNPT_GFP_STATE);
	s = vpnpt_session_alloc(VPNPT_PROTO_NATT, VPNPT_GFP_STATE);
	if (!f || !s) {
		vpnpt_session_free(s);
		kfree(f);
		f = NULL;
		goto out;
	}
	f->key = *k;
	refcount_set(&f->ref, 1);
	RCU_INIT_POINTER(f->session, s);
	s->ops = &vpnpt_natt_ops;
	s->priv = f;
	s->client = k->client;
	s->server = k->server;
	s->public = ct->tuplehash[IP_CT_DIR_REPLY].tuple.dst.u3.ip;
	/* Refused: freed at once, nothing saw it. */
	if (vpnpt_session_insert(net, s)) {
		kfree(f);
		f = NULL;
		goto out;
	}
	/* From here on the session's destroy callback frees the flow. */
	list_add_tail(&f->all, &in->natt_list);
	f->hashed = !rhashtable_insert_fast(&in->natt, &f->node,
					    vpnpt_natt_params);
	if (!f->hashed) {
		/* Nothing can find it: the session goes again. */
		spin_unlock_bh(&in->lock);
		vpnpt_session_remove(net, s);
		return NULL;
	}
out:
	spin_unlock_bh(&in->lock);
	return f;
}

/*
 * Link @f to the entry's helper data in place of @old, so that the entry's
 * next packets find it with no lookup. Only entries in the table: they get
 * the destroy callback that drops the reference.
 */
static void vpnpt_natt_link(struct vpnpt_ike_net *in, struct nf_conn *ct,
			    struct vpnpt_natt_flow *old,
			    struct vpnpt_natt_flow *f)
{
	if (old == VPNPT_NATT_GONE || !nf_ct_is_confirmed(ct) ||
	    !refcount_inc_not_zero(&f->ref))
		return;
	if (cmpxchg(&vpnpt_natt_ct(ct)->flow, old, f) != old) {
		/* Another packet linked first, or the entry died. */
		vpnpt_natt_put(in, f);
		return;
	}
	if (old)
		vpnpt_natt_put(in, old);
}

/*
 * The session of the entry's flow: the linked flow's, else the flow of the
 * entry's ends, made for a LAN client's first valid datagram (@valid).
 * Under RCU; the session stays valid until rcu_read_unlock().
 */
static struct vpnpt_session *vpnpt_natt_session(struct sk_buff *skb,
						struct nf_conn *ct,
						enum ip_conntrack_info ctinfo,
						bool valid)
{
	const struct nf_conntrack_tuple *orig =
		&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	struct vpnpt_natt_flow *old = READ_ONCE(vpnpt_natt_ct(ct)->flow), *f;
	struct vpnpt_ike_net *in;
	struct vpnpt_session *s;
	struct vpnpt_natt_key k;
	struct mem_cgroup *mc;
	struct net *net;

	if (likely(vpnpt_natt_real(old))) {
		s = rcu_dereference(old->session);
		if (likely(s))
			return s;
	}
	net = nf_ct_net(ct);
	in = vpnpt_ike_net(net);
	k.client = orig->src.u3.ip;
	k.server = orig->dst.u3.ip;
	k.port = orig->src.u.udp.port;
	k.pad = 0;
	f = rhashtable_lookup(&in->natt, &k, vpnpt_natt_params);
	if (!f) {
		/* Known flows were checked when they began. */
		if (!valid || !vpnpt_ct_lan_client(skb, ct, ctinfo))
			return NULL;
		mc = vpnpt_charge_begin(net);
		f = vpnpt_natt_new(net, in, ct, &k);
		vpnpt_charge_end(mc);
		if (!f)
			return NULL;
	}
	s = rcu_dereference(f->session);
	if (s)
		vpnpt_natt_link(in, ct, old, f);
	return s;
}

static int vpnpt_natt_help(struct sk_buff *skb, unsigned int protoff,
			   struct nf_conn *ct, enum ip_conntrack_info ctinfo)
{
	const struct nf_conntrack_tuple *orig =
		&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	unsigned int off = protoff + sizeof(struct udphdr);
	bool from_client = CTINFO2DIR(ctinfo) == IP_CT_DIR_ORIGINAL;
	struct net *net = nf_ct_net(ct);
	struct vpnpt_net *vn = vpnpt_net(net);
	struct vpnpt_session *s;
	struct mem_cgroup *old;
	u8 buf[VPNPT_IKE_PEEK];
	enum vpnpt_natt_kind kind;
	const u8 *hdr;
	size_t len, ike_off;
	u64 ike_id;

	vpnpt_count_forwarded(skb, ct, vn, VPNPT_PROTO_NATT);
	if (nf_ct_l3num(ct) != NFPROTO_IPV4 || skb->len < off ||
	    !vpnpt_proto_enabled(vn, VPNPT_PROTO_NATT))
		return NF_ACCEPT;
	len = skb->len - off;
	hdr = len ? skb_header_pointer(skb, off, min_t(size_t, len, sizeof(buf)),
				       buf) : NULL;
	kind = hdr ? vpnpt_natt_classify(hdr, len, &ike_off) : VPNPT_NATT_MALFORMED;

	s = vpnpt_natt_session(skb, ct, ctinfo, kind != VPNPT_NATT_MALFORMED);
	if (s)
		vpnpt_session_seen(s, from_client ? 0 : 1, len);

	switch (kind) {
	case VPNPT_NATT_KEEPALIVE:
		vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_NATT,
				VPNPT_STAT_NATT_KEEPALIVE);
		break;
	case VPNPT_NATT_ESP:
		vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_NATT, VPNPT_STAT_NATT_ESP);
		if (s && !from_client)
			vpnpt_session_set_state(net, s, VPNPT_SESSION_ESTABLISHED);
		break;
	case VPNPT_NATT_IKE:
		vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_NATT, VPNPT_STAT_NATT_IKE);
		if (!vpnpt_proto_enabled(vn, VPNPT_PROTO_IKE))
			break;
		old = vpnpt_charge_begin(net);
		ike_id = vpnpt_ike_message(net, ct, from_client, hdr + ike_off,
					   len - ike_off, true);
		vpnpt_charge_end(old);
		if (s && ike_id && READ_ONCE(s->parent) != ike_id) {
			struct vpnpt_ike_key ik = {
				.client = orig->src.u3.ip,
				.server = orig->dst.u3.ip,
				.ispi = vpnpt_get_be64(hdr + ike_off),
			};
			struct vpnpt_ike_sa *sa;

			WRITE_ONCE(s->parent, ike_id);
			sa = rhashtable_lookup(&vpnpt_ike_net(net)->sas, &ik,
					       vpnpt_ike_sa_params);
			if (sa) {
				WRITE_ONCE(s->ids.ike.spi_i, ik.ispi);
				WRITE_ONCE(s->ids.ike.spi_r,
					   READ_ONCE(sa->session->ids.ike.spi_r));
			}
		}
		break;
	default:
		vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_NATT,
				VPNPT_STAT_PARSE_ERRORS);
		break;
	}
	return NF_ACCEPT;
}

/* The entry is going: its link to a flow goes, for good. */
static void vpnpt_natt_ct_destroy(struct nf_conn *ct)
{
	struct vpnpt_natt_flow *f = xchg(&vpnpt_natt_ct(ct)->flow,
					 VPNPT_NATT_GONE);

	if (vpnpt_natt_real(f))
		vpnpt_natt_put(vpnpt_ike_net(nf_ct_net(ct)), f);
}

/* ---- helpers -------------------------------------------------------------- */

static const struct nf_conntrack_expect_policy vpnpt_ike_exp_policy = {
	.max_expected = 0,
	.timeout = 1,
};

static struct nf_conntrack_helper vpnpt_ike_helpers[] __read_mostly = {
	{
		.name = VPNPT_HELPER_IKE,
		.me = THIS_MODULE,
		.tuple.src.l3num = NFPROTO_IPV4,
		.tuple.src.u.udp.port = cpu_to_be16(VPNPT_PORT_IKE),
		.tuple.dst.protonum = IPPROTO_UDP,
		.help = vpnpt_ike_help,
		.expect_policy = &vpnpt_ike_exp_policy,
	},
	{
		.name = VPNPT_HELPER_NATT,
		.me = THIS_MODULE,
		.tuple.src.l3num = NFPROTO_IPV4,
		.tuple.src.u.udp.port = cpu_to_be16(VPNPT_PORT_NATT),
		.tuple.dst.protonum = IPPROTO_UDP,
		.help = vpnpt_natt_help,
		.destroy = vpnpt_natt_ct_destroy,
		.expect_policy = &vpnpt_ike_exp_policy,
	},
};

MODULE_ALIAS_NFCT_HELPER(VPNPT_HELPER_IKE);
MODULE_ALIAS_NFCT_HELPER(VPNPT_HELPER_NATT);

/* ---- protocol ops and namespaces ------------------------------------------ */

/*
 * The session table ends idle IKE SAs (timeout-ike), NAT-T flows
 * (timeout-natt) and the ike-keep-port state, whose peers are IKE sessions
 * too. The option ike_keep_port off: end the clients kept on port 500.
 */
static void vpnpt_ike_reconfigure(struct net *net)
{
	if (!READ_ONCE(vpnpt_net(net)->ike_keep_port))
		vpnpt_keepport_flush(net);
}

const struct vpnpt_proto_ops vpnpt_ike_proto = {
	.sessions = true,
	.reconfigure = vpnpt_ike_reconfigure,
	.helper = &vpnpt_ike_helpers[0],
	.port = VPNPT_PORT_IKE,
};

const struct vpnpt_proto_ops vpnpt_natt_proto = {
	.sessions = true,
	.helper = &vpnpt_ike_helpers[1],
	.port = VPNPT_PORT_NATT,
};

static int __net_init vpnpt_ike_net_init(struct net *net)
{
	struct vpnpt_ike_net *in = vpnpt_ike_net(net);
	int err;

	spin_lock_init(&in->lock);
	INIT_LIST_HEAD(&in->sa_list);
	INIT_LIST_HEAD(&in->natt_list);
	in->net = net;
	err = rhashtable_init(&in->sas, &vpnpt_ike_sa_params);
	if (err)
		return err;
	err = rhashtable_init(&in->natt, &vpnpt_natt_params);
	if (err)
		rhashtable_destroy(&in->sas);
	return err;
}

/* Set at module exit once the helpers are unregistered (vpnpt_ike_exit()). */
static bool vpnpt_natt_unhelped;

/*
 * A namespace goes, or the module. The sessions go, which unhashes every
 * flow. A flow still linked by a conntrack entry stays on the list until
 * the entry's destroy callback drops the link: at a namespace's exit
 * conntrack's own cleanup, which runs after this and waits for every entry
 * (also for those another CPU is deleting now), calls it, and this
 * namespace's state is freed only after that. At module exit the helper
 * was taken from the entries without that callback: their flows are freed
 * here, and the entries never read their link again.
 */
static void __net_exit vpnpt_ike_net_exit(struct net *net)
{
	struct vpnpt_ike_net *in = vpnpt_ike_net(net);
	struct vpnpt_natt_flow *f, *tmp;

	vpnpt_sessions_flush(net, BIT(VPNPT_PROTO_IKE) | BIT(VPNPT_PROTO_NATT));
	spin_lock_bh(&in->lock);
	in->dying = true;
	list_for_each_entry(f, &in->natt_list, all)
		WARN_ON_ONCE(f->hashed || rcu_access_pointer(f->session));
	if (vpnpt_natt_unhelped) {
		list_for_each_entry_safe(f, tmp, &in->natt_list, all) {
			list_del(&f->all);
			kfree_rcu(f, rcu);
		}
	}
	spin_unlock_bh(&in->lock);
	WARN_ON_ONCE(!list_empty(&in->sa_list));
	rhashtable_destroy(&in->natt);
	rhashtable_destroy(&in->sas);
}

static struct pernet_operations vpnpt_ike_net_ops = {
	.init = vpnpt_ike_net_init,
	.exit = vpnpt_ike_net_exit,
	.id = &vpnpt_ike_net_id,
	.size = sizeof(struct vpnpt_ike_net),
};

int vpnpt_ike_init(void)
{
	int err;

	BUILD_BUG_ON(sizeof(struct vpnpt_natt_ct) >
		     sizeof_field(struct nf_conn_help, data));
	err = register_pernet_subsys(&vpnpt_ike_net_ops);
	if (err)
		return err;
	err = nf_conntrack_helpers_register(vpnpt_ike_helpers,
					    ARRAY_SIZE(vpnpt_ike_helpers));
	if (err) {
		pr_err("cannot register the IKE and NAT-T helpers: %d\n", err);
		unregister_pernet_subsys(&vpnpt_ike_net_ops);
	}
	return err;
}

void vpnpt_ike_exit(void)
{
	/* No helper runs after this; conntracks forget the helpers. */
	nf_conntrack_helpers_unregister(vpnpt_ike_helpers,
					ARRAY_SIZE(vpnpt_ike_helpers));
	vpnpt_natt_unhelped = true;
	unregister_pernet_subsys(&vpnpt_ike_net_ops);
}
