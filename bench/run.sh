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
#    (local 10.100.0.0/16)      masquerade; vpnpt or                 drop
#    PPTP PNSes 10.99.2.1 ..    nf_conntrack_pptp or neither         vpnpt-blast,
#    sink for inbound traffic                                         fake PAC, reflector
#
# Results are ratios of cases measured in the same run (median of
# VPNPT_BENCH_ROUNDS). make bench runs the guest instruction-counted
# (VPNPT_VM_ICOUNT): its clock then counts the instructions executed, so a
# case's time is the path's instruction count, whatever the host does.
# Phases:
#   1  rounds of: module not loaded / vpnpt loaded, not set up / set up,
#      all switches on / the same with one switch (VPNPT_BENCH_OFF) off;
#      in each, one client's UDP, TCP, NAT-T (UDP 4500) and L2TP (UDP
#      1701) data, ESP out and in (client 1 bound first, through the
#      reflector).
#   2  PPTP, the kernel's nf_conntrack_pptp (vpnpt not loaded), then vpnpt:
#      GRE of one call out and in, with no other call, then with
#      VPNPT_BENCH_CALLS other control connections with one call each,
#      and of the newest call after them; slab deltas for idle control
#      connections, after SCCRQ, per call.
#   3  ESP, vpnpt: client 1 against round robin over K bound clients, for
#      each K of VPNPT_BENCH_SCALE; slab deltas per client and SA, and per
#      extra SA (a second SPI pair for each client).
# Then prints each goal of issue #15 with its value and PASS or MISS.
#
# Environment: VPNPT_BENCH_SCALE (default "10000 100000"),
# VPNPT_BENCH_CALLS (default 1000), VPNPT_BENCH_PACKETS per case (default
# 10000; 40000 in real time), VPNPT_BENCH_ROUNDS (default 3; 5 in real
# time), VPNPT_BENCH_OFF (default pptp),
# VPNPT_BENCH_PHASES (default "1 2 3": the phases to run; "2 3" with few
# packets and one round gives the memory figures quickly).
# Exit 1 if a case lost packets or a step failed.
. "$(dirname "$0")/../selftests/lib.sh"

vpnpt_require_root
require_cmd nft python3 ip conntrack jq
BLAST=$VPNPT_TOP/build/vpnpt-blast
CTL=$VPNPT_TOP/build/vpnptctl
[ -x "$BLAST" ] || skip "no $BLAST (make bench)"
[ -x "$CTL" ] || skip "no $CTL (make tool)"
TOOL="python3 $SELFTESTS_DIR/tools/ipsec_tool.py"
SCALE=${VPNPT_BENCH_SCALE:-10000 100000}
CALLS=${VPNPT_BENCH_CALLS:-1000}
# Instruction-counted (make bench's default), a case's rounds differ by
# about 1 %: fewer packets and rounds do. In real time they differ by tens.
if [ "${VPNPT_VM_ICOUNT:-0}" = 1 ]; then
	P=${VPNPT_BENCH_PACKETS:-10000}
	R=${VPNPT_BENCH_ROUNDS:-3}
	CLOCK="instruction-counted: 1 ns = 1 instruction"
else
	P=${VPNPT_BENCH_PACKETS:-40000}
	R=${VPNPT_BENCH_ROUNDS:-5}
	CLOCK="real time"
