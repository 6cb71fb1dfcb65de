// SPDX-License-Identifier: GPL-2.0
/*
 * Counters. Each CPU increments its own copy without locks; a reader sums
 * them. u64_stats_sync makes the 64-bit reads consistent on 32-bit routers
 * and costs nothing on 64-bit ones.
 */
#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/percpu.h>

#include "stats.h"

int vpnpt_stats_init(struct vpnpt_stats *st)
{
	int cpu, p;

	st->pcpu = alloc_percpu_gfp(struct vpnpt_pcpu_stats, GFP_KERNEL_ACCOUNT);
	if (!st->pcpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(st->pcpu, cpu)->syncp);
	for (p = 0; p < __VPNPT_PROTO_MAX; p++)
		atomic_set(&st->active[p], 0);
	return 0;
}

void vpnpt_stats_free(struct vpnpt_stats *st)
{
	free_percpu(st->pcpu);
	st->pcpu = NULL;
}

void vpnpt_stats_read(struct vpnpt_stats *st,
		      u64 out[__VPNPT_PROTO_MAX][__VPNPT_STAT_MAX])
{
	int cpu, p, k;

	memset(out, 0, sizeof(u64) * __VPNPT_PROTO_MAX * __VPNPT_STAT_MAX);
	for_each_possible_cpu(cpu) {
		struct vpnpt_pcpu_stats *s = per_cpu_ptr(st->pcpu, cpu);
		u64 c[__VPNPT_STAT_MAX];
		unsigned int start;

		for (p = 0; p < __VPNPT_PROTO_MAX; p++) {
			do {
				start = u64_stats_fetch_begin(&s->syncp);
				for (k = 0; k < __VPNPT_STAT_MAX; k++)
					c[k] = u64_stats_read(&s->c[p][k]);
			} while (u64_stats_fetch_retry(&s->syncp, start));
			for (k = 0; k < __VPNPT_STAT_MAX; k++)
				out[p][k] += c[k];
		}
	}
	for (p = 0; p < __VPNPT_PROTO_MAX; p++)
		out[p][VPNPT_STAT_SESSIONS_ACTIVE] = atomic_read(&st->active[p]);
}
