/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vpnpt - VPN passthrough for Linux routers.
 *
 * This header is shared by the kernel module and by userspace (vpnptctl).
 * It only uses fixed-size types from <linux/types.h>, so it can be included
 * on its own from either side.
 */
#ifndef _UAPI_LINUX_VPNPT_H
#define _UAPI_LINUX_VPNPT_H

#include <linux/types.h>

/**
 * enum vpnpt_proto - the protocols vpnpt passes through
 * @VPNPT_PROTO_PPTP: PPTP control on TCP 1723 and its enhanced GRE data
 * @VPNPT_PROTO_L2TP: L2TPv2 over UDP 1701
 * @VPNPT_PROTO_IKE: ISAKMP/IKE on UDP 500
 * @VPNPT_PROTO_ESP: raw ESP (IP protocol 50)
 * @VPNPT_PROTO_AH: AH (IP protocol 51)
 * @VPNPT_PROTO_NATT: IKE and ESP in UDP on port 4500 (RFC 3947/3948)
 * @__VPNPT_PROTO_MAX: number of protocols; not a protocol
 *
 * Each protocol has a switch, readable and writable as the module parameter
 * of the same name (see vpnpt_proto_name below) and over generic netlink.
 * The values are stable ABI: they are bit numbers in protocol bitmaps.
 */
enum vpnpt_proto {
	VPNPT_PROTO_PPTP,
	VPNPT_PROTO_L2TP,
	VPNPT_PROTO_IKE,
	VPNPT_PROTO_ESP,
	VPNPT_PROTO_AH,
	VPNPT_PROTO_NATT,
	__VPNPT_PROTO_MAX
};

#define VPNPT_PROTO_MAX (__VPNPT_PROTO_MAX - 1)

/* Bitmap with every protocol's bit set. */
#define VPNPT_PROTO_ALL ((1U << __VPNPT_PROTO_MAX) - 1)

/*
 * Names of the protocols, as used for module parameters, by vpnptctl and in
 * documentation, indexed by enum vpnpt_proto.
 */
#define VPNPT_PROTO_NAMES { "pptp", "l2tp", "ike", "esp", "ah", "natt" }

/* The well-known ports the protocols are recognised by. */
#define VPNPT_PORT_IKE		500
#define VPNPT_PORT_L2TP		1701
#define VPNPT_PORT_PPTP		1723
#define VPNPT_PORT_NATT		4500

/*
 * Names of the conntrack helpers vpnpt registers, for nftables
 * `ct helper` objects (vpnptctl setup installs them).
 */
#define VPNPT_HELPER_PPTP	"vpnpt-pptp"	/* TCP 1723 */
#define VPNPT_HELPER_L2TP	"vpnpt-l2tp"	/* UDP 1701 */
#define VPNPT_HELPER_IKE	"vpnpt-ike"	/* UDP 500 */
#define VPNPT_HELPER_NATT	"vpnpt-natt"	/* UDP 4500 */

/*
 * Generic netlink
 * ===============
 *
 * Family VPNPT_GENL_NAME, version VPNPT_GENL_VERSION, one multicast group
 * VPNPT_GENL_MCGRP_EVENTS. Every request acts on the network namespace of the
 * socket it arrives on; no namespace can see or change another's state.
 * Requests that change anything need CAP_NET_ADMIN in the user namespace that
 * owns that network namespace.
 *
 * Attributes are validated strictly: an attribute type the module does not
 * know, a wrong length or a value out of its documented range makes the
 * request fail with -EINVAL (or -ERANGE) and an extended ACK message naming
 * the attribute, and nothing is changed.
 *
 * Replies to a "do" request carry the request's command; the messages of a
 * dump carry VPNPT_CMD_GET_SESSIONS. Events carry the command named below.
 *
 * A namespace created while vpnpt is loaded starts with a copy of the
 * initial namespace's configuration at that moment (switches, caps,
 * timeouts); the initial namespace's switches are also the module
 * parameters in /sys/module/vpnpt/parameters.
 *
 * Compatibility: commands and attributes are only ever added at the end of
 * their enums and never change meaning. A tool must ignore attributes it does
 * not know in replies; VPNPT_GENL_VERSION is bumped when a tool needs to know
 * that something new is there.
 */
#define VPNPT_GENL_NAME		"vpnpt"
#define VPNPT_GENL_VERSION	1
#define VPNPT_GENL_MCGRP_EVENTS	"events"