fi
OFF=${VPNPT_BENCH_OFF:-pptp}
PHASES=${VPNPT_BENCH_PHASES:-1 2 3}
# phase N : phase N is to run
phase() { [[ " $PHASES " == *" $1 "* ]]; }
NS_CS=${NS_PREFIX}cs
FIRST=10.100.0.1
SPI_BASE=0x10000000
SPI_GEN2=0x20000000
MAP=0x40000000
# Blasted ESP, NAT-T and GRE carry sequence numbers from here on: the sinks
# drop only those, so the reflector and the binding tool see theirs.
SEQ=0x100000
# conntrack zones vpnpt hands to ESP clients, per namespace (src/esp.c)
ZONES=32768
RES=$VPNPT_LOGDIR/results
MEM=$VPNPT_LOGDIR/memory
: >"$RES"
: >"$MEM"
FAILED=0
fail() { echo "bench: $*" >&2; FAILED=1; }
die() {
	echo "bench: $*" >&2
	tail -n 5 "$VPNPT_LOGDIR"/*.log "$VPNPT_LOGDIR"/*.err >&2 2>/dev/null
	exit 1
}
maxk=0
for k in $SCALE; do
	[ "$k" -le $ZONES ] && [ "$k" -gt $maxk ] && maxk=$k
done

# --- topology ---------------------------------------------------------------
vpnpt_unload
on_exit vpnpt_unload
on_exit rmmod nf_nat_pptp nf_conntrack_pptp 2>/dev/null
ulimit -n $((4 * CALLS + 1024))
topo_create 0 || die "no topology"
topo_add_many $NS_CS || die "no topology"
# the PPTP control connections' addresses (vpnpt_pptp.py's addr())
pptp_conn_addrs $NS_CS $((CALLS + 2)) || die "no PNS addresses"
modprobe nf_conntrack
sysctl_raise net.netfilter.nf_conntrack_max $((4 * maxk + 4 * CALLS + 4096)) &&
	sysctl_raise net.netfilter.nf_conntrack_expect_max $((4 * CALLS + 256)) ||
	die "conntrack limits"
# The flows a case measures live through the setup of the next ones (1,000
# PPTP control connections take minutes of the guest's time, more in an
# instruction-counted guest, whose clock leaps over idle waits): GRE's
# conntrack timeouts (30 s unreplied, 180 s replied) would end the first
# call's flow before its second measurement (vpnpt's own: vpnpt_load_long).
for t in gre_timeout gre_timeout_stream; do
	nsx $NS_ROUTER sysctl -qw net.netfilter.nf_conntrack_$t=36000 || die "conntrack $t"
done

# Sinks before conntrack: count and drop (no ICMP, no reply traffic). ESP
# only from vpnpt-blast (its sequence numbers), so the binding traffic
# passes; all GRE (the fake PAC sends none once the calls are up).
sink() { # NS
	nsx "$1" nft -f - <<-END
		table ip vpnpt_bench {
			counter c_esp {}
			counter c_udp {}
			counter c_tcp {}
			counter c_gre {}
			chain pre {
				type filter hook prerouting priority -400; policy accept;
				esp sequence >= $SEQ counter name c_esp drop
				udp dport { 9, 1701, 4500 } counter name c_udp drop
				tcp dport 9 counter name c_tcp drop
				ip protocol gre counter name c_gre drop
			}
		}
	END
	[ $? = 0 ] || die "no sink in $1"
}
sink $NS_SERVER
sink $NS_CS
ns_bg $NS_SERVER reflector $TOOL reflect --map $MAP --seconds 36000
wait_until 60 grep -q listening "$VPNPT_LOGDIR/reflector.log" || die "no reflector"

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
	out=$(nsx "$ns" "$BLAST" --packets "$P" --seq $SEQ "$@") || die "$name: $out"
	sent=$(sed -n 's/.*"sent":\([0-9]*\).*/\1/p' <<<"$out")
	t=$(sed -n 's/.*"ns":\([0-9]*\).*/\1/p' <<<"$out")
	[ "${sent:-0}" -gt 0 ] || die "$name: nothing sent: $out"
	wait_until 30 arrived "$sns" "$ctr" "$before" "$sent"
	got=$(($(count "$sns" "$ctr") - before))
	[ "$got" = "$sent" ] || fail "$name: $P packets, $sent sent, $got arrived"
	echo "$name $((t / sent))" >>"$RES"
}

