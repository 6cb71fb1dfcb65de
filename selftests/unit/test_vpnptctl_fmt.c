// SPDX-License-Identifier: GPL-2.0
/*
 * vpnptctl: text and JSON output, compared byte for byte with the golden
 * files in selftests/unit/golden/. To accept a deliberate change of the
 * output, run the tests with VPNPT_UPDATE_GOLDEN=1 (it rewrites the files)
 * and review the diff:
 *
 *   VPNPT_UPDATE_GOLDEN=1 build/unit/unit-tests vpnptctl && git diff selftests/unit/golden
 *
 * The golden directory is found next to this source file (__FILE__ is
 * relative to the repository root, where `make unit` runs the tests).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>

#include "vpnptctl/vpnptctl.h"

#include "unit.h"

static void golden_path(char *buf, size_t size, const char *name)
{
	const char *slash = strrchr(__FILE__, '/');
	int dirlen = slash ? (int)(slash - __FILE__) : 1;

	snprintf(buf, size, "%.*s/golden/%s", dirlen, slash ? __FILE__ : ".", name);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n;

	if (!f)
		return NULL;
	*len = 0;
	do {
		if (*len + 4096 > cap) {
			cap = cap ? 2 * cap : 8192;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n);
	fclose(f);
	return buf;
}

/* Print line @lineno (1-based) of @s, or "(end of output)". */
static void print_line(const char *tag, const char *s, size_t len, int lineno)
{
	const char *p = s, *end = s + len, *nl;
	int i;

	for (i = 1; i < lineno && p < end; i++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	if (p >= end) {
		fprintf(stderr, "#   %s: (end of output)\n", tag);
		return;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	fprintf(stderr, "#   %s: \"%.*s\"%s\n", tag, (int)((nl ? nl : end) - p), p,
		nl ? "" : " (no newline)");
}

/*
 * Compare @got with golden file @name; with VPNPT_UPDATE_GOLDEN=1, write
 * @got to it instead.
 */
static void check_golden(const char *name, const char *got, size_t len, int line)
{
	const char *update = getenv("VPNPT_UPDATE_GOLDEN");
	char path[512];
	size_t wlen, i;
	char *want;
	int lineno = 1;
	FILE *f;

	golden_path(path, sizeof(path), name);
	if (update && !strcmp(update, "1")) {
		f = fopen(path, "wb");
		if (!f || fwrite(got, 1, len, f) != len || fclose(f)) {
			fprintf(stderr, "# %s:%d: cannot write %s: %s\n", __FILE__,
				line, path, strerror(errno));
			unit_failed_checks++;
			return;
		}
		fprintf(stderr, "# updated %s\n", path);
		return;
	}
	want = read_file(path, &wlen);
	if (!want) {
		fprintf(stderr, "# %s:%d: cannot read %s: %s (VPNPT_UPDATE_GOLDEN=1 writes it)\n",
			__FILE__, line, path, strerror(errno));
		unit_failed_checks++;
		return;
	}
	if (wlen != len || memcmp(want, got, len)) {
		for (i = 0; i < len && i < wlen && want[i] == got[i]; i++)
			if (got[i] == '\n')
				lineno++;
		fprintf(stderr, "# %s:%d: output differs from %s at line %d:\n",
			__FILE__, line, path, lineno);
		print_line("want", want, wlen, lineno);
		print_line(" got", got, len, lineno);
		unit_failed_checks++;
	}
	free(want);
}

/* Output into a memory stream, checked against a golden file. */
struct cap {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *cap_open(struct cap *c)
{
	c->buf = NULL;
	c->len = 0;
	c->f = open_memstream(&c->buf, &c->len);
	if (!c->f)
		abort();
	return c->f;
}

static void cap_check(struct cap *c, const char *name, int line)
{
	fclose(c->f);
	check_golden(name, c->buf, c->len, line);
	free(c->buf);
}

#define CAP_CHECK(c, name) cap_check(c, name, __LINE__)

/* ---- sample data ---------------------------------------------------------- */

static uint32_t ip(const char *s)
{
	uint32_t a;

	if (inet_pton(AF_INET, s, &a) != 1)
		abort();
	return a;
}

static void sample_config(struct vpnptctl_config *c)
{
	static const uint32_t tmo[VPNPTCTL_NPROTO] = { 3600, 300, 300, 600, 600, 86400 };

	memset(c, 0, sizeof(*c));
	c->present = VPNPTCTL_CFG_SWITCHES | VPNPTCTL_CFG_MAX_SESSIONS |
		     VPNPTCTL_CFG_MAX_CLIENT_SESSIONS | VPNPTCTL_CFG_MODULE_VERSION |
		     VPNPTCTL_CFG_FAMILY_VERSION | VPNPTCTL_CFG_IKE_KEEP_PORT;
	c->ike_keep_port = true;
	c->switches = VPNPT_PROTO_ALL & ~(1U << VPNPT_PROTO_AH);
	c->max_sessions = VPNPT_MAX_SESSIONS_DEFAULT;
	c->max_client_sessions = VPNPT_MAX_CLIENT_SESSIONS_DEFAULT;
	c->timeouts_present = VPNPT_PROTO_ALL;
	memcpy(c->timeouts, tmo, sizeof(tmo));
	strcpy(c->module_version, "0.1.0");
	c->family_version = 1;
}

/* What an odd kernel might send: few fields, a strange version string. */
static void partial_config(struct vpnptctl_config *c)
{
	memset(c, 0, sizeof(*c));
	c->present = VPNPTCTL_CFG_MAX_SESSIONS | VPNPTCTL_CFG_MODULE_VERSION;
	c->max_sessions = 10;
	c->timeouts_present = 1U << VPNPT_PROTO_ESP;
	c->timeouts[VPNPT_PROTO_ESP] = 30;
	strcpy(c->module_version, "0.2-\"dev\"\\\t\x1b[1m\xc3\xa9\xff");
}

static void sample_stats(struct vpnptctl_stats *st)
{
	unsigned int p, c;

	memset(st, 0, sizeof(*st));
	st->present = VPNPT_PROTO_ALL;
	for (p = 0; p < VPNPTCTL_NPROTO; p++)
		for (c = 0; c < VPNPTCTL_NCOUNTERS; c++)
			st->counters[p][c] = (p + 1) * (c + 1) * (p == 0 ? 1000003 : 7);
	st->counters[VPNPT_PROTO_AH][VPNPTCTL_C_PACKETS] = 0;
	st->counters[VPNPT_PROTO_ESP][VPNPTCTL_C_PACKETS] = 18446744073709551615ULL;
}

#define SA(x)	VPNPTCTL_SA(VPNPT_SA_##x)
#define TRAFFIC	(SA(PACKETS_OUT) | SA(PACKETS_IN) | SA(BYTES_OUT) | SA(BYTES_IN) | \
		 SA(AGE) | SA(IDLE))
#define BASIC	(SA(ID) | SA(PROTO) | SA(STATE) | SA(CLIENT) | SA(SERVER) | SA(PUBLIC))

static size_t sample_sessions(struct vpnptctl_session *s)
{
	size_t n = 0;

	memset(s, 0, 8 * sizeof(*s));
	/* PPTP, the only session of its client */
	s[n].present = BASIC | TRAFFIC | SA(CALL_ID_INSIDE) | SA(CALL_ID_OUTSIDE) |
		       SA(PEER_CALL_ID);
	s[n].id = 1;
	s[n].proto = VPNPT_PROTO_PPTP;
	s[n].state = VPNPT_SESSION_ESTABLISHED;
	s[n].client = ip("10.99.0.12");
	s[n].server = ip("203.0.113.2");
	s[n].public_addr = ip("203.0.113.1");
	s[n].packets_out = 120;
	s[n].packets_in = 118;
	s[n].bytes_out = 10240;
	s[n].bytes_in = 9800;
	s[n].age = 3725;
	s[n].idle = 3;
	s[n].call_id_inside = 1234;
	s[n].call_id_outside = 40001;
	s[n].peer_call_id = 5678;
	n++;
	/* ESP under an IKE session */
	s[n].present = BASIC | TRAFFIC | SA(SPI_OUT) | SA(SPI_IN) | SA(PARENT);
	s[n].id = 7;
	s[n].proto = VPNPT_PROTO_ESP;
	s[n].state = VPNPT_SESSION_ESTABLISHED;
	s[n].client = ip("10.99.0.11");
	s[n].server = ip("203.0.113.2");
	s[n].public_addr = ip("203.0.113.1");
	s[n].packets_out = 5;
	s[n].bytes_out = 700;
	s[n].age = 60;
	s[n].spi_out = 0xc0ffee01;
	s[n].spi_in = 0x00000102;
	s[n].parent = 5;
	n++;
	/* Responses: an exchange type the tool does not know shows its number. */
	s[n].present = BASIC | TRAFFIC | SA(IKE_SPI_I) | SA(IKE_SPI_R) |
		       SA(IKE_RESPONSES);
	s[n].id = 5;
	s[n].proto = VPNPT_PROTO_IKE;
	s[n].state = VPNPT_SESSION_ESTABLISHED;
	s[n].client = ip("10.99.0.11");
	s[n].server = ip("203.0.113.2");
	s[n].public_addr = ip("203.0.113.1");
	s[n].packets_out = 4;
	s[n].packets_in = 4;
	s[n].bytes_out = 1800;
	s[n].bytes_in = 1700;
	s[n].age = 59;
	s[n].idle = 59;
	s[n].ike_spi_i = 0x0123456789abcdefULL;
	s[n].ike_spi_r = 0;
	s[n].n_ike_responses = 5;
	s[n].ike_responses[0].exchange = 7;
	s[n].ike_responses[0].age = 120;
	s[n].ike_responses[1].exchange = 34;	/* IKE_SA_INIT */
	s[n].ike_responses[1].age = 59;
	s[n].ike_responses[2].exchange = 35;	/* IKE_AUTH */
	s[n].ike_responses[2].age = 58;
	s[n].ike_responses[3].exchange = 36;	/* CREATE_CHILD_SA */
	s[n].ike_responses[3].age = 3;
	s[n].ike_responses[4].exchange = VPNPT_IKE_RESP_EXCH_PRIVATE;
	s[n].ike_responses[4].age = 0;
	n++;
	s[n].present = BASIC | TRAFFIC | SA(TUNNEL_ID) | SA(PEER_TUNNEL_ID) | SA(ZONE);
	s[n].id = 9;
	s[n].proto = VPNPT_PROTO_L2TP;
	s[n].state = VPNPT_SESSION_NEW;
	s[n].client = ip("10.99.0.11");
	s[n].server = ip("198.51.100.7");
	s[n].public_addr = ip("203.0.113.1");
	s[n].packets_out = 1;
	s[n].bytes_out = 120;
	s[n].tunnel_id = 17;
	s[n].peer_tunnel_id = 0;
	s[n].zone = 3;
	n++;
	/* Sorted numerically: 10.99.0.2 comes before 10.99.0.11. */
	s[n].present = BASIC | TRAFFIC | SA(IKE_SPI_I) | SA(IKE_SPI_R);
	s[n].id = 12;
	s[n].proto = VPNPT_PROTO_NATT;
	s[n].state = VPNPT_SESSION_CLOSING;
	s[n].client = ip("10.99.0.2");
	s[n].server = ip("192.0.2.200");
	s[n].public_addr = ip("203.0.113.1");
	s[n].packets_out = 1000000;
	s[n].packets_in = 2000000;
	s[n].bytes_out = 1234567890123ULL;
	s[n].bytes_in = 18446744073709551615ULL;
	s[n].age = 90061;
	s[n].idle = 600;
	s[n].ike_spi_i = 0xfedcba9876543210ULL;
	s[n].ike_spi_r = 0x00000000000000ffULL;
	n++;
	/* AH in a state this tool does not know */
	s[n].present = BASIC | SA(SPI_OUT);
	s[n].id = 8;
	s[n].proto = VPNPT_PROTO_AH;
	s[n].state = 7;
	s[n].client = ip("10.99.0.11");
	s[n].server = ip("203.0.113.2");
	s[n].public_addr = ip("203.0.113.1");
	s[n].spi_out = 0xffffffff;
	n++;
	/* A protocol newer than the tool, with no client: last */
	s[n].present = SA(ID) | SA(PROTO);
	s[n].id = 99;
	s[n].proto = 9;
	n++;
	return n;
}

/* ---- tests ----------------------------------------------------------------- */

static const struct vpnptctl_out text_out = { .json = false };
static const struct vpnptctl_out json_out = { .json = true };
static const struct vpnptctl_out pretty_out = { .json = true, .pretty = true };

UNIT_TEST(vpnptctl_fmt_duration)
{
	char b[32];

	vpnptctl_fmt_duration(b, sizeof(b), 0);
	CHECK_STR(b, "0s");
	vpnptctl_fmt_duration(b, sizeof(b), 59);
	CHECK_STR(b, "59s");
	vpnptctl_fmt_duration(b, sizeof(b), 60);
	CHECK_STR(b, "1m00s");
	vpnptctl_fmt_duration(b, sizeof(b), 3599);
	CHECK_STR(b, "59m59s");
	vpnptctl_fmt_duration(b, sizeof(b), 3600);
	CHECK_STR(b, "1h00m00s");
	vpnptctl_fmt_duration(b, sizeof(b), 86399);
	CHECK_STR(b, "23h59m59s");
	vpnptctl_fmt_duration(b, sizeof(b), 86400);
	CHECK_STR(b, "1d00h00m00s");
	vpnptctl_fmt_duration(b, sizeof(b), 4294967295U);
	CHECK_STR(b, "49710d06h28m15s");
}

UNIT_TEST(vpnptctl_fmt_ike_exchange_name)
{
	CHECK(!vpnptctl_ike_exchange_name(0));
	CHECK_STR(vpnptctl_ike_exchange_name(1), "BASE");
	CHECK_STR(vpnptctl_ike_exchange_name(2), "MAIN_MODE");
	CHECK_STR(vpnptctl_ike_exchange_name(6), "TRANSACTION");
	CHECK(!vpnptctl_ike_exchange_name(7));
	CHECK(!vpnptctl_ike_exchange_name(31));
	CHECK_STR(vpnptctl_ike_exchange_name(32), "QUICK_MODE");
	CHECK_STR(vpnptctl_ike_exchange_name(33), "NEW_GROUP_MODE");
	CHECK_STR(vpnptctl_ike_exchange_name(34), "IKE_SA_INIT");
	CHECK_STR(vpnptctl_ike_exchange_name(35), "IKE_AUTH");
	CHECK_STR(vpnptctl_ike_exchange_name(36), "CREATE_CHILD_SA");
	CHECK_STR(vpnptctl_ike_exchange_name(37), "INFORMATIONAL");
	CHECK_STR(vpnptctl_ike_exchange_name(44), "IKE_FOLLOWUP_KE");
	CHECK(!vpnptctl_ike_exchange_name(45));
	CHECK(!vpnptctl_ike_exchange_name(239));
	CHECK_STR(vpnptctl_ike_exchange_name(240), "PRIVATE");
	CHECK_STR(vpnptctl_ike_exchange_name(255), "PRIVATE");
	CHECK(!vpnptctl_ike_exchange_name(256));
}

UNIT_TEST(vpnptctl_fmt_status)
{
	struct vpnptctl_out o;
	struct vpnptctl_config cfg;
	struct vpnptctl_stats st;
	struct cap c;

	sample_config(&cfg);
	sample_stats(&st);
	o = text_out;
	o.f = cap_open(&c);
	vpnptctl_print_status(&o, &cfg, NULL);
	CAP_CHECK(&c, "status.txt");
	o = json_out;
	o.f = cap_open(&c);
	vpnptctl_print_status(&o, &cfg, NULL);
	CAP_CHECK(&c, "status.json");
	o = pretty_out;
	o.f = cap_open(&c);
	vpnptctl_print_status(&o, &cfg, NULL);
	CAP_CHECK(&c, "status-pretty.json");

	/* status -s */
	o = text_out;
	o.f = cap_open(&c);
	vpnptctl_print_status(&o, &cfg, &st);
	CAP_CHECK(&c, "status-stats.txt");
	o = json_out;
	o.f = cap_open(&c);
	vpnptctl_print_status(&o, &cfg, &st);
	CAP_CHECK(&c, "status-stats.json");

	partial_config(&cfg);
	o = text_out;
	o.f = cap_open(&c);
	vpnptctl_print_status(&o, &cfg, NULL);
	CAP_CHECK(&c, "status-partial.txt");
	o = json_out;
	o.f = cap_open(&c);
	vpnptctl_print_status(&o, &cfg, NULL);
	CAP_CHECK(&c, "status-partial.json");
}

UNIT_TEST(vpnptctl_fmt_stats)
{
	struct vpnptctl_out o;
	struct vpnptctl_stats st;
	struct cap c;

	sample_stats(&st);
	o = text_out;
	o.f = cap_open(&c);
	vpnptctl_print_stats(&o, &st);
	CAP_CHECK(&c, "stats.txt");
	o = json_out;
	o.f = cap_open(&c);
	vpnptctl_print_stats(&o, &st);
	CAP_CHECK(&c, "stats.json");
	o = pretty_out;
	o.f = cap_open(&c);
	vpnptctl_print_stats(&o, &st);
	CAP_CHECK(&c, "stats-pretty.json");

	/* Only the protocols the kernel sent are shown. */
	memset(&st, 0, sizeof(st));
	st.present = (1U << VPNPT_PROTO_PPTP) | (1U << VPNPT_PROTO_NATT);
	st.counters[VPNPT_PROTO_PPTP][VPNPTCTL_C_PACKETS] = 5;
	st.counters[VPNPT_PROTO_NATT][VPNPTCTL_C_SESSIONS_ACTIVE] = 2;
	o = text_out;
	o.f = cap_open(&c);
	vpnptctl_print_stats(&o, &st);
	CAP_CHECK(&c, "stats-partial.txt");
	o = json_out;
	o.f = cap_open(&c);
	vpnptctl_print_stats(&o, &st);
	CAP_CHECK(&c, "stats-partial.json");
}

UNIT_TEST(vpnptctl_fmt_sessions)
{
	struct vpnptctl_session s[8];
	struct vpnptctl_out o;
	struct cap c;
	size_t n;

	n = sample_sessions(s);
	o = text_out;
	o.f = cap_open(&c);
	vpnptctl_print_sessions(&o, s, n);
	CAP_CHECK(&c, "sessions.txt");
	n = sample_sessions(s);
	o = json_out;
	o.f = cap_open(&c);
	vpnptctl_print_sessions(&o, s, n);
	CAP_CHECK(&c, "sessions.json");
	n = sample_sessions(s);
	o = pretty_out;
	o.f = cap_open(&c);
	vpnptctl_print_sessions(&o, s, n);
	CAP_CHECK(&c, "sessions-pretty.json");

	/* No sessions: no text at all, an empty JSON array. */
	o = text_out;
	o.f = cap_open(&c);
	vpnptctl_print_sessions(&o, s, 0);
	fclose(c.f);
	CHECK_EQ(c.len, 0);
	free(c.buf);
	o = json_out;
	o.f = cap_open(&c);
	vpnptctl_print_sessions(&o, s, 0);
	fclose(c.f);
	CHECK_STR(c.buf, "[]\n");
	free(c.buf);
}

UNIT_TEST(vpnptctl_fmt_events)
{
	struct vpnptctl_session s[8];
	const struct vpnptctl_out *outs[] = { &text_out, &json_out, &pretty_out };
	static const char *const names[] = { "events.txt", "events.json", "events.json" };
	struct vpnptctl_event ev;
	struct vpnptctl_out o;
	struct cap c;
	unsigned int i;

	sample_sessions(s);
	/* pretty is ignored: one line per event whatever -p says */
	for (i = 0; i < 3; i++) {
		o = *outs[i];
		o.f = cap_open(&c);
		memset(&ev, 0, sizeof(ev));
		ev.type = VPNPTCTL_EV_SESSION_NEW;
		ev.session = s[0];
		ev.session.present &= ~TRAFFIC;
		ev.session.state = VPNPT_SESSION_NEW;
		vpnptctl_print_event(&o, &ev);
		ev.type = VPNPTCTL_EV_SESSION_DEL;
		ev.session = s[4];
		vpnptctl_print_event(&o, &ev);
		/* an IKE session with its server's responses */
		ev.type = VPNPTCTL_EV_SESSION_NEW;
		ev.session = s[2];
		vpnptctl_print_event(&o, &ev);
		ev.type = VPNPTCTL_EV_SESSION_DEL;
		ev.session = s[6];
		vpnptctl_print_event(&o, &ev);
		memset(&ev, 0, sizeof(ev));
		ev.type = VPNPTCTL_EV_CONFIG;
		sample_config(&ev.config);
		ev.config.present &= ~VPNPTCTL_CFG_FAMILY_VERSION;
		vpnptctl_print_event(&o, &ev);
		ev.config.present = VPNPTCTL_CFG_SWITCHES;
		ev.config.timeouts_present = 0;
		ev.config.switches = 0;
		vpnptctl_print_event(&o, &ev);
		CAP_CHECK(&c, names[i]);
	}
}

UNIT_TEST(vpnptctl_fmt_flush_teardown)
{
	static const uint32_t counts[] = { 0, 1, 5 };
	struct vpnptctl_out o;
	struct cap c;
	unsigned int i;

	o = text_out;
	o.f = cap_open(&c);
	for (i = 0; i < 3; i++)
		vpnptctl_print_flushed(&o, counts[i]);
	vpnptctl_print_teardown(&o, true, false);
	vpnptctl_print_teardown(&o, false, true);
	vpnptctl_print_teardown(&o, false, false);
	CAP_CHECK(&c, "flush-teardown.txt");
	o = json_out;
	o.f = cap_open(&c);
	for (i = 0; i < 3; i++)
		vpnptctl_print_flushed(&o, counts[i]);
	vpnptctl_print_teardown(&o, true, false);
	vpnptctl_print_teardown(&o, false, true);
	vpnptctl_print_teardown(&o, false, false);
	CAP_CHECK(&c, "flush-teardown.json");
}

UNIT_TEST(vpnptctl_fmt_ruleset)
{
	struct cap c;
	size_t i;

	/* setup --nft --dry-run, setup --dry-run, teardown --dry-run */
	vpnptctl_print_ruleset(cap_open(&c));
	CAP_CHECK(&c, "setup-dry-run.nft");
	vpnptctl_print_teardown_ruleset(cap_open(&c), true);
	CAP_CHECK(&c, "setup-attach-dry-run.nft");
	vpnptctl_print_teardown_ruleset(cap_open(&c), false);
	CAP_CHECK(&c, "teardown-dry-run.nft");

	/* The table the batch and the dry run are both made from. */
	CHECK_EQ(vpnptctl_nhelpers, 4);
	for (i = 0; i < vpnptctl_nhelpers; i++)
		CHECK(!strncmp(vpnptctl_helpers[i].name, "vpnpt-", 6));
	CHECK_STR(vpnptctl_helpers[0].name, "vpnpt-pptp");
	CHECK_EQ(vpnptctl_helpers[0].dport, 1723);
	CHECK_STR(vpnptctl_l4proto_name(vpnptctl_helpers[0].l4proto), "tcp");
	CHECK_STR(vpnptctl_helpers[3].name, "vpnpt-natt");
	CHECK_EQ(vpnptctl_helpers[3].dport, 4500);
	CHECK_STR(vpnptctl_l4proto_name(vpnptctl_helpers[3].l4proto), "udp");
}

UNIT_TEST(vpnptctl_fmt_usage)
{
	struct cap c;

	vpnptctl_usage(cap_open(&c));
	CAP_CHECK(&c, "usage.txt");
}
