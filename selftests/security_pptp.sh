#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A PPTP control connection gets state only after a valid first message
# (issue #13 item 5; docs/pptp.md, docs/security.md).
#
#   c1 (junk, then pppd+pptp) -- br0 [router: vpnptctl setup, masquerade] wan -- server
#   10.99.0.11                                                                  203.0.113.2:1723
#
#   - N (default 2000) TCP connections from c1 to the server's port 1723,
#     held open, each sending invalid first data: one junk byte, a header
#     with a bad magic cookie, a bad length, an unknown control type, or a
#     valid message that is not a Start-Control-Connection-Request. vpnpt
#     must hold nothing for them: the kmalloc-4k caches (where a control
#     connection's state went) do not grow by anywhere near one object per
#     connection, and every connection is counted in pptp parse_errors;
#   - with max_client_sessions at 2, three connections that open with a valid
#     Start-Control-Connection-Request: the third is refused (a connection
#     with state counts against the caps);
#   - then the connections close and a real pptp-linux client brings its
#     tunnel up through the router and passes traffic: its call is a session.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_peers.sh"

vpnpt_require_root
require_cmd pptpd pptp pppd nft conntrack python3 jq
CTL=$VPNPT_TOP/build/vpnptctl
NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
[ -x "$CTL" ] || skip "vpnptctl not built (make tool)"
[ -r /proc/slabinfo ] || skip "no /proc/slabinfo"
N=${VPNPT_PPTP_JUNK:-2000}
D=$VPNPT_LOGDIR
R=$NS_ROUTER

modprobe -a ppp_generic ppp_async 2>/dev/null || skip "ppp modules missing"
vpnpt_unload
on_exit vpnpt_unload
topo_create 1 || { tap_not_ok "topology"; tap_done; }
vpnpt_load || { tap_not_ok "load"; tap_done; }
check "vpnptctl setup attaches the helpers" nsx $R "$CTL" setup
# The connections must outlive the slow guest's sending.
nsx $R sysctl -qw net.netfilter.nf_conntrack_max=262144 2>/dev/null

stat_of() { # NAME : a pptp counter
	nsx $R "$CTL" -j stats | python3 -c 'import json, sys; print(json.load(sys.stdin)["pptp"][sys.argv[1]])' "$1"
}
# Objects in use in the caches a kmalloc of ~4 KB comes from.
slab_4k() { awk '$1 ~ /^kmalloc(-cg|-rcl)?-4k$/ { n += $2 } END { print n + 0 }' /proc/slabinfo; }

# The server side: accepts and holds every connection, reads nothing back.
cat >"$D/listen.py" <<-'END'
	import resource, socket, sys, time
	resource.setrlimit(resource.RLIMIT_NOFILE, (65536, 65536))
	s = socket.socket()
	s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	s.bind(("0.0.0.0", 1723))
	s.listen(4096)
	held = []
	while True:
	    c, _ = s.accept()
	    held.append(c)
END
# The client side: N connections, each with invalid first data, held open
# until stdin closes.
cat >"$D/junk.py" <<-'END'
	import resource, socket, struct, sys
	resource.setrlimit(resource.RLIMIT_NOFILE, (65536, 65536))
	dst, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
	MAGIC = 0x1A2B3C4D
	def hdr(length, ctype, magic=MAGIC, mtype=1):
	    return struct.pack("!HHIHH", length, mtype, magic, ctype, 0)
	junk = [
	    b"\x00",                                    # one byte
	    hdr(156, 1, magic=0xdeadbeef) + bytes(144),  # bad magic cookie
	    hdr(12, 1) + bytes(0),                       # length below the header
	    hdr(156, 99) + bytes(144),                   # unknown control type
	    hdr(16, 5) + bytes(4),                       # Echo-Request first
	    hdr(156, 1, mtype=2) + bytes(144),           # not a control message
	]
	if mode == "sccrq":  # valid: protocol version 1.0, the rest zero
	    junk = [hdr(156, 1) + b"\x01\x00" + bytes(142)]
	socks, ok = [], 0
	for i in range(n):
	    s = socket.socket()
	    s.settimeout(10)
	    try:
	        s.connect((dst, 1723))
	        s.sendall(junk[i % len(junk)])
	        ok += 1
	    except OSError as e:
	        print("connection %d: %s" % (i, e), file=sys.stderr)
	    socks.append(s)
	print(ok, flush=True)
	sys.stdin.read()
