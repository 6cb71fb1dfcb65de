#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for vpnpt's selftests, which run as root inside the guest that
# scripts/vm-run boots (or on any disposable machine with the module built).
#
# A test script sources this file, then:
#   vpnpt_require_root; topo_create 2; ...
#   check "what is asserted" COMMAND...      -> "ok N ..." / "not ok N ..."
#   check_eq "what" EXPECTED ACTUAL
#   tap_done                                 -> exit 0, 1 (a check failed)
# or `skip "reason"` (exit 4, the kselftest code for skip).
#
# Topology made by topo_create N (all addresses are private to the guest):
#
#   c1 ns ---veth--+                                  (WAN, documentation range)
#   10.99.0.11     |   router ns                        server ns
#   c2 ns ---veth--+-- br0 10.99.0.1/16   wan 203.0.113.1 ---- 203.0.113.2 wan
#   10.99.0.12     |   ip_forward=1, nftables masquerade out of "wan"
#   ...            |
#   cN ns ---veth--+
#
# Every namespace and nft table is removed by the EXIT trap, so a failing
# test leaves nothing behind for the next one.
set -u

SELFTESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VPNPT_TOP=$(cd "$SELFTESTS_DIR/.." && pwd)
KSFT_SKIP=4

# Namespace names are unique per run: each starts with NS_PREFIX, "vpnpt-"
# and this test's pid (e.g. vpnpt-4711-r), so a test never touches what it
# did not create, not even another test running at the same time. The
# diagrams in the test headers use the short role names: "router" or "r" is
# $NS_ROUTER (${NS_PREFIX}r), "server" or "s" is $NS_SERVER (${NS_PREFIX}s),
# cN is $(client_ns N) (${NS_PREFIX}cN), and a test's own namespaces
# (cs, ctl, nl, ...) are ${NS_PREFIX}cs etc. Namespace names appear nowhere
# else in full: derive every one from NS_PREFIX.
if [ "${_ns_prefix_pid:-}" != $$ ]; then # once per test, not per source
	_ns_prefix_pid=$$
	NS_PREFIX=vpnpt-$$-
	# Left behind by a killed test that had the same pid: another prefix.
	while compgen -G "/run/netns/$NS_PREFIX*" >/dev/null; do
		NS_PREFIX=vpnpt-$$-$RANDOM-
	done
fi
NS_ROUTER=${NS_PREFIX}r
NS_SERVER=${NS_PREFIX}s
ROUTER_LAN=10.99.0.1
ROUTER_WAN=203.0.113.1
SERVER_WAN=203.0.113.2
LAN_PREFIX=16
WAN_PREFIX=24

# A log directory of the test's own goes when the test passes; a failed
# test's is kept and named (a caller's VPNPT_LOGDIR is the caller's).
_own_logdir=
if [ -z "${VPNPT_LOGDIR:-}" ]; then
	VPNPT_LOGDIR=$(mktemp -d /tmp/vpnpt-test.XXXXXX)
	_own_logdir=1
fi
mkdir -p "$VPNPT_LOGDIR"

_tap_n=0
_tap_failed=0
_cleanups=()

# --- TAP ---------------------------------------------------------------------
# VPNPT_TAP_TIME=1: each TAP line ends with the seconds since the one before
# ("# +12s"), to find where a slow kernel spends a test's time.
_tap_t=$SECONDS
_tap_line() { # WORD DESCRIPTION...
	local w=$1 t=
	shift
	_tap_n=$((_tap_n + 1))
	if [ "${VPNPT_TAP_TIME:-0}" = 1 ]; then
		t=" # +$((SECONDS - _tap_t))s"
		_tap_t=$SECONDS
	fi
	echo "$w $_tap_n $*$t"
}
tap_ok() { _tap_line ok "$@"; }
tap_not_ok() { _tap_failed=$((_tap_failed + 1)); _tap_line "not ok" "$@"; }
diag() { # MESSAGE : each of its lines as a TAP comment
	local line
	while IFS= read -r line; do echo "# $line"; done <<<"$*"
}

