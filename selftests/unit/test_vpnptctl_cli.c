// SPDX-License-Identifier: GPL-2.0
/* vpnptctl: command line parsing, protocol names, set keys and ranges. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "vpnptctl/vpnptctl.h"

#include "unit.h"

#define MAXARGS 32

/* Parse @line, split at spaces, as the arguments after "vpnptctl". */
static int parse(const char *line, struct vpnptctl_args *a, char *err)
{
	char buf[512], *argv[MAXARGS], *tok, *save = NULL;
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	argv[argc++] = "vpnptctl";
	for (tok = strtok_r(buf, " ", &save); tok && argc < MAXARGS - 1;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	memset(a, 0xa5, sizeof(*a));	/* the parser must set everything */
	return vpnptctl_parse_args(argc, argv, a, err, VPNPTCTL_ERRLEN);
}

/* @line must fail with exit status 2 and exactly the message @msg. */
static void check_usage_error(const char *line, const char *msg, int lineno)
{
	char err[VPNPTCTL_ERRLEN];
	struct vpnptctl_args a;
	int ret = parse(line, &a, err);

	if (ret != VPNPTCTL_EXIT_USAGE || strcmp(err, msg)) {
		fprintf(stderr, "# %s:%d: \"vpnptctl %s\": exit %d \"%s\", want exit 2 \"%s\"\n",
			__FILE__, lineno, line, ret, err, msg);
		unit_failed_checks++;
	}
	if (strchr(err, '\n')) {
		fprintf(stderr, "# %s:%d: message has a newline\n", __FILE__, lineno);
		unit_failed_checks++;
	}
}

#define CHECK_USAGE(line, msg) check_usage_error(line, msg, __LINE__)

static void check_ok(const char *line, struct vpnptctl_args *a, int lineno)
{
	char err[VPNPTCTL_ERRLEN];
	int ret = parse(line, a, err);

	if (ret != VPNPTCTL_EXIT_OK) {
		fprintf(stderr, "# %s:%d: \"vpnptctl %s\" failed: %s\n",
			__FILE__, lineno, line, err);
		unit_failed_checks++;
	}
}

#define CHECK_OK(line, a) check_ok(line, a, __LINE__)

#define PROTOS "pptp, l2tp, ike, esp, ah, natt or all"
#define KEYS "max-sessions, max-client-sessions, timeout-PROTO, ike-keep-port, " \
	"attach-helpers, ceiling-max-sessions, ceiling-max-client-sessions"

UNIT_TEST(vpnptctl_proto_names)
{
	static const char *const names[] = VPNPT_PROTO_NAMES;
	uint32_t bits;
	unsigned int i;

	for (i = 0; i < VPNPTCTL_NPROTO; i++) {
		CHECK_STR(vpnptctl_proto_name(i), names[i]);
		CHECK_EQ(vpnptctl_parse_proto(names[i], &bits), 0);
		CHECK_EQ(bits, 1U << i);
	}
	CHECK(!vpnptctl_proto_name(VPNPTCTL_NPROTO));
	CHECK_EQ(vpnptctl_parse_proto("all", &bits), 0);
	CHECK_EQ(bits, VPNPT_PROTO_ALL);
	bits = 7;
	CHECK_EQ(vpnptctl_parse_proto("PPTP", &bits), -1);
	CHECK_EQ(vpnptctl_parse_proto("", &bits), -1);
	CHECK_EQ(vpnptctl_parse_proto("pptp ", &bits), -1);
	CHECK_EQ(vpnptctl_parse_proto("gre", &bits), -1);
	CHECK_EQ(bits, 7);	/* untouched on error */
	CHECK_STR(vpnptctl_state_name(VPNPT_SESSION_NEW), "new");
	CHECK_STR(vpnptctl_state_name(VPNPT_SESSION_ESTABLISHED), "established");
	CHECK_STR(vpnptctl_state_name(VPNPT_SESSION_CLOSING), "closing");
	CHECK(!vpnptctl_state_name(3));
}

UNIT_TEST(vpnptctl_args_options)
{
	struct vpnptctl_args a;

	CHECK_OK("status", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_STATUS);
	CHECK_STR(a.name, "status");
	CHECK(!a.json && !a.pretty && !a.stats && !a.dry_run && !a.netns);
	CHECK_EQ(a.protos, 0);
	CHECK_EQ(a.set, 0);

	CHECK_OK("-j -s status", &a);
	CHECK(a.json && !a.pretty && a.stats);
	CHECK_OK("--json --stats status", &a);
	CHECK(a.json && a.stats);
	CHECK_OK("-p stats", &a);
	CHECK(a.json && a.pretty);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_STATS);
	CHECK_OK("--pretty stats", &a);
	CHECK(a.json && a.pretty);
	/* Global options after the command word too. */
	CHECK_OK("status -j --stats", &a);
	CHECK(a.json && a.stats);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_STATUS);

	CHECK_OK("-n router status", &a);
	CHECK_STR(a.netns, "router");
	CHECK_OK("--netns router stats", &a);
	CHECK_STR(a.netns, "router");
	CHECK_OK("--netns=r1 stats", &a);
	CHECK_STR(a.netns, "r1");
	CHECK_OK("stats -n r2", &a);
	CHECK_STR(a.netns, "r2");

	CHECK_OK("-h", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_HELP);
	CHECK_OK("--help", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_HELP);
	CHECK_OK("help", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_HELP);
	CHECK_OK("-V", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_VERSION);
	CHECK_OK("--version", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_VERSION);
	/* -h wins over whatever follows, even a bad word. */
	CHECK_OK("-h bogus", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_HELP);
	CHECK_OK("enable -h", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_HELP);
	CHECK_OK("set -V", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_VERSION);
	CHECK_OK("help set", &a);	/* help takes no topic: words ignored */
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_HELP);
	CHECK_OK("-- status", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_STATUS);
}

