#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Option ike-keep-port: every client's IKE to a server keeps source port 500.
#
#   c1       10.99.0.11 :500 --+
#                              +-- br0 [router] wan 203.0.113.1 ---- 203.0.113.2 [server]
#   c2       10.99.0.12 :500 --+   masquerade, vpnptctl setup         ike_port.py server :500
#                                  (libreswan part: server 203.0.113.5)
#
# Exact packets (selftests/tools/ike_port.py): without the option the second
# client's IKE reaches the server from another port; with it both come from
# 203.0.113.1:500, each answer reaches its own client, a message on a known
# SPI reaches that SPI's client, a message on SPIs nobody sent yet (an IKE SA
# the server starts or rekeys) reaches the client last active with the
# server, but the router's own IKE keeps its answers; stats and sessions
# show it; turning the option off removes the
# clients' zoned conntrack entries. Datagrams spoofed from the server's
# address with random SPIs, learnt for the last active client, never push
# out the SPIs a client sent: its IKE still works both ways. Each client's
# keep-port state is an IKE session without SPIs in its zone, under
# max-client-sessions; the hook is registered only while the option is on
# (kprobe). Then two real libreswan clients (IKEv2,
# raw ESP) with the option on: both tunnels up through port 500 at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_peers.sh"

vpnpt_require_root
require_cmd nft python3 conntrack jq mkfifo
CTL=$VPNPT_TOP/build/vpnptctl
[ -x "$CTL" ] || skip "build/vpnptctl not built (make tool)"
TOOL="python3 $SELFTESTS_DIR/tools/ike_port.py"
D=$VPNPT_LOGDIR

vpnpt_unload
on_exit vpnpt_unload
topo_create 2 || { tap_not_ok "topology"; tap_done; }
vpnpt_load || { tap_not_ok "load"; tap_done; }
check "helpers attached by vpnptctl setup" vpnpt_setup
ctl() { nsx $NS_ROUTER "$CTL" "$@"; }

check_eq "ike-keep-port is off by default" "false" "$(ctl -j status | jq -c .ike_keep_port)"

# The keep-port hook is registered only while the option is on: does a
# packet into the router run vpnpt_keepport_pre?
kprobe_count vpnpt_kp_pre vpnpt_keepport_pre
check_hooked() { # DESCRIPTION yes|no
	check_called "$1" "$2" vpnpt_kp_pre \
		nsx "$(client_ns 1)" ping -c1 -W2 -q $ROUTER_LAN
}
check_hooked "off: the keep-port hook is not registered" no

mkfifo "$D/ike.ctl"
TOOL_PIDS=()
# The server outlives every write to its fifo (a write blocks once it is
# gone), on a slow debug guest too.
ns_bg $NS_SERVER ike-server $TOOL server --log "$D/server.log" \
	--control "$D/ike.ctl" --seconds 300
TOOL_PIDS+=($!)
wait_until 10 nsx $NS_SERVER sh -c 'ss -Hlun "sport = :500" | grep -q .'

# client I ISPI SECONDS: client I's IKE_SA_INIT, then it listens S seconds
client() {
	ns_bg "$(client_ns "$1")" "ike-c$1-$2" $TOOL client --server $SERVER_WAN \
		--ispi "$2" --log "$D/c$1-$2.log" --seconds "$3"
	TOOL_PIDS+=($!)
}
# seen_from ISPI: where the server saw the request with that initiator SPI
seen_from() { awk -v s="$1" '$1 == s && $2 == "0000000000000000" { print $3; exit }' "$D/server.log"; }
# answered LOG ISPI: the answer to the request with that initiator SPI is in LOG
reply_of() { printf '%016x' $((0x$1 ^ 0x5a5a5a5a5a5a5a5a)); }
answered() { grep -qx "$2 $(reply_of "$2")" "$1" 2>/dev/null; }

# --- without the option: what plain NAT does -----------------------------------
A=00000000000000a1 B=00000000000000b2
# A client sends one request and waits up to 20 s for its answer (a loaded
# TCG guest can stall for seconds); it is stopped once its checks are done.
client 1 $A 20
APID=${TOOL_PIDS[-1]}
wait_until 20 answered "$D/c1-$A.log" $A
client 2 $B 20
BPID=${TOOL_PIDS[-1]}
check "off: client 1 answered" wait_until 20 answered "$D/c1-$A.log" $A
check "off: client 2 answered" wait_until 20 answered "$D/c2-$B.log" $B
check_eq "off: client 1 seen from the router's port 500" "$ROUTER_WAN:500" "$(seen_from $A)"
b_from=$(seen_from $B)
check "off: client 2 seen from another port ($b_from)" \
	sh -c "[ '${b_from%:*}' = $ROUTER_WAN ] && [ '${b_from#*:}' != 500 ]"