# check DESCRIPTION COMMAND... : the command must succeed.
check() {
	local what=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		tap_ok "$what"
	else
		tap_not_ok "$what"
		diag "command: $*"
		diag "exit $rc, output:"
		printf '%s\n' "$out" | head -20 | sed 's/^/#   /'
	fi
	return $rc
}

# check_fail DESCRIPTION COMMAND... : the command must fail.
check_fail() {
	local what=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc != 0 ]; then
		tap_ok "$what"
	else
		tap_not_ok "$what"
		diag "command succeeded but should have failed: $*"
		printf '%s\n' "$out" | head -5 | sed 's/^/#   /'
	fi
	[ $rc != 0 ]
}

# check_eq DESCRIPTION EXPECTED ACTUAL : exact string comparison.
check_eq() {
	if [ "$2" == "$3" ]; then
		tap_ok "$1"
	else
		tap_not_ok "$1"
		diag "expected: '$2'"
		diag "actual:   '$3'"
		return 1
	fi
}

tap_done() {
	echo "1..$_tap_n"
	if [ $_tap_failed -gt 0 ]; then
		diag "$_tap_failed of $_tap_n checks failed"
		exit 1
	fi
	exit 0
}

skip() {
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

# --- cleanup -----------------------------------------------------------------
on_exit() { _cleanups+=("$*"); }

_run_cleanups() {
	local rc=$? i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_cleanups[$i]}" >/dev/null 2>&1 || true
	done
	[ -n "$_own_logdir" ] || return 0
	if [ "$rc" = 0 ] || [ "$rc" = "$KSFT_SKIP" ]; then
		rm -rf "$VPNPT_LOGDIR"
	else
		echo "# logs kept in $VPNPT_LOGDIR" >&2
	fi
}
trap _run_cleanups EXIT

# --- polling -----------------------------------------------------------------
# A debug kernel (KASAN, lockdep, kmemleak) under TCG runs several times
# slower than a stock one: polling deadlines, and the tests' own timings
# that must outlast an operation, stretch by this factor there.
case $(uname -r) in
*-debug) VPNPT_TIME_SCALE=${VPNPT_TIME_SCALE:-4} ;;
*) VPNPT_TIME_SCALE=${VPNPT_TIME_SCALE:-1} ;;
esac
export VPNPT_TIME_SCALE

# A process costs about 0.3 s to start on the debug kernel under TCG (40 ms
# on a stock one), and much of a debug run's time went into them: the
# helpers here start as few as they can.
# nap SECONDS : sleep without starting a process (a read that times out on a
# FIFO nobody writes to).
if mkfifo "$VPNPT_LOGDIR/.nap" && exec {_nap_fd}<>"$VPNPT_LOGDIR/.nap"; then
	nap() { read -r -t "$1" -u "$_nap_fd" || true; }
else
	nap() { sleep "$1"; }
fi

# file_is FILE VALUE : FILE's first line is VALUE (read by the shell: polled
# while a race test holds one CPU, a process could take seconds to start).
file_is() {
	local v
	read -r v <"$1" 2>/dev/null && [ "$v" = "$2" ]
}

# wait_until SECONDS COMMAND... : poll until the command succeeds; SECONDS
# is for a stock kernel (times VPNPT_TIME_SCALE), and so is the interval
# between polls (0.1 s): each poll starts processes.
wait_until() {
	local deadline=$((SECONDS + $1 * VPNPT_TIME_SCALE)) step=0.$VPNPT_TIME_SCALE
	shift
	[ "$VPNPT_TIME_SCALE" -lt 10 ] || step=1
	while ! "$@" >/dev/null 2>&1; do
		[ $SECONDS -ge $deadline ] && return 1
		nap "$step"
	done
	return 0
}

