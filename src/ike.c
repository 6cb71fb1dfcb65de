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
 */
#include <linux/module.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/netlink.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_conntrack_zones.h>
#include <net/netns/generic.h>

#include "esp.h"
#include "filter.h"
#include "ike.h"
#include "ike_keepport.h"
#include "ike_parse.h"
#include "netns.h"
#include "proto.h"

/* Exchange types, folded into a small index for the per-type times. */
enum {
	VPNPT_IKE_X_V1_BASE = 0,	/* IKEv1 1..6 */
	VPNPT_IKE_X_V1_QUICK = 6,
	VPNPT_IKE_X_V1_NEW_GROUP,
	VPNPT_IKE_X_V2_FIRST,		/* IKEv2 34..44 */
	VPNPT_IKE_X_PRIVATE = VPNPT_IKE_X_V2_FIRST +
		VPNPT_IKEV2_EXCH_IKE_FOLLOWUP_KE - VPNPT_IKEV2_EXCH_IKE_SA_INIT + 1,
	VPNPT_IKE_X_MAX,
};

struct vpnpt_ike_key {
	__be32 client;
	__be32 server;
	u64 ispi;
};

/*
 * One IKE SA of a client with a server; its session's priv. Lifetime: it
 * is published (rhashtable, list) only after its session is in the session
 * table, and it belongs to the session from the session's insertion on:
 * only the session's destroy callback frees it, with kfree_rcu(), also when
 * publishing it failed. The session table calls destroy after the session's
 * last event (SESSION_DEL, whose fill reads the SA), whoever removed it;
 * the session itself is freed with kfree_rcu() after that. So an RCU reader
 * that holds the session (dump, event fill) may read the SA through s->priv
 * until its rcu_read_unlock().
 */
struct vpnpt_ike_sa {
	struct rhash_head node;
	struct vpnpt_ike_key key;
	struct list_head all;
	struct vpnpt_session *session;
	/* jiffies of the server's last response, by exchange type (0: none) */
	unsigned long last_resp[VPNPT_IKE_X_MAX];
	/*
	 * IKEv2: vpnpt_ike_request_key() of each peer's last request, [0] the
	 * client's, [1] the server's: only a response to the other peer's
	 * request is evidence (a response alone can be forged by anyone).
	 */
	u64 v2_request[2];
	/* IKEv1: Message ID of the server's last Quick Mode answer */
	u32 v1_quick_id;
	bool v1_quick_open;
	bool published;	/* in the rhashtable and the list; under in->lock */
	struct rcu_head rcu;
};

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

struct vpnpt_ike_net {
	spinlock_t lock; /* writers; readers use RCU */
	struct rhashtable sas;
	struct rhashtable natt;
	struct rhashtable natt_ids;
	struct list_head sa_list;
	struct list_head natt_list;
	struct net *net;
	bool dying;
};

static unsigned int vpnpt_ike_net_id __read_mostly;

