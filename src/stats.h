/* SPDX-License-Identifier: GPL-2.0 */
/* Per-namespace, per-CPU counters, by protocol and enum vpnpt_stat. */
#ifndef _VPNPT_STATS_H
#define _VPNPT_STATS_H

#include <linux/percpu.h>
#include <linux/u64_stats_sync.h>
#include <uapi/linux/vpnpt.h>

struct vpnpt_pcpu_stats {
	u64_stats_t c[__VPNPT_PROTO_MAX][__VPNPT_STAT_MAX];
	struct u64_stats_sync syncp;
};

struct vpnpt_stats {
	struct vpnpt_pcpu_stats __percpu *pcpu;
	/* Gauge of VPNPT_STAT_SESSIONS_ACTIVE, kept exact. */
	atomic_t active[__VPNPT_PROTO_MAX];
};

int vpnpt_stats_init(struct vpnpt_stats *st);
void vpnpt_stats_free(struct vpnpt_stats *st);
/*
 * Add to a counter; not for VPNPT_STAT_SESSIONS_ACTIVE (a gauge). Inline:
 * every packet a helper sees counts once or twice.
 */
static inline void vpnpt_stats_add(struct vpnpt_stats *st,
				   enum vpnpt_proto proto,
				   enum vpnpt_stat stat, u64 n)
{
	struct vpnpt_pcpu_stats *s;
	unsigned long flags;

	s = get_cpu_ptr(st->pcpu);
	flags = u64_stats_update_begin_irqsave(&s->syncp);
	u64_stats_add(&s->c[proto][stat], n);
	u64_stats_update_end_irqrestore(&s->syncp, flags);
	put_cpu_ptr(st->pcpu);
}
/* Sum over CPUs into out[proto][stat]. */
void vpnpt_stats_read(struct vpnpt_stats *st,
		      u64 out[__VPNPT_PROTO_MAX][__VPNPT_STAT_MAX]);

static inline void vpnpt_stats_inc(struct vpnpt_stats *st,
				   enum vpnpt_proto proto,
				   enum vpnpt_stat stat)
{
	vpnpt_stats_add(st, proto, stat, 1);
}

/* Move the VPNPT_STAT_SESSIONS_ACTIVE gauge by @delta. */
static inline void vpnpt_stats_active(struct vpnpt_stats *st,
				      enum vpnpt_proto proto, int delta)
{
	atomic_add(delta, &st->active[proto]);
}

#endif /* _VPNPT_STATS_H */
