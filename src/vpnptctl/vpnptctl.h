/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vpnptctl - control tool of the vpnpt module.
 *
 * The tool is split in two halves:
 *
 *  - pure code, without sockets or libnftnl, built into the tool and into
 *    the unit tests: argument parsing (cli.c), decoding of netlink
 *    attributes into the data model below with libmnl's attribute parser
 *    (decode.c), text and JSON output of that model (fmt.c, json.c) and the
 *    nftables ruleset that `setup` installs (ruleset.c);
 *  - I/O: generic netlink with libmnl (nl.c), nftables with libnftnl
 *    (nft.c), and main.c tying it together.
 */
#ifndef _VPNPTCTL_H
#define _VPNPTCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/vpnpt.h>

#define VPNPTCTL_NAME		"vpnptctl"

/* The oldest generic netlink family version this tool works with. */
#define VPNPTCTL_GENL_MIN_VERSION	1

#define VPNPTCTL_NPROTO		__VPNPT_PROTO_MAX

/* Exit status. */
#define VPNPTCTL_EXIT_OK	0
#define VPNPTCTL_EXIT_FAIL	1	/* the operation or the kernel failed */
#define VPNPTCTL_EXIT_USAGE	2	/* bad command line */

#define VPNPTCTL_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Longest error or usage message (one line, without "vpnptctl: "). */
#define VPNPTCTL_ERRLEN		256

/* ---- protocol names (cli.c) ----------------------------------------- */

/* Name of protocol @proto, or NULL if it is not one this tool knows. */
const char *vpnptctl_proto_name(unsigned int proto);

/*
 * Parse a protocol name ("pptp" ... "natt", or "all") into a bitmap of
 * protocols. Returns 0 or -1 if @name is not a protocol.
 */
int vpnptctl_parse_proto(const char *name, uint32_t *bits);

/* Name of a session state, or NULL if unknown. */
const char *vpnptctl_state_name(unsigned int state);

/* ---- command line (cli.c) ------------------------------------------- */

enum vpnptctl_cmd {
	VPNPTCTL_CMD_NONE,
	VPNPTCTL_CMD_HELP,
	VPNPTCTL_CMD_VERSION,
	VPNPTCTL_CMD_STATUS,
	VPNPTCTL_CMD_ENABLE,
	VPNPTCTL_CMD_DISABLE,
	VPNPTCTL_CMD_SET,
	VPNPTCTL_CMD_STATS,
	VPNPTCTL_CMD_SESSIONS,
	VPNPTCTL_CMD_MONITOR,
	VPNPTCTL_CMD_FLUSH,
	VPNPTCTL_CMD_SETUP,
	VPNPTCTL_CMD_TEARDOWN,
};

/* Which tunables a `set` command carries (vpnptctl_args.set). */
#define VPNPTCTL_SET_MAX_SESSIONS		(1U << 0)
#define VPNPTCTL_SET_MAX_CLIENT_SESSIONS	(1U << 1)
#define VPNPTCTL_SET_SWITCHES			(1U << 2)
#define VPNPTCTL_SET_IKE_KEEP_PORT		(1U << 3)
#define VPNPTCTL_SET_CEIL_MAX_SESSIONS		(1U << 4)
#define VPNPTCTL_SET_CEIL_MAX_CLIENT_SESSIONS	(1U << 5)
#define VPNPTCTL_SET_ATTACH_HELPERS		(1U << 6)

/**
 * struct vpnptctl_args - a parsed command line
 * @cmd: the command
 * @name: the command's word as typed, used to name the operation in errors
 * @json: -j: JSON output
 * @pretty: -p: indented JSON (implies @json)
 * @stats: -s: status also shows the counters
 * @dry_run: setup/teardown --dry-run: print the nft ruleset, touch nothing
 * @nft: setup --nft: attach the helpers with table ip vpnpt, not in the
 *	kernel (attach-helpers)
 * @netns: -n NAME, or NULL
 * @protos: enable, disable: the protocols named; sessions, flush: the
 *	protocol filter (0: none given, i.e. all)
 * @has_client: sessions: a client filter was given
 * @client: sessions: the client filter, IPv4 address in network order
 * @set: which of the following a SET_CONFIG request carries
 *	(VPNPTCTL_SET_*); @timeouts_set says which timeouts
 * @switches: enable/disable: new value of the switches named in @switches_mask
 * @switches_mask: enable/disable: the bits of @switches to apply
 * @max_sessions: set max-sessions
 * @max_client_sessions: set max-client-sessions
 * @timeouts_set: set timeout-PROTO: bitmap of the protocols given
 * @timeouts: set timeout-PROTO: seconds, indexed by enum vpnpt_proto
 * @ike_keep_port: set ike-keep-port on|off
 * @ceil_max_sessions: set ceiling-max-sessions
 * @ceil_max_client_sessions: set ceiling-max-client-sessions
 * @attach_helpers: set attach-helpers on|off
 */
