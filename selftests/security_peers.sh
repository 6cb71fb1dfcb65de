#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# security_spoof.sh with real peers: libreswan clients whose tunnels an
# off-path host attacks by spoofing the server's ESP (issue #13, item 4;
# docs/security.md). The victim's IKE is real, so vpnpt binds with IKE
# evidence, as it does for real clients; a bystander's tunnel is up all along.
#
#   c1 pluto (victim) --+
#   c2 pluto (bystander)+-- br0 [router] wan ----------- [server] pluto
#                              | vpnptctl setup              203.0.113.5
#                             wanx 198.51.100.1
#                              |
#                             [x] 198.51.100.2: sends ESP "from" the server
#                                 to the router's public address
#
#   1. x streams random SPIs while c1 starts its tunnel and pings through it
#      every 0.2 s. The server's ESP, but for the bystander's SPI, is held
#      at the router until a spoofed SPI has taken c1's new SA (checked:
#      the attack works). Once the stream stops, c1's tunnel must be back
#      within a bounded time, on the server's real SPI.
#   2. The same while c1 rekeys its Child SA (CREATE_CHILD_SA).
#   3. c1's conntrack entries deleted (conntrack -D) while it is quiet, the
#      server sends first and goes on: c1's tunnel is back within the same
#      time.
#   Throughout, c2's binding never moves: the server answers on it.
# Before the fix of its commit c1's tunnel stayed dead long after the stream
# had stopped (checks 12, 13, 19 and 20 failed on 6.1): the first spoofed
# SPI, bound by c1's IKE evidence before c1 had sent any ESP, started a
# conntrack entry in c1's zone that c1's own ESP then clashed with.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_peers.sh"

vpnpt_require_root
require_cmd nft python3 ip ping certutil conntrack jq
[ -x "$_PLUTO" ] || skip "libreswan's pluto is not installed"
NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
TOOL="python3 $SELFTESTS_DIR/tools/ipsec_tool.py"
NS_X=${NS_PREFIX}x
SRV=$PEERS_IPSEC_SERVER
# How long after a stream stops a tunnel must be back: the takeover's 3 s,
# pings every 0.2 s, and a TCG guest's slowness (as security_spoof.sh).
BACK=15

vpnpt_unload
on_exit vpnpt_unload
peers_modules
topo_create 2 || { tap_not_ok "topology"; tap_done; }
topo_add_attacker $NS_X || { tap_not_ok "attacker namespace"; tap_done; }
check "pluto starts on the server" ipsec_server_start 2 || tap_done
vpnpt_load || { tap_not_ok "load"; tap_done; }
vpnpt_setup || { tap_not_ok "vpnptctl setup"; tap_done; }
for i in 1 2; do
	nsx "$(client_ns $i)" ip addr add "$(ipsec_inner $i)/32" dev lo
	check "pluto starts in client $i's namespace" \
		pluto_start "$(client_ns $i)" "c$i" _pluto_conf_client $i || tap_done
done

initiate() { ipsec_whack "$(client_ns "$1")" "c$1" --initiate --name vpn --asynchronous >/dev/null 2>&1; }
pinger() { ns_bg "$(client_ns "$1")" "ping-c$1" ping -i 0.2 -W 2 -I "$(ipsec_inner "$1")" $IPSEC_INNER_SERVER; }
# Client I's ESP SPI towards the server (out) or from it (in), once it has
# exactly one Child SA (a rekey's old one deleted).
client_spi() { # I out|in
	local c s
	c=$(client_addr "$1")
	if [ "$2" = out ]; then s="src $c dst $SRV"; else s="src $SRV dst $c"; fi
	nsx "$(client_ns "$1")" ip -o xfrm state list $s proto esp |
		sed -n 's/.* spi \(0x[0-9a-f]*\) .*/\1/p'
}
one_child() { [ "$(client_spi "$1" out | grep -c .)" = 1 ] && [ "$(client_spi "$1" in | grep -c .)" = 1 ]; }
new_sa() { one_child 1 && [ "$(client_spi 1 out)" != "$old" ]; } # $old: c1's last
# watch_binding SPI_OUT SPI_IN : in the background, each binding of SPI_OUT
# other than SPI_IN seen, to $VPNPT_LOGDIR/moved (until killed).
watch_binding() {
	local v
	while :; do
		v=$(spi_in_of "$1")
		[ "$v" = "$2" ] || echo "$v"
		sleep 0.5
	done >"$VPNPT_LOGDIR/moved"
}

