#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stress: the switch of every protocol toggled off and on under its own
# traffic, $VPNPT_STRESS_ITER (100) rounds of all six, in two routers at once:
#
#   - the router namespace (r), with `vpnptctl disable/enable PROTO`
#     (every tenth round `disable all`/`enable all`);
#   - the initial namespace as a second router, with writes to
#     /sys/module/vpnpt/parameters/PROTO (the initial namespace's switches):
#
#     c9 10.98.0.2 --- vpst-lan [init ns, masquerade] vpst-wan --- s9
#                           10.98.0.1            198.51.100.1           198.51.100.2
#
# Both have vpnptctl setup's helpers; a client behind each sends every kind
# (ESP, IKE, NAT-T, L2TP SCCRQ, PPTP SYNs, enhanced GRE, AH; vpnpt_flood.py)
# and each server reflects ESP (ipsec_tool.py reflect), so a switch going off
# tears down sessions, bindings and conntrack entries that packets are making
# at the same moment. Meant for the debug kernel.
#
# Checked afterwards: every toggle done; every protocol's packets were both
# dropped while off and counted while on, in both routers; sessions were
# made; no kernel report; once quiet, the gauge agrees with the dump; every
# switch reads on, by sysfs and netlink; a switch off leaves none of its
# sessions and no ESP conntrack zone; then every kind passes end to end.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd nft conntrack python3 jq
. "$SELFTESTS_DIR/tools/stress_lib.sh"
TOOL="python3 $SELFTESTS_DIR/tools/ipsec_tool.py"
PKT="python3 $SELFTESTS_DIR/tools/vpnpt_pkt.py"
PROTOS="pptp l2tp ike esp ah natt"
PARAMS=/sys/module/vpnpt/parameters
NS_C9=${NS_PREFIX}c9 NS_S9=${NS_PREFIX}s9
LAN9=10.98.0.1 C9=10.98.0.2 WAN9=198.51.100.1 S9=198.51.100.2

vpnpt_unload
on_exit vpnpt_unload
topo_create 1 || { tap_not_ok "topology"; tap_done; }
vpnpt_load || { tap_not_ok "load"; tap_done; }

# The initial namespace as the second router.
fwd=$(sysctl -n net.ipv4.ip_forward)
on_exit sysctl -qw net.ipv4.ip_forward=$fwd
for ns in $NS_C9 $NS_S9; do _ns_add $ns || { tap_not_ok "topology"; tap_done; }; done
ip link add vpst-lan type veth peer name eth0 netns $NS_C9
ip link add vpst-wan type veth peer name wan netns $NS_S9
ip addr add $LAN9/24 dev vpst-lan && ip link set vpst-lan up
ip addr add $WAN9/24 dev vpst-wan && ip link set vpst-wan up
nsx $NS_C9 ip addr add $C9/24 dev eth0
nsx $NS_C9 ip link set eth0 up
nsx $NS_C9 ip route add default via $LAN9
nsx $NS_S9 ip addr add $S9/24 dev wan
nsx $NS_S9 ip link set wan up
sysctl -qw net.ipv4.ip_forward=1
on_exit nft delete table ip vpnpt_stress_nat
nft -f - <<-END
	table ip vpnpt_stress_nat {
		chain postrouting {
			type nat hook postrouting priority srcnat; policy accept;
			oifname "vpst-wan" masquerade
		}
	}
END
on_exit "$CTL" teardown
check "helpers in the router namespace (vpnptctl setup)" vpnpt_setup
check "helpers in the initial namespace (vpnptctl setup)" "$CTL" setup
check "the initial namespace routes its client to its server" \
	wait_until 5 nsx $NS_C9 ping -c1 -W1 -q $S9

for s in "$NS_SERVER $ROUTER_WAN" "$NS_S9 $WAN9"; do
	set -- $s
	ns_bg $1 "reflect-$1" $TOOL reflect --map 0x40000000 --seconds 600
done
flood_start r "$(client_ns 1)" $SERVER_WAN --flows 4 --pause 0.01
flood_start i $NS_C9 $S9 --flows 4 --pause 0.01
both_flow() { [ "$(nsessions $NS_ROUTER esp)" -gt 0 ] && [ "$(nsessions - esp)" -gt 0 ]; }
check "traffic flows through both routers" wait_until 20 both_flow

# The initial namespace's switches by sysfs, in the background: ITER rounds
# of each protocol off and on (shell builtins only: no program started).
sysfs_toggler() {
	local r p n=0
	for ((r = 0; r < ITER; r++)); do
		for p in $PROTOS; do
			echo 0 >$PARAMS/$p && n=$((n + 1))
			nap 0.02
			echo 1 >$PARAMS/$p && n=$((n + 1))
		done
	done
	echo $n >"$VPNPT_LOGDIR/sysfs-toggles"
}
sysfs_toggler &
sysfs_pid=$!
on_exit kill $sysfs_pid
# The router namespace's switches over netlink, here: by one vpnpt_nl.py
# batch process (starting vpnptctl 1200 times would take far too long under
# TCG), and every tenth round by vpnptctl (disable/enable of each protocol,
# then of all).
srv_start nl $NS_ROUTER $NL batch
t0=$SECONDS
n=0 nctl=0
for ((r = 0; r < ITER; r++)); do
	if [ $((r % 10)) = 9 ]; then
		for p in $PROTOS all; do
			nsx $NS_ROUTER "$CTL" disable $p && nctl=$((nctl + 1))
			nsx $NS_ROUTER "$CTL" enable $p && nctl=$((nctl + 1))
		done
		continue
	fi
	bit=1
	for p in $PROTOS; do
		srv nl set switches=0 mask=$bit >/dev/null && n=$((n + 1))
		nap 0.02
		srv nl set switches=$bit mask=$bit >/dev/null && n=$((n + 1))
		bit=$((bit * 2))
	done