struct vpnptctl_args {
	enum vpnptctl_cmd cmd;
	const char *name;
	bool json;
	bool pretty;
	bool stats;
	bool dry_run;
	bool nft;
	const char *netns;
	uint32_t protos;
	bool has_client;
	uint32_t client;
	unsigned int set;
	uint32_t switches;
	uint32_t switches_mask;
	uint32_t max_sessions;
	uint32_t max_client_sessions;
	uint32_t timeouts_set;
	uint32_t timeouts[VPNPTCTL_NPROTO];
	bool ike_keep_port;
	uint32_t ceil_max_sessions;
	uint32_t ceil_max_client_sessions;
	bool attach_helpers;
};

/*
 * Parse the command line (argv[0] is the program name). Returns
 * VPNPTCTL_EXIT_OK, or VPNPTCTL_EXIT_USAGE with a one-line message (without
 * the "vpnptctl: " prefix) in @err.
 */
int vpnptctl_parse_args(int argc, char *const argv[], struct vpnptctl_args *args,
			char *err, size_t errlen);

/*
 * Validate one `set` pair; on success store it in @args. Returns 0, or -1
 * with a message in @err. Exposed for tests; vpnptctl_parse_args uses it.
 */
int vpnptctl_parse_set(const char *key, const char *value,
		       struct vpnptctl_args *args, char *err, size_t errlen);

/*
 * The i-th command word (status ... help) and the i-th key of `set`
 * (max-sessions ... timeout-natt) the parser accepts, NULL after the last:
 * the lists the man page and the completion are checked against.
 */
const char *vpnptctl_command_word(unsigned int i);
const char *vpnptctl_set_key(unsigned int i);

/* The usage text of --help. */
void vpnptctl_usage(FILE *f);

/* ---- decoded data model (decode.c) ------------------------------------ */

/* Fields of struct vpnptctl_config the kernel sent (vpnptctl_config.present). */
#define VPNPTCTL_CFG_SWITCHES		(1U << 0)
#define VPNPTCTL_CFG_MAX_SESSIONS	(1U << 1)
#define VPNPTCTL_CFG_MAX_CLIENT_SESSIONS (1U << 2)
#define VPNPTCTL_CFG_MODULE_VERSION	(1U << 3)
#define VPNPTCTL_CFG_FAMILY_VERSION	(1U << 4)
#define VPNPTCTL_CFG_IKE_KEEP_PORT	(1U << 5)
#define VPNPTCTL_CFG_CEIL_MAX_SESSIONS	(1U << 6)
#define VPNPTCTL_CFG_CEIL_MAX_CLIENT_SESSIONS (1U << 7)
#define VPNPTCTL_CFG_ATTACH_HELPERS	(1U << 8)

/**
 * struct vpnptctl_config - configuration (GET_CONFIG reply, SET_CONFIG event)
 * @present: VPNPTCTL_CFG_* bits of the fields that are valid
 * @switches: enabled protocols, bit n = enum vpnpt_proto n
 * @max_sessions: VPNPT_A_MAX_SESSIONS
 * @max_client_sessions: VPNPT_A_MAX_CLIENT_SESSIONS
 * @timeouts_present: bitmap of the protocols whose timeout was sent
 * @timeouts: idle timeouts in seconds, indexed by enum vpnpt_proto
 * @module_version: VPNPT_A_MODULE_VERSION
 * @family_version: generic netlink family version (from the controller)
 * @ike_keep_port: VPNPT_A_IKE_KEEP_PORT
 * @ceil_max_sessions: VPNPT_A_CEIL_MAX_SESSIONS
 * @ceil_max_client_sessions: VPNPT_A_CEIL_MAX_CLIENT_SESSIONS
 * @attach_helpers: VPNPT_A_ATTACH_HELPERS
 */
