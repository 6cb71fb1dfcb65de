// SPDX-License-Identifier: GPL-2.0
/*
 * vpnptctl: command line parsing. Pure code: no I/O except the usage text.
 *
 *   vpnptctl [OPTIONS] COMMAND [ARGS]
 *
 * Global options may come before or after the command word; a command's
 * own arguments are positional, so a value such as "-5" after a set key is
 * taken as the (invalid) value, not as an option.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include "vpnptctl.h"

static const char *const vpnptctl_proto_names[] = VPNPT_PROTO_NAMES;

_Static_assert(VPNPTCTL_ARRAY_SIZE(vpnptctl_proto_names) == VPNPTCTL_NPROTO,
	       "VPNPT_PROTO_NAMES and enum vpnpt_proto disagree");

#define VPNPTCTL_PROTO_LIST	"pptp, l2tp, ike, esp, ah, natt or all"
#define VPNPTCTL_KEY_LIST \
	"max-sessions, max-client-sessions, timeout-PROTO, ike-keep-port, " \
	"attach-helpers, ceiling-max-sessions, ceiling-max-client-sessions"
#define VPNPTCTL_CMD_LIST	\
	"status, enable, disable, set, stats, sessions, monitor, flush, setup, teardown"

const char *vpnptctl_proto_name(unsigned int proto)
{
	return proto < VPNPTCTL_NPROTO ? vpnptctl_proto_names[proto] : NULL;
}

int vpnptctl_parse_proto(const char *name, uint32_t *bits)
{
	unsigned int i;

	if (!strcmp(name, "all")) {
		*bits = VPNPT_PROTO_ALL;
		return 0;
	}
	for (i = 0; i < VPNPTCTL_NPROTO; i++) {
		if (!strcmp(name, vpnptctl_proto_names[i])) {
			*bits = 1U << i;
			return 0;
		}
	}
	return -1;
}

const char *vpnptctl_state_name(unsigned int state)
{
	switch (state) {
	case VPNPT_SESSION_NEW:
		return "new";
	case VPNPT_SESSION_ESTABLISHED:
		return "established";
	case VPNPT_SESSION_CLOSING:
		return "closing";
	}
	return NULL;
}

static int __attribute__((format(printf, 3, 4)))
vpnptctl_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A decimal number of 1 to 10 digits that fits in 32 bits; no sign, no space. */
static int vpnptctl_parse_u32(const char *s, uint32_t *val)
{
	uint64_t v = 0;
	size_t i;

	if (!*s)
		return -1;
	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return -2;
	}
	*val = (uint32_t)v;
	return 0;
}

/*
 * The keys of `set`, the only ones the parser accepts: the man page and the
 * bash completion are checked against this list (selftests/unit). A timeout
 * key per protocol that has sessions; AH has none, so no timeout-ah (the
 * module refuses AH's timeout, see vpnptctl_no_timeout()).
 */
enum {
	VPNPTCTL_KEY_MAX_SESSIONS,
	VPNPTCTL_KEY_MAX_CLIENT_SESSIONS,
	VPNPTCTL_KEY_IKE_KEEP_PORT,
	VPNPTCTL_KEY_TIMEOUT,	/* + enum vpnpt_proto */
	VPNPTCTL_KEY_CEIL_MAX_SESSIONS = VPNPTCTL_KEY_TIMEOUT + VPNPTCTL_NPROTO,
	VPNPTCTL_KEY_CEIL_MAX_CLIENT_SESSIONS,
	VPNPTCTL_KEY_ATTACH_HELPERS,
	VPNPTCTL_NKEYS
};

static const char *const vpnptctl_set_keys[] = {
	[VPNPTCTL_KEY_MAX_SESSIONS] = "max-sessions",
	[VPNPTCTL_KEY_MAX_CLIENT_SESSIONS] = "max-client-sessions",
	[VPNPTCTL_KEY_IKE_KEEP_PORT] = "ike-keep-port",
	[VPNPTCTL_KEY_ATTACH_HELPERS] = "attach-helpers",
	[VPNPTCTL_KEY_TIMEOUT + VPNPT_PROTO_PPTP] = "timeout-pptp",
	[VPNPTCTL_KEY_TIMEOUT + VPNPT_PROTO_L2TP] = "timeout-l2tp",
	[VPNPTCTL_KEY_TIMEOUT + VPNPT_PROTO_IKE] = "timeout-ike",
	[VPNPTCTL_KEY_TIMEOUT + VPNPT_PROTO_ESP] = "timeout-esp",
	[VPNPTCTL_KEY_TIMEOUT + VPNPT_PROTO_AH] = NULL,	/* no sessions */
	[VPNPTCTL_KEY_TIMEOUT + VPNPT_PROTO_NATT] = "timeout-natt",
	[VPNPTCTL_KEY_CEIL_MAX_SESSIONS] = "ceiling-max-sessions",
	[VPNPTCTL_KEY_CEIL_MAX_CLIENT_SESSIONS] = "ceiling-max-client-sessions",
};