UNIT_TEST(vpnptctl_args_commands)
{
	struct vpnptctl_args a;
	uint32_t addr;

	CHECK_OK("stats", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_STATS);
	CHECK_OK("monitor", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_MONITOR);
	CHECK_OK("-j monitor", &a);
	CHECK(a.json);

	CHECK_OK("enable pptp esp", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_ENABLE);
	CHECK_EQ(a.set, VPNPTCTL_SET_SWITCHES);
	CHECK_EQ(a.switches, (1U << VPNPT_PROTO_PPTP) | (1U << VPNPT_PROTO_ESP));
	CHECK_EQ(a.switches_mask, (1U << VPNPT_PROTO_PPTP) | (1U << VPNPT_PROTO_ESP));
	CHECK_EQ(a.timeouts_set, 0);
	CHECK_OK("disable natt ah", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_DISABLE);
	CHECK_EQ(a.switches, 0);
	CHECK_EQ(a.switches_mask, (1U << VPNPT_PROTO_NATT) | (1U << VPNPT_PROTO_AH));
	CHECK_OK("disable all", &a);
	CHECK_EQ(a.switches, 0);
	CHECK_EQ(a.switches_mask, VPNPT_PROTO_ALL);
	CHECK_OK("enable all", &a);
	CHECK_EQ(a.switches, VPNPT_PROTO_ALL);
	CHECK_EQ(a.switches_mask, VPNPT_PROTO_ALL);
	CHECK_OK("enable ike ike", &a);
	CHECK_EQ(a.switches_mask, 1U << VPNPT_PROTO_IKE);

	CHECK_OK("flush", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_FLUSH);
	CHECK_EQ(a.protos, 0);
	CHECK_EQ(a.set, 0);
	CHECK_OK("flush l2tp pptp", &a);
	CHECK_EQ(a.protos, (1U << VPNPT_PROTO_L2TP) | (1U << VPNPT_PROTO_PPTP));
	CHECK_OK("flush all", &a);
	CHECK_EQ(a.protos, VPNPT_PROTO_ALL);

	CHECK_OK("sessions", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_SESSIONS);
	CHECK_EQ(a.protos, 0);
	CHECK(!a.has_client);
	CHECK_OK("sessions proto pptp esp client 10.99.0.11", &a);
	CHECK_EQ(a.protos, (1U << VPNPT_PROTO_PPTP) | (1U << VPNPT_PROTO_ESP));
	CHECK(a.has_client);
	inet_pton(AF_INET, "10.99.0.11", &addr);
	CHECK_EQ(a.client, addr);
	CHECK_OK("sessions client 10.99.0.12 proto ike", &a);
	CHECK_EQ(a.protos, 1U << VPNPT_PROTO_IKE);
	CHECK(a.has_client);
	CHECK_OK("sessions proto l2tp proto natt", &a);
	CHECK_EQ(a.protos, (1U << VPNPT_PROTO_L2TP) | (1U << VPNPT_PROTO_NATT));
	CHECK_OK("-j sessions proto all", &a);
	CHECK_EQ(a.protos, VPNPT_PROTO_ALL);

	CHECK_OK("setup", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_SETUP);
	CHECK(!a.dry_run && !a.nft);
	CHECK_OK("setup --dry-run", &a);
	CHECK(a.dry_run && !a.nft);
	CHECK_OK("setup --nft", &a);
	CHECK(!a.dry_run && a.nft);
	CHECK_OK("setup --dry-run --nft", &a);
	CHECK(a.dry_run && a.nft);
	CHECK_OK("teardown", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_TEARDOWN);
	CHECK(!a.dry_run);
	CHECK_OK("teardown --dry-run", &a);
	CHECK(a.dry_run);
}

