#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Stress: the router namespace deleted while it holds live sessions.
# $VPNPT_STRESS_ITER (100) times: a new router namespace is made between a
# LAN client and the server (veths, forwarding, masquerade, vpnptctl setup),
# the client's steady traffic of every kind (vpnpt_flood.py, running all
# along) and the server's ESP reflector make sessions in it, and it is
# deleted with them live (its vpnpt state, helpers, zones, conntrack entries
# and pending work go with it). Meant for the debug kernel.
#
#   c1 10.99.0.11 --- [rnN, made and deleted] --- s 203.0.113.2
#
# Checked: every namespace held live sessions when deleted; no kernel
# report; the initial namespace and the module still work (netlink, a
# fresh router namespace passes traffic and makes sessions with a
# consistent gauge); rmmod works once the last namespace is gone.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd nft conntrack python3 jq ip
. "$SELFTESTS_DIR/tools/stress_lib.sh"
TOOL="python3 $SELFTESTS_DIR/tools/ipsec_tool.py"
C1=$(client_ns 1)
RF=${NS_PREFIX}rfresh
CA=$(client_addr 1)

vpnpt_unload
on_exit vpnpt_unload
vpnpt_load || { tap_not_ok "load"; tap_done; }
for ns in $C1 $NS_SERVER; do _ns_add $ns || { tap_not_ok "topology"; tap_done; }; done
nsx $NS_SERVER ip addr add $SERVER_WAN/$WAN_PREFIX dev lo
ns_bg $NS_SERVER reflect $TOOL reflect --map 0x40000000 --seconds 900
flood_start c1 "$C1" $SERVER_WAN --flows 4 --pause 0.02 --fresh

# router_up NS : the router namespace between the client and the server,
# helpers attached (few programs: ip -b and one shell in it).
router_up() {
	local r=$1
	ip netns add $r || return 1
	ip -b - <<-END || return 1
		link add lan netns $r type veth peer name eth0 netns $C1
		link add wan netns $r type veth peer name wan netns $NS_SERVER
	END
	ip -n $C1 -b - <<-END || return 1
		addr add $CA/$LAN_PREFIX dev eth0
		link set eth0 up
		route add default via $ROUTER_LAN
	END
	ip -n $NS_SERVER -b - <<-END || return 1
		link set wan up
		route replace $ROUTER_WAN/32 dev wan
	END
	ip netns exec $r sh -c "
		echo 1 >/proc/sys/net/ipv4/ip_forward
		ip -b - <<-EOF
			link set lo up
			addr add $ROUTER_LAN/$LAN_PREFIX dev lan
			link set lan up
			addr add $ROUTER_WAN/$WAN_PREFIX dev wan
			link set wan up
			route add $SERVER_WAN/32 dev wan
		EOF
		nft add table ip nat &&
		nft add chain ip nat post '{ type nat hook postrouting priority srcnat; }' &&
		nft add rule ip nat post oifname wan masquerade &&
		$CTL setup >/dev/null"
}
# live NS : sessions in NS now (no jq: starting programs is what costs)
live() {
	local s t
	s=$(nsx "$1" "$CTL" -j sessions 2>/dev/null) || { echo 0; return; }
	t=${s//\"proto\"/}
	echo $(((${#s} - ${#t}) / 7))
}

t0=$SECONDS
made=0 held=0 total=0
for ((i = 0; i < ITER; i++)); do
	r=${NS_PREFIX}rn$i
	router_up $r || { diag "router namespace $i: setup failed"; ns_del $r 2>/dev/null; break; }
	made=$((made + 1))
	# Sessions appear as the flood's next rounds pass (every 20 ms).
	n=0
	for ((k = 0; k < 50; k++)); do
		nap 0.1
		n=$(live $r)
		[ "$n" -ge 3 ] && break
	done
	total=$((total + n))
	[ "$n" -gt 0 ] && held=$((held + 1))
	ip netns del $r
done
diag "$made router namespaces in $((SECONDS - t0)) s; $held held sessions when deleted ($total in all)"
check_eq "$ITER router namespaces made and deleted" "$ITER" "$made"
check_eq "each held live sessions when it was deleted" "$ITER" "$held"
flood_stop c1
diag "flood: $(tail -1 "$VPNPT_LOGDIR/flood-c1.log")"
check_kernel_clean "the storm"

# --- afterwards -----------------------------------------------------------------------
check "the module answers in the initial namespace" $NL get-config
check "a fresh router namespace comes up" router_up $RF
on_exit ns_del $RF
flood_start c1b "$C1" $SERVER_WAN --flows 2 --pause 0.05 --seconds 60 --fresh
esp_made() { [ "$(stats_json $RF | jq -r '.esp.sessions_created')" -gt 0 ]; }
check "... its traffic makes ESP sessions" wait_until 30 esp_made
diag "sessions made in it: $(stats_json $RF | jq -c 'with_entries(select(.value | type == "object")) | map_values(.sessions_created)')"
reflected() { nsx $C1 ping -c1 -W1 -q $SERVER_WAN; }
check "... and passes traffic" wait_until 10 reflected
flood_stop c1b
check_eq "... gauge = created - ended = dump" "" "$(gauge_consistent $RF)"
ns_del $RF
check "rmmod once the namespaces are gone" wait_until 30 rmmod vpnpt
check_kernel_clean "the whole test"
tap_done
