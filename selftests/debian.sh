#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages, built and checked on the host, then installed, used
# and purged in a 6.1 guest as on a router (selftests/debian-guest.sh):
#
#   host                                        guest (Debian 6.1 kernel, TCG)
#   copy of the tree
#     dpkg-buildpackage -us -uc -b
#       -> vpnpt-dkms_V_all.deb  ---------+
#       -> vpnptctl_V_ARCH.deb   ---------+--> apt-get install: DKMS builds and
#     dpkg-deb: fields, file lists,       |    installs vpnpt.ko for the
#       maintainer scripts                |    running kernel; modules-load.d,
#     lintian                             |    vpnpt-setup.service's commands,
#   [VPNPT_DEBIAN_HEADERS=debs:           |    vpnptctl status; dpkg --purge
#    scripts/kernels --debs 6.1           |    leaves nothing
#       -> linux-headers-KVER .debs] -----+
#
# The guest's TAP lines are numbered into this script's. Nothing is
# installed into the host (the guest's root is an overlay on it).
#
# Usage: [VPNPT_DEBIAN_HEADERS=debs] selftests/debian.sh
#        (needs dpkg-dev, debhelper, dh-dkms, dkms, lintian: scripts/deps;
#        and make kernels)
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/vpnpt-debian.XXXXXX) || exit 1
VPNPT_LOGDIR=$tmp/log
. "$top/selftests/lib.sh"
on_exit "rm -rf '$tmp'"

require_cmd dpkg-buildpackage dh dh_dkms dkms lintian qemu-system-x86_64
out=$("$top/scripts/kernels" 6.1 2>&1) || { echo "$out"; skip "no cached 6.1 kernel (make kernels)"; }
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version)
arch=$(dpkg --print-architecture)

# A copy of the tree (tree_copy, lib.sh): dpkg-buildpackage writes into the
# tree and into its parent directory.
src=$tmp/vpnpt
tree_copy "$top" "$src" || { echo "cannot copy the tree" >&2; exit 1; }

# --- build -----------------------------------------------------------------------
start=$SECONDS
check "dpkg-buildpackage -us -uc -b" sh -c "cd '$src' && dpkg-buildpackage -us -uc -b >'$tmp/build.log' 2>&1" ||
	{ tail -30 "$tmp/build.log" | sed 's/^/# /'; tap_done; }
diag "dpkg-buildpackage took $((SECONDS - start))s"
dkms_deb=$tmp/vpnpt-dkms_${version}_all.deb
ctl_deb=$tmp/vpnptctl_${version}_$arch.deb
check "built vpnpt-dkms_${version}_all.deb and vpnptctl_${version}_$arch.deb" \
	test -f "$dkms_deb" -a -f "$ctl_deb" || tap_done

field() { dpkg-deb -f "$1" "$2"; }
check_eq "vpnpt-dkms: Architecture all, depends on dkms" "all dkms" \
	"$(field "$dkms_deb" Architecture) $(field "$dkms_deb" Depends | sed 's/ (.*//')"
check_eq "vpnptctl: Architecture $arch, Recommends vpnpt-dkms" "$arch vpnpt-dkms" \
	"$(field "$ctl_deb" Architecture) $(field "$ctl_deb" Recommends)"
check "vpnptctl: depends on libmnl and libnftnl (shlibs)" \
	sh -c "dpkg-deb -f '$ctl_deb' Depends | grep -q 'libmnl0.*libnftnl'"