# --- counting a kernel function's calls ---------------------------------------
# Whether a hook is registered shows in whether its function runs: a kprobe
# event counts the calls (kprobe_profile). Without kprobes (no tracefs, or
# the function inlined) the checks that need them are skipped, one by one.
_KPROBE_DIR=/sys/kernel/tracing

# kprobe_count NAME FUNCTION : count FUNCTION's calls as event NAME (removed
# on exit); fails if that cannot be done here.
kprobe_count() {
	local d=$_KPROBE_DIR
	[ -e $d/kprobe_events ] || mount -t tracefs nodev $d 2>/dev/null
	echo "p:$1 $2" >>$d/kprobe_events 2>/dev/null || return 1
	if ! echo 1 >$d/events/kprobes/$1/enable 2>/dev/null; then
		echo "-:$1" >>$d/kprobe_events
		return 1
	fi
	on_exit "echo 0 >$d/events/kprobes/$1/enable; echo -:$1 >>$d/kprobe_events"
}

# kprobe_calls NAME : the calls counted so far (empty: no such event).
kprobe_calls() { awk -v k="$1" '$1 == k { print $2 }' $_KPROBE_DIR/kprobe_profile 2>/dev/null; }

# check_called DESCRIPTION yes|no NAME COMMAND... : whether COMMAND made the
# function counted as NAME run (kprobe_count); skipped if nothing counts it.
check_called() {
	local desc=$1 want=$2 name=$3 before got=no
	shift 3
	before=$(kprobe_calls "$name")
	if [ -z "$before" ]; then
		tap_ok "$desc # SKIP no kprobe event $name"
		return 0
	fi
	"$@" >/dev/null 2>&1
	[ "$(kprobe_calls "$name")" -gt "$before" ] && got=yes
	check_eq "$desc" "$want" "$got"
}

# --- environment ---------------------------------------------------------------
vpnpt_require_root() {
	[ "$(id -u)" = 0 ] || skip "must run as root"
}

require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "$c is not installed"
	done
}

# The module to test: $VPNPT_KO, or the one built for the running kernel.
vpnpt_ko() {
	local ko=${VPNPT_KO:-}
	if [ -z "$ko" ]; then
		for ko in "$VPNPT_TOP/build/${VPNPT_KSERIES:-}/vpnpt.ko" "$VPNPT_TOP/vpnpt.ko"; do
			[ -f "$ko" ] && break
		done
	fi
	[ -f "$ko" ] || { echo "vpnpt.ko not found (set VPNPT_KO)" >&2; return 1; }
	echo "$ko"
}

# The race tests' delay module (selftests/delay) for the running kernel's
# series, or $VPNPT_DELAY_KO.
vpnpt_delay_ko() {
	local ko=${VPNPT_DELAY_KO:-$VPNPT_TOP/build/delay-${VPNPT_KSERIES:-6.1}/vpnpt_delay.ko}
	[ -f "$ko" ] || { echo "no $ko (make build/delay-SERIES/vpnpt_delay.ko)" >&2; return 1; }
	echo "$ko"
}