struct vpnptctl_config {
	unsigned int present;
	uint32_t switches;
	uint32_t max_sessions;
	uint32_t max_client_sessions;
	uint32_t timeouts_present;
	uint32_t timeouts[VPNPTCTL_NPROTO];
	char module_version[64];
	uint32_t family_version;
	bool ike_keep_port;
	uint32_t ceil_max_sessions;
	uint32_t ceil_max_client_sessions;
	bool attach_helpers;
};

/*
 * Counters of one protocol: the u64 members of enum vpnpt_stat, which are
 * those from VPNPT_STAT_PACKETS on. Counter c is enum vpnpt_stat
 * VPNPTCTL_STAT_FIRST + c; the uapi enum is the only list of them.
 */
#define VPNPTCTL_STAT_FIRST	VPNPT_STAT_PACKETS
#define VPNPTCTL_NCOUNTERS	(__VPNPT_STAT_MAX - VPNPTCTL_STAT_FIRST)
#define VPNPTCTL_C(stat)	((stat) - VPNPTCTL_STAT_FIRST)
#define VPNPTCTL_C_PACKETS	VPNPTCTL_C(VPNPT_STAT_PACKETS)
#define VPNPTCTL_C_SESSIONS_ACTIVE VPNPTCTL_C(VPNPT_STAT_SESSIONS_ACTIVE)

/**
 * struct vpnptctl_stats - GET_STATS reply
 * @present: bitmap of the protocols the kernel sent counters for
 * @counters: per protocol, per counter (VPNPTCTL_C()); a counter the
 *	kernel did not send is 0
 */
struct vpnptctl_stats {
	uint32_t present;
	uint64_t counters[VPNPTCTL_NPROTO][VPNPTCTL_NCOUNTERS];
};

/*
 * Name of counter @counter (VPNPTCTL_C() of an enum vpnpt_stat), snake_case
 * as in the uapi (e.g. "dropped_disabled"), or NULL past the last.
 */
const char *vpnptctl_counter_name(unsigned int counter);

/* Most entries of VPNPT_SA_IKE_RESPONSES kept (the module sends up to 20). */
#define VPNPTCTL_MAX_IKE_RESPONSES	32

/**
 * struct vpnptctl_ike_response - one entry of VPNPT_SA_IKE_RESPONSES
 * @exchange: VPNPT_IKE_RESP_EXCHANGE, the on-wire exchange type
 * @age: VPNPT_IKE_RESP_AGE, seconds
 */
struct vpnptctl_ike_response {
	uint8_t exchange;
	uint32_t age;
};

/*
 * Name of an IKE exchange type ("IKE_AUTH", "QUICK_MODE", "PRIVATE" for
 * 240-255), or NULL if this tool does not know it. IKEv1 and IKEv2 types do
 * not overlap, so the number alone names it.
 */
const char *vpnptctl_ike_exchange_name(unsigned int exchange);

/* Bit of session attribute @a in vpnptctl_session.present. */
#define VPNPTCTL_SA(a)		(1ULL << (a))

/**
 * struct vpnptctl_session - one session (dump message or event)
 * @present: VPNPTCTL_SA(VPNPT_SA_*) bits of the fields that are valid
 * @client, @server, @public_addr: IPv4 addresses in network byte order
 * @spi_out, @spi_in: SPIs as numbers (converted from the wire's order)
 * @n_ike_responses, @ike_responses: VPNPT_SA_IKE_RESPONSES, in the kernel's
 *	order (entries past VPNPTCTL_MAX_IKE_RESPONSES are dropped)
 * The other fields are the VPNPT_SA_ attributes of the same name.
 */
