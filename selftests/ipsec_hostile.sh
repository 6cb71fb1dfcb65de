#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Raw ESP through vpnpt under hostile input and lifecycle events, with the
# topology and manually keyed tunnels of ipsec.sh:
#
#   c1..c3 (tunnels to the server) --- br0 [router] wan --- [server] 203.0.113.2
#                                       masquerade
#
# SPI 0 and truncated ESP dropped and counted; floods of unknown inbound
# SPIs make no state; a client's flood of new SPIs stops at its cap, is
# counted, and established tunnels keep working; malformed IKE counted and
# passed; a NAT-T flow's session across a new conntrack entry and a flush;
# AH that gets translated counted; the esp, ike and natt switches end
# their sessions and restore; rmmod and namespace deletion with live SAs and
# traffic.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd nft python3 conntrack ip ping
. "$SELFTESTS_DIR/tools/ipsec_lib.sh"
PKT="python3 $SELFTESTS_DIR/tools/vpnpt_pkt.py"

for ((i = 1; i <= N; i++)); do
	tunnel_states $i 0
	tunnel_policies $i
done
vpnpt_load || { tap_not_ok "load"; tap_done; }
for ((i = 1; i <= N; i++)); do
	check "client $i's tunnel works" tunnel_up $i
done

# --- hostile ESP -------------------------------------------------------------------
b_mal=$(stat esp dropped_malformed)
nsx "$(client_ns 1)" $TOOL send-esp $SRV --spi 0 --count 5
nsx "$(client_ns 1)" $TOOL send-esp $SRV --spi 0x1000 --len 4 --count 5
check_eq "SPI 0 and truncated ESP dropped and counted" "10" \
	"$(($(stat esp dropped_malformed) - b_mal))"
nsx $NS_SERVER $TOOL send-esp $PUB --spi 0x50000000 --count 2000 --vary
check_eq "2000 unknown inbound SPIs make no state: exact sessions" \
	"$(expected_sessions 0)" "$(esp_sessions)"
nsx $NS_ROUTER $NL set max_client_sessions=20 >/dev/null
b_ref=$(stat esp sessions_refused)
nsx "$(client_ns 2)" $TOOL send-esp $SRV --spi 0x60000000 --count 500 --vary
c2=$(esp_sessions | grep -c "^$(client_addr 2) ")
check_eq "a client's flood of new SPIs stops at its cap" "20" "$c2"
check "refused SAs counted" test $(($(stat esp sessions_refused) - b_ref)) -ge 400
nsx $NS_ROUTER $NL set max_sessions=25 max_client_sessions=256 >/dev/null
nsx "$(client_ns 3)" $TOOL send-esp $SRV --spi 0x61000000 --count 50 --vary
check_eq "the namespace's cap holds too" "25" "$(esp_sessions | wc -l)"
for ((i = 1; i <= N; i++)); do
	check "client $i's established tunnel keeps working under the caps" tunnel_up $i
done
nsx $NS_ROUTER $NL set max_sessions=65536 >/dev/null
nsx $NS_ROUTER $NL flush esp >/dev/null
for ((i = 1; i <= N; i++)); do
	check "after a flush, client $i's tunnel binds again" tunnel_up $i
done
check_eq "after a flush: exact sessions" "$(expected_sessions 0)" "$(esp_sessions)"

# --- AH: translated AH counted, untranslated not -----------------------------------
b_ah=$(stat ah ah_nat_broken)
nsx "$(client_ns 1)" $PKT $SRV ah:3
check_eq "AH masqueraded by the router: counted as broken by NAT" "3" \
	"$(($(stat ah ah_nat_broken) - b_ah))"
nsx $NS_SERVER ip addr add 203.0.113.3/24 dev wan
b_ah=$(stat ah ah_nat_broken)
nsx $NS_ROUTER $PKT 203.0.113.3 ah:2
check_eq "the router's own AH (no translation): not counted" "0" \
	"$(($(stat ah ah_nat_broken) - b_ah))"

# --- hostile IKE and NAT-T, through the helpers ------------------------------------
vpnpt_setup >/dev/null
C1=$(client_ns 1)
b_perr=$(stat ike parse_errors)
for k in truncated liar zero-ispi badver; do
	nsx "$C1" $TOOL send-ike $SRV $k --count 3 --sport 500
