// SPDX-License-Identifier: GPL-2.0
/*
 * A module that misbehaves on purpose, to prove that scripts/vm-run fails a
 * run whose guest kernel log shows trouble. Never shipped.
 *
 *   insmod vpnpt_fault.ko mode=warn     WARN_ON_ONCE() at load
 *   insmod vpnpt_fault.ko mode=refcount refcount_t underflow warning
 *   insmod vpnpt_fault.ko mode=none     loads quietly (control case)
 */
#include <linux/module.h>
#include <linux/refcount.h>
#include <linux/string.h>

static char *mode = "none";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "none, warn or refcount");

static int __init vpnpt_fault_init(void)
{
	refcount_t r;

	if (!strcmp(mode, "warn")) {
		WARN_ON_ONCE(1);
	} else if (!strcmp(mode, "refcount")) {
		refcount_set(&r, 1);
		refcount_dec(&r);	/* hits zero: refcount_t warns */
	} else if (strcmp(mode, "none")) {
		return -EINVAL;
	}
	return 0;
}

static void __exit vpnpt_fault_exit(void)
{
}

module_init(vpnpt_fault_init);
module_exit(vpnpt_fault_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vpnpt harness self-test: misbehaves on purpose");
