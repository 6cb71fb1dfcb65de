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

#ifndef VPNPT_HAVE_TIMER_DELETE
/* Renamed in 6.2. */
#define timer_delete_sync(t) del_timer_sync(t)
#define timer_delete(t) del_timer(t)
#endif

#ifndef VPNPT_HAVE_GET_RANDOM_U32_BELOW
/* Renamed in 6.2. */
static inline u32 get_random_u32_below(u32 ceil)
{
	return prandom_u32_max(ceil);
}
#endif

#endif /* _VPNPT_COMPAT_H */
