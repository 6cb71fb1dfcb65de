/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IKE, inside: the per-namespace state of the IKE and NAT-T helpers (ike.c)
 * and the IKE SAs they track (ike_sa.c). Not for other files.
 */
#ifndef _VPNPT_IKE_INTERNAL_H
#define _VPNPT_IKE_INTERNAL_H

#include <linux/list.h>
#include <linux/rhashtable.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <net/netns/generic.h>

#include "ike_parse.h"

struct net;
struct nf_conn;
struct vpnpt_session;

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
 * the session itself is freed with call_rcu() after that. So an RCU reader
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

struct vpnpt_ike_net {
	spinlock_t lock; /* writers; readers use RCU */
	struct rhashtable sas;
	struct rhashtable natt;
	struct list_head sa_list;
	struct list_head natt_list;
	struct net *net;
	bool dying;
};

/* The namespace's struct vpnpt_ike_net (ike_sa.c; ike.c registers it). */
extern unsigned int vpnpt_ike_net_id;

static const struct rhashtable_params __maybe_unused vpnpt_ike_sa_params = {
	.key_len = sizeof(struct vpnpt_ike_key),
	.key_offset = offsetof(struct vpnpt_ike_sa, key),
	.head_offset = offsetof(struct vpnpt_ike_sa, node),
	.automatic_shrinking = true,
};

static inline struct vpnpt_ike_net *vpnpt_ike_net(const struct net *net)
{
	return net_generic(net, vpnpt_ike_net_id);
}

/*
 * One IKE message of the flow of @ct, on UDP 4500 if @natt. Returns the IKE
 * SA's session id, 0 if the message belongs to none. From the helper.
 */
u64 vpnpt_ike_message(struct net *net, const struct nf_conn *ct,
		      bool from_client, const u8 *hdr, size_t len, bool natt);

#endif /* _VPNPT_IKE_INTERNAL_H */