# vpnpt_load [PARAM=VALUE...] : load vpnpt and the kernel modules it needs.
# What it depends on is read once a test, and modprobe runs only for what is
# not loaded: tests that load it again and again start fewer processes.
vpnpt_load() {
	local ko d missing=
	ko=$(vpnpt_ko) || return 1
	if [ -z "${_vpnpt_deps+set}" ]; then
		_vpnpt_deps=$(modinfo -F depends "$ko") || return 1
		_vpnpt_deps=${_vpnpt_deps//,/ }
	fi
	for d in $_vpnpt_deps; do
		[ -d "/sys/module/$d" ] || missing="$missing $d"
	done
	[ -z "$missing" ] || modprobe -a $missing || return 1
	insmod "$ko" "$@"
}

# The previous test's namespaces may still be going away in the background,
# their nft helper objects holding the module for a moment: retry.
vpnpt_unload() {
	[ -d /sys/module/vpnpt ] || return 0
	wait_until 15 rmmod vpnpt || rmmod vpnpt
}

vpnpt_loaded() { [ -d /sys/module/vpnpt ]; }

# vpnpt_setup / vpnpt_teardown : attach the vpnpt helpers in the router's
# namespace as an admin does (vpnptctl setup: the module's attach-helpers
# option; setup --nft: table ip vpnpt), and detach them.
vpnpt_setup() { nsx $NS_ROUTER "$VPNPT_TOP/build/vpnptctl" setup; }
vpnpt_teardown() { nsx $NS_ROUTER "$VPNPT_TOP/build/vpnptctl" teardown; }

# tree_copy TOP DEST : a copy of the source tree TOP as git sees it (tracked
# and new files, not ignored ones), so a developer's own vpnpt.ko and build/
# stay out; outside git, everything but build/ and kernel build products.
tree_copy() {
	mkdir -p "$2" || return 1
	if git -C "$1" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		(cd "$1" && git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
			tar --null -T - -cf -)
	else
		tar -C "$1" --exclude=./build --exclude='*.o' --exclude='*.ko' --exclude='*.cmd' \
			--exclude='*.mod' --exclude='*.mod.c' -cf - .
	fi | tar -C "$2" -xf -
}

# ctl_sessions PROTO JQ-STRING : vpnptctl -j sessions in the router, one line
# per PROTO session (sorted by client) as the jq string expression makes it,
# e.g. ctl_sessions l2tp '"\(.client) \(.state)"'
ctl_sessions() {
	nsx $NS_ROUTER "$VPNPT_TOP/build/vpnptctl" -j sessions |
		jq -r --arg p "$1" "sort_by(.client) | .[] | select(.proto == \$p) | $2"
}

# --- request servers -------------------------------------------------------------
# Starting a program costs about a second in the TCG guest (python several):
# a tool that answers requests from stdin, one line each ("STATUS ANSWER",
# as vpnpt_nl.py batch and vpnpt_pkt.py batch do), is started once and asked
# many times.
#   srv_start NAME NS|- COMMAND...   start it (in namespace NS, "-": this one)
#   srv NAME REQUEST...              print its answer; return its STATUS
declare -A _srv_in=() _srv_out=() _srv_pid=()
srv_start() {
	local name=$1 ns=$2 d fd
	shift 2
	d=$VPNPT_LOGDIR/srv-$name
	mkdir -p "$d" && rm -f "$d/in" "$d/out" && mkfifo "$d/in" "$d/out" || return 1
	[ "$ns" = - ] || set -- ip netns exec "$ns" "$@"
	"$@" <"$d/in" >"$d/out" 2>"$d/err" &
	_srv_pid[$name]=$!
	on_exit kill "$!"
	# Opening a FIFO waits for its other end: the server opens "in" first.
	exec {fd}>"$d/in"
	_srv_in[$name]=$fd
	exec {fd}<"$d/out"
	_srv_out[$name]=$fd
}

srv() {
	local name=$1 answer
	shift
	[ -n "${_srv_in[$name]:-}" ] || { echo "srv $name: not started" >&2; return 2; }
	# A server gone would kill the shell with SIGPIPE.
	trap '' PIPE
	{ printf '%s\n' "$*" >&"${_srv_in[$name]}"; } 2>/dev/null
	answer=$?
	trap - PIPE
	[ $answer = 0 ] || { echo "srv $name: gone" >&2; return 2; }
	if ! IFS= read -r -t 120 answer <&"${_srv_out[$name]}"; then
		echo "srv $name: no answer to '$*'" >&2
		# A late answer would be taken for the next request's.
		kill "${_srv_pid[$name]}" 2>/dev/null
		return 2
	fi
	printf '%s\n' "${answer#* }"
	case ${answer%% *} in
	[0-9] | [0-9][0-9] | [0-9][0-9][0-9]) return "${answer%% *}" ;;
	*) return 2 ;;
	esac
}

