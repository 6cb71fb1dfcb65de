#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stress: rmmod under traffic of all protocols, with module parameter writes
# racing every insmod and rmmod. $VPNPT_STRESS_ITER (100) cycles of
#
#   insmod (every third one with load-time switches), vpnptctl setup in the
#   router, traffic makes sessions, the helpers' table deleted, rmmod
#
# while client 1 sends every kind (ESP, IKE, NAT-T, L2TP SCCRQ, PPTP SYNs,
# enhanced GRE, AH; vpnpt_flood.py) through the router, the server reflects
# ESP, and a writer in the initial namespace writes good and bad values to
# /sys/module/vpnpt/parameters/* as fast as it can, whenever they exist
# (during insmod, before the per-namespace state is up, and during rmmod).
# Meant for the debug kernel.
#
# Checked afterwards: every cycle loaded and unloaded; sessions were live at
# rmmod; the writer hit a loaded module; no conntrack entry keeps a vpnpt
# helper or an ESP zone after rmmod; no kernel report; then a load with
# switches given sees them in sysfs and netlink, sysfs writes read back, and
# traffic makes sessions of each kind again with a consistent gauge.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd nft conntrack python3 jq insmod rmmod
. "$SELFTESTS_DIR/tools/stress_lib.sh"
TOOL="python3 $SELFTESTS_DIR/tools/ipsec_tool.py"
PROTOS="pptp l2tp ike esp ah natt"
PARAMS=/sys/module/vpnpt/parameters
ko=$(vpnpt_ko) || skip "no vpnpt.ko"

vpnpt_unload
on_exit vpnpt_unload
topo_create 1 || { tap_not_ok "topology"; tap_done; }
# Load once the proper way (dependencies), then insmod alone in the loop.
vpnpt_load && rmmod vpnpt || { tap_not_ok "load"; tap_done; }
ns_bg $NS_SERVER reflect $TOOL reflect --map 0x40000000 --seconds 900
# From fresh UDP ports: the flows of a loaded module's time outlive it in
# conntrack, and only new ones get the next load's helpers.
flood_start c1 "$(client_ns 1)" $SERVER_WAN --flows 4 --pause 0.02 --fresh