kill "$APID" "$BPID" 2>/dev/null
wait "$APID" "$BPID" 2>/dev/null
nsx $NS_ROUTER conntrack -F >/dev/null 2>&1

# --- with the option --------------------------------------------------------
check "vpnptctl set ike-keep-port on" ctl set ike-keep-port on
check_eq "status shows it" "ike-keep-port on" "$(ctl status | grep ^ike-keep-port)"
check_hooked "on: the hook is registered" yes
C=00000000000000c3 E=00000000000000e5
client 1 $C 60
C1PID=${TOOL_PIDS[-1]}
check "on: client 1 answered" wait_until 20 answered "$D/c1-$C.log" $C
# A host on the internet spoofs the server: IKE headers from its address
# and port 500 with random SPIs, while client 1 is the last active one.
# They reach client 1 (the last-active fallback), but their SPIs must not
# push out C, which client 1 sent: once client 2 is the last active client,
# the server's next message on C must still reach client 1.
check "spoofer: 200 IKE headers from the server's address, random SPIs" \
	nsx $NS_SERVER $TOOL spoof --src $SERVER_WAN --dst $ROUTER_WAN --count 200
wait_until 10 sh -c "[ \$(wc -l <'$D/c1-$C.log') -ge 150 ]"
# ... and, through client 1's IKE flow, they passed the IKE helper: no IKE
# session of client 1's for any of them (each used to start one, up to the
# client's cap: only the client's own messages start an IKE SA now).
check_eq "spoofer: its headers started no IKE session of client 1's" "0" \
	"$(ctl -j sessions proto ike | jq --arg a $A --arg c $C '[.[] |
		select(.client == "10.99.0.11" and .ike_spi_i != $a and
			.ike_spi_i != $c and .ike_spi_i != "0000000000000000")] | length')"
client 2 $E 60
C2PID=${TOOL_PIDS[-1]}
check "on: client 2 answered" wait_until 20 answered "$D/c2-$E.log" $E
check_eq "on: client 1 seen from port 500" "$ROUTER_WAN:500" "$(seen_from $C)"
check_eq "on: client 2 seen from port 500" "$ROUTER_WAN:500" "$(seen_from $E)"
check_eq "no answer reached the other client" "" \
	"$(grep -h -e "^$E" "$D/c1-$C.log"; grep -h -e "^$C" "$D/c2-$E.log")"
check_eq "two IKE flows in zones of their own" "2" \
	"$(nsx $NS_ROUTER conntrack -L -p udp --dport 500 2>/dev/null | grep -c 'zone=')"
