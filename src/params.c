// SPDX-License-Identifier: GPL-2.0
/*
 * Module parameters /sys/module/vpnpt/parameters/{pptp,l2tp,ike,esp,ah,natt}.
 *
 * Each one reads and writes the switch of one protocol in the initial
 * network namespace, so sysfs and netlink always show the same state.
 * Values are 1/0, y/n, yes/no, on/off or true/false (any case, with or
 * without a trailing newline); anything else is refused with -EINVAL and the
 * switch keeps its old value. (kstrtobool() is not used: it looks at the
 * first characters only and would take "0x1" as off.)
 *
 * The files exist from before the module's init runs until after its exit
 * has returned, and sysfs holds no reference on the module while it calls
 * us. A write may only reach the initial namespace's state while every part
 * of the module is registered: switching a protocol off tears down state of
 * all of them (IKE: the ike-keep-port tables, the last protocol part set up
 * and the first to go). So the parameters are "attached" to the namespace at the
 * end of vpnpt_init() and detached at the start of vpnpt_exit(), both under
 * the module's parameter lock, which sysfs (and the load-time parser) holds
 * around every get and set. Outside that span the value lives in a bitmap
 * (vpnpt_initial_switches, netns.c): at load it becomes the initial
 * namespace's switches, at unload it keeps the last value for a read that
 * comes late.
 */

#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>

#include "events.h"
#include "netns.h"
#include "params.h"
#include "teardown.h"

/* The parameters are the initial namespace's switches; under param_lock. */
static bool vpnpt_params_attached;

static const char *const vpnpt_proto_names[] = VPNPT_PROTO_NAMES;

/* sysfs and the load-time parser call the parameter ops under this lock. */
static void vpnpt_params_assert_locked(void)
{
#ifdef CONFIG_SYSFS
	lockdep_assert_held(&THIS_MODULE->param_lock);
#endif
}

void vpnpt_params_attach(void)
{
	u32 want;
	int ret;

	kernel_param_lock(THIS_MODULE);
	/*
	 * Writes since the namespace copied the bitmap went to the bitmap:
	 * apply them now, as a write would have (a protocol switched off
	 * loses what it set up meanwhile).
	 */
	want = READ_ONCE(vpnpt_initial_switches) & VPNPT_PROTO_ALL;
	ret = vpnpt_set_switches(&init_net, VPNPT_PROTO_ALL, want);
	if (ret > 0)
		vpnpt_event_config(&init_net);
	else if (ret < 0)
		pr_warn("vpnpt: switches %#x not applied: %d\n", want, ret);
	vpnpt_params_attached = true;
	kernel_param_unlock(THIS_MODULE);
}

void vpnpt_params_detach(void)
{
	kernel_param_lock(THIS_MODULE);
	vpnpt_params_attached = false;
	WRITE_ONCE(vpnpt_initial_switches,
		   vpnpt_switches(vpnpt_net(&init_net)));
	kernel_param_unlock(THIS_MODULE);
}

static int vpnpt_parse_switch(const char *val, bool *on)
{
	static const char *const words[][2] = {
		{ "0", "1" }, { "n", "y" }, { "no", "yes" },
		{ "off", "on" }, { "false", "true" },
	};
	char word[8];
	size_t len, i;

	len = strlen(val);
	if (len && val[len - 1] == '\n')
		len--;
	if (!len || len >= sizeof(word))
		return -EINVAL;
	for (i = 0; i < len; i++)
		word[i] = tolower(val[i]);
	word[len] = '\0';
	for (i = 0; i < ARRAY_SIZE(words); i++) {
		if (!strcmp(word, words[i][0]) || !strcmp(word, words[i][1])) {
			*on = !strcmp(word, words[i][1]);
			return 0;
		}
	}
	return -EINVAL;
}

static enum vpnpt_proto vpnpt_param_proto(const struct kernel_param *kp)
{
	return (enum vpnpt_proto)(uintptr_t)kp->arg;
}

static int vpnpt_param_set(const char *val, const struct kernel_param *kp)
{
	enum vpnpt_proto proto = vpnpt_param_proto(kp);
	bool on;
	int err;

	if (!val)
		return -EINVAL;
	err = vpnpt_parse_switch(val, &on);
	if (err) {
		pr_warn_ratelimited("%s: invalid value '%.16s' (use 1/0, y/n or on/off)\n",
				    vpnpt_proto_names[proto], val);
		return err;
	}

	vpnpt_params_assert_locked();
	if (vpnpt_params_attached) {
		err = vpnpt_set_switches(&init_net, BIT(proto), on ? BIT(proto) : 0);
		if (err < 0)
			return err;
		if (err)
			vpnpt_event_config(&init_net);
	} else if (on) {
		set_bit(proto, &vpnpt_initial_switches);
	} else {
		clear_bit(proto, &vpnpt_initial_switches);
	}
	return 0;
}

static int vpnpt_param_get(char *buffer, const struct kernel_param *kp)
{
	enum vpnpt_proto proto = vpnpt_param_proto(kp);
	bool on;

	vpnpt_params_assert_locked();
	if (vpnpt_params_attached)
		on = vpnpt_proto_enabled(vpnpt_net(&init_net), proto);
	else
		on = test_bit(proto, &vpnpt_initial_switches);
	return sysfs_emit(buffer, "%d\n", on);
}

static const struct kernel_param_ops vpnpt_param_ops = {
	.set = vpnpt_param_set,
	.get = vpnpt_param_get,
};

#define VPNPT_SWITCH(name, proto, what)					\
	module_param_cb(name, &vpnpt_param_ops,				\
			(void *)(uintptr_t)(proto), 0644);		\
	MODULE_PARM_DESC(name, "Pass " what " through (1, default) "	\
			 "or block it in forwarded traffic (0)")

VPNPT_SWITCH(pptp, VPNPT_PROTO_PPTP, "PPTP (TCP 1723 and GRE)");
VPNPT_SWITCH(l2tp, VPNPT_PROTO_L2TP, "L2TP (UDP 1701)");
VPNPT_SWITCH(ike, VPNPT_PROTO_IKE, "IKE (UDP 500)");
VPNPT_SWITCH(esp, VPNPT_PROTO_ESP, "ESP (IP protocol 50)");
VPNPT_SWITCH(ah, VPNPT_PROTO_AH, "AH (IP protocol 51)");
VPNPT_SWITCH(natt, VPNPT_PROTO_NATT, "IPsec NAT-T (UDP 4500)");