struct vpnptctl_session {
	uint64_t present;
	uint64_t id;
	uint32_t proto;
	uint32_t state;
	uint32_t client;
	uint32_t server;
	uint32_t public_addr;
	uint32_t age;
	uint32_t idle;
	uint64_t packets_out;
	uint64_t packets_in;
	uint64_t bytes_out;
	uint64_t bytes_in;
	uint16_t call_id_inside;
	uint16_t call_id_outside;
	uint16_t peer_call_id;
	uint32_t spi_out;
	uint32_t spi_in;
	uint64_t ike_spi_i;
	uint64_t ike_spi_r;
	uint16_t tunnel_id;
	uint16_t peer_tunnel_id;
	uint64_t parent;
	uint16_t zone;
	unsigned int n_ike_responses;
	struct vpnptctl_ike_response ike_responses[VPNPTCTL_MAX_IKE_RESPONSES];
};

static inline bool vpnptctl_has(const struct vpnptctl_session *s,
				unsigned int attr)
{
	return s->present & VPNPTCTL_SA(attr);
}

enum vpnptctl_event_type {
	VPNPTCTL_EV_SESSION_NEW,
	VPNPTCTL_EV_SESSION_DEL,
	VPNPTCTL_EV_CONFIG,
};

/* One message of the events multicast group. */
struct vpnptctl_event {
	enum vpnptctl_event_type type;
	struct vpnptctl_session session;	/* SESSION_NEW, SESSION_DEL */
	struct vpnptctl_config config;		/* CONFIG */
};

/**
 * struct vpnptctl_family - what the generic netlink controller says
 * @id: family id
 * @version: family version
 * @events_group: id of the "events" multicast group, 0 if there is none
 */
struct vpnptctl_family {
	uint16_t id;
	uint32_t version;
	uint32_t events_group;
};

/*
 * Decoders. Each takes the attributes of one message (the bytes after the
 * genlmsghdr) and fills its structure (which it zeroes first). Attributes
 * they do not know are ignored; a known attribute of the wrong size, or a
 * truncated attribute, makes them fail with -EBADMSG. A session or stats
 * entry of a protocol the tool does not know is kept (session) or skipped
 * (stats).
 */
int vpnptctl_decode_config(const void *attrs, size_t len,
			   struct vpnptctl_config *cfg);
int vpnptctl_decode_stats(const void *attrs, size_t len,
			  struct vpnptctl_stats *st);
/* The message's VPNPT_A_SESSION; -ENOENT if it has none. */
int vpnptctl_decode_session_msg(const void *attrs, size_t len,
				struct vpnptctl_session *s);
int vpnptctl_decode_flushed(const void *attrs, size_t len, uint32_t *flushed);
/* @cmd: the genlmsghdr's command. -ENOENT for commands that are not events. */
int vpnptctl_decode_event(uint8_t cmd, const void *attrs, size_t len,
			  struct vpnptctl_event *ev);
/* CTRL_CMD_NEWFAMILY attributes; @group: the multicast group to look for. */
int vpnptctl_decode_family(const void *attrs, size_t len, const char *group,
			   struct vpnptctl_family *fam);

/*
 * Decode an NLMSG_ERROR (or NLMSG_DONE) message of @len bytes: its error
 * (negative errno, 0 for an ACK) in @error and the extended ACK message, if
 * any, in @msg ("" if none). Returns 0, or -EBADMSG if it is truncated.
 */
int vpnptctl_decode_nlerr(const void *nlmsg, size_t len, int *error,
			  char *msg, size_t msglen);

/* ---- output (fmt.c, json.c) --------------------------------------------- */

#define VPNPTCTL_JSON_DEPTH	8

/*
 * A small JSON writer: objects, arrays, strings, unsigned numbers, booleans.
 * Keys are given for members of objects and NULL for elements of arrays and
 * for the top-level value. vpnptctl_json_end() ends the document with a
 * newline.
 */
struct vpnptctl_json {
	FILE *f;
	bool pretty;
	int depth;
	bool nonempty[VPNPTCTL_JSON_DEPTH];
};

void vpnptctl_json_init(struct vpnptctl_json *j, FILE *f, bool pretty);
void vpnptctl_json_open_object(struct vpnptctl_json *j, const char *key);
void vpnptctl_json_close_object(struct vpnptctl_json *j);
void vpnptctl_json_open_array(struct vpnptctl_json *j, const char *key);
void vpnptctl_json_close_array(struct vpnptctl_json *j);
void vpnptctl_json_string(struct vpnptctl_json *j, const char *key,
			  const char *value);