# --- the bystander ------------------------------------------------------------------
initiate 2
check "c2 has its SAs" wait_until 60 one_child 2
check "c2's tunnel works" wait_until 30 ipsec_ping 2
pinger 2
x2=$(client_spi 2 out) y2=$(client_spi 2 in)
check_eq "c2's SA is bound to the server's SPI" "$y2" "$(spi_in_of "$x2")"
watch_binding "$x2" "$y2" &
watcher=$!
on_exit kill $watcher

# attack LABEL ACTION... : x's stream of random spoofed SPIs runs, the
# server's ESP held but for c2's, while ACTION brings up a new SA of c1's
# (its old outbound SPI in $old, "" for none); then the stream stops.
attack() {
	local label=$1 from spoofer x1 y1 t0
	shift
	check "$label: the server's ESP held back, c2's passes" hold_server_esp add $SRV "$y2"
	from=$(attacker_rx)
	nsx $NS_X $TOOL send-esp $ROUTER_WAN --spi 0x100 --random \
		--count $((6000 * VPNPT_TIME_SCALE)) --interval 0.01 --src $SRV &
	spoofer=$!
	check "$label: the attacker's stream reaches the router" wait_until 60 stream_on "$from"
	"$@"
	check "$label: c1 has its new SA" wait_until 60 new_sa
	x1=$(client_spi 1 out) y1=$(client_spi 1 in)
	check "$label: the stream takes c1's new SA (the attack works)" \
		wait_until 30 spoofed_bound "$x1" "$y1"
	diag "c1's SA $x1 bound to $(spi_in_of "$x1") during the stream"
	check "$label: the server's ESP let through again" hold_server_esp delete
	ns_kill $NS_X
	wait $spoofer 2>/dev/null
	t0=$SECONDS
	check "$label: stream stopped: c1's tunnel is back within $BACK s" \
		wait_until $BACK ipsec_ping 1
	diag "checked after $((SECONDS - t0)) s"
	check_eq "$label: ... on the server's real SPI" "$y1" "$(spi_in_of "$x1")" ||
		diag "ESP sessions: $(nsx $NS_ROUTER $NL dump-sessions esp)" \
			"router's ESP entries: $(nsx $NS_ROUTER conntrack -L -p 50 2>&1)"
}

# --- 1. c1's first SA -------------------------------------------------------------
start_c1() { initiate 1 && pinger 1; }
old=
attack "new tunnel" start_c1

# --- 2. c1's rekeyed SA -------------------------------------------------------------
old=$(client_spi 1 out)
rekey_c1() { ipsec_whack "$(client_ns 1)" c1 --rekey-ipsec --name vpn >/dev/null 2>&1; }
attack "rekey" rekey_c1

# --- 3. the server sends first into a zone whose flow was deleted ------------------
# c1 is quiet; its conntrack entries are deleted from outside (as a firewall
# reload's conntrack -F does); the server then sends first, and goes on
# sending. Its packets start an entry in c1's zone (server to public
# address), keep it alive, and c1's own packets clash with it: vpnpt deletes
# it (a look from c1's side at most every 3 s).
for p in $(ns_procs "$(client_ns 1)" ping); do kill "$p"; done
z1=$(nsx $NS_ROUTER $NL dump-sessions esp | jq -r --arg c "$(client_addr 1)" \
	'[.[] | select(.client == $c)][0].zone')
sleep 1
nsx $NS_ROUTER conntrack -D -w "$z1" >/dev/null 2>&1
ns_bg $NS_SERVER ping-s ping -i 0.2 -I $IPSEC_INNER_SERVER "$(ipsec_inner 1)"
blocker() { nsx $NS_ROUTER conntrack -L -w "$z1" -p 50 2>/dev/null | grep -q "src=$SRV dst=$ROUTER_WAN \[UNREPLIED\]"; }
check "flushed: the server's packets started an entry in c1's zone $z1" wait_until 10 blocker
t0=$SECONDS
check "flushed: c1's tunnel is back within $BACK s, the server still sending" \
	wait_until $BACK ipsec_ping 1
diag "checked after $((SECONDS - t0)) s"
check_fail "flushed: ... and that entry is gone" blocker
for p in $(ns_procs $NS_SERVER ping); do kill "$p"; done

kill $watcher
check_eq "c2's binding never moved" "" "$(sort -u "$VPNPT_LOGDIR/moved")"
check "c2's tunnel still works" ipsec_ping 2

tap_done