END

ns_bg $NS_SERVER listen python3 "$D/listen.py"
listen_pid=$!
wait_until 10 nsx $NS_SERVER sh -c "ss -ltn | grep -q ':1723 '" ||
	diag "the listener does not listen"
perr0=$(stat_of parse_errors)
slab0=$(slab_4k)
mkfifo "$D/junk.in"
nsx "$(client_ns 1)" python3 "$D/junk.py" $SERVER_WAN "$N" junk <"$D/junk.in" \
	>"$D/junk.out" 2>"$D/junk.err" &
junk_pid=$!
exec 9>"$D/junk.in"
on_exit "exec 9>&-; kill $junk_pid"
connected() { [ -s "$D/junk.out" ]; }
check "$N connections with invalid first data were made" wait_until 600 connected
check_eq "... all of them connected" "$N" "$(cat "$D/junk.out")"
# Let the last segments pass the router.
sleep 2
tracked=$(nsx $R conntrack -L -p tcp --dport 1723 2>/dev/null | grep -c ESTABLISHED)
diag "$tracked established TCP 1723 entries in the router"
slab1=$(slab_4k)
perr1=$(stat_of parse_errors)
diag "kmalloc-4k objects: $slab0 before, $slab1 with the connections open"
check "vpnpt holds no state for them (kmalloc-4k grew by $((slab1 - slab0)), under $((N / 10)))" \
	test $((slab1 - slab0)) -lt $((N / 10))
check "every connection's invalid first data is counted (parse_errors +$((perr1 - perr0)))" \
	test $((perr1 - perr0)) -ge "$N"
check_eq "no PPTP session" "0" "$(stat_of sessions_active)"

exec 9>&-
wait $junk_pid

# --- valid first messages count against the caps ------------------------------------
nsx $R $NL set max_client_sessions=2 >/dev/null
ref0=$(stat_of sessions_refused)
perr0=$(stat_of parse_errors)
mkfifo "$D/sccrq.in"
nsx "$(client_ns 1)" python3 "$D/junk.py" $SERVER_WAN 3 sccrq <"$D/sccrq.in" \
	>"$D/sccrq.out" 2>"$D/sccrq.err" &
sccrq_pid=$!
exec 9>"$D/sccrq.in"
sccrq_done() { [ -s "$D/sccrq.out" ]; }
check "3 connections opening with a valid SCCRQ were made" wait_until 60 sccrq_done
sleep 1
check_eq "with max_client_sessions 2, the third got no state (sessions_refused +1)" \
	"$((ref0 + 1))" "$(stat_of sessions_refused)"
check_eq "... and none was a parse error" "$perr0" "$(stat_of parse_errors)"
exec 9>&-
wait $sccrq_pid
nsx $R $NL set max_client_sessions=100 >/dev/null
kill $listen_pid
wait $listen_pid 2>/dev/null
wait_until 10 sh -c "! ip netns exec $NS_SERVER ss -ltn | grep -q ':1723 '"

pptp_server_start || diag "pptpd does not listen"
pptp_client_start 1
if ! check "a real client's ppp link comes up afterwards" wait_until 60 ppp_up 1; then
	tail -15 "$D/pppd-c1.log" | sed 's/^/#   /'
fi
check "and passes traffic through the tunnel" \
	nsx "$(client_ns 1)" ping -c 3 -i 0.3 -W 2 -q 192.168.77.1
check_eq "its call is one established session" "1" "$(stat_of sessions_active)"
pptp_client_stop 1
tap_done
