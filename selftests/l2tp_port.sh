#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# L2TP passthrough with an LNS that answers from a new port (RFC 2661 8.1),
# driven by the test peers of tools/vpnpt_l2tp.py:
#
#   c1       10.99.0.11 LAC --+                                  server
#                             +-- br0 [router] wan 203.0.113.1 --- 203.0.113.2
#   c2       10.99.0.12 LAC --+   masquerade,                        LNS: SCCRQ on
#                                 ct helper "vpnpt-l2tp"             1701, answers
#                                 on new udp dport 1701              from port X
#
# Without vpnpt the server's answer from port X is unrelated to any flow and
# the tunnel never comes up; with it both clients' tunnels come up at once,
# are listed with their tunnel IDs and go away on StopCCN, conntrack
# deletion, idle timeout and the l2tp switch; malformed L2TP is counted and
# passed; rmmod and namespace deletion with live tunnels are clean.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd nft python3 conntrack jq
NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
L2TP="python3 $SELFTESTS_DIR/tools/vpnpt_l2tp.py"
CTL=$VPNPT_TOP/build/vpnptctl
[ -x "$CTL" ] || skip "build/vpnptctl not built (make tool)"
vpnpt_unload
on_exit vpnpt_unload
topo_create 2 || { tap_not_ok "topology"; tap_done; }
C1=$(client_ns 1)
C2=$(client_ns 2)
D=$VPNPT_LOGDIR

helper_rules() { vpnpt_setup; }
helper_rules_del() { vpnpt_teardown >/dev/null 2>&1; }
on_exit helper_rules_del

# lac NAME NS TID [ARGS...]: a LAC that holds its tunnel until NAME.stop exists.
lac() {
	local name=$1 ns=$2 tid=$3
	shift 3
	rm -f "$D/$name.ready" "$D/$name.stop"
	ns_bg "$ns" "$name" $L2TP lac $SERVER_WAN --tid "$tid" --ready "$D/$name.ready" \
		--stop-when "$D/$name.stop" "$@"
}
lac_done() { grep -q stopped "$D/$1.log"; }
lac_field() { # NAME FIELD
	python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])[sys.argv[2]])' \
		"$D/$1.log" "$2" 2>/dev/null
}
# "CLIENT TID PEER_TID STATE" per L2TP session, sorted, from vpnptctl -j.
sessions() { ctl_sessions l2tp '"\(.client) \(.tunnel_id) \(.peer_tunnel_id) \(.state)"'; }
nsessions() { sessions | grep -c .; }
no_sessions() { [ "$(nsessions)" = 0 ]; }
stat() { # COUNTER
	nsx $NS_ROUTER $NL get-stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["l2tp"][sys.argv[1]])' "$1"
}
# Flows in the router that the server opened: those from its new ports.
new_port_flows() {
	nsx $NS_ROUTER conntrack -L -p udp -s $SERVER_WAN 2>/dev/null | grep -c '^udp'
}
ct_flush() { nsx $NS_ROUTER conntrack -F 2>/dev/null; true; }

ns_bg $NS_SERVER lns $L2TP lns --new-port
wait_until 10 nsx $NS_SERVER sh -c 'ss -lun | grep -q ":1701 "' || diag "LNS not listening"

# --- without vpnpt ----------------------------------------------------------
check_fail "without vpnpt: no tunnel when the LNS answers from a new port" \
	nsx "$C1" $L2TP lac $SERVER_WAN --tid 7 --timeout 4
ct_flush
vpnpt_load || { tap_not_ok "load"; tap_done; }
check_fail "vpnpt loaded, helper not attached: still no tunnel" \
	nsx "$C1" $L2TP lac $SERVER_WAN --tid 7 --timeout 4
ct_flush
check "helpers attached by vpnptctl setup" helper_rules

# --- two clients at once ---------------------------------------------------------
lac t1 "$C1" 7
lac t2 "$C2" 8
check "client 1's tunnel up through the new port" wait_until 30 test -e "$D/t1.ready"
check "client 2's tunnel up at the same time" wait_until 30 test -e "$D/t2.ready"
check_eq "both sessions listed with tunnel IDs, established" \
	"$(client_addr 1) 7 107 established
