#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PPTP at scale: VPNPT_PPTP_SCALE_CALLS (default 1000) concurrent calls
# through the masquerading router to one server, driven by the packet tool
# (selftests/tools/vpnpt_pptp.py) from one LAN namespace with one address
# per control connection, 50 calls per connection (vpnpt follows at most
# 64 per connection). Every connection uses the same inside Call IDs
# (0x100, 0x101, ...), so every call collides with one on each of the other
# connections and needs an outside ID of its own.
#
#   c1                            router                           server
#   10.99.2.1 .. 10.99.2.N  -- br0 [vpnpt-pptp, masquerade] wan -- fake PAC
#   N control connections         203.0.113.1                      203.0.113.2:1723
#   (fake PNSes, raw GRE socket)                                   (raw GRE socket)
#
# Checked: every call comes up with a distinct outside Call ID; in each of
# three rounds, one GRE packet from the server to the public address per
# call, keyed with the outside ID, reaches the right client address with
# the inside ID as key, and one from each call reaches the server with the
# server's key; from its fourth packet on (its flow established) each
# call's GRE is given its flow by vpnpt's hook before conntrack (seen by a
# probe chain between the two), not found by conntrack in its keymap; the
# session table (paged netlink dump, through vpnpt_nl.py and vpnptctl)
# lists exactly these calls; two expectations per call; after StopCCRQ
# (half the connections) and TCP close (the other half) nothing is left.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd nft conntrack python3 jq
CTL=$VPNPT_TOP/build/vpnptctl
[ -x "$CTL" ] || skip "vpnptctl not built (make tool)"
NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
D=$VPNPT_LOGDIR
CALLS=${VPNPT_PPTP_SCALE_CALLS:-1000}
PER=50
CONNS=$(((CALLS + PER - 1) / PER))

# A namespace of an earlier test may still be going away, holding vpnpt.
wait_until 30 sh -c '! [ -d /sys/module/vpnpt ] || rmmod vpnpt' ||
	{ tap_not_ok "vpnpt still in use: $(lsmod | grep '^vpnpt ')"; tap_done; }
on_exit vpnpt_unload
# Each call holds two expectations (one per GRE direction) for as long as it
# lasts. The limit, nf_conntrack_expect_max, counts per namespace but is one
# global value, writable only from the initial namespace: raise it there if
# the calls would not fit (it is about 4 per MB of RAM by default), and the
# conntrack limit likewise (one GRE flow per call).
modprobe nf_conntrack
sysctl_raise net.netfilter.nf_conntrack_expect_max $((2 * CALLS + 256)) &&
	sysctl_raise net.netfilter.nf_conntrack_max $((2 * CALLS + 4096)) ||
	{ tap_not_ok "conntrack limits"; tap_done; }

topo_create 1 || { tap_not_ok "topology"; tap_done; }
# One address per control connection, as the tool numbers them (addr()).
pptp_conn_addrs "$(client_ns 1)" "$CONNS"
vpnpt_load || { tap_not_ok "load"; tap_done; }
check "attach the vpnpt-pptp helper" pptp_attach_helper

pptp_tool_start
PP_TIMEOUT=600
jv() { jq -r "$1" <<<"$R"; }
nexp() { nsx $NS_ROUTER conntrack -L expect 2>/dev/null | grep -c 'proto=47' || true; }
gre_list() { nsx $NS_ROUTER conntrack -L -p gre 2>/dev/null | grep 'dst=203.0.113'; }
ngre() { gre_list | grep -c . || true; }
pstat() { nsx $NS_ROUTER "$CTL" -j stats | jq ".pptp.$1"; }
# the calls as "client inside outside peer" lines: from the tool's table, and
# from a session dump (JSON on stdin; vpnpt_nl.py gives the state as a
# number, 1 = established, vpnptctl by name)
tool_calls() { jq -r '.[] | "\(.client) \(.inside) \(.outside) \(.peer)"' "$D/calls.json" | sort; }
dump_calls() {
	jq -r '.[] | select(.proto == "pptp" and (.state == "established" or .state == 1)) |
		"\(.client) \(.call_id_inside) \(.call_id_outside) \(.peer_call_id)"' | sort
}
# same_calls DUMP_FILE : the dump lists exactly the tool's calls
same_calls() {
	tool_calls >"$D/want.txt"
	dump_calls <"$1" >"$D/have.txt"
	diff "$D/want.txt" "$D/have.txt" | head -10
	[ "${PIPESTATUS[0]}" = 0 ]
}

