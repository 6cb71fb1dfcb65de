#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Local users and other network namespaces against vpnpt (issue #13, item 6;
# docs/security.md):
#
#   - privacy: a user without CAP_NET_ADMIN over the router's namespace
#     (nobody, or root of a user namespace of its own sharing that network
#     namespace) cannot dump the sessions nor join the events group, raw or
#     through vpnptctl (one line, exit 1); configuration and counters stay
#     readable;
#   - ceilings: no namespace but the initial one can raise max-sessions or
#     max-client-sessions above the ceilings the initial namespace's admin
#     sets (ERANGE + extended ACK), nobody but that admin can set them
#     (EPERM), and a namespace gets no more sessions than they allow.
#
#   c1, c2 --- router --- server                raw ESP makes the sessions
#   this shell: initial namespace; unshare -Urn: a user + network namespace
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd python3 setpriv unshare jq timeout
NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
PKT="python3 $SELFTESTS_DIR/tools/vpnpt_pkt.py"
CTL=$VPNPT_TOP/build/vpnptctl
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"
vpnpt_unload
on_exit vpnpt_unload
vpnpt_load || { tap_not_ok "load"; tap_done; }
topo_create 2 || { tap_not_ok "topology"; tap_done; }

srv_start init - $NL batch
srv_start r $NS_ROUTER $NL batch
srv_start nobody $NS_ROUTER $NOBODY $NL batch
# Root of a user namespace of its own, still in the router's network
# namespace (owned by the initial user namespace): no CAP_NET_ADMIN over it.
srv_start usr $NS_ROUTER $NOBODY unshare -Ur $NL batch
# Root of a user namespace with a network namespace of its own.
srv_start userns - $NOBODY unshare -Urn $NL batch
srv r subscribe >/dev/null

# --- privacy --------------------------------------------------------------------
nsx "$(client_ns 1)" $PKT $SERVER_WAN esp:2
check_eq "root in the router: client 1's two ESP sessions in the dump" "2" \
	"$(srv r dump-sessions | jq length)"
check_eq "root in the router: their session event" "session_new esp" \
	"$(srv r next-event 5 "|" event session.proto)"
check_eq "nobody: session dump refused" "EPERM" "$(srv nobody dump-sessions "|" error)"
check_eq "nobody: joining the events group refused" "EPERM" "$(srv nobody subscribe "|" error)"
check_eq "user namespace root, router's network namespace: dump refused" "EPERM" \
	"$(srv usr dump-sessions "|" error)"
check_eq "user namespace root, router's network namespace: events refused" "EPERM" \
	"$(srv usr subscribe "|" error)"
check_eq "nobody: the configuration stays readable" "63" "$(srv nobody get-config "|" switches)"
check_eq "nobody: the counters stay readable" "2" \
	"$(srv nobody get-stats "|" stats.esp.sessions_active)"
check_eq "user namespace root: its own namespace's dump works" "[]" \
	"$(srv userns dump-sessions)"

out=$(nsx $NS_ROUTER $NOBODY "$CTL" sessions 2>&1)
rc=$?
check_eq "vpnptctl sessions as nobody: exit 1, one line" "1 1" "$rc $(wc -l <<<"$out")"
check_eq "vpnptctl sessions as nobody: says why" \
	"vpnptctl: sessions: permission denied (needs CAP_NET_ADMIN in the network namespace, e.g. root)" \
	"$out"
check_eq "vpnptctl sessions as nobody: no client address leaked" "" \
	"$(grep -F "$(client_addr 1)" <<<"$out")"
out=$(nsx $NS_ROUTER timeout 30 $NOBODY "$CTL" monitor 2>&1)
rc=$?
check_eq "vpnptctl monitor as nobody: exit 1 at once, one line" "1 1" "$rc $(wc -l <<<"$out")"
check_eq "vpnptctl status as nobody still works" "0" \
	"$(nsx $NS_ROUTER $NOBODY "$CTL" status >/dev/null 2>&1; echo $?)"
check_eq "vpnptctl sessions as root works" "2" \
	"$(nsx $NS_ROUTER "$CTL" -j sessions | jq length)"

# --- ceilings -------------------------------------------------------------------
check_eq "default ceilings, seen from the initial namespace" "65536 256" \
	"$(srv init get-config "|" ceil_max_sessions ceil_max_client_sessions)"