$(client_addr 2) 8 108 established" "$(sessions)"
check_eq "two flows from the server's new ports" 2 "$(new_port_flows)"
data_counted() { nsx $NS_ROUTER "$CTL" -j sessions | grep -Eq '"packets_in": *[1-9]'; }
check "data counted on the sessions" data_counted
touch "$D/t1.stop" "$D/t2.stop"
check "client 1 closed its tunnel" wait_until 10 lac_done t1
check "client 2 closed its tunnel" wait_until 10 lac_done t2
check_eq "client 1: all data echoed, StopCCN acknowledged" "3 True" \
	"$(lac_field t1 echoed) $(lac_field t1 stopped)"
check_eq "client 2: all data echoed, StopCCN acknowledged" "3 True" \
	"$(lac_field t2 echoed) $(lac_field t2 stopped)"
check "client 1 was answered from a port other than 1701" \
	test "$(lac_field t1 server_port)" != 1701
check "sessions removed on StopCCN" wait_until 5 no_sessions

# --- malformed L2TP: counted, passed -----------------------------------------------
before=$(stat parse_errors)
nsx "$C1" $L2TP send $SERVER_WAN badver v3 short ctrlflags badlen badavp notype
parse_errors_grew_by() { [ $(($(stat parse_errors) - before)) = "$1" ]; }
check "7 malformed messages counted as parse errors" wait_until 5 parse_errors_grew_by 7 ||
	diag "parse_errors went from $before to $(stat parse_errors)"
check_eq "no session from malformed messages" 0 "$(nsessions)"

# --- conntrack deletion ends the session ----------------------------------------
lac t3 "$C2" 9
check "tunnel up" wait_until 30 test -e "$D/t3.ready"
check_eq "one session" 1 "$(nsessions)"
nsx $NS_ROUTER conntrack -D -p udp -s $SERVER_WAN >/dev/null 2>&1
check "session removed with its conntrack entry" wait_until 5 no_sessions
touch "$D/t3.stop"
wait_until 10 lac_done t3

# --- the l2tp switch -------------------------------------------------------------
ct_flush
lac t4 "$C1" 10
lac t5 "$C2" 11
check "two tunnels up" wait_until 30 sh -c "test -e $D/t4.ready && test -e $D/t5.ready"
check_eq "two sessions" 2 "$(nsessions)"
nsx $NS_ROUTER $NL set switches=0 mask=2 >/dev/null
check_eq "switch off: sessions gone" 0 "$(nsessions)"
check_eq "switch off: the new-port flows deleted" 0 "$(new_port_flows)"
touch "$D/t4.stop" "$D/t5.stop"
wait_until 10 lac_done t4
wait_until 10 lac_done t5
check_fail "switch off: no tunnel" nsx "$C1" $L2TP lac $SERVER_WAN --tid 12 --timeout 3
nsx $NS_ROUTER $NL set switches=2 mask=2 >/dev/null
ct_flush
lac t6 "$C1" 13
check "switch on again: new tunnel up" wait_until 30 test -e "$D/t6.ready"
check_eq "switch on again: session listed" "$(client_addr 1) 13 113 established" "$(sessions)"

# --- idle timeout ------------------------------------------------------------------
nsx $NS_ROUTER $NL set timeout_l2tp=10 >/dev/null
check "idle session ends after the l2tp timeout" wait_until 25 no_sessions
touch "$D/t6.stop"
wait_until 10 lac_done t6

# --- rmmod with live tunnels ------------------------------------------------------
ct_flush
lac t7 "$C1" 14
lac t8 "$C2" 15
check "two tunnels up before rmmod" wait_until 30 sh -c "test -e $D/t7.ready && test -e $D/t8.ready"
helper_rules_del
# The nft objects drop their module references asynchronously.
check "rmmod with live tunnels" wait_until 10 rmmod vpnpt
touch "$D/t7.stop" "$D/t8.stop"
wait_until 10 lac_done t7
wait_until 10 lac_done t8

# --- namespace deletion with live tunnels -----------------------------------------
ct_flush
check "reload" vpnpt_load
helper_rules
lac t9 "$C1" 16
check "tunnel up before the router namespace goes" wait_until 30 test -e "$D/t9.ready"
check "router namespace deleted with a live tunnel" ns_del $NS_ROUTER
touch "$D/t9.stop"
check "rmmod after the namespace went" wait_until 20 rmmod vpnpt

tap_done