# out1 NAME PROTO ARGS.. : from client 1 (or client 1 .. K, --nsrc K) to
# the server; in1 NAME ARGS.. : ESP from the server to client 1 (..K).
out1() {
	local c=$2
	[ "$2" = natt ] || [ "$2" = l2tp ] && c=udp
	# shellcheck disable=SC2046 # the protocol's options, split on purpose
	measure "$1" $NS_CS $NS_SERVER $c --src $FIRST --dst $SERVER_WAN --spi $SPI_BASE \
		"${@:3}" $(case $2 in
			natt) echo --proto udp --sport 4500 --dport 4500 --payload natt ;;
			l2tp) echo --proto udp --sport 1701 --dport 1701 --payload l2tp ;;
			*) echo --proto "$2" ;;
			esac)
}
in1() { measure "$1" $NS_SERVER $NS_CS esp --proto esp --src $SERVER_WAN --same-src \
	--dst $ROUTER_WAN --spi $((SPI_BASE + MAP)) "${@:2}"; }

# vpnpt_load_long : load vpnpt with its idle timeouts at their most. The
# guest's clock counts instructions and leaps over idle waits, so the setup
# of 1,000 control connections or 10,000 clients can take longer in its
# time than the default timeouts (300 and 600 s), and a measured call's or
# SA's session would end before its second measurement.
vpnpt_load_long() {
	local p args=
	vpnpt_load || die "cannot load vpnpt"
	for p in pptp l2tp ike esp natt; do
		args="$args timeout-$p 86400"
	done
	# shellcheck disable=SC2086 # KEY VALUE pairs
	nsx $NS_ROUTER "$CTL" set $args >/dev/null || die "vpnptctl set$args"
}
load() {
	vpnpt_load_long
	vpnpt_setup >/dev/null || die "vpnptctl setup failed"
}
unload() {
	if vpnpt_loaded; then
		vpnpt_teardown >/dev/null
		vpnpt_unload || die "cannot unload vpnpt"
	fi
	nsx $NS_ROUTER conntrack -F 2>/dev/null
}
# bind FIRST COUNT SPI-BASE : clients FIRST.. each send an ESP packet with
# their SPI, the reflector answers with SPI + MAP: vpnpt binds both SPIs
# to the client (as ipsec_scale does).
bind() {
	nsx $NS_CS $TOOL scale --first "$1" --count "$2" --server $SERVER_WAN \
		--spi-base "$3" --map $MAP --window 8 --rounds 1 >"$VPNPT_LOGDIR/bind.json" ||
		die "binding $2 clients from $1 failed: $(cat "$VPNPT_LOGDIR/bind.json")"
}

