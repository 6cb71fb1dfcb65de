/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PPTP passthrough: calls and their Call IDs. A call's start and end;
 * choosing its outside ID, finding a call by one of its IDs, and rewriting
 * the client's Call ID in the control stream under NAT, retransmissions
 * included.
 */
#ifndef _VPNPT_PPTP_CALLID_H
#define _VPNPT_PPTP_CALLID_H

#include "pptp_conn.h"

/* Which of a call's three Call IDs a lookup is by. */
enum vpnpt_pptp_id_kind {
	VPNPT_PPTP_ID_INSIDE,	/* the client's own */
	VPNPT_PPTP_ID_OUTSIDE,	/* what the server is told the client's is */
	VPNPT_PPTP_ID_PEER,	/* the server's */
};

/* --- calls: their start, end and sessions --- */

struct vpnpt_pptp_call *vpnpt_pptp_call_new(struct vpnpt_pptp_segment *seg,
					    enum vpnpt_pptp_call_state state,
					    u16 id);
void vpnpt_pptp_call_end(struct vpnpt_pptp_segment *seg,
			 struct vpnpt_pptp_call *call);
void vpnpt_pptp_call_ids(struct vpnpt_pptp_call *call);
/* The most calls of one client (module parameter pptp_client_calls). */
u32 vpnpt_pptp_client_calls(void);

/* --- Call IDs --- */

/* For vpnpt_pptp_call_set_inside(): any high byte will do. */
#define VPNPT_PPTP_ANY_HIGH	(-1)

struct vpnpt_pptp_call *vpnpt_pptp_call_by_id(struct vpnpt_pptp_conn *conn,
					      enum vpnpt_pptp_id_kind kind,
					      u16 id);

static inline struct vpnpt_pptp_call *
vpnpt_pptp_by_inside(struct vpnpt_pptp_conn *conn, u16 id)
{
	return vpnpt_pptp_call_by_id(conn, VPNPT_PPTP_ID_INSIDE, id);
}

static inline struct vpnpt_pptp_call *
vpnpt_pptp_by_outside(struct vpnpt_pptp_conn *conn, u16 id)
{
	return vpnpt_pptp_call_by_id(conn, VPNPT_PPTP_ID_OUTSIDE, id);
}

static inline struct vpnpt_pptp_call *
vpnpt_pptp_by_peer(struct vpnpt_pptp_conn *conn, u16 id)
{
	return vpnpt_pptp_call_by_id(conn, VPNPT_PPTP_ID_PEER, id);
}

/* Release the call's outside ID. */
void vpnpt_pptp_id_free(struct vpnpt_pptp_call *call);

struct vpnpt_pptp_call *
vpnpt_pptp_call_for_client_msg(struct vpnpt_pptp_segment *seg, u16 type,
			       u16 id, const u8 *data, unsigned int avail,
			       int high);

/* Rewrite again the bytes of a retransmission rewritten the first time. */
void vpnpt_pptp_rewrite_replay(struct vpnpt_pptp_segment *seg);
/* Rewrite the client's Call ID in a message (NAT only). */
void vpnpt_pptp_rewrite_msg(struct vpnpt_pptp_segment *seg, u16 type,
			    u32 mseq, const u8 *data, unsigned int avail);
/* The same for the incomplete message at the end of the segment. */
void vpnpt_pptp_rewrite_incomplete(struct vpnpt_pptp_segment *seg);

#endif /* _VPNPT_PPTP_CALLID_H */
