#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink family: configuration read and written both by netlink
# and by sysfs, strict refusal of malformed requests (errno + extended ACK,
# nothing changed), privilege checks, namespace isolation (of configuration,
# sessions, stats and events) and events.
#
#   this shell --genetlink--> vpnpt (initial namespace; sysfs parameters)
#     |-- as nobody (setpriv)           --> refused writes, allowed reads
#     |-- in another netns ("other")    --> its own configuration
#     |-- in a user + network namespace --> its own configuration
#     `-- in the router's namespace (topo_create 1) --> its own sessions,
#         stats and session events, which no other namespace sees
#
# The requests of each of these callers go through one vpnpt_nl.py batch
# process (srv, lib.sh): python starts in seconds under TCG.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd python3 setpriv unshare jq
NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
P=/sys/module/vpnpt/parameters
PROTOS="pptp l2tp ike esp ah natt"
vpnpt_unload
on_exit vpnpt_unload
vpnpt_load || { tap_not_ok "load"; tap_done; }
srv_start nl - $NL batch
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"
srv_start nobody - $NOBODY $NL batch

# nl REQUEST [| PATH...] : vpnpt_nl.py's answer (or the values at PATHs).
nl() { srv nl "$@"; }
rd() { local v; read -r v <"$1"; echo "$v"; } # cat without a program
sysfs_bits() {
	local b=0 i=0 p
	for p in $PROTOS; do
		[ "$(rd $P/$p)" = 1 ] && b=$((b | (1 << i)))
		i=$((i + 1))
	done
	echo $b
}
nl_bits() { nl get-config "|" switches; }
config() { nl get-config; }

# --- sysfs and netlink agree --------------------------------------------------
check_eq "netlink: all switches on after load" "63" "$(nl_bits)"
check_eq "netlink: module version" "$(modinfo -F version "$(vpnpt_ko)")" \
	"$(nl get-config "|" module_version)"
i=0
for p in $PROTOS; do
	echo 0 >$P/$p
	check_eq "sysfs $p off -> netlink shows bit $i clear" "$((63 & ~(1 << i)))" "$(nl_bits)"
	echo 1 >$P/$p
	nl set switches=0 mask=$((1 << i)) >/dev/null
	check_eq "netlink $p off -> sysfs reads 0" "0" "$(rd $P/$p)"
	check_eq "netlink $p off -> other switches untouched" "$((63 & ~(1 << i)))" "$(sysfs_bits)"
	nl set switches=63 mask=$((1 << i)) >/dev/null
	check_eq "netlink $p on -> sysfs reads 1" "1" "$(rd $P/$p)"
	i=$((i + 1))
done
nl set switches=5 >/dev/null
check_eq "netlink switches=5 without mask sets all six" "5 = 5" "$(nl_bits) = $(sysfs_bits)"
nl set switches=63 >/dev/null

nl set max_sessions=1000 max_client_sessions=10 timeout_esp=120 >/dev/null
check_eq "tunables set together" "1000 10 120" \
	"$(nl get-config "|" max_sessions max_client_sessions timeouts.esp)"

# --- malformed requests: errno, extack, nothing changed -----------------------
before=$(config)
bad() { # DESCRIPTION ERRNO EXTACK-SUBSTRING CMD [ATTR...]
	local what=$1 want_err=$2 want_msg=$3 out err msg
	shift 3
	# errno names have no space: the extack is all after the first.
	out=$(nl raw "$@" "|" error extack)
	err=${out%% *} msg=${out#* }
	check_eq "refused: $what (errno)" "$want_err" "$err"
	case $msg in
	*"$want_msg"*) tap_ok "refused: $what (extack '$want_msg')" ;;
	*) tap_not_ok "refused: $what (extack)"; diag "got: error '$err' extack '$msg'" ;;
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
bad "timeout of AH (no sessions)" ENOTSUP "no idle timeout" 2 "5:nest:5:u32:60"
bad "valid cap and timeout with the AH timeout (all or nothing)" ENOTSUP "no idle timeout" \
	2 3:u32:500 "5:nest:4:u32:60;5:u32:60"
bad "flush with bad protocol bits" ERANGE "out of range" 5 9:u32:255
bad "unknown command" ENOTSUP "" 42

# --- privileges ---------------------------------------------------------------
check_eq "unprivileged set is refused" "EPERM" "$(srv nobody set switches=0 "|" error)"
check_eq "unprivileged flush is refused" "EPERM" "$(srv nobody flush "|" error)"
check_eq "nothing changed by the unprivileged caller" "$before" "$(config)"
check_eq "unprivileged read works" "63" "$(srv nobody get-config "|" switches)"

# --- namespaces -----------------------------------------------------------------
# Both namespaces are made now, with the initial namespace's config final.
NS_OTHER=${NS_PREFIX}other
ip netns add $NS_OTHER && on_exit ns_del $NS_OTHER
srv_start other $NS_OTHER $NL batch
# CAP_NET_ADMIN in the user namespace that owns the network namespace.
srv_start userns - $NOBODY unshare -Urn $NL batch
check_eq "a new namespace starts with the initial namespace's config" \
	"$before" "$(srv other get-config)"
