# SPDX-License-Identifier: GPL-2.0
#
# Shared by selftests/stress_*.sh (sourced after lib.sh): the iteration
# count, steady traffic of every protocol (vpnpt_flood.py), racers that
# count their rounds, kernel-log and counter checks.
#
# The stress tests are meant for the debug kernel (KASAN, lockdep, kmemleak:
# scripts/vm-run -k 6.1-debug), where the harness fails the run on any
# report; they also check the kernel log themselves, so a report fails the
# test that caused it.
#
#   VPNPT_STRESS_ITER   iterations of each storm (default 100)

ITER=${VPNPT_STRESS_ITER:-100}
CTL=$VPNPT_TOP/build/vpnptctl
FLOOD="python3 $SELFTESTS_DIR/tools/vpnpt_flood.py"
NL=${NL:-"python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"}
[ -x "$CTL" ] || skip "vpnptctl not built (make tool)"

# nsx NS COMMAND... : as lib.sh's, and "-" is the namespace the test runs in
# (the initial one, a router too in stress_switches).
nsx() {
	local ns=$1
	shift
	if [ "$ns" = - ]; then "$@"; else ip netns exec "$ns" "$@"; fi
}

# nap SECONDS : sleep without starting a program (sleep(1) is one, and
# starting programs is what costs under TCG): a read that times out on a FIFO
# nobody writes.
mkfifo "$VPNPT_LOGDIR/nap.fifo"
exec {_nap_fd}<>"$VPNPT_LOGDIR/nap.fifo"
nap() { read -r -t "$1" -u $_nap_fd; true; }

# --- the kernel log ------------------------------------------------------------
# Lines the harness (scripts/vm-run) fails a run on.
_KREPORT='Oops|BUG|WARNING:|refcount_t|lockdep|KASAN|UBSAN|Kernel panic|general protection fault|soft lockup|hard LOCKUP|hung_task|blocked for more than|Call Trace|kmemleak'
_dmesg_mark=$(dmesg 2>/dev/null | wc -l)
# kernel_reports : the report lines logged since the test started
kernel_reports() {
	dmesg 2>/dev/null | tail -n +$((_dmesg_mark + 1)) | grep -E "$_KREPORT" | head -40
}
check_kernel_clean() { # WHAT
	local r
	r=$(kernel_reports)
	check_eq "$1: no kernel report (KASAN, lockdep, WARNING, BUG)" "" "$r" ||
		dmesg | tail -n +$((_dmesg_mark + 1)) | grep -E -A25 "$_KREPORT" | head -80 | sed 's/^/#   /'
}

# --- steady traffic --------------------------------------------------------------
# flood_start NAME NS DST [ARGS...] : vpnpt_flood.py from NS to DST until
#   flood_stop NAME; its result line in $VPNPT_LOGDIR/flood-NAME.log.
declare -A _flood_pid=()
flood_start() {
	local name=$1 ns=$2 dst=$3
	shift 3
	rm -f "$VPNPT_LOGDIR/flood-$name.stop"
	ns_bg "$ns" "flood-$name" $FLOOD "$dst" --stop-when "$VPNPT_LOGDIR/flood-$name.stop" "$@"
	_flood_pid[$name]=$!
	on_exit "touch $VPNPT_LOGDIR/flood-$name.stop; kill ${_flood_pid[$name]}"
}
flood_stop() { # NAME : stop it and wait for its result line
	touch "$VPNPT_LOGDIR/flood-$1.stop"
	wait_until 20 grep -q rounds "$VPNPT_LOGDIR/flood-$1.log"
}
# flood_sent NAME [KIND] : packets it sent (of KIND; default all), once stopped
flood_sent() {
	python3 -c '
import json, sys
d = json.loads([l for l in open(sys.argv[1]) if "rounds" in l][-1])
print(d["sent"].get(sys.argv[2], 0) if sys.argv[2] else sum(d["sent"].values()))' \
		"$VPNPT_LOGDIR/flood-$1.log" "${2:-}" 2>/dev/null || echo 0
}

# --- racers ------------------------------------------------------------------------
# racer_start NAME NS COMMAND-STRING : run the shell commands in NS over and
#   over until racer_stop NAME; each round appends a line to
#   $VPNPT_LOGDIR/racer-NAME.n. Its failures are ignored (it races on
#   purpose), its output kept in racer-NAME.log.
declare -A _racer_pid=()
racer_start() {
	local name=$1 ns=$2 d=$VPNPT_LOGDIR
	rm -f "$d/racer-$name.stop" "$d/racer-$name.n"
	: >"$d/racer-$name.n"
	local loop="while [ ! -e $d/racer-$name.stop ]; do { $3 ; } >>$d/racer-$name.log 2>&1; echo >>$d/racer-$name.n; done"
	if [ "$ns" = - ]; then
		bash -c "$loop" </dev/null &
	else
		ip netns exec "$ns" bash -c "$loop" </dev/null &
	fi
	_racer_pid[$name]=$!
	on_exit "touch $d/racer-$name.stop; kill ${_racer_pid[$name]}"
}
racer_stop() { # NAME : stop it, wait for its end; print its rounds
	touch "$VPNPT_LOGDIR/racer-$1.stop"
	wait "${_racer_pid[$1]}" 2>/dev/null
	racer_rounds "$1"
}
racer_rounds() { local n; n=$(wc -l <"$VPNPT_LOGDIR/racer-$1.n"); echo $((n)); }

# --- vpnpt state -------------------------------------------------------------------
# stats_json NS : vpnpt's counters in NS (JSON, vpnptctl -j stats)
stats_json() { nsx "$1" "$CTL" -j stats; }
# gauge_consistent NS : per protocol, once quiet, sessions_created -
#   sessions_ended = sessions_active = the sessions a dump lists. Prints
#   "PROTO created ended active dumped" for each protocol that disagrees.
gauge_consistent() {
	local st se
	st=$(nsx "$1" "$CTL" -j stats) || return 1
	se=$(nsx "$1" "$CTL" -j sessions) || return 1
	jq -rn --argjson st "$st" --argjson se "$se" '
		$st | to_entries[] | select(.value | type == "object" and has("sessions_active")) |
		.key as $p | .value as $v |
		([$se[] | select(.proto == $p)] | length) as $d |
		select($v.sessions_created - $v.sessions_ended != $v.sessions_active
		       or $v.sessions_active != $d) |
		"\($p) \($v.sessions_created) \($v.sessions_ended) \($v.sessions_active) \($d)"'
}
# nsessions NS [PROTO] : sessions in a dump (of PROTO)
nsessions() {
	if [ -n "${2:-}" ]; then
		nsx "$1" "$CTL" -j sessions proto "$2" | jq length
	else
		nsx "$1" "$CTL" -j sessions | jq length
	fi
}
# Conntrack entries in NS in the zones vpnpt hands out to ESP clients (32768 up).
ct_vpnpt_zones() {
	nsx "$1" conntrack -L 2>/dev/null |
		awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^zone=/ && substr($i, 6) + 0 >= 32768) print }'
}
# Conntrack entries in NS that have a vpnpt helper attached.
ct_vpnpt_helpers() { nsx "$1" conntrack -L 2>/dev/null | grep 'helper=vpnpt' || true; }