static const struct rhashtable_params vpnpt_ike_sa_params = {
	.key_len = sizeof(struct vpnpt_ike_key),
	.key_offset = offsetof(struct vpnpt_ike_sa, key),
	.head_offset = offsetof(struct vpnpt_ike_sa, node),
	.automatic_shrinking = true,
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

static struct vpnpt_ike_net *vpnpt_ike_net(const struct net *net)
{
	return net_generic(net, vpnpt_ike_net_id);
}

static int vpnpt_ike_exch_index(u8 version, u8 exchange)
{
	if (exchange >= VPNPT_IKE_EXCH_PRIVATE_MIN)
		return VPNPT_IKE_X_PRIVATE;
	if (version == VPNPT_IKE_V1) {
		if (exchange == VPNPT_IKEV1_EXCH_QUICK)
			return VPNPT_IKE_X_V1_QUICK;
		if (exchange == VPNPT_IKEV1_EXCH_NEW_GROUP)
			return VPNPT_IKE_X_V1_NEW_GROUP;
		return VPNPT_IKE_X_V1_BASE + exchange - VPNPT_IKEV1_EXCH_BASE;
	}
	return VPNPT_IKE_X_V2_FIRST + exchange - VPNPT_IKEV2_EXCH_IKE_SA_INIT;
}

static_assert(VPNPT_IKE_RESP_EXCH_PRIVATE == VPNPT_IKE_EXCH_PRIVATE_MIN);

/* The on-wire exchange type of index @i; the private range is its first. */
static u8 vpnpt_ike_exch_type(int i)
{
	if (i == VPNPT_IKE_X_PRIVATE)
		return VPNPT_IKE_RESP_EXCH_PRIVATE;
	if (i >= VPNPT_IKE_X_V2_FIRST)
		return VPNPT_IKEV2_EXCH_IKE_SA_INIT + i - VPNPT_IKE_X_V2_FIRST;
	if (i == VPNPT_IKE_X_V1_NEW_GROUP)
		return VPNPT_IKEV1_EXCH_NEW_GROUP;
	if (i == VPNPT_IKE_X_V1_QUICK)
		return VPNPT_IKEV1_EXCH_QUICK;
	return VPNPT_IKEV1_EXCH_BASE + i - VPNPT_IKE_X_V1_BASE;
}

/* ---- sessions -------------------------------------------------------------- */

static void vpnpt_ike_sa_destroy(struct net *net, struct vpnpt_session *s)
{
	struct vpnpt_ike_net *in = vpnpt_ike_net(net);
	struct vpnpt_ike_sa *sa = s->priv;

	/*
	 * vpnpt_ike_sa_new() holds the lock from the session's insertion
	 * until the SA is published or known not to be.
	 */
	spin_lock_bh(&in->lock);
	if (sa->published) {
		rhashtable_remove_fast(&in->sas, &sa->node, vpnpt_ike_sa_params);
		list_del_rcu(&sa->all);
		sa->published = false;
	}
	spin_unlock_bh(&in->lock);
	kfree_rcu(sa, rcu);
}

/*
 * VPNPT_SA_IKE_RESPONSES: the exchange types the server has sent, with the
 * seconds since. At most VPNPT_IKE_X_MAX small entries.
 */
static int vpnpt_ike_sa_fill(struct sk_buff *skb, const struct vpnpt_session *s)
{
	const struct vpnpt_ike_sa *sa = s->priv;
	unsigned long now = jiffies, t, age;
	struct nlattr *all = NULL, *one;
	int i;

	/* @sa stays valid for RCU readers only (see struct vpnpt_ike_sa). */
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "IKE SA filled outside RCU");
	if (!sa)
		return 0;
	for (i = 0; i < VPNPT_IKE_X_MAX; i++) {
		t = READ_ONCE(sa->last_resp[i]);
		if (!t)
			continue;
		/* A message that arrived after @now was read: age 0. */
		age = time_after(t, now) ? 0 : (now - t) / HZ;
		if (!all) {
			all = nla_nest_start(skb, VPNPT_SA_IKE_RESPONSES);
			if (!all)
				return -EMSGSIZE;
		}
		one = nla_nest_start(skb, VPNPT_IKE_RESP_ENTRY);
		if (!one ||
		    nla_put_u8(skb, VPNPT_IKE_RESP_EXCHANGE, vpnpt_ike_exch_type(i)) ||
		    nla_put_u32(skb, VPNPT_IKE_RESP_AGE, min_t(unsigned long, age, U32_MAX)))
			return -EMSGSIZE;
		nla_nest_end(skb, one);
	}
	if (all)
		nla_nest_end(skb, all);
	return 0;
}

