#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The protocol switches act on real packets: with a switch off, forwarded
# packets of that protocol are dropped and counted, in both directions, while
# the router's own packets of that protocol still pass and other protocols
# are untouched; switched on again, they pass. Counted at the server with
# nftables counters.
#
#   c1 ns 10.99.0.11 --- router ns (vpnpt)  --- server ns 203.0.113.2
#   counters of what       masquerade out of       and 203.0.113.3
#   arrives from the       wan; DNAT of what       counters of what arrives
#   server                 arrives on 203.0.113.1  from the LAN and router
#
# Packets are sent, and netlink asked, by one vpnpt_pkt.py / vpnpt_nl.py
# batch process per namespace (srv, lib.sh): python starts in seconds under
# TCG. A round sends every kind, then waits until plain UDP, sent last and
# never dropped, has arrived; what a switch drops has had the same time.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd nft python3 conntrack
NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
PKT="python3 $SELFTESTS_DIR/tools/vpnpt_pkt.py"
vpnpt_unload
on_exit vpnpt_unload
topo_create 1 || { tap_not_ok "topology"; tap_done; }
vpnpt_load || { tap_not_ok "load"; tap_done; }
# The router's own entries must outlive a switch's round: their packets are
# never answered, and conntrack ends an unanswered GRE or UDP flow after
# 30 s, which a loaded debug kernel's round can take (make check there, on
# 2026-12-06: the router's own GRE entry was gone when pptp was switched
# off). Namespace-local, so the router's namespace only.
nsx $NS_ROUTER sysctl -qw net.netfilter.nf_conntrack_gre_timeout=600 \
	net.netfilter.nf_conntrack_udp_timeout=600 ||
	{ tap_not_ok "conntrack timeouts"; tap_done; }
C1=$(client_ns 1)
SERVER_WAN2=203.0.113.3
nsx $NS_SERVER ip addr add $SERVER_WAN2/$WAN_PREFIX dev wan
srv_start nl $NS_ROUTER $NL batch
srv_start pkt-c1 "$C1" $PKT batch
srv_start pkt-s $NS_SERVER $PKT batch
srv_start pkt-r $NS_ROUTER $PKT batch

# A counter per packet kind in the server's input path, and the same in the
# client's, for packets the server sends back into the LAN.
counters() { # NS
	nsx "$1" nft -f - <<-END
		table ip count {
			counter c_pptp {}
			counter c_gre1 {}
			counter c_gre0 {}
			counter c_l2tp {}
			counter c_ike {}
			counter c_natt {}
			counter c_esp {}
			counter c_ah {}
			counter c_udp {}
			chain input {
				type filter hook input priority 0;
				tcp dport 1723 counter name c_pptp
				ip protocol gre @th,0,16 0x3001 counter name c_gre1
				ip protocol gre @th,0,16 0x0000 counter name c_gre0
				udp dport 1701 counter name c_l2tp
				udp dport 500 counter name c_ike
				udp dport 4500 counter name c_natt
				ip protocol esp counter name c_esp
				ip protocol ah counter name c_ah
				udp dport 7777 counter name c_udp
			}
		}
	END
}
# counted NS ARRAY : all the counters of NS at once, ARRAY[KIND]=packets.
counted() {
	local -n _c=$2
	local line kind=
	_c=()
	while read -r line; do
		case $line in
		"counter c_"*) kind=${line#counter c_} kind=${kind%% *} ;;
		"packets "*) line=${line#packets } _c[$kind]=${line%% *} ;;
		esac
	done <<<"$(nsx "$1" nft list counters table ip count)"
}
# arrived NS ARRAY KIND N : counted NS ARRAY shows at least N packets of KIND.
arrived() { counted "$1" "$2" && local -n _a=$2 && [ "${_a[$3]:-0}" -ge "$4" ]; }
stat() { # PROTO COUNTER
	srv nl get-stats "|" "stats.$1.$2"
}
counters $NS_SERVER
counters "$C1"
# Let the server's packets reach the client through the NAT without a
# session: a static DNAT of what arrives on the router's WAN address.
nsx $NS_ROUTER nft -f - <<END
table ip t_portfwd {
	chain c_pre {
		type nat hook prerouting priority dstnat;
		iifname "wan" ip daddr $ROUTER_WAN meta l4proto { gre, esp, ah, udp } dnat to $(client_addr 1)
		iifname "wan" ip daddr $ROUTER_WAN tcp dport 1723 dnat to $(client_addr 1)
	}
}
END

KINDS="pptp gre1 gre0 l2tp ike natt esp ah udp"
proto_of() {
	case $1 in gre1) echo pptp ;; gre0 | udp) echo none ;; *) echo "$1" ;; esac
}

round() { # LABEL SWITCH-OFF-PROTO
	local label=$1 off=$2 k p want
	local -A b_srv b_cli a_srv a_cli
	counted $NS_SERVER b_srv
	counted "$C1" b_cli
	# Each kind from both sides, in $KINDS order: plain UDP last.
	for k in $KINDS; do
		srv pkt-c1 $SERVER_WAN $k:3 >/dev/null
		srv pkt-s $ROUTER_WAN $k:2 >/dev/null
	done
	# The counts once plain UDP has arrived.
	wait_until 10 arrived $NS_SERVER a_srv udp $((b_srv[udp] + 3))
	wait_until 10 arrived "$C1" a_cli udp $((b_cli[udp] + 2))
	for k in $KINDS; do
		p=$(proto_of $k)
		if [ "$p" = "$off" ]; then want="0 0"; else want="3 2"; fi
		check_eq "$label: $k LAN->WAN and WAN->LAN" "$want" \
			"$((a_srv[$k] - b_srv[$k])) $((a_cli[$k] - b_cli[$k]))"
	done
}

