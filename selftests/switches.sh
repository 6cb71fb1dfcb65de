#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The protocol switches act on real packets: with a switch off, forwarded
# packets of that protocol are dropped and counted, in both directions, while
# the router's own packets of that protocol still pass and other protocols
# are untouched; switched on again, they pass. Counted at the server with
# nftables counters.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd nft python3 conntrack
NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
PKT="python3 $SELFTESTS_DIR/tools/vpnpt_pkt.py"
vpnpt_unload
on_exit vpnpt_unload
topo_create 1 || { tap_not_ok "topology"; tap_done; }
vpnpt_load || { tap_not_ok "load"; tap_done; }
C1=$(client_ns 1)
SERVER_WAN2=203.0.113.3
nsx $NS_SERVER ip addr add $SERVER_WAN2/$WAN_PREFIX dev wan

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
counted() { # NS KIND
	nsx "$1" nft list counter ip count "c_$2" | awk '/packets/ { print $2 }'
}
stat() { # PROTO COUNTER
	nsx $NS_ROUTER $NL get-stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"][sys.argv[1]][sys.argv[2]])' "$1" "$2"
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
	local label=$1 off=$2 k p want b_srv b_cli b_own
	for k in $KINDS; do
		p=$(proto_of $k)
		b_srv=$(counted $NS_SERVER $k)
		b_cli=$(counted "$C1" $k)
		nsx "$C1" $PKT $SERVER_WAN $k:3
		nsx $NS_SERVER $PKT $ROUTER_WAN $k:2
		if [ "$p" = "$off" ]; then want="0 0"; else want="3 2"; fi
		check_eq "$label: $k LAN->WAN and WAN->LAN" "$want" \
			"$(($(counted $NS_SERVER $k) - b_srv)) $(($(counted "$C1" $k) - b_cli))"
	done
}

# The switches of the router's namespace, set over netlink there.
switch() { # PROTO 0|1
	local bit
	bit=$(($(echo "pptp l2tp ike esp ah natt" | tr ' ' '\n' | grep -nx "$1" | cut -d: -f1) - 1))
	nsx $NS_ROUTER $NL set switches=$(($2 << bit)) mask=$((1 << bit)) >/dev/null
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
ct_count() { # P SRC DST -> "none" or "some"
	local n pat=.
	# Enhanced GRE (keyed by Call ID) only: plain GRE is not PPTP.
	[ "$1" = pptp ] && pat=dstkey=0x1234
	n=$(nsx $NS_ROUTER conntrack -L $(ct_filter $1) -s "$2" -d "$3" 2>/dev/null | grep -c "$pat")
	[ "$n" -gt 0 ] && echo some || echo none
}

round "all on" ""
for p in pptp l2tp ike esp ah natt; do
	b_drop=$(stat $p dropped_disabled)
	k=$p
	[ $p = pptp ] && k=gre1
	nsx "$C1" $PKT $SERVER_WAN "$k:1"
	nsx $NS_ROUTER $PKT $SERVER_WAN2 "$k:1"
	check_eq "$p on: forwarded and router-own conntrack entries" "some some" \
		"$(ct_count $p "$(client_addr 1)" $SERVER_WAN) $(ct_count $p $ROUTER_WAN $SERVER_WAN2)"
	switch $p 0
	check_eq "$p off: forwarded entries torn down, the router's own kept" "none some" \
		"$(ct_count $p "$(client_addr 1)" $SERVER_WAN) $(ct_count $p $ROUTER_WAN $SERVER_WAN2)"
	round "$p off" $p
	# 3 packets out and 2 in; for pptp, of TCP and of GRE.
	want=5
	[ $p = pptp ] && want=10
	check_eq "$p off: dropped packets counted" "$want" "$(($(stat $p dropped_disabled) - b_drop))"
	# To a second server address: ESP, AH and GRE have no ports, so the
	# router's own flow to $SERVER_WAN would take the reply tuple that the
	# clients' masqueraded flows need (the very clash vpnpt exists for).
	b_srv=$(counted $NS_SERVER $p)
	nsx $NS_ROUTER $PKT $SERVER_WAN2 "$p:2"
	check_eq "$p off: the router's own packets still pass" "2" \
		"$(($(counted $NS_SERVER $p) - b_srv))"
	switch $p 1
done
round "all on again" ""
check "passed packets are counted" test "$(stat esp packets)" -gt 0

tap_done
