#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vpnptctl against the real module: every command, text and JSON output,
# agreement with sysfs, exit codes and one-line errors, namespaces, events,
# sessions, stats and flush with real sessions (two clients' manually keyed
# ESP tunnels through the masquerading router, ipsec_lib.sh), and
# setup --nft/teardown: one identical table however often, gone after
# teardown, other nftables tables left alone; setup: attach-helpers on, the
# table gone.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
CTL=$VPNPT_TOP/build/vpnptctl
[ -x "$CTL" ] || skip "no $CTL (make tool)"
require_cmd nft python3 jq ip ping
P=/sys/module/vpnpt/parameters
# The router, the server and two clients with ESP SAs; vpnpt unloaded.
N=2
. "$SELFTESTS_DIR/tools/ipsec_lib.sh"
R=$NS_ROUTER

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
# AH has no sessions, so no timeout: refused by the tool itself (the module
# is not even loaded yet).
check_eq "set timeout-ah: one line, exit 2, no kernel call" \
	'2 1: vpnptctl: set: timeout-ah: ah has no sessions, so no idle timeout' \
	"$(err_of $CTL set timeout-ah 600)"

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
ns=${NS_PREFIX}ctl
ip netns add $ns && on_exit ns_del $ns
$CTL -n $ns disable pptp
check_eq "-n: the namespace changed" "false" "$($CTL -n $ns -j status | jq_ switches.pptp)"
check_eq "-n: the initial namespace did not" "1" "$(cat $P/pptp)"
check_eq "-n: unknown namespace" "1 1" "$(err_of $CTL -n ${NS_PREFIX}nosuch status | cut -d: -f1)"

# --- real sessions: the ESP tunnels of two clients --------------------------------
# Every ESP packet of these tunnels is an echo of ping's default size, in
# tunnel mode with AES-GCM: 20 (IP) + 8 (SPI, sequence) + 8 (IV) + 84 (the
# inner IP packet) + 2 (pad) + 2 (pad length, next header) + 16 (ICV) = 140.
t0=$SECONDS
for ((i = 1; i <= N; i++)); do
	tunnel_states $i 0
	tunnel_policies $i
done
for ((i = 1; i <= N; i++)); do
	check "sessions: client $i's ESP tunnel works" tunnel_up $i
done
for ((i = 1; i <= N; i++)); do
	check_eq "sessions: client $i: 3 echoes through the tunnel" "3" \
		"$(nsx "$(client_ns $i)" ping -c3 -i0.2 -W2 -I "$(inner $i)" $INNER_S |
			sed -n 's/.* \([0-9]*\) received.*/\1/p')"
