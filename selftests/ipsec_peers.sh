#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real IPsec peers through vpnpt: a libreswan (pluto) server and N libreswan
# clients, each pluto in its own namespace with its own config, run, NSS and
# secrets directories (under the test's log directory):
#
#   c1 10.99.0.11 pluto --+
#   c2 10.99.0.12 pluto --+-- br0 [router] wan 203.0.113.1 ---- 203.0.113.2 [server] pluto
#   ...                   |        masquerade, helpers vpnpt-ike/vpnpt-natt
#   cN                  --+
#
# One connection per mode, PSK, tunnel mode between inner addresses
# 10.2M0.i.1 (client i) and 10.2M1.0.1 (server), M = mode:
#   0 IKEv2, NAT-T off (encapsulation=no: raw ESP through the NAT)
#   1 IKEv1, NAT-T off (nat-ikev1-method=none)
#   2 IKEv2, NAT-T on     3 IKEv1, NAT-T on
#
# Baseline without vpnpt: the second client's raw-ESP tunnel fails. With
# vpnpt, in every mode every client's tunnel passes traffic end to end; for
# raw ESP each ESP session's inbound SPI is one of its own client's
# (no mis-binding) and its parent is the client's IKE session; for NAT-T
# the flows are classified, counted and linked to their IKE session.
# Then repeated simultaneous starts of all clients (VPNPT_LONG=1: >= 100
# starts; default 6), zero mis-bound SPIs. VPNPT_IPSEC_PEERS=N: N clients
# (default 3).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_peers.sh"

vpnpt_require_root
require_cmd nft python3 conntrack ip ping certutil
WHACK=$_WHACK
[ -x "$_PLUTO" ] || skip "libreswan's pluto is not installed"
NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
N=${VPNPT_IPSEC_PEERS:-3}
if [ "${VPNPT_LONG:-0}" = 1 ]; then ROUNDS=17; else ROUNDS=1; fi
# One server address per mode: pluto picks the connection of an IKE_SA_INIT
# by address, before it sees the IDs.
srv_addr() { echo "203.0.113.$((2 + $1))"; }
SWAN=$VPNPT_LOGDIR/swan # pluto_start's (lib_peers.sh)

vpnpt_unload
on_exit vpnpt_unload
modprobe -a esp4 xfrm_user 2>/dev/null
topo_create $N || { tap_not_ok "topology"; tap_done; }

c_inner() { echo "10.2${1}0.$2.1"; }	# MODE CLIENT
s_inner() { echo "10.2${1}1.0.1"; }	# MODE
mode_opts() { # MODE
	# Routes are in place already: no updown script.
	printf '\tleftupdown=/bin/true\n'
	case $1 in
	0) printf '\tikev2=yes\n\tencapsulation=no\n' ;;
	1) printf '\tikev2=no\n\tencapsulation=no\n\tnat-ikev1-method=none\n' ;;
	2) printf '\tikev2=yes\n' ;;
	3) printf '\tikev2=no\n' ;;
	esac
}
MODES="0 1 2 3"
mode_name() { echo "IKEv$((2 - $1 % 2)) $([ "$1" -lt 2 ] && echo raw-ESP || echo NAT-T)"; }

client_conf() { # I
	local m
	printf 'config setup\n\tikev1-policy=accept\n'
	for m in $MODES; do
		printf 'conn m%s\n\tauthby=secret\n\tleft=%s\n\tleftid=@c%s\n' $m "$(client_addr "$1")" "$1"
		printf '\tleftsubnet=%s/32\n\tright=%s\n\trightid=@server\n' "$(c_inner $m "$1")" "$(srv_addr $m)"
		printf '\trightsubnet=%s/32\n\tauto=add\n' "$(s_inner $m)"
		mode_opts $m
	done
}
server_conf() {
	local m i
	printf 'config setup\n\tikev1-policy=accept\n'
	for m in $MODES; do
		for ((i = 1; i <= N; i++)); do
			printf 'conn m%s-c%s\n\tauthby=secret\n\tleft=%s\n\tleftid=@server\n' $m $i "$(srv_addr $m)"
			printf '\tleftsubnet=%s/32\n\tright=%%any\n\trightid=@c%s\n' "$(s_inner $m)" $i
			printf '\trightsubnet=%s/32\n\tauto=add\n' "$(c_inner $m $i)"
			mode_opts $m
		done
	done
}