srv other set switches=0 mask=8 max_sessions=7 >/dev/null
check_eq "the new namespace changed" "55 7" \
	"$(srv other get-config "|" switches max_sessions)"
check_eq "the initial namespace did not" "$before" "$(config)"
check_eq "sysfs follows the initial namespace only" "1" "$(rd $P/esp)"
check_eq "root of a user namespace configures its own network namespace" \
	"55" "$(srv userns set switches=55 >/dev/null && srv userns get-config "|" switches)"
check_eq "...and not the initial one" "$before" "$(config)"

# --- events ---------------------------------------------------------------------
nl subscribe >/dev/null
echo 0 >$P/ah
nl set max_client_sessions=11 >/dev/null
check_eq "a sysfs change is announced" "set_config 47" \
	"$(nl next-event 5 "|" event switches)"
check_eq "a netlink change is announced" "set_config 11" \
	"$(nl next-event 5 "|" event max_client_sessions)"

# --- namespaces: sessions, stats and their events stay where they are -------------
# Two ESP sessions (two SPIs) of client c1 in the router's namespace; the
# initial namespace, the other namespace and the user namespace see none of
# them, in dumps, stats or events, and their flushes do not touch them.
PKT="python3 $SELFTESTS_DIR/tools/vpnpt_pkt.py"
topo_create 1 || { tap_not_ok "topology"; tap_done; }
srv_start r $NS_ROUTER $NL batch
srv r subscribe >/dev/null
srv other subscribe >/dev/null
esp_counters="stats.esp.packets stats.esp.sessions_created stats.esp.sessions_active"
check_eq "before: no ESP counted in the initial namespace" "0 0 0" "$(nl get-stats "|" $esp_counters)"
nsx "$(client_ns 1)" $PKT $SERVER_WAN esp:2
router_sessions() {
	srv r dump-sessions | jq -r '.[] | "\(.proto) \(.client) \(.server) \(.spi_out)"' | sort
}
two_sessions="esp $(client_addr 1) $SERVER_WAN 0x00001000
esp $(client_addr 1) $SERVER_WAN 0x00001001"
check_eq "router namespace: its two ESP sessions" "$two_sessions" "$(router_sessions)"
check_eq "router namespace: its stats count them" "2 2 2" "$(srv r get-stats "|" $esp_counters)"
check_eq "router namespace: the session came up as an event there" "session_new esp" \
	"$(srv r next-event 5 "|" event session.proto)"
check_eq "initial namespace: empty session dump" "[]" "$(nl dump-sessions)"
check_eq "initial namespace: stats count nothing" "0 0 0" "$(nl get-stats "|" $esp_counters)"
check_eq "initial namespace: no session event" "ETIMEDOUT" "$(nl next-event 2 "|" error)"
check_eq "other namespace: empty session dump" "[]" "$(srv other dump-sessions)"
check_eq "other namespace: stats count nothing" "0 0 0" "$(srv other get-stats "|" $esp_counters)"
check_eq "other namespace: no session event" "ETIMEDOUT" "$(srv other next-event 1 "|" error)"
check_eq "user namespace: empty session dump" "[]" "$(srv userns dump-sessions)"
check_eq "user namespace: stats count nothing" "0 0 0" "$(srv userns get-stats "|" $esp_counters)"
check_eq "initial namespace: flush of nothing" "0" "$(nl flush "|" flushed)"
check_eq "other namespace: flush of nothing" "0" "$(srv other flush "|" flushed)"
check_eq "user namespace: flush of nothing" "0" "$(srv userns flush "|" flushed)"
check_eq "... the router's sessions are still there" "$two_sessions" "$(router_sessions)"
check_eq "router namespace: its flush removes both" "2" "$(srv r flush "|" flushed)"
check_eq "router namespace: nothing left" "[] 0" \
	"$(srv r dump-sessions) $(srv r get-stats "|" stats.esp.sessions_active)"

# --- dumps changed under them --------------------------------------------------
# The session dump's first part is made when the request is sent; a flush
# (from another socket) before the rest is read changes the table, and the
# kernel marks the rest, at least its NLMSG_DONE, NLM_F_DUMP_INTR.
nsx "$(client_ns 1)" $PKT $SERVER_WAN esp:2
check_eq "a dump of an unchanged table is not marked interrupted" "2 false" \
	"$(srv r dump-intr "|" sessions intr)"
check_eq "a dump the table changed under is marked NLM_F_DUMP_INTR" "2 2 true" \
	"$(srv r dump-intr flush "|" sessions flushed intr)"
check_eq "the next dump is consistent again" "0 false" \
	"$(srv r dump-intr "|" sessions intr)"

tap_done
