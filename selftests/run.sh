#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run selftests (all of them, ALL_TESTS below, or those named) and print
# TAP, each test's own TAP lines indented as a subtest, then one summary line
# "selftests: N passed, N failed, N skipped". Exit 1 if any failed.
# With VPNPT_NO_SKIP=1 (make check sets it: there, every peer and tool is
# installed) a test that skips counts as failed, so a broken setup cannot
# pass as "ok # SKIP".
#
# Usage: selftests/run.sh [TEST...]       e.g. run.sh module params
#        selftests/run.sh --list         the tests run by default
cd "$(dirname "$0")" || exit 1
list=0
[ "${1:-}" = --list ] && { list=1; shift; }
# Every guest selftest, in the order run.sh runs them. (harness.sh,
# install.sh and debian.sh run on the host; debian-guest.sh is debian.sh's;
# unit/ and fuzz/ are built by make.) scripts/check's unit step fails when
# a test file is missing from this list, or the list names a missing file.
ALL_TESTS="forward module params netlink switches vpnptctl attach
	pptp pptp_proto pptp_scale security_pptp
	ipsec ipsec_hostile ipsec_keepport ipsec_peers ipsec_scale
	l2tp l2tp_ipsec l2tp_port
	security_binding security_fair security_local security_peers security_spoof security_state
	race_esp race_events race_params race_pptp
	stress_module stress_netns stress_pptp stress_sessions stress_switches"
if [ $# -gt 0 ]; then
	tests=("$@")
else
	read -r -a tests <<<"$(echo $ALL_TESTS)"
fi
for t in "${tests[@]}"; do
	[ -f "./${t%.sh}.sh" ] || { echo "run.sh: no test '$t'" >&2; exit 2; }
done
[ $list = 1 ] && { echo "${tests[*]}"; exit 0; }

# Debug kernel: a kmemleak scan after each test (about 10 s under TCG). An
# object is reported once two scans found it unreferenced and unchanged, so
# a leak shows after the test that made it or after the next one (the
# harness scans twice more after the last test); what is reported fails the
# test it shows under, and is cleared so that it is reported once.
kml=/sys/kernel/debug/kmemleak
leaks() {
	local r
	[ -w $kml ] || return 0
	echo scan >$kml
	r=$(cat $kml)
	[ -z "$r" ] && return 0
	echo clear >$kml
	echo "$r" | head -80 | sed 's/^/    # kmemleak: /'
	return 1
}

echo "TAP version 13"
echo "1..${#tests[@]}"
pass=0 fail=0 skipped=0 n=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	start=$SECONDS
	echo "# $t"
	bash "./${t%.sh}.sh" 2>&1 | sed 's/^/    /'
	rc=${PIPESTATUS[0]}
	leaks || rc=1
	took=$((SECONDS - start))
	case $rc in
	0) pass=$((pass + 1)); echo "ok $n $t # ${took}s" ;;
	4)
		if [ "${VPNPT_NO_SKIP:-0}" = 1 ]; then
			fail=$((fail + 1))
			echo "not ok $n $t # SKIP not allowed (VPNPT_NO_SKIP=1)"
		else
			skipped=$((skipped + 1))
			echo "ok $n $t # SKIP"
		fi
		;;
	*) fail=$((fail + 1)); echo "not ok $n $t # exit $rc, ${took}s" ;;
	esac
done
echo "selftests: $pass passed, $fail failed, $skipped skipped"
[ $fail = 0 ]
