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
 * Where the text and the JSON list the same fields in the same order (the
 * configuration of status and of events, flush, teardown), each field is
 * printed by one vpnptctl_pr_*() call for both (print.c). The tables of
 * status and stats, and the sessions, whose text groups the fields into
 * lines in another order than their JSON objects, have a text renderer and
 * a JSON renderer each; the golden files pin both byte for byte.
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

/* Protocol or state name, or the number if this tool does not know it. */
static const char *vpnptctl_proto_str(char *buf, size_t len, uint32_t proto)
{
	const char *name = vpnptctl_proto_name(proto);

	if (name)
		return name;
	snprintf(buf, len, "%" PRIu32, proto);
	return buf;
}

static const char *vpnptctl_state_str(char *buf, size_t len, uint32_t state)
{
	const char *name = vpnptctl_state_name(state);

	if (name)
		return name;
	snprintf(buf, len, "%" PRIu32, state);
	return buf;
}

static const char *vpnptctl_addr_str(char *buf, uint32_t be_addr)
{
	struct in_addr in = { .s_addr = be_addr };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/* Kernel strings shown as text: no control characters reach the terminal. */
static void vpnptctl_put_safe(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

/* ---- status ------------------------------------------------------------- */

/*
 * The configuration, one call per field: JSON members of the object open
 * (status, the config of an event), or the " key value" words of a config
 * event's line. The versions are in the JSON only.
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
	if (cfg->present & VPNPTCTL_CFG_MAX_SESSIONS)
		vpnptctl_pr_u64(pr, VPNPTCTL_PR_ANY, "max_sessions",
				" max-sessions %" PRIu64, cfg->max_sessions);
	if (cfg->present & VPNPTCTL_CFG_MAX_CLIENT_SESSIONS)
		vpnptctl_pr_u64(pr, VPNPTCTL_PR_ANY, "max_client_sessions",
				" max-client-sessions %" PRIu64,
				cfg->max_client_sessions);
	if (cfg->present & VPNPTCTL_CFG_IKE_KEEP_PORT)
		vpnptctl_pr_onoff(pr, VPNPTCTL_PR_ANY, "ike_keep_port",
				  " ike-keep-port %s", cfg->ike_keep_port);
	if (cfg->present & VPNPTCTL_CFG_CEIL_MAX_SESSIONS)
		vpnptctl_pr_u64(pr, VPNPTCTL_PR_ANY, "ceiling_max_sessions",
				" ceiling-max-sessions %" PRIu64,
				cfg->ceil_max_sessions);
	if (cfg->present & VPNPTCTL_CFG_CEIL_MAX_CLIENT_SESSIONS)
		vpnptctl_pr_u64(pr, VPNPTCTL_PR_ANY, "ceiling_max_client_sessions",
				" ceiling-max-client-sessions %" PRIu64,
				cfg->ceil_max_client_sessions);
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
		vpnptctl_pr_table_col(pr, vpnptctl_proto_name(p));
		for (c = 0; c < VPNPTCTL_NCOUNTERS; c++)
			vpnptctl_pr_table_u64(pr, vpnptctl_counter_name(c),
					      st->counters[p][c]);
		vpnptctl_pr_table_col_end(pr);
	}
	vpnptctl_pr_table_close(pr);
}

/* The configuration as status shows it in text: a line per setting, a table. */
static void vpnptctl_text_config(FILE *f, const struct vpnptctl_config *cfg)
{
	unsigned int p;

	if (cfg->present & VPNPTCTL_CFG_MODULE_VERSION) {
		fputs("module-version ", f);
		vpnptctl_put_safe(f, cfg->module_version);
		fputc('\n', f);
	}
	if (cfg->present & VPNPTCTL_CFG_FAMILY_VERSION)
		fprintf(f, "family-version %" PRIu32 "\n", cfg->family_version);
	if (cfg->present & VPNPTCTL_CFG_MAX_SESSIONS)
		fprintf(f, "max-sessions %" PRIu32 "\n", cfg->max_sessions);
	if (cfg->present & VPNPTCTL_CFG_MAX_CLIENT_SESSIONS)
		fprintf(f, "max-client-sessions %" PRIu32 "\n",
			cfg->max_client_sessions);
	if (cfg->present & VPNPTCTL_CFG_IKE_KEEP_PORT)
		fprintf(f, "ike-keep-port %s\n",
			cfg->ike_keep_port ? "on" : "off");
	if (cfg->present & VPNPTCTL_CFG_CEIL_MAX_SESSIONS)
		fprintf(f, "ceiling-max-sessions %" PRIu32 "\n",
			cfg->ceil_max_sessions);
	if (cfg->present & VPNPTCTL_CFG_CEIL_MAX_CLIENT_SESSIONS)
		fprintf(f, "ceiling-max-client-sessions %" PRIu32 "\n",
			cfg->ceil_max_client_sessions);
	fprintf(f, "\n%-6s %-6s %8s\n", "proto", "switch", "timeout");
	for (p = 0; p < VPNPTCTL_NPROTO; p++) {
		char tmo[16] = "-";

		if (cfg->timeouts_present & (1U << p))
			snprintf(tmo, sizeof(tmo), "%" PRIu32 "s", cfg->timeouts[p]);
		fprintf(f, "%-6s %-6s %8s\n", vpnptctl_proto_name(p),
			!(cfg->present & VPNPTCTL_CFG_SWITCHES) ? "-" :
			cfg->switches & (1U << p) ? "on" : "off", tmo);
	}
}

void vpnptctl_print_status(const struct vpnptctl_out *o,
			   const struct vpnptctl_config *cfg,
			   const struct vpnptctl_stats *st)
{
	struct vpnptctl_printer pr;

	vpnptctl_pr_start(&pr, o->f, o->json, o->pretty);
	vpnptctl_pr_open(&pr, NULL);
	if (pr.json)
		vpnptctl_pr_config(&pr, cfg);
	else
		vpnptctl_text_config(pr.f, cfg);
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

/* Exchange name, or its number if this tool does not know it. */
static const char *vpnptctl_exchange_str(char *buf, size_t len,
					 unsigned int exchange)
{
	const char *name = vpnptctl_ike_exchange_name(exchange);

	if (name)
		return name;
	snprintf(buf, len, "%u", exchange);
	return buf;
}

static void vpnptctl_json_session(struct vpnptctl_json *j, const char *key,
				  const struct vpnptctl_session *s)
{
	char buf[INET_ADDRSTRLEN > 24 ? INET_ADDRSTRLEN : 24];

	vpnptctl_json_open_object(j, key);
	if (vpnptctl_has(s, VPNPT_SA_ID))
		vpnptctl_json_u64(j, "id", s->id);
	if (vpnptctl_has(s, VPNPT_SA_PROTO))
		vpnptctl_json_string(j, "proto",
				     vpnptctl_proto_str(buf, sizeof(buf), s->proto));
	if (vpnptctl_has(s, VPNPT_SA_STATE))
		vpnptctl_json_string(j, "state",
				     vpnptctl_state_str(buf, sizeof(buf), s->state));
	if (vpnptctl_has(s, VPNPT_SA_CLIENT))
		vpnptctl_json_string(j, "client", vpnptctl_addr_str(buf, s->client));
	if (vpnptctl_has(s, VPNPT_SA_SERVER))
		vpnptctl_json_string(j, "server", vpnptctl_addr_str(buf, s->server));
	if (vpnptctl_has(s, VPNPT_SA_PUBLIC))
		vpnptctl_json_string(j, "public",
				     vpnptctl_addr_str(buf, s->public_addr));
	if (vpnptctl_has(s, VPNPT_SA_AGE))
		vpnptctl_json_u64(j, "age", s->age);
	if (vpnptctl_has(s, VPNPT_SA_IDLE))
		vpnptctl_json_u64(j, "idle", s->idle);
	if (vpnptctl_has(s, VPNPT_SA_PACKETS_OUT))
		vpnptctl_json_u64(j, "packets_out", s->packets_out);
	if (vpnptctl_has(s, VPNPT_SA_PACKETS_IN))
		vpnptctl_json_u64(j, "packets_in", s->packets_in);
	if (vpnptctl_has(s, VPNPT_SA_BYTES_OUT))
		vpnptctl_json_u64(j, "bytes_out", s->bytes_out);
	if (vpnptctl_has(s, VPNPT_SA_BYTES_IN))
		vpnptctl_json_u64(j, "bytes_in", s->bytes_in);
	if (vpnptctl_has(s, VPNPT_SA_CALL_ID_INSIDE))
		vpnptctl_json_u64(j, "call_id_inside", s->call_id_inside);
	if (vpnptctl_has(s, VPNPT_SA_CALL_ID_OUTSIDE))
		vpnptctl_json_u64(j, "call_id_outside", s->call_id_outside);
	if (vpnptctl_has(s, VPNPT_SA_PEER_CALL_ID))
		vpnptctl_json_u64(j, "peer_call_id", s->peer_call_id);
	if (vpnptctl_has(s, VPNPT_SA_SPI_OUT)) {
		snprintf(buf, sizeof(buf), "0x%08" PRIx32, s->spi_out);
		vpnptctl_json_string(j, "spi_out", buf);
	}
	if (vpnptctl_has(s, VPNPT_SA_SPI_IN)) {
		snprintf(buf, sizeof(buf), "0x%08" PRIx32, s->spi_in);
		vpnptctl_json_string(j, "spi_in", buf);
	}
	if (vpnptctl_has(s, VPNPT_SA_IKE_SPI_I)) {
		snprintf(buf, sizeof(buf), "%016" PRIx64, s->ike_spi_i);
		vpnptctl_json_string(j, "ike_spi_i", buf);
	}
	if (vpnptctl_has(s, VPNPT_SA_IKE_SPI_R)) {
		snprintf(buf, sizeof(buf), "%016" PRIx64, s->ike_spi_r);
		vpnptctl_json_string(j, "ike_spi_r", buf);
	}
	if (vpnptctl_has(s, VPNPT_SA_TUNNEL_ID))
		vpnptctl_json_u64(j, "tunnel_id", s->tunnel_id);
	if (vpnptctl_has(s, VPNPT_SA_PEER_TUNNEL_ID))
		vpnptctl_json_u64(j, "peer_tunnel_id", s->peer_tunnel_id);
	if (vpnptctl_has(s, VPNPT_SA_PARENT))
		vpnptctl_json_u64(j, "parent", s->parent);
	if (vpnptctl_has(s, VPNPT_SA_ZONE))
		vpnptctl_json_u64(j, "zone", s->zone);
	if (vpnptctl_has(s, VPNPT_SA_IKE_RESPONSES)) {
		unsigned int i;

		vpnptctl_json_open_array(j, "responses");
		for (i = 0; i < s->n_ike_responses; i++) {
			const struct vpnptctl_ike_response *r = &s->ike_responses[i];

			vpnptctl_json_open_object(j, NULL);
			vpnptctl_json_string(j, "exchange",
					     vpnptctl_exchange_str(buf, sizeof(buf),
								   r->exchange));
			vpnptctl_json_u64(j, "type", r->exchange);
			vpnptctl_json_u64(j, "age", r->age);
			vpnptctl_json_close_object(j);
		}
		vpnptctl_json_close_array(j);
	}
	vpnptctl_json_close_object(j);
}

/*
 * The text of a session in three parts, each a run of " key value" words:
 * what it is, its identifiers, and its traffic. The sessions list puts each
 * part on a line of its own, the monitor all on one line.
 */
static void vpnptctl_text_what(FILE *f, const struct vpnptctl_session *s,
			       bool with_client)
{
	char buf[INET_ADDRSTRLEN > 24 ? INET_ADDRSTRLEN : 24];

	/* "pptp", or "proto 9" for a protocol newer than the tool */
	if (vpnptctl_has(s, VPNPT_SA_PROTO))
		fprintf(f, vpnptctl_proto_name(s->proto) ? " %s" : " proto %s",
			vpnptctl_proto_str(buf, sizeof(buf), s->proto));
	if (vpnptctl_has(s, VPNPT_SA_ID))
		fprintf(f, " id %" PRIu64, s->id);
	if (with_client && vpnptctl_has(s, VPNPT_SA_CLIENT))
		fprintf(f, " client %s", vpnptctl_addr_str(buf, s->client));
	if (vpnptctl_has(s, VPNPT_SA_SERVER))
		fprintf(f, " server %s", vpnptctl_addr_str(buf, s->server));
	if (vpnptctl_has(s, VPNPT_SA_STATE))
		fprintf(f, " state %s", vpnptctl_state_str(buf, sizeof(buf), s->state));
}

static void vpnptctl_text_ids(FILE *f, const struct vpnptctl_session *s)
{
	char buf[INET_ADDRSTRLEN];

	if (vpnptctl_has(s, VPNPT_SA_CALL_ID_INSIDE) ||
	    vpnptctl_has(s, VPNPT_SA_CALL_ID_OUTSIDE) ||
	    vpnptctl_has(s, VPNPT_SA_PEER_CALL_ID)) {
		fputs(" call-id", f);
		if (vpnptctl_has(s, VPNPT_SA_CALL_ID_INSIDE))
			fprintf(f, " inside %u", s->call_id_inside);
		if (vpnptctl_has(s, VPNPT_SA_CALL_ID_OUTSIDE))
			fprintf(f, " outside %u", s->call_id_outside);
		if (vpnptctl_has(s, VPNPT_SA_PEER_CALL_ID))
			fprintf(f, " peer %u", s->peer_call_id);
	}
	if (vpnptctl_has(s, VPNPT_SA_TUNNEL_ID) ||
	    vpnptctl_has(s, VPNPT_SA_PEER_TUNNEL_ID)) {
		fputs(" tunnel-id", f);
		if (vpnptctl_has(s, VPNPT_SA_TUNNEL_ID))
			fprintf(f, " %u", s->tunnel_id);
		if (vpnptctl_has(s, VPNPT_SA_PEER_TUNNEL_ID))
			fprintf(f, " peer %u", s->peer_tunnel_id);
	}
	if (vpnptctl_has(s, VPNPT_SA_SPI_OUT) || vpnptctl_has(s, VPNPT_SA_SPI_IN)) {
		fputs(" spi", f);
		if (vpnptctl_has(s, VPNPT_SA_SPI_OUT))
			fprintf(f, " out 0x%08" PRIx32, s->spi_out);
		if (vpnptctl_has(s, VPNPT_SA_SPI_IN))
			fprintf(f, " in 0x%08" PRIx32, s->spi_in);
	}
	if (vpnptctl_has(s, VPNPT_SA_IKE_SPI_I) ||
	    vpnptctl_has(s, VPNPT_SA_IKE_SPI_R)) {
		fputs(" ike-spi", f);
		if (vpnptctl_has(s, VPNPT_SA_IKE_SPI_I))
			fprintf(f, " i %016" PRIx64, s->ike_spi_i);
		if (vpnptctl_has(s, VPNPT_SA_IKE_SPI_R))
			fprintf(f, " r %016" PRIx64, s->ike_spi_r);
	}
	if (vpnptctl_has(s, VPNPT_SA_PUBLIC))
		fprintf(f, " public %s", vpnptctl_addr_str(buf, s->public_addr));
	if (vpnptctl_has(s, VPNPT_SA_PARENT))
		fprintf(f, " parent %" PRIu64, s->parent);
	if (vpnptctl_has(s, VPNPT_SA_ZONE))
		fprintf(f, " zone %u", s->zone);
}

static void vpnptctl_text_traffic(FILE *f, const struct vpnptctl_session *s)
{
	char d[32];

	if (vpnptctl_has(s, VPNPT_SA_PACKETS_OUT) ||
	    vpnptctl_has(s, VPNPT_SA_BYTES_OUT)) {
		fputs(" out", f);
		if (vpnptctl_has(s, VPNPT_SA_PACKETS_OUT))
			fprintf(f, " %" PRIu64 " packets", s->packets_out);
		if (vpnptctl_has(s, VPNPT_SA_BYTES_OUT))
			fprintf(f, " %" PRIu64 " bytes", s->bytes_out);
	}
	if (vpnptctl_has(s, VPNPT_SA_PACKETS_IN) ||
	    vpnptctl_has(s, VPNPT_SA_BYTES_IN)) {
		fputs(" in", f);
		if (vpnptctl_has(s, VPNPT_SA_PACKETS_IN))
			fprintf(f, " %" PRIu64 " packets", s->packets_in);
		if (vpnptctl_has(s, VPNPT_SA_BYTES_IN))
			fprintf(f, " %" PRIu64 " bytes", s->bytes_in);
	}
	if (vpnptctl_has(s, VPNPT_SA_AGE)) {
		vpnptctl_fmt_duration(d, sizeof(d), s->age);
		fprintf(f, " age %s", d);
	}
	if (vpnptctl_has(s, VPNPT_SA_IDLE)) {
		vpnptctl_fmt_duration(d, sizeof(d), s->idle);
		fprintf(f, " idle %s", d);
	}
}

/* IKE: the server's last message of each exchange type, how long ago. */
static void vpnptctl_text_responses(FILE *f, const struct vpnptctl_session *s)
{
	char buf[16], d[32];
	unsigned int i;

	if (!vpnptctl_has(s, VPNPT_SA_IKE_RESPONSES) || !s->n_ike_responses)
		return;
	fputs(" responses", f);
	for (i = 0; i < s->n_ike_responses; i++) {
		const struct vpnptctl_ike_response *r = &s->ike_responses[i];

		vpnptctl_fmt_duration(d, sizeof(d), r->age);
		fprintf(f, " %s %s",
			vpnptctl_exchange_str(buf, sizeof(buf), r->exchange), d);
	}
}

/* Write one part of a session to a line of its own, if it is not empty. */
static void vpnptctl_text_line(FILE *f, const char *indent,
			       const struct vpnptctl_session *s,
			       void (*part)(FILE *, const struct vpnptctl_session *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	m = open_memstream(&buf, &len);
	if (!m)
		return;
	part(m, s);
	fclose(m);
	/* Each part starts with a space: the indent replaces it. */
	if (len)
		fprintf(f, "%s%s\n", indent, buf + 1);
	free(buf);
}

static void vpnptctl_text_what_nc(FILE *f, const struct vpnptctl_session *s)
{
	vpnptctl_text_what(f, s, false);
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
	FILE *f = o->f;
	size_t i, k;

	if (n)
		qsort(s, n, sizeof(*s), vpnptctl_session_cmp);
	if (o->json) {
		struct vpnptctl_json j;

		vpnptctl_json_init(&j, f, o->pretty);
		vpnptctl_json_open_array(&j, NULL);
		for (i = 0; i < n; i++)
			vpnptctl_json_session(&j, NULL, &s[i]);
		vpnptctl_json_close_array(&j);
		vpnptctl_json_end(&j);
		return;
	}
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && vpnptctl_same_client(&s[i], &s[k]); k++)
			;
		if (i)
			fputc('\n', f);
		fprintf(f, "client %s (%zu session%s)\n",
			vpnptctl_has(&s[i], VPNPT_SA_CLIENT) ?
			vpnptctl_addr_str(buf, s[i].client) : "-",
			k - i, k - i == 1 ? "" : "s");
		for (; i < k; i++) {
			vpnptctl_text_line(f, "  ", &s[i], vpnptctl_text_what_nc);
			vpnptctl_text_line(f, "    ", &s[i], vpnptctl_text_ids);
			vpnptctl_text_line(f, "    ", &s[i], vpnptctl_text_traffic);
			vpnptctl_text_line(f, "    ", &s[i], vpnptctl_text_responses);
		}
	}
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
	} else if (pr.json) {
		/* The session's text groups its fields otherwise: see above. */
		vpnptctl_json_session(&pr.j, "session", s);
	} else {
		fputs(ev->type == VPNPTCTL_EV_SESSION_NEW ?
		      "session new" : "session del", pr.f);
		vpnptctl_text_what(pr.f, s, true);
		vpnptctl_text_ids(pr.f, s);
		vpnptctl_text_traffic(pr.f, s);
		vpnptctl_text_responses(pr.f, s);
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

void vpnptctl_print_teardown(const struct vpnptctl_out *o, bool removed)
{
	struct vpnptctl_printer pr;

	vpnptctl_pr_start(&pr, o->f, o->json, o->pretty);
	vpnptctl_pr_open(&pr, NULL);
	vpnptctl_pr_str(&pr, VPNPTCTL_PR_JSON, "table", NULL,
			"ip " VPNPTCTL_NFT_TABLE);
	vpnptctl_pr_onoff(&pr, VPNPTCTL_PR_JSON, "removed", NULL, removed);
	/* Quiet on success, as setup is; an absent table is worth a word. */
	if (!removed)
		vpnptctl_pr_text_only(&pr, "table ip " VPNPTCTL_NFT_TABLE
				      " not present, nothing to remove\n");
	vpnptctl_pr_close(&pr);
	vpnptctl_pr_end(&pr);
}
