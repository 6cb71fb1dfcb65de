#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink family: configuration read and written both by netlink
# and by sysfs, strict refusal of malformed requests (errno + extended ACK,
# nothing changed), privilege checks, namespace isolation and events.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd python3 setpriv unshare
NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
P=/sys/module/vpnpt/parameters
PROTOS="pptp l2tp ike esp ah natt"
vpnpt_unload
on_exit vpnpt_unload
vpnpt_load || { tap_not_ok "load"; tap_done; }

jget() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[k]
print(d)' "$1"; }
sysfs_bits() {
	local b=0 i=0 p
	for p in $PROTOS; do
		[ "$(cat $P/$p)" = 1 ] && b=$((b | (1 << i)))
		i=$((i + 1))
	done
	echo $b
}
nl_bits() { $NL get-config | jget switches; }
config() { $NL get-config; }

# --- sysfs and netlink agree --------------------------------------------------
check_eq "netlink: all switches on after load" "63" "$(nl_bits)"
check_eq "netlink: module version" "$(modinfo -F version "$(vpnpt_ko)")" \
	"$($NL get-config | jget module_version)"
i=0
for p in $PROTOS; do
	echo 0 >$P/$p
	check_eq "sysfs $p off -> netlink shows bit $i clear" "$((63 & ~(1 << i)))" "$(nl_bits)"
	echo 1 >$P/$p
	$NL set switches=0 mask=$((1 << i)) >/dev/null
	check_eq "netlink $p off -> sysfs reads 0" "0" "$(cat $P/$p)"
	check_eq "netlink $p off -> other switches untouched" "$((63 & ~(1 << i)))" "$(sysfs_bits)"
	$NL set switches=63 mask=$((1 << i)) >/dev/null
	check_eq "netlink $p on -> sysfs reads 1" "1" "$(cat $P/$p)"
	i=$((i + 1))
done
$NL set switches=5 >/dev/null
check_eq "netlink switches=5 without mask sets all six" "5 = 5" "$(nl_bits) = $(sysfs_bits)"
$NL set switches=63 >/dev/null

$NL set max_sessions=1000 max_client_sessions=10 timeout_esp=120 >/dev/null
check_eq "tunables set together" "1000 10 120" \
	"$($NL get-config | python3 -c 'import json,sys; d=json.load(sys.stdin)
print(d["max_sessions"], d["max_client_sessions"], d["timeouts"]["esp"])')"

# --- malformed requests: errno, extack, nothing changed -----------------------
before=$(config)
bad() { # DESCRIPTION ERRNO EXTACK-SUBSTRING CMD [ATTR...]
	local what=$1 want_err=$2 want_msg=$3 out
	shift 3
	out=$($NL raw "$@")
	check_eq "refused: $what (errno)" "$want_err" "$(echo "$out" | jget error 2>/dev/null)"
	case $(echo "$out" | jget extack 2>/dev/null) in
	*"$want_msg"*) tap_ok "refused: $what (extack '$want_msg')" ;;
	*) tap_not_ok "refused: $what (extack)"; diag "got: $out" ;;
	esac
	check_eq "refused: $what (config unchanged)" "$before" "$(config)"
}
bad "unknown attribute" EINVAL "Unknown attribute type" 2 99:u32:1
bad "switch bits beyond the six protocols" ERANGE "out of range" 2 1:u32:64
bad "switches as u16" EINVAL "invalid attribute length" 2 1:u16:1
bad "mask without switches" EINVAL "switch mask given without switches" 2 2:u32:1
bad "reply-only attribute in a request" EINVAL "policy" 2 6:str:x
bad "empty set request" EINVAL "nothing to set" 2
bad "max_sessions 0" ERANGE "out of range" 2 3:u32:0
bad "max_sessions above the limit" ERANGE "out of range" 2 3:u32:1048577
bad "max_client_sessions 0" ERANGE "out of range" 2 4:u32:0
bad "timeout below 10 s" ERANGE "out of range" 2 "5:nest:4:u32:9"
bad "timeout of protocol 7" EINVAL "Unknown attribute type" 2 "5:nest:7:u32:60"
bad "timeouts not nested" EINVAL "NLA_F_NESTED" 2 5:u32:60
bad "valid cap with an invalid timeout (all or nothing)" ERANGE "out of range" \
	2 3:u32:500 "5:nest:1:u32:5"
bad "flush with bad protocol bits" ERANGE "out of range" 5 9:u32:255
bad "unknown command" ENOTSUP "" 42

# --- privileges ---------------------------------------------------------------
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
check_eq "unprivileged set is refused" "EPERM" "$(nobody $NL set switches=0 | jget error)"
check_eq "unprivileged flush is refused" "EPERM" "$(nobody $NL flush | jget error)"
check_eq "nothing changed by the unprivileged caller" "$before" "$(config)"
check_eq "unprivileged read works" "63" "$(nobody $NL get-config | jget switches)"

# --- namespaces -----------------------------------------------------------------
ip netns add vpnpt-nl && on_exit ns_del vpnpt-nl
check_eq "a new namespace starts with the initial namespace's config" \
	"$before" "$(nsx vpnpt-nl $NL get-config)"
nsx vpnpt-nl $NL set switches=0 mask=8 max_sessions=7 >/dev/null
check_eq "the new namespace changed" "55 7" \
	"$(nsx vpnpt-nl $NL get-config | python3 -c 'import json,sys; d=json.load(sys.stdin)
print(d["switches"], d["max_sessions"])')"
check_eq "the initial namespace did not" "$before" "$(config)"
check_eq "sysfs follows the initial namespace only" "1" "$(cat $P/esp)"
# CAP_NET_ADMIN in the user namespace that owns the network namespace.
check_eq "root of a user namespace configures its own network namespace" \
	"55" "$(nobody unshare -Urn sh -c "$NL set switches=55 >/dev/null && $NL get-config" | jget switches)"
check_eq "...and not the initial one" "$before" "$(config)"

# --- events ---------------------------------------------------------------------
$NL monitor 5 >"$VPNPT_LOGDIR/events.json" &
mon=$!
on_exit kill $mon
wait_until 5 grep -q listening "$VPNPT_LOGDIR/events.json"
echo 0 >$P/ah
$NL set max_client_sessions=11 >/dev/null
wait $mon
check_eq "a sysfs change is announced" "set_config 47" \
	"$(sed -n 2p "$VPNPT_LOGDIR/events.json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["event"], d["switches"])')"
check_eq "a netlink change is announced" "set_config 11" \
	"$(sed -n 3p "$VPNPT_LOGDIR/events.json" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["event"], d["max_client_sessions"])')"

check_eq "empty session dump" "[]" "$($NL dump-sessions)"
check_eq "flush of nothing" "0" "$($NL flush | jget flushed)"

tap_done
