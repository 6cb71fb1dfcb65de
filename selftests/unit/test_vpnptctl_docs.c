// SPDX-License-Identifier: GPL-2.0
/*
 * vpnptctl: the man page and the bash completion name exactly the commands
 * and `set` keys the parser accepts (vpnptctl_command_word(),
 * vpnptctl_set_key()), and the man page's JSON key list every key the
 * output has (the keys of the golden files of `-s status` and `sessions`,
 * which test_vpnptctl_fmt.c compares with what fmt.c prints).
 *
 * The files are found from this source file's path (__FILE__ is relative to
 * the repository root, where `make unit` runs the tests).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>

#include "vpnptctl/vpnptctl.h"

#include "unit.h"

#define MAXWORDS 128

struct words {
	char *w[MAXWORDS];
	unsigned int n;
};

static void words_add(struct words *ws, const char *s, size_t len)
{
	unsigned int i;
	char *w;

	for (i = 0; i < ws->n; i++)
		if (strlen(ws->w[i]) == len && !strncmp(ws->w[i], s, len))
			return;
	if (ws->n == MAXWORDS) {
		fprintf(stderr, "# more than %d words\n", MAXWORDS);
		unit_failed_checks++;
		return;
	}
	w = strndup(s, len);
	if (!w)
		abort();
	ws->w[ws->n++] = w;
}

static bool words_has(const struct words *ws, const char *s)
{
	unsigned int i;

	for (i = 0; i < ws->n; i++)
		if (!strcmp(ws->w[i], s))
			return true;
	return false;
}

static void words_free(struct words *ws)
{
	while (ws->n)
		free(ws->w[--ws->n]);
}

/* Every word of @want is in @got and the other way round. */
static void check_same(const char *what, const struct words *want,
		       const struct words *got)
{
	unsigned int i;

	for (i = 0; i < want->n; i++)
		if (!words_has(got, want->w[i])) {
			fprintf(stderr, "# %s: '%s' is missing\n", what, want->w[i]);
			unit_failed_checks++;
		}
	for (i = 0; i < got->n; i++)
		if (!words_has(want, got->w[i])) {
			fprintf(stderr, "# %s: '%s' is not accepted by vpnptctl\n",
				what, got->w[i]);
			unit_failed_checks++;
		}
}

static char *repo_file(const char *rel)
{
	const char *slash = strrchr(__FILE__, '/');
	int dirlen = slash ? (int)(slash - __FILE__) : 1;
	char path[512], *buf = NULL;
	size_t len = 0, cap = 0, n;
	FILE *f;

	snprintf(path, sizeof(path), "%.*s/../../%s", dirlen,
		 slash ? __FILE__ : ".", rel);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "# cannot open %s\n", path);
		unit_failed_checks++;
		return NULL;
	}
	do {
		if (len + 4096 >= cap) {
			cap = cap ? 2 * cap : 16384;
			buf = realloc(buf, cap);
			if (!buf)
				abort();
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n);
	fclose(f);
	buf[len] = '\0';
	return buf;
}

/* The roff text with "\-" made "-", as it reads. */
static void unescape_minus(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] == '-')
			s++;
		*d++ = *s;
	}
	*d = '\0';
}

static void cli_commands(struct words *ws)
{
	const char *w;
	unsigned int i;

	for (i = 0; (w = vpnptctl_command_word(i)); i++)
		words_add(ws, w, strlen(w));
}

static void cli_keys(struct words *ws)
{
	const char *w;
	unsigned int i;

	for (i = 0; (w = vpnptctl_set_key(i)); i++)
		words_add(ws, w, strlen(w));
}

