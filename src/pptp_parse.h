/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PPTP control connection parser (RFC 2637 section 2) and bounded TCP
 * stream reassembly for it. Pure functions over byte buffers: no allocation,
 * no locking, no kernel or libc calls beyond what wire.h provides, so the
 * same code runs in the module, the unit tests and the fuzz target.
 *
 * Every control message starts with a 12 octet header, all fields in network
 * byte order:
 *
 *   0  Length (16)              total message length, header included
 *   2  PPTP Message Type (16)   1 = control message (2 = management, unused)
 *   4  Magic Cookie (32)        0x1A2B3C4D
 *   8  Control Message Type (16)
 *  10  Reserved0 (16)
 *
 * The 15 control message types, the length RFC 2637 gives each, who sends
 * it, and where the call identifiers are (offsets from the message start):
 *
 *   type            length  sent by   Call ID   Peer's Call ID  result
 *    1 SCCRQ          156   either    -         -               -
 *    2 SCCRP          156   either    -         -               14
 *    3 StopCCRQ        16   either    -         -               -
 *    4 StopCCRP        16   either    -         -               12
 *    5 Echo-RQ         16   either    -         -               -
 *    6 Echo-RP         20   either    -         -               16
 *    7 OCRQ           168   PNS       12        -               -
 *    8 OCRP            32   PAC       12        14              16
 *    9 ICRQ           220   PAC       12        -               -
 *   10 ICRP            24   PNS       12        14              16
 *   11 ICCN            28   PAC       -         12              -
 *   12 CCRQ            16   PNS       12        -               -
 *   13 CDN            148   PAC       12        -               14
 *   14 WEN             40   PAC       -         12              -
 *   15 SLI             24   PNS       -         12              -
 *
 * "Call ID" is always the identifier the sender of the message chose for the
 * call; "Peer's Call ID" is the one the receiver chose (the receiver's own,
 * learnt from an earlier OCRQ/ICRQ/ICRP). So for NAT: in a message leaving
 * the inside host, the Call ID field holds the inside host's identifier; in
 * a message arriving for it, the Peer's Call ID field does. The Error Code
 * octet always directly follows the Result Code.
 *
 * Directions are RFC 2637's. In the usual client/server VPN the client sends
 * OCRQ/CCRQ like a PNS and the server answers OCRP/CDN like a PAC, but
 * servers are also seen sending SLI, so do not enforce directions strictly.
 *
 * The parser is liberal where strictness buys nothing: Reserved fields and
 * the message body are not checked, and a Length larger than the type's
 * fixed size (vendor padding) is accepted up to VPNPT_PPTP_MAX_MSG.
 */
#ifndef _VPNPT_PPTP_PARSE_H
#define _VPNPT_PPTP_PARSE_H

#include "wire.h"

#define VPNPT_PPTP_MAGIC	0x1A2B3C4Du
#define VPNPT_PPTP_HDR_LEN	12

/*
 * Largest Length accepted. The largest RFC message is ICRQ (220); anything
 * beyond this bound is treated as malformed. It is also the size of the
 * reassembly buffer of struct vpnpt_pptp_stream.
 */
#define VPNPT_PPTP_MAX_MSG	512

/**
 * enum vpnpt_pptp_type - PPTP control message types (Control Message Type)
 * @VPNPT_PPTP_SCCRQ: Start-Control-Connection-Request
 * @VPNPT_PPTP_SCCRP: Start-Control-Connection-Reply
 * @VPNPT_PPTP_STOPCCRQ: Stop-Control-Connection-Request
 * @VPNPT_PPTP_STOPCCRP: Stop-Control-Connection-Reply
 * @VPNPT_PPTP_ECHORQ: Echo-Request
 * @VPNPT_PPTP_ECHORP: Echo-Reply
 * @VPNPT_PPTP_OCRQ: Outgoing-Call-Request
 * @VPNPT_PPTP_OCRP: Outgoing-Call-Reply
 * @VPNPT_PPTP_ICRQ: Incoming-Call-Request
 * @VPNPT_PPTP_ICRP: Incoming-Call-Reply
 * @VPNPT_PPTP_ICCN: Incoming-Call-Connected
 * @VPNPT_PPTP_CCRQ: Call-Clear-Request
 * @VPNPT_PPTP_CDN: Call-Disconnect-Notify
 * @VPNPT_PPTP_WEN: WAN-Error-Notify
 * @VPNPT_PPTP_SLI: Set-Link-Info
 * @VPNPT_PPTP_TYPE_MAX: the highest type defined
 */