/**
 * enum vpnpt_cmd - generic netlink commands
 * @VPNPT_CMD_UNSPEC: not a command
 * @VPNPT_CMD_GET_CONFIG: do; the reply (same command) carries
 *	%VPNPT_A_SWITCHES, %VPNPT_A_MAX_SESSIONS,
 *	%VPNPT_A_MAX_CLIENT_SESSIONS, %VPNPT_A_TIMEOUTS,
 *	%VPNPT_A_IKE_KEEP_PORT, %VPNPT_A_ATTACH_HELPERS and
 *	%VPNPT_A_MODULE_VERSION.
 * @VPNPT_CMD_SET_CONFIG: do, needs CAP_NET_ADMIN; any of %VPNPT_A_SWITCHES
 *	(with %VPNPT_A_SWITCHES_MASK to change only some protocols; a mask
 *	without switches is refused with -EINVAL), %VPNPT_A_MAX_SESSIONS,
 *	%VPNPT_A_MAX_CLIENT_SESSIONS, %VPNPT_A_TIMEOUTS,
 *	%VPNPT_A_IKE_KEEP_PORT, %VPNPT_A_ATTACH_HELPERS; a request with none
 *	of them is refused with -EINVAL. All or nothing: either every attribute
 *	is valid and applied, or none is. Disabling a protocol tears down its
 *	sessions. A request that changes anything is announced once on the
 *	events group as %VPNPT_CMD_SET_CONFIG with the whole new
 *	configuration (as in the GET_CONFIG reply); so is a change of a switch
 *	through sysfs.
 * @VPNPT_CMD_GET_STATS: do; the reply carries %VPNPT_A_STATS.
 * @VPNPT_CMD_GET_SESSIONS: dump; one message per session, each carrying one
 *	%VPNPT_A_SESSION. Optional filter: %VPNPT_A_PROTOS.
 * @VPNPT_CMD_FLUSH: do, needs CAP_NET_ADMIN; removes the sessions of the
 *	protocols in %VPNPT_A_PROTOS (default: all) with their conntrack
 *	entries. The reply carries %VPNPT_A_FLUSHED.
 * @VPNPT_CMD_SESSION_NEW: event only: a session came up, or its state
 *	changed (%VPNPT_A_SESSION, with the new %VPNPT_SA_STATE).
 * @VPNPT_CMD_SESSION_DEL: event only: a session ended (%VPNPT_A_SESSION).
 * @__VPNPT_CMD_MAX: number of commands; not a command
 */
enum vpnpt_cmd {
	VPNPT_CMD_UNSPEC,
	VPNPT_CMD_GET_CONFIG,
	VPNPT_CMD_SET_CONFIG,
	VPNPT_CMD_GET_STATS,
	VPNPT_CMD_GET_SESSIONS,
	VPNPT_CMD_FLUSH,
	VPNPT_CMD_SESSION_NEW,
	VPNPT_CMD_SESSION_DEL,
	__VPNPT_CMD_MAX
};

#define VPNPT_CMD_MAX (__VPNPT_CMD_MAX - 1)

/* Limits of the tunables (inclusive). */
#define VPNPT_MAX_SESSIONS_MIN		1
#define VPNPT_MAX_SESSIONS_MAX		1048576
#define VPNPT_MAX_SESSIONS_DEFAULT	65536
#define VPNPT_MAX_CLIENT_SESSIONS_MIN	1
#define VPNPT_MAX_CLIENT_SESSIONS_MAX	65536
#define VPNPT_MAX_CLIENT_SESSIONS_DEFAULT 256
#define VPNPT_TIMEOUT_MIN		10	/* seconds */
#define VPNPT_TIMEOUT_MAX		86400	/* seconds */