# The switches of the router's namespace, set over netlink there.
switch() { # PROTO 0|1
	local bit=0 p
	for p in pptp l2tp ike esp ah natt; do
		[ "$p" = "$1" ] && break
		bit=$((bit + 1))
	done
	srv nl set switches=$(($2 << bit)) mask=$((1 << bit)) >/dev/null
}

# Conntrack entries of protocol P in the router: forwarded from client 1, and
# the router's own to the second server address.
ct_filter() { # P
	case $1 in
	pptp) echo "-p gre" ;;
	l2tp) echo "-p udp --dport 1701" ;;
	ike) echo "-p udp --dport 500" ;;
	natt) echo "-p udp --dport 4500" ;;
	esp) echo "-p 50" ;;
	ah) echo "-p 51" ;;
	esac
}
# ct_count P : for the forwarded flow (client 1 to the server) and the
# router's own (to the second server address), "none" or "some" entries.
ct_count() {
	local line pat='' fwd=none own=none
	# Enhanced GRE (keyed by Call ID) only: plain GRE is not PPTP.
	[ "$1" = pptp ] && pat=dstkey=0x1234
	while read -r line; do
		[[ $line == *"$pat"* ]] || continue
		# The first src= dst= are the original direction's (-s, -d).
		[[ $line =~ src=([0-9.]+)\ dst=([0-9.]+) ]] || continue
		case ${BASH_REMATCH[1]}-${BASH_REMATCH[2]} in
		"$(client_addr 1)-$SERVER_WAN") fwd=some ;;
		"$ROUTER_WAN-$SERVER_WAN2") own=some ;;
		esac
	done <<<"$(nsx $NS_ROUTER conntrack -L $(ct_filter $1) 2>/dev/null)"
	echo "$fwd $own"
}

# The forward hooks are registered only while a switch is off: does a
# forwarded UDP packet (of no VPN protocol) run vpnpt_forward4?
kprobe_count vpnpt_sw_fwd4 vpnpt_forward4
forward_one_udp() {
	local -A h_b h_a
	counted $NS_SERVER h_b
	srv pkt-c1 $SERVER_WAN udp:1 >/dev/null
	wait_until 10 arrived $NS_SERVER h_a udp $((h_b[udp] + 1))
}
check_hooked() { # DESCRIPTION yes|no
	check_called "$1" "$2" vpnpt_sw_fwd4 forward_one_udp
}

declare -A b_srv a_srv
check_hooked "all on: no forward hook" no
round "all on" ""
for p in pptp l2tp ike esp ah natt; do
	b_drop=$(stat $p dropped_disabled)
	k=$p
	[ $p = pptp ] && k=gre1
	srv pkt-c1 $SERVER_WAN "$k:1" >/dev/null
	srv pkt-r $SERVER_WAN2 "$k:1" >/dev/null
	check_eq "$p on: forwarded and router-own conntrack entries" "some some" "$(ct_count $p)"
	switch $p 0
	b_pk=$(stat $p packets)
	check_hooked "$p off: the forward hook is registered" yes
	check_eq "$p off: forwarded entries torn down, the router's own kept" "none some" \
		"$(ct_count $p)"
	round "$p off" $p
	# 3 packets out and 2 in; for pptp, of TCP and of GRE.
	want=5
	[ $p = pptp ] && want=10
	check_eq "$p off: dropped packets counted" "$want" "$(($(stat $p dropped_disabled) - b_drop))"
	# To a second server address: ESP, AH and GRE have no ports, so the
	# router's own flow to $SERVER_WAN would take the reply tuple that the
	# clients' masqueraded flows need (the very clash vpnpt exists for).
	counted $NS_SERVER b_srv
	srv pkt-r $SERVER_WAN2 "$p:2" >/dev/null
	wait_until 10 arrived $NS_SERVER a_srv $p $((b_srv[$p] + 2))
	check_eq "$p off: the router's own packets still pass" "2" \
		"$((a_srv[$p] - b_srv[$p]))"
	# Neither the dropped forwarded packets nor the router's own.
	check_eq "$p off: no packet counted as passed" "0" \
		"$(($(stat $p packets) - b_pk))"
	switch $p 1
	check_hooked "$p on again: the forward hook is gone" no
done
b_ah=$(stat ah packets)
round "all on again" ""
check "passed packets are counted" test "$(stat esp packets)" -gt 0
# AH: each forwarded packet, 3 out and 2 in (ESP: those of known SAs only).
check_eq "passed AH packets are counted" "5" "$(($(stat ah packets) - b_ah))"
# Two switches off, then one on again: the hook stays until both are on.
switch esp 0
switch ah 0
switch esp 1
check_hooked "ah still off: the forward hook stays" yes
switch ah 1
check_hooked "all on: the forward hook is gone" no

tap_done