enum vpnpt_pptp_type {
	VPNPT_PPTP_SCCRQ = 1,
	VPNPT_PPTP_SCCRP = 2,
	VPNPT_PPTP_STOPCCRQ = 3,
	VPNPT_PPTP_STOPCCRP = 4,
	VPNPT_PPTP_ECHORQ = 5,
	VPNPT_PPTP_ECHORP = 6,
	VPNPT_PPTP_OCRQ = 7,
	VPNPT_PPTP_OCRP = 8,
	VPNPT_PPTP_ICRQ = 9,
	VPNPT_PPTP_ICRP = 10,
	VPNPT_PPTP_ICCN = 11,
	VPNPT_PPTP_CCRQ = 12,
	VPNPT_PPTP_CDN = 13,
	VPNPT_PPTP_WEN = 14,
	VPNPT_PPTP_SLI = 15,
	VPNPT_PPTP_TYPE_MAX = VPNPT_PPTP_SLI,
};

/**
 * enum vpnpt_pptp_err - why vpnpt_pptp_parse() rejected a message
 * @VPNPT_PPTP_E_MAGIC: Magic Cookie is not 0x1A2B3C4D
 * @VPNPT_PPTP_E_MSGTYPE: PPTP Message Type is not 1 (control)
 * @VPNPT_PPTP_E_CTRLTYPE: Control Message Type is 0 or above 15
 * @VPNPT_PPTP_E_SHORT: Length is below the header size or the type's size
 * @VPNPT_PPTP_E_LONG: Length is above VPNPT_PPTP_MAX_MSG
 *
 * All values are negative, so they can share a return value with a length.
 */
enum vpnpt_pptp_err {
	VPNPT_PPTP_E_MAGIC = -1,
	VPNPT_PPTP_E_MSGTYPE = -2,
	VPNPT_PPTP_E_CTRLTYPE = -3,
	VPNPT_PPTP_E_SHORT = -4,
	VPNPT_PPTP_E_LONG = -5,
};

/**
 * enum vpnpt_pptp_sender - which end RFC 2637 says sends a message type
 * @VPNPT_PPTP_FROM_UNKNOWN: not a known type
 * @VPNPT_PPTP_FROM_EITHER: control connection messages, sent by both ends
 * @VPNPT_PPTP_FROM_PNS: sent by the PPTP Network Server
 * @VPNPT_PPTP_FROM_PAC: sent by the PPTP Access Concentrator
 */
enum vpnpt_pptp_sender {
	VPNPT_PPTP_FROM_UNKNOWN,
	VPNPT_PPTP_FROM_EITHER,
	VPNPT_PPTP_FROM_PNS,
	VPNPT_PPTP_FROM_PAC,
};

/* struct vpnpt_pptp_msg.flags */
#define VPNPT_PPTP_HAS_CALL_ID		0x01	/* call_id, call_id_off valid */
#define VPNPT_PPTP_HAS_PEER_CALL_ID	0x02	/* peer_call_id(_off) valid */
#define VPNPT_PPTP_HAS_RESULT		0x04	/* result_code, error_code valid */

