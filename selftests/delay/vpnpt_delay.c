// SPDX-License-Identifier: GPL-2.0
/*
 * Widens a race window on purpose, for the race_* selftests. Never shipped.
 *
 * A kprobe at @symbol+@offset busy-waits @delay_ms milliseconds on the CPU
 * that reaches it, the first @count times (optionally only when argument
 * @arg, 1-based, equals @argval). @hits counts the delays begun, so a test
 * can wait for the window to be open before it runs the other side of the
 * race:
 *
 *   insmod vpnpt_delay.ko symbol=vpnpt_pptp_conn_get offset=0x1a2 delay_ms=5000
 *   until grep -qx 1 /sys/module/vpnpt_delay/parameters/hits; do ...; done
 *
 * With @caller (and @caller_offset), only calls whose return address is
 * @caller+@caller_offset are delayed: a probe at a function's entry (which
 * kprobes places on ftrace, interrupts enabled) then stands for one call
 * site, e.g. the first call after an instruction that cannot be probed
 * without stopping interrupts on that CPU. @waiting is 1 while a delay
 * runs.
 *
 * Writing 1 to @release ends a running delay (and any later one) early: a
 * test can open a wide window, do the other side of the race at the pace
 * the machine allows, check the window was still open, then let go.
 *
 * With @witness, a second kprobe at that function's entry counts in
 * @witnessed the calls made while a delay runs: proof that the other side
 * of the race ran inside the window.
 *
 * The wait spins (a kprobe handler cannot sleep), so the delayed CPU holds
 * whatever its caller holds, RCU read-side sections included.
 */
#include <linux/ktime.h>
#include <linux/timekeeping.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/ptrace.h>

static char *symbol;
module_param(symbol, charp, 0444);
MODULE_PARM_DESC(symbol, "function to probe");
static unsigned int offset;
module_param(offset, uint, 0444);
MODULE_PARM_DESC(offset, "offset of the probed instruction in it");
static unsigned int delay_ms = 3000;
module_param(delay_ms, uint, 0444);
MODULE_PARM_DESC(delay_ms, "how long to wait there");
static int count = 1;
module_param(count, int, 0444);
MODULE_PARM_DESC(count, "how many times to wait");
static unsigned int arg;
module_param(arg, uint, 0444);
MODULE_PARM_DESC(arg, "only when this argument (1-6, at function entry) ...");
static unsigned long argval;
module_param(argval, ulong, 0444);
MODULE_PARM_DESC(argval, "... has this value");
static char *caller;
module_param(caller, charp, 0444);
MODULE_PARM_DESC(caller, "only calls from this function ...");
static unsigned int caller_offset;
module_param(caller_offset, uint, 0444);
MODULE_PARM_DESC(caller_offset, "... returning to this offset in it");
static unsigned long vpnpt_delay_ret;
static atomic_t waiting = ATOMIC_INIT(0);
module_param_named(waiting, waiting.counter, int, 0444);
MODULE_PARM_DESC(waiting, "1 while a delay runs");
static atomic_t hits = ATOMIC_INIT(0);
static int release;
module_param(release, int, 0644);
MODULE_PARM_DESC(release, "write 1 to end the delays now");
static char *witness;
module_param(witness, charp, 0444);
MODULE_PARM_DESC(witness, "count calls of this function during a delay");
static atomic_t witnessed = ATOMIC_INIT(0);
module_param_named(witnessed, witnessed.counter, int, 0444);
MODULE_PARM_DESC(witnessed, "calls of the witness during a delay");
module_param_named(hits, hits.counter, int, 0444);
MODULE_PARM_DESC(hits, "delays begun");

static int vpnpt_delay_pre(struct kprobe *p, struct pt_regs *regs)
{
	u64 end;

	if (arg && regs_get_kernel_argument(regs, arg - 1) != argval)
		return 0;
	/* At a function's entry the stack pointer points at its return address. */
	if (vpnpt_delay_ret &&
	    *(unsigned long *)kernel_stack_pointer(regs) != vpnpt_delay_ret)
		return 0;
	if (atomic_inc_return(&hits) > count) {
		atomic_dec(&hits);
		return 0;
	}
	/* By the clock: mdelay()'s calibrated loop runs long under emulation. */
	end = ktime_get_mono_fast_ns() + (u64)delay_ms * NSEC_PER_MSEC;
	atomic_inc(&waiting);
	while (ktime_get_mono_fast_ns() < end && !READ_ONCE(release))
		cpu_relax();
	atomic_dec(&waiting);
	return 0;
}

static struct kprobe vpnpt_delay_kp = {
	.pre_handler = vpnpt_delay_pre,
};

static int vpnpt_delay_witness_pre(struct kprobe *p, struct pt_regs *regs)
{
	if (atomic_read(&waiting))
		atomic_inc(&witnessed);
	return 0;
}

static struct kprobe vpnpt_delay_witness_kp = {
	.pre_handler = vpnpt_delay_witness_pre,
};

static int __init vpnpt_delay_init(void)
{
	int err;

	if (!symbol)
		return -EINVAL;
	if (caller) {
		/* The address, found as a kprobe finds it (kallsyms). */
		struct kprobe where = {
			.symbol_name = caller, .offset = caller_offset,
		};

		err = register_kprobe(&where);
		if (err) {
			pr_err("cannot find %s+%#x: %d\n", caller, caller_offset, err);
			return err;
		}
		vpnpt_delay_ret = (unsigned long)where.addr;
		unregister_kprobe(&where);
	}
	vpnpt_delay_kp.symbol_name = symbol;
	vpnpt_delay_kp.offset = offset;
	if (witness) {
		vpnpt_delay_witness_kp.symbol_name = witness;
		err = register_kprobe(&vpnpt_delay_witness_kp);
		if (err) {
			pr_err("cannot probe %s: %d\n", witness, err);
			return err;
		}
	}
	err = register_kprobe(&vpnpt_delay_kp);
	if (err) {
		pr_err("cannot probe %s+%#x: %d\n", symbol, offset, err);
		if (witness)
			unregister_kprobe(&vpnpt_delay_witness_kp);
	}
	return err;
}

static void __exit vpnpt_delay_exit(void)
{
	unregister_kprobe(&vpnpt_delay_kp);
	if (witness)
		unregister_kprobe(&vpnpt_delay_witness_kp);
}

module_init(vpnpt_delay_init);
module_exit(vpnpt_delay_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vpnpt selftests: delay at a kprobe to widen a race window");