UNIT_TEST(vpnptctl_args_set)
{
	struct vpnptctl_args a;

	CHECK_OK("set max-sessions 1000", &a);
	CHECK_EQ(a.cmd, VPNPTCTL_CMD_SET);
	CHECK_EQ(a.set, VPNPTCTL_SET_MAX_SESSIONS);
	CHECK_EQ(a.max_sessions, 1000);
	CHECK_EQ(a.timeouts_set, 0);

	CHECK_OK("set max-client-sessions 16 timeout-esp 600 timeout-natt 30 max-sessions 1",
		 &a);
	CHECK_EQ(a.set, VPNPTCTL_SET_MAX_SESSIONS | VPNPTCTL_SET_MAX_CLIENT_SESSIONS);
	CHECK_EQ(a.max_sessions, 1);
	CHECK_EQ(a.max_client_sessions, 16);
	CHECK_EQ(a.timeouts_set, (1U << VPNPT_PROTO_ESP) | (1U << VPNPT_PROTO_NATT));
	CHECK_EQ(a.timeouts[VPNPT_PROTO_ESP], 600);
	CHECK_EQ(a.timeouts[VPNPT_PROTO_NATT], 30);

	CHECK_OK("set timeout-pptp 10 timeout-l2tp 0086400 timeout-ike 300", &a);
	CHECK_EQ(a.set, 0);
	CHECK_EQ(a.timeouts_set, (1U << VPNPT_PROTO_PPTP) | (1U << VPNPT_PROTO_L2TP) |
		 (1U << VPNPT_PROTO_IKE));
	CHECK_EQ(a.timeouts[VPNPT_PROTO_PPTP], 10);
	CHECK_EQ(a.timeouts[VPNPT_PROTO_L2TP], 86400);

	/* AH has no sessions: the tool refuses its timeout itself. */
	CHECK_USAGE("set timeout-ah 600",
		    "set: timeout-ah: ah has no sessions, so no idle timeout");
	CHECK_USAGE("set timeout-esp 600 timeout-ah 600",
		    "set: timeout-ah: ah has no sessions, so no idle timeout");
	CHECK_USAGE("set timeout-all 600",
		    "set: unknown key 'timeout-all' (" KEYS ")");

	/* The limits of the uapi, inclusive. */
	CHECK_OK("set max-sessions 1048576 max-client-sessions 65536", &a);
	CHECK_EQ(a.max_sessions, VPNPT_MAX_SESSIONS_MAX);
	CHECK_EQ(a.max_client_sessions, VPNPT_MAX_CLIENT_SESSIONS_MAX);
	CHECK_OK("set max-client-sessions 1", &a);
	CHECK_EQ(a.max_client_sessions, VPNPT_MAX_CLIENT_SESSIONS_MIN);
	CHECK_OK("-j set max-sessions 5", &a);
	CHECK(a.json);
	CHECK_OK("set ike-keep-port on", &a);
	CHECK_EQ(a.set, VPNPTCTL_SET_IKE_KEEP_PORT);
	CHECK(a.ike_keep_port);
	CHECK_OK("set ike-keep-port off max-sessions 7", &a);
	CHECK_EQ(a.set, VPNPTCTL_SET_IKE_KEEP_PORT | VPNPTCTL_SET_MAX_SESSIONS);
	CHECK(!a.ike_keep_port);
	CHECK_OK("set attach-helpers on", &a);
	CHECK_EQ(a.set, VPNPTCTL_SET_ATTACH_HELPERS);
	CHECK(a.attach_helpers && !a.ike_keep_port);
	CHECK_OK("set attach-helpers off ike-keep-port on", &a);
	CHECK_EQ(a.set, VPNPTCTL_SET_ATTACH_HELPERS | VPNPTCTL_SET_IKE_KEEP_PORT);
	CHECK(!a.attach_helpers && a.ike_keep_port);
}