_Static_assert(VPNPTCTL_ARRAY_SIZE(vpnptctl_set_keys) == VPNPTCTL_NKEYS,
	       "a timeout key per protocol, then the ceilings");

/* The limits' keys: what they set, where, and their range. */
static const struct {
	unsigned int flag;
	size_t offset;
	uint32_t min, max;
} vpnptctl_limits[VPNPTCTL_NKEYS] = {
	[VPNPTCTL_KEY_MAX_SESSIONS] = {
		VPNPTCTL_SET_MAX_SESSIONS,
		offsetof(struct vpnptctl_args, max_sessions),
		VPNPT_MAX_SESSIONS_MIN, VPNPT_MAX_SESSIONS_MAX,
	},
	[VPNPTCTL_KEY_MAX_CLIENT_SESSIONS] = {
		VPNPTCTL_SET_MAX_CLIENT_SESSIONS,
		offsetof(struct vpnptctl_args, max_client_sessions),
		VPNPT_MAX_CLIENT_SESSIONS_MIN, VPNPT_MAX_CLIENT_SESSIONS_MAX,
	},
	[VPNPTCTL_KEY_CEIL_MAX_SESSIONS] = {
		VPNPTCTL_SET_CEIL_MAX_SESSIONS,
		offsetof(struct vpnptctl_args, ceil_max_sessions),
		VPNPT_MAX_SESSIONS_MIN, VPNPT_MAX_SESSIONS_MAX,
	},
	[VPNPTCTL_KEY_CEIL_MAX_CLIENT_SESSIONS] = {
		VPNPTCTL_SET_CEIL_MAX_CLIENT_SESSIONS,
		offsetof(struct vpnptctl_args, ceil_max_client_sessions),
		VPNPT_MAX_CLIENT_SESSIONS_MIN, VPNPT_MAX_CLIENT_SESSIONS_MAX,
	},
};

const char *vpnptctl_set_key(unsigned int i)
{
	unsigned int k;

	for (k = 0; k < VPNPTCTL_ARRAY_SIZE(vpnptctl_set_keys); k++)
		if (vpnptctl_set_keys[k] && !i--)
			return vpnptctl_set_keys[k];
	return NULL;
}

/*
 * @key is "timeout-PROTO" of a protocol without sessions (AH): -1 with the
 * error in @err, without asking the module. 0 for any other key.
 */
static int vpnptctl_no_timeout(const char *key, char *err, size_t errlen)
{
	uint32_t bits;

	if (strncmp(key, "timeout-", 8) || vpnptctl_parse_proto(key + 8, &bits) ||
	    bits == VPNPT_PROTO_ALL)
		return 0;
	return vpnptctl_fail(err, errlen,
			     "set: %s: %s has no sessions, so no idle timeout",
			     key, key + 8);
}

int vpnptctl_parse_set(const char *key, const char *value,
		       struct vpnptctl_args *args, char *err, size_t errlen)
{
	uint32_t min, max, v, *dst;
	unsigned int k, flag = 0, proto = 0;
	bool dup;
	int ret;