UNIT_TEST(vpnptctl_docs_lists_are_the_parsers)
{
	char err[VPNPTCTL_ERRLEN], *argv[3];
	struct vpnptctl_args a;
	const char *w;
	unsigned int i, p;

	/* Every listed command is one the parser knows, */
	for (i = 0; (w = vpnptctl_command_word(i)); i++) {
		argv[0] = "vpnptctl";
		argv[1] = (char *)w;
		argv[2] = NULL;
		vpnptctl_parse_args(2, argv, &a, err, sizeof(err));
		if (strstr(err, "unknown command")) {
			fprintf(stderr, "# command '%s': %s\n", w, err);
			unit_failed_checks++;
		}
	}
	CHECK_EQ(i, 11);
	/* every listed key one it takes, */
	for (i = 0; (w = vpnptctl_set_key(i)); i++) {
		memset(&a, 0, sizeof(a));
		if (vpnptctl_parse_set(w, strcmp(w, "ike-keep-port") &&
				       strcmp(w, "attach-helpers") ? "60" : "on",
				       &a, err, sizeof(err))) {
			fprintf(stderr, "# key '%s': %s\n", w, err);
			unit_failed_checks++;
		}
	}
	CHECK_EQ(i, 6 + VPNPTCTL_NPROTO - 1);
	/* a timeout key per protocol but AH (no sessions), */
	for (i = 3, p = 0; p < VPNPTCTL_NPROTO; p++) {
		char key[32];

		if (p == VPNPT_PROTO_AH)
			continue;
		snprintf(key, sizeof(key), "timeout-%s", vpnptctl_proto_name(p));
		CHECK_STR(vpnptctl_set_key(i++), key);
	}
	/* and nothing else. */
	memset(&a, 0, sizeof(a));
	CHECK_EQ(vpnptctl_parse_set("timeout-ah", "60", &a, err, sizeof(err)), -1);
	CHECK_EQ(vpnptctl_parse_set("timeout-all", "60", &a, err, sizeof(err)), -1);
	CHECK_EQ(vpnptctl_parse_set("max-session", "60", &a, err, sizeof(err)), -1);
}

/* The words of the completion's `local NAME="..."` list. */
static void completion_list(const char *text, const char *name, struct words *ws)
{
	char pat[64];
	const char *p, *end;

	snprintf(pat, sizeof(pat), "local %s=\"", name);
	p = strstr(text, pat);
	if (!p) {
		fprintf(stderr, "# completion: no %s\n", pat);
		unit_failed_checks++;
		return;
	}
	p += strlen(pat);
	end = strchr(p, '"');
	if (!end)
		return;
	while (p < end) {
		size_t n;

		while (p < end && isspace((unsigned char)*p))
			p++;
		for (n = 0; p + n < end && !isspace((unsigned char)p[n]); n++)
			;
		if (n)
			words_add(ws, p, n);
		p += n;
	}
}

UNIT_TEST(vpnptctl_docs_completion)
{
	struct words want = {}, got = {};
	char *text = repo_file("src/vpnptctl/vpnptctl.bash");

	if (!text)
		return;
	cli_commands(&want);
	completion_list(text, "cmds", &got);
	check_same("completion: commands", &want, &got);
	words_free(&want);
	words_free(&got);

	cli_keys(&want);
	completion_list(text, "keys", &got);
	check_same("completion: set keys", &want, &got);
	words_free(&want);
	words_free(&got);
	free(text);
}

/* The first word of a tag line such as `.BI enable " PROTO" ...`. */
static size_t tag_word(const char *line, const char **start)
{
	const char *p = line;
	size_t n;

	while (*p && *p != ' ' && *p != '\n')
		p++;
	while (*p == ' ')
		p++;
	*start = p;
	for (n = 0; p[n] && !isspace((unsigned char)p[n]) && p[n] != '"' &&
		    p[n] != '\\'; n++)
		;
	return n;
}

/*
 * Section COMMANDS of the man page: the tags at the top level are the
 * commands; those indented under `set` (.RS) its keys, each timeout key
 * spelled out (AH has none).
 */