/**
 * enum vpnpt_attr - top-level attributes
 * @VPNPT_A_UNSPEC: not an attribute
 * @VPNPT_A_SWITCHES: u32, bitmap of enabled protocols (bit n = enum
 *	vpnpt_proto n); bits above %VPNPT_PROTO_ALL are refused
 * @VPNPT_A_SWITCHES_MASK: u32, in SET_CONFIG: which bits of
 *	%VPNPT_A_SWITCHES to apply (default: all)
 * @VPNPT_A_MAX_SESSIONS: u32, most sessions in the namespace, all protocols
 *	(%VPNPT_MAX_SESSIONS_MIN..%VPNPT_MAX_SESSIONS_MAX); when full, new
 *	sessions are refused and counted, existing ones are kept
 * @VPNPT_A_MAX_CLIENT_SESSIONS: u32, most sessions of one LAN client
 *	(%VPNPT_MAX_CLIENT_SESSIONS_MIN..%VPNPT_MAX_CLIENT_SESSIONS_MAX)
 * @VPNPT_A_TIMEOUTS: nested, one u32 per protocol, attribute type = enum
 *	vpnpt_proto + 1: idle timeout of that protocol's sessions in seconds
 *	(%VPNPT_TIMEOUT_MIN..%VPNPT_TIMEOUT_MAX)
 * @VPNPT_A_MODULE_VERSION: string, the module's version
 * @VPNPT_A_STATS: nested, one %VPNPT_A_STATS_PROTO per protocol
 * @VPNPT_A_STATS_PROTO: nested, enum vpnpt_stat attributes
 * @VPNPT_A_PROTOS: u32, bitmap of protocols (filter of GET_SESSIONS, FLUSH)
 * @VPNPT_A_FLUSHED: u32, number of sessions FLUSH removed
 * @VPNPT_A_SESSION: nested, enum vpnpt_session_attr attributes
 * @VPNPT_A_PAD: padding for 64-bit attributes
 * @VPNPT_A_IKE_KEEP_PORT: u8, 0 or 1 (default 0): every LAN client's IKE
 *	(UDP 500 to 500) to a server keeps source port 500, each client's in
 *	its own conntrack zone, packets from the server told apart by IKE
 *	SPI; for servers that insist on port 500. Turning it off forgets the
 *	clients' IKE (their flows continue in the default zone). New
 *	namespaces take the initial namespace's setting.
 * @VPNPT_A_CEIL_MAX_SESSIONS: u32, ceiling of %VPNPT_A_MAX_SESSIONS in every
 *	namespace but the initial one (same range; default
 *	%VPNPT_MAX_SESSIONS_DEFAULT). Set only in the initial namespace, with
 *	CAP_NET_ADMIN in the initial user namespace; reported everywhere.
 * @VPNPT_A_CEIL_MAX_CLIENT_SESSIONS: u32, ceiling of
 *	%VPNPT_A_MAX_CLIENT_SESSIONS likewise (default
 *	%VPNPT_MAX_CLIENT_SESSIONS_DEFAULT)
 * @VPNPT_A_ATTACH_HELPERS: u8, 0 or 1 (default 0): vpnpt gives its helpers
 *	to the new IPv4 connections of their ports (TCP 1723, UDP 1701, 500,
 *	4500) itself, with no nftables rule; what `vpnptctl setup --nft`'s
 *	table does, without a chain that every packet passes. A connection
 *	that has a helper already keeps it. Turning it off leaves the
 *	connections that have a helper as they are. New namespaces take the
 *	initial namespace's setting.
 * @__VPNPT_A_MAX: number of attributes; not an attribute
 */
enum vpnpt_attr {
	VPNPT_A_UNSPEC,
	VPNPT_A_SWITCHES,
	VPNPT_A_SWITCHES_MASK,
	VPNPT_A_MAX_SESSIONS,
	VPNPT_A_MAX_CLIENT_SESSIONS,
	VPNPT_A_TIMEOUTS,
	VPNPT_A_MODULE_VERSION,
	VPNPT_A_STATS,
	VPNPT_A_STATS_PROTO,
	VPNPT_A_PROTOS,
	VPNPT_A_FLUSHED,
	VPNPT_A_SESSION,
	VPNPT_A_PAD,
	VPNPT_A_IKE_KEEP_PORT,
	VPNPT_A_CEIL_MAX_SESSIONS,
	VPNPT_A_CEIL_MAX_CLIENT_SESSIONS,
	VPNPT_A_ATTACH_HELPERS,
	__VPNPT_A_MAX
};

#define VPNPT_A_MAX (__VPNPT_A_MAX - 1)

