// SPDX-License-Identifier: GPL-2.0
/*
 * vpnptctl: one call per field for text and JSON, in the style of
 * iproute2's print_uint(PRINT_ANY, "key", "fmt", value). A printer writes
 * either text or JSON; each call says which of the two it is for (@mode):
 * the text is @fmt printed with the value, the JSON is "key": value as a
 * member of the object open at that point (or an element, key NULL).
 * Objects are JSON only; text has no nesting, but for tables, whose
 * columns are the JSON's objects. Pure code.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "vpnptctl.h"

void vpnptctl_pr_start(struct vpnptctl_printer *p, FILE *f, bool json,
		       bool pretty)
{
	p->f = f;
	p->json = json;
	p->t.open = false;
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

/*
 * Strings from the kernel shown as text: no control characters reach the
 * terminal (JSON escapes them).
 */
void vpnptctl_pr_str(struct vpnptctl_printer *p, unsigned int mode,
		     const char *key, const char *fmt, const char *value)
{
	char safe[256];
	size_t i;

	if (vpnptctl_pr_text(p, mode)) {
		for (i = 0; value[i] && i < sizeof(safe) - 1; i++)
			safe[i] = (unsigned char)value[i] < 0x20 ||
				  value[i] == 0x7f ? '?' : value[i];
		safe[i] = '\0';
		fprintf(p->f, fmt, safe);
	} else if (vpnptctl_pr_json(p, mode))
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

void vpnptctl_pr_duration(struct vpnptctl_printer *p, unsigned int mode,
			  const char *key, const char *fmt, uint32_t secs)
{
	char d[32];

	if (vpnptctl_pr_text(p, mode)) {
		vpnptctl_fmt_duration(d, sizeof(d), secs);
		fprintf(p->f, fmt, d);
	} else if (vpnptctl_pr_json(p, mode)) {
		vpnptctl_json_u64(&p->j, key, secs);
	}
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

void vpnptctl_pr_open_array(struct vpnptctl_printer *p, const char *key)
{
	if (p->json)
		vpnptctl_json_open_array(&p->j, key);
}

void vpnptctl_pr_close_array(struct vpnptctl_printer *p)
{
	if (p->json)
		vpnptctl_json_close_array(&p->j);
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

/* ---- tables ------------------------------------------------------------ */

static void vpnptctl_pr_table_start(struct vpnptctl_printer *p,
				    const char *corner)
{
	p->t.open = !p->json;
	p->t.corner = corner ? corner : "";
	p->t.nrows = 0;
	p->t.ncols = 0;
}

/* A table that is an object of its own in the JSON (@key; NULL: no key). */
void vpnptctl_pr_table_open(struct vpnptctl_printer *p, const char *key)
{
	p->t.in_object = false;
	vpnptctl_pr_open(p, key);
	vpnptctl_pr_table_start(p, NULL);
}

/*
 * A table whose columns are members of the object open now; the text has
 * @corner above the rows' labels.
 */
void vpnptctl_pr_table_open_in(struct vpnptctl_printer *p, const char *corner)
{
	p->t.in_object = true;
	vpnptctl_pr_table_start(p, corner);
}

/*
 * A column: the JSON object @key; its text heading is @heading (NULL: @key).
 * Cells go to the last column opened.
 */
void vpnptctl_pr_table_col(struct vpnptctl_printer *p, const char *key,
			   const char *heading)
{
	struct vpnptctl_pr_table *t = &p->t;
	unsigned int r;

	vpnptctl_pr_open(p, key);
	if (!t->open || t->ncols == VPNPTCTL_PR_COLS)
		return;
	t->cols[t->ncols++] = heading ? heading : key;
	for (r = 0; r < VPNPTCTL_PR_ROWS; r++)
		t->cells[r][t->ncols - 1][0] = '\0';
}

void vpnptctl_pr_table_col_end(struct vpnptctl_printer *p)
{
	vpnptctl_pr_close(p);
}

/* The row of @key, added (with dashes) if it is new; -1 if full. */
static int vpnptctl_pr_row(struct vpnptctl_pr_table *t, const char *key)
{
	char label[VPNPTCTL_PR_CELL], *u;
	unsigned int r;

	snprintf(label, sizeof(label), "%s", key);
	for (u = label; (u = strchr(u, '_')); )
		*u = '-';
	for (r = 0; r < t->nrows; r++)
		if (!strcmp(t->rows[r], label))
			return (int)r;
	if (t->nrows == VPNPTCTL_PR_ROWS)
		return -1;
	memcpy(t->rows[t->nrows], label, sizeof(label));
	return (int)t->nrows++;
}

void vpnptctl_pr_table_row(struct vpnptctl_printer *p, const char *key)
{
	if (p->t.open)
		vpnptctl_pr_row(&p->t, key);
}

/* The text cell of @row in the last column, NULL if there is none. */
static char *vpnptctl_pr_cell(struct vpnptctl_printer *p, const char *row)
{
	struct vpnptctl_pr_table *t = &p->t;
	int r;

	if (!t->open || !t->ncols)
		return NULL;
	r = vpnptctl_pr_row(t, row);
	return r < 0 ? NULL : t->cells[r][t->ncols - 1];
}

/* A cell: @fmt is the text's format of @value. */
void vpnptctl_pr_table_u64(struct vpnptctl_printer *p, const char *row,
			   const char *fmt, uint64_t value)
{
	char *cell;

	if (p->json) {
		vpnptctl_json_u64(&p->j, row, value);
		return;
	}
	cell = vpnptctl_pr_cell(p, row);
	if (cell)
		snprintf(cell, VPNPTCTL_PR_CELL, fmt, value);
}

void vpnptctl_pr_table_onoff(struct vpnptctl_printer *p, const char *row,
			     bool value)
{
	char *cell;

	if (p->json) {
		vpnptctl_json_bool(&p->j, row, value);
		return;
	}
	cell = vpnptctl_pr_cell(p, row);
	if (cell)
		snprintf(cell, VPNPTCTL_PR_CELL, "%s", value ? "on" : "off");
}

static int vpnptctl_pr_max(int a, const char *s)
{
	return (int)strlen(s) > a ? (int)strlen(s) : a;
}

/*
 * Text: the rows' labels, then each column as wide as its widest cell; a
 * cell nothing was printed in shows "-".
 */
void vpnptctl_pr_table_close(struct vpnptctl_printer *p)
{
	struct vpnptctl_pr_table *t = &p->t;
	int width[VPNPTCTL_PR_COLS], label;
	unsigned int r, c;

	if (!t->in_object)
		vpnptctl_pr_close(p);
	if (!t->open)
		return;
	t->open = false;
	label = vpnptctl_pr_max(0, t->corner);
	for (r = 0; r < t->nrows; r++)
		label = vpnptctl_pr_max(label, t->rows[r]);
	for (c = 0; c < t->ncols; c++) {
		width[c] = vpnptctl_pr_max(1, t->cols[c]);
		for (r = 0; r < t->nrows; r++)
			width[c] = vpnptctl_pr_max(width[c], t->cells[r][c]);
	}
	fprintf(p->f, "%-*s", label, t->corner);
	for (c = 0; c < t->ncols; c++)
		fprintf(p->f, "  %*s", width[c], t->cols[c]);
	fputc('\n', p->f);
	for (r = 0; r < t->nrows; r++) {
		fprintf(p->f, "%-*s", label, t->rows[r]);
		for (c = 0; c < t->ncols; c++)
			fprintf(p->f, "  %*s", width[c],
				t->cells[r][c][0] ? t->cells[r][c] : "-");
		fputc('\n', p->f);
	}
}
