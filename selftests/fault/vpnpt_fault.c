// SPDX-License-Identifier: GPL-2.0
/*
 * A module that misbehaves on purpose, to prove that scripts/vm-run fails a
 * run whose guest kernel log (or kmemleak) shows trouble. Never shipped.
 *
 *   insmod vpnpt_fault.ko mode=warn      WARN_ON_ONCE() at load
 *   insmod vpnpt_fault.ko mode=refcount  refcount_t underflow warning
 *   insmod vpnpt_fault.ko mode=uaf       read after kfree (KASAN)
 *   insmod vpnpt_fault.ko mode=lockorder A then B, later B then A (lockdep)
 *   insmod vpnpt_fault.ko mode=leak      allocations never freed (kmemleak)
 *   insmod vpnpt_fault.ko mode=rcu       rcu_dereference() outside a read
 *                                        section (PROVE_RCU)
 *   insmod vpnpt_fault.ko mode=none      loads quietly (control case)
 *
 * The last four are seen only by the debug kernel (make debug-kernel).
 */
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char *mode = "none";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "none, warn, refcount, uaf, lockorder, leak or rcu");

struct vpnpt_fault_obj {
	int value;
	struct rcu_head rcu;
};

static DEFINE_SPINLOCK(vpnpt_fault_a);
static DEFINE_SPINLOCK(vpnpt_fault_b);
static struct vpnpt_fault_obj __rcu *vpnpt_fault_ptr;
/* Where the leaked objects' addresses go, scrambled, so no scan finds them. */
static unsigned long vpnpt_fault_sink;

static noinline int vpnpt_fault_uaf(void)
{
	struct vpnpt_fault_obj *o = kzalloc(sizeof(*o), GFP_KERNEL);

	if (!o)
		return -ENOMEM;
	kfree(o);
	return READ_ONCE(o->value);	/* KASAN: use-after-free */
}

static noinline void vpnpt_fault_lockorder(void)
{
	spin_lock(&vpnpt_fault_a);
	spin_lock(&vpnpt_fault_b);
	spin_unlock(&vpnpt_fault_b);
	spin_unlock(&vpnpt_fault_a);
	/* The other order: a deadlock waiting for a second CPU. */
	spin_lock(&vpnpt_fault_b);
	spin_lock(&vpnpt_fault_a);
	spin_unlock(&vpnpt_fault_a);
	spin_unlock(&vpnpt_fault_b);
}

static noinline void vpnpt_fault_leak(void)
{
	int i;

	for (i = 0; i < 8; i++) {
		void *p = kmalloc(512, GFP_KERNEL);

		if (p)
			memset(p, 0x5a, 512);
		vpnpt_fault_sink ^= (unsigned long)p * 2654435761UL;
	}
}

static noinline int vpnpt_fault_rcu(void)
{
	struct vpnpt_fault_obj *o = kzalloc(sizeof(*o), GFP_KERNEL);
	int v;

	if (!o)
		return -ENOMEM;
	rcu_assign_pointer(vpnpt_fault_ptr, o);
	v = rcu_dereference(vpnpt_fault_ptr)->value;	/* no rcu_read_lock() */
	RCU_INIT_POINTER(vpnpt_fault_ptr, NULL);
	kfree_rcu(o, rcu);
	return v;
}

static int __init vpnpt_fault_init(void)
{
	refcount_t r;

	if (!strcmp(mode, "warn")) {
		WARN_ON_ONCE(1);
	} else if (!strcmp(mode, "refcount")) {
		refcount_set(&r, 1);
		refcount_dec(&r);	/* hits zero: refcount_t warns */
	} else if (!strcmp(mode, "uaf")) {
		pr_info("vpnpt_fault: read %d\n", vpnpt_fault_uaf());
	} else if (!strcmp(mode, "lockorder")) {
		vpnpt_fault_lockorder();
	} else if (!strcmp(mode, "leak")) {
		vpnpt_fault_leak();
	} else if (!strcmp(mode, "rcu")) {
		pr_info("vpnpt_fault: read %d\n", vpnpt_fault_rcu());
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