# --- the PPTP packet tool (pptp_proto, pptp_scale) ----------------------------
# pptp_attach_helper : vpnpt-pptp on new TCP 1723 flows through the router,
#   by `vpnptctl setup` in the router's namespace as on a real router (the
#   other helpers take only UDP 500, 1701 and 4500, which the PPTP tests do
#   not send).
pptp_attach_helper() {
	local ctl=$VPNPT_TOP/build/vpnptctl
	[ -x "$ctl" ] || { echo "vpnptctl not built (make tool)" >&2; return 1; }
	nsx $NS_ROUTER "$ctl" setup || return 1
	nsx $NS_ROUTER "$ctl" -j status | grep -q '"attach_helpers":true'
}

# gre_probe_add : a probe chain in the router's namespace between vpnpt's GRE
#   hook (priority -201) and conntrack, where a GRE packet is tracked only
#   if vpnpt gave it its flow. The probe shares conntrack's priority, -200:
#   a hook registered after another of the same priority runs before it,
#   and conntrack's hooks are in once the helper and NAT rules are.
# gre_probe : the GRE packets it counted; gre_probe_del removes it.
gre_probe_add() {
	nsx $NS_ROUTER nft -f - <<-END
		table ip gre_probe {
			chain pre {
				type filter hook prerouting priority -200; policy accept;
				ip protocol gre ct state established counter
			}
		}
	END
}
gre_probe() {
	nsx $NS_ROUTER nft list chain ip gre_probe pre | sed -n 's/.*packets \([0-9]*\).*/\1/p'
}
gre_probe_del() { nsx $NS_ROUTER nft delete table ip gre_probe; }

# pptp_tool_start : one vpnpt_pptp.py drive process (pid PP_PID) for the
#   whole test, on file descriptors 7 (commands) and 8 (JSON replies).
# pp COMMAND... : one command to it; prints the reply, and logs it with its
#   duration in microseconds to $VPNPT_LOGDIR/tool.log. Waits PP_TIMEOUT
#   seconds (default 120) for it.
pptp_tool_start() {
	local d=$VPNPT_LOGDIR
	mkfifo "$d/tool.in" "$d/tool.out" || return 1
	NS_ROUTER=$NS_ROUTER python3 "$SELFTESTS_DIR/tools/vpnpt_pptp.py" drive \
		<"$d/tool.in" >"$d/tool.out" 2>"$d/tool.err" &
	PP_PID=$!
	on_exit "exec 7>&-; kill $!"
	exec 7>"$d/tool.in" 8<"$d/tool.out"
}

pp() {
	local l t0=${EPOCHREALTIME/./}
	echo "$*" >&7
	IFS= read -r -t "${PP_TIMEOUT:-120}" l <&8 || l='{"ok":false,"error":"tool: no reply"}'
	printf '%s\n' "$l"
	echo "$((${EPOCHREALTIME/./} - t0)) $* -> $l" >>"$VPNPT_LOGDIR/tool.log"
}

