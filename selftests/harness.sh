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

# The guests run at once, so a host with more cores than a guest uses runs
# them in less time (on two cores they keep both busy: make check's harness
# step took 411 s, against 386 s one after another).
# start_vm LOGNAME ARGS... starts one; run_vm EXPECTED-STATUS LOGNAME waits
# for it and checks its status; LOG.time holds how long it ran.
start_vm() { # LOGNAME ARGS...
	local name=$1
	shift
	(t0=$SECONDS
	 "$vm" -k "$series" "$@" >"$log-$name.out" 2>"$log-$name.err"
	 rc=$?
	 echo $((SECONDS - t0)) >"$log-$name.time"
	 echo $rc >"$log-$name.rc") &
}
run_vm() { # EXPECTED-STATUS LOGNAME
	local want=$1 name=$2 rc
	while [ ! -s "$log-$name.rc" ]; do
		sleep 1
	done
	rc=$(cat "$log-$name.rc")
	[ "$rc" = "$want" ] || { echo "status $rc, wanted $want"; tail -5 "$log-$name.err"; return 1; }
}
rm -f "$log"-*.rc

# On the debug kernel: that it is the one that boots, on 2 CPUs, that its
# checkers are on and that each class of report fails the run (the rest,
# which does not depend on the kernel, is checked on the stock one: a debug
# guest takes about 50 s, most of it kmemleak's last scans).
case $series in
*-debug)
	# nproc: vm-run boots it with pci=noacpi, which without the MP-table
	# code left it one CPU (scripts/debug-kernel/config).
	classes=("uaf:KASAN: use-after-free"
		"lockorder:possible circular locking dependency"
		"leak:unreferenced object"
		"rcu:suspicious RCU usage")
	# One guest for the kernel's facts and the control (the fault module
	# loads clean): a debug guest costs about a minute of a host core.
	start_vm kver -- sh -c 'echo "kver=$(uname -r) cpus=$(nproc) kmemleak=$(test -w /sys/kernel/debug/kmemleak && echo on)" &&
		insmod "$1" mode=none' sh "$fault"
	for c in "${classes[@]}"; do
		start_vm "${c%%:*}" -- insmod "$fault" mode="${c%%:*}"
	done
	check "the debug kernel runs; the fault module loads clean (mode=none)" run_vm 0 kver
	check_eq "the debug kernel, on 2 CPUs, with kmemleak on" \
		"kver=$(scripts_kver) cpus=2 kmemleak=on" "$(grep '^kver=' "$log-kver.out")"
	for c in "${classes[@]}"; do
		m=${c%%:*}
		check "mode=$m fails the run" run_vm 1 "$m"
		check "mode=$m: the report names '${c#*:}'" grep -q "${c#*:}" "$log-$m.err"
	done
	tap_done
	;;
esac

start_vm true -- true
start_vm three -- sh -c 'exit 3'
start_vm hello -- sh -c 'echo "hello from $(uname -m), $(nproc) CPUs"'
start_vm none -- insmod "$fault" mode=none
start_vm warn -- insmod "$fault" mode=warn
start_vm refcount -- insmod "$fault" mode=refcount
start_vm hang -t 25 -- sleep 3600
check "status 0 is passed through" run_vm 0 true
check "status 3 is passed through" run_vm 3 three
check "a run that prints passes" run_vm 0 hello
check_eq "output reaches the host; the guest has 2 CPUs" "hello from $(uname -m), 2 CPUs" \
	"$(grep '^hello' "$log-hello.out")"
check "a clean module load passes" run_vm 0 none
check "a WARNING fails the run" run_vm 1 warn
check "the WARNING is reported" grep -q 'kernel log .* has errors' "$log-warn.err"
check "a refcount_t error fails the run" run_vm 1 refcount
check "the refcount_t line is reported" grep -q 'refcount_t' "$log-refcount.err"
check "a hung guest is killed at the timeout" run_vm 124 hang
check "the timeout is reported" grep -q 'timed out after 25s' "$log-hang.err"
# Its time includes starting QEMU, which under make check's load (the stock
# guests and the debug kernel's build) can take a while; an unkilled guest
# would run for the hour.
check "the hung guest did not outlive its timeout by much" test "$(cat "$log-hang.time")" -lt 120

tap_done
