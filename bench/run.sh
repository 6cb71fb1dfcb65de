#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vpnpt's packet-path benchmark (make bench; runs as root in a guest, like
# the selftests). vpnpt-blast sends raw packets from a LAN namespace where
# K client addresses are local, through the masquerading router, to a sink
# on the server that counts and drops them; or from the server back to the
# clients. On veth the whole way runs in the sender's softirq, so the
# sender's time per packet is the path's cost.
#
#   [cs]       10.99.0.250 --- br0 [router] wan 203.0.113.1 ---- 203.0.113.2 [server]
#    clients 10.100.0.1 ..      route 10.100/16 via .250             sink: count,
#    (local 10.100.0.0/16)      masquerade; vpnpt or not             drop
#    sink for inbound ESP                                            vpnpt-blast
#
# Results are ratios of cases measured in the same run (interleaved rounds,
# median of VPNPT_BENCH_ROUNDS): absolute numbers under TCG emulation say
# little.
# Cases:
#   phase 1, vpnpt loaded (helpers attached) or not, one client:
#     udp, esp                       -> the cost of loading vpnpt on ordinary
#                                       traffic and on one client's ESP
#   phase 2, vpnpt loaded, VPNPT_BENCH_CLIENTS raw-ESP clients bound (SPI
#   tables full), each case once to client 1 and once round robin over all:
#     udp out, esp out, esp in       -> how the cost grows with the number
#                                       of clients, ESP against plain UDP
#
# Environment: VPNPT_BENCH_CLIENTS (default 4000), VPNPT_BENCH_PACKETS per
# case (default 40000), VPNPT_BENCH_ROUNDS (default 5). Prints a table; exit
# 1 if a case lost packets or vpnpt could not be loaded.
. "$(dirname "$0")/../selftests/lib.sh"

vpnpt_require_root
require_cmd nft python3 ip conntrack
BLAST=$VPNPT_TOP/build/vpnpt-blast
CTL=$VPNPT_TOP/build/vpnptctl
[ -x "$BLAST" ] || skip "no $BLAST (make bench)"
[ -x "$CTL" ] || skip "no $CTL (make tool)"
TOOL="python3 $SELFTESTS_DIR/tools/ipsec_tool.py"
K=${VPNPT_BENCH_CLIENTS:-4000}
P=${VPNPT_BENCH_PACKETS:-40000}
R=${VPNPT_BENCH_ROUNDS:-5}
NS_CS=${NS_PREFIX}cs
FIRST=10.100.0.1
SPI_BASE=0x10000000
MAP=0x40000000
RES=$VPNPT_LOGDIR/results
: >"$RES"

# --- topology ---------------------------------------------------------------
vpnpt_unload
on_exit vpnpt_unload
topo_create 0 || { echo "bench: no topology" >&2; exit 1; }
topo_add_many $NS_CS || { echo "bench: no topology" >&2; exit 1; }
ct_max=$(sysctl -n net.netfilter.nf_conntrack_max)
on_exit sysctl -qw net.netfilter.nf_conntrack_max=$ct_max
sysctl -qw net.netfilter.nf_conntrack_max=$((4 * K + 4096))

# Sinks before conntrack: count and drop (no ICMP, no reply traffic).
sink() { # NS
	nsx "$1" nft -f - <<-END
		table ip vpnpt_bench {
			counter c_esp {}
			counter c_udp {}
			chain pre {
				type filter hook prerouting priority -400; policy accept;
				meta l4proto esp counter name c_esp drop
				udp dport 9 counter name c_udp drop
			}
		}
	END
	[ $? = 0 ] || { echo "bench: no sink in $1" >&2; exit 1; }
}
sink $NS_SERVER
# The client side's sink comes after phase 2's binding, which needs the
# reflector's replies (the server's sink is taken away for it).

