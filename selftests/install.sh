#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packaging tests, run on the host (not in a guest; nothing is installed into
# the machine): in a copy of the source tree, `make install` into a scratch
# DESTDIR against the cached 6.1 headers puts exactly the expected files
# there and `make uninstall` removes them all; `make dkms-src` stages the
# module source as DKMS expects it, with dkms.conf's version that of
# src/version.h and a BUILD_EXCLUSIVE_KERNEL regex that takes 5.10 to 6.12;
# and the staged tree builds vpnpt.ko, with the kernel's make and with
# dkms.conf's make line run as DKMS runs it. Last, the OpenWrt init script
# parses and, with rc.common, UCI and vpnptctl stood in for, turns
# /etc/config/vpnpt into the expected vpnptctl calls; and the OpenWrt package
# Makefile, with OpenWrt's include files stood in for, parses and declares
# the expected fields and steps (make -n; its prepare step run for real).
#
# Usage: selftests/install.sh        (needs the cached 6.1 kernel: make kernels)
top=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/vpnpt-install.XXXXXX) || exit 1
VPNPT_LOGDIR=$tmp/log
. "$top/selftests/lib.sh"
on_exit "rm -rf '$tmp'"

out=$("$top/scripts/kernels" 6.1 2>&1) || { echo "$out"; skip "no cached 6.1 kernel (make kernels)"; }
kdir=$("$top/scripts/kernels" --path 6.1 kdir)
kver=$("$top/scripts/kernels" --path 6.1 kver)
version=$(sed -n 's/^#define VPNPT_VERSION "\(.*\)"$/\1/p' "$top/src/version.h")

# A copy of the tree (tree_copy, lib.sh): the developer's own vpnpt.ko and
# build/ are left alone.
src=$tmp/src
tree_copy "$top" "$src" || { echo "cannot copy the tree" >&2; exit 1; }

m() { make -C "$src" --no-print-directory "$@"; }
# files DIR: the files and symlinks under DIR, relative to it, sorted.
files() { (cd "$1" && find . \( -type f -o -type l \) -printf '%P\n' | LC_ALL=C sort); }
modes() { (cd "$1" && find . \( -type f -o -type l \) -printf '%m %P\n' | LC_ALL=C sort -k2); }

# --- make install / uninstall --------------------------------------------------
check "module builds against the 6.1 headers" m module KDIR="$kdir" || tap_done
check "vpnptctl builds" m tool || tap_done

dest=$tmp/dest
check "make install DESTDIR KDIR DEPMOD=no" m install DESTDIR="$dest" KDIR="$kdir" DEPMOD=no
check_eq "make install: exactly these files" "\
lib/modules/$kver/updates/vpnpt.ko
usr/include/linux/vpnpt.h
usr/sbin/vpnptctl
usr/share/bash-completion/completions/vpnptctl
usr/share/man/man8/vpnptctl.8" "$(files "$dest")"
check_eq "make install: modes" "\
644 lib/modules/$kver/updates/vpnpt.ko
644 usr/include/linux/vpnpt.h
755 usr/sbin/vpnptctl
644 usr/share/bash-completion/completions/vpnptctl
644 usr/share/man/man8/vpnptctl.8" "$(modes "$dest")"
check_eq "the installed module is built for $kver" "$kver" \
	"$(PATH=$PATH:/usr/sbin:/sbin modinfo -F vermagic "$dest/lib/modules/$kver/updates/vpnpt.ko" | cut -d' ' -f1)"
check "the installed man page, completion and header are the sources" \
	sh -c "cmp '$src/src/vpnptctl/vpnptctl.8' '$dest/usr/share/man/man8/vpnptctl.8' &&
		cmp '$src/src/vpnptctl/vpnptctl.bash' '$dest/usr/share/bash-completion/completions/vpnptctl' &&
		cmp '$src/include/uapi/linux/vpnpt.h' '$dest/usr/include/linux/vpnpt.h'"
check "the installed vpnptctl runs" "$dest/usr/sbin/vpnptctl" --version

check "make uninstall DESTDIR KDIR DEPMOD=no" m uninstall DESTDIR="$dest" KDIR="$kdir" DEPMOD=no
check_eq "make uninstall: no file left, only empty directories" "" "$(files "$dest")"

# Split targets, PREFIX, depmod into DESTDIR.
check "make install-module DEPMOD=yes" m install-module DESTDIR="$tmp/mod" KDIR="$kdir" DEPMOD=yes
check_eq "install-module: the module and depmod's files only" "lib/modules/$kver/updates/vpnpt.ko" \
	"$(files "$tmp/mod" | grep -v "^lib/modules/$kver/modules\.")"
check "depmod -b DESTDIR ran: modules.dep lists vpnpt" \
	grep -qx 'updates/vpnpt.ko:.*' "$tmp/mod/lib/modules/$kver/modules.dep"
