/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VPNPT_TEARDOWN_H
#define _VPNPT_TEARDOWN_H

#include <linux/types.h>

struct net;

/*
 * Tear down what the protocols in @protos have established in @net: their
 * sessions and the conntrack entries of their forwarded flows (the router's
 * own flows are kept). Returns the number of sessions removed. Sleeps.
 */
unsigned int vpnpt_teardown(struct net *net, u32 protos);

#endif /* _VPNPT_TEARDOWN_H */