R=$(pp pac $NS_SERVER $SERVER_WAN)
check_eq "fake PAC listens" true "$(jv .ok)"
# GRE that vpnpt's hook gave its flow, counted before conntrack (lib.sh)
check "GRE probe before conntrack" gre_probe_add
diag "$CALLS calls on $CONNS control connections"
R=$(pp scale "$(client_ns 1)" $CONNS $CALLS file="$D/calls.json" rounds=3)
diag "tool: $(jv -c 'del(.gre_in.wrong, .gre_out.wrong)' 2>/dev/null || echo "$R")"
check_eq "every call is up" "$CALLS" "$(jv .calls_up)"
check_eq "every call has its own outside Call ID" "$CALLS" "$(jv .outside_distinct)"
check_eq "GRE from the server reaches the right client with the inside key, for every call, 3 times" \
	"$((3 * CALLS)) 0 0" "$(jv '.gre_in | "\(.good) \(.bad) \(.lost)"')"
[ "$(jv '.gre_in.bad')" = 0 ] || diag "wrong: $(jv -c .gre_in.wrong)"
check_eq "GRE from every call reaches the server with the server's key, 3 times" \
	"$((3 * CALLS)) 0 0" "$(jv '.gre_out | "\(.good) \(.bad) \(.lost)"')"
[ "$(jv '.gre_out.bad')" = 0 ] || diag "wrong: $(jv -c .gre_out.wrong)"
# Per call: in (new flow), out (its reply), in (the flow becomes assured),
# then out, in, out given their flow by vpnpt. The old module: 0.
check_eq "the last 3 packets of every call were given their flow by vpnpt's hook" \
	"$((3 * CALLS))" "$(gre_probe)"
# Each call's GRE, one packet each way, is one flow that has seen its reply.
# Counted at once: with a single packet each way conntrack keeps a GRE flow
# for its unreplied timeout only (30 s; the stream timeout, 180 s, comes
# with the third packet), and the dumps below can take longer than that on
# a loaded machine (a make check run counted 0 flows after them).
gre_flows() { [ "$(ngre)" = "$1" ]; }
check "one GRE flow per call" wait_until 10 gre_flows "$CALLS" || {
	diag "GRE flows: $(ngre); conntrack -C: $(nsx $NS_ROUTER conntrack -C 2>&1)"
	diag "$(nsx $NS_ROUTER conntrack -L -p gre 2>&1 | head -3)"
}
check_eq "... each with both directions (none UNREPLIED)" "0" \
	"$(gre_list | grep -c UNREPLIED)"

nsx $NS_ROUTER $NL dump-sessions pptp >"$D/dump-nl.json"
check_eq "netlink dump (vpnpt_nl.py): $CALLS sessions" "$CALLS" "$(jq length "$D/dump-nl.json")"
check "... exactly the calls, with their Call IDs" same_calls "$D/dump-nl.json"
nsx $NS_ROUTER "$CTL" -j sessions >"$D/dump-ctl.json"
check "vpnptctl -j sessions: exactly the calls" same_calls "$D/dump-ctl.json"
check_eq "two GRE expectations per call" $((2 * CALLS)) "$(nexp)"
check_eq "stats: sessions active" "$CALLS" "$(pstat sessions_active)"
check_eq "stats: no parse error, none refused" "0 0" "$(pstat parse_errors) $(pstat sessions_refused)"

# --- the end ------------------------------------------------------------------------
R=$(pp scale_end how=mixed)
check_eq "StopCCRQ on half the connections, TCP close on the others" true "$(jv .ok)"
no_sessions() { [ "$(nsx $NS_ROUTER "$CTL" -j sessions | jq length)" = 0 ]; }
check "no session left" wait_until 30 no_sessions
check_eq "no expectation left" 0 "$(nexp)"
no_gre() { [ "$(ngre)" = 0 ]; }
check "no GRE flow left" wait_until 10 no_gre
check_eq "stats: none active, all ended" "0 true" \
	"$(pstat sessions_active) $([ "$(pstat sessions_ended)" -ge "$CALLS" ] && echo true)"
check "tool ran without errors" test ! -s "$D/tool.err"
[ -s "$D/tool.err" ] && head -20 "$D/tool.err" | sed 's/^/#   /'
tap_done
