/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PPTP passthrough: what vpnpt keeps of a control connection and its calls,
 * shared by the control helper (pptp.c), the connection's life and caps
 * (pptp_conn.c), Call ID NAT (pptp_callid.c) and the GRE flows (pptp_gre.c).
 */
#ifndef _VPNPT_PPTP_CONN_H
#define _VPNPT_PPTP_CONN_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/rhashtable-types.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/tcp.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/netfilter/nf_conntrack_zones.h>

#include "pptp_parse.h"

/* Largest number of calls vpnpt follows on one control connection. */
#define VPNPT_PPTP_MAX_CALLS	64

struct vpnpt_net;
struct vpnpt_session;

#define VPNPT_PPTP_CLIENT_BITS	8

enum vpnpt_pptp_call_state {
	VPNPT_PPTP_CALL_OUT_WAIT,	/* OCRQ seen, waiting for OCRP */
	VPNPT_PPTP_CALL_IN_WAIT,	/* ICRQ seen, waiting for ICRP */
	VPNPT_PPTP_CALL_UP,		/* both IDs known, GRE expected */
	VPNPT_PPTP_CALL_CLOSING,	/* CCRQ seen */
};

struct vpnpt_pptp_conn;
struct vpnpt_pptp_client_count;
struct nf_ct_gre_keymap;

/**
 * struct vpnpt_pptp_call - one call of a control connection
 * @node: in the connection's list (its lock)
 * @rcu: freed after the GRE lookups that may have found it (pptp_gre.c);
 *	shares @node's room, which is unused once the call is off the list
 * @gre_node: in the namespace's tables of calls by GRE key (pptp_gre.c),
 *	per direction: the client's packets (peer ID), the server's (outside
 *	ID; also what keeps outside IDs unique)
 * @conn: the control connection; the call holds a reference
 * @session: the call's session; set until the session's destroy callback
 *	(which takes the call off @conn's list)
 * @inside: the client's Call ID (host order)
 * @outside: the Call ID the server sees
 * @peer: the server's Call ID
 * @state: enum vpnpt_pptp_call_state
 * @have_inside: @inside and @outside are set
 * @have_peer: @peer is set
 * @hashed: per direction, @gre_node is in its table
 * @end: the protocol ended the call; reaped after the connection's lock
 * @reaping: handed to the session table for removal
 * @exp: the GRE expectations (original, reply direction), once up
 * @keymap: the call's GRE keymap entries (original, reply direction), once
 *	up; made and destroyed on the namespace's template (pptp_gre.c)
 */
struct vpnpt_pptp_call {
	union {
		struct list_head node;
		struct rcu_head rcu;
	};
	struct rhash_head gre_node[IP_CT_DIR_MAX];
	struct vpnpt_pptp_conn *conn;
	struct vpnpt_session *session;
	u16 inside;
	u16 outside;
	u16 peer;
	u8 state;
	bool have_inside;
	bool have_peer;
	bool hashed[IP_CT_DIR_MAX];
	bool end;
	bool reaping;
	struct nf_conntrack_expect *exp[IP_CT_DIR_MAX];
	struct nf_ct_gre_keymap *keymap[IP_CT_DIR_MAX];
};

/**
 * struct vpnpt_pptp_split_field - a Call ID field cut by a segment boundary
 * @seq: sequence number of the field's first byte
 * @high: what was written for that byte
 * @valid: a field is pending
 */
struct vpnpt_pptp_split_field {
	u32 seq;
	u8 high;
	bool valid;
};

/*
 * Bytes vpnpt rewrote, by sequence number, per direction: a retransmission
 * carries the original bytes again, however TCP cuts it, and gets the same
 * rewrite from here. The most recent ones are kept; TCP only resends what
 * is not yet acknowledged. Room for two Call ID fields per call a connection
 * may carry: a client's OCRQ and CCRQ for every call, or a server's OCRP and
 * one more, all sent at once and all unacknowledged, are still rewritten
 * when they come again.
 */
#define VPNPT_PPTP_REWRITE_LOG_LEN	(2 * 2 * VPNPT_PPTP_MAX_CALLS)

/**
 * struct vpnpt_pptp_rewrite_log - recently rewritten bytes of one direction
 * @seq: sequence number of each byte
 * @val: what was written there
 * @n: entries in use
 * @next: where the next entry goes
 */
struct vpnpt_pptp_rewrite_log {
	u32 seq[VPNPT_PPTP_REWRITE_LOG_LEN];
	u8 val[VPNPT_PPTP_REWRITE_LOG_LEN];
	u16 n;
	u16 next;
};

/**
 * struct vpnpt_pptp_conn - what vpnpt keeps of one control connection
 * @lock: protects everything below but @ref, @node and @client
 * @ref: one for the conntrack entry, one per call
 * @node: in the namespace's list of connections (its lock)
 * @client: the client's entry in the namespace's caps (its lock)
 * @rcu: freed after readers that found it through the conntrack entry
 * @net: the namespace
 * @zone: the conntrack zone of the control connection
 * @tuple: its original and reply tuples
 * @nat: its source is translated, so Call IDs are
 * @dead: the conntrack entry is gone; no new calls
 * @ncalls: calls in @calls
 * @calls: the calls
 * @split: per direction, a field cut by a segment boundary
 * @rewritten: per direction, the bytes rewritten lately
 * @stream: per direction, the reassembly state
 */
