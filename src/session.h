/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The session table: what vpnpt shows of each VPN session it helps, for the
 * admin (netlink dumps, events) and for the caps. Protocols add sessions;
 * the table owns their lifetime.
 */
#ifndef _VPNPT_SESSION_H
#define _VPNPT_SESSION_H

#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <uapi/linux/vpnpt.h>

struct net;
struct sk_buff;
struct vpnpt_session;

/**
 * struct vpnpt_session_ops - what a protocol does for its sessions
 * @destroy: called once when the session leaves the table (flush, switch
 *	off, namespace exit, idle expiry, protocol end), outside the table's
 *	lock, in process or softirq context; must not sleep. The session's
 *	@expired tells the table's own ends (idle expiry, eviction) from
 *	the others.
 * @fill: optional: put the protocol's own attributes (VPNPT_SA_*) into the
 *	session's nest of a dump message or an event, after the common ones.
 *	Called under rcu_read_lock() in any context, also for the
 *	SESSION_DEL event (before @destroy); must not sleep. Whatever it reads
 *	through @priv must stay valid for RCU readers as long as the session
 *	can be found (free it with an RCU delay after @destroy). Returns 0 or
 *	-EMSGSIZE (the whole session is then cancelled).
 */
struct vpnpt_session_ops {
	void (*destroy)(struct net *net, struct vpnpt_session *s);
	int (*fill)(struct sk_buff *skb, const struct vpnpt_session *s);
};

/**
 * struct vpnpt_session - one session
 * @hnode: in the table's id hash (dumps, reaping)
 * @idnode: in the table's id rhashtable (lookups on the packet path)
 * @prov: on the table's @provisional list while in the table and
 *	provisional (state %VPNPT_SESSION_NEW: the far side never answered);
 *	meaningful only while in the table (@hnode hashed)
 * @gc: once out of the table: on a private list while being removed in
 *	bulk, or on the table's @evicted list
 * @rcu: for freeing after readers are done, once off every list
 * @ops: the owning protocol's operations (may be NULL)
 * @id: unique in the namespace while the module is loaded
 * @proto: enum vpnpt_proto
 * @state: enum vpnpt_session_state
 * @expired: the table removed it on its own, idle or evicted for a fair
 *	share, not because its protocol or the admin ended it (set before
 *	@ops->destroy)
 * @client: the LAN client
 * @server: the server
 * @public: the router's address as the server sees it
 * @zone: conntrack zone vpnpt placed the flow in (0: none)
 * @parent: id of the session this one belongs to (0: none)
 * @created: jiffies at creation
 * @last_seen: jiffies of the last packet
 * @packets: [0] client to server, [1] server to client
 * @bytes: same
 * @ids: protocol-specific identifiers (see enum vpnpt_session_attr)
 * @priv: the owning protocol's object for this session (may be NULL)
 */
struct vpnpt_session {
	struct hlist_node hnode;
	struct rhash_head idnode;
	union { /* one at a time: in the table, removed, freed */
		struct list_head prov;
		struct list_head gc;
		struct rcu_head rcu;
	};
	const struct vpnpt_session_ops *ops;
	u64 id;
	u8 proto;
	u8 state;
	bool expired;
	__be32 client;
	__be32 server;
	__be32 public;
	u16 zone;
	u64 parent;
	unsigned long created;
	unsigned long last_seen;
	atomic64_t packets[2];
	atomic64_t bytes[2];
	union {
		struct {
			u16 call_id_inside;
			u16 call_id_outside;
			u16 peer_call_id;
		} pptp;
		struct {
			__be32 spi_out;
			__be32 spi_in;
		} ipsec;
		struct {
			u64 spi_i;
			u64 spi_r;
		} ike;
		struct {
			u16 tunnel_id;
			u16 peer_tunnel_id;
		} l2tp;
	} ids;
	void *priv;
};

#define VPNPT_SESSION_HASH_BITS	10

