#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module loads and unloads cleanly, many times, and says what it is.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd modinfo insmod rmmod
ko=$(vpnpt_ko) || skip "no vpnpt.ko"
# Each cycle registers and unregisters five conntrack helpers (RCU grace
# periods): 30 by default, VPNPT_LONG=1 for 200.
if [ "${VPNPT_LONG:-0}" = 1 ]; then CYCLES=200; else CYCLES=${VPNPT_LOAD_CYCLES:-30}; fi
vpnpt_unload

check_eq "modinfo license" "GPL" "$(modinfo -F license "$ko")"
check_eq "modinfo name" "vpnpt" "$(modinfo -F name "$ko")"
check "modinfo version" test -n "$(modinfo -F version "$ko")"
check "modinfo description" test -n "$(modinfo -F description "$ko")"
check_eq "modinfo parameters" "ah esp ike l2tp natt pptp" \
	"$(modinfo -F parm "$ko" | cut -d: -f1 | sort | xargs)"
check_eq "vermagic matches the running kernel" "$(uname -r)" \
	"$(modinfo -F vermagic "$ko" | cut -d' ' -f1)"

loads_before=$(dmesg | grep -c 'vpnpt: version .* loaded$')
ok=0
for ((i = 1; i <= CYCLES; i++)); do
	vpnpt_load || { diag "load $i failed"; break; }
	vpnpt_loaded || { diag "no /sys/module/vpnpt after load $i"; break; }
	rmmod vpnpt || { diag "unload $i failed"; break; }
	vpnpt_loaded && { diag "/sys/module/vpnpt still there after unload $i"; break; }
	ok=$i
done
check_eq "$CYCLES load/unload cycles" "$CYCLES" "$ok"
check_eq "one 'loaded' line per load" "$CYCLES" \
	"$(($(dmesg | grep -c 'vpnpt: version .* loaded$') - loads_before))"

vpnpt_load
check_eq "module is live" "live" "$(cat /sys/module/vpnpt/initstate)"
ns=vpnpt-modtest
ip netns add $ns && on_exit ns_del $ns
check "unload with an extra namespace alive" rmmod vpnpt
check "load with an extra namespace alive" vpnpt_load
ip netns del $ns
check "unload after the namespace is gone" rmmod vpnpt

tap_done
