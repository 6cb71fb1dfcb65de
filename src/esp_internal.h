/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw ESP, inside: the per-namespace state the ESP files share (esp.c: the
 * hook and the namespace's life; esp_bind.c: binding SPIs to clients;
 * esp_table.c: clients, servers, IKE evidence and SAs). Not for other files.
 */
#ifndef _VPNPT_ESP_INTERNAL_H
#define _VPNPT_ESP_INTERNAL_H

#include <linux/list.h>
#include <linux/rhashtable.h>
#include <linux/spinlock.h>
#include <linux/time.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <net/netns/generic.h>

struct net;
struct nf_conn;
struct vpnpt_session;

/*
 * Zones handed to clients, per namespace: [base, base + count), 32768-65535.
 * An admin's own zones must lie below.
 */
#define VPNPT_ESP_ZONE_BASE	32768
#define VPNPT_ESP_ZONE_COUNT	32768

/* IKE evidence and unbound outbound SAs are preferred this long. */
#define VPNPT_ESP_FRESH		(30 * HZ)
/* An answer is expected this soon after an SA's first packet. */
#define VPNPT_ESP_ANSWER	(2 * HZ)
/* Candidates looked at when binding an inbound SPI. */
#define VPNPT_ESP_PICK_MAX	64
/*
 * A bound SA whose client has sent for this long with nothing coming back
 * on its inbound SPI is suspect: its binding may be wrong, and an unknown
 * inbound SPI from its server may take it over (vpnpt_esp_retake()).
 */
#define VPNPT_ESP_QUIET		(3 * HZ)
/* At most one takeover attempt (a lock) per server this often. */
#define VPNPT_ESP_RETAKE_GAP	(HZ / 10)

struct vpnpt_esp_out_key {
	__be32 client;
	__be32 server;
	__be32 spi;
};

struct vpnpt_esp_in_key {
	__be32 server;
	__be32 public;
	__be32 spi;
};

struct vpnpt_esp_peer_key {
	__be32 client;
	__be32 server;
};

/* A LAN client: its zone and the template that carries it. */
struct vpnpt_esp_client {
	struct rhash_head node;
	__be32 addr;
	u16 zone;
	unsigned int users;	/* SAs; under the lock */
	struct nf_conn *tmpl;
	struct list_head release;
	struct rcu_head rcu;
};

/* A server: the unbound outbound SAs and the IKE evidence towards it. */
struct vpnpt_esp_server {
	struct rhash_head node;
	__be32 addr;
	unsigned int users;	/* SAs and peers; under the lock */
	unsigned int candidates; /* entries on the two lists */
	unsigned int nbound;	/* entries on bound */
	unsigned long retake_at; /* no takeover attempt before (jiffies) */
	struct list_head pending;	/* unbound SAs, oldest first */
	struct list_head expects;	/* peers with open evidence, oldest first */
	struct list_head bound;		/* bound SAs with an outbound SPI */
	struct rcu_head rcu;
};

/* IKE evidence of one client towards one server. */
struct vpnpt_esp_peer {
	struct rhash_head node;
	struct vpnpt_esp_peer_key key;
	struct vpnpt_esp_server *server;
	struct list_head expect;	/* on server->expects while open */
	struct list_head all;		/* on the namespace's list */
	unsigned long when;		/* of the last Child SA event */
	u64 ike_id;
	struct rcu_head rcu;
};

/*
 * What an SA knows of its client's conntrack entry towards the server (the
 * flow its inbound packets must find in the client's zone; esp_table.c).
 */
enum vpnpt_esp_flow {
	VPNPT_ESP_FLOW_UNKNOWN,		/* not seen: inbound gets no zone */
	VPNPT_ESP_FLOW_SEEN,
};

/* Which of its server's lists an SA is on (struct vpnpt_esp_sa's @on). */
enum vpnpt_esp_sa_list {
	VPNPT_ESP_SA_ON_NONE,
	VPNPT_ESP_SA_ON_PENDING,
	VPNPT_ESP_SA_ON_BOUND,
};

/*
 * One ESP SA pair (either SPI may be missing: one-way SAs). 96 bytes on 64-bit,
 * which with its session's 160 is the 256 of docs/performance.md's goal: an
 * SA is on at most one of its server's lists, only ever walked under the
 * lock, and is freed only once off both, so the two list heads and the RCU
 * head share one room; its creation time is its session's; and its packet
 * times are 32-bit jiffies, as TCP's are, compared by their difference
 * (right within 24 days at HZ=1000; an SA idle both ways for longer than
 * VPNPT_TIMEOUT_MAX, a day, has expired).
 */
struct vpnpt_esp_sa {
	struct rhash_head out_node;
	struct rhash_head in_node;
	struct vpnpt_esp_out_key okey;	/* okey.spi 0: inbound only */
	struct vpnpt_esp_in_key ikey;	/* ikey.spi 0: not bound */
	union {
		struct list_head pending; /* on server->pending while unbound */
		struct list_head bound;	/* on server->bound while bound both ways */
		struct rcu_head rcu;	/* once off both */
	};
	struct vpnpt_esp_client *client;
	struct vpnpt_esp_server *server;
	struct vpnpt_session *session;
	/* Packet times (u32 jiffies), written at most once a tick (lock-free). */
	u32 last_in;			/* last inbound packet, or the binding */
	u32 last_out;			/* last outbound packet */
	u32 out_since;			/* first outbound packet after last_in */
	u8 on;				/* enum vpnpt_esp_sa_list, under the lock */
	u8 flow;			/* enum vpnpt_esp_flow, lock-free */
	u16 flow_at;			/* its last look from the client's side */
};