struct vpnpt_pptp_conn {
	spinlock_t lock; /* see above */
	refcount_t ref;
	struct list_head node;
	struct vpnpt_pptp_client_count *client;
	struct rcu_head rcu;
	struct net *net;
	struct nf_conntrack_zone zone;
	struct nf_conntrack_tuple tuple[IP_CT_DIR_MAX];
	bool nat;
	bool dead;
	unsigned int ncalls;
	struct list_head calls;
	struct vpnpt_pptp_split_field split[IP_CT_DIR_MAX];
	struct vpnpt_pptp_rewrite_log rewritten[IP_CT_DIR_MAX];
	struct vpnpt_pptp_stream stream[IP_CT_DIR_MAX];
};

/**
 * struct vpnpt_pptp_net - per namespace
 * @lock: protects @conns, @clients, @nconns, @gre_calls and @gre_exiting
 * @seed: of @clients, whose keys outsiders choose (addresses)
 * @nconns: connections in @conns
 * @conns: control connections vpnpt follows
 * @clients: per LAN client, how many of @conns are its (caps)
 * @keymap_lock: serialises the use of @keymap
 * @keymap: a template whose helper data the calls' GRE keymap entries are
 *	made and destroyed in, one call at a time (pptp_gre.c)
 * @gre: calls by the GRE packets they carry, per direction (pptp_gre.c)
 * @net: the namespace
 * @gre_calls: calls in @gre[IP_CT_DIR_ORIGINAL]; the GRE hook is registered
 *	while there are any
 * @gre_exiting: the namespace is going: @gre_work is not queued any more
 * @gre_hooked: the GRE hook is registered (its config lock)
 * @gre_work: registers or unregisters the GRE hook
 */
struct vpnpt_pptp_net {
	spinlock_t lock; /* see above */
	spinlock_t keymap_lock; /* of @keymap */
	struct nf_conn *keymap;
	u32 seed;
	unsigned int nconns;
	struct list_head conns;
	struct hlist_head clients[1 << VPNPT_PPTP_CLIENT_BITS];
	struct rhashtable gre[IP_CT_DIR_MAX];
	struct net *net;
	unsigned int gre_calls;
	bool gre_exiting;
	bool gre_hooked;
	struct delayed_work gre_work;
};

/**
 * struct vpnpt_pptp_segment - one control segment being handled
 * @net: the namespace
 * @vn: its vpnpt data
 * @ct: the control connection's conntrack entry
 * @conn: what vpnpt keeps of it
 * @skb: the packet
 * @th: its TCP header
 * @payload: the TCP payload, linear
 * @tcp_off: payload offset from the TCP header
 * @len: payload length
 * @seq: sequence number of the payload's first byte
 * @dir: the direction it goes in (enum ip_conntrack_dir)
 * @reap: calls ended: hand them to the session table once unlocked
 * @mangled: the payload was rewritten
 * @unmapped: Call ID fields that could not be rewritten
 */
struct vpnpt_pptp_segment {
	struct net *net;
	struct vpnpt_net *vn;
	struct nf_conn *ct;
	struct vpnpt_pptp_conn *conn;
	struct sk_buff *skb;
	struct tcphdr *th;
	u8 *payload;
	unsigned int tcp_off;
	unsigned int len;
	u32 seq;
	int dir;
	bool reap;
	bool mangled;
	unsigned int unmapped;
};

/*
 * The control connection's helper data. When a GRE flow whose master it is
 * dies, the conntrack core reads the master's helper data as a struct
 * nf_ct_pptp_master and frees the keymap entries it finds there: vpnpt keeps
 * those two pointers NULL (its entries hang off templates, see pptp_gre.c).
 */
struct vpnpt_pptp_ctdata {
	struct vpnpt_pptp_conn *conn;
	u8 unused[8];
	void *core_keymap[IP_CT_DIR_MAX];
};

/* The pernet id of struct vpnpt_pptp_net (registered by pptp.c). */
extern unsigned int vpnpt_pptp_net_id;
struct vpnpt_pptp_net *vpnpt_pptp_net(const struct net *net);

/* --- addresses of a connection --- */

static inline __be32 vpnpt_pptp_client(const struct vpnpt_pptp_conn *conn)
{
	return conn->tuple[IP_CT_DIR_ORIGINAL].src.u3.ip;
}

static inline __be32 vpnpt_pptp_server(const struct vpnpt_pptp_conn *conn)
{
	return conn->tuple[IP_CT_DIR_REPLY].src.u3.ip;
}

static inline __be32 vpnpt_pptp_public(const struct vpnpt_pptp_conn *conn)
{
	return conn->tuple[IP_CT_DIR_REPLY].dst.u3.ip;
}

/* --- the connection's life (pptp_conn.c) --- */

void vpnpt_pptp_net_setup(struct vpnpt_pptp_net *pn);
/*
 * The connection of the control conntrack entry @ct for the segment @seg;
 * NULL if vpnpt follows none. A connection is created only by a complete,
 * valid first message at the start of a segment (see pptp_conn.c), within
 * the caps.
 */
struct vpnpt_pptp_conn *vpnpt_pptp_conn_get(struct vpnpt_pptp_segment *seg);
/* The entry's first data was not PPTP, or it is going: nothing to do. */
bool vpnpt_pptp_conn_ignored(const struct nf_conn *ct);
/* As above without creating one; under RCU. */
struct vpnpt_pptp_conn *vpnpt_pptp_conn_of(const struct nf_conn *ct);
/* The entry is going: its connection, which the caller now owns, or NULL. */
struct vpnpt_pptp_conn *vpnpt_pptp_conn_detach(struct nf_conn *ct);
void vpnpt_pptp_conn_put(struct vpnpt_pptp_conn *conn);
/* Namespace exit: free the connections left over. */
void vpnpt_pptp_conns_free(struct vpnpt_pptp_net *pn);

#endif /* _VPNPT_PPTP_CONN_H */
