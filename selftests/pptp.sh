#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PPTP through the masquerading router with real peers: pptpd in the server
# namespace, pptp-linux + pppd clients in the LAN, all to the same server at
# once, with vpnpt's helper attached by `vpnptctl setup` and the kernel's own
# nf_conntrack_pptp loaded beside it (the two must coexist).
#
#   c1 (pppd+pptp) --+                                       server
#   10.99.0.11       |    router                             203.0.113.2
#   c2 (pppd+pptp) --+-- br0 [vpnpt-pptp, masquerade] wan -- pptpd, pppd
#   10.99.0.12       |                                       ppp: 192.168.77.1
#   c3 (pppd+pptp) --+                 ppp peers 192.168.77.11..
#
# Checked: every client's ppp link comes up and passes traffic end to end;
# the session table lists one established call per client with distinct
# outside Call IDs; GRE flows are tracked per call; after the clients hang
# up no vpnpt session, expectation or GRE flow is left; the pptp switch off
# blocks new calls and on again lets them through.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_peers.sh"

vpnpt_require_root
require_cmd pptpd pptp pppd nft conntrack python3
CTL=$VPNPT_TOP/build/vpnptctl
[ -x "$CTL" ] || skip "vpnptctl not built (make tool)"
NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
N=${VPNPT_PPTP_CLIENTS:-3}
D=$VPNPT_LOGDIR

modprobe -a ppp_generic ppp_async nf_conntrack_pptp 2>/dev/null ||
	skip "ppp or nf_conntrack_pptp modules missing"
vpnpt_unload
on_exit vpnpt_unload
topo_create "$N" || { tap_not_ok "topology"; tap_done; }
vpnpt_load || { tap_not_ok "load"; tap_done; }
check "vpnptctl setup attaches the helpers" nsx $NS_ROUTER "$CTL" setup

pptp_server_start || diag "pptpd does not listen"
start_client() { pptp_client_start "$@"; }
stop_client() { pptp_client_stop "$@"; }
sessions_json() { nsx $NS_ROUTER "$CTL" -j sessions; }
# count_sessions STATE : PPTP sessions in that state ("" = any)
count_sessions() {
	sessions_json | python3 -c '
import json, sys
want = sys.argv[1]
s = [x for x in json.load(sys.stdin) if x["proto"] == "pptp" and (not want or x["state"] == want)]
print(len(s))' "$1"
}
gre_flows() { nsx $NS_ROUTER conntrack -L -p gre 2>/dev/null | grep -c 'dst=203.0.113' || true; }
vpnpt_expects() { nsx $NS_ROUTER conntrack -L expect 2>/dev/null | grep -c 'proto=47' || true; }

for ((i = 1; i <= N; i++)); do start_client $i; done
for ((i = 1; i <= N; i++)); do
	if ! check "client $i: ppp link up" wait_until 60 ppp_up $i; then
		diag "pppd log of c$i:"
		tail -15 "$D/pppd-c$i.log" | sed 's/^/#   /'
	fi
done
for ((i = 1; i <= N; i++)); do
	check "client $i: ping the server through the tunnel" \
		nsx "$(client_ns $i)" ping -c 3 -i 0.3 -W 2 -q 192.168.77.1
done

check_eq "one established PPTP session per client" "$N" "$(count_sessions established)"
outs=$(sessions_json | python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin) if x["proto"] == "pptp"]
print(len({x["call_id_outside"] for x in s}), len({x["client"] for x in s}))')
check_eq "outside Call IDs and clients are distinct" "$N $N" "$outs"
check "GRE flows of every call are tracked" test "$(gre_flows)" -ge "$N"
pk=$(sessions_json | python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin) if x["proto"] == "pptp"]
print(min(min(x["packets_out"], x["packets_in"]) for x in s) > 0)')
check_eq "every session counted GRE packets both ways" "True" "$pk"

# --- hang up: nothing left -------------------------------------------------------
for ((i = 1; i <= N; i++)); do stop_client $i; done
no_sessions() { [ "$(count_sessions '')" = 0 ]; }
no_gre() { [ "$(gre_flows)" = 0 ]; }
check "sessions end when the clients hang up" wait_until 30 no_sessions
check_eq "no GRE expectation left" 0 "$(vpnpt_expects)"
check "no GRE flow left" wait_until 10 no_gre
st=$(nsx $NS_ROUTER "$CTL" -j stats | python3 -c '
import json, sys
p = json.load(sys.stdin)["pptp"]
print(p["sessions_created"] >= '"$N"', p["sessions_active"])')
check_eq "stats: sessions created, none active" "True 0" "$st"

# --- the switch ----------------------------------------------------------------------
nsx $NS_ROUTER $NL set switches=0 mask=1 >/dev/null
start_client 1
check_fail "pptp off: no link" wait_until 8 ppp_up 1
stop_client 1
check "pptp off: client 1's pppd ends" wait_until 10 pptp_client_gone 1
nsx $NS_ROUTER $NL set switches=1 mask=1 >/dev/null
start_client 1
if ! check "pptp on again: link up" wait_until 60 ppp_up 1; then
	tail -12 "$D/pppd-c1.log" | sed 's/^/#   /'
	nsx $NS_ROUTER conntrack -L 2>&1 | sed 's/^/#   /'
fi
check "and passes traffic" nsx "$(client_ns 1)" ping -c 2 -i 0.3 -W 2 -q 192.168.77.1

# --- rmmod with a live call ----------------------------------------------------------
check "vpnptctl teardown" nsx $NS_ROUTER "$CTL" teardown
check "rmmod with a live call" rmmod vpnpt
check_eq "no expectation left after rmmod" 0 "$(vpnpt_expects)"
tap_done
