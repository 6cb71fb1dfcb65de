// SPDX-License-Identifier: GPL-2.0
/*
 * vpnptctl: one call per field for text and JSON, in the style of
 * iproute2's print_uint(PRINT_ANY, "key", "fmt", value). A printer writes
 * either text or JSON; each call says which of the two it is for (@mode):
 * the text is @fmt printed with the value, the JSON is "key": value as a
 * member of the object open at that point (or an element, key NULL).
 * Objects are JSON only; text has no nesting. Pure code.
 */
#include <inttypes.h>
#include <stdarg.h>

#include "vpnptctl.h"

void vpnptctl_pr_start(struct vpnptctl_printer *p, FILE *f, bool json,
		       bool pretty)
{
	p->f = f;
	p->json = json;
	if (json)
		vpnptctl_json_init(&p->j, f, pretty);
}

void vpnptctl_pr_end(struct vpnptctl_printer *p)
{
	if (p->json)
		vpnptctl_json_end(&p->j);
}

static bool vpnptctl_pr_text(const struct vpnptctl_printer *p, unsigned int mode)
{
	return !p->json && (mode & VPNPTCTL_PR_FP);
}

static bool vpnptctl_pr_json(const struct vpnptctl_printer *p, unsigned int mode)
{
	return p->json && (mode & VPNPTCTL_PR_JSON);
}

void vpnptctl_pr_u64(struct vpnptctl_printer *p, unsigned int mode,
		     const char *key, const char *fmt, uint64_t value)
{
	if (vpnptctl_pr_text(p, mode))
		fprintf(p->f, fmt, value);
	else if (vpnptctl_pr_json(p, mode))
		vpnptctl_json_u64(&p->j, key, value);
}

void vpnptctl_pr_str(struct vpnptctl_printer *p, unsigned int mode,
		     const char *key, const char *fmt, const char *value)
{
	if (vpnptctl_pr_text(p, mode))
		fprintf(p->f, fmt, value);
	else if (vpnptctl_pr_json(p, mode))
		vpnptctl_json_string(&p->j, key, value);
}

void vpnptctl_pr_onoff(struct vpnptctl_printer *p, unsigned int mode,
		       const char *key, const char *fmt, bool value)
{
	if (vpnptctl_pr_text(p, mode))
		fprintf(p->f, fmt, value ? "on" : "off");
	else if (vpnptctl_pr_json(p, mode))
		vpnptctl_json_bool(&p->j, key, value);
}

void vpnptctl_pr_open(struct vpnptctl_printer *p, const char *key)
{
	if (p->json)
		vpnptctl_json_open_object(&p->j, key);
}

void vpnptctl_pr_close(struct vpnptctl_printer *p)
{
	if (p->json)
		vpnptctl_json_close_object(&p->j);
}

void vpnptctl_pr_text_only(struct vpnptctl_printer *p, const char *fmt, ...)
{
	va_list ap;

	if (p->json)
		return;
	va_start(ap, fmt);
	vfprintf(p->f, fmt, ap);
	va_end(ap);
}