# contents DEB: its files and symlinks, without the leading "./".
contents() { dpkg-deb -c "$1" | awk '$1 !~ /^d/ { sub(/^\.\//, "", $6); print $6 }' | LC_ALL=C sort; }
upstream=${version%-*}
check_eq "vpnpt-dkms: the module source with dkms.conf, the modules-load.d snippet, docs" \
	"$({ printf '%s\n' etc/modules-load.d/vpnpt.conf usr/share/doc/vpnpt-dkms/changelog.Debian.gz \
		usr/share/doc/vpnpt-dkms/copyright
		(cd "$src" && { printf '%s\n' Kbuild Makefile dkms.conf scripts/compat-probe
			ls src/*.c src/*.h include/uapi/linux/*.h; } | sed "s|^|usr/src/vpnpt-$upstream/|"); } |
		LC_ALL=C sort)" "$(contents "$dkms_deb")"
check_eq "vpnptctl: the tool, man page, completion, unit, docs" "\
lib/systemd/system/vpnpt-setup.service
usr/sbin/vpnptctl
usr/share/bash-completion/completions/vpnptctl
usr/share/doc/vpnptctl/changelog.Debian.gz
usr/share/doc/vpnptctl/copyright
usr/share/man/man8/vpnptctl.8.gz" "$(contents "$ctl_deb")"
check_eq "vpnpt-dkms: dkms.conf's version is $upstream" "PACKAGE_VERSION=\"$upstream\"" \
	"$(dpkg-deb --fsys-tarfile "$dkms_deb" | tar -xOf - "./usr/src/vpnpt-$upstream/dkms.conf" |
		grep '^PACKAGE_VERSION=')"
check_eq "vpnpt-dkms: conffile /etc/modules-load.d/vpnpt.conf" "/etc/modules-load.d/vpnpt.conf" \
	"$(dpkg-deb -I "$dkms_deb" conffiles)"

# The maintainer scripts are dh_dkms's and dh_installsystemd's.
script() { dpkg-deb -I "$1" "$2" 2>/dev/null; }
check "vpnpt-dkms postinst: dh_dkms runs DKMS's common.postinst" \
	sh -c "dpkg-deb -I '$dkms_deb' postinst | grep -q '^# Automatically added by dh_dkms' &&
		dpkg-deb -I '$dkms_deb' postinst | grep -q 'DKMS_NAME=vpnpt\$'"
check "vpnpt-dkms prerm: dh_dkms's dkms remove --all" \
	sh -c "dpkg-deb -I '$dkms_deb' prerm | grep -q 'dkms remove -m \$DKMS_NAME -v \$DKMS_VERSION --all'"
check_eq "vpnptctl postinst: dh_installsystemd enables vpnpt-setup.service" \
	"deb-systemd-helper enable 'vpnpt-setup.service' >/dev/null || true" \
	"$(script "$ctl_deb" postinst | grep -o "deb-systemd-helper enable .*")"
check "vpnptctl prerm and postrm: stop on remove, purge the unit's state" \
	sh -c "dpkg-deb -I '$ctl_deb' prerm | grep -q \"deb-systemd-invoke stop 'vpnpt-setup.service'\" &&
		dpkg-deb -I '$ctl_deb' postrm | grep -q \"deb-systemd-helper purge 'vpnpt-setup.service'\""

# lintian: no error and no warning but initial-upload-closes-no-bugs (there
# is no ITP bug in Debian's tracker to close).
start=$SECONDS
lintian --pedantic -I "$tmp/vpnpt_${version}_$arch.changes" >"$tmp/lintian.log" 2>&1
diag "lintian took $((SECONDS - start))s"
check_eq "lintian --pedantic: no error or warning (but initial-upload-closes-no-bugs)" "" \
	"$(grep -E '^[EW]: ' "$tmp/lintian.log" | grep -v ' initial-upload-closes-no-bugs ')"
grep -E '^[IPX]: ' "$tmp/lintian.log" | sed 's/^/# lintian: /'

# --- install, use and purge them in the guest ----------------------------------
debs=$tmp/debs
mkdir -p "$debs"
cp "$dkms_deb" "$ctl_deb" "$debs/"
# The kernel headers: by default the cached kernel tree, which vm-run links
# as /lib/modules/KVER/build; with VPNPT_DEBIAN_HEADERS=debs the guest
# installs Debian's linux-headers-KVER .debs first, as a router has them (a
# dpkg of ~17000 files on the guest's 9p root: minutes more under TCG).
if [ "${VPNPT_DEBIAN_HEADERS:-}" = debs ]; then
	hdr=$("$top/scripts/kernels" --debs 6.1) || { tap_not_ok "scripts/kernels --debs 6.1"; tap_done; }
	# shellcheck disable=SC2086 # one path a line, no spaces
	ln -s $hdr "$debs/"
fi

start=$SECONDS
# vm-run runs the command in the current directory, which the guest sees.
(cd "$tmp" && VPNPT_DEBS=$debs "$top/scripts/vm-run" -k 6.1 -t 1500 -- \
	bash "$top/selftests/debian-guest.sh") >"$tmp/guest.log" 2>&1
rc=$?
# The guest's TAP, numbered into ours; the rest as diagnostics.
while IFS= read -r l; do
	case $l in
	"ok "[0-9]*) tap_ok "guest: $(echo "$l" | sed -E 's/^ok [0-9]+ //')" ;;
	"not ok "[0-9]*) tap_not_ok "guest: $(echo "$l" | sed -E 's/^not ok [0-9]+ //')" ;;
	1..*) ;;
	"#"*) echo "$l" ;;
	*) echo "# $l" ;;
	esac
done <"$tmp/guest.log"
check_eq "the guest part passed and the kernel log is clean (vm-run exit)" 0 "$rc"
diag "the guest part took $((SECONDS - start))s"
echo "$((_tap_n - _tap_failed)) passed, $_tap_failed failed, $(grep -c '^ok .*# SKIP' "$tmp/guest.log") skipped"
grep '^ok .*# SKIP' "$tmp/guest.log" | sed -E 's/^ok [0-9]+ /# skipped: /'

tap_done
