#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The protocol switches as module parameters: defaults, valid and invalid
# writes (an invalid one is refused and the old value kept), values given at
# load time.
#
#   this shell --write/read--> /sys/module/vpnpt/parameters/{pptp,...}
#              --insmod------> vpnpt.ko PROTO=VALUE...
#
# Reads and writes are shell builtins: a program started costs about a
# second under TCG, and this test makes hundreds of them.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
vpnpt_ko >/dev/null || skip "no vpnpt.ko"
PROTOS="pptp l2tp ike esp ah natt"
P=/sys/module/vpnpt/parameters
vpnpt_unload
on_exit vpnpt_unload

vpnpt_load || { tap_not_ok "load"; tap_done; }
rd() { local v; read -r v <"$1"; echo "$v"; } # cat without a program
wr() { echo "$1" >"$2"; }                     # fails as the write(2) fails
switches() { # all six values, as "1 1 1 0 1 1"
	local p v out=()
	for p in $PROTOS; do
		v=$(rd $P/$p)
		out+=("$v")
	done
	echo "${out[*]}"
}

for p in $PROTOS; do
	check_eq "$p: defaults to enabled" "1" "$(rd $P/$p)"
	check_eq "$p: mode 0644" "644" "$(stat -c %a $P/$p)"
	for v in 0:0 1:1 n:0 y:1 off:0 on:1 N:0 Y:1 no:0 yes:1 false:0 TRUE:1; do
		echo "${v%:*}" >$P/$p 2>/dev/null
		check_eq "$p: write '${v%:*}' reads ${v#*:}" "${v#*:}" "$(rd $P/$p)"
	done
	echo 0 >$P/$p
	for bad in banana 2 -1 "" yes. 0x1 onn 10 "y y"; do
		check_fail "$p: write '$bad' is refused" wr "$bad" $P/$p
		check_eq "$p: value kept after '$bad'" "0" "$(rd $P/$p)"
	done
	echo 1 >$P/$p
done

# One switch does not move another.
echo 0 >$P/esp
check_eq "switches are independent" "1 1 1 0 1 1" "$(switches)"
rmmod vpnpt

check "load with pptp=0 esp=off" vpnpt_load pptp=0 esp=off
check_eq "load-time values apply" "0 1 1 0 1 1" "$(switches)"
rmmod vpnpt
check_fail "load with ike=maybe is refused" vpnpt_load ike=maybe
check_fail "nothing left loaded after a refused load" vpnpt_loaded
check "load after a refused load" vpnpt_load

tap_done