/**
 * struct vpnpt_pptp_msg - what vpnpt_pptp_parse() found in one message
 * @length: Length field: bytes the message occupies in the stream
 * @type: Control Message Type, one of enum vpnpt_pptp_type
 * @call_id: the sender's Call ID, host order (%VPNPT_PPTP_HAS_CALL_ID)
 * @peer_call_id: Peer's Call ID, host order (%VPNPT_PPTP_HAS_PEER_CALL_ID)
 * @call_id_off: offset of the Call ID field from the message start
 * @peer_call_id_off: offset of the Peer's Call ID field from the message start
 * @flags: VPNPT_PPTP_HAS_* bits saying which fields above are valid
 * @result_code: Result Code (%VPNPT_PPTP_HAS_RESULT)
 * @error_code: Error Code (%VPNPT_PPTP_HAS_RESULT)
 *
 * Fields not flagged valid are zero. The offsets, when valid, satisfy
 * offset + 2 <= @length, so a NAT can rewrite the 16 bit field in place.
 */
struct vpnpt_pptp_msg {
	u16 length;
	u16 type;
	u16 call_id;
	u16 peer_call_id;
	u16 call_id_off;
	u16 peer_call_id_off;
	u8 flags;
	u8 result_code;
	u8 error_code;
};

/**
 * vpnpt_pptp_parse() - parse the PPTP control message at the start of a buffer
 * @buf: the bytes; only the first @len are read
 * @len: how many bytes are available
 * @msg: filled in when a whole message is there; zeroed otherwise
 *
 * The header is checked field by field in wire order, each as soon as its
 * bytes are available (a bad magic is reported once the first differing
 * byte is there, not only when all 8 header bytes are), so for any prefix
 * of a buffer the result is either 0 or the result for the whole buffer.
 * Bytes after the message are not looked at.
 *
 * Return: the message length (16 to %VPNPT_PPTP_MAX_MSG, never above @len)
 * when a whole valid message is at @buf; 0 when more bytes are needed and
 * nothing seen so far is invalid; a negative enum vpnpt_pptp_err when the
 * bytes cannot be the start of a valid message.
 */
int vpnpt_pptp_parse(const u8 *buf, size_t len, struct vpnpt_pptp_msg *msg);

/* The part of a PPTP data packet's enhanced GRE header that names its call. */
#define VPNPT_PPTP_GRE_HDR_LEN	8

/**
 * vpnpt_pptp_gre_call_id() - the Call ID of a PPTP data packet
 * @buf: the GRE header
 * @len: bytes at @buf
 * @call_id: set to the Call ID the packet carries, the receiver's
 *
 * PPTP data is enhanced GRE (RFC 2637 section 4.1): version 1, protocol
 * type 0x880B (PPP), and a key whose low 16 bits are the Call ID:
 *
 *   0  flags and version (16)   version: the low 3 bits, 1
 *   2  Protocol Type (16)       0x880B
 *   4  Payload Length (16)      key, high half
 *   6  Call ID (16)             key, low half
 *
 * The checks are those of the kernel's GRE connection tracking, which
 * takes the Call ID of any such packet as its key (other flags unchecked).
 *
 * Return: true when @buf starts a PPTP data packet (and *@call_id is set).
 */
bool vpnpt_pptp_gre_call_id(const u8 *buf, size_t len, u16 *call_id);

/**
 * vpnpt_pptp_type_size() - the RFC 2637 length of a control message type
 * @type: Control Message Type
 *
 * Return: the size in bytes, or 0 for an unknown type.
 */
u16 vpnpt_pptp_type_size(u16 type);

/**
 * vpnpt_pptp_type_sender() - which end sends a control message type
 * @type: Control Message Type
 *
 * Return: enum vpnpt_pptp_sender, %VPNPT_PPTP_FROM_UNKNOWN if @type is not.
 */
int vpnpt_pptp_type_sender(u16 type);

