#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the guest harness itself, run on the host: scripts/vm-run must
# return the command's status, fail runs whose kernel log shows a WARNING or
# a refcount_t error, and kill a guest that hangs at its timeout. On the
# debug kernel (SERIES 6.1-debug) it must also fail a use-after-free
# (KASAN), a lock-order inversion (lockdep), a leak (kmemleak) and an RCU
# pointer read outside its read section (PROVE_RCU), each named in what it
# prints.
#
# Usage: selftests/harness.sh [SERIES]   (needs build/fault-SERIES/vpnpt_fault.ko)
. "$(dirname "$0")/lib.sh"

series=${1:-6.1}
vm=$VPNPT_TOP/scripts/vm-run
fault=$VPNPT_TOP/build/fault-$series/vpnpt_fault.ko
[ -f "$fault" ] || skip "no $fault (make harness-modules)"
log=$VPNPT_LOGDIR/harness-$series
scripts_kver() { "$VPNPT_TOP/scripts/kernels" --path "$series" kver; }

run_vm() { # EXPECTED-STATUS LOGNAME ARGS...
	local want=$1 name=$2 rc
	shift 2
	"$vm" -k "$series" "$@" >"$log-$name.out" 2>"$log-$name.err"
	rc=$?
	[ "$rc" = "$want" ] || { echo "status $rc, wanted $want"; tail -5 "$log-$name.err"; return 1; }
}

# On the debug kernel: that it is the one that boots, on 2 CPUs, that its
# checkers are on and that each class of report fails the run (the rest,
# which does not depend on the kernel, is checked on the stock one: a debug
# guest takes about 50 s, most of it kmemleak's last scans).
case $series in
*-debug)
	# nproc: vm-run boots it with pci=noacpi, which without the MP-table
	# code left it one CPU (scripts/debug-kernel/config).
	out=$("$vm" -k "$series" -- sh -c 'echo "kver=$(uname -r) cpus=$(nproc)"' 2>/dev/null)
	check_eq "the debug kernel runs, on 2 CPUs" "kver=$(scripts_kver) cpus=2" \
		"$(echo "$out" | grep '^kver=')"
	check "kmemleak is on" run_vm 0 kml -- test -w /sys/kernel/debug/kmemleak
	check "a clean module load passes" run_vm 0 none -- insmod "$fault" mode=none
	for c in "uaf:KASAN: use-after-free" \
		"lockorder:possible circular locking dependency" \
		"leak:unreferenced object" \
		"rcu:suspicious RCU usage"; do
		m=${c%%:*}
		check "mode=$m fails the run" run_vm 1 "$m" -- insmod "$fault" mode="$m"
		check "mode=$m: the report names '${c#*:}'" grep -q "${c#*:}" "$log-$m.err"
	done
	tap_done
	;;
esac

check "status 0 is passed through" run_vm 0 true -- true
check "status 3 is passed through" run_vm 3 three -- sh -c 'exit 3'
check_eq "output reaches the host; the guest has 2 CPUs" "hello from $(uname -m), 2 CPUs" \
	"$("$vm" -k "$series" -- sh -c 'echo "hello from $(uname -m), $(nproc) CPUs"' 2>/dev/null | grep '^hello')"
check "a clean module load passes" run_vm 0 none -- insmod "$fault" mode=none
check "a WARNING fails the run" run_vm 1 warn -- insmod "$fault" mode=warn
check "the WARNING is reported" grep -q 'kernel log .* has errors' "$log-warn.err"
check "a refcount_t error fails the run" run_vm 1 refcount -- insmod "$fault" mode=refcount
check "the refcount_t line is reported" grep -q 'refcount_t' "$log-refcount.err"
start=$SECONDS
check "a hung guest is killed at the timeout" run_vm 124 hang -t 25 -- sleep 3600
check "the timeout is reported" grep -q 'timed out after 25s' "$log-hang.err"
check "the hung guest did not outlive its timeout by much" test $((SECONDS - start)) -lt 60

tap_done
