/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A very small unit test harness for vpnpt's userspace-compilable code.
 *
 *   UNIT_TEST(name) { CHECK(expr); CHECK_EQ(a, b); ... }
 *
 * Every test registers itself; the runner (unit.c) runs them all, or those
 * whose name contains argv[1], prints one TAP line per test and ends with
 * "N passed, N failed". A test fails if any check in it fails; a failing
 * check prints file, line and the values compared.
 */
#ifndef _VPNPT_UNIT_H
#define _VPNPT_UNIT_H

#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *t);
extern int unit_failed_checks;

#define UNIT_TEST(tname)						\
	static void unit_fn_##tname(void);				\
	static struct unit_test unit_t_##tname = {			\
		.name = #tname, .fn = unit_fn_##tname };		\
	__attribute__((constructor)) static void unit_reg_##tname(void) \
	{ unit_register(&unit_t_##tname); }				\
	static void unit_fn_##tname(void)

#define CHECK(expr)							\
	do {								\
		if (!(expr)) {						\
			fprintf(stderr, "# %s:%d: CHECK(%s) failed\n",	\
				__FILE__, __LINE__, #expr);		\
			unit_failed_checks++;				\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long _a = (long long)(a), _b = (long long)(b);	\
		if (_a != _b) {						\
			fprintf(stderr, "# %s:%d: %s == %s failed: %lld != %lld\n", \
				__FILE__, __LINE__, #a, #b, _a, _b);	\
			unit_failed_checks++;				\
		}							\
	} while (0)

#define CHECK_STR(a, b)							\
	do {								\
		const char *_a = (a), *_b = (b);			\
		if (!_a || !_b || strcmp(_a, _b)) {			\
			fprintf(stderr, "# %s:%d: %s == %s failed: \"%s\" != \"%s\"\n", \
				__FILE__, __LINE__, #a, #b,		\
				_a ? _a : "(null)", _b ? _b : "(null)"); \
			unit_failed_checks++;				\
		}							\
	} while (0)

#endif /* _VPNPT_UNIT_H */
