#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A LAN client's forged IKE cannot take another client's ESP (issue #13,
# item 4; docs/security.md): IKE evidence counts only when a response
# answers a request the other peer sent.
#
#   c1 (victim: a manually keyed ESP tunnel) ---+
#   c2 (attacker: IKE headers it writes) -------+-- br0 [router] wan --- [server]
#                                                   vpnptctl setup        server
#
#   1. c2 starts an IKE SA with the server (IKE_SA_INIT request), then
#      sends a CREATE_CHILD_SA response the server never asked for: the
#      message that completes Child SAs, as if the server had started one.
#   2. c1 brings its tunnel up. Its outbound ESP reaches the server; the
#      server's answer on a new SPI must be bound to c1, and c1's pings
#      must come back through it.
# Before the fix the forged response alone was evidence for c2: the
# server's SPI was bound to c2 as an inbound-only SA and c1's tunnel stayed
# dead (checks 2 to 4 and 6 failed on the old module).
# 3. The same forged response sent after a real request of the server (a
#    server-started CREATE_CHILD_SA: the client may answer it) still counts,
#    as c2's own evidence: c2's next SA, which the server uses first, is c2's.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd nft python3 ip ping
N=2
. "$SELFTESTS_DIR/tools/ipsec_lib.sh"
C1=$(client_addr 1)
C2=$(client_addr 2)

tunnel_states 1 0
tunnel_policies 1
vpnpt_load || { tap_not_ok "load"; tap_done; }
vpnpt_setup || { tap_not_ok "vpnptctl setup"; tap_done; }
# Nobody answers c2's IKE_SA_INIT, so the router's conntrack entry of c2's
# IKE flow stays unreplied, and such entries expire 30 s after their last
# packet. The server's CREATE_CHILD_SA request of part 3 reaches c2 (and
# vpnpt's IKE helper) only through that entry, and part 2 takes longer
# than 30 s on a slow guest (35 s was seen on the debug kernel): then the
# request goes to the router itself, c2's answer answers nothing vpnpt saw
# and the server's new SPI has no owner (check 5 failed that way). A real
# server answers, and its entry lives on; here the router keeps unreplied
# UDP entries for 10 minutes.
nsx $NS_ROUTER sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600

# "client state" of every IKE session.
ike_sessions() {
	nsx $NS_ROUTER $NL dump-sessions ike | python3 -c '
import json, sys
for s in json.load(sys.stdin):
    print(s["client"], s["state"])'
}

# --- 1. the forged evidence -----------------------------------------------------
nsx "$(client_ns 2)" $TOOL send-ike $SRV init --sport 500
nsx "$(client_ns 2)" $TOOL send-ike $SRV child-resp --sport 500
check_eq "attacker: its IKE SA is tracked (the forged response went through it)" \
	"$C2 0" "$(ike_sessions)"

# --- 2. the victim's tunnel -----------------------------------------------------
check "victim: its tunnel comes up" tunnel_up 1
check_eq "victim: the server's SPI is bound to it, not to the attacker" \
	"$C1 $(spi_x 1 0) $(spi_y 1 0)" "$(esp_sessions)"
check_eq "victim: 3 of 3 echoes through the tunnel" "3" \
	"$(nsx "$(client_ns 1)" ping -c3 -i0.2 -W2 -I "$(inner 1)" $INNER_S |
		sed -n 's/.* \([0-9]*\) received.*/\1/p')"

# --- 3. a real exchange in both directions is still evidence --------------------
# The server starts a CREATE_CHILD_SA (its request, Message ID 2 of its own
# numbering) and c2 answers it; then the server sends first on a new SPI.
nsx $NS_SERVER $TOOL send-ike $PUB child-req --sport 500
nsx "$(client_ns 2)" $TOOL send-ike $SRV child-resp --sport 500
nsx $NS_SERVER $TOOL send-esp $PUB --spi 0x0c000002 --count 1
# "client spi_out" of the session that holds the new SPI
holder() { esp_sessions_where spi_in 0x0c000002 client spi_out; }
# The dump may run before the router has handled the packet: poll, then
# compare exactly.
holder_is_c2() { [ "$(holder)" = "$C2 0x00000000" ]; }
wait_until 5 holder_is_c2
check_eq "a server-started exchange c2 answered: the server's new SPI is c2's" \
	"$C2 0x00000000" "$(holder)"
check_eq "... and the victim's SA is as it was" \
	"$C1 $(spi_x 1 0) $(spi_y 1 0)" "$(esp_sessions | grep "^$C1 ")"

tap_done