static void man_commands(const char *man, struct words *cmds, struct words *keys)
{
	const char *p = strstr(man, "\n.SH COMMANDS\n"), *end, *w, *prev = "";
	int depth = 0;

	if (!p) {
		fprintf(stderr, "# man page: no COMMANDS section\n");
		unit_failed_checks++;
		return;
	}
	p = strchr(p + 1, '\n') + 1;
	end = strstr(p, "\n.SH ");
	if (!end)
		end = p + strlen(p);
	while (p < end) {
		const char *nl = strchr(p, '\n');
		size_t n;

		if (!nl)
			nl = p + strlen(p);
		if (!strncmp(p, ".RS", 3))
			depth++;
		else if (!strncmp(p, ".RE", 3))
			depth--;
		else if (!strncmp(p, ".B", 2) &&
			 (!strncmp(prev, ".TP\n", 4) || !strncmp(prev, ".TQ\n", 4))) {
			n = tag_word(p, &w);
			if (depth == 0) {
				words_add(cmds, w, n);
			} else {
				words_add(keys, w, n);
			}
		}
		prev = p;
		p = nl + 1;
	}
}

UNIT_TEST(vpnptctl_docs_man_page)
{
	struct words want = {}, got = {}, keys = {};
	char *man = repo_file("src/vpnptctl/vpnptctl.8");

	if (!man)
		return;
	unescape_minus(man);
	cli_commands(&want);
	man_commands(man, &got, &keys);
	check_same("man page: commands", &want, &got);
	words_free(&want);
	words_free(&got);

	cli_keys(&want);
	check_same("man page: set keys", &want, &keys);
	words_free(&want);
	words_free(&keys);
	free(man);
}

/* The keys ("name":) of a JSON text. */
static void json_keys(const char *json, struct words *ws)
{
	const char *p = json, *q;

	while ((p = strchr(p, '"'))) {
		q = strchr(p + 1, '"');
		if (!q)
			break;
		if (q[1] == ':')
			words_add(ws, p + 1, (size_t)(q - p - 1));
		p = q + 1;
	}
}

/*
 * The names on the macro lines (.BR word , / .RB ( word ,) of the man
 * page's -j option: every run of [a-z0-9_].
 */
static void man_json_keys(const char *man, struct words *ws)
{
	const char *p = strstr(man, "\n.BR -j \", \" --json\n"), *end;

	if (!p) {
		fprintf(stderr, "# man page: no -j option\n");
		unit_failed_checks++;
		return;
	}
	end = strstr(p + 1, "\n.TP\n");
	if (!end)
		end = p + strlen(p);
	while ((p = strstr(p, "\n.")) && p < end) {
		const char *nl = strchr(p + 1, '\n');
		size_t n;

		if (!nl)
			break;
		/* Past the macro name. */
		for (p++; p < nl && *p != ' '; p++)
			;
		while (p < nl) {
			for (n = 0; p + n < nl && (islower((unsigned char)p[n]) ||
						   isdigit((unsigned char)p[n]) ||
						   p[n] == '_'); n++)
				;
			if (n)
				words_add(ws, p, n);
			p += n ? n : 1;
		}
		p = nl;
	}
}

UNIT_TEST(vpnptctl_docs_man_json_keys)
{
	static const char *const golden[] = {
		"selftests/unit/golden/status-stats.json",
		"selftests/unit/golden/sessions.json",
	};
	struct words keys = {}, doc = {};
	unsigned int i, c;
	char *man = repo_file("src/vpnptctl/vpnptctl.8");

	if (!man)
		return;
	unescape_minus(man);
	man_json_keys(man, &doc);
	for (i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
		char *j = repo_file(golden[i]);

		if (j)
			json_keys(j, &keys);
		free(j);
	}
	/* Each counter, whether or not a golden file has it. */
	for (c = 0; vpnptctl_counter_name(c); c++)
		words_add(&keys, vpnptctl_counter_name(c), strlen(vpnptctl_counter_name(c)));
	CHECK(keys.n > 40);
	for (i = 0; i < keys.n; i++) {
		unsigned int p;
		bool proto = false;

		/* Protocol names are keys under switches, timeouts and stats. */
		for (p = 0; p < VPNPTCTL_NPROTO; p++)
			proto |= !strcmp(keys.w[i], vpnptctl_proto_name(p));
		if (!proto && !words_has(&doc, keys.w[i])) {
			fprintf(stderr, "# man page: JSON key '%s' is not listed under -j\n",
				keys.w[i]);
			unit_failed_checks++;
		}
	}
	words_free(&keys);
	words_free(&doc);
	free(man);
}
