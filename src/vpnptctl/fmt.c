// SPDX-License-Identifier: GPL-2.0
/*
 * vpnptctl: text and JSON output of the decoded data model. Pure code:
 * everything is written to a FILE * the caller gives.
 *
 * JSON keys are the uapi names in snake_case (VPNPT_A_MAX_SESSIONS is
 * "max_sessions", VPNPT_SA_SPI_OUT is "spi_out"); numbers are numbers,
 * addresses dotted-quad strings, SPIs hex strings ("0x%08x" for ESP/AH, 16
 * hex digits for IKE). Fields the kernel did not send are left out.
 *
 * Each field is printed by one vpnptctl_pr_*() call for both (print.c), so
 * a JSON object has its members in the order the text shows them; the
 * counters' text table is the print layer's (a column per JSON object).
 * The golden files pin both outputs byte for byte.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "vpnptctl.h"

/*
 * Counter names: enum vpnpt_stat's names without the prefix, in lower case
 * (selftests/unit/check_abi.py checks the spelling against the header).
 * Indexed by the uapi enum; a counter appended to it without a name here
 * fails the build.
 */
static const char *const vpnptctl_stat_names[] = {
	[VPNPT_STAT_PACKETS] = "packets",
	[VPNPT_STAT_DROPPED_DISABLED] = "dropped_disabled",
	[VPNPT_STAT_PARSE_ERRORS] = "parse_errors",
	[VPNPT_STAT_DROPPED_MALFORMED] = "dropped_malformed",
	[VPNPT_STAT_SESSIONS_CREATED] = "sessions_created",
	[VPNPT_STAT_SESSIONS_ENDED] = "sessions_ended",
	[VPNPT_STAT_SESSIONS_REFUSED] = "sessions_refused",
	[VPNPT_STAT_SESSIONS_ACTIVE] = "sessions_active",
	[VPNPT_STAT_AH_NAT_BROKEN] = "ah_nat_broken",
	[VPNPT_STAT_NATT_IKE] = "natt_ike",
	[VPNPT_STAT_NATT_ESP] = "natt_esp",
	[VPNPT_STAT_NATT_KEEPALIVE] = "natt_keepalive",
	[VPNPT_STAT_IKE_PORT_KEPT] = "ike_port_kept",
	[VPNPT_STAT_SESSIONS_EVICTED] = "sessions_evicted",
};

_Static_assert(VPNPTCTL_ARRAY_SIZE(vpnptctl_stat_names) == __VPNPT_STAT_MAX,
	       "a counter of enum vpnpt_stat has no name in vpnptctl_stat_names");

const char *vpnptctl_counter_name(unsigned int counter)
{
	return counter < VPNPTCTL_NCOUNTERS ?
	       vpnptctl_stat_names[VPNPTCTL_STAT_FIRST + counter] : NULL;
}

void vpnptctl_fmt_duration(char *buf, size_t len, uint32_t secs)
{
	unsigned int d = secs / 86400, h = secs / 3600 % 24;
	unsigned int m = secs / 60 % 60, s = secs % 60;

	if (secs < 60)
		snprintf(buf, len, "%us", s);
	else if (secs < 3600)
		snprintf(buf, len, "%um%02us", m, s);
	else if (secs < 86400)
		snprintf(buf, len, "%uh%02um%02us", h, m, s);
	else
		snprintf(buf, len, "%ud%02uh%02um%02us", d, h, m, s);
}

/*
 * A protocol's, state's or IKE exchange's @name, or its number @num (in
 * @buf) if this tool does not know it (@name NULL).
 */
static const char *vpnptctl_name_str(char *buf, size_t len, const char *name,
				     uint32_t num)
{
	if (name)
		return name;
	snprintf(buf, len, "%" PRIu32, num);
	return buf;
}