whack() { # NAME ARGS...
	local name=$1
	shift
	$WHACK --ctlsocket "$SWAN/$name/pluto.ctl" "$@"
}

for ((i = 1; i <= N; i++)); do
	for m in $MODES; do
		nsx "$(client_ns $i)" ip addr add "$(c_inner $m $i)/32" dev lo
	done
done
for m in $MODES; do
	[ $m = 0 ] || nsx $NS_SERVER ip addr add "$(srv_addr $m)/24" dev wan
	nsx $NS_SERVER ip addr add "$(s_inner $m)/32" dev lo
	nsx $NS_SERVER ip route add "10.2${m}0.0.0/16" via $ROUTER_WAN
done
check "pluto starts in the server namespace" pluto_start $NS_SERVER s server_conf || tap_done
for ((i = 1; i <= N; i++)); do
	check "pluto starts in client $i's namespace" pluto_start "$(client_ns $i)" "c$i" client_conf $i ||
		tap_done
done

tunnel_ping() { # MODE I
	nsx "$(client_ns "$2")" ping -c1 -W1 -q -I "$(c_inner "$1" "$2")" "$(s_inner "$1")"
}
start() { # MODE I... : initiate at the same moment, in the background
	local m=$1 i
	shift
	for i in "$@"; do
		nsx "$(client_ns $i)" $WHACK --ctlsocket "$SWAN/c$i/pluto.ctl" \
			--initiate --name "m$m" --asynchronous >/dev/null 2>&1 &
	done
	wait
}
stop() { # MODE I...
	local m=$1 i
	shift
	for i in "$@"; do
		nsx "$(client_ns $i)" $WHACK --ctlsocket "$SWAN/c$i/pluto.ctl" \
			--terminate --name "m$m" >/dev/null 2>&1
	done
}
all_clients() { seq 1 $N; }
# Client I has its two ESP SAs of MODE installed.
has_sas() { # MODE I
	[ "$(nsx "$(client_ns "$2")" ip -o xfrm state list proto esp | grep -c "$(srv_addr "$1")")" -ge 2 ]
}
# All clients' tunnels of MODE pass traffic: once every client has its SAs,
# each in turn (the first packets of several clients within one round trip
# can be answered out of order; see docs/ipsec.md), then all at once.
all_up() { # MODE
	local i pids=() rc=0
	for ((i = 1; i <= N; i++)); do
		wait_until 30 has_sas "$1" $i || { echo "client $i: no SAs"; rc=1; }
	done
	for ((i = 1; i <= N; i++)); do
		wait_until 20 tunnel_ping "$1" $i || { echo "client $i: no traffic"; rc=1; }
	done
	for ((i = 1; i <= N; i++)); do
		tunnel_ping "$1" $i >/dev/null &
		pids+=($!)
	done
	for i in "${pids[@]}"; do wait "$i" || rc=1; done
	[ $rc = 0 ] || grep -v "PSK length\|proposals\|IKE=\|ESP=" "$VPNPT_LOGDIR/pluto-s.log" | tail -8
	return $rc
}

# Per client, its inbound ESP SPIs (s -> c) now: "CLIENT SPI" lines.
client_in_spis() { # MODE
	local i c
	for ((i = 1; i <= N; i++)); do
		c=$(client_addr $i)
		nsx "$(client_ns $i)" ip -o xfrm state list src "$(srv_addr $1)" dst "$c" proto esp |
			sed -n "s/.* spi \(0x[0-9a-f]*\) .*/$c \1/p"
	done
}
# Every bound ESP session's inbound SPI belongs to its own client, every
# client has one, and each has the client's IKE session as parent.
# Prints the problems; empty output is success.
misbound() { # MODE
	local spis dump ike
	spis=$(client_in_spis $1)
	dump=$(nsx $NS_ROUTER $NL dump-sessions esp)
	ike=$(nsx $NS_ROUTER $NL dump-sessions ike)
	python3 - "$spis" "$dump" "$ike" "$N" <<-'END'
		import json, sys
		own = {}
		for line in sys.argv[1].split("\n"):
		    if line:
		        c, spi = line.split()
		        own.setdefault(c, set()).add(int(spi, 16))
		ike = {s["id"]: s["client"] for s in json.loads(sys.argv[3])}
		bound = {}
		for s in json.loads(sys.argv[2]):
		    spi = int(s["spi_in"], 16)
		    if not spi:
		        continue
		    if spi not in own.get(s["client"], set()):
		        holders = [c for c in own if spi in own[c]]
		        print("mis-bound: %s got 0x%08x of %s" % (s["client"], spi, holders))
		    bound.setdefault(s["client"], 0)
		    bound[s["client"]] += 1
		    if ike.get(s.get("parent")) != s["client"]:
		        print("parent of %s's SA is not its IKE session" % s["client"])
		for c in own:
		    if c not in bound:
		        print("no bound ESP session for", c)
		if len(own) != int(sys.argv[4]):
		    print("only %d clients have SAs" % len(own))
	END
}
stat() { # PROTO COUNTER
	nsx $NS_ROUTER $NL get-stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"][sys.argv[1]][sys.argv[2]])' "$1" "$2"
}

