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
 * apart, so nothing else is needed for NAT-T.
 *
 * Malformed IKE is counted (VPNPT_STAT_PARSE_ERRORS) and passed: the
 * endpoints judge it; it changes no state here.
 *
 * Files: ike.c (this one) the helpers, NAT-T flows and the namespace's IKE
 * state's life; ike_sa.c the IKE SAs and what each message means;
 * ike_internal.h what they share.
 */
#include <linux/module.h>
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

/* One NAT-T flow (a UDP 4500 conntrack). */
struct vpnpt_natt_flow {
	struct rhash_head node;
	struct rhash_head id_node;
	struct vpnpt_natt_key key;
	u64 id;		/* its session's */
	struct list_head all;
	struct vpnpt_session *session;
	struct rcu_head rcu;
};

static const struct rhashtable_params vpnpt_natt_params = {
	.key_len = sizeof(struct vpnpt_natt_key),
	.key_offset = offsetof(struct vpnpt_natt_flow, key),
	.head_offset = offsetof(struct vpnpt_natt_flow, node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params vpnpt_natt_id_params = {
	.key_len = sizeof(u64),
	.key_offset = offsetof(struct vpnpt_natt_flow, id),
	.head_offset = offsetof(struct vpnpt_natt_flow, id_node),
	.automatic_shrinking = true,
};

static void vpnpt_natt_destroy(struct net *net, struct vpnpt_session *s)
{
	struct vpnpt_ike_net *in = vpnpt_ike_net(net);
	struct vpnpt_natt_flow *f;

	spin_lock_bh(&in->lock);
	f = rhashtable_lookup_fast(&in->natt_ids, &s->id, vpnpt_natt_id_params);
	if (f && f->session == s) {
		rhashtable_remove_fast(&in->natt, &f->node, vpnpt_natt_params);
		rhashtable_remove_fast(&in->natt_ids, &f->id_node,
				       vpnpt_natt_id_params);
		list_del_rcu(&f->all);
	} else {
		f = NULL;
	}
	spin_unlock_bh(&in->lock);
	if (f)
		kfree_rcu(f, rcu);
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
	u8 buf[VPNPT_IKE_HDR_LEN];
	struct mem_cgroup *old;
	const u8 *hdr;
	size_t len;

	vpnpt_count_forwarded(skb, ct, VPNPT_PROTO_IKE);
	if (nf_ct_l3num(ct) != NFPROTO_IPV4 || skb->len < off ||
	    !vpnpt_proto_enabled(vpnpt_net(net), VPNPT_PROTO_IKE))
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

/* As vpnpt_ike_sa_new(): inserted in the session table, then published. */
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
		goto err;
	}
	f->key = *k;
	f->session = s;
	s->ops = &vpnpt_natt_ops;
	s->client = k->client;
	s->server = k->server;
	s->public = ct->tuplehash[IP_CT_DIR_REPLY].tuple.dst.u3.ip;
	/* Refused: freed at once, nothing saw it. */
	if (vpnpt_session_insert(net, s))
		goto err;
	f->id = s->id;
	if (rhashtable_insert_fast(&in->natt_ids, &f->id_node,
				   vpnpt_natt_id_params))
		goto err_orphan;
	if (rhashtable_insert_fast(&in->natt, &f->node, vpnpt_natt_params)) {
		rhashtable_remove_fast(&in->natt_ids, &f->id_node,
				       vpnpt_natt_id_params);
		goto err_orphan;
	}
	list_add_tail_rcu(&f->all, &in->natt_list);
	goto out;
err_orphan:
	/* No flow refers to the session: it goes again (its destroy finds
	 * nothing). It stays valid until our RCU section ends.
	 */
	spin_unlock_bh(&in->lock);
	kfree_rcu(f, rcu);
	vpnpt_session_remove(net, s);
	return NULL;
err:
	kfree(f);
	f = NULL;
out:
	spin_unlock_bh(&in->lock);
	return f;
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
	struct vpnpt_ike_net *in = vpnpt_ike_net(net);
	struct vpnpt_natt_flow *f;
	struct vpnpt_natt_key k;
	struct mem_cgroup *old;
	u8 buf[VPNPT_IKE_PEEK];
	enum vpnpt_natt_kind kind;
	const u8 *hdr;
	size_t len, ike_off;
	u64 ike_id;

	vpnpt_count_forwarded(skb, ct, VPNPT_PROTO_NATT);
	if (nf_ct_l3num(ct) != NFPROTO_IPV4 || skb->len < off ||
	    !vpnpt_proto_enabled(vn, VPNPT_PROTO_NATT))
		return NF_ACCEPT;
	len = skb->len - off;
	hdr = len ? skb_header_pointer(skb, off, min_t(size_t, len, sizeof(buf)),
				       buf) : NULL;
	kind = hdr ? vpnpt_natt_classify(hdr, len, &ike_off) : VPNPT_NATT_MALFORMED;

	k.client = orig->src.u3.ip;
	k.server = orig->dst.u3.ip;
	k.port = orig->src.u.udp.port;
	k.pad = 0;
	f = rhashtable_lookup(&in->natt, &k, vpnpt_natt_params);
	if (!f) {
		/* Known flows were checked when they began. */
		if (!vpnpt_ct_lan_client(skb, ct, ctinfo))
			return NF_ACCEPT;
		if (kind != VPNPT_NATT_MALFORMED) {
			old = vpnpt_charge_begin(net);
			f = vpnpt_natt_new(net, in, ct, &k);
			vpnpt_charge_end(old);
		}
	}
	if (f)
		vpnpt_session_seen(f->session, from_client ? 0 : 1, len);

	switch (kind) {
	case VPNPT_NATT_KEEPALIVE:
		vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_NATT,
				VPNPT_STAT_NATT_KEEPALIVE);
		break;
	case VPNPT_NATT_ESP:
		vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_NATT, VPNPT_STAT_NATT_ESP);
		if (f && !from_client)
			vpnpt_session_set_state(net, f->session,
						VPNPT_SESSION_ESTABLISHED);
		break;
	case VPNPT_NATT_IKE:
		vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_NATT, VPNPT_STAT_NATT_IKE);
		if (!vpnpt_proto_enabled(vn, VPNPT_PROTO_IKE))
			break;
		old = vpnpt_charge_begin(net);
		ike_id = vpnpt_ike_message(net, ct, from_client, hdr + ike_off,
					   len - ike_off, true);
		vpnpt_charge_end(old);
		if (f && ike_id && READ_ONCE(f->session->parent) != ike_id) {
			struct vpnpt_ike_key ik = {
				.client = k.client, .server = k.server,
				.ispi = vpnpt_get_be64(hdr + ike_off),
			};
			struct vpnpt_ike_sa *sa;

			WRITE_ONCE(f->session->parent, ike_id);
			sa = rhashtable_lookup(&in->sas, &ik, vpnpt_ike_sa_params);
			if (sa) {
				WRITE_ONCE(f->session->ids.ike.spi_i, ik.ispi);
				WRITE_ONCE(f->session->ids.ike.spi_r,
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
		goto err_sas;
	err = rhashtable_init(&in->natt_ids, &vpnpt_natt_id_params);
	if (err)
		goto err_natt;
	return 0;

err_natt:
	rhashtable_destroy(&in->natt);
err_sas:
	rhashtable_destroy(&in->sas);
	return err;
}

static void __net_exit vpnpt_ike_net_exit(struct net *net)
{
	struct vpnpt_ike_net *in = vpnpt_ike_net(net);

	vpnpt_sessions_flush(net, BIT(VPNPT_PROTO_IKE) | BIT(VPNPT_PROTO_NATT));
	spin_lock_bh(&in->lock);
	in->dying = true;
	spin_unlock_bh(&in->lock);
	WARN_ON_ONCE(!list_empty(&in->sa_list) || !list_empty(&in->natt_list));
	rhashtable_destroy(&in->natt_ids);
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
	unregister_pernet_subsys(&vpnpt_ike_net_ops);
}
