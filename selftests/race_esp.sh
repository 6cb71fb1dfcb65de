#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An ESP client's zone is swept and given back only after the packets that
# found the client before it left have been tracked.
#
# A raw-ESP client's packets get its conntrack zone from vpnpt's prerouting
# hook (a template); conntrack creates their entry in that zone, and puts it
# in its table only when the packet is confirmed, at the end of its way
# through the router. When the client's last SA goes, a worker deletes the
# entries in its zone and frees the zone for the next client. The delay
# module holds the CPU of the client's first packet after its SA was found
# (at vpnpt_session_seen(), just before the zone is attached) while the
# test flushes the router's ESP sessions from the other CPU: once the packet
# has gone through, no entry may be left in the client's old zone.
#
#   c1 --first ESP packet--> router: SA found, held before its zone is set
#   this shell --FLUSH esp (netlink)--> router, while it is held
#   afterwards: conntrack -L in vpnpt's zones is empty
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd insmod rmmod python3 jq conntrack taskset
vpnpt_ko >/dev/null || skip "no vpnpt.ko"
DELAY_KO=$(vpnpt_delay_ko) || skip "no delay module for this kernel"
NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
PKT="python3 $SELFTESTS_DIR/tools/vpnpt_pkt.py"
D=/sys/module/vpnpt_delay/parameters
ZONE=32768	# the first zone vpnpt hands out (VPNPT_ESP_ZONE_BASE)

vpnpt_unload
on_exit vpnpt_unload
on_exit rmmod vpnpt_delay
vpnpt_load || { tap_not_ok "load"; tap_done; }
topo_create 1 || { tap_not_ok "topology"; tap_done; }
# The flush runs on CPU 1, the packet's way on CPU 0. So does this shell:
# on the held CPU it would wait for the hold to end.
taskset -pc 1 $$ >/dev/null
srv_start fl $NS_ROUTER $NL batch
zone_empty() { [ "$(nsx $NS_ROUTER conntrack -L -w $ZONE 2>/dev/null | grep -c .)" = 0 ]; }

# The hold lasts until the test lets go, 12 s at most (below the soft-lockup
# detector's 20 s): on a loaded debug guest the flush alone can take seconds.
check "delay module loaded at vpnpt_session_seen()" \
	insmod "$DELAY_KO" symbol=vpnpt_session_seen delay_ms=12000 count=1
nsx "$(client_ns 1)" taskset -c 0 $PKT $SERVER_WAN esp:1 &
pkt=$!
check "the packet is held after its SA was found" wait_until 30 file_is $D/waiting 1
t0=$EPOCHREALTIME
check_eq "a flush meanwhile removes the client's session" "1" "$(srv fl flush "|" flushed)"
held=$(<$D/waiting)
echo 1 >$D/release
diag "the flush took $(awk "BEGIN { printf \"%.2f\", $EPOCHREALTIME - $t0 }") s"
check_eq "... while the packet is still held" "1" "$held"
wait $pkt
# The worker that gives the zone back runs after the flush.
check "no conntrack entry left in the client's old zone $ZONE" \
	wait_until 20 zone_empty
diag "entries in zone $ZONE: $(nsx $NS_ROUTER conntrack -L -w $ZONE 2>&1 | head -3)"
check_eq "no session left" "[]" "$(srv fl dump-sessions)"

tap_done