void vpnptctl_json_u64(struct vpnptctl_json *j, const char *key, uint64_t value);
void vpnptctl_json_bool(struct vpnptctl_json *j, const char *key, bool value);
void vpnptctl_json_end(struct vpnptctl_json *j);
/* A quoted, escaped JSON string (valid UTF-8 kept, invalid bytes U+FFFD). */
void vpnptctl_json_quote(FILE *f, const char *s);

/*
 * One call per field for text and JSON (print.c), as iproute2's
 * print_*(PRINT_ANY, key, fmt, value): @mode says whether the call is for
 * the text (VPNPTCTL_PR_FP: @fmt printed with the value), the JSON
 * (VPNPTCTL_PR_JSON: "key": value), or both (VPNPTCTL_PR_ANY). Objects
 * exist in JSON only. @fmt of vpnptctl_pr_u64 takes a uint64_t (PRIu64), of
 * vpnptctl_pr_onoff a string ("on" or "off"; JSON: true or false).
 */
#define VPNPTCTL_PR_FP		(1U << 0)
#define VPNPTCTL_PR_JSON	(1U << 1)
#define VPNPTCTL_PR_ANY		(VPNPTCTL_PR_FP | VPNPTCTL_PR_JSON)

/*
 * A table (text only): the JSON's objects are its columns and their
 * members its rows, so that a table keeps narrow whatever the JSON nests
 * (stats: a column per protocol, a row per counter). Filled by
 * vpnptctl_pr_table_*(), printed as it closes.
 */
#define VPNPTCTL_PR_ROWS	16
#define VPNPTCTL_PR_COLS	8
#define VPNPTCTL_PR_CELL	24

struct vpnptctl_pr_table {
	bool open;
	bool in_object;
	const char *corner;
	unsigned int nrows, ncols;
	char rows[VPNPTCTL_PR_ROWS][VPNPTCTL_PR_CELL];
	const char *cols[VPNPTCTL_PR_COLS];
	char cells[VPNPTCTL_PR_ROWS][VPNPTCTL_PR_COLS][VPNPTCTL_PR_CELL];
};

struct vpnptctl_printer {
	FILE *f;
	bool json;
	struct vpnptctl_json j;
	struct vpnptctl_pr_table t;
};

void vpnptctl_pr_start(struct vpnptctl_printer *p, FILE *f, bool json,
		       bool pretty);
/* JSON: ends the document with a newline. Text: nothing. */
void vpnptctl_pr_end(struct vpnptctl_printer *p);
void vpnptctl_pr_u64(struct vpnptctl_printer *p, unsigned int mode,
		     const char *key, const char *fmt, uint64_t value);
void vpnptctl_pr_str(struct vpnptctl_printer *p, unsigned int mode,
		     const char *key, const char *fmt, const char *value);
void vpnptctl_pr_onoff(struct vpnptctl_printer *p, unsigned int mode,
		       const char *key, const char *fmt, bool value);
/* Seconds: text @fmt with "1h02m05s" (vpnptctl_fmt_duration), JSON a number. */
void vpnptctl_pr_duration(struct vpnptctl_printer *p, unsigned int mode,
			  const char *key, const char *fmt, uint32_t secs);
void vpnptctl_pr_open(struct vpnptctl_printer *p, const char *key);
void vpnptctl_pr_close(struct vpnptctl_printer *p);
void vpnptctl_pr_open_array(struct vpnptctl_printer *p, const char *key);
void vpnptctl_pr_close_array(struct vpnptctl_printer *p);
/*
 * A table: JSON {"key": {"col": {"row": N, ...}, ...}}; text, as it closes,
 * a line of column headings, then a line per row: its key with dashes for
 * underscores, left-aligned, and its cells right-aligned ("-" where a row
 * has no cell in a column).
 */
void vpnptctl_pr_table_open(struct vpnptctl_printer *p, const char *key);
/*
 * The same, with the columns as members of the JSON object open now (no
 * object of the table's own) and @corner as the text's heading of the rows.
 */
void vpnptctl_pr_table_open_in(struct vpnptctl_printer *p, const char *corner);
/* Text: a row, in this place, even if no column has a cell in it. */
void vpnptctl_pr_table_row(struct vpnptctl_printer *p, const char *key);
/* A column: JSON object @key, text heading @heading (NULL: @key). */
void vpnptctl_pr_table_col(struct vpnptctl_printer *p, const char *key,
			   const char *heading);
