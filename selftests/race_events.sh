#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A session's start is announced before its end, even when a flush takes
# the session the moment it enters the table.
#
# The delay module (selftests/delay) holds the CPU that announces a new
# session at the start of vpnpt_genl_notify_session(..., SESSION_NEW) for
# a few seconds; meanwhile the test flushes the router's sessions from the
# other CPU. A listener must get SESSION_NEW, then SESSION_DEL, of that
# session: the reverse leaves a session that never ends in every event
# monitor.
#
#   c1 --first ESP packet--> router: session inserted, SESSION_NEW held
#   this shell --FLUSH (netlink)--> router, while it is held
#   listener in the router's namespace: NEW id, then DEL id
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd insmod rmmod python3 jq
vpnpt_ko >/dev/null || skip "no vpnpt.ko"
DELAY_KO=$(vpnpt_delay_ko) || skip "no delay module for this kernel"
NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
PKT="python3 $SELFTESTS_DIR/tools/vpnpt_pkt.py"
D=/sys/module/vpnpt_delay/parameters
# enum vpnpt_cmd (include/uapi/linux/vpnpt.h)
CMD_SESSION_NEW=$(grep -A20 '^enum vpnpt_cmd {' "$VPNPT_TOP/include/uapi/linux/vpnpt.h" |
	grep -E '^\s+VPNPT_CMD_' | grep -n 'VPNPT_CMD_SESSION_NEW,' | cut -d: -f1)
CMD_SESSION_NEW=$((CMD_SESSION_NEW - 1))
check_eq "VPNPT_CMD_SESSION_NEW read from the uapi header" "6" "$CMD_SESSION_NEW"

vpnpt_unload
on_exit vpnpt_unload
on_exit rmmod vpnpt_delay
vpnpt_load || { tap_not_ok "load"; tap_done; }
topo_create 1 || { tap_not_ok "topology"; tap_done; }
srv_start ev $NS_ROUTER $NL batch
srv_start fl $NS_ROUTER $NL batch
srv ev subscribe >/dev/null

check "delay module loaded at vpnpt_genl_notify_session(SESSION_NEW)" \
	insmod "$DELAY_KO" symbol=vpnpt_genl_notify_session arg=3 \
	argval=$CMD_SESSION_NEW delay_ms=3000 count=1
# The first ESP packet of client 1 creates its session; its CPU is held in
# the announcement.
nsx "$(client_ns 1)" $PKT $SERVER_WAN esp:1 &
pkt=$!
check "the announcement is being held" wait_until 30 file_is $D/hits 1
check_eq "a flush meanwhile removes the session" "1" "$(srv fl flush "|" flushed)"
wait $pkt

first=$(srv ev next-event 10 "|" event session.id)
second=$(srv ev next-event 10 "|" event session.id)
id=${first#* }
check_eq "the session's start is announced first" "session_new" "${first% *}"
check_eq "then its end" "session_del $id" "$second"
check_eq "nothing more" "ETIMEDOUT" "$(srv ev next-event 2 "|" error)"
check_eq "no session left" "[]" "$(srv fl dump-sessions)"

tap_done