static const struct vpnpt_session_ops vpnpt_ike_sa_ops = {
	.destroy = vpnpt_ike_sa_destroy,
	.fill = vpnpt_ike_sa_fill,
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

/* ---- IKE SAs -------------------------------------------------------------- */

/*
 * Whether a message not matching a known IKE SA starts one: the first
 * message of an exchange that creates an IKE SA, from the client, or any
 * message whose responder SPI is set (an IKE SA rekeyed, or one that
 * existed before vpnpt saw it).
 */
static bool vpnpt_ike_starts_sa(const struct vpnpt_ike_hdr *h, bool from_client)
{
	if (h->rspi)
		return true;
	return from_client && !h->response;
}

/*
 * The session is inserted (its caps checked) before the SA is published to
 * the lock-free lookup: a packet never finds a refused SA, nor its freed
 * session.
 */
static struct vpnpt_ike_sa *vpnpt_ike_sa_new(struct net *net,
					     struct vpnpt_ike_net *in,
					     const struct vpnpt_ike_key *k,
					     u64 rspi, __be32 public, u16 zone)
{
	struct vpnpt_session *s;
	struct vpnpt_ike_sa *sa;

	/* The SA returned, or a session that failed to publish, outlives the lock. */
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "IKE SA created outside RCU");
	spin_lock_bh(&in->lock);
	sa = rhashtable_lookup_fast(&in->sas, k, vpnpt_ike_sa_params);
	if (sa || in->dying)
		goto out;
	sa = kzalloc(sizeof(*sa), VPNPT_GFP_STATE);
	if (!sa)
		goto out;
	s = vpnpt_session_alloc(VPNPT_PROTO_IKE, VPNPT_GFP_STATE);
	if (!s)
		goto err;
	sa->key = *k;
	sa->session = s;
	s->ops = &vpnpt_ike_sa_ops;
	s->priv = sa;
	s->client = k->client;
	s->server = k->server;
	s->public = public;
	s->zone = zone;
	s->ids.ike.spi_i = k->ispi;
	s->ids.ike.spi_r = rspi;
	/* Refused: freed at once, nothing saw it. */
	if (vpnpt_session_insert(net, s))
		goto err;
	/* From here on the SA is the session's: its destroy frees it. */
	if (rhashtable_insert_fast(&in->sas, &sa->node, vpnpt_ike_sa_params)) {
		/*
		 * Not published: the session goes again, and its destroy
		 * frees the SA. A flush may have taken the session from the
		 * table meanwhile; then that flush sends its SESSION_DEL
		 * (whose fill reads the SA) and calls its destroy, and the
		 * remove below finds nothing to do. The session stays valid
		 * until our RCU section ends.
		 */
		spin_unlock_bh(&in->lock);
		vpnpt_session_remove(net, s);
		return NULL;
	}
	sa->published = true;
	list_add_tail_rcu(&sa->all, &in->sa_list);
	goto out;
err:
	kfree(sa);
	sa = NULL;
out:
	spin_unlock_bh(&in->lock);
	return sa;
}

/*
 * One IKE message of the flow of @ct, on UDP 4500 if @natt. Returns the IKE
 * SA's session id, 0 if the message belongs to none. From the helper.
 */