# --- baseline: no vpnpt ---------------------------------------------------------
start 0 1 2
check "baseline (no vpnpt): client 1's tunnel works" wait_until 20 tunnel_ping 0 1
# IKE is plain UDP and passes: the second client's failure below is ESP's,
# not a slow negotiation's.
check "baseline (no vpnpt): client 2 got its SAs" wait_until 30 has_sas 0 2
check_fail "baseline (no vpnpt): client 2's tunnel fails" wait_until 5 tunnel_ping 0 2
stop 0 1 2
nsx $NS_ROUTER conntrack -F >/dev/null 2>&1

# --- vpnpt with its helpers attached ------------------------------------------------
# By nftables rules here (setup --nft): the other tests use setup's default,
# the module's attach-helpers, so both ways carry real peers' traffic.
vpnpt_load || { tap_not_ok "load"; tap_done; }
check "vpnptctl setup --nft: table ip vpnpt" nsx $NS_ROUTER "$VPNPT_TOP/build/vpnptctl" setup --nft
check "... and attach-helpers off" \
	sh -c "ip netns exec $NS_ROUTER '$VPNPT_TOP/build/vpnptctl' -j status | grep -q '\"attach_helpers\":false'"
on_exit "ip netns exec $NS_ROUTER nft delete table ip vpnpt"

for m in $MODES; do
	name=$(mode_name $m)
	start $m $(all_clients)
	check "$name: all $N clients' tunnels pass traffic" all_up $m
	if [ $m -lt 2 ]; then
		check_eq "$name: every ESP SPI bound to its own client" "" "$(misbound $m)"
	else
		check "$name: NAT-T IKE, ESP-in-UDP counted" \
			test "$(stat natt natt_ike)" -gt 0 -a "$(stat natt natt_esp)" -gt 0
		linked=$(nsx $NS_ROUTER $NL dump-sessions natt ike | python3 -c '
import json, sys
d = json.load(sys.stdin)
ike = {s["id"]: s for s in d if s["proto"] == "ike"}
print(sorted({s["client"] for s in d if s["proto"] == "natt" and
        ike.get(s.get("parent"), {}).get("client") == s["client"] and
        s["ike_spi_i"] == ike[s["parent"]]["ike_spi_i"]}) == sorted({s["client"] for s in ike.values()}))')
		check_eq "$name: every client's NAT-T flow linked to its IKE session" "True" "$linked"
	fi
	ike=$(nsx $NS_ROUTER $NL dump-sessions ike | python3 -c '
import json, sys
print(len({s["client"] for s in json.load(sys.stdin) if s["state"] == 1 and s["ike_spi_r"]}))')
	check_eq "$name: IKE sessions established for all clients" "$N" "$ike"
	stop $m $(all_clients)
	nsx $NS_ROUTER $NL flush >/dev/null
done

# --- simultaneous starts ---------------------------------------------------------------
bad=0 starts=0
for ((r = 1; r <= ROUNDS; r++)); do
	for m in 0 1; do
		start $m $(all_clients)
		starts=$((starts + N))
		if ! all_up $m; then
			bad=$((bad + 1))
			diag "round $r mode $m: not all tunnels up"
		fi
		out=$(misbound $m)
		if [ -n "$out" ]; then
			bad=$((bad + 1))
			diag "round $r mode $m: $out"
		fi
		stop $m $(all_clients)
		nsx $NS_ROUTER $NL flush esp >/dev/null
	done
done
check_eq "simultaneous starts: $starts starts, all up, zero mis-bound SPIs" "0" "$bad"

tap_done
