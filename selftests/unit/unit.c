// SPDX-License-Identifier: GPL-2.0
/* Runner for the unit tests; see unit.h. */
#include <stdlib.h>

#include "unit.h"

static struct unit_test *unit_head, **unit_tail = &unit_head;
int unit_failed_checks;

void unit_register(struct unit_test *t)
{
	*unit_tail = t;
	unit_tail = &t->next;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	int passed = 0, failed = 0, n = 0;
	struct unit_test *t;

	for (t = unit_head; t; t = t->next)
		if (!filter || strstr(t->name, filter))
			n++;
	printf("TAP version 13\n1..%d\n", n);
	n = 0;
	for (t = unit_head; t; t = t->next) {
		int before = unit_failed_checks;

		if (filter && !strstr(t->name, filter))
			continue;
		t->fn();
		n++;
		if (unit_failed_checks == before) {
			passed++;
			printf("ok %d %s\n", n, t->name);
		} else {
			failed++;
			printf("not ok %d %s\n", n, t->name);
		}
		fflush(stdout);
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