static const char *vpnptctl_addr_str(char *buf, uint32_t be_addr)
{
	struct in_addr in = { .s_addr = be_addr };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/* ---- status ------------------------------------------------------------- */

/*
 * The limits and options, one call each, in the order status and config
 * events show them: @line is "\n" for status's text (a line each), "" for
 * an event's line (" key value" words).
 */
static void vpnptctl_pr_settings(struct vpnptctl_printer *pr,
				 const struct vpnptctl_config *cfg,
				 const char *line)
{
	const struct {
		unsigned int flag;
		const char *key;
		uint64_t value;
		bool onoff;	/* printed on/off (JSON: a boolean) */
	} set[] = {
		{ VPNPTCTL_CFG_MAX_SESSIONS, "max_sessions", cfg->max_sessions,
		  false },
		{ VPNPTCTL_CFG_MAX_CLIENT_SESSIONS, "max_client_sessions",
		  cfg->max_client_sessions, false },
		{ VPNPTCTL_CFG_IKE_KEEP_PORT, "ike_keep_port", cfg->ike_keep_port,
		  true },
		{ VPNPTCTL_CFG_ATTACH_HELPERS, "attach_helpers",
		  cfg->attach_helpers, true },
		{ VPNPTCTL_CFG_CEIL_MAX_SESSIONS, "ceiling_max_sessions",
		  cfg->ceil_max_sessions, false },
		{ VPNPTCTL_CFG_CEIL_MAX_CLIENT_SESSIONS,
		  "ceiling_max_client_sessions", cfg->ceil_max_client_sessions,
		  false },
	};
	bool words = !*line;
	char fmt[64], *u;
	size_t i;

	for (i = 0; i < VPNPTCTL_ARRAY_SIZE(set); i++) {
		if (!(cfg->present & set[i].flag))
			continue;
		/* " key %v" or "key %v\n", the key with dashes. */
		snprintf(fmt, sizeof(fmt), "%s%s %%%s%s", words ? " " : "",
			 set[i].key, set[i].onoff ? "s" : PRIu64, line);
		for (u = fmt; (u = strchr(u, '_')); )
			*u = '-';
		if (set[i].onoff)
			vpnptctl_pr_onoff(pr, VPNPTCTL_PR_ANY, set[i].key, fmt,
					  set[i].value);
		else
			vpnptctl_pr_u64(pr, VPNPTCTL_PR_ANY, set[i].key, fmt,
					set[i].value);
	}
}

/*
 * A config event's members, one call per field: JSON members of the object
 * open, text " key value" words. The versions are in the JSON only.
 */
static void vpnptctl_pr_config(struct vpnptctl_printer *pr,
			       const struct vpnptctl_config *cfg)
{
	char fmt[48];
	unsigned int p;

	if (cfg->present & VPNPTCTL_CFG_SWITCHES) {
		vpnptctl_pr_open(pr, "switches");
		for (p = 0; p < VPNPTCTL_NPROTO; p++) {
			snprintf(fmt, sizeof(fmt), " %s %%s", vpnptctl_proto_name(p));
			vpnptctl_pr_onoff(pr, VPNPTCTL_PR_ANY, vpnptctl_proto_name(p),
					  fmt, cfg->switches & (1U << p));
		}
		vpnptctl_pr_close(pr);
	}
	vpnptctl_pr_settings(pr, cfg, "");
	if (cfg->timeouts_present) {
		vpnptctl_pr_open(pr, "timeouts");
		for (p = 0; p < VPNPTCTL_NPROTO; p++) {
			if (!(cfg->timeouts_present & (1U << p)))
				continue;
			snprintf(fmt, sizeof(fmt), " timeout-%s %%" PRIu64,
				 vpnptctl_proto_name(p));
			vpnptctl_pr_u64(pr, VPNPTCTL_PR_ANY, vpnptctl_proto_name(p),
					fmt, cfg->timeouts[p]);
		}
		vpnptctl_pr_close(pr);
	}
	if (cfg->present & VPNPTCTL_CFG_MODULE_VERSION)
		vpnptctl_pr_str(pr, VPNPTCTL_PR_JSON, "module_version", NULL,
				cfg->module_version);
	if (cfg->present & VPNPTCTL_CFG_FAMILY_VERSION)
		vpnptctl_pr_u64(pr, VPNPTCTL_PR_JSON, "family_version", NULL,
				cfg->family_version);
}

/*
 * Status's configuration, one call per field: the versions and settings a
 * line each in the text, then switches and timeouts as a table with a row
 * per protocol (JSON: the objects "switches" and "timeouts").
 */
static void vpnptctl_pr_status_config(struct vpnptctl_printer *pr,
				      const struct vpnptctl_config *cfg)
{
	unsigned int p;

	if (cfg->present & VPNPTCTL_CFG_MODULE_VERSION)
		vpnptctl_pr_str(pr, VPNPTCTL_PR_ANY, "module_version",
				"module-version %s\n", cfg->module_version);
	if (cfg->present & VPNPTCTL_CFG_FAMILY_VERSION)
		vpnptctl_pr_u64(pr, VPNPTCTL_PR_ANY, "family_version",
				"family-version %" PRIu64 "\n",
				cfg->family_version);
	vpnptctl_pr_settings(pr, cfg, "\n");
	vpnptctl_pr_text_only(pr, "\n");
	vpnptctl_pr_table_open_in(pr, "proto");
	for (p = 0; p < VPNPTCTL_NPROTO; p++)
		vpnptctl_pr_table_row(pr, vpnptctl_proto_name(p));
	if (cfg->present & VPNPTCTL_CFG_SWITCHES) {
		vpnptctl_pr_table_col(pr, "switches", "switch");
		for (p = 0; p < VPNPTCTL_NPROTO; p++)
			vpnptctl_pr_table_onoff(pr, vpnptctl_proto_name(p),
						cfg->switches & (1U << p));
		vpnptctl_pr_table_col_end(pr);
	}
	if (cfg->timeouts_present) {
		vpnptctl_pr_table_col(pr, "timeouts", "timeout");
		for (p = 0; p < VPNPTCTL_NPROTO; p++)
			if (cfg->timeouts_present & (1U << p))
				vpnptctl_pr_table_u64(pr, vpnptctl_proto_name(p),
						      "%" PRIu64 "s",
						      cfg->timeouts[p]);
		vpnptctl_pr_table_col_end(pr);
	}
	vpnptctl_pr_table_close(pr);
}

/*
 * The counters: a table with a column per protocol and a row per counter in
 * the text, so that it stays narrow and the counters keep their full names;
 * an object per protocol in the JSON.
 */
static void vpnptctl_pr_stats(struct vpnptctl_printer *pr, const char *key,
			      const struct vpnptctl_stats *st)
{
	unsigned int p, c;

	vpnptctl_pr_table_open(pr, key);
	for (c = 0; c < VPNPTCTL_NCOUNTERS; c++)
		vpnptctl_pr_table_row(pr, vpnptctl_counter_name(c));
	for (p = 0; p < VPNPTCTL_NPROTO; p++) {
		if (!(st->present & (1U << p)))
			continue;
		vpnptctl_pr_table_col(pr, vpnptctl_proto_name(p), NULL);
		for (c = 0; c < VPNPTCTL_NCOUNTERS; c++)
			vpnptctl_pr_table_u64(pr, vpnptctl_counter_name(c),
					      "%" PRIu64, st->counters[p][c]);
		vpnptctl_pr_table_col_end(pr);
	}
	vpnptctl_pr_table_close(pr);
}

void vpnptctl_print_status(const struct vpnptctl_out *o,
			   const struct vpnptctl_config *cfg,
			   const struct vpnptctl_stats *st)
{
	struct vpnptctl_printer pr;

	vpnptctl_pr_start(&pr, o->f, o->json, o->pretty);
	vpnptctl_pr_open(&pr, NULL);
	vpnptctl_pr_status_config(&pr, cfg);
	if (st) {
		vpnptctl_pr_text_only(&pr, "\n");
		vpnptctl_pr_stats(&pr, "stats", st);
	}
	vpnptctl_pr_close(&pr);
	vpnptctl_pr_end(&pr);
}

void vpnptctl_print_stats(const struct vpnptctl_out *o,
			  const struct vpnptctl_stats *st)
{
	struct vpnptctl_printer pr;

	vpnptctl_pr_start(&pr, o->f, o->json, o->pretty);
	vpnptctl_pr_stats(&pr, NULL, st);
	vpnptctl_pr_end(&pr);
}

/* ---- sessions ----------------------------------------------------------- */

const char *vpnptctl_ike_exchange_name(unsigned int exchange)
{
	static const char *const names[] = {
		/* IKEv1 (RFC 2408, RFC 2409) */
		[1] = "BASE", [2] = "MAIN_MODE", [3] = "AUTH_ONLY",
		[4] = "AGGRESSIVE_MODE", [5] = "INFORMATIONAL",
		[6] = "TRANSACTION", [32] = "QUICK_MODE", [33] = "NEW_GROUP_MODE",
		/* IKEv2 (RFC 7296, IANA) */
		[34] = "IKE_SA_INIT", [35] = "IKE_AUTH", [36] = "CREATE_CHILD_SA",
		[37] = "INFORMATIONAL", [38] = "IKE_SESSION_RESUME",
		[39] = "GSA_AUTH", [40] = "GSA_REGISTRATION", [41] = "GSA_REKEY",
		[42] = "GSA_INBAND_REKEY", [43] = "IKE_INTERMEDIATE",
		[44] = "IKE_FOLLOWUP_KE",
	};

	if (exchange >= VPNPT_IKE_RESP_EXCH_PRIVATE && exchange <= 255)
		return "PRIVATE";
	return exchange < VPNPTCTL_ARRAY_SIZE(names) ? names[exchange] : NULL;
}

/*
 * A session, one call per field, in four parts, each a run of " key value"
 * words in the text: what it is, its identifiers, its traffic, and IKE's
 * responses. The sessions list puts each part on a line of its own, the
 * monitor all on one line; the JSON has the members in the same order.
 */
static void vpnptctl_pr_what(struct vpnptctl_printer *pr,
			     const struct vpnptctl_session *s, bool with_client)
{
	const char *proto = vpnptctl_proto_name(s->proto);
	char buf[INET_ADDRSTRLEN > 24 ? INET_ADDRSTRLEN : 24];

	/* "pptp", or "proto 9" for a protocol newer than the tool */
	if (vpnptctl_has(s, VPNPT_SA_PROTO))
		vpnptctl_pr_str(pr, VPNPTCTL_PR_ANY, "proto",
				proto ? " %s" : " proto %s",
				vpnptctl_name_str(buf, sizeof(buf), proto, s->proto));
	if (vpnptctl_has(s, VPNPT_SA_ID))
		vpnptctl_pr_u64(pr, VPNPTCTL_PR_ANY, "id", " id %" PRIu64, s->id);
	/* The sessions list shows the client in the heading of its group. */
	if (vpnptctl_has(s, VPNPT_SA_CLIENT))
		vpnptctl_pr_str(pr, with_client ? VPNPTCTL_PR_ANY : VPNPTCTL_PR_JSON,
				"client", " client %s",
				vpnptctl_addr_str(buf, s->client));
	if (vpnptctl_has(s, VPNPT_SA_SERVER))
		vpnptctl_pr_str(pr, VPNPTCTL_PR_ANY, "server", " server %s",
				vpnptctl_addr_str(buf, s->server));
	if (vpnptctl_has(s, VPNPT_SA_STATE))
		vpnptctl_pr_str(pr, VPNPTCTL_PR_ANY, "state", " state %s",
				vpnptctl_name_str(buf, sizeof(buf),
						  vpnptctl_state_name(s->state),
						  s->state));
}

/* A number field of @s, if present; @fmt: its words in the text. */
#define VPNPTCTL_PR_FIELD(pr, s, attr, key, fmt, member)		\
	do {								\
		if (vpnptctl_has(s, attr))				\
			vpnptctl_pr_u64(pr, VPNPTCTL_PR_ANY, key, fmt,	\
					(s)->member);			\
	} while (0)

/*
 * Text: " @word" before a group of fields (" call-id inside 1 outside 2")
 * if any of them is present (@a3: 0, VPNPT_SA_UNSPEC, for none).
 */
static void vpnptctl_pr_group(struct vpnptctl_printer *pr,
			      const struct vpnptctl_session *s,
			      unsigned int a1, unsigned int a2, unsigned int a3,
			      const char *word)
{
	if (vpnptctl_has(s, a1) || vpnptctl_has(s, a2) || (a3 && vpnptctl_has(s, a3)))
		vpnptctl_pr_text_only(pr, " %s", word);
}

/* SPIs: "0x%08x" for ESP/AH (@ike false), 16 hex digits for IKE. */
static void vpnptctl_pr_spi(struct vpnptctl_printer *pr,
			    const struct vpnptctl_session *s, unsigned int attr,
			    const char *key, const char *fmt, uint64_t spi,
			    bool ike)
{
	char buf[24];

	if (!vpnptctl_has(s, attr))
		return;
	if (ike)
		snprintf(buf, sizeof(buf), "%016" PRIx64, spi);
	else
		snprintf(buf, sizeof(buf), "0x%08" PRIx64, spi);
	vpnptctl_pr_str(pr, VPNPTCTL_PR_ANY, key, fmt, buf);
}

static void vpnptctl_pr_ids(struct vpnptctl_printer *pr,
			    const struct vpnptctl_session *s)
{
	char buf[INET_ADDRSTRLEN];

	vpnptctl_pr_group(pr, s, VPNPT_SA_CALL_ID_INSIDE, VPNPT_SA_CALL_ID_OUTSIDE,
			  VPNPT_SA_PEER_CALL_ID, "call-id");
	VPNPTCTL_PR_FIELD(pr, s, VPNPT_SA_CALL_ID_INSIDE, "call_id_inside",
			  " inside %" PRIu64, call_id_inside);
	VPNPTCTL_PR_FIELD(pr, s, VPNPT_SA_CALL_ID_OUTSIDE, "call_id_outside",
			  " outside %" PRIu64, call_id_outside);
	VPNPTCTL_PR_FIELD(pr, s, VPNPT_SA_PEER_CALL_ID, "peer_call_id",
			  " peer %" PRIu64, peer_call_id);
	vpnptctl_pr_group(pr, s, VPNPT_SA_TUNNEL_ID, VPNPT_SA_PEER_TUNNEL_ID, 0,
			  "tunnel-id");
	VPNPTCTL_PR_FIELD(pr, s, VPNPT_SA_TUNNEL_ID, "tunnel_id",
			  " %" PRIu64, tunnel_id);
	VPNPTCTL_PR_FIELD(pr, s, VPNPT_SA_PEER_TUNNEL_ID, "peer_tunnel_id",
			  " peer %" PRIu64, peer_tunnel_id);
	vpnptctl_pr_group(pr, s, VPNPT_SA_SPI_OUT, VPNPT_SA_SPI_IN, 0, "spi");
	vpnptctl_pr_spi(pr, s, VPNPT_SA_SPI_OUT, "spi_out", " out %s", s->spi_out,
			false);
	vpnptctl_pr_spi(pr, s, VPNPT_SA_SPI_IN, "spi_in", " in %s", s->spi_in,
			false);
	vpnptctl_pr_group(pr, s, VPNPT_SA_IKE_SPI_I, VPNPT_SA_IKE_SPI_R, 0,
			  "ike-spi");
	vpnptctl_pr_spi(pr, s, VPNPT_SA_IKE_SPI_I, "ike_spi_i", " i %s",
			s->ike_spi_i, true);
	vpnptctl_pr_spi(pr, s, VPNPT_SA_IKE_SPI_R, "ike_spi_r", " r %s",
			s->ike_spi_r, true);
	if (vpnptctl_has(s, VPNPT_SA_PUBLIC))
		vpnptctl_pr_str(pr, VPNPTCTL_PR_ANY, "public", " public %s",
				vpnptctl_addr_str(buf, s->public_addr));
	VPNPTCTL_PR_FIELD(pr, s, VPNPT_SA_PARENT, "parent",
			  " parent %" PRIu64, parent);
	VPNPTCTL_PR_FIELD(pr, s, VPNPT_SA_ZONE, "zone",
			  " zone %" PRIu64, zone);
}

static void vpnptctl_pr_traffic(struct vpnptctl_printer *pr,
				const struct vpnptctl_session *s)
{
	vpnptctl_pr_group(pr, s, VPNPT_SA_PACKETS_OUT, VPNPT_SA_BYTES_OUT, 0, "out");
	VPNPTCTL_PR_FIELD(pr, s, VPNPT_SA_PACKETS_OUT, "packets_out",
			  " %" PRIu64 " packets", packets_out);
	VPNPTCTL_PR_FIELD(pr, s, VPNPT_SA_BYTES_OUT, "bytes_out",
			  " %" PRIu64 " bytes", bytes_out);
	vpnptctl_pr_group(pr, s, VPNPT_SA_PACKETS_IN, VPNPT_SA_BYTES_IN, 0, "in");
	VPNPTCTL_PR_FIELD(pr, s, VPNPT_SA_PACKETS_IN, "packets_in",
			  " %" PRIu64 " packets", packets_in);
	VPNPTCTL_PR_FIELD(pr, s, VPNPT_SA_BYTES_IN, "bytes_in",
			  " %" PRIu64 " bytes", bytes_in);
	if (vpnptctl_has(s, VPNPT_SA_AGE))
		vpnptctl_pr_duration(pr, VPNPTCTL_PR_ANY, "age", " age %s", s->age);
	if (vpnptctl_has(s, VPNPT_SA_IDLE))
		vpnptctl_pr_duration(pr, VPNPTCTL_PR_ANY, "idle", " idle %s", s->idle);
}

/* IKE: the server's last message of each exchange type, how long ago. */
static void vpnptctl_pr_responses(struct vpnptctl_printer *pr,
				  const struct vpnptctl_session *s)
{
	char buf[16];
	unsigned int i;

	if (!vpnptctl_has(s, VPNPT_SA_IKE_RESPONSES))
		return;
	if (s->n_ike_responses)
		vpnptctl_pr_text_only(pr, " responses");
	vpnptctl_pr_open_array(pr, "responses");
	for (i = 0; i < s->n_ike_responses; i++) {
		const struct vpnptctl_ike_response *r = &s->ike_responses[i];
		const char *x = vpnptctl_ike_exchange_name(r->exchange);

		vpnptctl_pr_open(pr, NULL);
		vpnptctl_pr_str(pr, VPNPTCTL_PR_ANY, "exchange", " %s",
				vpnptctl_name_str(buf, sizeof(buf), x, r->exchange));
		vpnptctl_pr_u64(pr, VPNPTCTL_PR_JSON, "type", NULL, r->exchange);
		vpnptctl_pr_duration(pr, VPNPTCTL_PR_ANY, "age", " %s", r->age);
		vpnptctl_pr_close(pr);
	}
	vpnptctl_pr_close_array(pr);
}

static void vpnptctl_pr_what_nc(struct vpnptctl_printer *pr,
				const struct vpnptctl_session *s)
{
	vpnptctl_pr_what(pr, s, false);
}

/*
 * One part of a session: in the text of the sessions list (@indent not
 * NULL), on a line of its own if it is not empty.
 */
static void vpnptctl_pr_part(struct vpnptctl_printer *pr, const char *indent,
			     const struct vpnptctl_session *s,
			     void (*part)(struct vpnptctl_printer *,
					  const struct vpnptctl_session *))
{
	FILE *f = pr->f;
	char *buf = NULL;
	size_t len = 0;

	if (pr->json || !indent) {
		part(pr, s);
		return;
	}
	pr->f = open_memstream(&buf, &len);
	if (!pr->f) {
		pr->f = f;
		return;
	}
	part(pr, s);
	fclose(pr->f);
	pr->f = f;
	/* Each part starts with a space: the indent replaces it. */
	if (len)
		fprintf(f, "%s%s\n", indent, buf + 1);
	free(buf);
}

/* A session: JSON an object (@key), text a line per part (@list) or one. */
static void vpnptctl_pr_session(struct vpnptctl_printer *pr, const char *key,
				const struct vpnptctl_session *s, bool list)
{
	const char *indent = list ? "    " : NULL;

	vpnptctl_pr_open(pr, key);
	if (list)
		vpnptctl_pr_part(pr, "  ", s, vpnptctl_pr_what_nc);
	else
		vpnptctl_pr_what(pr, s, true);
	vpnptctl_pr_part(pr, indent, s, vpnptctl_pr_ids);
	vpnptctl_pr_part(pr, indent, s, vpnptctl_pr_traffic);
	vpnptctl_pr_part(pr, indent, s, vpnptctl_pr_responses);
	vpnptctl_pr_close(pr);
}

static int vpnptctl_session_cmp(const void *pa, const void *pb)
{
	const struct vpnptctl_session *a = pa, *b = pb;
	bool ha = vpnptctl_has(a, VPNPT_SA_CLIENT);
	bool hb = vpnptctl_has(b, VPNPT_SA_CLIENT);

	if (ha != hb)
		return ha ? -1 : 1;	/* sessions without a client last */
	if (ha && a->client != b->client)
		return ntohl(a->client) < ntohl(b->client) ? -1 : 1;
	if (a->proto != b->proto)
		return a->proto < b->proto ? -1 : 1;
	if (a->id != b->id)
		return a->id < b->id ? -1 : 1;
	return 0;
}

static bool vpnptctl_same_client(const struct vpnptctl_session *a,
				 const struct vpnptctl_session *b)
{
	bool ha = vpnptctl_has(a, VPNPT_SA_CLIENT);

	return ha == vpnptctl_has(b, VPNPT_SA_CLIENT) &&
	       (!ha || a->client == b->client);
}

void vpnptctl_print_sessions(const struct vpnptctl_out *o,
			     struct vpnptctl_session *s, size_t n)
{
	char buf[INET_ADDRSTRLEN];
	struct vpnptctl_printer pr;
	size_t i, k;

	if (n)
		qsort(s, n, sizeof(*s), vpnptctl_session_cmp);
	vpnptctl_pr_start(&pr, o->f, o->json, o->pretty);
	vpnptctl_pr_open_array(&pr, NULL);
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && vpnptctl_same_client(&s[i], &s[k]); k++)
			;
		vpnptctl_pr_text_only(&pr, "%sclient %s (%zu session%s)\n",
				      i ? "\n" : "",
				      vpnptctl_has(&s[i], VPNPT_SA_CLIENT) ?
				      vpnptctl_addr_str(buf, s[i].client) : "-",
				      k - i, k - i == 1 ? "" : "s");
		for (; i < k; i++)
			vpnptctl_pr_session(&pr, NULL, &s[i], true);
	}
	vpnptctl_pr_close_array(&pr);
	vpnptctl_pr_end(&pr);
}

