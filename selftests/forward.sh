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
# The servers wait up to 30 s for the shell's answer after the client's
# end of data (socat's default, 0.5 s, is too short on a loaded guest: the
# shell then writes into a closed channel and the client gets nothing).
ns_bg $NS_SERVER tcp-echo socat -t30 TCP-LISTEN:7000,fork,reuseaddr \
	SYSTEM:'echo "$SOCAT_PEERADDR $(cat)"'
ns_bg $NS_SERVER udp-echo socat -t30 UDP-RECVFROM:7001,fork \
	SYSTEM:'read l; echo "$SOCAT_PEERADDR $l"'
wait_until 5 nsx $NS_SERVER sh -c 'ss -Hltn "sport = :7000" | grep -q .'

# The server's first fork and exec of a shell can take seconds on a loaded
# guest (cold 9p reads), so TCP waits long for the reply: the server closes
# as soon as it has answered, and socat returns then. A UDP datagram may be
# lost, so UDP asks again until it has an answer.
udp_ask() { # NS MESSAGE
	local i out
	for i in 1 2 3 4 5; do
		out=$(echo "$2" | nsx "$1" socat -t2 - UDP:$SERVER_WAN:7001)
		[ -n "$out" ] && break
	done
	echo "$out"
}

forward_round() { # LABEL
	local i ns
	for i in 1 2; do
		ns=$(client_ns $i)
		check "$1: c$i ICMP to the server" nsx "$ns" ping -c2 -i0.2 -W2 -q $SERVER_WAN
		check_eq "$1: c$i TCP seen from the router's address" "$ROUTER_WAN hello$i" \
			"$(echo "hello$i" | nsx "$ns" socat -t20 - TCP:$SERVER_WAN:7000 2>"$VPNPT_LOGDIR/tcp-c$i.err")" ||
			diag "$(cat "$VPNPT_LOGDIR/tcp-c$i.err" "$VPNPT_LOGDIR/tcp-echo.log"
				nsx $NS_SERVER ss -tan; nsx $NS_ROUTER conntrack -L -p tcp 2>&1)"
		check_eq "$1: c$i UDP seen from the router's address" "$ROUTER_WAN u$i" \
			"$(udp_ask "$ns" "u$i")"
	done
	check_fail "$1: the server cannot reach the LAN" \
		nsx $NS_SERVER ping -c1 -W1 -q "$(client_addr 1)"
}

forward_round "without vpnpt"
vpnpt_load
forward_round "with vpnpt"

tap_done
