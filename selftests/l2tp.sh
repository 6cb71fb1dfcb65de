#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# L2TP passthrough with real peers: xl2tpd + pppd as LNS on the server and
# as LAC on two LAN clients behind the masquerading router, both tunnels and
# PPP sessions up at once, passing traffic, listed as sessions with their
# tunnel IDs, and the session gone when a client disconnects.
#
#   c1       10.99.0.11                                           server
#     xl2tpd LAC, ppp0 --+                                          203.0.113.2
#                        +-- br0 [router] wan 203.0.113.1 -------- xl2tpd LNS
#   c2       10.99.0.12  |   masquerade, ct helper "vpnpt-l2tp"     ppp: 192.168.78.1
#     xl2tpd LAC, ppp0 --+   on new udp dport 1701                  clients .10-.20
#
# xl2tpd runs in userspace mode (no l2tp kernel modules) and each instance
# has its own config, control pipe, pid file and a private /run (ip netns
# exec already gives each command its own mount namespace).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_peers.sh"

vpnpt_require_root
require_cmd nft python3 conntrack xl2tpd pppd jq
CTL=$VPNPT_TOP/build/vpnptctl
[ -x "$CTL" ] || skip "build/vpnptctl not built (make tool)"
modprobe -a ppp_generic ppp_async 2>/dev/null || skip "no ppp modules"
vpnpt_unload
on_exit vpnpt_unload
topo_create 2 || { tap_not_ok "topology"; tap_done; }
vpnpt_load || { tap_not_ok "load"; tap_done; }
PPP_SERVER=192.168.78.1

check "helpers attached by vpnptctl setup" vpnpt_setup

l2tp_server_start || diag "LNS not listening"
for i in 1 2; do l2tp_client_start $i; done

check "client 1: PPP over L2TP up" wait_until 60 ppp_up 1 78
check "client 2: PPP over L2TP up" wait_until 60 ppp_up 2 78
check "both clients up at the same time" sh -c "ip netns exec $(client_ns 1) ip -4 addr show dev ppp0 | grep -q 192.168.78. &&
	ip netns exec $(client_ns 2) ip -4 addr show dev ppp0 | grep -q 192.168.78."
check "client 1 pings the LNS through its PPP link" \
	nsx "$(client_ns 1)" ping -c 2 -W 2 -I ppp0 $PPP_SERVER
check "client 2 pings the LNS through its PPP link" \
	nsx "$(client_ns 2)" ping -c 2 -W 2 -I ppp0 $PPP_SERVER

# "CLIENT STATE TID>0 PEER_TID>0 DATA>0" per L2TP session, sorted.
sessions() {
	ctl_sessions l2tp '"\(.client) \(.state) \(.tunnel_id > 0) \(.peer_tunnel_id > 0) \(.packets_in > 0)"'
}
check_eq "both tunnels listed with their tunnel IDs, established, passing data" \
	"$(client_addr 1) established true true true
$(client_addr 2) established true true true" "$(sessions)"
check_eq "two clients behind one address: two public ports on the server side" 2 \
	"$(nsx $NS_ROUTER conntrack -L -p udp --dport 1701 2>/dev/null |
		awk '{ n = 0; for (i = 1; i <= NF; i++) if ($i ~ /^dport=/ && ++n == 2) print $i }' |
		sort -u | grep -c .)"

# Client 1 hangs up: xl2tpd closes the tunnel with StopCCN.
l2tp_client_stop 1
one_left() { [ "$(sessions)" = "$(client_addr 2) established true true true" ]; }
check "client 1's session removed when its tunnel closes" wait_until 20 one_left
check "client 2 still passes traffic" \
	nsx "$(client_ns 2)" ping -c 1 -W 2 -I ppp0 $PPP_SERVER

tap_done