check_eq "default ceilings, seen from a user namespace" "65536 256" \
	"$(srv userns get-config "|" ceil_max_sessions ceil_max_client_sessions)"
before=$(srv userns get-config)
check_eq "user namespace root: max_sessions 1048576 refused" \
	"ERANGE above the ceiling set by the initial namespace" \
	"$(srv userns set max_sessions=1048576 "|" error extack)"
check_eq "user namespace root: max_client_sessions 65536 refused" \
	"ERANGE above the ceiling set by the initial namespace" \
	"$(srv userns set max_client_sessions=65536 "|" error extack)"
check_eq "user namespace root: nothing changed" "$before" "$(srv userns get-config)"
check_eq "user namespace root: cannot set the ceiling" "EPERM" \
	"$(srv userns set ceil_max_sessions=1048576 "|" error)"
check_eq "router namespace root (not the initial namespace): cannot set the ceiling" \
	"EPERM" "$(srv r set ceil_max_client_sessions=65536 "|" error)"
check_eq "nobody: cannot set the ceiling" "EPERM" "$(srv nobody set ceil_max_sessions=5 "|" error)"
check_eq "user namespace root: up to the ceiling is fine" "65536 256" \
	"$(srv userns set max_sessions=65536 max_client_sessions=256 >/dev/null;
	   srv userns get-config "|" max_sessions max_client_sessions)"

check "initial namespace admin lowers the ceilings to 5 and 3" \
	srv init set ceil_max_sessions=5 ceil_max_client_sessions=3
check_eq "the router's caps in force are the ceilings now" "5 3" \
	"$(srv r get-config "|" max_sessions max_client_sessions)"
check_eq "the initial namespace's own caps are not bound by them" "1048576" \
	"$(srv init set max_sessions=1048576 >/dev/null; srv init get-config "|" max_sessions)"
check_eq "router: max_sessions 6 refused" "ERANGE" "$(srv r set max_sessions=6 "|" error)"
check_eq "router: max_sessions 4 accepted" "4" \
	"$(srv r set max_sessions=4 >/dev/null; srv r get-config "|" max_sessions)"
srv r set max_sessions=5 >/dev/null
check_eq "router: flushed" "2" "$(srv r flush "|" flushed)"
# 10 SPIs from each client: client 1 gets its 3, client 2 the 2 left of 5.
nsx "$(client_ns 1)" $PKT $SERVER_WAN esp:10
nsx "$(client_ns 2)" $PKT $SERVER_WAN esp:10
per_client() {
	srv r dump-sessions | jq -r 'group_by(.client) | map("\(.[0].client)=\(length)") | join(" ")'
}
check_eq "router: no more sessions than the ceilings allow" \
	"$(client_addr 1)=3 $(client_addr 2)=2" "$(per_client)"
check_eq "router: the others were refused and counted" "15" \
	"$(srv r get-stats "|" stats.esp.sessions_refused)"
check "the initial namespace admin raises the ceiling again" srv init set ceil_max_sessions=65536
check_eq "router: now max_sessions 1000 is accepted" "1000" \
	"$(srv r set max_sessions=1000 >/dev/null; srv r get-config "|" max_sessions)"

# The same through vpnptctl.
out=$(nsx $NS_ROUTER "$CTL" set ceiling-max-sessions 100 2>&1)
rc=$?
check_eq "vpnptctl: a ceiling set in the router's namespace: exit 1, one line" "1 1" \
	"$rc $(wc -l <<<"$out")"
check_eq "vpnptctl: max-sessions above the ceiling: says why" \
	"vpnptctl: set: Numerical result out of range: above the ceiling set by the initial namespace" \
	"$(nsx $NS_ROUTER "$CTL" set max-sessions 70000 2>&1)"
check_eq "vpnptctl status shows the ceilings" "65536 3" \
	"$(nsx $NS_ROUTER "$CTL" -j status | jq -r '"\(.ceiling_max_sessions) \(.ceiling_max_client_sessions)"')"
check "vpnptctl sets the ceilings in the initial namespace" \
	"$CTL" set ceiling-max-sessions 65536 ceiling-max-client-sessions 256

tap_done
