#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module parameters written while the module loads and unloads.
#
# The switches stay writable in sysfs from before the module's init runs
# until after its exit has returned. A write that reaches the initial
# namespace's state must find every part of the module registered: switching
# IKE off flushes the ike-keep-port state, which the first part to go at
# exit (and the last to come at init) frees. Writers toggle switches in a
# loop while the module is loaded and unloaded; the kernel must report
# nothing (KASAN, lockdep, an oops), every cycle must complete, and the
# switches must work after it.
#
#   writers --echo 0/1--> /sys/module/vpnpt/parameters/{ike,esp,pptp}
#   this shell ---------> insmod / rmmod, CYCLES times
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd insmod rmmod dmesg
vpnpt_ko >/dev/null || skip "no vpnpt.ko"
CYCLES=${VPNPT_RACE_CYCLES:-20}
P=/sys/module/vpnpt/parameters
vpnpt_unload
on_exit vpnpt_unload

# Shell builtins only: a write costs no program start, so the writers keep
# the parameters busy through every step of init and exit. A write fails
# while the module is absent; that is expected.
writer() {
	local p=$1
	while :; do
		echo 0 >$P/"$p"
		echo 1 >$P/"$p"
	done 2>/dev/null
}

bad_before=$(dmesg | grep -cE 'KASAN|BUG:|WARNING:|Oops|general protection|lockdep|UBSAN')
pids=()
for p in ike esp pptp; do
	writer $p &
	pids+=($!)
done
on_exit kill "${pids[@]}"

ok=0
for ((i = 1; i <= CYCLES; i++)); do
	vpnpt_load || { diag "load $i failed"; break; }
	vpnpt_loaded || { diag "no /sys/module/vpnpt after load $i"; break; }
	rmmod vpnpt || { diag "unload $i failed"; break; }
	ok=$i
done
kill "${pids[@]}"
wait "${pids[@]}" 2>/dev/null
check_eq "$CYCLES load/unload cycles with parameter writers" "$CYCLES" "$ok"

bad_after=$(dmesg | grep -cE 'KASAN|BUG:|WARNING:|Oops|general protection|lockdep|UBSAN')
check_eq "no kernel error reported during the cycles" "$bad_before" "$bad_after"
[ "$bad_before" = "$bad_after" ] ||
	diag "$(dmesg | grep -E -A3 'KASAN|BUG:|WARNING:|Oops|general protection|lockdep|UBSAN' | head -20)"

# The switches still work as parameters.
check "load after the cycles" vpnpt_load
echo 0 >$P/ike
check_eq "ike written off reads 0" "0" "$(cat $P/ike)"
echo 1 >$P/ike
check_eq "ike written on reads 1" "1" "$(cat $P/ike)"

tap_done
