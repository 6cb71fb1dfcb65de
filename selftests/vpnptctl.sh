#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vpnptctl against the real module: every command, text and JSON output,
# agreement with sysfs, exit codes and one-line errors, namespaces, events,
# and setup/teardown leaving other nftables tables alone.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
CTL=$VPNPT_TOP/build/vpnptctl
[ -x "$CTL" ] || skip "no $CTL (make tool)"
require_cmd nft python3
P=/sys/module/vpnpt/parameters
vpnpt_unload
on_exit vpnpt_unload

jq_() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[int(k)] if k.isdigit() else d[k]
print(json.dumps(d) if isinstance(d,(dict,list,bool)) else d)' "$1"; }

# Exit code and the number of lines on stderr of a failing command.
err_of() { # COMMAND... -> "EXIT LINES: FIRST-LINE"
	local e
	e=$("$@" 2>&1 >/dev/null)
	echo "$? $(printf '%s\n' "$e" | grep -c .): $(printf '%s\n' "$e" | head -1)"
}

check_eq "module not loaded: one line, exit 1" \
	'1 1: vpnptctl: vpnpt module not loaded (generic netlink family "vpnpt" not found)' \
	"$(err_of $CTL status)"

vpnpt_load || { tap_not_ok "load"; tap_done; }

check_eq "status shows all six switches on" "on on on on on on" \
	"$($CTL status | awk '$1 ~ /^(pptp|l2tp|ike|esp|ah|natt)$/ { print $2 }' | xargs)"
check_eq "status -j: module version" "$(modinfo -F version "$(vpnpt_ko)")" \
	"$($CTL -j status | jq_ module_version)"

for p in pptp l2tp ike esp ah natt; do
	$CTL disable $p
	check_eq "disable $p: sysfs reads 0" "0" "$(cat $P/$p)"
	check_eq "disable $p: status -j says false" "false" "$($CTL -j status | jq_ switches.$p)"
	$CTL enable $p
	check_eq "enable $p: sysfs reads 1" "1" "$(cat $P/$p)"
	echo 0 >$P/$p
	check_eq "sysfs $p=0: status -j says false" "false" "$($CTL -j status | jq_ switches.$p)"
	echo 1 >$P/$p
done
$CTL disable esp ah
check_eq "disable two at once, the others stay" "1 1 1 0 0 1" \
	"$(for p in pptp l2tp ike esp ah natt; do cat $P/$p; done | xargs)"
$CTL enable all
check_eq "enable all" "1 1 1 1 1 1" "$(for p in pptp l2tp ike esp ah natt; do cat $P/$p; done | xargs)"

$CTL set max-sessions 5000 max-client-sessions 64 timeout-esp 900
check_eq "set three keys" "5000 64 900" \
	"$($CTL -j status | python3 -c 'import json,sys; d=json.load(sys.stdin)
print(d["max_sessions"], d["max_client_sessions"], d["timeouts"]["esp"])')"

check_eq "stats -j has six protocols" "ah esp ike l2tp natt pptp" \
	"$($CTL -j stats | python3 -c 'import json,sys; print(" ".join(sorted(json.load(sys.stdin))))')"
check_eq "stats -j matches the kernel's counters" \
	"$(python3 "$SELFTESTS_DIR/tools/vpnpt_nl.py" get-stats | jq_ stats.esp.packets)" \
	"$($CTL -j stats | jq_ esp.packets)"
check_eq "sessions -j on an empty table" "[]" "$($CTL -j sessions)"
check "flush succeeds" $CTL flush
check "flush of one protocol succeeds" $CTL flush esp

# Bad use: one line on stderr, exit 2.
check_eq "unknown command" "2 1: vpnptctl: unknown command 'frobnicate' (see 'vpnptctl --help')" \
	"$(err_of $CTL frobnicate)"
check_eq "unknown protocol" "2 1" "$(err_of $CTL disable gre | cut -d: -f1)"
check_eq "set without a value" "2 1" "$(err_of $CTL set max-sessions | cut -d: -f1)"
check_eq "set out of range" "2 1" "$(err_of $CTL set max-sessions 0 | cut -d: -f1)"
check_eq "unknown option" "2 1" "$(err_of $CTL --frob status | cut -d: -f1)"
check_eq "nothing changed by the bad calls" "5000" "$($CTL -j status | jq_ max_sessions)"

# Privilege.
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"; }
check_eq "unprivileged disable: exit 1, one line" "1 1" "$(err_of nobody $CTL disable esp | cut -d: -f1)"
check_eq "unprivileged status works" "0" "$(nobody $CTL status >/dev/null; echo $?)"

# Namespaces: -n NAME.
ip netns add vpnpt-ctl && on_exit ns_del vpnpt-ctl
$CTL -n vpnpt-ctl disable pptp
check_eq "-n: the namespace changed" "false" "$($CTL -n vpnpt-ctl -j status | jq_ switches.pptp)"
check_eq "-n: the initial namespace did not" "1" "$(cat $P/pptp)"
check_eq "-n: unknown namespace" "1 1" "$(err_of $CTL -n vpnpt-nosuch status | cut -d: -f1)"

# Events.
$CTL -j monitor >"$VPNPT_LOGDIR/ctl-events.json" 2>&1 &
mon=$!
on_exit kill $mon
sleep 0.5
$CTL disable natt
wait_until 5 grep -q natt "$VPNPT_LOGDIR/ctl-events.json"
kill -INT $mon
wait $mon
check_eq "monitor exits 0 on SIGINT" "0" "$?"
check "monitor printed the switch change" grep -q '"natt":false' "$VPNPT_LOGDIR/ctl-events.json"
$CTL enable natt

# setup/teardown: other tables are never touched.
nft add table ip admin_table
nft add chain ip admin_table c
on_exit nft delete table ip admin_table
check "setup --dry-run prints the table" sh -c "$CTL setup --dry-run | grep -q 'table ip vpnpt'"
check "setup succeeds" $CTL setup
check "setup twice" $CTL setup
check_eq "one vpnpt table after two setups" "1" "$(nft list tables | grep -c 'table ip vpnpt$')"
check_eq "the table attaches the four helpers" \
	"vpnpt-ike vpnpt-l2tp vpnpt-natt vpnpt-pptp" \
	"$(nft list table ip vpnpt | sed -n 's/^[[:space:]]*type "\(vpnpt-[a-z0-9]*\)".*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')"
check "teardown succeeds" $CTL teardown
check "teardown again (nothing there) succeeds" $CTL teardown
check_eq "the admin's table is untouched" "table ip admin_table" "$(nft list tables | grep admin_table)"

tap_done