/**
 * struct vpnpt_sessions - a namespace's session table
 * @lock: serialises writers; readers use RCU
 * @hash: sessions by id, a fixed array of chains: dumps resume in a
 *	bucket by id (vpnpt_sessions_walk()), and reaping goes a chain at a
 *	time
 * @byid: the same sessions by id, resizable: what a packet looks up, so
 *	that its cost does not grow with the number of sessions
 * @clients: per-client session counts, by client address
 * @count: sessions in the table
 * @nclients: clients with a session in the table
 * @provisional: the provisional sessions in the table, oldest first
 * @evicted: sessions taken out of the table to make room, to be
 *	destroyed by @evict (the inserting caller may hold its protocol's
 *	locks, which the destroy takes)
 * @evict: destroys the @evicted sessions
 * @next_id: the next session id
 * @gen: changes with every insertion and removal, never 0; a dump that
 *	sees it change between its messages is marked NLM_F_DUMP_INTR
 * @expiry: ends idle sessions (each protocol's timeout) and runs the
 *	protocols' @expire ops; queued while there is something to expire
 * @expiring: @expiry may be queued (under @lock)
 * @net: the namespace
 */
struct vpnpt_sessions {
	spinlock_t lock; /* writers; readers use RCU */
	struct hlist_head hash[1 << VPNPT_SESSION_HASH_BITS];
	struct rhashtable byid;
	struct hlist_head clients[1 << VPNPT_SESSION_HASH_BITS];
	u32 seed; /* of @clients: client addresses are chosen by outsiders */
	unsigned int count;
	unsigned int nclients;
	struct list_head provisional;
	struct list_head evicted;
	struct work_struct evict;
	u64 next_id;
	unsigned int gen;
	struct delayed_work expiry;
	bool expiring;
	struct net *net;
};

/*
 * Module parts (main.c): the session table of every namespace, set up after
 * the per-namespace state; and its expiry, started after every protocol
 * (its worker calls their @expire ops) and stopped before any.
 */
int vpnpt_sessions_register(void);
void vpnpt_sessions_unregister(void);
int vpnpt_expiry_register(void);
void vpnpt_expiry_unregister(void);

/*
 * A protocol now holds state that its @expire op will expire: make sure
 * the expiry worker runs. Any context. (Session insertion does it itself.)
 */
void vpnpt_expiry_kick(struct net *net);

/*
 * Allocate a session for @proto; the caller fills in addresses and ids, then
 * calls vpnpt_session_insert(), which enforces the caps: -ENOSPC (counted as
 * VPNPT_STAT_SESSIONS_REFUSED) when the namespace or the client is full, in
 * which case the session is freed. A session inserted in state
 * %VPNPT_SESSION_NEW is provisional until its state changes: when the
 * namespace is full, the insertion of a session of a client below its fair
 * share (or of a client with an established session, for its rekeys) takes
 * the place of the oldest provisional session of a client above its share,
 * which leaves the table at once and is destroyed from a work item
 * (docs/security.md). A client also holds at most its protocol's
 * @client_max sessions of it (struct vpnpt_proto_ops).
 */
struct vpnpt_session *vpnpt_session_alloc(enum vpnpt_proto proto, gfp_t gfp);
/* Free a session that was never inserted (an insert frees what it refuses). */
void vpnpt_session_free(struct vpnpt_session *s);
int vpnpt_session_insert(struct net *net, struct vpnpt_session *s);
/* Take a session out of the table and destroy it. */
void vpnpt_session_remove(struct net *net, struct vpnpt_session *s);
void vpnpt_session_seen(struct vpnpt_session *s, int dir, unsigned int len);

/*
 * The session with id @id, or NULL. Call under rcu_read_lock(); the session
 * stays valid (not necessarily in the table) until rcu_read_unlock().
 */
struct vpnpt_session *vpnpt_session_find_rcu(struct net *net, u64 id);

/*
 * Set a session's state; announced like a new session when it changes.
 * Any context; takes the table's lock when the state changes.
 */
void vpnpt_session_set_state(struct net *net, struct vpnpt_session *s,
			     enum vpnpt_session_state state);

/* A session's ids changed: announced like a new session. Any context. */
void vpnpt_session_changed(struct net *net, struct vpnpt_session *s);

/* The table's generation (struct vpnpt_sessions @gen), read locklessly. */
unsigned int vpnpt_sessions_gen(struct net *net);

/* Remove the sessions of the protocols in @protos; returns how many. */
unsigned int vpnpt_sessions_flush(struct net *net, u32 protos);

/*
 * Dump helper: call @fn for each session of @protos under RCU, starting at
 * bucket *@bucket with the sessions whose id is below *@last (0: the whole
 * bucket); stops when @fn returns non-zero and leaves the position there
 * (the last session reported) so the dump can resume.
 */
int vpnpt_sessions_walk(struct net *net, u32 protos, unsigned long *bucket,
			u64 *last,
			int (*fn)(const struct vpnpt_session *s, void *arg),
			void *arg);

#endif /* _VPNPT_SESSION_H */