static u64 vpnpt_ike_message(struct net *net, const struct nf_conn *ct,
			     bool from_client, const u8 *hdr, size_t len,
			     bool natt)
{
	const struct nf_conntrack_tuple *orig =
		&ct->tuplehash[IP_CT_DIR_ORIGINAL].tuple;
	struct vpnpt_ike_net *in = vpnpt_ike_net(net);
	struct vpnpt_net *vn = vpnpt_net(net);
	enum vpnpt_ike_child_event ev;
	struct vpnpt_ike_hdr h;
	struct vpnpt_ike_key k;
	struct vpnpt_ike_sa *sa;
	struct vpnpt_session *s;
	int err;

	/* The SAs and sessions it finds stay valid until the helper returns. */
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "IKE message outside RCU");
	err = vpnpt_ike_parse(hdr, len, &h);
	/* Padding after a valid message is tolerated (counted). */
	if (err) {
		vpnpt_stats_inc(&vn->stats, VPNPT_PROTO_IKE,
				VPNPT_STAT_PARSE_ERRORS);
		if (err != -VPNPT_IKE_ERR_TRAILING)
			return 0;
	}
	k.client = orig->src.u3.ip;
	k.server = orig->dst.u3.ip;
	k.ispi = h.ispi;
	sa = rhashtable_lookup(&in->sas, &k, vpnpt_ike_sa_params);
	if (!sa) {
		if (!vpnpt_ike_starts_sa(&h, from_client))
			return 0;
		sa = vpnpt_ike_sa_new(net, in, &k, h.rspi,
				      ct->tuplehash[IP_CT_DIR_REPLY].tuple.dst.u3.ip,
				      nf_ct_zone(ct)->id);
		if (!sa)
			return 0;
	}
	s = sa->session;
	vpnpt_session_seen(s, from_client ? 0 : 1, len);
	if (h.rspi && !READ_ONCE(s->ids.ike.spi_r))
		WRITE_ONCE(s->ids.ike.spi_r, h.rspi);
	if (!from_client) {
		/* 0 means none: a jiffies value of 0 is kept as 1 */
		WRITE_ONCE(sa->last_resp[vpnpt_ike_exch_index(h.version, h.exchange)],
			   jiffies ?: 1);
		/* IKEv2: authenticated; IKEv1: phase 1 keys are in use. */
		if ((h.version == VPNPT_IKE_V2 && h.response &&
		     h.exchange == VPNPT_IKEV2_EXCH_IKE_AUTH) ||
		    (h.version == VPNPT_IKE_V1 &&
		     (h.flags & VPNPT_IKEV1_FLAG_ENCRYPT)))
			vpnpt_session_set_state(net, s,
						VPNPT_SESSION_ESTABLISHED);
	}
	/*
	 * IKEv2: the response that creates or rekeys Child SAs, if it answers
	 * a request the other peer sent (either peer may start a
	 * CREATE_CHILD_SA, so either may send the response). IKEv1: the
	 * server answers the client's Quick Mode (its SPIs are in that
	 * answer) but only sends on the new SA once the client's third
	 * message, with the same Message ID, arrives: that is the evidence.
	 */
	/*
	 * IKE on UDP 4500 has detected the NAT: its Child SAs are ESP in UDP
	 * and no evidence for raw ESP (a raw-ESP client's SPI bound to a NAT-T
	 * client would be lost).
	 */
	if (natt)
		return s->id;
	ev = vpnpt_ike_child_event(&h, !from_client);
	if (h.version == VPNPT_IKE_V2) {
		u64 req = vpnpt_ike_request_key(&h);

		if (req)
			WRITE_ONCE(sa->v2_request[!from_client], req);
		else if (!vpnpt_ike_answers(READ_ONCE(sa->v2_request[from_client]),
					    &h))
			ev = VPNPT_IKE_CHILD_NONE;
	}
	if (ev == VPNPT_IKE_CHILD_QUICK) {
		WRITE_ONCE(sa->v1_quick_id, h.msg_id);
		WRITE_ONCE(sa->v1_quick_open, true);
	} else if (ev != VPNPT_IKE_CHILD_NONE) {
		vpnpt_esp_ike_child(net, k.client, k.server, s->id);
	} else if (h.version == VPNPT_IKE_V1 && from_client &&
		   h.exchange == VPNPT_IKEV1_EXCH_QUICK &&
		   READ_ONCE(sa->v1_quick_open) &&
		   READ_ONCE(sa->v1_quick_id) == h.msg_id) {
		WRITE_ONCE(sa->v1_quick_open, false);
		vpnpt_esp_ike_child(net, k.client, k.server, s->id);
	}
	return s->id;
}

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
		kfree(s);
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
 * The session table ends idle IKE SAs (timeout-ike) and NAT-T flows
 * (timeout-natt); the ike-keep-port state is IKE's own.
 */
static bool vpnpt_ike_expire(struct net *net, unsigned long now)
{
	return vpnpt_keepport_expire(net, now);
}

static void vpnpt_ike_flush(struct net *net)
{
	vpnpt_keepport_flush(net);
}

/* The option ike_keep_port off: forget the clients kept on port 500. */
static void vpnpt_ike_reconfigure(struct net *net)
{
	if (!READ_ONCE(vpnpt_net(net)->ike_keep_port))
		vpnpt_keepport_flush(net);
}

const struct vpnpt_proto_ops vpnpt_ike_proto = {
	.sessions = true,
	.expire = vpnpt_ike_expire,
	.flush = vpnpt_ike_flush,
	.reconfigure = vpnpt_ike_reconfigure,
};

const struct vpnpt_proto_ops vpnpt_natt_proto = {
	.sessions = true,
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
