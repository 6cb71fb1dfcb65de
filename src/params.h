/* SPDX-License-Identifier: GPL-2.0 */
/* Module parameters: the protocol switches of the initial namespace. */
#ifndef _VPNPT_PARAMS_H
#define _VPNPT_PARAMS_H

/*
 * From attach to detach the parameters read and write the initial
 * namespace's switches; called once every part of the module is set up, and
 * before any is taken down. May sleep.
 */
void vpnpt_params_attach(void);
void vpnpt_params_detach(void);

#endif /* _VPNPT_PARAMS_H */