UNIT_TEST(vpnptctl_parse_set_direct)
{
	char err[VPNPTCTL_ERRLEN] = "";
	struct vpnptctl_args a;

	memset(&a, 0, sizeof(a));
	CHECK_EQ(vpnptctl_parse_set("timeout-ike", "120", &a, err, sizeof(err)), 0);
	CHECK_EQ(a.timeouts[VPNPT_PROTO_IKE], 120);
	CHECK_EQ(vpnptctl_parse_set("timeout-ike", "130", &a, err, sizeof(err)), -1);
	CHECK_STR(err, "set: timeout-ike given twice");
	CHECK_EQ(a.timeouts[VPNPT_PROTO_IKE], 120);
	CHECK_EQ(vpnptctl_parse_set("timeout-", "130", &a, err, sizeof(err)), -1);
	CHECK_STR(err, "set: unknown key 'timeout-' (" KEYS ")");
	CHECK_EQ(vpnptctl_parse_set("max-sessions", "4294967295", &a, err,
				    sizeof(err)), -1);
	CHECK_STR(err, "set: max-sessions: 4294967295 is out of range (1..1048576)");
	CHECK_EQ(vpnptctl_parse_set("max-sessions", "4294967296", &a, err,
				    sizeof(err)), -1);
	CHECK_STR(err, "set: max-sessions: 4294967296 is out of range (1..1048576)");
	CHECK_EQ(vpnptctl_parse_set("max-sessions", "99999999999999999999999", &a,
				    err, sizeof(err)), -1);
	CHECK_STR(err, "set: max-sessions: 99999999999999999999999 is out of range (1..1048576)");
	CHECK_EQ(a.set, 0);
	/* A short buffer truncates, never overflows. */
	CHECK_EQ(vpnptctl_parse_set("bogus", "1", &a, err, 8), -1);
	CHECK_STR(err, "set: un");
}