# pt COMMAND... : a tool command whose reply has a "text": print that.
pt() {
	local l
	l=$(pp "$@")
	[[ $l =~ \"text\":\ \"([^\"]*)\" ]] && echo "${BASH_REMATCH[1]}"
}

# pptp_conn_addrs NS N : the first N addresses vpnpt_pptp.py numbers its
#   control connections' sources with (its addr()), on NS's eth0.
pptp_conn_addrs() {
	local i
	for ((i = 0; i < $2; i++)); do
		echo "addr add 10.99.$((2 + i / 250)).$((1 + i % 250))/$LAN_PREFIX dev eth0"
	done | nsx "$1" ip -b -
}

# sysctl_raise SYSCTL MIN : raise SYSCTL to at least MIN until the test ends.
sysctl_raise() {
	local v
	v=$(sysctl -n "$1") || return 1
	[ "$v" -ge "$2" ] && return 0
	on_exit sysctl -qw "$1=$v"
	sysctl -qw "$1=$2"
}

# pptp_tool_setup CLIENTS ADDRS : the topology with CLIENTS clients, client
#   1 with ADDRS more addresses (10.99.1.1...), vpnpt loaded without the
#   kernel's PPTP helper, its helper attached (a check) and the tool started;
#   the test ends if any of it fails.
pptp_tool_setup() {
	local i
	vpnpt_unload
	on_exit vpnpt_unload
	rmmod nf_nat_pptp nf_conntrack_pptp 2>/dev/null
	topo_create "$1" || { tap_not_ok "topology"; tap_done; }
	for ((i = 1; i <= $2; i++)); do
		nsx "$(client_ns 1)" ip addr add "10.99.1.$i/$LAN_PREFIX" dev eth0
	done
	vpnpt_load || { tap_not_ok "load"; tap_done; }
	check "attach the vpnpt-pptp helper" pptp_attach_helper
	pptp_tool_start
}

# --- namespaces ------------------------------------------------------------------
nsx() { # NS COMMAND... : run a command in a namespace
	local ns=$1
	shift
	# ip enters the namespace itself: one process instead of two
	if [ "$1" = ip ]; then
		shift
		ip -n "$ns" "$@"
	else
		ip netns exec "$ns" "$@"
	fi
}

# ns_del NS : kill what runs in the namespace, then remove it.
ns_del() {
	ns_kill "$1" -9
	ip netns del "$1"
}

# ns_kill NS [SIGNAL] : signal (default TERM) every process in namespace NS
ns_kill() {
	local pids
	pids=$(ip netns pids "$1" 2>/dev/null)
	[ -z "$pids" ] || kill "${2:--TERM}" $pids 2>/dev/null
	true
}

# ns_bg NS LOGNAME COMMAND... : start a daemon in a namespace, its output in
# $VPNPT_LOGDIR/LOGNAME.log; it is killed with the namespace.
ns_bg() {
	local ns=$1 log=$2
	shift 2
	ip netns exec "$ns" "$@" </dev/null >"$VPNPT_LOGDIR/$log.log" 2>&1 &
}

client_ns() { echo "${NS_PREFIX}c$1"; }
client_addr() { echo "10.99.$(($1 / 250)).$((10 + $1 % 250))"; }

_ns_add() { # NS [SYSCTL=VALUE...] : a namespace, removed on exit
	local ns=$1
	shift
	ip netns add "$ns" || return 1
	on_exit ns_del "$ns"
	ip -n "$ns" link set lo up
	nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 "$@"
}

# topo_add_many NS : after topo_create, a LAN namespace NS (10.99.0.250)
# where all of 10.100.0.0/16 is local, routed there by the router: one
# namespace that sends as thousands of LAN clients (scale tests, bench).
topo_add_many() {
	_ns_add "$1" || return 1
	ip link add lancs netns $NS_ROUTER type veth peer name eth0 netns "$1"
	nsx $NS_ROUTER ip link set lancs master br0 up
	nsx "$1" ip addr add 10.99.0.250/$LAN_PREFIX dev eth0
	nsx "$1" ip link set eth0 up
	nsx "$1" ip route add default via $ROUTER_LAN
	nsx "$1" ip route add local 10.100.0.0/16 dev lo
	nsx $NS_ROUTER ip route add 10.100.0.0/16 via 10.99.0.250
}

# topo_add_attacker NS : after topo_create, an internet host in namespace NS
# at 198.51.100.2 on the router's second WAN port wanx (198.51.100.1), not
# on the server's link: it can send "from" the server's address, off path.
topo_add_attacker() {
	_ns_add "$1" || return 1
	ip link add wanx netns $NS_ROUTER type veth peer name eth0 netns "$1"
	nsx $NS_ROUTER ip addr add 198.51.100.1/24 dev wanx
	nsx $NS_ROUTER ip link set wanx up
	nsx "$1" ip addr add 198.51.100.2/24 dev eth0
	nsx "$1" ip link set eth0 up
	nsx "$1" ip route add default via 198.51.100.1
}

# What the attacker tests ask of the router (after topo_add_attacker):
# attacker_rx : packets the router has received on wanx;
# stream_on FROM : the attacker's stream has reached the router (20 packets
# since attacker_rx was FROM).
attacker_rx() { nsx $NS_ROUTER cat /sys/class/net/wanx/statistics/rx_packets; }
stream_on() { [ "$(attacker_rx)" -ge $(($1 + 20)) ]; }

# esp_sessions_where KEY VALUE FIELD... : the FIELDs of each of the router's
# ESP sessions whose KEY is VALUE (fields of vpnpt_nl.py's dump), one line
# each.
esp_sessions_where() {
	nsx $NS_ROUTER python3 "$SELFTESTS_DIR/tools/vpnpt_nl.py" dump-sessions esp |
		python3 -c '
import json, sys
key, value, fields = sys.argv[1], sys.argv[2], sys.argv[3:]
for s in json.load(sys.stdin):
    if s[key] == value:
        print(*(s[f] for f in fields))' "$@"
}
# spi_in_of SPI_OUT : the inbound SPI bound to the SA with SPI_OUT.
spi_in_of() { esp_sessions_where spi_out "$1" spi_in; }
# spoofed_bound SPI_OUT REAL_SPI_IN : an inbound SPI other than the real one
# is bound to SPI_OUT.
spoofed_bound() {
	local v
	v=$(spi_in_of "$1")
	[ -n "$v" ] && [ "$v" != 0x00000000 ] && [ "$v" != "$2" ]
}
# hold_server_esp add SERVER [SPI] : SERVER's ESP is dropped at the
# router's WAN port before vpnpt sees it (all of it, or all but SPI's);
# hold_server_esp delete : let through again.
hold_server_esp() {
	local keep=
	[ -n "${3:-}" ] && keep="@th,0,32 != $3"
	if [ "$1" = add ]; then
		nsx $NS_ROUTER nft -f - <<-END
			table ip hold {
				chain pre {
					type filter hook prerouting priority -400;
					iifname "wan" ip saddr $2 ip protocol esp $keep drop
				}
			}
		END
	else
		nsx $NS_ROUTER nft delete table ip hold
	fi
}

# topo_create N : the router, the server and N LAN clients (see the diagram).
topo_create() {
	local n=$1 i ns ports=
	_ns_add $NS_ROUTER net.ipv4.ip_forward=1 || return 1
	_ns_add $NS_SERVER || return 1
	ip link add wan netns $NS_ROUTER type veth peer name wan netns $NS_SERVER
	for ((i = 1; i <= n; i++)); do
		ns=$(client_ns $i)
		_ns_add "$ns" || return 1
		ip link add "lan$i" netns $NS_ROUTER type veth peer name eth0 netns "$ns"
		ip -n "$ns" -batch - <<-END || return 1
			addr add $(client_addr $i)/$LAN_PREFIX dev eth0
			link set eth0 up
			route add default via $ROUTER_LAN
		END
		ports="$ports
link set lan$i master br0 up"
	done
	# One ip per namespace (-batch): processes are slow to start on a debug kernel.
	ip -n $NS_ROUTER -batch - <<-END || return 1
		link add br0 type bridge
		addr add $ROUTER_LAN/$LAN_PREFIX dev br0
		link set br0 up
		addr add $ROUTER_WAN/$WAN_PREFIX dev wan
		link set wan up$ports
	END
	ip -n $NS_SERVER -batch - <<-END || return 1
		addr add $SERVER_WAN/$WAN_PREFIX dev wan
		link set wan up
	END
	nsx $NS_ROUTER nft -f - <<-END || return 1
		table ip vpnpt_test_nat {
			chain postrouting {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "wan" masquerade
			}
		}
	END
	# The server has no route to the LAN: only the router's WAN address is
	# reachable from it, as on the internet.
	wait_until 5 nsx "$(client_ns 1)" ping -c1 -W1 -q $ROUTER_LAN 2>/dev/null || [ "$n" = 0 ]
}
