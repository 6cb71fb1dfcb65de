#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stress: conntrack -D and vpnptctl flush racing the first segments of new
# PPTP control connections. Each of $VPNPT_STRESS_ITER (100) iterations
# opens a control connection through the router with the PPTP packet tool
# (fake PNS in c1, fake PAC on the server; selftests/tools/vpnpt_pptp.py),
# sends SCCRQ+OCRQ in one segment and closes it, while one deletion is
# started in the background at a point that moves through the connection's
# first segments (before the SYN, between the handshake and the SCCRQ, with
# the SCCRQ): in turn `conntrack -D` of TCP 1723, `vpnptctl flush pptp`,
# `vpnptctl flush` (all) and `conntrack -D` of GRE. Meanwhile client 2 sends
# steady PPTP SYNs and enhanced GRE (vpnpt_flood.py), so new PPTP conntrack
# entries get the helper all along. Meant for the debug kernel.
#
# Checked afterwards: every racing deletion ran, calls came up in spite of
# them, no kernel report; once quiet, a flush leaves no session, no
# expectation and a consistent gauge; a fresh connection's call is rewritten
# both ways with its GRE; closing it leaves nothing; rmmod works.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd nft conntrack python3 jq
. "$SELFTESTS_DIR/tools/stress_lib.sh"
PAC=$SERVER_WAN

pptp_tool_setup 2 8
jv() { jq -r "$1" <<<"$R"; }
nsess_is() { [ "$(pt nsess "$1")" = "$2" ]; }
nexp() { nsx $NS_ROUTER conntrack -L expect 2>/dev/null | grep -c 'proto=47' || true; }
R=$(pp pac $NS_SERVER $PAC)
check_eq "fake PAC listens" true "$(jv .ok)"

# Steady new PPTP flows (SYNs to 1723) and enhanced GRE from client 2, to a
# second server address where nothing listens (the fake PAC must only see
# the test's own connections).
nsx $NS_SERVER ip addr add 203.0.113.3/$WAN_PREFIX dev wan
flood_start c2 "$(client_ns 2)" 203.0.113.3 --kinds pptp,gre1 --flows 8 --pause 0.02

# The racer: one deletion after another in the router, round robin, all
# through the storm (starting a program takes a good fraction of a second
# under TCG, so a deletion per iteration would make it far too slow).
racer_start del $NS_ROUTER "
	conntrack -D -p tcp --dport 1723; echo ct-tcp
	$CTL flush pptp; echo flush-pptp
	conntrack -D -p gre; echo ct-gre
	$CTL flush; echo flush-all"
# Each iteration: CONNS new control connections from different addresses,
# SCCRQ+OCRQ in one segment on each; they are closed one iteration later, so
# the racer finds live calls too. (No jq in the loop: starting programs is
# what costs under TCG.)
CONNS=${VPNPT_STRESS_PPTP_CONNS:-2}
up=0 broken=0 conns=0 failed=0
prev=()
t0=$SECONDS
for ((i = 0; i < ITER; i++)); do
	names=()
	for ((k = 0; k < CONNS; k++)); do
		name=i$i.$k
		R=$(pp connect $name "$(client_ns 1)" 10.99.1.$((1 + (i * CONNS + k) % 8)) $PAC)
		[[ $R == *'"pac_sees"'* ]] || { failed=$((failed + 1)); continue; }
		conns=$((conns + 1))
		names+=($name)
	done
	for name in "${names[@]}"; do
		R=$(pp send $name wait=2 sccrq ocrq:call=$((0x1000 + i)))
		if [[ ${R#*\"pns_got\"} == *'"type": "ocrp"'* ]]; then
			up=$((up + 1))
		else
			broken=$((broken + 1))
		fi
	done
	for name in "${prev[@]}"; do pp close $name wait=0 >/dev/null; done
	prev=("${names[@]}")
done
for name in "${prev[@]}"; do pp close $name wait=0 >/dev/null; done
rounds=$(racer_stop del)
diag "$ITER iterations in $((SECONDS - t0)) s: $conns connections, $failed not made, $up calls up, $broken broken by a race; $rounds racer rounds of 4 deletions"
diag "time in the tool: $(awk '{s += $1} END {printf "%.1f", s / 1e6}' "$VPNPT_LOGDIR/tool.log") s"
sort -rn "$VPNPT_LOGDIR/tool.log" | head -5 | cut -c1-120 | sed 's/^/#   /'
check "the racer ran all through the storm (every kind of deletion)" test "$rounds" -ge 1
# What the racer's deletions removed: conntrack -D prints "N flow entries
# have been deleted", vpnptctl flush "flushed N sessions".
deleted() { # SED-EXPRESSION : the sum of the numbers it picks out of the log
	sed -nE "$1" "$VPNPT_LOGDIR/racer-del.log" | awk '{s += $1} END {print s + 0}'
}
ct_deleted=$(deleted 's/.* ([0-9]+) flow entries have been deleted.*/\1/p')
flushed=$(deleted 's/^flushed ([0-9]+) session.*/\1/p')
diag "the racer deleted $ct_deleted conntrack entries and flushed $flushed sessions"
check "... and deleted live conntrack entries" test "$ct_deleted" -gt 0
check "... and flushed live sessions" test "$flushed" -gt 0
check "control connections were made during the storm" test "$conns" -ge $((ITER * CONNS / 2))
check "calls came up during the storm (not all broken by the races)" test "$up" -ge $((ITER * CONNS / 4))
flood_stop c2
check "the flood sent PPTP SYNs and GRE" test "$(flood_sent c2 pptp) $(flood_sent c2 gre1)" != "0 0" -a \
	"$(flood_sent c2 pptp)" -gt 0 -a "$(flood_sent c2 gre1)" -gt 0
diag "flood: $(tail -1 "$VPNPT_LOGDIR/flood-c2.log")"
check_kernel_clean "the storm"

# --- afterwards: nothing stale, and it all still works ------------------------------------
nsx $NS_ROUTER "$CTL" flush pptp >/dev/null
check "after the storm and a flush: no PPTP session" wait_until 10 nsess_is - 0
nexp_is() { [ "$(nexp)" = "$1" ]; }
check "... no GRE expectation" wait_until 10 nexp_is 0
check_eq "... gauge = created - ended = dump, for every protocol" "" "$(gauge_consistent $NS_ROUTER)"
R=$(pp connect fresh "$(client_ns 1)" 10.99.1.1 $PAC)
R=$(pp send fresh sccrq ocrq:call=0x0abc)
check_eq "a fresh connection's call is rewritten both ways" "ocrp 2748" \
	"$(jv '.pns_got[] | select(.type == "ocrp") | "\(.type) \(.peer)"')"
check_eq "... session = what both ends saw" "$(pt calls fresh)" "$(pt sess 10.99.1.1)"
check_eq "... its GRE both ways with the right keys" "$ROUTER_WAN true 10.99.1.1 2748" \
	"$(pt gre fresh 0x0abc)"
check_eq "... two expectations" 2 "$(nexp)"
R=$(pp close fresh)
check "... it ends with its connection" wait_until 10 nsess_is - 0
check_eq "... leaving no expectation" 0 "$(nexp)"
check_eq "stats: no PPTP session active" 0 "$(stats_json $NS_ROUTER | jq .pptp.sessions_active)"
check "tool ran without errors" test ! -s "$VPNPT_LOGDIR/tool.err"
nsx $NS_ROUTER nft delete table ip vpnpt
check "rmmod vpnpt (no reference left behind)" wait_until 20 rmmod vpnpt
check_kernel_clean "the whole test"
tap_done