# The parameter writer: values good and bad, to every switch, whenever the
# files exist; it counts the writes the module took.
param_writer() {
	local n=0 bad=0 i=0 p v
	local -a vals=(0 1 off on n y no yes false true maybe 2 "")
	while [ ! -e "$VPNPT_LOGDIR/writer.stop" ]; do
		for p in $PROTOS; do
			v=${vals[$((i++ % ${#vals[@]}))]}
			if { echo "$v" >$PARAMS/$p; } 2>/dev/null; then
				n=$((n + 1))
			else
				bad=$((bad + 1))
			fi
		done
		nap 0.02
	done
	echo "$n $bad" >"$VPNPT_LOGDIR/writer.n"
}
param_writer &
writer_pid=$!
on_exit "touch $VPNPT_LOGDIR/writer.stop; kill $writer_pid"

# live : sessions in the router now, counted without starting jq
live() {
	local s t
	s=$(nsx $NS_ROUTER "$CTL" -j sessions 2>/dev/null) || { echo 0; return; }
	t=${s//\"proto\"/}
	echo $(((${#s} - ${#t}) / 7))
}
cycles=0 with_sessions=0 sessions=0 stale=0 tries=0 tl=0 tu=0
t0=$SECONDS
for ((i = 0; i < ITER; i++)); do
	args=()
	[ $((i % 3)) = 2 ] && args=(esp=0 pptp=off ike=1)
	t1=${EPOCHREALTIME/./}
	insmod "$ko" "${args[@]}" || { diag "insmod $i failed"; break; }
	vpnpt_setup >/dev/null || { diag "setup $i failed"; break; }
	# Traffic makes sessions (the flood sends every 20 ms).
	nap 0.2
	n=$(live)
	sessions=$((sessions + n))
	[ "$n" -gt 0 ] && with_sessions=$((with_sessions + 1))
	t2=${EPOCHREALTIME/./}
	nsx $NS_ROUTER nft delete table ip vpnpt
	k=0
	until rmmod vpnpt 2>/dev/null; do
		((k++ < 100)) || break
		nap 0.1
	done
	vpnpt_loaded && { diag "rmmod $i failed"; break; }
	t3=${EPOCHREALTIME/./}
	tl=$((tl + t2 - t1)) tu=$((tu + t3 - t2)) tries=$((tries + k))
	# Every tenth cycle: nothing in the router still points at the module.
	if [ $((i % 10)) = 9 ]; then
		n=$(nsx $NS_ROUTER conntrack -L 2>/dev/null | grep -cE 'helper=vpnpt|zone=(3[2-9][0-9]{3}|[4-6][0-9]{4})')
		[ "$n" = 0 ] || { stale=$((stale + n)); diag "cycle $i: $n conntrack entries left with a vpnpt helper or zone"; }
	fi
	cycles=$((cycles + 1))
done
touch "$VPNPT_LOGDIR/writer.stop"
wait $writer_pid
read -r wrote refused <"$VPNPT_LOGDIR/writer.n"
diag "$cycles cycles in $((SECONDS - t0)) s; $with_sessions with sessions at rmmod ($sessions in all); parameter writes taken $wrote, refused or absent $refused"
diag "time in load+setup+traffic $((tl / 1000000)) s, in unload $((tu / 1000000)) s ($tries rmmod retries)"
check_eq "$ITER insmod/setup/traffic/rmmod cycles" "$ITER" "$cycles"
check "sessions were live at rmmod in most cycles" test "$with_sessions" -ge $((ITER / 2))
check "the parameter writer hit a loaded module" test "${wrote:-0}" -gt 0
check_eq "after each tenth rmmod: no conntrack entry with a vpnpt helper or ESP zone" 0 "$stale"
check_kernel_clean "the storm"

# --- afterwards: loads, parameters and traffic as before -----------------------------------
check "insmod with switches given" insmod "$ko" esp=0 natt=off l2tp=no
check_eq "sysfs shows them" "1 0 1 0 1 0" "$(for p in $PROTOS; do echo $(<$PARAMS/$p); done | xargs)"
check_eq "netlink agrees" "true false true false true false" \
	"$("$CTL" -j status | jq -r --arg p "$PROTOS" '.switches as $s | $p | split(" ") | map($s[.]) | join(" ")')"
for p in esp natt l2tp; do echo 1 >$PARAMS/$p; done
check_eq "sysfs writes read back" "1 1 1 1 1 1" "$(for p in $PROTOS; do echo $(<$PARAMS/$p); done | xargs)"
check_fail "a bad value is refused" sh -c "echo maybe >$PARAMS/esp"
check "setup" vpnpt_setup
# The router's namespace copied the initial one's switches at load.
check "enable all in the router" nsx $NS_ROUTER "$CTL" enable all
kinds_made() {
	[ "$(stats_json $NS_ROUTER | jq -r '[.esp, .ike, .l2tp, .natt] | map(.sessions_created > 0) | all')" = true ]
}
check "traffic makes ESP, IKE, L2TP and NAT-T sessions again" wait_until 20 kinds_made
flood_stop c1
diag "flood: $(tail -1 "$VPNPT_LOGDIR/flood-c1.log")"
check "the flood ran all along" test "$(flood_sent c1 esp)" -gt "$((ITER * 5))"
check_eq "gauge = created - ended = dump" "" "$(gauge_consistent $NS_ROUTER)"
nsx $NS_ROUTER nft delete table ip vpnpt
check "rmmod" wait_until 20 rmmod vpnpt
check_eq "no conntrack entry with a vpnpt helper or ESP zone" "" \
	"$(nsx $NS_ROUTER conntrack -L 2>/dev/null | grep -E 'helper=vpnpt|zone=(3[2-9][0-9]{3}|[4-6][0-9]{4})')"
check_kernel_clean "the whole test"
tap_done
