// SPDX-License-Identifier: GPL-2.0
/*
 * vpnptctl: a small JSON writer. Compact output is one line without spaces;
 * pretty output indents by two spaces and puts ": " after keys. Strings are
 * escaped as RFC 8259 requires; bytes that are not valid UTF-8 become
 * U+FFFD so the output is always valid JSON.
 */
#include <inttypes.h>

#include "vpnptctl.h"

void vpnptctl_json_init(struct vpnptctl_json *j, FILE *f, bool pretty)
{
	j->f = f;
	j->pretty = pretty;
	j->depth = 0;
	j->nonempty[0] = false;
}

/* Length of the valid UTF-8 sequence at @s, 0 if it is not one. */
static size_t vpnptctl_utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* no overlong forms */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* no surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* nothing above U+10FFFF */
	} else {
		return 0;
	}
	/* The first continuation byte has the narrowed range, the rest 80..bf. */
	for (i = 1; i < n; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return n;
}

void vpnptctl_json_quote(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		size_t n;

		switch (*s) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\b':
			fputs("\\b", f);
			break;
		case '\f':
			fputs("\\f", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(f, "\\u%04x", *s);
			} else if (*s < 0x80) {
				fputc(*s, f);
			} else {
				n = vpnptctl_utf8_len(s);
				if (!n) {
					fputs("\\ufffd", f);
					break;
				}
				fwrite(s, 1, n, f);
				s += n;
				continue;
			}
			break;
		}
		s++;
	}
	fputc('"', f);
}

static void vpnptctl_json_newline(struct vpnptctl_json *j)
{
	int i;

	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Separator, indentation and key before a value. */
static void vpnptctl_json_member(struct vpnptctl_json *j, const char *key)
{
	if (j->depth > 0) {
		if (j->nonempty[j->depth])
			fputc(',', j->f);
		if (j->pretty)
			vpnptctl_json_newline(j);
	}
	j->nonempty[j->depth] = true;
	if (key) {
		vpnptctl_json_quote(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

static void vpnptctl_json_open(struct vpnptctl_json *j, const char *key, char c)
{
	vpnptctl_json_member(j, key);
	fputc(c, j->f);
	if (j->depth < VPNPTCTL_JSON_DEPTH - 1)
		j->depth++;
	j->nonempty[j->depth] = false;
}

static void vpnptctl_json_close(struct vpnptctl_json *j, char c)
{
	bool nonempty = j->nonempty[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (nonempty && j->pretty)
		vpnptctl_json_newline(j);
	fputc(c, j->f);
}

void vpnptctl_json_open_object(struct vpnptctl_json *j, const char *key)
{
	vpnptctl_json_open(j, key, '{');
}

void vpnptctl_json_close_object(struct vpnptctl_json *j)
{
	vpnptctl_json_close(j, '}');
}

void vpnptctl_json_open_array(struct vpnptctl_json *j, const char *key)
{
	vpnptctl_json_open(j, key, '[');
}

void vpnptctl_json_close_array(struct vpnptctl_json *j)
{
	vpnptctl_json_close(j, ']');
}

void vpnptctl_json_string(struct vpnptctl_json *j, const char *key,
			  const char *value)
{
	vpnptctl_json_member(j, key);
	vpnptctl_json_quote(j->f, value);
}

void vpnptctl_json_u64(struct vpnptctl_json *j, const char *key, uint64_t value)
{
	vpnptctl_json_member(j, key);
	fprintf(j->f, "%" PRIu64, value);
}

void vpnptctl_json_bool(struct vpnptctl_json *j, const char *key, bool value)
{
	vpnptctl_json_member(j, key);
	fputs(value ? "true" : "false", j->f);
}

void vpnptctl_json_end(struct vpnptctl_json *j)
{
	fputc('\n', j->f);
}