/* ---- events, flush, teardown ------------------------------------------- */

void vpnptctl_print_event(const struct vpnptctl_out *o,
			  const struct vpnptctl_event *ev)
{
	static const char *const json_names[] = {
		[VPNPTCTL_EV_SESSION_NEW] = "session_new",
		[VPNPTCTL_EV_SESSION_DEL] = "session_del",
		[VPNPTCTL_EV_CONFIG] = "set_config",
	};
	const struct vpnptctl_session *s = &ev->session;
	struct vpnptctl_printer pr;

	/* One line per event: compact JSON whatever o->pretty says. */
	vpnptctl_pr_start(&pr, o->f, o->json, false);
	vpnptctl_pr_open(&pr, NULL);
	vpnptctl_pr_str(&pr, VPNPTCTL_PR_JSON, "event", NULL, json_names[ev->type]);
	if (ev->type == VPNPTCTL_EV_CONFIG) {
		vpnptctl_pr_text_only(&pr, "config");
		vpnptctl_pr_open(&pr, "config");
		vpnptctl_pr_config(&pr, &ev->config);
		vpnptctl_pr_close(&pr);
	} else {
		vpnptctl_pr_text_only(&pr, ev->type == VPNPTCTL_EV_SESSION_NEW ?
				      "session new" : "session del");
		vpnptctl_pr_session(&pr, "session", s, false);
	}
	vpnptctl_pr_close(&pr);
	vpnptctl_pr_text_only(&pr, "\n");
	vpnptctl_pr_end(&pr);
}