/**
 * enum vpnpt_stat - counters of one protocol, in %VPNPT_A_STATS_PROTO
 * @VPNPT_STAT_UNSPEC: not a counter
 * @VPNPT_STAT_PROTO: u32, the protocol (enum vpnpt_proto) these counters are of
 * @VPNPT_STAT_PAD: padding for the u64 counters
 * @VPNPT_STAT_PACKETS: u64, forwarded packets vpnpt handled and passed (IPv4;
 *	see docs/netlink.md)
 * @VPNPT_STAT_DROPPED_DISABLED: u64, forwarded packets dropped because the
 *	protocol's switch is off
 * @VPNPT_STAT_PARSE_ERRORS: u64, malformed messages seen (see the protocol's
 *	documentation for whether they are passed or dropped)
 * @VPNPT_STAT_DROPPED_MALFORMED: u64, packets dropped as malformed
 * @VPNPT_STAT_SESSIONS_CREATED: u64, sessions created
 * @VPNPT_STAT_SESSIONS_ENDED: u64, sessions ended (closed, expired or flushed)
 * @VPNPT_STAT_SESSIONS_REFUSED: u64, sessions refused because a cap was reached
 * @VPNPT_STAT_SESSIONS_ACTIVE: u64, sessions existing now (a gauge)
 * @VPNPT_STAT_AH_NAT_BROKEN: u64, AH: packets whose addresses were
 *	translated, which their receiver cannot verify (RFC 3715); passed
 * @VPNPT_STAT_NATT_IKE: u64, NAT-T: IKE messages (non-ESP marker) seen
 * @VPNPT_STAT_NATT_ESP: u64, NAT-T: ESP-in-UDP packets seen
 * @VPNPT_STAT_NATT_KEEPALIVE: u64, NAT-T: NAT-keepalives (one octet 0xff)
 * @VPNPT_STAT_IKE_PORT_KEPT: u64, IKE: client-server pairs whose IKE was
 *	given the client's zone to keep source port 500 (%VPNPT_A_IKE_KEEP_PORT)
 * @VPNPT_STAT_SESSIONS_EVICTED: u64, provisional sessions ended to make room
 *	for a client under its fair share or rekeying (also counted in
 *	%VPNPT_STAT_SESSIONS_ENDED)
 * @__VPNPT_STAT_MAX: number of counters; not a counter
 */
enum vpnpt_stat {
	VPNPT_STAT_UNSPEC,
	VPNPT_STAT_PROTO,
	VPNPT_STAT_PAD,
	VPNPT_STAT_PACKETS,
	VPNPT_STAT_DROPPED_DISABLED,
	VPNPT_STAT_PARSE_ERRORS,
	VPNPT_STAT_DROPPED_MALFORMED,
	VPNPT_STAT_SESSIONS_CREATED,
	VPNPT_STAT_SESSIONS_ENDED,
	VPNPT_STAT_SESSIONS_REFUSED,
	VPNPT_STAT_SESSIONS_ACTIVE,
	VPNPT_STAT_AH_NAT_BROKEN,
	VPNPT_STAT_NATT_IKE,
	VPNPT_STAT_NATT_ESP,
	VPNPT_STAT_NATT_KEEPALIVE,
	VPNPT_STAT_IKE_PORT_KEPT,
	VPNPT_STAT_SESSIONS_EVICTED,
	__VPNPT_STAT_MAX
};

#define VPNPT_STAT_MAX (__VPNPT_STAT_MAX - 1)

/**
 * enum vpnpt_session_state - life of a session
 * @VPNPT_SESSION_NEW: seen in one direction only
 * @VPNPT_SESSION_ESTABLISHED: seen both ways
 * @VPNPT_SESSION_CLOSING: being torn down by the protocol
 * @__VPNPT_SESSION_STATE_MAX: number of states; not a state
 */
enum vpnpt_session_state {
	VPNPT_SESSION_NEW,
	VPNPT_SESSION_ESTABLISHED,
	VPNPT_SESSION_CLOSING,
	__VPNPT_SESSION_STATE_MAX
};

/**
 * enum vpnpt_session_attr - attributes of one session, in %VPNPT_A_SESSION
 * @VPNPT_SA_UNSPEC: not an attribute
 * @VPNPT_SA_PAD: padding for 64-bit attributes
 * @VPNPT_SA_ID: u64, the session's id, unique in its namespace while the
 *	module is loaded
 * @VPNPT_SA_PROTO: u32, enum vpnpt_proto
 * @VPNPT_SA_STATE: u32, enum vpnpt_session_state
 * @VPNPT_SA_CLIENT: be32, the LAN client's IPv4 address
 * @VPNPT_SA_SERVER: be32, the server's IPv4 address
 * @VPNPT_SA_PUBLIC: be32, the router's address the server sees
 * @VPNPT_SA_AGE: u32, seconds since the session was created
 * @VPNPT_SA_IDLE: u32, seconds since it last passed a packet
 * @VPNPT_SA_PACKETS_OUT: u64, packets from the client to the server
 * @VPNPT_SA_PACKETS_IN: u64, packets from the server to the client
 * @VPNPT_SA_BYTES_OUT: u64, bytes from the client to the server
 * @VPNPT_SA_BYTES_IN: u64, bytes from the server to the client
 * @VPNPT_SA_CALL_ID_INSIDE: u16, PPTP: the client's Call ID
 * @VPNPT_SA_CALL_ID_OUTSIDE: u16, PPTP: the Call ID the server sees
 * @VPNPT_SA_PEER_CALL_ID: u16, PPTP: the server's Call ID
 * @VPNPT_SA_SPI_OUT: be32, ESP/AH: SPI of client-to-server packets (on wire)
 * @VPNPT_SA_SPI_IN: be32, ESP/AH: SPI of server-to-client packets (on wire)
 * @VPNPT_SA_IKE_SPI_I: u64, IKE: initiator SPI (as on the wire, big endian
 *	read as a number)
 * @VPNPT_SA_IKE_SPI_R: u64, IKE: responder SPI
 * @VPNPT_SA_TUNNEL_ID: u16, L2TP: the client's tunnel ID
 * @VPNPT_SA_PEER_TUNNEL_ID: u16, L2TP: the server's tunnel ID
 * @VPNPT_SA_PARENT: u64, id of the session this one belongs to (e.g. the
 *	IKE session of an ESP or NAT-T flow)
 * @VPNPT_SA_ZONE: u16, conntrack zone vpnpt placed the flow in
 * @VPNPT_SA_IKE_RESPONSES: nested, IKE: one %VPNPT_IKE_RESP_ENTRY per
 *	exchange type the server has answered in this IKE SA (enum
 *	vpnpt_ike_resp_attr), in ascending exchange type
 * @__VPNPT_SA_MAX: number of attributes; not an attribute
 *
 * A session carries only the attributes that apply to its protocol;
 * %VPNPT_SA_ZONE and %VPNPT_SA_PARENT are left out when they are 0 (none),
 * %VPNPT_SA_IKE_RESPONSES until the server has sent a message.
 */