done
wait $sysfs_pid
diag "$ITER rounds in $((SECONDS - t0)) s"
check_eq "router namespace: every netlink off/on done" "$(((ITER - ITER / 10) * 12))" "$n"
check_eq "router namespace: every vpnptctl disable/enable done" "$((ITER / 10 * 14))" "$nctl"
check_eq "initial namespace: every sysfs write done" "$((ITER * 12))" \
	"$(cat "$VPNPT_LOGDIR/sysfs-toggles")"
flood_stop r
flood_stop i
diag "flood through the router namespace: $(tail -1 "$VPNPT_LOGDIR/flood-r.log")"
diag "flood through the initial namespace: $(tail -1 "$VPNPT_LOGDIR/flood-i.log")"
check_kernel_clean "the storm"

# Every protocol's traffic was both dropped (off) and passed (on).
counted_all() { # NS : "PROTO dropped packets created" of each protocol
	stats_json "$1" | jq -r --arg p "$PROTOS" '
		. as $s | $p | split(" ")[] |
		"\(.) \($s[.].dropped_disabled > 0) \($s[.].packets > 0)"'
}
want=$(for p in $PROTOS; do echo "$p true true"; done)
check_eq "router namespace: each protocol's packets dropped while off and passed while on" \
	"$want" "$(counted_all $NS_ROUTER)"
check_eq "initial namespace: the same" "$want" "$(counted_all -)"
made() { # NS : protocols that made sessions
	stats_json "$1" | jq -r '[to_entries[] | select(.value | type == "object" and
		.sessions_created? > 0) | .key] | sort | join(" ")'
}
check_eq "router namespace: ESP, IKE, L2TP and NAT-T sessions were made" "esp ike l2tp natt" \
	"$(made $NS_ROUTER | tr ' ' '\n' | grep -xE 'esp|ike|l2tp|natt' | xargs)"
check_eq "initial namespace: the same" "esp ike l2tp natt" \
	"$(made - | tr ' ' '\n' | grep -xE 'esp|ike|l2tp|natt' | xargs)"

# --- afterwards: consistent, all on, and it all still works -------------------------------
check_eq "router namespace: gauge = created - ended = dump" "" "$(gauge_consistent $NS_ROUTER)"
check_eq "initial namespace: gauge = created - ended = dump" "" "$(gauge_consistent -)"
check_eq "sysfs: every switch on" "1 1 1 1 1 1" \
	"$(for p in $PROTOS; do echo $(<$PARAMS/$p); done | xargs)"
check_eq "netlink agrees (initial namespace)" "true true true true true true" \
	"$("$CTL" -j status | jq -r --arg p "$PROTOS" '.switches as $s | $p | split(" ") | map($s[.]) | join(" ")')"
check_eq "router namespace: every switch on" "true true true true true true" \
	"$(nsx $NS_ROUTER "$CTL" -j status | jq -r --arg p "$PROTOS" '.switches as $s | $p | split(" ") | map($s[.]) | join(" ")')"
no_ct_zones() { [ -z "$(ct_vpnpt_zones "$1")" ]; }
for ns in $NS_ROUTER -; do
	nsx $ns "$CTL" disable esp ike l2tp natt >/dev/null
	check_eq "$ns: switched off, no ESP, IKE, L2TP or NAT-T session left" "0" "$(nsessions $ns)"
	check "... and no conntrack entry in an ESP zone" wait_until 10 no_ct_zones $ns
	nsx $ns "$CTL" enable esp ike l2tp natt >/dev/null
done

# Every kind passes end to end again, counted at the servers.
count_rules() {
	nsx "$1" nft -f - <<-END
		table ip count {
			chain input {
				type filter hook input priority 0;
				tcp dport 1723 tcp flags syn counter
				ip protocol gre counter
				udp dport 1701 counter
				udp dport 500 counter
				udp dport 4500 counter
				ip protocol esp counter
				ip protocol ah counter
				udp dport 7777 counter
			}
		}
	END
}
counts() { nsx "$1" nft list chain ip count input | grep -oE 'packets [0-9]+' | awk '{print $2}' | xargs; }
counts_are() { [ "$(counts "$1")" = "$2" ]; }
for s in "$NS_SERVER $(client_ns 1) $SERVER_WAN" "$NS_S9 $NS_C9 $S9"; do
	set -- $s
	count_rules $1
	nsx $2 $PKT $3 pptp:2 gre1:2 l2tp:2 ike:2 natt:2 esp:2 ah:2 udp:2
	check "$2: after the storm every kind passes the router (2 each)" \
		wait_until 10 counts_are $1 "2 2 2 2 2 2 2 2"
done
check_kernel_clean "the whole test"
tap_done