/**
 * vpnpt_pptp_type_fields() - where a type keeps its call identifiers
 * @type: Control Message Type
 * @call_id_off: set to the offset of the Call ID field, 0 if none
 * @peer_call_id_off: set to the offset of the Peer's Call ID field, 0 if none
 *
 * Known from the type alone, so a NAT can rewrite a field that has arrived
 * while the rest of its message has not. Unknown types have neither.
 */
void vpnpt_pptp_type_fields(u16 type, u16 *call_id_off, u16 *peer_call_id_off);

/**
 * vpnpt_pptp_type_name() - short name of a control message type
 * @type: Control Message Type
 *
 * Return: "SCCRQ", "OCRP", ... or "unknown"; a static string.
 */
const char *vpnpt_pptp_type_name(u16 type);

/**
 * vpnpt_pptp_err_name() - name of a vpnpt_pptp_parse() error
 * @err: a negative enum vpnpt_pptp_err value
 *
 * Return: "bad-magic", "bad-msg-type", "bad-ctrl-type", "too-short",
 * "too-long"; "ok" for @err >= 0; "unknown" otherwise. A static string.
 */
const char *vpnpt_pptp_err_name(int err);

/*
 * Stream reassembly.
 *
 * One struct vpnpt_pptp_stream follows one direction of a control
 * connection. The caller feeds it every TCP segment with payload, in the
 * order they pass, with the segment's sequence number; the stream calls back
 * once per complete control message, in stream order, however the messages
 * are cut into segments. Sequence numbers are compared as signed 32 bit
 * differences, so wraparound is transparent as long as the stream moves
 * less than 2 GiB between two segments.
 *
 * States (enum vpnpt_pptp_stream_state):
 *
 * NEW: no sequence number known (vpnpt_pptp_stream_init()). The first
 *   segment with at least VPNPT_PPTP_HDR_LEN bytes that begin like a valid
 *   message (vpnpt_pptp_parse() >= 0) synchronizes the stream there; other
 *   segments are ignored (VPNPT_PPTP_FEED_LOST). vpnpt_pptp_stream_init_seq()
 *   starts SYNCED instead, for callers that know where the data starts
 *   (the SYN's sequence number + 1).
 *
 * SYNCED: next_seq is the sequence number of the next byte to process; the
 *   have bytes before it are the head of a message still incomplete.
 *   - New data at next_seq is parsed: complete messages are delivered, an
 *     incomplete tail is copied to the buffer (at most VPNPT_PPTP_MAX_MSG - 1
 *     bytes: a Length above the maximum is rejected as soon as its two bytes
 *     are there, so the buffer cannot overflow).
 *   - Retransmission: bytes before next_seq are not processed again. A
 *     segment lying entirely before next_seq returns VPNPT_PPTP_FEED_OLD; of a
 *     segment straddling next_seq only the new part is processed. For the
 *     old part, complete messages lying wholly in it, walked from the
 *     segment start while they parse, are reported again with
 *     VPNPT_PPTP_EV_RETRANS so that a NAT can rewrite the retransmitted copy
 *     the same way as the original (without touching its state).
 *   - Gap (segment starting after next_seq, i.e. bytes missing): the segment
 *     is not processed and VPNPT_PPTP_FEED_GAP is returned. The head of an
 *     incomplete message is dropped, next_seq moves back to where that
 *     message began (a message boundary) and the stream becomes LOST. The
 *     caller should drop the segment: the sender then retransmits the
 *     missing bytes and this segment, and the stream resynchronizes at the
 *     boundary without losing a message. If the caller lets it pass, the
 *     messages it carries are not seen.
 *   - Malformed message (vpnpt_pptp_parse() < 0, including a Length above
 *     VPNPT_PPTP_MAX_MSG): messages before it in the segment have been
 *     delivered; the rest of the segment is skipped, next_seq is set to the
 *     segment's end, the stream becomes LOST and the error is returned. No
 *     attempt is made to find a boundary inside the garbage.
 *
 * LOST: next_seq is a lower bound of what may still be processed. Data
 *   before it is treated as above (OLD / RETRANS events). The first segment
 *   whose data at or after next_seq begins (at the segment start, or at
 *   next_seq for a straddling segment) with at least VPNPT_PPTP_HDR_LEN bytes
 *   that parse without error resynchronizes the stream there, and is then
 *   processed as in SYNCED; other segments are ignored (FEED_LOST). Because
 *   the magic cookie and the type fields must match, resynchronizing in the
 *   middle of a message's body is unlikely but possible if the body mimics a
 *   header; no message before next_seq is ever delivered twice.
 *
 * Callbacks: see struct vpnpt_pptp_event. A message whose bytes all lie in
 * the current segment carries VPNPT_PPTP_EV_WHOLE and can be rewritten in the
 * segment at seg_off. A message that began in an earlier segment was
 * reassembled: some of its bytes have already left and cannot be rewritten
 * here; vpnpt_pptp_ev_seg_field() tells whether a given field still lies
 * in the current segment. What to do when it does not (drop, accept a
 * broken call, reset) is the caller's decision.
 */

