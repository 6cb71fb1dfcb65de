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
check_eq "modinfo parameters" "ah esp ike l2tp natt pptp pptp_client_calls" \
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
ns=${NS_PREFIX}mod
ip netns add $ns && on_exit ns_del $ns
check "unload with an extra namespace alive" rmmod vpnpt
check "load with an extra namespace alive" vpnpt_load
ip netns del $ns
check "unload after the namespace is gone" rmmod vpnpt

# --- autoload ------------------------------------------------------------------
# The module as `make install` puts it (updates/, depmod) loads on demand:
# vpnptctl's lookup of the generic netlink family and an nft ct helper of
# one of its types make the kernel run modprobe for the module's aliases.
check_eq "modinfo aliases: the genetlink family and each conntrack helper" \
	"net-pf-16-proto-16-family-vpnpt nfct-helper-vpnpt-ike nfct-helper-vpnpt-l2tp nfct-helper-vpnpt-natt nfct-helper-vpnpt-pptp nfct-helper-vpnpt-pptp-gre" \
	"$(modinfo -F alias "$ko" | sort | xargs)"

# The guest's module tree is read-only: a writable overlay over it, for this
# test only (the EXIT trap takes it away again). depmod reads every module
# of the tree: on Debian's kernels (thousands, compressed) that takes many
# minutes under TCG, so the on-demand loading is checked where the tree is
# small (the debug kernel's, which make check runs this test on) or with
# VPNPT_LONG=1.
require_cmd depmod modprobe nft
ctl=$VPNPT_TOP/build/vpnptctl
moddir=/lib/modules/$(uname -r)
nmods=$(find "$moddir/" -name '*.ko*' | wc -l)
if [ "$nmods" -gt 500 ] && [ "${VPNPT_LONG:-0}" != 1 ]; then
	diag "on-demand loading not checked here: $nmods modules for depmod (the debug kernel's tree, or VPNPT_LONG=1)"
	tap_done
fi
ovl=$(mktemp -d /tmp/vpnpt-modtree.XXXXXX)
mkdir "$ovl/upper" "$ovl/work"
on_exit rm -rf "$ovl"
check "writable overlay over $moddir" mount -t overlay vpnpt-modtree \
	-o "lowerdir=$moddir,upperdir=$ovl/upper,workdir=$ovl/work" "$moddir" &&
	on_exit umount "$moddir"
on_exit vpnpt_unload
check "vpnpt.ko installed in updates/, depmod" \
	sh -c "mkdir -p '$moddir/updates' && cp '$ko' '$moddir/updates/vpnpt.ko' && depmod -a '$(uname -r)'"

check_fail "not loaded before vpnptctl runs" vpnpt_loaded
check "vpnptctl status loads the module on demand" "$ctl" status
check "module loaded by vpnptctl" vpnpt_loaded
check_eq "and it is the installed one" "$moddir/updates/vpnpt.ko" \
	"$(modinfo -n vpnpt)"
check "unload" rmmod vpnpt

ns=${NS_PREFIX}mod
ip netns add $ns && on_exit ns_del $ns
check "nft ct helper of type \"vpnpt-pptp\" loads the module on demand" \
	ip netns exec $ns nft 'table ip vpnpt_autoload { ct helper pptp { type "vpnpt-pptp" protocol tcp; }; }'
check "module loaded by nft" vpnpt_loaded
check "helper object in place" ip netns exec $ns nft list ct helper ip vpnpt_autoload pptp
ip netns exec $ns nft delete table ip vpnpt_autoload 2>/dev/null
ip netns del $ns
check "unload after the helper is gone" vpnpt_unload

# Not installed (modules.dep still names it, the file is gone): vpnptctl's
# autoload finds nothing and says so in one line.
rm -f "$moddir/updates/vpnpt.ko"
err=$("$ctl" status 2>&1)
rc=$?
check_eq "module absent: one line, exit 1" \
	'1 1: vpnptctl: vpnpt module not loaded (generic netlink family "vpnpt" not found)' \
	"$rc $(printf '%s\n' "$err" | grep -c .): $(printf '%s\n' "$err" | head -1)"
check_fail "nft ct helper of a type nobody provides is refused" \
	nft 'table ip vpnpt_autoload { ct helper pptp { type "vpnpt-pptp" protocol tcp; }; }'
nft delete table ip vpnpt_autoload 2>/dev/null

tap_done