# slab_lines NAME : the /proc/slabinfo names that hold cache NAME's objects:
#   NAME itself, or, if SLUB merged it into another cache, every name
#   sharing that cache (/sys/kernel/slab/NAME is then a link to it).
slab_lines() {
	local f t
	t=$(readlink "/sys/kernel/slab/$1") || { echo "$1"; return; }
	for f in /sys/kernel/slab/*; do
		[ "$(readlink "$f")" = "$t" ] && echo "${f##*/}"
	done
}
# slab BYTES: kmalloc caches (vpnpt's kzalloc, conntrack templates, the
# kernel's GRE keymap entries) and vpnpt's session cache, plus vmalloc
# (large rhashtable bucket arrays)
slab() {
	awk -v own=" $(slab_lines vpnpt_session | xargs) " \
		'$1 ~ /^kmalloc-/ || index(own, " " $1 " ") { s += $2 * $4 }
		 END { printf "%d ", s }' /proc/slabinfo
	awk '/^VmallocUsed:/ { print $2 * 1024 }' /proc/meminfo
}
# memsnap : settle (RCU frees) and print the bytes now
memsnap() {
	local s
	sleep 1
	echo 3 >/proc/sys/vm/drop_caches
	s=$(slab)
	echo $((${s% *} + ${s#* }))
}
# memrow NAME BEFORE AFTER N : per-item bytes to the memory results
memrow() { echo "$1 $((($3 - $2) / $4))" >>"$MEM"; }

# --- phase 1: plain Linux, vpnpt all on, one switch off, set up --nft ----------
# Each load puts vpnpt's code at new addresses, which the emulator has to
# translate again: an untimed warm-up of each case after every load and
# unload keeps that out of the timed runs.
P1="udp tcp natt l2tp esp"
warm() {
	local c
	for c in $P1; do
		P=$((P / 10)) out1 "warm.$c" $c
	done
	P=$((P / 10)) in1 warm.esp.in
}
# helped PROTO : packets vpnpt's PROTO helper counted so far
helped() { nsx $NS_ROUTER "$CTL" -j stats | jq -r ".$1.packets"; }
cases() { # SUFFIX HELPERS(0|1: attached in this state)
	local c port n
	for c in $P1; do
		case $c in
		natt) port=4500 ;;
		l2tp) port=1701 ;;
		*) out1 "$c.$1" $c; continue ;;
		esac
		# A helper is attached to a connection when it is new: the
		# state before's flow goes, or no helper would see the case
		# (until 2026-12-07 none did in the set-up states).
		nsx $NS_ROUTER conntrack -D -p udp --dport $port >/dev/null 2>&1
		[ "$2" = 0 ] || n=$(helped $c)
		out1 "$c.$1" $c
		[ "$2" = 0 ] || [ $(($(helped $c) - n)) -ge "$P" ] ||
			fail "$c.$1: vpnpt's $c helper did not see the case's $P packets"
	done
	in1 "esp.in.$1"
}
for ((r = 1; r <= R; r++)); do
	phase 1 || break
	unload
	bind $FIRST 1 $SPI_BASE
	warm
	cases plain 0
	vpnpt_load_long
	bind $FIRST 1 $SPI_BASE
	warm
	cases mod 0
	vpnpt_setup >/dev/null || die "vpnptctl setup failed"
	cases vpnpt 1
	nsx $NS_ROUTER "$CTL" disable "$OFF" >/dev/null || die "vpnptctl disable $OFF"
	cases off 1
	nsx $NS_ROUTER "$CTL" enable "$OFF" >/dev/null || die "vpnptctl enable $OFF"
	# the helpers attached by setup --nft's chain instead of the module
	nsx $NS_ROUTER "$CTL" setup --nft >/dev/null || die "vpnptctl setup --nft failed"
	cases nft 1
	vpnpt_setup >/dev/null || die "vpnptctl setup failed"
done
# TCP: conntrack took the segments as one established flow (a bad checksum
# or window would have made them invalid: not NATed, not what is meant)
phase 1 && ! nsx $NS_ROUTER conntrack -L -p tcp --dport 9 2>/dev/null | grep -q ESTABLISHED &&
	fail "the TCP case's segments are not tracked as an established flow"
unload

# --- phase 2: PPTP -----------------------------------------------------------------
# pp_start / pp COMMAND : a vpnpt_pptp.py driver (lib.sh's pptp_tool_start,
# pp); pp_stop ends it and its connections.
pp_start() {
	local d=$VPNPT_LOGDIR
	rm -f "$d/tool.in" "$d/tool.out"
	mkfifo "$d/tool.in" "$d/tool.out" || die "no fifo"
	NS_ROUTER=$NS_ROUTER python3 "$SELFTESTS_DIR/tools/vpnpt_pptp.py" drive \
		<"$d/tool.in" >"$d/tool.out" 2>>"$d/tool.err" &
	PP_PID=$!
	exec 7>"$d/tool.in" 8<"$d/tool.out"
}
pp_stop() {
	exec 7>&- 8<&-
	kill "$PP_PID" 2>/dev/null
	wait "$PP_PID" 2>/dev/null
	nsx $NS_ROUTER conntrack -F 2>/dev/null
}
# shellcheck disable=SC2034 # lib.sh's pp waits this long
PP_TIMEOUT=900
ppok() { # COMMAND.. : pp; dies unless it answered ok
	local a
	a=$(pp "$@")
	grep -q '"ok": true' <<<"$a" || die "pptp tool: $* -> $a"
	echo "$a"
}
jget() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