/**
 * enum vpnpt_pptp_stream_state - where a stream stands
 * @VPNPT_PPTP_ST_NEW: no sequence number known yet
 * @VPNPT_PPTP_ST_SYNCED: following message boundaries
 * @VPNPT_PPTP_ST_LOST: lost the boundaries; waiting for a valid header
 */
enum vpnpt_pptp_stream_state {
	VPNPT_PPTP_ST_NEW,
	VPNPT_PPTP_ST_SYNCED,
	VPNPT_PPTP_ST_LOST,
};

/**
 * enum vpnpt_pptp_feed_result - what vpnpt_pptp_stream_feed() did
 * @VPNPT_PPTP_FEED_OK: the new data was processed (0 or more messages
 *	delivered, an incomplete tail buffered); includes resynchronization
 * @VPNPT_PPTP_FEED_OLD: all the data was before next_seq (retransmission)
 * @VPNPT_PPTP_FEED_GAP: data missing before this segment; not processed,
 *	stream now LOST; the caller should drop the segment
 * @VPNPT_PPTP_FEED_LOST: stream not synchronized and the segment does not
 *	begin with a valid header; ignored
 *
 * A malformed message is reported with a negative enum vpnpt_pptp_err.
 */
enum vpnpt_pptp_feed_result {
	VPNPT_PPTP_FEED_OK = 0,
	VPNPT_PPTP_FEED_OLD = 1,
	VPNPT_PPTP_FEED_GAP = 2,
	VPNPT_PPTP_FEED_LOST = 3,
};

/* struct vpnpt_pptp_event.flags */
#define VPNPT_PPTP_EV_WHOLE	0x01	/* all bytes in the current segment */
#define VPNPT_PPTP_EV_RETRANS	0x02	/* already delivered: rewrite only */

/**
 * struct vpnpt_pptp_event - one complete message, passed to the callback
 * @msg: the parsed message
 * @data: its @msg.length bytes, the ones @msg was parsed from: in the
 *	current segment, or in the stream's reassembly buffer when the message
 *	was completed from buffered bytes (always so without
 *	%VPNPT_PPTP_EV_WHOLE). Valid only during the callback.
 * @seq: TCP sequence number of the message's first byte
 * @seg_off: offset of the message's first byte from the start of the current
 *	segment; negative if the message began in an earlier segment
 * @seg_len: length of the current segment
 * @flags: VPNPT_PPTP_EV_* bits
 *
 * Events with %VPNPT_PPTP_EV_RETRANS always have %VPNPT_PPTP_EV_WHOLE; they
 * describe bytes before the stream's next_seq that were already delivered
 * once (or skipped while the stream was LOST): rewrite them consistently but
 * do not treat them as new.
 */
struct vpnpt_pptp_event {
	struct vpnpt_pptp_msg msg;
	const u8 *data;
	u32 seq;
	int seg_off;
	u32 seg_len;
	unsigned int flags;
};

