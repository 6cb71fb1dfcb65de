/* SPDX-License-Identifier: GPL-2.0 */
/* Module parameters: the protocol switches of the initial namespace. */
#ifndef _VPNPT_PARAMS_H
#define _VPNPT_PARAMS_H

/* Switches given on the insmod/modprobe command line (bitmap). */
unsigned long vpnpt_params_initial(void);

#endif /* _VPNPT_PARAMS_H */