# pptp_case TAG : the fake PAC on the server, one call (GRE out and in
# measured), then CALLS more control connections: idle, after SCCRQ, with
# a call each (slab deltas), and the first call's GRE again; then one more
# call, the newest, and its GRE. Conntrack's GRE tracker walks the keymap
# from the oldest call's entries: the first call is its best case, the
# newest its worst.
pptp_case() {
	local tag=$1 a peer outside client m0 m1 m2 m3
	pp_start
	ppok pac $NS_SERVER $SERVER_WAN >/dev/null
	ppok bconnect $NS_CS 0 1 >/dev/null
	ppok bsccrq >/dev/null
	a=$(ppok bcalls)
	gre() { # NAME
		measure "$1.out" $NS_CS $NS_SERVER gre --proto gre --src "$client" \
			--dst $SERVER_WAN --key "$peer"
		measure "$1.in" $NS_SERVER $NS_CS gre --proto gre --src $SERVER_WAN \
			--dst $ROUTER_WAN --key "$outside"
	}
	use() { # bcalls' answer: the call whose GRE gre() sends
		client=$(jget client <<<"$1")
		peer=$(jget peer <<<"$1")
		outside=$(jget outside <<<"$1")
	}
	use "$a"
	P=$((P / 10)) gre warm.gre
	for ((r = 1; r <= R; r++)); do
		gre "gre.$tag.0"
	done
	m0=$(memsnap)
	ppok bconnect $NS_CS 1 "$CALLS" >/dev/null
	m1=$(memsnap)
	ppok bsccrq >/dev/null
	m2=$(memsnap)
	a=$(ppok bcalls)
	m3=$(memsnap)
	[ "$(jget calls <<<"$a")" = $((CALLS + 1)) ] || fail "$tag: calls up: $a"
	memrow "$tag.idle" "$m0" "$m1" "$CALLS"
	memrow "$tag.ctrl" "$m1" "$m2" "$CALLS"
	memrow "$tag.call" "$m2" "$m3" "$CALLS"
	P=$((P / 10)) gre warm.gre
	for ((r = 1; r <= R; r++)); do
		gre "gre.$tag.Nfirst"
	done
	ppok bconnect $NS_CS $((CALLS + 1)) 1 >/dev/null
	ppok bsccrq >/dev/null
	a=$(ppok bcalls last)
	[ "$(jget calls <<<"$a")" = $((CALLS + 2)) ] || fail "$tag: calls up: $a"
	use "$a"
	P=$((P / 10)) gre warm.gre
	for ((r = 1; r <= R; r++)); do
		gre "gre.$tag.N"
	done
	pp_stop
}

# the kernel's helper: nf_conntrack_pptp attached by nft, as an admin would
if phase 2; then
modprobe nf_nat_pptp || die "no nf_nat_pptp"
nsx $NS_ROUTER nft -f - <<-END || die "no ct helper pptp"
	table ip vpnpt_bench_kh {
		ct helper pptp { type "pptp" protocol tcp; }
		chain pre {
			type filter hook prerouting priority 0; policy accept;
			ct state new tcp dport 1723 ct helper set "pptp"
		}
	}
END
pptp_case kh
nsx $NS_ROUTER nft delete table ip vpnpt_bench_kh
# vpnpt's helper cannot register TCP 1723 while the kernel's is loaded
wait_until 15 rmmod nf_nat_pptp nf_conntrack_pptp || die "cannot unload nf_conntrack_pptp"
load
pptp_case vpnpt
fi

# --- phase 3: ESP, K bound clients ---------------------------------------------
# Client 1 against round robin over all K (every packet a different client,
# SA and conntrack entry). The clients are added to those bound already.
phase 3 || SCALE=
vpnpt_loaded || load
nsx $NS_ROUTER "$CTL" set max-sessions $((4 * maxk + 4096)) >/dev/null ||
	die "vpnptctl set max-sessions"