UNIT_TEST(vpnptctl_args_usage_errors)
{
	CHECK_USAGE("", "missing command (status, enable, disable, set, stats, sessions, "
		    "monitor, flush, setup, teardown; see 'vpnptctl --help')");
	CHECK_USAGE("-j", "missing command (status, enable, disable, set, stats, sessions, "
		    "monitor, flush, setup, teardown; see 'vpnptctl --help')");
	CHECK_USAGE("bogus", "unknown command 'bogus' (see 'vpnptctl --help')");
	CHECK_USAGE("Status", "unknown command 'Status' (see 'vpnptctl --help')");
	CHECK_USAGE("stat", "unknown command 'stat' (see 'vpnptctl --help')");
	CHECK_USAGE("-", "unknown command '-' (see 'vpnptctl --help')");
	CHECK_USAGE("--bogus status", "unknown option '--bogus'");
	CHECK_USAGE("-x status", "unknown option '-x'");
	CHECK_USAGE("-js status", "unknown option '-js'");
	CHECK_USAGE("--json=1 status", "unknown option '--json=1'");
	CHECK_USAGE("status --bogus", "unknown option '--bogus'");
	CHECK_USAGE("--dry-run setup", "unknown option '--dry-run'");
	CHECK_USAGE("status --dry-run", "unknown option '--dry-run'");
	CHECK_USAGE("teardown --nft", "unknown option '--nft'");
	CHECK_USAGE("status --nft", "unknown option '--nft'");
	CHECK_USAGE("-n", "option '-n' needs a namespace name");
	CHECK_USAGE("--netns", "option '--netns' needs a namespace name");
	CHECK_USAGE("status -n", "option '-n' needs a namespace name");
	CHECK_USAGE("-n a/b status", "invalid network namespace name 'a/b'");
	CHECK_USAGE("-n .. status", "invalid network namespace name '..'");
	CHECK_USAGE("-n . status", "invalid network namespace name '.'");
	CHECK_USAGE("--netns= status", "invalid network namespace name ''");

	CHECK_USAGE("status extra", "status: unexpected argument 'extra'");
	CHECK_USAGE("stats pptp", "stats: unexpected argument 'pptp'");
	CHECK_USAGE("monitor all", "monitor: unexpected argument 'all'");
	CHECK_USAGE("setup now", "setup: unexpected argument 'now'");
	CHECK_USAGE("teardown pptp", "teardown: unexpected argument 'pptp'");
}

UNIT_TEST(vpnptctl_args_proto_errors)
{
	CHECK_USAGE("enable", "enable: missing protocol (" PROTOS ")");
	CHECK_USAGE("disable", "disable: missing protocol (" PROTOS ")");
	CHECK_USAGE("enable -j", "enable: missing protocol (" PROTOS ")");
	CHECK_USAGE("enable gre", "enable: unknown protocol 'gre' (" PROTOS ")");
	CHECK_USAGE("disable pptp PPTP", "disable: unknown protocol 'PPTP' (" PROTOS ")");
	CHECK_USAGE("flush ipsec", "flush: unknown protocol 'ipsec' (" PROTOS ")");
	CHECK_USAGE("sessions pptp", "sessions: unexpected argument 'pptp'");
	CHECK_USAGE("sessions proto", "sessions: 'proto' needs a protocol (" PROTOS ")");
	CHECK_USAGE("sessions proto gre", "sessions: unknown protocol 'gre' (" PROTOS ")");
	CHECK_USAGE("sessions proto pptp gre", "sessions: unknown protocol 'gre' (" PROTOS ")");
	CHECK_USAGE("sessions client", "sessions: 'client' needs an address");
	CHECK_USAGE("sessions client 10.0.0", "sessions: invalid client address '10.0.0'");
	CHECK_USAGE("sessions client 10.0.0.256", "sessions: invalid client address '10.0.0.256'");
	CHECK_USAGE("sessions client ::1", "sessions: invalid client address '::1'");
	CHECK_USAGE("sessions client 10.0.0.1 client 10.0.0.2",
		    "sessions: client given twice");
	CHECK_USAGE("sessions client 10.0.0.1 esp", "sessions: unexpected argument 'esp'");
}

