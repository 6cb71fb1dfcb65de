#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test topology itself: plain TCP, UDP and ICMP from two LAN clients
# reach the server through the masquerading router, and the server sees
# them from the router's public address. Run with and without vpnpt loaded:
# the module must not disturb ordinary traffic.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd nft socat ping
vpnpt_unload
on_exit vpnpt_unload

topo_create 2 || { tap_not_ok "topology"; tap_done; }

# A TCP and a UDP echo service on the server that prefix the peer address.
ns_bg $NS_SERVER tcp-echo socat TCP-LISTEN:7000,fork,reuseaddr \
	SYSTEM:'echo "$SOCAT_PEERADDR $(cat)"'
ns_bg $NS_SERVER udp-echo socat UDP-RECVFROM:7001,fork \
	SYSTEM:'read l; echo "$SOCAT_PEERADDR $l"'
wait_until 5 nsx $NS_SERVER sh -c 'ss -Hltn "sport = :7000" | grep -q .'

forward_round() { # LABEL
	local i ns
	for i in 1 2; do
		ns=$(client_ns $i)
		check "$1: c$i ICMP to the server" nsx "$ns" ping -c2 -i0.2 -W2 -q $SERVER_WAN
		check_eq "$1: c$i TCP seen from the router's address" "$ROUTER_WAN hello$i" \
			"$(echo "hello$i" | nsx "$ns" socat -t3 - TCP:$SERVER_WAN:7000)"
		check_eq "$1: c$i UDP seen from the router's address" "$ROUTER_WAN u$i" \
			"$(echo "u$i" | nsx "$ns" socat -t3 - UDP:$SERVER_WAN:7001)"
	done
	check_fail "$1: the server cannot reach the LAN" \
		nsx $NS_SERVER ping -c1 -W1 -q "$(client_addr 1)"
}

forward_round "without vpnpt"
vpnpt_load
forward_round "with vpnpt"

tap_done