bound=0
for k in $SCALE; do
	if [ "$k" -gt $ZONES ]; then
		echo "esp.$k n/a: $k clients need $k conntrack zones, vpnpt has $ZONES" >>"$MEM"
		continue
	fi
	m0=$(memsnap)
	start=$SECONDS
	bind "$(python3 -c "import ipaddress; print(ipaddress.IPv4Address('$FIRST') + $bound)")" \
		$((k - bound)) $((SPI_BASE + bound))
	echo "bind.$k $((SECONDS - start))" >>"$MEM"
	m1=$(memsnap)
	memrow "esp.client_sa.$k" "$m0" "$m1" $((k - bound))
	bound=$k
	for ((r = 1; r <= R; r++)); do
		out1 esp.out.1 esp
		out1 "esp.out.$k" esp --nsrc "$k"
		in1 esp.in.1.s
		in1 "esp.in.$k" --nsrc "$k"
	done
done
# a second SA pair for each client: what one more SA costs
if [ $bound -gt 0 ]; then
	m0=$(memsnap)
	bind $FIRST $bound $SPI_GEN2
	m1=$(memsnap)
	memrow esp.sa "$m0" "$m1" $bound
fi
active=$(nsx $NS_ROUTER "$CTL" -j stats | python3 -c \
	'import json,sys; print(json.load(sys.stdin)["esp"]["sessions_active"])')

# --- report --------------------------------------------------------------------
med() { # NAME : the median ns/packet of NAME's rounds
	awk -v n="$1" '$1 == n { print $2 }' "$RES" | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
# spread NAME : (max - min) / median of NAME's rounds, in per cent
spread() {
	awk -v n="$1" '$1 == n { print $2 }' "$RES" | sort -n |
		awk -v m="$(med "$1")" '{ v[NR] = $1 } END { if (NR && m) printf "%.0f", 100 * (v[NR] - v[1]) / m }'
}
mem() { awk -v n="$1" '$1 == n { print $2 }' "$MEM"; }
# goal LABEL LIMIT NAME BASE : ratio of medians, PASS if <= LIMIT ("-": a
# share with no goal of its own, shown only, and only if measured)
goal() {
	local m b
	m=$(med "$3")
	b=$(med "$4")
	if [ -z "$m" ] || [ -z "$b" ]; then
		[ "$2" = - ] ||
			printf '%-58s %6s %12s  %s\n' "$1" "<= $2" "-" "MISS (not measured)"
		return 0
	fi
	awk -v l="$1" -v lim="$2" -v m="$m" -v b="$b" -v sm="$(spread "$3")" -v sb="$(spread "$4")" 'BEGIN {
		r = m / b
		if (lim == "-")
			res = "    "
		else
			res = (r <= lim + 1e-9) ? "PASS" : "MISS"
		printf "%-58s %6s %12s  %s   (%d/%d ns, spread %s%%/%s%%)\n", l,
			(lim == "-") ? "" : "<= " lim, sprintf("%.3f", r), res, m, b, sm, sb
	}'
}
# memgoal LABEL LIMIT NAME : bytes per item, PASS if <= LIMIT ("-": shown only)
memgoal() {
	local v
	v=$(mem "$3")
	if [ -z "$v" ]; then
		printf '%-58s %6s %12s  %s\n' "$1" "${2/#-/}" "-" "MISS (not measured)"
	elif [ "$2" = - ]; then
		printf '%-58s %6s %12s\n' "$1" "" "$v B"
	else
		printf '%-58s %6s %12s  %s\n' "$1" "<= $2" "$v B" \
			"$([ "$v" -le "$2" ] && echo PASS || echo MISS)"
	fi
}
echo "vpnpt bench: kernel $(uname -r), $(nproc) CPUs, $CLOCK, $P packets a case, median of $R rounds"
echo "ratios of medians; spread = (max - min) / median of a case's rounds"
printf '%-58s %6s %12s  %s\n' "goal" "limit" "measured" "result"
if phase 1; then
goal "non-VPN UDP, vpnpt all on / not loaded" 1.01 udp.vpnpt udp.plain
goal "non-VPN TCP, vpnpt all on / not loaded" 1.01 tcp.vpnpt tcp.plain
goal "  of which vpnpt loaded, not set up / not loaded" - udp.mod udp.plain
goal "  of which set up / loaded, not set up" - udp.vpnpt udp.mod
goal "non-VPN UDP, vpnpt set up --nft / not loaded" - udp.nft udp.plain
goal "non-VPN TCP, vpnpt set up --nft / not loaded" - tcp.nft tcp.plain
goal "non-VPN UDP, vpnpt $OFF off / not loaded" 1.02 udp.off udp.plain
goal "non-VPN TCP, vpnpt $OFF off / not loaded" 1.02 tcp.off tcp.plain
goal "ESP 1 client out, vpnpt / plain Linux" 1.05 esp.vpnpt esp.plain
goal "ESP 1 client in, vpnpt / plain Linux" 1.05 esp.in.vpnpt esp.in.plain
fi
for k in $SCALE; do
	if [ "$k" -gt $ZONES ]; then
		printf '%-58s %6s %12s  %s\n' "ESP out and in, round robin over $k clients" "<= 1.10" \
			"-" "MISS (cannot bind more than $ZONES clients: zones)"
		continue
	fi
	goal "ESP out, round robin over $k clients / client 1" 1.10 "esp.out.$k" esp.out.1
	goal "ESP in, round robin over $k clients / client 1" 1.10 "esp.in.$k" esp.in.1.s
