/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VPNPT_VERSION_H
#define _VPNPT_VERSION_H

#define VPNPT_VERSION "0.1.0"

#endif /* _VPNPT_VERSION_H */
