#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An off-path sender spoofing the server cannot hold a client's ESP binding
# (issue #13, item 4; docs/security.md, docs/ipsec.md "Binding an unknown
# inbound SPI"): a wrongly bound SA is taken over by the server's real SPI
# once the wrong one has been quiet for 3 s while the client sends.
#
#   c1 (victim: a manually keyed ESP tunnel) -- br0 [router] wan ---- [server]
#                                                  |  vpnptctl setup   netem: its
#                                                  |                   packets 100 ms late
#                                                 wanx 198.51.100.1
#                                                  |
#                                                 [x] 198.51.100.2: the attacker,
#                                                     no delay, sends ESP "from"
#                                                     the server to the router
#
#   1. x sends a stream of ESP with random SPIs from the server's address
#      to the router's public address; c1 starts its tunnel meanwhile and
#      pings through it every 0.2 s. The server's answers come 100 ms late
#      (400 ms on a debug kernel), and are held at the router until a
#      spoofed SPI has taken c1's new SA (checked: the attack works).
#      Once the stream stops, c1's pings must come back within a bounded
#      time, on the server's real SPI.
#   2. The same stream against the healthy binding: it never changes.
#   3. x sends on one SPI while c1 rekeys: its SPI takes the rekeyed SA and
#      holds it while x sends; once x stops, the server's new SPI takes it.
# Before the fix the spoofed SPI held c1's SA as long as c1 sent (its
# outbound packets kept it alive): checks 5 to 8, 11 and 12 (then 3 to 6, 9
# and 10: two checks were added before them since) failed on the
# old module (6.1).
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd nft python3 ip ping tc
N=1
. "$SELFTESTS_DIR/tools/ipsec_lib.sh"
C1=$(client_addr 1)
NS_X=${NS_PREFIX}x
# How long after a stream stops the tunnel must be back (the rule's 3 s,
# pings every 0.2 s, the server's 100 ms, and a TCG guest's slowness).
BACK=15

# The server's delay gives x's stream (one packet per 10 ms) the first word
# on a new SA; on a debug kernel, where the stream runs several times
# slower, the delay is stretched with it (one run there saw the server's
# answer bind first: the attack did not even start).
modprobe sch_netem 2>/dev/null
nsx $NS_SERVER tc qdisc add dev wan root netem delay $((100 * VPNPT_TIME_SCALE))ms ||
	{ tap_not_ok "netem delay on the server's link"; tap_done; }
topo_add_attacker $NS_X || { tap_not_ok "attacker namespace"; tap_done; }

tunnel_states 1 0
tunnel_policies 1
vpnpt_load || { tap_not_ok "load"; tap_done; }
vpnpt_setup || { tap_not_ok "vpnptctl setup"; tap_done; }

# spoof COUNT [SPI] : x's stream, one packet per 10 ms, "from" the server;
# random SPIs unless SPI is given.
spoof() {
	if [ $# -gt 1 ]; then
		nsx $NS_X $TOOL send-esp $PUB --spi "$2" --count "$1" --interval 0.01 --src $SRV
	else
		nsx $NS_X $TOOL send-esp $PUB --spi 0x100 --random --count "$1" --interval 0.01 --src $SRV
	fi
}

# --- 1. a new SA under a stream of random spoofed SPIs ----------------------------
# The server's answers are held at the router's WAN port (before vpnpt sees
# them) until a spoofed SPI has taken c1's new SA: the attack's first step,
# made certain. The server's delay alone once let its answer come first on
# the debug kernel, with three guests of two CPUs on two host cores.
check "the server's ESP held back" hold_server_esp add $SRV
from=$(attacker_rx)
spoof $((1000 * VPNPT_TIME_SCALE)) &
spoofer=$!
check "the attacker's stream reaches the router" wait_until 20 stream_on "$from"
ns_bg "$(client_ns 1)" ping ping -i 0.2 -W 2 -I "$(inner 1)" $INNER_S
check "the stream takes c1's new SA first (the attack works)" \
	wait_until 10 spoofed_bound "$(spi_x 1 0)" "$(spi_y 1 0)"
diag "c1's SA bound to $(spi_in_of "$(spi_x 1 0)") during the stream"
check "the server's ESP let through again" hold_server_esp delete
wait $spoofer
t0=$SECONDS
check "stream stopped: c1's tunnel is back within $BACK s" tunnel_up 1 $BACK
diag "checked after $((SECONDS - t0)) s"
check_eq "... on the server's real SPI" "$C1 $(spi_x 1 0) $(spi_y 1 0)" "$(esp_sessions)"

# --- 2. a healthy binding under the same stream ---------------------------------
from=$(attacker_rx)
spoof $((300 * VPNPT_TIME_SCALE)) &
spoofer=$!
wait_until 20 stream_on "$from"
changed=
while kill -0 $spoofer 2>/dev/null; do
	v=$(spi_in_of "$(spi_x 1 0)")
	[ "$v" = "$(spi_y 1 0)" ] || changed="$changed $v"
	sleep 0.5
done
wait $spoofer
check_eq "a healthy binding is not taken by the stream" "" "$changed"
check_eq "... 3 of 3 echoes after it" "3" \
	"$(nsx "$(client_ns 1)" ping -c3 -i0.2 -W2 -I "$(inner 1)" $INNER_S |
		sed -n 's/.* \([0-9]*\) received.*/\1/p')"

# --- 3. one spoofed SPI, held while it is sent ----------------------------------
from=$(attacker_rx)
spoof $((800 * VPNPT_TIME_SCALE)) 0x0d0d0d0d &
spoofer=$!
wait_until 20 stream_on "$from"
# c1 rekeys: it sends on its new SPI at once, the server a little later.
tunnel_states_but_server_out 1 1
check "x's SPI takes c1's rekeyed SA" \
	wait_until 10 spoofed_bound "$(spi_x 1 1)" "$(spi_y 1 1)"
tunnel_state_server_out 1 1
sleep 1
check_eq "... and holds it while x sends" 0x0d0d0d0d "$(spi_in_of "$(spi_x 1 1)")"
wait $spoofer
t0=$SECONDS
check "x stopped: c1's tunnel is back within $BACK s" tunnel_up 1 $BACK
diag "checked after $((SECONDS - t0)) s"
check_eq "... on the server's new SPI" "$(spi_y 1 1)" "$(spi_in_of "$(spi_x 1 1)")"

tap_done