count() { # NS PROTO : packets of PROTO the sink in NS counted so far
	nsx "$1" nft list counter ip vpnpt_bench "c_$2" | sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

# arrived NS COUNTER BEFORE N : the sink has counted N packets since BEFORE
arrived() { [ $(($(count "$1" "$2") - $3)) -ge "$4" ]; }

# measure NAME NS SINK-NS COUNTER BLAST-ARGS... : one run of vpnpt-blast;
# appends "NAME NS-PER-PACKET" to the results once the sink has them all.
measure() {
	local name=$1 ns=$2 sns=$3 ctr=$4 before out sent t got
	shift 4
	before=$(count "$sns" "$ctr")
	out=$(nsx "$ns" "$BLAST" --packets "$P" "$@") || { echo "bench: $name: $out" >&2; exit 1; }
	sent=$(sed -n 's/.*"sent":\([0-9]*\).*/\1/p' <<<"$out")
	t=$(sed -n 's/.*"ns":\([0-9]*\).*/\1/p' <<<"$out")
	[ "${sent:-0}" -gt 0 ] || { echo "bench: $name: nothing sent: $out" >&2; exit 1; }
	wait_until 10 arrived "$sns" "$ctr" "$before" "$sent"
	got=$(($(count "$sns" "$ctr") - before))
	if [ "$got" != "$sent" ]; then
		echo "bench: $name: $P packets, $sent sent, $got arrived" >&2
		LOST=1
	fi
	echo "$name $((t / sent))" >>"$RES"
}
LOST=0

out1() { measure "$1" $NS_CS $NS_SERVER "$2" --proto "$2" --src $FIRST --dst $SERVER_WAN \
	--spi $SPI_BASE "${@:3}"; }
in1() { measure "$1" $NS_SERVER $NS_CS esp --proto esp --src $SERVER_WAN --same-src \
	--dst $ROUTER_WAN --spi $((SPI_BASE + MAP)) "${@:2}"; }

load() {
	vpnpt_load || { echo "bench: cannot load vpnpt" >&2; exit 1; }
	vpnpt_setup >/dev/null || { echo "bench: vpnptctl setup failed" >&2; exit 1; }
}
unload() {
	if vpnpt_loaded; then
		vpnpt_teardown >/dev/null
		vpnpt_unload || { echo "bench: cannot unload vpnpt" >&2; exit 1; }
	fi
	nsx $NS_ROUTER conntrack -F 2>/dev/null
}

# --- phase 1: plain Linux against vpnpt, one client ---------------------------
# Each load puts vpnpt's code at new addresses, which the emulator has to
# translate again: an untimed warm-up of each case after every load and
# unload keeps that out of the timed runs.
warm() { P=$((P / 10)) out1 "warm.$1" "$1"; }
for ((r = 1; r <= R; r++)); do
	unload
	warm udp
	warm esp
	out1 udp.plain udp
	out1 esp.plain esp
	load
	warm udp
	warm esp
	out1 udp.vpnpt udp
	out1 esp.vpnpt esp
done

# --- phase 2: K bound clients ------------------------------------------------
# Bind K clients as ipsec_scale does: client k's SPI x gets an answer with
# SPI x + MAP from the reflector, which vpnpt binds to client k.
unload
load
nsx $NS_SERVER nft delete table ip vpnpt_bench
ns_bg $NS_SERVER reflector $TOOL reflect --map $MAP --seconds 30
wait_until 10 grep -q listening "$VPNPT_LOGDIR/reflector.log"
start=$SECONDS
nsx $NS_CS $TOOL scale --first $FIRST --count "$K" --server $SERVER_WAN \
	--spi-base $SPI_BASE --map $MAP --window 8 --rounds 1 >/dev/null ||
	{ echo "bench: binding $K clients failed" >&2; exit 1; }
bind_s=$((SECONDS - start))
sink $NS_SERVER
sink $NS_CS
for ((r = 1; r <= R; r++)); do
	out1 udp.out.1 udp
	out1 "udp.out.$K" udp --nsrc "$K"
	out1 esp.out.1 esp
	out1 "esp.out.$K" esp --nsrc "$K"
	in1 esp.in.1
	in1 "esp.in.$K" --nsrc "$K"
done
active=$(nsx $NS_ROUTER "$CTL" -j stats | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["esp"]["sessions_active"])')

# --- report --------------------------------------------------------------------
med() { # NAME : the median ns/packet of NAME's rounds
	awk -v n="$1" '$1 == n { print $2 }' "$RES" | sort -n |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
row() { # LABEL NAME [BASE-NAME] : ns/packet and the ratio to BASE-NAME
	local m b
	m=$(med "$2")
	if [ -n "${3:-}" ]; then
		b=$(med "$3")
		printf '%-44s %8s %8s  (%s)\n' "$1" "$m" "$(awk -v a="$m" -v b="$b" 'BEGIN { printf "%.2f", a / b }')" "$3"
	else
		printf '%-44s %8s %8s\n' "$1" "$m" "1.00"
	fi
}
echo "vpnpt bench: kernel $(uname -r), $(nproc) CPUs, $P packets a case, median of $R rounds"
echo "phase 2: $K raw-ESP clients bound in ${bind_s}s; $active ESP sessions active"
printf '%-44s %8s %8s\n' "case" "ns/pkt" "ratio"
row "udp 1 client, plain Linux" udp.plain
row "udp 1 client, vpnpt loaded" udp.vpnpt udp.plain
row "esp 1 client, plain Linux" esp.plain
row "esp 1 client, vpnpt" esp.vpnpt esp.plain
row "udp out, client 1 of $K" udp.out.1
row "udp out, $K clients round robin" "udp.out.$K" udp.out.1
row "esp out, client 1 of $K" esp.out.1 udp.out.1
row "esp out, $K clients round robin" "esp.out.$K" esp.out.1
row "esp in, client 1 of $K" esp.in.1 esp.out.1
row "esp in, $K clients round robin" "esp.in.$K" esp.in.1
[ "$active" = "$K" ] || { echo "bench: $active ESP sessions active, not $K" >&2; exit 1; }
[ $LOST = 0 ] || { echo "bench: packets were lost: the ratios above are not valid" >&2; exit 1; }
