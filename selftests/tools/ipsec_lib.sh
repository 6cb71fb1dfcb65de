# SPDX-License-Identifier: GPL-2.0
#
# Shared by selftests/ipsec*.sh and vpnptctl.sh (sourced after lib.sh): N
# LAN clients with manually keyed tunnel-mode ESP SAs (ip xfrm, AES-GCM) to
# one server through the masquerading router.
#
#   client i: SA out spi_x(i, gen) c_i -> s, SA in spi_y(i, gen) s -> c_i,
#   inner address 10.200.i.1; server inner 10.201.0.1; the server's SAs name
#   the router's WAN address as the peer.

NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
TOOL="python3 $SELFTESTS_DIR/tools/ipsec_tool.py"
N=${N:-3}
PUB=$ROUTER_WAN
SRV=$SERVER_WAN
INNER_S=10.201.0.1
KEY=0x0123456789abcdef0123456789abcdef01234567
vpnpt_unload
on_exit vpnpt_unload
modprobe -a esp4 xfrm_user gcm ctr ghash_generic 2>/dev/null
topo_create $N || { tap_not_ok "topology"; tap_done; }
nsx $NS_SERVER ip addr add $INNER_S/32 dev lo
nsx $NS_SERVER ip route add 10.200.0.0/16 via $PUB

inner() { echo "10.200.$1.1"; }
spi_x() { printf '0x%08x' $((0x0a000000 + $1 + ${2:-0} * 0x100)); } # client -> server
spi_y() { printf '0x%08x' $((0x0b000000 + $1 + ${2:-0} * 0x100)); } # server -> client

state() { # NS SRC DST SPI REQID (again once: the first may race crypto module loading)
	local try
	for try in 1 2; do
		nsx "$1" ip xfrm state add src "$2" dst "$3" proto esp spi "$4" reqid "$5" \
			mode tunnel aead 'rfc4106(gcm(aes))' $KEY 128 && return 0
	done
	return 1
}
# tunnel_states I GEN: the SAs of client I, generation GEN (0, then
# rekeys). Inbound SAs first, then the client's outbound, then the
# server's: the newest outbound SA is used at once, and a peer must be able
# to read it by then (make before break, as IKE does).
tunnel_states() { tunnel_states_but_server_out "$@" && tunnel_state_server_out "$@"; }
tunnel_states_but_server_out() { # I GEN
	local i=$1 g=$2 c
	c=$(client_addr "$i")
	state $NS_SERVER $PUB $SRV "$(spi_x "$i" "$g")" "$i" &&
		state "$(client_ns "$i")" $SRV "$c" "$(spi_y "$i" "$g")" "$i" &&
		state "$(client_ns "$i")" "$c" $SRV "$(spi_x "$i" "$g")" "$i"
}
tunnel_state_server_out() { state $NS_SERVER $SRV $PUB "$(spi_y "$1" "$2")" "$1"; } # I GEN
tunnel_policies() {
	local i=$1 c ns
	c=$(client_addr "$i")
	ns=$(client_ns "$i")
	nsx "$ns" ip addr add "$(inner "$i")/32" dev lo
	nsx "$ns" ip xfrm policy add src "$(inner "$i")/32" dst $INNER_S/32 dir out \
		tmpl src "$c" dst $SRV proto esp reqid "$i" mode tunnel
	nsx "$ns" ip xfrm policy add src $INNER_S/32 dst "$(inner "$i")/32" dir in \
		tmpl src $SRV dst "$c" proto esp reqid "$i" mode tunnel
	nsx $NS_SERVER ip xfrm policy add src $INNER_S/32 dst "$(inner "$i")/32" dir out \
		tmpl src $SRV dst $PUB proto esp reqid "$i" mode tunnel
	nsx $NS_SERVER ip xfrm policy add src "$(inner "$i")/32" dst $INNER_S/32 dir in \
		tmpl src $PUB dst $SRV proto esp reqid "$i" mode tunnel
}
tunnel_ping() { # I : one ping through client I's tunnel
	nsx "$(client_ns "$1")" ping -c1 -W1 -q -I "$(inner "$1")" $INNER_S
}
tunnel_up() { wait_until "${2:-5}" tunnel_ping "$1"; }

# "client spi_out spi_in" of every ESP session, sorted.
esp_sessions() {
	nsx $NS_ROUTER $NL dump-sessions esp | python3 -c '
import json, sys
for s in sorted(json.load(sys.stdin), key=lambda s: (s["client"], s["spi_out"], s["spi_in"])):
    print(s["client"], s["spi_out"], s["spi_in"])'
}
expected_sessions() { # GEN...
	local i g
	for ((i = 1; i <= N; i++)); do
		for g in "$@"; do
			echo "$(client_addr $i) $(spi_x $i $g) $(spi_y $i $g)"
		done
	done | sort
}
stat() { # PROTO COUNTER
	nsx $NS_ROUTER $NL get-stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"][sys.argv[1]][sys.argv[2]])' "$1" "$2"
}

