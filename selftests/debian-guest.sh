#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of selftests/debian.sh (which builds the packages on the
# host and boots the guest): install vpnpt's Debian packages as on a router
# and remove them again. Not a selftest of its own (run.sh leaves it out):
# it needs the .debs in $VPNPT_DEBS.
#
#   host: dpkg-buildpackage -> vpnpt-dkms_*.deb, vpnptctl_*.deb
#         scripts/kernels --debs 6.1 -> linux-headers-KVER (+ -common,
#         linux-kbuild, linux-compiler) .debs
#                 |  $VPNPT_DEBS, read-only
#                 v
#   guest (running KVER, root = overlay on the host root, so what dpkg
#   writes vanishes with the guest; no systemd, no network):
#     dpkg -i linux-headers...       /lib/modules/KVER/build -> /usr/src/...
#     apt-get install ./vpnpt-dkms ./vpnptctl
#         postinst: dkms add/build/install -> updates/dkms/vpnpt.ko
#                   deb-systemd-helper enable vpnpt-setup.service
#     /etc/modules-load.d/vpnpt.conf as systemd-modules-load reads it
#     vpnpt-setup.service ExecStartPre/ExecStart/ExecStop as systemd runs them
#         -> attach-helpers on / off
#     vpnptctl status
#     a PPTP client connects through the installed module (pptp_connects)
#     dpkg --purge vpnptctl vpnpt-dkms -> nothing of vpnpt left
#
# Usage (in the guest, as root): VPNPT_DEBS=DIR selftests/debian-guest.sh
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
debs=${VPNPT_DEBS:-}
[ -n "$debs" ] && [ -d "$debs" ] || skip "VPNPT_DEBS is not a directory of .debs"
kver=$(uname -r)
[ -z "${VPNPT_KVER:-}" ] || [ "$VPNPT_KVER" = "$kver" ] ||
	skip "running $kver, not the guest kernel $VPNPT_KVER"
export DEBIAN_FRONTEND=noninteractive
# /dev/fd, which udev or systemd provide on a real system and dkms's <(...)
# needs; vm-run's devtmpfs lacks it.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
unit=/lib/systemd/system/vpnpt-setup.service
wants=/etc/systemd/system/multi-user.target.wants/vpnpt-setup.service

# Every path of vpnpt's: what the packages hold, DKMS's trees, depmod's
# files, the unit's enable link and deb-systemd-helper's state (globs and
# small trees only: the guest's root is slow to walk).
vpnpt_paths() {
	local m=/lib/modules/$kver
	{
		find /etc/modules-load.d /etc/systemd /var/lib/systemd /var/lib/dkms "$m/updates" \
			-name '*vpnpt*'
		ls -d /usr/src/vpnpt* /usr/sbin/vpnpt* /usr/share/man/man8/vpnpt* \
			/usr/share/bash-completion/completions/vpnpt* /usr/share/doc/vpnpt* \
			/lib/systemd/system/vpnpt*
		grep -l vpnpt "$m/modules.dep" "$m/modules.alias"
	} 2>/dev/null | LC_ALL=C sort
}

# --- before --------------------------------------------------------------------
check_fail "vpnpt is not loaded before the packages are installed" test -d /sys/module/vpnpt
before=$(vpnpt_paths)
check_eq "no file of vpnpt before the packages are installed" "" "$before"