void vpnptctl_print_flushed(const struct vpnptctl_out *o, uint32_t flushed)
{
	struct vpnptctl_printer pr;

	vpnptctl_pr_start(&pr, o->f, o->json, o->pretty);
	vpnptctl_pr_open(&pr, NULL);
	vpnptctl_pr_u64(&pr, VPNPTCTL_PR_ANY, "flushed",
			"flushed %" PRIu64 " session", flushed);
	vpnptctl_pr_text_only(&pr, "%s\n", flushed == 1 ? "" : "s");
	vpnptctl_pr_close(&pr);
	vpnptctl_pr_end(&pr);
}

void vpnptctl_print_teardown(const struct vpnptctl_out *o, bool removed,
			     bool attach_off)
{
	struct vpnptctl_printer pr;

	vpnptctl_pr_start(&pr, o->f, o->json, o->pretty);
	vpnptctl_pr_open(&pr, NULL);
	vpnptctl_pr_str(&pr, VPNPTCTL_PR_JSON, "table", NULL,
			"ip " VPNPTCTL_NFT_TABLE);
	vpnptctl_pr_onoff(&pr, VPNPTCTL_PR_JSON, "removed", NULL, removed);
	vpnptctl_pr_onoff(&pr, VPNPTCTL_PR_JSON, "attach_helpers_off", NULL,
			  attach_off);
	/* Quiet on success, as setup is; nothing to undo is worth a word. */
	if (!removed && !attach_off)
		vpnptctl_pr_text_only(&pr, "attach-helpers off, table ip "
				      VPNPTCTL_NFT_TABLE
				      " not present: nothing to remove\n");
	vpnptctl_pr_close(&pr);
	vpnptctl_pr_end(&pr);
}
