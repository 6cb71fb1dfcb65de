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

/*
 * Set the switches in @mask to the bits of @value. Protocols that go from on
 * to off lose their sessions and forwarded conntrack entries; the forward
 * hooks (filter.c) are registered while a switch is off. Returns 1 if a
 * switch moved (the caller announces the change), 0 if none did, or an
 * error (nothing changed). Sleeps.
 */
int vpnpt_set_switches(struct net *net, u32 mask, u32 value);

#endif /* _VPNPT_TEARDOWN_H */