	for (k = 0; k < VPNPTCTL_ARRAY_SIZE(vpnptctl_set_keys); k++)
		if (vpnptctl_set_keys[k] && !strcmp(key, vpnptctl_set_keys[k]))
			break;
	switch (k) {
	case VPNPTCTL_KEY_IKE_KEEP_PORT:
	case VPNPTCTL_KEY_ATTACH_HELPERS:
		flag = k == VPNPTCTL_KEY_IKE_KEEP_PORT ?
			VPNPTCTL_SET_IKE_KEEP_PORT : VPNPTCTL_SET_ATTACH_HELPERS;
		if (args->set & flag)
			return vpnptctl_fail(err, errlen, "set: %s given twice",
					     key);
		if (strcmp(value, "on") && strcmp(value, "off"))
			return vpnptctl_fail(err, errlen,
					     "set: %s: '%s' is neither on nor off",
					     key, value);
		if (flag == VPNPTCTL_SET_IKE_KEEP_PORT)
			args->ike_keep_port = !strcmp(value, "on");
		else
			args->attach_helpers = !strcmp(value, "on");
		args->set |= flag;
		return 0;
	case VPNPTCTL_KEY_MAX_SESSIONS:
	case VPNPTCTL_KEY_MAX_CLIENT_SESSIONS:
	case VPNPTCTL_KEY_CEIL_MAX_SESSIONS:
	case VPNPTCTL_KEY_CEIL_MAX_CLIENT_SESSIONS:
		min = vpnptctl_limits[k].min;
		max = vpnptctl_limits[k].max;
		flag = vpnptctl_limits[k].flag;
		dst = (uint32_t *)((char *)args + vpnptctl_limits[k].offset);
		dup = args->set & flag;
		break;
	default:
		if (k == VPNPTCTL_ARRAY_SIZE(vpnptctl_set_keys) &&
		    vpnptctl_no_timeout(key, err, errlen))
			return -1;
		if (k == VPNPTCTL_ARRAY_SIZE(vpnptctl_set_keys))
			return vpnptctl_fail(err, errlen,
					     "set: unknown key '%s' (%s)", key,
					     VPNPTCTL_KEY_LIST);
		proto = k - VPNPTCTL_KEY_TIMEOUT;
		min = VPNPT_TIMEOUT_MIN;
		max = VPNPT_TIMEOUT_MAX;
		dst = &args->timeouts[proto];
		dup = args->timeouts_set & (1U << proto);
		break;
	}
	if (dup)
		return vpnptctl_fail(err, errlen, "set: %s given twice", key);
	ret = vpnptctl_parse_u32(value, &v);
	if (ret == -1)
		return vpnptctl_fail(err, errlen,
				     "set: %s: invalid number '%s'", key, value);
	if (ret < 0 || v < min || v > max)
		return vpnptctl_fail(err, errlen,
				     "set: %s: %s is out of range (%u..%u)",
				     key, value, min, max);
	*dst = v;
	if (flag)
		args->set |= flag;
	else
		args->timeouts_set |= 1U << proto;
	return 0;
}

static bool vpnptctl_netns_name_ok(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..") && strlen(name) < 256;
}

/*
 * Try argv[*i] as a global option. Returns 1 if it was one (*i then points
 * at its last word), 0 if it is not an option at all, -1 on error.
 */
static int vpnptctl_global_opt(int argc, char *const argv[], int *i,
			       struct vpnptctl_args *a, char *err, size_t errlen)
{
	const char *arg = argv[*i];
	const char *ns;

	if (arg[0] != '-' || !arg[1])
		return 0;
	if (!strcmp(arg, "-j") || !strcmp(arg, "--json")) {
		a->json = true;
	} else if (!strcmp(arg, "-p") || !strcmp(arg, "--pretty")) {
		a->json = true;
		a->pretty = true;
	} else if (!strcmp(arg, "-s") || !strcmp(arg, "--stats")) {
		a->stats = true;
	} else if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
		a->cmd = VPNPTCTL_CMD_HELP;
	} else if (!strcmp(arg, "-V") || !strcmp(arg, "--version")) {
		a->cmd = VPNPTCTL_CMD_VERSION;
	} else if (!strcmp(arg, "-n") || !strcmp(arg, "--netns") ||
		   !strncmp(arg, "--netns=", 8)) {
		if (arg[1] == '-' && arg[7] == '=') {
			ns = arg + 8;
		} else {
			if (*i + 1 >= argc)
				return vpnptctl_fail(err, errlen,
						     "option '%s' needs a namespace name",
						     arg);
			ns = argv[++*i];
		}
		if (!vpnptctl_netns_name_ok(ns))
			return vpnptctl_fail(err, errlen,
					     "invalid network namespace name '%s'",
					     ns);
		a->netns = ns;
	} else {
		return vpnptctl_fail(err, errlen, "unknown option '%s'", arg);
	}
	return 1;
}

static const struct {
	const char *word;
	enum vpnptctl_cmd cmd;
} vpnptctl_commands[] = {
	{ "status", VPNPTCTL_CMD_STATUS },
	{ "enable", VPNPTCTL_CMD_ENABLE },
	{ "disable", VPNPTCTL_CMD_DISABLE },
	{ "set", VPNPTCTL_CMD_SET },
	{ "stats", VPNPTCTL_CMD_STATS },
	{ "sessions", VPNPTCTL_CMD_SESSIONS },
	{ "monitor", VPNPTCTL_CMD_MONITOR },
	{ "flush", VPNPTCTL_CMD_FLUSH },
	{ "setup", VPNPTCTL_CMD_SETUP },
	{ "teardown", VPNPTCTL_CMD_TEARDOWN },
	{ "help", VPNPTCTL_CMD_HELP },
};