check_eq "stats: ike_port_kept 2" "2" "$(ctl -j stats | jq .ike.ike_port_kept)"
check_eq "sessions: each client's IKE SA in a zone of its own" "10.99.0.11 $C true
10.99.0.12 $E true" \
	"$(ctl -j sessions proto ike | jq -r --arg c $C --arg e $E '.[] |
		select(.ike_spi_i == $c or .ike_spi_i == $e) |
		"\(.client) \(.ike_spi_i) \((.zone // 0) >= 32768)"' | sort)"
check_eq "sessions: each client's keep-port state, an IKE session without SPIs in its zone, answered" \
	"10.99.0.11 $SERVER_WAN established true
10.99.0.12 $SERVER_WAN established true" \
	"$(ctl -j sessions proto ike | jq -r '.[] |
		select(.ike_spi_i == "0000000000000000") |
		"\(.client) \(.server) \(.state) \((.zone // 0) >= 32768)"' | sort)"

# A message on client 1's known SPIs goes to client 1, though client 2 was
# active last; one on SPIs nobody has sent goes to client 2.
echo "send $C 1111111111111111 $ROUTER_WAN" >"$D/ike.ctl"
check "known SPI, after the spoofing: reaches client 1" wait_until 10 grep -qx "$C 1111111111111111" "$D/c1-$C.log" ||
	{ diag "$(cat "$D/server.log" "$D/c1-$C.log" "$D/ike-server.log"; nsx $NS_ROUTER conntrack -L 2>&1)"; }
echo "send 00000000000000f6 2222222222222222 $ROUTER_WAN" >"$D/ike.ctl"
check "new SPIs: reach the last active client (2)" \
	wait_until 10 grep -qx "00000000000000f6 2222222222222222" "$D/c2-$E.log"
check_eq "... and neither reached the other client" "" \
	"$(grep -h 1111111111111111 "$D/c2-$E.log"; grep -h 2222222222222222 "$D/c1-$C.log")"
# And client 1's own request on its IKE SA, after the spoofing: answered.
kill -USR1 "$C1PID"
check "client 1's new request on its IKE SA answered" wait_until 20 \
	sh -c "[ \$(grep -cx '$C $(reply_of $C)' '$D/c1-$C.log') -ge 2 ]"
check_eq "... and it reached the server from port 500" "$ROUTER_WAN:500" \
	"$(awk -v s=$C -v r="$(reply_of $C)" '$1 == s && $2 == r { print $3; exit }' "$D/server.log")"

# The router's own IKE with the server (default zone) keeps its answers,
# though they are on SPIs no client has sent.
R=00000000000000d4
ns_bg $NS_ROUTER ike-router $TOOL client --server $SERVER_WAN --ispi $R \
	--log "$D/router-$R.log" --seconds 10
TOOL_PIDS+=($!)
check "the router's own IKE is answered" wait_until 10 answered "$D/router-$R.log" $R
check_eq "... and its answer reached no client" "" \
	"$(grep -h "^$R" "$D/c1-$C.log" "$D/c2-$E.log")"

check "vpnptctl set ike-keep-port off" ctl set ike-keep-port off
check_hooked "off again: the hook is gone" no
check_eq "off again: no keep-port session is left" "0" \
	"$(ctl -j sessions proto ike | jq '[.[] | select(.ike_spi_i == "0000000000000000")] | length')"
check "off again: the zoned IKE conntrack entries are gone" wait_until 10 \
	sh -c "! ip netns exec $NS_ROUTER conntrack -L -p udp --dport 500 2>/dev/null | grep -q zone="
check_eq "bad value refused by vpnptctl" "vpnptctl: set: ike-keep-port: 'yes' is neither on nor off" \
	"$(ctl set ike-keep-port yes 2>&1)"
check_eq "bad value refused by the kernel" "ERANGE true" \
	"$(nsx $NS_ROUTER python3 $SELFTESTS_DIR/tools/vpnpt_nl.py set ike_keep_port=2 |
		jq -r '"\(.error) \(.extack | length > 0)"')"

# The keep-port state is a session of the client's: with max-client-sessions
# 1 it takes the client's one place, and the IKE SA the helper sees next is
# refused; the client keeps port 500 and gets its answer all the same.
kill "$C1PID" "$C2PID" 2>/dev/null
wait "$C1PID" "$C2PID" 2>/dev/null
ctl flush ike >/dev/null
check "max-client-sessions 1" ctl set max-client-sessions 1
check "on again" ctl set ike-keep-port on
G=00000000000000a7
refused=$(ctl -j stats | jq .ike.sessions_refused)
client 2 $G 20
check "at its cap: client 2 answered" wait_until 20 answered "$D/c2-$G.log" $G
check_eq "... from port 500" "$ROUTER_WAN:500" "$(seen_from $G)"
check_eq "... its one session is its keep-port state" "10.99.0.12 0000000000000000" \
	"$(ctl -j sessions | jq -r '.[] | select(.client == "10.99.0.12") | "\(.client) \(.ike_spi_i)"')"
# Refused once, for the request: the server's answer does not try again
# (the server's side never starts an IKE SA).
check_eq "... its IKE SA refused (the request)" "$((refused + 1))" "$(ctl -j stats | jq .ike.sessions_refused)"
check "max-client-sessions back to 256" ctl set max-client-sessions 256
ctl flush ike >/dev/null

# --- real peers: two libreswan clients, IKEv2, raw ESP, port 500 --------------
both_ping() { ipsec_ping 1 && ipsec_ping 2; }
if [ -x /usr/libexec/ipsec/pluto ]; then
	kill "${TOOL_PIDS[@]}" 2>/dev/null
	wait "${TOOL_PIDS[@]}" 2>/dev/null
	peers_modules
	check "on again" ctl set ike-keep-port on
	nsx $NS_ROUTER conntrack -F >/dev/null 2>&1
	ipsec_server_start 2 || diag "server pluto did not start"
	# One after the other: pluto as a server picks the connection of an
	# IKE_SA_INIT by address and port, which both clients now share, and
	# two clients authenticating at the same moment can be crossed there
	# (simultaneous starts are ipsec_peers' part, with ports translated).
	for i in 1 2; do
		ipsec_client_start $i
		check "libreswan client $i: tunnel passes traffic" wait_until 120 ipsec_ping $i ||
			diag "$(tail -25 "$D/pluto-c$i.log"; grep -a "c$i" "$D/pluto-server.log" | tail -20
				nsx $NS_ROUTER conntrack -L 2>&1; ctl sessions; ctl stats)"
	done
	check "both at once" both_ping
	check_eq "both IKE flows kept port 500" "2" \
		"$(nsx $NS_ROUTER conntrack -L -p udp --orig-port-dst 500 2>/dev/null |
			grep -c "dst=$ROUTER_WAN sport=500 dport=500 .*zone=")"
else
	diag "libreswan not installed: real-peer part not run"
	tap_not_ok "libreswan real peers"
fi

tap_done