# --- kernel headers, as linux-headers-KVER installs them on a router ---------
shopt -s nullglob
hdr_debs=("$debs"/linux-*.deb)
shopt -u nullglob
if [ ${#hdr_debs[@]} -gt 0 ]; then
	start=$SECONDS
	check "dpkg -i the linux-headers-$kver packages" \
		dpkg -i --force-unsafe-io "${hdr_debs[@]}" || tap_done
	diag "installing the headers took $((SECONDS - start))s"
	check_eq "/lib/modules/$kver/build is the packaged headers" "/usr/src/linux-headers-$kver" \
		"$(readlink "/lib/modules/$kver/build")"
else
	# The cached kernel tree's headers, already linked as build by vm-run.
	diag "no linux-headers .debs in $debs: using the cached headers"
	check "/lib/modules/$kver/build has the kernel's Makefile" test -f "/lib/modules/$kver/build/Makefile"
fi

# --- install -------------------------------------------------------------------
dkms_deb=$(ls "$debs"/vpnpt-dkms_*_all.deb)
ctl_deb=$(ls "$debs"/vpnptctl_*_"$(dpkg --print-architecture)".deb)
version=$(dpkg-deb -f "$dkms_deb" Version)
upstream=${version%-*}
start=$SECONDS
# apt as the README says (the guest has no network: everything the packages
# depend on is installed on the host). --force-unsafe-io: dpkg's fsync of
# each file is slow on the guest's 9p root and pointless on a throwaway one.
check "apt-get install ./vpnpt-dkms ./vpnptctl (DKMS builds the module)" \
	apt-get install -y -q -o Dpkg::Options::=--force-unsafe-io "$dkms_deb" "$ctl_deb" || tap_done
diag "install with the DKMS build took $((SECONDS - start))s"
for p in vpnpt-dkms vpnptctl; do
	check_eq "$p $version is installed" "install ok installed $version" \
		"$(dpkg-query -W -f '${Status} ${Version}' "$p" 2>&1)"
done
check_eq "dkms status: built and installed for $kver" \
	"vpnpt/$upstream, $kver, $(uname -m): installed" "$(dkms status vpnpt 2>&1)"
ko=/lib/modules/$kver/updates/dkms/vpnpt.ko
check "DKMS installed $ko" test -f "$ko"
check_eq "... built for $kver" "$kver" "$(modinfo -F vermagic "$ko" 2>&1 | cut -d' ' -f1)"
check_eq "... of version $upstream" "$upstream" "$(modinfo -F version "$ko" 2>&1)"
check_eq "modprobe finds the DKMS module (depmod ran)" "$ko" "$(modinfo -n vpnpt 2>&1)"
check_fail "installing did not load the module (no systemd here)" test -d /sys/module/vpnpt
check_eq "vpnpt-setup.service is enabled (dh_installsystemd)" "$unit" "$(readlink "$wants")"
files_dkms=$(dpkg -L vpnpt-dkms)
files_ctl=$(dpkg -L vpnptctl)

# --- boot: modules-load.d, as systemd-modules-load reads it ------------------
conf=/etc/modules-load.d/vpnpt.conf
mods=$(sed -e 's/[#;].*//' -e 's/[[:space:]]//g' -e '/^$/d' "$conf" 2>&1)
check_eq "$conf loads vpnpt" "vpnpt" "$mods"
for m in $mods; do
	check "modules-load: modprobe $m" modprobe "$m"
done
check_eq "the loaded module is the DKMS one" "$(modinfo -F srcversion "$ko" 2>&1)" \
	"$(cat /sys/module/vpnpt/srcversion 2>&1)"
check "rmmod vpnpt" rmmod vpnpt
diag "$SECONDS s since the start"

# --- boot: vpnpt-setup.service, as systemd runs it ---------------------------
# unit_exec KEY: the command lines of KEY= in the unit, one a line.
unit_exec() { sed -n "s/^$1=//p" "$unit"; }
# run_exec LINE: runs a unit's command line as systemd does for these: a
# leading "-" ignores its failure; other prefixes, quotes and $ are not
# expected (and refused).
run_exec() {
	local line=$1 ignore=0
	case $line in -*) ignore=1 line=${line#-} ;; esac
	case $line in
	[@+!:]* | *[\"\'\$\\]*) echo "unexpected unit command line: $1"; return 1 ;;
	/*) ;;
	*) echo "not an absolute path: $1"; return 1 ;;
	esac
	# shellcheck disable=SC2086 # word splitting is what systemd does here
	$line || [ $ignore = 1 ]
}
check_eq "unit: oneshot, RemainAfterExit" "Type=oneshot RemainAfterExit=yes" \
	"$(grep -E '^(Type|RemainAfterExit)=' "$unit" | tr '\n' ' ' | sed 's/ $//')"
check_eq "unit: ExecStartPre loads the module" "-/sbin/modprobe vpnpt" "$(unit_exec ExecStartPre)"
check_eq "unit: ExecStart and ExecStop are one command each" "1 1" \
	"$(unit_exec ExecStart | wc -l) $(unit_exec ExecStop | wc -l)"
check "unit: ExecStartPre ($(unit_exec ExecStartPre))" run_exec "$(unit_exec ExecStartPre)"
check "... loaded the module" test -d /sys/module/vpnpt

start_cmd=$(unit_exec ExecStart)
stop_cmd=$(unit_exec ExecStop)
check "unit: ExecStart ($start_cmd)" run_exec "$start_cmd"
attach_on() { vpnptctl -j status | grep -q '"attach_helpers":true'; }
check "... the module attaches the helpers (attach-helpers on)" attach_on
check_fail "... with no nftables table" nft list table ip vpnpt
check "vpnptctl status" vpnptctl status
check_eq "vpnptctl status: module version $upstream" "$upstream" \
	"$(vpnptctl -j status 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["module_version"])' 2>&1)"

# A PPTP client through the module the packages installed: its link, its
# traffic and its session as the installed vpnptctl shows it.
pptp_connects() {
	local ctl=/usr/sbin/vpnptctl n
	. "$SELFTESTS_DIR/lib_peers.sh"
	peers_modules
	topo_create 1 || { tap_not_ok "topology for the PPTP client"; return; }
	check "installed vpnptctl attaches the helpers in the router namespace" \
		$ctl -n $NS_ROUTER setup
	pptp_server_start
	pptp_client_start 1
	check "a PPTP client connects through the installed module" wait_until 60 ppp_up 1
	check "and passes traffic" nsx "$(client_ns 1)" ping -c 2 -W 2 -q 192.168.77.1
	n=$($ctl -n $NS_ROUTER -j sessions | python3 -c '
import json, sys
print(sum(1 for s in json.load(sys.stdin) if s["proto"] == "pptp" and s["state"] == "established"))')
	check_eq "installed vpnptctl lists the call" 1 "$n"
	pptp_client_stop 1
	for n in $NS_ROUTER $NS_SERVER "$(client_ns 1)"; do ns_del "$n"; done
}
pptp_connects

check "unit: ExecStop ($stop_cmd)" run_exec "$stop_cmd"
check_fail "... attach-helpers is off" attach_on
check "rmmod vpnpt" rmmod vpnpt

# --- purge ---------------------------------------------------------------------
start=$SECONDS
check "dpkg --purge vpnptctl vpnpt-dkms" dpkg --purge --force-unsafe-io vpnptctl vpnpt-dkms
diag "purging took $((SECONDS - start))s"
for p in vpnpt-dkms vpnptctl; do
	check_eq "$p is gone from dpkg's database" "" \
		"$(dpkg-query -W -f '${Status}' "$p" 2>/dev/null)"
done
left=$(printf '%s\n%s\n' "$files_dkms" "$files_ctl" | while read -r f; do
	[ -n "$f" ] && [ ! -d "$f" ] && { [ -e "$f" ] || [ -L "$f" ]; } && echo "$f"; done)
check_eq "every file the packages listed is removed" "" "$left"
check_fail "the DKMS module is removed ($ko)" test -e "$ko"
check_fail "the DKMS tree is removed (/var/lib/dkms/vpnpt)" test -e /var/lib/dkms/vpnpt
check_fail "modprobe vpnpt finds no module" modprobe -n vpnpt
check_eq "dkms status knows no vpnpt" "" "$(dkms status vpnpt 2>&1)"
check_eq "no file of vpnpt left (source, module, tool, man page, unit, its enable link, conffile)" \
	"$before" "$(vpnpt_paths)"

tap_done