const char *vpnptctl_command_word(unsigned int i)
{
	return i < VPNPTCTL_ARRAY_SIZE(vpnptctl_commands) ?
	       vpnptctl_commands[i].word : NULL;
}

/* -h and -V win over the command and whatever follows them. */
static bool vpnptctl_info_cmd(const struct vpnptctl_args *a)
{
	return a->cmd == VPNPTCTL_CMD_HELP || a->cmd == VPNPTCTL_CMD_VERSION;
}

/* The arguments of the command, after the command word (argv[i..]). */
static int vpnptctl_parse_cmd_args(int argc, char *const argv[], int i,
				   struct vpnptctl_args *a, char *err,
				   size_t errlen)
{
	const char *cmd = a->name;
	bool in_protos = false;
	uint32_t bits;
	int ret;

	for (; i < argc; i++) {
		const char *w = argv[i];

		/* Positional values first: they may look like options. */
		if (a->cmd == VPNPTCTL_CMD_SET) {
			if (w[0] == '-' && w[1]) {
				ret = vpnptctl_global_opt(argc, argv, &i, a,
							  err, errlen);
				if (ret < 0)
					return ret;
				if (vpnptctl_info_cmd(a))
					return 0;
				continue;
			}
			if (i + 1 >= argc)
				return vpnptctl_fail(err, errlen,
						     "set: missing value for '%s'",
						     w);
			if (vpnptctl_parse_set(w, argv[i + 1], a, err, errlen))
				return -1;
			i++;
			continue;
		}
		if (a->cmd == VPNPTCTL_CMD_SESSIONS && !strcmp(w, "client")) {
			in_protos = false;
			if (a->has_client)
				return vpnptctl_fail(err, errlen,
						     "sessions: client given twice");
			if (i + 1 >= argc)
				return vpnptctl_fail(err, errlen,
						     "sessions: 'client' needs an address");
			if (inet_pton(AF_INET, argv[i + 1], &a->client) != 1)
				return vpnptctl_fail(err, errlen,
						     "sessions: invalid client address '%s'",
						     argv[i + 1]);
			a->has_client = true;
			i++;
			continue;
		}
		if (a->cmd == VPNPTCTL_CMD_SESSIONS && !strcmp(w, "proto")) {
			if (i + 1 >= argc)
				return vpnptctl_fail(err, errlen,
						     "sessions: 'proto' needs a protocol (%s)",
						     VPNPTCTL_PROTO_LIST);
			if (vpnptctl_parse_proto(argv[i + 1], &bits))
				return vpnptctl_fail(err, errlen,
						     "sessions: unknown protocol '%s' (%s)",
						     argv[i + 1], VPNPTCTL_PROTO_LIST);
			a->protos |= bits;
			in_protos = true;
			i++;
			continue;
		}
		if (!strcmp(w, "--dry-run") &&
		    (a->cmd == VPNPTCTL_CMD_SETUP ||
		     a->cmd == VPNPTCTL_CMD_TEARDOWN)) {
			a->dry_run = true;
			continue;
		}
		if (!strcmp(w, "--nft") && a->cmd == VPNPTCTL_CMD_SETUP) {
			a->nft = true;
			continue;
		}
		if (w[0] == '-' && w[1]) {
			ret = vpnptctl_global_opt(argc, argv, &i, a, err, errlen);
			if (ret < 0)
				return ret;
			if (vpnptctl_info_cmd(a))
				return 0;
			continue;
		}
		switch (a->cmd) {
		case VPNPTCTL_CMD_ENABLE:
		case VPNPTCTL_CMD_DISABLE:
		case VPNPTCTL_CMD_FLUSH:
			in_protos = true;
			break;
		default:
			break;
		}
		if (!in_protos)
			return vpnptctl_fail(err, errlen,
					     "%s: unexpected argument '%s'", cmd, w);
		if (vpnptctl_parse_proto(w, &bits))
			return vpnptctl_fail(err, errlen,
					     "%s: unknown protocol '%s' (%s)",
					     cmd, w, VPNPTCTL_PROTO_LIST);
		a->protos |= bits;
	}

	switch (a->cmd) {
	case VPNPTCTL_CMD_ENABLE:
	case VPNPTCTL_CMD_DISABLE:
		if (!a->protos)
			return vpnptctl_fail(err, errlen,
					     "%s: missing protocol (%s)", cmd,
					     VPNPTCTL_PROTO_LIST);
		a->switches_mask = a->protos;
		a->switches = a->cmd == VPNPTCTL_CMD_ENABLE ? a->protos : 0;
		a->set |= VPNPTCTL_SET_SWITCHES;
		break;
	case VPNPTCTL_CMD_SET:
		if (!a->set && !a->timeouts_set)
			return vpnptctl_fail(err, errlen,
					     "set: missing KEY VALUE (%s)",
					     VPNPTCTL_KEY_LIST);
		break;
	default:
		break;
	}
	return 0;
}