struct vpnpt_esp_net {
	spinlock_t lock; /* writers of everything below; readers use RCU */
	struct rhashtable out;
	struct rhashtable in;
	struct rhashtable clients;
	struct rhashtable servers;
	struct rhashtable peers;
	struct list_head peers_all;
	struct list_head released;	/* clients whose zone is to be freed */
	unsigned long *zones;		/* bitmap, esp_zone_count bits */
	unsigned int zone_count;
	unsigned int zone_base;
	unsigned int zone_next;
	unsigned int nsas;
	/*
	 * The public address of the last inbound packet of a bound SA: a
	 * packet to it is looked up in the inbound table first, any other
	 * in the outbound one first (lock-free; only an order, either
	 * lookup runs if the first misses).
	 */
	__be32 public_hint;
	struct net *net;
	struct delayed_work release_work;
	bool dying;
};

/* The namespace's struct vpnpt_esp_net (esp_table.c; esp.c registers it). */
extern unsigned int vpnpt_esp_net_id;
/* Set once a client was freed by call_rcu(): rmmod must wait for those. */
extern bool vpnpt_esp_rcu_used;

static const struct rhashtable_params __maybe_unused vpnpt_esp_out_params = {
	.key_len = sizeof(struct vpnpt_esp_out_key),
	.key_offset = offsetof(struct vpnpt_esp_sa, okey),
	.head_offset = offsetof(struct vpnpt_esp_sa, out_node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params __maybe_unused vpnpt_esp_in_params = {
	.key_len = sizeof(struct vpnpt_esp_in_key),
	.key_offset = offsetof(struct vpnpt_esp_sa, ikey),
	.head_offset = offsetof(struct vpnpt_esp_sa, in_node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params __maybe_unused vpnpt_esp_client_params = {
	.key_len = sizeof(__be32),
	.key_offset = offsetof(struct vpnpt_esp_client, addr),
	.head_offset = offsetof(struct vpnpt_esp_client, node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params __maybe_unused vpnpt_esp_server_params = {
	.key_len = sizeof(__be32),
	.key_offset = offsetof(struct vpnpt_esp_server, addr),
	.head_offset = offsetof(struct vpnpt_esp_server, node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params __maybe_unused vpnpt_esp_peer_params = {
	.key_len = sizeof(struct vpnpt_esp_peer_key),
	.key_offset = offsetof(struct vpnpt_esp_peer, key),
	.head_offset = offsetof(struct vpnpt_esp_peer, node),
	.automatic_shrinking = true,
};

/*
 * A packet of @sa in direction @dir (1: inbound), from the hook: at most
 * one write per field and tick, so a busy SA's cache line is not dirtied
 * per packet. Races between CPUs only blur the times by a tick.
 */
static inline void vpnpt_esp_sa_seen(struct vpnpt_esp_sa *sa, int dir,
				     u32 now)
{
	if (dir) {
		if (READ_ONCE(sa->last_in) != now)
			WRITE_ONCE(sa->last_in, now);
		return;
	}
	if (READ_ONCE(sa->last_out) != now)
		WRITE_ONCE(sa->last_out, now);
	/* The first outbound packet since the last inbound one starts a wait. */
	if (READ_ONCE(sa->out_since) != now &&
	    !time_before32(READ_ONCE(sa->last_in), READ_ONCE(sa->out_since)))
		WRITE_ONCE(sa->out_since, now);
}

static inline struct vpnpt_esp_net *vpnpt_esp_net(const struct net *net)
{
	return net_generic(net, vpnpt_esp_net_id);
}

/* esp_table.c */
bool vpnpt_esp_flow_in(struct net *net, struct vpnpt_esp_sa *sa,
		       __be32 server, __be32 public);
void vpnpt_esp_flow_out(struct net *net, struct vpnpt_esp_sa *sa,
			__be32 server, u32 now);
void vpnpt_esp_peer_close(struct vpnpt_esp_net *en, struct vpnpt_esp_peer *p);
struct vpnpt_esp_sa *vpnpt_esp_sa_new(struct net *net,
				      struct vpnpt_esp_net *en,
				      __be32 client, __be32 server,
				      __be32 spi_out,
				      const struct vpnpt_esp_in_key *in,
				      u64 parent,
				      struct vpnpt_session **orphan);
void vpnpt_esp_bound_add(struct vpnpt_esp_net *en, struct vpnpt_esp_sa *sa);
void vpnpt_esp_bound_del(struct vpnpt_esp_net *en, struct vpnpt_esp_sa *sa);
void vpnpt_esp_pending_add(struct vpnpt_esp_net *en, struct vpnpt_esp_sa *sa);
void vpnpt_esp_pending_del(struct vpnpt_esp_net *en, struct vpnpt_esp_sa *sa);
void vpnpt_esp_release_zones(struct vpnpt_esp_net *en, bool flush_ct);
void vpnpt_esp_release_work(struct work_struct *work);
bool vpnpt_esp_expire(struct net *net, unsigned long now);

#endif /* _VPNPT_ESP_INTERNAL_H */
