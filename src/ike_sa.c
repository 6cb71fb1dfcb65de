// SPDX-License-Identifier: GPL-2.0
/*
 * IKE SAs, for the binding of ESP SPIs and for the admin's view (see ike.c).
 *
 * For each IKE message between a LAN client and a server, by (client,
 * server, initiator SPI), the IKE SA: its SPI pair, its state, and when the
 * server last answered each exchange type. Each IKE SA is a session of the
 * session table. A message that completes Child SAs is reported to ESP as
 * evidence (vpnpt_esp_ike_child()).
 */
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "esp_table.h"
#include "ike_internal.h"
#include "netns.h"
#include "proto.h"

unsigned int vpnpt_ike_net_id __read_mostly;

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

/* ---- IKE SAs -------------------------------------------------------------- */

/*
 * Whether a message not matching a known IKE SA starts one: only a message
 * of the client's: the first message of an exchange that creates an IKE SA,
 * or any message whose responder SPI is set (an IKE SA rekeyed, or one that
 * existed before vpnpt saw it). A message from the server's side on SPIs
 * the client has not used makes nothing: anyone on the internet can send
 * one "from" the server to the client's flow, and each would be charged to
 * the client (docs/security.md). Such an SA is tracked from the client's
 * first message on it.
 */
static bool vpnpt_ike_starts_sa(const struct vpnpt_ike_hdr *h, bool from_client)
{
	return from_client && (h->rspi || !h->response);
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

/* One IKE message (ike_internal.h). */
u64 vpnpt_ike_message(struct net *net, const struct nf_conn *ct,
		      bool from_client, const u8 *hdr, size_t len, bool natt)
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

