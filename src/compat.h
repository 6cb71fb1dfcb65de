/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels vpnpt builds on (5.10 to 6.12), in one
 * place. The VPNPT_HAVE_* macros come from scripts/compat-probe, which looks
 * for each feature in the kernel headers instead of trusting version numbers.
 */
#ifndef _VPNPT_COMPAT_H
#define _VPNPT_COMPAT_H

#include <linux/random.h>
#include <linux/timer.h>

/* Renamed in 6.2; stable kernels got the new names at different times. */
#ifndef VPNPT_HAVE_TIMER_DELETE_SYNC
#define timer_delete_sync(t) del_timer_sync(t)
#endif
#ifndef VPNPT_HAVE_TIMER_DELETE
#define timer_delete(t) del_timer(t)
#endif

#ifndef VPNPT_HAVE_GET_RANDOM_U32_BELOW
/* Renamed in 6.2. */
static inline u32 get_random_u32_below(u32 ceil)
{
	return prandom_u32_max(ceil);
}
#endif

#ifdef VPNPT_HAVE_NF_CT_ITER_DATA
#define vpnpt_ct_iterate_cleanup_net(n, fn, arg)			\
	do {								\
		struct nf_ct_iter_data _d = { .net = (n), .data = (arg) }; \
		nf_ct_iterate_cleanup_net((fn), &_d);			\
	} while (0)
#else
/* 5.19 moved the arguments into struct nf_ct_iter_data. */
#define vpnpt_ct_iterate_cleanup_net(n, fn, arg)			\
	nf_ct_iterate_cleanup_net((n), (fn), (arg), 0, 0)
#endif

#ifdef VPNPT_HAVE_GENL_DUMPIT_INFO_INFO
/* 6.2 put a struct genl_info into struct genl_dumpit_info. */
#define vpnpt_dumpit_attrs(cb) (genl_dumpit_info(cb)->info.attrs)
#else
#define vpnpt_dumpit_attrs(cb) (genl_dumpit_info(cb)->attrs)
#endif

/*
 * The helper a new connection matching an expectation gets. Newer stable
 * kernels keep the creating helper in ->helper and the one to assign in
 * ->assign_helper; older ones have only ->helper, the one to assign.
 */
#ifdef VPNPT_HAVE_EXP_ASSIGN_HELPER
#define vpnpt_exp_set_assign_helper(exp, h) \
	rcu_assign_pointer((exp)->assign_helper, (h))
#else
#define vpnpt_exp_set_assign_helper(exp, h) \
	rcu_assign_pointer((exp)->helper, (h))
#endif

/*
 * Since 5.19 the extensions of a conntrack entry that is not in the table
 * are hidden (nf_ct_ext_find() returns NULL) once any module unloads and
 * bumps the extension generation; confirming an entry clears its gen_id to
 * keep them. A template vpnpt owns for its whole life is pinned the same way.
 */
#ifdef VPNPT_HAVE_CT_EXT_GENID
#define vpnpt_ct_ext_pin(ct) WRITE_ONCE((ct)->ext->gen_id, 0)
#else
#define vpnpt_ct_ext_pin(ct) do { } while (0)
#endif

/*
 * 5.19 made conntrack's use count a refcount_t, and since then
 * nf_ct_tmpl_alloc() returns the template holding one reference; before, it
 * returned none and the owner took the first one itself.
 */
#ifdef VPNPT_HAVE_NF_CT_REFCOUNT
#define vpnpt_ct_tmpl_hold_first(tmpl) do { } while (0)
#else
#define vpnpt_ct_tmpl_hold_first(tmpl) nf_conntrack_get(&(tmpl)->ct_general)
#endif

/*
 * Who may join a multicast group. Since 6.7 (and stable backports, Debian's
 * 6.1 among them) a group can ask for CAP_NET_ADMIN over the socket's
 * network namespace; kernels with the drop_monitor fix (Debian's 5.10) only
 * know CAP_SYS_ADMIN over it, which root of that namespace's user namespace
 * also has. Without either any local user could join: VPNPT_MCGRP_RESTRICTED
 * tells genl.c to keep session events off the group then (docs/security.md).
 */
#if defined(VPNPT_HAVE_GENL_MCAST_CAP_NET_ADMIN)
#define VPNPT_MCGRP_ADMIN_ONLY .flags = GENL_MCAST_CAP_NET_ADMIN
#define VPNPT_MCGRP_RESTRICTED true
#elif defined(VPNPT_HAVE_GENL_MCGRP_CAP_SYS_ADMIN)
#define VPNPT_MCGRP_ADMIN_ONLY .cap_sys_admin = 1
#define VPNPT_MCGRP_RESTRICTED true
#else
#define VPNPT_MCGRP_ADMIN_ONLY
#define VPNPT_MCGRP_RESTRICTED false
#endif

/*
 * Charging what the packet path allocates for a namespace to a memory
 * cgroup chosen beforehand: set_active_memcg() works in softirq through the
 * per-CPU int_active_memcg, which modules can use since 5.11. Before, the
 * allocations stay uncharged (softirq has no task to charge).
 */
#ifdef VPNPT_HAVE_INT_ACTIVE_MEMCG
#define vpnpt_set_active_memcg(memcg) set_active_memcg(memcg)
#else
struct mem_cgroup;
static inline struct mem_cgroup *vpnpt_set_active_memcg(struct mem_cgroup *memcg)
{
	return NULL;
}
#endif

#endif /* _VPNPT_COMPAT_H */