void vpnptctl_pr_table_col_end(struct vpnptctl_printer *p);
/* A cell of the last column: text @fmt of @value, JSON the number. */
void vpnptctl_pr_table_u64(struct vpnptctl_printer *p, const char *row,
			   const char *fmt, uint64_t value);
/* A cell: text "on"/"off", JSON true/false. */
void vpnptctl_pr_table_onoff(struct vpnptctl_printer *p, const char *row,
			     bool value);
void vpnptctl_pr_table_close(struct vpnptctl_printer *p);
/* Text only (separators, words without a JSON counterpart). */
void vpnptctl_pr_text_only(struct vpnptctl_printer *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Output options. */
struct vpnptctl_out {
	FILE *f;
	bool json;
	bool pretty;
};

/* status: @st is NULL unless -s was given. */
void vpnptctl_print_status(const struct vpnptctl_out *o,
			   const struct vpnptctl_config *cfg,
			   const struct vpnptctl_stats *st);
void vpnptctl_print_stats(const struct vpnptctl_out *o,
			  const struct vpnptctl_stats *st);
/* Sorts @s (by client, protocol, id) and prints them grouped by client. */
void vpnptctl_print_sessions(const struct vpnptctl_out *o,
			     struct vpnptctl_session *s, size_t n);
/* One line per event, text or compact JSON (o->pretty is ignored). */
void vpnptctl_print_event(const struct vpnptctl_out *o,
			  const struct vpnptctl_event *ev);
void vpnptctl_print_flushed(const struct vpnptctl_out *o, uint32_t flushed);
/*
 * What teardown did: @removed table ip vpnpt, @attach_off turned the
 * attach-helpers option off.
 */
void vpnptctl_print_teardown(const struct vpnptctl_out *o, bool removed,
			     bool attach_off);

/* Seconds as "45s", "2m05s", "1h02m03s", "3d01h02m03s". */
void vpnptctl_fmt_duration(char *buf, size_t len, uint32_t secs);

/* ---- the nftables ruleset of setup/teardown (ruleset.c) --------------- */

/**
 * struct vpnptctl_helper - one vpnpt conntrack helper and its traffic
 * @name: the helper's name in the kernel, also the name of its ct helper
 *	object in table ip vpnpt
 * @l4proto: IPPROTO_TCP or IPPROTO_UDP
 * @dport: destination port of the traffic it is attached to
 */
struct vpnptctl_helper {
	const char *name;
	uint8_t l4proto;
	uint16_t dport;
};

#define VPNPTCTL_NFT_TABLE	"vpnpt"		/* in family ip */
#define VPNPTCTL_NFT_CHAIN	"prerouting"
#define VPNPTCTL_NFT_SET_PORTS	"ports"		/* the helpers' ports */
#define VPNPTCTL_NFT_PRIORITY	0		/* after conntrack (-200) */

extern const struct vpnptctl_helper vpnptctl_helpers[];
extern const size_t vpnptctl_nhelpers;

/* "tcp" or "udp". */
const char *vpnptctl_l4proto_name(uint8_t l4proto);

/* The nft script setup installs (setup --dry-run), loadable with nft -f. */
void vpnptctl_print_ruleset(FILE *f);
/*
 * The nft script that removes table ip vpnpt (teardown --dry-run; also
 * setup's, @setup, after attach-helpers on), with what is done over netlink
 * in comments.
 */
void vpnptctl_print_teardown_ruleset(FILE *f, bool setup);

/* ---- I/O (nl.c, nft.c): return a VPNPTCTL_EXIT_* status ---------------- */

int vpnptctl_run_netlink(const struct vpnptctl_args *args);
int vpnptctl_attach_helpers(const struct vpnptctl_args *args, bool on,
			    bool *was_on);
/*
 * Install table ip vpnpt (@install), or remove it if it is there (@removed
 * says whether it was). Prints only errors.
 */
int vpnptctl_nft_apply(const char *op, bool install, bool *removed);
/* setup and teardown (setup.c). */
int vpnptctl_run_setup(const struct vpnptctl_args *args);

/* Print "vpnptctl: <fmt>\n" on stderr. */
void vpnptctl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* _VPNPTCTL_H */