check "make uninstall-module DEPMOD=yes" m uninstall-module DESTDIR="$tmp/mod" KDIR="$kdir" DEPMOD=yes
check_fail "uninstall-module removed the module" test -e "$tmp/mod/lib/modules/$kver/updates/vpnpt.ko"
check_fail "uninstall-module ran depmod: modules.dep without vpnpt" \
	grep -q vpnpt "$tmp/mod/lib/modules/$kver/modules.dep"
check_fail "a DEPMOD other than auto, yes or no is refused" \
	m install-module DESTDIR="$tmp/bad" KDIR="$kdir" DEPMOD=maybe
check_eq "a refused install installs nothing" "" "$(files "$tmp/bad" 2>/dev/null)"
check "make install-tool PREFIX=/usr/local" m install-tool DESTDIR="$tmp/tool" PREFIX=/usr/local
check_eq "install-tool PREFIX=/usr/local: exactly these files" "\
usr/local/sbin/vpnptctl
usr/local/share/bash-completion/completions/vpnptctl
usr/local/share/man/man8/vpnptctl.8" "$(files "$tmp/tool")"

# --- make dkms-src -----------------------------------------------------------
dkms=$tmp/dkms
staged=$dkms/usr/src/vpnpt-$version
check "make dkms-src DESTDIR" m dkms-src DESTDIR="$dkms"
check_eq "dkms-src: exactly the module's sources, dkms.conf and Makefile in usr/src/vpnpt-$version" \
	"$({ printf '%s\n' Kbuild Makefile dkms.conf scripts/compat-probe
		cd "$src" && ls src/*.c src/*.h include/uapi/linux/*.h; } |
		sed "s|^|usr/src/vpnpt-$version/|" | LC_ALL=C sort)" \
	"$(files "$dkms")"
check "dkms-src: every object Kbuild names has its source" sh -c "
	cd '$staged' && for o in \$(sed -n 's|^[[:space:]]*\(src/[a-z0-9_]*\)\.o.*|\1|p' Kbuild); do
		test -f \$o.c || { echo missing \$o.c; exit 1; }; done"
check "dkms-src: Makefile is scripts/Makefile.dkms" cmp "$src/scripts/Makefile.dkms" "$staged/Makefile"

# dkms.conf as DKMS reads it: sourced by bash.
conf() { # EXPRESSION: its value with dkms.conf sourced
	(kernelver=$kver kernel_source_dir=$kdir && . "$staged/dkms.conf" && eval "printf '%s' \"$1\"")
}
check "dkms.conf: bash parses it" bash -n "$staged/dkms.conf"
check_eq "dkms.conf: PACKAGE_VERSION is VPNPT_VERSION of src/version.h" "$version" \
	"$(conf '$PACKAGE_VERSION')"
check_eq "dkms.conf: name, module, location, autoinstall" "vpnpt vpnpt /updates yes" \
	"$(conf '$PACKAGE_NAME ${BUILT_MODULE_NAME[0]} ${DEST_MODULE_LOCATION[0]} $AUTOINSTALL')"
check_eq "the repository's dkms.conf has the placeholder dh_dkms -V replaces" "#MODULE_VERSION#" \
	"$(kernel_source_dir= && . "$src/dkms.conf" && printf '%s' "$PACKAGE_VERSION")"

re=$(conf '$BUILD_EXCLUSIVE_KERNEL')
for k in 5.10.0-32-amd64 6.1.0-50-amd64 6.12.95+deb12-amd64 5.19.0-1-amd64 6.6.0-1-amd64; do
	check "BUILD_EXCLUSIVE_KERNEL accepts $k" bash -c '[[ $1 =~ $2 ]]' _ "$k" "$re"
done
for k in 5.4.0-1-amd64 6.13.0-1-amd64 4.19.0-1 5.1.0-1 5.9.0-1 6.20.0-1 7.0.0-1 15.10.0; do
	check_fail "BUILD_EXCLUSIVE_KERNEL rejects $k" bash -c '[[ $1 =~ $2 ]]' _ "$k" "$re"
done

# --- the staged tree builds --------------------------------------------------
cp -a "$staged" "$tmp/kbuild"
check "the staged tree builds with the kernel's make (scripts/kmake 6.1)" \
	"$top/scripts/kmake" 6.1 "$tmp/kbuild" modules
check_eq "... into vpnpt.ko for $kver" "$kver" \
	"$(PATH=$PATH:/usr/sbin:/sbin modinfo -F vermagic "$tmp/kbuild/vpnpt.ko" 2>&1 | cut -d' ' -f1)"

# As DKMS does: in a copy of the tree, MAKE[0] with "make" replaced by
# "make -jN KERNELRELEASE=$kernelver"; the default gcc where the one the
# headers name is missing, as scripts/kmake does.
cp -a "$staged" "$tmp/dkmsbuild"
make_cmd=$(conf '${MAKE[0]}')
make_cmd=${make_cmd/#make/make -j2 KERNELRELEASE=$kver}
cc_v=$(sed -n 's/^CC = .*gcc-\([0-9][0-9]*\)$/\1/p' "$kdir/.kernelvariables")
if [ -n "$cc_v" ] && ! command -v "gcc-$cc_v" >/dev/null; then
	make_cmd="$make_cmd CC=gcc"
fi
check "the staged tree builds with dkms.conf's make line ($make_cmd)" \
	sh -c "cd '$tmp/dkmsbuild' && $make_cmd"
check_eq "... into BUILT_MODULE_NAME.ko for $kver" "$kver" \
	"$(PATH=$PATH:/usr/sbin:/sbin modinfo -F vermagic "$tmp/dkmsbuild/$(conf '${BUILT_MODULE_NAME[0]}').ko" 2>&1 |
		cut -d' ' -f1)"

# --- OpenWrt: the init script, with rc.common and UCI stood in for ---------
init=$src/openwrt/files/vpnpt.init
check "OpenWrt init script: sh -n" sh -n "$init"
check "OpenWrt init script: busybox ash -n" busybox ash -n "$init"

# run_init UCI-FILE FUNCTION...: runs the init script's functions in sh,
# after a minimal config_load/config_get_bool reading UCI-FILE, with
# vpnptctl and modprobe stubs that log their arguments; prints the log.
mkdir -p "$tmp/owrt/bin"
for c in vpnptctl modprobe; do
	printf '#!/bin/sh\necho "%s $*" >>"$OWRT_LOG"\n' "$c" >"$tmp/owrt/bin/$c"
	chmod 755 "$tmp/owrt/bin/$c"
done
cat >"$tmp/owrt/functions.sh" <<'EOF_UCI'
config_load() { :; }
config_get_bool() { # VAR SECTION OPTION [DEFAULT], from $UCI
	_v=$(awk -v s="$2" -v o="$3" '
		{ gsub(/\047/, "") }
		$1 == "config" { in_s = ($3 == s) }
		in_s && $1 == "option" && $2 == o { print $3 }' "$UCI")
	case $_v in
	1 | on | true | yes | enabled) _v=1 ;;
	0 | off | false | no | disabled) _v=0 ;;
	*) _v=$4 ;;
	esac
	eval "$1=\$_v"
}
EOF_UCI
run_init() {
	local uci=$1
	shift
	: >"$tmp/owrt/log"
	OWRT_LOG=$tmp/owrt/log PATH=$tmp/owrt/bin:$PATH UCI=$uci sh -c '
		. "$1"; . "$2"; shift 2
		VPNPTCTL=vpnptctl
		for f in "$@"; do $f || exit; done' sh "$tmp/owrt/functions.sh" "$init" "$@"
	cat "$tmp/owrt/log"
}
vpnptctl_calls() { run_init "$@" | grep -v '^modprobe'; }

check_eq "OpenWrt start with the shipped config: all on, then setup" "\
vpnptctl enable pptp l2tp ike esp ah natt
vpnptctl setup" "$(vpnptctl_calls "$src/openwrt/files/vpnpt.config" start_service)"
if [ ! -d /sys/module/vpnpt ]; then
	check_eq "OpenWrt start loads the module first when it is not loaded" "modprobe vpnpt" \
		"$(run_init "$src/openwrt/files/vpnpt.config" start_service | head -1)"
fi
sed -e "s/option pptp '1'/option pptp '0'/" -e "s/option natt '1'/option natt 'off'/" \
	-e "/option ah/d" "$src/openwrt/files/vpnpt.config" >"$tmp/owrt/config"
check_eq "OpenWrt start: switches off as configured, a missing one on" "\
vpnptctl enable l2tp ike esp ah
vpnptctl disable pptp natt
vpnptctl setup" "$(vpnptctl_calls "$tmp/owrt/config" start_service)"
check_eq "OpenWrt reload applies the switches only" "\
vpnptctl enable l2tp ike esp ah
vpnptctl disable pptp natt" "$(run_init "$tmp/owrt/config" reload_service)"
check_eq "OpenWrt stop: teardown" "vpnptctl teardown" "$(run_init "$tmp/owrt/config" stop_service)"

# --- OpenWrt: the package Makefile, with rules.mk, kernel.mk, package.mk stood in for
# The stand-ins define what openwrt/Makefile uses as OpenWrt does, in
# outline: KernelPackage and BuildPackage evaluate the package's
# definitions and make a target that prints the fields they declared, and
# the prepare, compile and install steps become targets; every command is
# plain "make", never $(MAKE), so make -n runs none of them. This checks
# that the Makefile parses and expands as GNU make reads it, its fields and
# its recipes; not that OpenWrt's own macros accept it (no SDK here).
stub=$tmp/owrt/include
mkdir -p "$stub"
cat >"$stub/rules.mk" <<'EOF_RULES'
INCLUDE_DIR:=$(TOPDIR)
CP:=cp -fpR
INSTALL_DIR:=install -d -m0755
INSTALL_BIN:=install -m0755
INSTALL_CONF:=install -m0600
EOF_RULES
cat >"$stub/kernel.mk" <<'EOF_KERNEL'
KERNEL_MAKE:=make -C $(LINUX_DIR) ARCH=x86
AutoProbe=probe:$(1)
EOF_KERNEL
cat >"$stub/package.mk" <<'EOF_PACKAGE'
PKG_BUILD_DIR:=$(BUILD_DIR)/$(PKG_NAME)-$(PKG_VERSION)
Build/Compile/Default=make -C $(PKG_BUILD_DIR) $(1)
define KernelPackage
$(eval DEPENDS:=)$(eval KCONFIG:=)$(eval $(KernelPackage/$(1)))
info-kmod-$(1):
	@echo 'kmod-$(1) $(PKG_VERSION)-$(PKG_RELEASE): SUBMENU=$(SUBMENU); DEPENDS=$(strip $(DEPENDS)); KCONFIG=$(strip $(KCONFIG)); FILES=$(strip $(FILES)); AUTOLOAD=$(strip $(AUTOLOAD))'
endef
define BuildPackage
$(eval DEPENDS:=)$(eval $(Package/$(1)))
info-$(1):
	@echo '$(1) $(PKG_VERSION)-$(PKG_RELEASE): SECTION=$(SECTION); DEPENDS=$(strip $(DEPENDS)); conffiles=$(strip $(Package/$(1)/conffiles))'
install-$(1):
	$(call Package/$(1)/install,$(PKG_INSTALL_ROOT))
endef
prepare:
	$(Build/Prepare)
compile: prepare
	$(Build/Compile)
EOF_PACKAGE
owrt_make() {
	make --no-print-directory -C "$src/openwrt" TOPDIR="$stub" BUILD_DIR="$tmp/owrt/build" \
		LINUX_DIR="$kdir" PKG_INSTALL_ROOT="$tmp/owrt/root" "$@"
}
check_eq "OpenWrt Makefile: kmod-vpnpt's fields" \
	"kmod-vpnpt $version-1: SUBMENU=Netfilter Extensions; DEPENDS=+kmod-nf-conntrack +kmod-nf-nat +kmod-nf-nathelper-extra; KCONFIG=CONFIG_NF_CT_PROTO_GRE=y; FILES=$tmp/owrt/build/vpnpt-$version/vpnpt.ko; AUTOLOAD=probe:vpnpt" \
	"$(owrt_make -s info-kmod-vpnpt 2>&1)"
check_eq "OpenWrt Makefile: vpnptctl's fields" \
	"vpnptctl $version-1: SECTION=net; DEPENDS=+kmod-vpnpt +kmod-nft-core +libmnl +libnftnl; conffiles=/etc/config/vpnpt" \
	"$(owrt_make -s info-vpnptctl 2>&1)"
b=$tmp/owrt/build/vpnpt-$version
check_eq "OpenWrt Makefile: make -n compile install-vpnptctl" "\
test -f $src/Kbuild || { echo \"vpnpt: no vpnpt source in VPNPT_SRC=$src\" >&2; exit 1; }
mkdir -p $b
$src/scripts/stage-source $b
cp -fpR $src/Makefile $src/LICENSE $b/
cp -fpR $src/src/vpnptctl $b/src/
make -C $kdir ARCH=x86 M=\"$b\" modules
make -C $b tool WERROR=
install -d -m0755 $tmp/owrt/root/usr/sbin $tmp/owrt/root/etc/init.d $tmp/owrt/root/etc/config
install -m0755 $b/build/vpnptctl $tmp/owrt/root/usr/sbin/
install -m0755 ./files/vpnpt.init $tmp/owrt/root/etc/init.d/vpnpt
install -m0600 ./files/vpnpt.config $tmp/owrt/root/etc/config/vpnpt" \
	"$(owrt_make -n compile install-vpnptctl 2>&1)"
# The prepare step for real: the tree it stages is what the compile step needs.
check "OpenWrt Makefile: prepare stages the source" owrt_make -s prepare
check "... with Kbuild, the Makefile, the tool's and the module's sources" sh -c "
	cd '$b' && test -f Kbuild && test -f Makefile && test -f LICENSE &&
	test -f src/vpnptctl/cli.c && test -f src/main.c && test -x scripts/compat-probe"
check "... and the files it installs exist" test -f "$src/openwrt/files/vpnpt.init" -a \
	-f "$src/openwrt/files/vpnpt.config"

tap_done