done
if phase 2; then
goal "PPTP GRE out, newest call of $((CALLS + 2)) / of 1" 1.05 gre.vpnpt.N.out gre.vpnpt.0.out
goal "PPTP GRE in, newest call of $((CALLS + 2)) / of 1" 1.05 gre.vpnpt.N.in gre.vpnpt.0.in
goal "PPTP GRE out, newest call: vpnpt / nf_conntrack_pptp" 1.00 gre.vpnpt.N.out gre.kh.N.out
goal "PPTP GRE in, newest call: vpnpt / nf_conntrack_pptp" 1.00 gre.vpnpt.N.in gre.kh.N.in
fi
if phase 1; then
goal "NAT-T data (UDP 4500), helpers / no module" 1.02 natt.vpnpt natt.plain
goal "L2TP data (UDP 1701), helpers / no module" 1.02 l2tp.vpnpt l2tp.plain
fi
phase 3 && memgoal "memory per ESP SA (second SA pair of a client)" 256 esp.sa
for k in $SCALE; do
	[ "$k" -gt $ZONES ] ||
		memgoal "memory per ESP client + its first SA ($k clients)" - "esp.client_sa.$k"
done
if phase 2; then
memgoal "memory per PPTP call, vpnpt" 512 vpnpt.call
memgoal "memory per idle TCP 1723 connection, vpnpt" - vpnpt.idle
memgoal "memory per idle TCP 1723 connection, nf_conntrack_pptp" - kh.idle
memgoal "memory per control connection after SCCRQ, vpnpt" - vpnpt.ctrl
memgoal "memory per control connection after SCCRQ, nf_conntrack_pptp" - kh.ctrl
memgoal "memory per PPTP call, nf_conntrack_pptp" - kh.call
vi=$(mem vpnpt.idle)
ki=$(mem kh.idle)
if [ -n "$vi" ] && [ -n "$ki" ]; then
	printf '%-58s %6s %12s  %s\n' "idle control connection: vpnpt - nf_conntrack_pptp" "<= 16" \
		"$((vi - ki)) B" "$([ $((vi - ki)) -le 16 ] && echo PASS || echo MISS)"
fi
fi
echo
echo "cases (ns/packet, median; spread %):"
for n in $(awk '$1 !~ /^warm/ { print $1 }' "$RES" | sort -u); do
	printf '  %-24s %8s %4s%%\n' "$n" "$(med "$n")" "$(spread "$n")"
done
awk '/^bind\./ { printf "  binding %s clients took %s s\n", substr($1, 6), $2 }
	/ n\/a: / { $1 = "  ESP " substr($1, 5) " clients"; print }' "$MEM"
phase 3 && echo "  ESP sessions active at the end: $active"
[ $FAILED = 0 ] || die "a step failed or packets were lost: the table above is not valid"