int vpnptctl_parse_args(int argc, char *const argv[], struct vpnptctl_args *args,
			char *err, size_t errlen)
{
	struct vpnptctl_args a = { .cmd = VPNPTCTL_CMD_NONE };
	int i, ret;
	size_t c;

	err[0] = '\0';
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		ret = vpnptctl_global_opt(argc, argv, &i, &a, err, errlen);
		if (ret < 0)
			return VPNPTCTL_EXIT_USAGE;
		if (!ret)
			break;
		if (vpnptctl_info_cmd(&a))
			goto done;
	}
	if (i >= argc) {
		vpnptctl_fail(err, errlen,
			      "missing command (%s; see 'vpnptctl --help')",
			      VPNPTCTL_CMD_LIST);
		return VPNPTCTL_EXIT_USAGE;
	}
	for (c = 0; c < VPNPTCTL_ARRAY_SIZE(vpnptctl_commands); c++)
		if (!strcmp(argv[i], vpnptctl_commands[c].word))
			break;
	if (c == VPNPTCTL_ARRAY_SIZE(vpnptctl_commands)) {
		vpnptctl_fail(err, errlen,
			      "unknown command '%s' (see 'vpnptctl --help')",
			      argv[i]);
		return VPNPTCTL_EXIT_USAGE;
	}
	a.cmd = vpnptctl_commands[c].cmd;
	a.name = vpnptctl_commands[c].word;
	if (a.cmd == VPNPTCTL_CMD_HELP)
		goto done;
	if (vpnptctl_parse_cmd_args(argc, argv, i + 1, &a, err, errlen))
		return VPNPTCTL_EXIT_USAGE;
done:
	*args = a;
	return VPNPTCTL_EXIT_OK;
}

void vpnptctl_usage(FILE *f)
{
	fputs("Usage: vpnptctl [OPTIONS] COMMAND [ARGS]\n"
	      "\n"
	      "Commands:\n"
	      "  status                        switches, limits, timeouts, module version\n"
	      "  enable PROTO...               turn passthrough of PROTO on\n"
	      "  disable PROTO...              turn passthrough of PROTO off (ends its sessions)\n"
	      "  set KEY VALUE [KEY VALUE...]  max-sessions N (1..1048576),\n"
	      "                                max-client-sessions N (1..65536),\n"
	      "                                timeout-PROTO SECONDS (10..86400, not ah),\n"
	      "                                ike-keep-port on|off,\n"
	      "                                attach-helpers on|off,\n"
	      "                                ceiling-max-sessions N,\n"
	      "                                ceiling-max-client-sessions N\n"
	      "                                (initial namespace: caps of all others)\n"
	      "  stats                         per-protocol counters\n"
	      "  sessions [proto PROTO...] [client ADDR]\n"
	      "                                list sessions, grouped by LAN client\n"
	      "  monitor                       print events until interrupted\n"
	      "  flush [PROTO...]              remove sessions (default: all)\n"
	      "  setup [--nft] [--dry-run]     attach the vpnpt conntrack helpers to their\n"
	      "                                traffic: in the kernel (attach-helpers on), or\n"
	      "                                with nftables table ip vpnpt (--nft)\n"
	      "  teardown [--dry-run]          attach-helpers off, remove table ip vpnpt\n"
	      "\n"
	      "PROTO is one of pptp, l2tp, ike, esp, ah, natt, or all.\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json          JSON output\n"
	      "  -p, --pretty        indented JSON output (implies -j)\n"
	      "  -s, --stats         status also shows the counters\n"
	      "  -n, --netns NAME    act in network namespace NAME (/var/run/netns/NAME)\n"
	      "  -h, --help          this text\n"
	      "  -V, --version       version\n"
	      "\n"
	      "Exit status: 0 success, 1 operation failed, 2 bad command line.\n",
	      f);
}