UNIT_TEST(vpnptctl_args_set_errors)
{
	CHECK_USAGE("set", "set: missing KEY VALUE (" KEYS ")");
	CHECK_USAGE("set -j", "set: missing KEY VALUE (" KEYS ")");
	CHECK_USAGE("set max-sessions", "set: missing value for 'max-sessions'");
	CHECK_USAGE("set max-sessions 10 timeout-esp",
		    "set: missing value for 'timeout-esp'");
	CHECK_USAGE("set bogus 1", "set: unknown key 'bogus' (" KEYS ")");
	CHECK_USAGE("set timeout-gre 60", "set: unknown key 'timeout-gre' (" KEYS ")");
	CHECK_USAGE("set timeout-all 60", "set: unknown key 'timeout-all' (" KEYS ")");
	CHECK_USAGE("set max_sessions 60", "set: unknown key 'max_sessions' (" KEYS ")");
	CHECK_USAGE("set max-sessions abc", "set: max-sessions: invalid number 'abc'");
	CHECK_USAGE("set ike-keep-port 1", "set: ike-keep-port: '1' is neither on nor off");
	CHECK_USAGE("set ike-keep-port", "set: missing value for 'ike-keep-port'");
	CHECK_USAGE("set ike-keep-port on ike-keep-port off",
		    "set: ike-keep-port given twice");
	CHECK_USAGE("set attach-helpers yes", "set: attach-helpers: 'yes' is neither on nor off");
	CHECK_USAGE("set attach-helpers on attach-helpers on",
		    "set: attach-helpers given twice");
	CHECK_USAGE("set max-sessions -5", "set: max-sessions: invalid number '-5'");
	CHECK_USAGE("set max-sessions +5", "set: max-sessions: invalid number '+5'");
	CHECK_USAGE("set max-sessions 0x10", "set: max-sessions: invalid number '0x10'");
	CHECK_USAGE("set max-sessions 10s", "set: max-sessions: invalid number '10s'");
	CHECK_USAGE("set max-sessions 1.5", "set: max-sessions: invalid number '1.5'");
	CHECK_USAGE("set max-sessions 0", "set: max-sessions: 0 is out of range (1..1048576)");
	CHECK_USAGE("set max-sessions 1048577",
		    "set: max-sessions: 1048577 is out of range (1..1048576)");
	CHECK_USAGE("set max-client-sessions 0",
		    "set: max-client-sessions: 0 is out of range (1..65536)");
	CHECK_USAGE("set max-client-sessions 65537",
		    "set: max-client-sessions: 65537 is out of range (1..65536)");
	CHECK_USAGE("set timeout-pptp 9", "set: timeout-pptp: 9 is out of range (10..86400)");
	CHECK_USAGE("set timeout-natt 86401",
		    "set: timeout-natt: 86401 is out of range (10..86400)");
	CHECK_USAGE("set max-sessions 10 max-sessions 20", "set: max-sessions given twice");
	CHECK_USAGE("set timeout-l2tp 10 timeout-l2tp 20", "set: timeout-l2tp given twice");
}

UNIT_TEST(vpnptctl_args_empty_words)
{
	char *argv_empty_ns[] = { "vpnptctl", "-n", "", "status", NULL };
	char *argv_empty_val[] = { "vpnptctl", "set", "max-sessions", "", NULL };
	char *argv_empty_cmd[] = { "vpnptctl", "", NULL };
	char err[VPNPTCTL_ERRLEN];
	struct vpnptctl_args a;

	CHECK_EQ(vpnptctl_parse_args(4, argv_empty_ns, &a, err, sizeof(err)),
		 VPNPTCTL_EXIT_USAGE);
	CHECK_STR(err, "invalid network namespace name ''");
	CHECK_EQ(vpnptctl_parse_args(4, argv_empty_val, &a, err, sizeof(err)),
		 VPNPTCTL_EXIT_USAGE);
	CHECK_STR(err, "set: max-sessions: invalid number ''");
	CHECK_EQ(vpnptctl_parse_args(2, argv_empty_cmd, &a, err, sizeof(err)),
		 VPNPTCTL_EXIT_USAGE);
	CHECK_STR(err, "unknown command '' (see 'vpnptctl --help')");
}