done
# The kernel's view, from the independent netlink client: per session
# "client id zone packets_out packets_in bytes_out bytes_in state".
dump=$(nsx $R $NL dump-sessions | jq -r 'sort_by(.client) | .[] |
	"\(.client) \(.proto) \(.id) \(.zone) \(.packets_out) \(.packets_in) \(.bytes_out) \(.bytes_in) \(.state)"')
check_eq "sessions: one ESP session per client" \
	"$(client_addr 1) esp
$(client_addr 2) esp" "$(cut -d' ' -f1,2 <<<"$dump")"
ok_traffic=
while read -r c proto id zone po pi bo bi st; do
	[ "$po" = "$pi" ] && [ "$po" -ge 3 ] && [ "$bo" = $((po * 140)) ] &&
		[ "$bi" = $((pi * 140)) ] && [ "$st" = 1 ] || ok_traffic="$ok_traffic $c"
done <<<"$dump"
check_eq "sessions: each answered both ways, 140 bytes a packet, established" "" "$ok_traffic"

# The text list, with age and idle (which tick) cut out, compared whole.
expected=
i=0
while read -r c proto id zone po pi bo bi st; do
	i=$((i + 1))
	[ $i = 1 ] || expected+=$'\n'
	expected+="client $c (1 session)
  esp id $id server $SRV state established
    spi out $(spi_x $i) in $(spi_y $i) public $PUB zone $zone
    out $po packets $bo bytes in $pi packets $bi bytes AGE"$'\n'
done <<<"$dump"
no_age() { sed -E 's/ age [0-9dhms]+ idle [0-9dhms]+$/ AGE/'; }
text=$($CTL -n $R sessions)
check_eq "sessions (text): every column exact" "${expected%$'\n'}" "$(no_age <<<"$text")"
check_eq "sessions (text): age and idle are durations" "$N" \
	"$(grep -cE '^    out .* age [0-9]+s idle [0-9]+s$' <<<"$text")"
ages_ok() { # age >= idle, not older than the SAs
	$CTL -n $R -j sessions | jq -e --argjson max $((SECONDS - t0 + 1)) \
		'all(.[]; .age >= .idle and .age <= $max)' >/dev/null
}
check "sessions -j: age at least idle, at most the tunnels' age" ages_ok
check_eq "sessions proto esp client C: only that client's session" \
	"$(sed -n 1,4p <<<"$expected")" \
	"$($CTL -n $R sessions proto esp client "$(client_addr 1)" | no_age)"
check_eq "sessions proto pptp: nothing" "" "$($CTL -n $R sessions proto pptp)"
check_eq "sessions -j: the kernel's ids, zones and counters" "$dump" \
	"$($CTL -n $R -j sessions | jq -r '.[] |
		"\(.client) \(.proto) \(.id) \(.zone) \(.packets_out) \(.packets_in) \(.bytes_out) \(.bytes_in) \(if .state == "established" then 1 else .state end)"')"

# -s status: status, an empty line, then the counters as stats prints them.
status_s=$($CTL -n $R -s status)
check_eq "-s status: status, then stats" \
	"$($CTL -n $R status)"$'\n\n'"$($CTL -n $R stats)" "$status_s"
esp_pkts=$(awk '{ s += $5 + $6 } END { print s }' <<<"$dump")
check_eq "-s status: the esp column (packets, created, ended, active)" \
	"packets $esp_pkts sessions-created 2 sessions-ended 0 sessions-active 2" \
	"$(sed -n '/^ /,$p' <<<"$status_s" | awk '
		NR == 1 { for (f = 1; f <= NF; f++) if ($f == "esp") col = f + 1; next }
		$1 ~ /^(packets|sessions-created|sessions-active|sessions-ended)$/ {
			printf "%s%s %s", sep, $1, $col; sep = " " }')"
check_eq "-j -s status: stats.esp.sessions_active" "2" \
	"$($CTL -n $R -j -s status | jq -r .stats.esp.sessions_active)"

# flush: the count, then nothing left.
check_eq "flush pptp: none of them" "flushed 0 sessions" "$($CTL -n $R flush pptp)"
check_eq "-j flush l2tp ike: none of them" '{"flushed":0}' "$($CTL -n $R -j flush l2tp ike)"
check_eq "sessions survive a flush of other protocols" "2" "$($CTL -n $R -j sessions | jq length)"
check_eq "flush: both sessions" "flushed 2 sessions" "$($CTL -n $R flush)"
check_eq "after flush: sessions -j is empty" "[]" "$($CTL -n $R -j sessions)"
check_eq "after flush: sessions prints nothing" "" "$($CTL -n $R sessions)"
check_eq "after flush: stats say 0 active, 2 ended" "0 2" \
	"$($CTL -n $R -j stats | jq -r '"\(.esp.sessions_active) \(.esp.sessions_ended)"')"
check_eq "flush again: nothing" "flushed 0 sessions" "$($CTL -n $R flush)"

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

# setup --nft/teardown: other tables are never touched.
nft add table ip admin_table
nft add chain ip admin_table c
on_exit nft delete table ip admin_table
check "setup --nft --dry-run prints the table" sh -c "$CTL setup --nft --dry-run | grep -q 'table ip vpnpt'"
# The ruleset exists once, in the tool (src/vpnptctl/ruleset.c): setup's
# netlink batch and --dry-run's script are both made from it. The expected
# table is that script loaded by nft itself; the helpers it must attach are
# the uapi header's VPNPT_HELPER_* names.
helpers=$(sed -n 's/^#define VPNPT_HELPER_[A-Z0-9]*[[:space:]]*"\(vpnpt-[a-z0-9]*\)".*/\1/p' \
	"$VPNPT_TOP/include/uapi/linux/vpnpt.h" | sort | xargs)
nhelpers=$(wc -w <<<"$helpers")
check "nft loads the setup --nft --dry-run script" sh -c "$CTL setup --nft --dry-run | nft -f -"
want=$(nft list table ip vpnpt)
nft delete table ip vpnpt
# helpers_rules : "HELPERS RULES" of table ip vpnpt (ct helper objects, and
# rules attaching one).
helpers_rules() {
	local t
	t=$(nft list table ip vpnpt) || return 1
	echo "$(grep -c '^[[:space:]]*ct helper vpnpt-[a-z0-9]* {$' <<<"$t")" \
		"$(grep -c 'ct helper set "vpnpt-[a-z0-9]*"$' <<<"$t")"
}
attach() { $CTL -j status | jq -r .attach_helpers; }
check_eq "attach-helpers is off after load" "false" "$(attach)"
check "setup --nft succeeds" $CTL setup --nft
first=$(nft list table ip vpnpt)
check_eq "setup --nft installs the table --dry-run prints" "$want" "$first"
check_eq "after setup --nft: a helper object and a rule per vpnpt helper ($nhelpers)" \
	"$nhelpers $nhelpers" "$(helpers_rules)"
check "setup --nft twice" $CTL setup --nft
check_eq "one vpnpt table after two setups" "1" "$(nft list tables | grep -c 'table ip vpnpt$')"
check_eq "after the second setup: still $nhelpers helpers, $nhelpers rules" \
	"$nhelpers $nhelpers" "$(helpers_rules)"
check_eq "the second setup leaves the same table" "$first" "$(nft list table ip vpnpt)"
check_eq "the table attaches the uapi header's helpers" "$helpers" \
	"$(nft list table ip vpnpt | sed -n 's/^[[:space:]]*type "\(vpnpt-[a-z0-9]*\)".*/\1/p' | sort | xargs)"
check_eq "setup --nft leaves attach-helpers off" "false" "$(attach)"
check_eq "teardown succeeds, quietly" "0 " "$(out=$($CTL teardown); echo "$? $out")"
check_fail "after teardown: table ip vpnpt is gone" nft list table ip vpnpt
check_eq "after teardown: no vpnpt table listed" "0" "$(nft list tables | grep -c 'table ip vpnpt$')"
check_eq "teardown again (nothing there): succeeds and says so" \
	"0 attach-helpers off, table ip vpnpt not present: nothing to remove" \
	"$(out=$($CTL teardown); echo "$? $out")"

# setup (default): the module attaches the helpers; the table of an earlier
# setup --nft goes, after.
check "setup --dry-run prints the netlink step and the table's removal" \
	sh -c "$CTL setup --dry-run | grep -q '^# (vpnptctl set attach-helpers on)'"
check "nft loads the setup --dry-run script" sh -c "$CTL setup --dry-run | nft -f -"
check "setup --nft, then" $CTL setup --nft
check "setup succeeds" $CTL setup
check_eq "setup: attach-helpers on" "true" "$(attach)"
check_fail "setup: table ip vpnpt of setup --nft is gone" nft list table ip vpnpt
check "setup again" $CTL setup
check_eq "... attach-helpers still on" "true" "$(attach)"
check_eq "status shows it" "attach-helpers on" "$($CTL status | grep -o 'attach-helpers on')"
check_eq "teardown -j: no table, attach-helpers turned off" \
	'{"table":"ip vpnpt","removed":false,"attach_helpers_off":true}' "$($CTL -j teardown)"
check_eq "after teardown: attach-helpers off" "false" "$(attach)"
check "set attach-helpers on" $CTL set attach-helpers on
check_eq "... on" "true" "$(attach)"
check "set attach-helpers off" $CTL set attach-helpers off
check_eq "... off" "false" "$(attach)"
check_eq "set attach-helpers maybe: a usage error" "2" "$($CTL set attach-helpers maybe 2>/dev/null; echo $?)"
check_eq "the admin's table is untouched" "table ip admin_table" "$(nft list tables | grep admin_table)"
check_eq "... with its chain" "chain c" \
	"$(nft list table ip admin_table | sed -n 's/^[[:space:]]*\(chain c\) {$/\1/p')"

tap_done