done
check_eq "IKE: truncated, lying length, zero SPI, bad version counted" "12" \
	"$(($(stat ike parse_errors) - b_perr))"
ike_sessions() { nsx $NS_ROUTER $NL dump-sessions ike | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
check_eq "IKE: malformed messages make no IKE session" "0" "$(ike_sessions)"
nsx "$C1" $TOOL send-ike $SRV init --count 1 --sport 500
check_eq "IKE: a valid IKE_SA_INIT request makes one" "1" "$(ike_sessions)"
nsx $NS_ROUTER $NL set max_client_sessions=10 >/dev/null
b_ref=$(stat ike sessions_refused)
nsx "$(client_ns 2)" $TOOL send-ike $SRV init --count 100 --sport 500
# Client 2 has one ESP session: 9 IKE sessions fit under its cap of 10.
check_eq "IKE: a flood of new IKE SAs stops at the client's cap" "10" "$(ike_sessions)"
check "IKE: refused IKE SAs counted" test $(($(stat ike sessions_refused) - b_ref)) -ge 80
nsx $NS_ROUTER $NL set max_client_sessions=256 >/dev/null
b_ka=$(stat natt natt_keepalive) b_esp=$(stat natt natt_esp)
b_ike=$(stat natt natt_ike) b_perr=$(stat natt parse_errors)
nsx "$C1" $TOOL send-ike $SRV keepalive --natt --count 4 --sport 4500
nsx "$C1" $TOOL send-ike $SRV natt-esp --natt --count 3 --sport 4500
nsx "$C1" $TOOL send-ike $SRV init --natt --count 2 --sport 4500
nsx "$C1" $TOOL send-ike $SRV short --natt --count 5 --sport 4500
check_eq "NAT-T: keepalive, ESP-in-UDP, IKE, malformed classified and counted" \
	"4 3 2 5" "$(($(stat natt natt_keepalive) - b_ka)) $(($(stat natt natt_esp) - b_esp)) $(($(stat natt natt_ike) - b_ike)) $(($(stat natt parse_errors) - b_perr))"
natt_parent() {
	nsx $NS_ROUTER $NL dump-sessions natt ike | python3 -c '
import json, sys
d = json.load(sys.stdin)
ike = {s["id"]: s for s in d if s["proto"] == "ike"}
n = [s for s in d if s["proto"] == "natt"]
print(len(n), all(ike[s["parent"]]["client"] == s["client"] for s in n))'
}
check_eq "NAT-T: the flow is a session linked to its IKE session" "1 True" "$(natt_parent)"
# Once its conntrack entry is in the table, the entry links the flow (its
# helper data): the next datagrams find the session with no lookup. A new
# entry for the same flow (the old one deleted) finds the same session; a
# flushed session leaves the entry's link empty, and the next datagram
# makes a new one.
natt_sess() { # "ID PACKETS_OUT" of the NAT-T sessions
	nsx $NS_ROUTER $NL dump-sessions natt | python3 -c '
import json, sys
print(" ".join("%d %d" % (s["id"], s["packets_out"]) for s in json.load(sys.stdin)))'
}
natt_esp() { nsx "$C1" $TOOL send-ike $SRV natt-esp --natt --count 3 --sport 4500; }
read -r nid np <<<"$(natt_sess)"
natt_esp
check_eq "NAT-T: the linked entry's datagrams counted to its session" "$nid $((np + 3))" "$(natt_sess)"
nsx $NS_ROUTER conntrack -D -p udp --dport 4500 >/dev/null 2>&1
natt_esp
check_eq "NAT-T: a new entry for the same flow: the same session" "$nid $((np + 6))" "$(natt_sess)"
nsx $NS_ROUTER $NL flush natt >/dev/null
natt_esp
read -r nid2 np <<<"$(natt_sess)"
check_eq "NAT-T: the linked session flushed: a new one for the entry" "3 new" \
	"$np $([ "$nid2" -gt "$nid" ] && echo new)"

# The ike and natt switches end their live sessions and drop their traffic
# (bits: ike 4, natt 32); switched on again, new ones are tracked.
natt_sessions() { nsx $NS_ROUTER $NL dump-sessions natt | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }
nsx $NS_ROUTER $NL set switches=0 mask=32 >/dev/null
check_eq "natt off: its live session ended" "0" "$(natt_sessions)"
b_dd=$(stat natt dropped_disabled)
nsx "$C1" $TOOL send-ike $SRV keepalive --natt --count 2 --sport 4500
check_eq "natt off: its datagrams dropped and counted" "2" "$(($(stat natt dropped_disabled) - b_dd))"
nsx $NS_ROUTER $NL set switches=32 mask=32 >/dev/null
nsx $NS_ROUTER $NL set switches=0 mask=4 >/dev/null
check_eq "ike off: its live sessions ended" "0" "$(ike_sessions)"
b_dd=$(stat ike dropped_disabled)
nsx "$C1" $TOOL send-ike $SRV init --count 2 --sport 500
check_eq "ike off: its datagrams dropped and counted, no session" "2 0" \
	"$(($(stat ike dropped_disabled) - b_dd)) $(ike_sessions)"
nsx $NS_ROUTER $NL set switches=4 mask=4 >/dev/null
nsx "$C1" $TOOL send-ike $SRV init --count 1 --sport 500
check_eq "ike on again: a new IKE SA is tracked" "1" "$(ike_sessions)"
for ((i = 1; i <= N; i++)); do
	check "after hostile IKE: client $i's tunnel works" tunnel_up $i
done
vpnpt_teardown >/dev/null

# --- the switch: SAs flushed and traffic dropped, then back ------------------------
nsx $NS_ROUTER $NL set switches=0 mask=8 >/dev/null
check_eq "esp off: sessions flushed" "0" "$(esp_sessions | wc -l)"
check_fail "esp off: tunnels dropped" tunnel_ping 1
nsx $NS_ROUTER $NL set switches=8 mask=8 >/dev/null
for ((i = 1; i <= N; i++)); do
	check "esp on again: client $i's tunnel works" tunnel_up $i
done

# --- rmmod and namespace deletion with live SAs ---------------------------------------
for ((i = 1; i <= N; i++)); do
	ns_bg "$(client_ns $i)" "bgping$i" ping -i 0.05 -I "$(inner $i)" $INNER_S
done
# Conntrack entries in the zones vpnpt hands out (32768 and up).
ct_vpnpt_zones() {
	nsx $NS_ROUTER conntrack -L 2>/dev/null |
		awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^zone=/ && substr($i, 6) + 0 >= 32768) print }'
}
has_ct_vpnpt_zones() { [ -n "$(ct_vpnpt_zones)" ]; }
check "live SAs: their ESP entries are in vpnpt's zones" has_ct_vpnpt_zones
# and a NAT-T flow whose entry links its session: rmmod leaves the entry
# (the helper taken from it) with a link that vpnpt frees
have_natt() { natt_esp && [ -n "$(natt_sess)" ]; }
vpnpt_setup >/dev/null
check "live NAT-T flow with its session" have_natt
check "rmmod with live SAs and traffic" rmmod vpnpt
check_eq "after rmmod: no conntrack entry left in vpnpt's zones" "" "$(ct_vpnpt_zones)"
# The reload waits for quiet: started under the clients' live traffic,
# vpnpt pairs the server's SPIs with clients by arrival order, and an answer
# to a packet sent before the load can cross two clients' bindings for good
# (docs/ipsec.md, "Starting with live SAs"; 2 reloads in 15 did).
for ((i = 1; i <= N; i++)); do
	ns_kill "$(client_ns $i)"
done
no_pings() { ! pgrep -x ping >/dev/null; }
check "the clients' traffic stopped" wait_until 5 no_pings
sleep 1 # answers still in flight arrive before the load
check "reload" vpnpt_load
for ((i = 1; i <= N; i++)); do
	check "after reload: client $i's tunnel works" tunnel_up $i
done
check_eq "after reload: sessions relearnt" "$(expected_sessions 0)" "$(esp_sessions)"
# (the entry from before rmmod lost its helper: a new one gets vpnpt's)
nsx $NS_ROUTER conntrack -D -p udp --dport 4500 >/dev/null 2>&1
vpnpt_setup >/dev/null
check "... and a live NAT-T flow again" have_natt
check "router namespace deleted with live SAs" ns_del $NS_ROUTER
check "module still answers" $NL get-config
check "rmmod after the namespace deletion" rmmod vpnpt

tap_done