enum vpnpt_session_attr {
	VPNPT_SA_UNSPEC,
	VPNPT_SA_PAD,
	VPNPT_SA_ID,
	VPNPT_SA_PROTO,
	VPNPT_SA_STATE,
	VPNPT_SA_CLIENT,
	VPNPT_SA_SERVER,
	VPNPT_SA_PUBLIC,
	VPNPT_SA_AGE,
	VPNPT_SA_IDLE,
	VPNPT_SA_PACKETS_OUT,
	VPNPT_SA_PACKETS_IN,
	VPNPT_SA_BYTES_OUT,
	VPNPT_SA_BYTES_IN,
	VPNPT_SA_CALL_ID_INSIDE,
	VPNPT_SA_CALL_ID_OUTSIDE,
	VPNPT_SA_PEER_CALL_ID,
	VPNPT_SA_SPI_OUT,
	VPNPT_SA_SPI_IN,
	VPNPT_SA_IKE_SPI_I,
	VPNPT_SA_IKE_SPI_R,
	VPNPT_SA_TUNNEL_ID,
	VPNPT_SA_PEER_TUNNEL_ID,
	VPNPT_SA_PARENT,
	VPNPT_SA_ZONE,
	VPNPT_SA_IKE_RESPONSES,
	__VPNPT_SA_MAX
};

#define VPNPT_SA_MAX (__VPNPT_SA_MAX - 1)

/*
 * Exchange type vpnpt reports for the private-use range (240-255), which
 * it keeps as one.
 */
#define VPNPT_IKE_RESP_EXCH_PRIVATE	240

/**
 * enum vpnpt_ike_resp_attr - the server's responses, in %VPNPT_SA_IKE_RESPONSES
 * @VPNPT_IKE_RESP_UNSPEC: not an attribute
 * @VPNPT_IKE_RESP_ENTRY: nested, one exchange type: %VPNPT_IKE_RESP_EXCHANGE
 *	and %VPNPT_IKE_RESP_AGE
 * @VPNPT_IKE_RESP_EXCHANGE: u8, the exchange type as on the wire: IKEv1
 *	1-6, 32, 33 and IKEv2 34-44 (the two versions' numbers do not
 *	overlap); the private-use types 240-255 of both versions are one
 *	entry, reported as %VPNPT_IKE_RESP_EXCH_PRIVATE
 * @VPNPT_IKE_RESP_AGE: u32, seconds since the server's last message of
 *	that exchange type in the IKE SA
 * @__VPNPT_IKE_RESP_MAX: number of attributes; not an attribute
 *
 * "Response" is any message from the server (the responder of the IKE
 * SA's exchanges, or the initiator of one it starts, such as a rekey).
 */
enum vpnpt_ike_resp_attr {
	VPNPT_IKE_RESP_UNSPEC,
	VPNPT_IKE_RESP_ENTRY,
	VPNPT_IKE_RESP_EXCHANGE,
	VPNPT_IKE_RESP_AGE,
	__VPNPT_IKE_RESP_MAX
};

#define VPNPT_IKE_RESP_MAX (__VPNPT_IKE_RESP_MAX - 1)

#endif /* _UAPI_LINUX_VPNPT_H */
