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
#     readable.
#
#   c1, c2 --- router (vpnpt-r) --- server       raw ESP makes the sessions
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

tap_done