/**
 * typedef vpnpt_pptp_msg_cb - called by vpnpt_pptp_stream_feed() per message
 * @ctx: the caller's context pointer
 * @ev: the message; valid only during the call
 */
typedef void (*vpnpt_pptp_msg_cb)(void *ctx, const struct vpnpt_pptp_event *ev);

/**
 * vpnpt_pptp_ev_seg_field() - where a message field is in the current segment
 * @ev: the event
 * @field_off: offset of a 16 bit field from the message start, e.g.
 *	@ev->msg.call_id_off
 *
 * Return: the field's offset from the start of the current segment if both
 * its bytes lie in the segment, else -1.
 */
static inline int vpnpt_pptp_ev_seg_field(const struct vpnpt_pptp_event *ev,
					  u16 field_off)
{
	long off = (long)ev->seg_off + field_off;

	if (off < 0 || (unsigned long)off + 2 > ev->seg_len)
		return -1;
	return (int)off;
}

/**
 * struct vpnpt_pptp_stream_stats - counters of one stream
 * @msgs: messages delivered (not counting RETRANS events)
 * @retrans: RETRANS events delivered
 * @old: segments entirely before next_seq
 * @overlaps: segments partly before next_seq
 * @gaps: segments after next_seq while SYNCED
 * @malformed: malformed messages seen
 * @resyncs: synchronizations from NEW or LOST
 * @ignored: segments ignored while NEW or LOST
 */
struct vpnpt_pptp_stream_stats {
	u32 msgs;
	u32 retrans;
	u32 old;
	u32 overlaps;
	u32 gaps;
	u32 malformed;
	u32 resyncs;
	u32 ignored;
};

/**
 * struct vpnpt_pptp_stream - reassembly state of one direction
 * @next_seq: sequence number of the next byte to process (not in NEW)
 * @have: bytes of an incomplete message in @buf (SYNCED only)
 * @state: enum vpnpt_pptp_stream_state
 * @stats: counters
 * @buf: head of the incomplete message
 *
 * Only vpnpt_pptp_stream_*() change it; read @state and @stats freely.
 */
struct vpnpt_pptp_stream {
	u32 next_seq;
	u16 have;
	u8 state;
	struct vpnpt_pptp_stream_stats stats;
	u8 buf[VPNPT_PPTP_MAX_MSG];
};

/**
 * vpnpt_pptp_stream_init() - start a stream without a known sequence number
 * @s: the stream
 *
 * The first segment that begins with a valid header synchronizes it.
 */
void vpnpt_pptp_stream_init(struct vpnpt_pptp_stream *s);

/**
 * vpnpt_pptp_stream_init_seq() - start a stream at a known message boundary
 * @s: the stream
 * @seq: sequence number of the first payload byte (ISN + 1)
 */
void vpnpt_pptp_stream_init_seq(struct vpnpt_pptp_stream *s, u32 seq);

/**
 * vpnpt_pptp_stream_feed() - process one TCP segment's payload
 * @s: the stream
 * @seq: the segment's sequence number
 * @data: its payload
 * @len: payload length; a segment of 2 GiB or more is ignored (FEED_LOST)
 * @cb: called once per complete message (may be NULL)
 * @ctx: passed to @cb
 *
 * See the "Stream reassembly" comment above for the policies. @cb runs
 * synchronously, in stream order, and must not call back into @s.
 *
 * Return: enum vpnpt_pptp_feed_result, or a negative enum vpnpt_pptp_err if
 * a malformed message was found (the stream is then LOST).
 */
int vpnpt_pptp_stream_feed(struct vpnpt_pptp_stream *s, u32 seq,
			   const u8 *data, size_t len,
			   vpnpt_pptp_msg_cb cb, void *ctx);

#endif /* _VPNPT_PPTP_PARSE_H */
