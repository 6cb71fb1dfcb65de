#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PPTP at the packet level: what real clients rarely do. A fake PAC in the
# server namespace and fake PNSes in the LAN (selftests/tools/vpnpt_pptp.py,
# one process driving both ends) send control messages with exact TCP
# segmentation and enhanced GRE through the masquerading router, and each
# end reports what arrived after the router's NAT.
#
#   c1  10.99.0.11, 10.99.1.1-15 -+
#   c2  10.99.0.12  ------------ +-- br0 [vpnpt-pptp, masquerade] wan --- server
#   c3  10.99.0.13  ------------ +      router        203.0.113.1       203.0.113.2
#   (fake PNSes; raw GRE sockets)                                  (fake PAC :1723;
#                                                                   raw GRE socket)
#
# Checked: two messages in one segment (both directions); a message split
# over three segments, inside its Call ID field (both directions); two
# clients with the same Call ID to one server; three calls on one control
# connection; a PAC-initiated call; GRE both ways for every call, with the
# right key at the right client; CDN, CCRQ, StopCCRQ and TCP close end
# calls with no session or expectation left; a refused OCRP; hostile
# messages counted as parse errors while the connection keeps working; a
# TCP retransmission and a repeated OCRQ do not make a second call, nor
# does a burst of 20 OCRQs whose first segment is resent after the rest;
# a client that is routed without NAT and one behind plain SNAT; session
# events; GRE of an established flow given its flow by vpnpt's hook before
# conntrack, which keeps the flow alive; all of it again with the kernel's nf_conntrack_pptp loaded beside
# vpnpt; with it, live calls ended by vpnptctl flush, by deleting the
# control connection's conntrack entry and by switching pptp off (GRE then
# blocked and counted), and new calls afterwards; a call without GRE for
# timeout-pptp ends, its control connection goes on.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd nft conntrack python3 jq
CTL=$VPNPT_TOP/build/vpnptctl
[ -x "$CTL" ] || skip "vpnptctl not built (make tool)"
D=$VPNPT_LOGDIR
PAC=$SERVER_WAN

# The first part runs without the kernel's PPTP helper; the last with it.
# The tool: one process, commands in, JSON lines out (lib.sh).
pptp_tool_setup 3 15

# R=$(pp ...); jv FILTER : a jq query on that reply
jv() { jq -r "$1" <<<"$R"; }
# Sessions as vpnpt's netlink dump shows them (the tool reads it with
# vpnpt_nl.py's code; one process for the whole test keeps it fast):
# sess CLIENT : "inside outside peer state;..." sorted; nsess [CLIENT]: count
sess() { pt sess "$1"; }
nsess() { pt nsess "${1:--}"; }
nsess_is() { [ "$(nsess "$1")" = "$2" ]; }
# calls CONN : the same as both fake ends know it, state "established"
calls() { pt calls "$1"; }
nup() { pt nsess - established; }
parse_errors() { pt perr; }
# events CLIENT : its PPTP session events since the last call (all clients'
#   are consumed), "new|del STATE inside outside peer;..." in order
events() { pt events "$1"; }
# sorted_events CLIENT : the same, sorted (flush order is the table's)
sorted_events() { events "$1" | tr ';' '\n' | sort | paste -sd';'; }
# sess_events EVENT CLIENT : what EVENT ("new" or "del") would be for each of
#   the client's sessions now, sorted
sess_events() {
	sess "$2" | tr ';' '\n' | awk -v e="$1" '{print e, $4, $1, $2, $3}' | sort | paste -sd';'
}
# gre_flows CLIENT : GRE conntrack entries from that client
gre_flows() { nsx $NS_ROUTER conntrack -L -p gre 2>/dev/null | grep -c "src=$1 " || true; }
nexp() { nsx $NS_ROUTER conntrack -L expect 2>/dev/null | grep -c 'proto=47' || true; }
# gre_both WHAT CONN INSIDE CLIENT : GRE each way for a call
gre_both() {
	check_eq "$1: GRE to the server with its key, to the client with the inside key" \
		"$PUBLIC true $4 $(($3))" "$(pt gre "$2" "$3")"
}
PUBLIC=$ROUTER_WAN
C1=$(client_addr 1) C2=$(client_addr 2) C3=$(client_addr 3)

R=$(pp pac $NS_SERVER $PAC)
check_eq "fake PAC listens" true "$(jv .ok)"

# --- two messages in one segment ---------------------------------------------------
R=$(pp connect a "$(client_ns 1)" "$C1" $PAC)
check_eq "PAC sees the connection from the public address" "$PUBLIC" "$(jv '.pac_sees | split(":")[0]')"
R=$(pp send a sccrq ocrq:call=0x0a01)
check_eq "SCCRQ+OCRQ in one segment: PAC got both" "sccrq ocrq" "$(jv '[.pac_got[].type] | join(" ")')"
check_eq "... and the PNS both replies, OCRP back to its Call ID" "sccrp ocrp:2561" \
	"$(jv '[.pns_got[] | .type + (if .peer then ":\(.peer)" else "" end)] | join(" ")')"
R=$(pp send a ocrq:call=0x0a02 ocrq:call=0x0a03)
check_eq "OCRQ+OCRQ in one segment: PAC got two OCRQs with distinct Call IDs" "2 2" \
	"$(jv '[.pac_got[] | select(.type == "ocrq")] | "\(length) \(map(.call) | unique | length)"')"
check_eq "... the two OCRPs (one segment) come back to the inside Call IDs" "2562 2563" \
	"$(jv '[.pns_got[] | select(.type == "ocrp") | .peer] | sort | join(" ")')"
check_eq "three calls, session table = what both ends saw" "$(calls a)" "$(sess "$C1")"
for id in 0x0a01 0x0a02 0x0a03; do
	gre_both "call $id of three on one connection" a $id "$C1"
done
check_eq "two expectations per call" $((2 * 3)) "$(nexp)"

# --- a message split over three segments ------------------------------------------------
R=$(pp connect b "$(client_ns 1)" 10.99.1.1 $PAC)
R=$(pp send b sccrq)
# OCRQ cut after its 5th byte and inside its Call ID field (offsets 12-13);
# the PAC's OCRP cut after its header and inside its Peer's Call ID (14-15).
R=$(pp paccut b 12,15)
R=$(pp send b cut=5,13 ocrq:call=0x1b2c)
check_eq "OCRQ in 3 segments, cut in the Call ID: PAC got one OCRQ" "1" "$(jv '[.pac_got[] | select(.type == "ocrq")] | length')"
check_eq "... OCRP in 3 segments, cut in the Peer's Call ID: back to the inside ID" "ocrp 6956" \
	"$(jv '.pns_got[] | "\(.type) \(.peer)"')"
R=$(pp paccut b 8,14)
R=$(pp send b cut=1,12 ocrq:call=0x2b2d)
check_eq "OCRQ cut after 1 and before the Call ID; OCRP cut before the Peer's" "ocrp 11053" \
	"$(jv '.pns_got[] | "\(.type) \(.peer)"')"
check_eq "split calls: session table = what both ends saw" "$(calls b)" "$(sess 10.99.1.1)"
gre_both "split call 0x1b2c" b 0x1b2c 10.99.1.1
gre_both "split call 0x2b2d" b 0x2b2d 10.99.1.1

# --- forced collision: two clients, one Call ID, one server -------------------------
R=$(pp connect x2 "$(client_ns 2)" "$C2" $PAC)
R=$(pp connect x3 "$(client_ns 3)" "$C3" $PAC)
R=$(pp send x2 sccrq ocrq:call=0x0c0c)
o2=$(jv '.pac_got[1].call')
R=$(pp send x3 sccrq ocrq:call=0x0c0c)
o3=$(jv '.pac_got[1].call')
check "same inside Call ID from two clients: the PAC sees two different IDs" \
	test "$o2" != "$o3" -a "$o2" != null -a "$o3" != null
check_eq "... each client's session has the ID its PAC saw" "$o2 $o3" \
	"$(sess "$C2" | cut -d' ' -f2) $(sess "$C3" | cut -d' ' -f2)"
gre_both "collision, client 2" x2 0x0c0c "$C2"
gre_both "collision, client 3" x3 0x0c0c "$C3"

# --- without NAT: a LAN address routed to the server, not masqueraded --------------
# Call IDs pass as the client chose them (outside = inside) and GRE is still
# expected both ways. The control segments arrive with their payload in page
# fragments: the helper must read them as such.
NONAT=10.99.1.9
nsx $NS_ROUTER nft insert rule ip vpnpt_test_nat postrouting ip saddr $NONAT return
nsx $NS_SERVER ip route add $NONAT/32 via $ROUTER_WAN
R=$(pp subscribe)
check_eq "subscribed to vpnpt's events" true "$(jv .ok)"
R=$(pp connect n "$(client_ns 1)" $NONAT $PAC)
check_eq "not NATed: the PAC sees the client's own address" "$NONAT" "$(jv '.pac_sees | split(":")[0]')"
R=$(pp send n sccrq ocrq:call=0x0e01 ocrq:call=0x0e02)
check_eq "not NATed: the OCRQs reach the PAC with the client's Call IDs" "3585 3586" \
	"$(jv '[.pac_got[] | select(.type == "ocrq") | .call] | sort | join(" ")')"
check_eq "... both calls up, outside = inside, as both ends saw them" \
	"$(calls n)" "$(sess $NONAT)"
check_eq "... and the session table has them (not empty)" 2 "$(pt nsess $NONAT established)"
for id in 0x0e01 0x0e02; do
	check_eq "not NATed, call $id: GRE both ways with the right keys" \
		"$NONAT true $NONAT $((id))" "$(pt gre n $id)"
done
check_eq "... two expectations per call" $((2 * $(nup))) "$(nexp)"

# --- plain SNAT instead of masquerade --------------------------------------------
SNAT=10.99.1.10
nsx $NS_ROUTER nft insert rule ip vpnpt_test_nat postrouting ip saddr $SNAT \
	oifname wan snat to $PUBLIC
R=$(pp connect s "$(client_ns 1)" $SNAT $PAC)
check_eq "SNAT: the PAC sees the public address" "$PUBLIC" "$(jv '.pac_sees | split(":")[0]')"
# The same inside IDs as client 1's masqueraded calls to the same server.
R=$(pp send s sccrq ocrq:call=0x0a01 ocrq:call=0x0a02)
check_eq "SNAT: both calls up, as both ends saw them" "$(calls s)" "$(sess $SNAT)"
ids_of() { sess "$1" | tr ';' '\n' | cut -d' ' -f2; }
check_eq "... their outside IDs differ from the masqueraded client's" "" \
	"$(printf '%s\n' "$(ids_of "$C1")" "$(ids_of $SNAT)" | sort | uniq -d)"
gre_both "SNAT call 0x0a01" s 0x0a01 $SNAT
gre_both "SNAT call 0x0a02" s 0x0a02 $SNAT
check_eq "events: an OCRQ announces a new session with its inside ID, the OCRP its establishment" \
	"new new 2561 0 0;new new 2562 0 0;$(sess_events new $SNAT)" \
	"$(events $SNAT)"

# --- PAC-initiated call ----------------------------------------------------------------------
R=$(pp connect d "$(client_ns 1)" 10.99.1.2 $PAC)
R=$(pp send d sccrq)
R=$(pp send d from=pac icrq:call=0x5d01)
check_eq "ICRQ reaches the PNS with the PAC's Call ID" "icrq 23809" "$(jv '.pns_got[] | "\(.type) \(.call)"')"
R=$(pp send d icrp:call=0x0d0d:peer=0x5d01)
oi=$(jv '.pac_got[0].call')
check_eq "ICRP: the PAC gets it for its call" "icrp 23809" "$(jv '.pac_got[] | "\(.type) \(.peer)"')"
check_eq "... and the ICCN comes back to the inside Call ID" "iccn 3341" "$(jv '.pns_got[] | "\(.type) \(.peer)"')"
check_eq "incoming call: session = what both ends saw" "3341 $oi 23809 established" "$(sess 10.99.1.2)"
gre_both "incoming call" d 0x0d0d 10.99.1.2
check_eq "no parse error so far" 0 "$(parse_errors)"

# --- the end of calls ---------------------------------------------------------------------------
R=$(pp send d from=pac cdn:call=0x5d01)
check_eq "CDN from the PAC reaches the PNS" cdn "$(jv '.pns_got[0].type')"
check_eq "CDN ends the call" 0 "$(nsess 10.99.1.2)"
check_eq "... and its expectations" $((2 * $(nup))) "$(nexp)"
check_eq "events: ICRQ (the PAC's Call ID), ICRP (up), CDN (ended)" \
	"new new 0 0 23809;new established 3341 $oi 23809;del established 3341 $oi 23809" \
	"$(events 10.99.1.2)"
R=$(pp send a ccrq:call=0x0a03)
check_eq "CCRQ answered by CDN" cdn "$(jv '.pns_got[0].type')"
check_eq "CCRQ+CDN end that call only" "2561 2562" "$(sess "$C1" | tr ';' '\n' | cut -d' ' -f1 | xargs)"
check_eq "... and its expectations" $((2 * $(nup))) "$(nexp)"
gre_both "a call beside the ended one still" a 0x0a02 "$C1"
R=$(pp send a stopccrq)
check_eq "StopCCRQ answered" stopccrp "$(jv '.pns_got[0].type')"
check_eq "StopCCRQ ends every call of the connection" 0 "$(nsess "$C1")"
check_eq "... and their expectations" $((2 * $(nup))) "$(nexp)"
R=$(pp close b)
check_eq "PNS closes the control connection" true "$(jv .ok)"
check "TCP close ends the connection's calls" wait_until 5 nsess_is 10.99.1.1 0
check_eq "... and their expectations" $((2 * $(nup))) "$(nexp)"

# --- a refused call ----------------------------------------------------------------------------
R=$(pp connect g "$(client_ns 1)" 10.99.1.4 $PAC)
R=$(pp send g sccrq ocrq:call=0x0901:phone=reject)
check_eq "refused OCRQ: OCRP with result 2 to the inside ID" "2 2305" "$(jv '.pns_got[1] | "\(.result) \(.peer)"')"
check_eq "... leaves no session" 0 "$(nsess 10.99.1.4)"

# --- a TCP retransmission and a repeated OCRQ -----------------------------------------------
# The server drops the first OCRQ segment (after the router handled it); the
# client's TCP sends the same bytes again.
# drop_once LENGTHS BYTES : the server drops control segments of IP length
# LENGTHS until BYTES have gone (after the router has handled them), so the
# client's TCP sends them again; table ip pptp_drop counts them.
drop_once() {
	nsx $NS_SERVER nft -f - <<-END
		table ip pptp_drop {
			chain input {
				type filter hook input priority 0; policy accept;
				tcp dport 1723 ip length $1 quota until $2 bytes counter drop
			}
		}
	END
}
dropped_once() { nsx $NS_SERVER nft list table ip pptp_drop | grep -q 'counter packets 1 '; }
drop_once 200-260 300
R=$(pp send g ocrq:call=0x0909)
check "server dropped the first copy" dropped_once
check_eq "retransmitted OCRQ: the PAC gets one OCRQ, the PNS the OCRP" "1 2313" \
	"$(jv '"\([.pac_got[] | select(.type == "ocrq")] | length) \(.pns_got[0].peer)"')"
check_eq "... one call, as both ends see it" "$(calls g)" "$(sess 10.99.1.4)"
nsx $NS_SERVER nft delete table ip pptp_drop
R=$(pp send g ocrq:call=0x0909)
check_eq "the same OCRQ again: same outside ID at the PAC" "$(sess 10.99.1.4 | cut -d' ' -f2)" "$(jv '.pac_got[0].call')"
check_eq "... still one call" "$(calls g)" "$(sess 10.99.1.4)"
gre_both "retransmitted call" g 0x0909 10.99.1.4

# Lost after the router, then retransmitted: a segment holding a Call ID
# field but not its whole message. First the OCRQ's head (bytes 0-19, Call
# ID at 12-13; IP length 72), then a tail starting in mid-message (bytes
# 5-167; IP length 215). The copy that reaches the PAC must carry the same
# outside ID as the session.
for v in "head 20 60-100 100 0x0a0a 10.99.1.6" "tail 5 200-230 300 0x0b0b 10.99.1.7"; do
	set -- $v
	R=$(pp connect "r$1" "$(client_ns 1)" "$6" $PAC)
	R=$(pp send "r$1" sccrq)
	drop_once "$3" "$4"
	R=$(pp send "r$1" cut="$2" ocrq:call="$5")
	check "split OCRQ, its $1 segment lost after the router: dropped once" dropped_once
	nsx $NS_SERVER nft delete table ip pptp_drop
	check_eq "... the retransmitted $1 is rewritten: the PAC gets the session's outside ID" \
		"$(calls "r$1")" "$(sess "$6")"
	gre_both "call whose OCRQ $1 was retransmitted" "r$1" "$5" "$6"
done

# A burst of 20 OCRQs (40 rewritten bytes): 8 in one segment (IP length
# 1396), then the other 12 in one write, without waiting for an ACK. The
# first segment is lost after the router and resent after the rest has
# passed it (the client's socket handles the server's duplicate ACKs only
# once that write is out). The resent copy must carry the outside IDs of
# all its calls.
R=$(pp connect rb "$(client_ns 1)" 10.99.1.11 $PAC)
R=$(pp send rb sccrq)
drop_once 1300-1450 1500
msgs=()
for ((i = 1; i <= 20; i++)); do msgs+=("ocrq:call=$((0x3000 + i))"); done
R=$(pp send rb cut=1344 burst=1 "${msgs[@]}")
check "burst of 20 OCRQs: the server dropped its first segment once" dropped_once
nsx $NS_SERVER nft delete table ip pptp_drop
check_eq "... the PAC got 20 OCRQs" 20 "$(jv '[.pac_got[] | select(.type == "ocrq")] | length')"
check_eq "... 20 calls up" 20 "$(pt nsess 10.99.1.11 established)"
check_eq "... each with the outside ID the PAC got, also those resent" "$(calls rb)" "$(sess 10.99.1.11)"
gre_both "first call of the burst" rb 0x3001 10.99.1.11
gre_both "last call of the burst" rb 0x3014 10.99.1.11

# --- established GRE: vpnpt's hook gives packets their flow, keeping it alive -----
# Conntrack's GRE tracker finds a packet's flow by walking a list of every
# call's keys; vpnpt's hook before conntrack finds an established flow by
# hash and gives it to the packet. A probe chain between the two sees a
# tracked GRE packet only when vpnpt gave it its flow (lib.sh's
# gre_probe_add). With a stream timeout of 8 s, GRE every second for 12 s
# must keep the same flow alive, as conntrack would (not a new one from the
# call's expectation). All three times VPNPT_TIME_SCALE: on the debug
# kernel a round of the loop below takes seconds, and the steps before the
# loop more than 8 of them.
gto=$(nsx $NS_ROUTER sysctl -n net.netfilter.nf_conntrack_gre_timeout_stream)
nsx $NS_ROUTER sysctl -qw net.netfilter.nf_conntrack_gre_timeout_stream=$((8 * VPNPT_TIME_SCALE))
check "GRE probe before conntrack" gre_probe_add
# the conntrack id of the GRE flow of the call with inside ID 0x0d0e
flowid() {
	nsx $NS_ROUTER conntrack -L -p gre -o id 2>/dev/null |
		grep "src=10.99.1.6 .*srckey=0xd0e " | sed -n 's/.* id=\([0-9]*\).*/\1/p'
}
R=$(pp connect gk "$(client_ns 1)" 10.99.1.6 $PAC)
R=$(pp send gk sccrq ocrq:call=0x0d0e)
check_eq "GRE hook: a call" 1 "$(pt calls gk | tr ';' '\n' | grep -c '^3342 ')"
gre_both "GRE hook: its first packets (a new flow and its reply)" gk 0x0d0e 10.99.1.6
check_eq "... are conntrack's" 0 "$(gre_probe)"
gre_both "GRE hook: its next packets (the flow assured, then given by vpnpt)" gk 0x0d0e 10.99.1.6
check_eq "... the fourth is given its flow by vpnpt" 1 "$(gre_probe)"
id0=$(flowid)
check "... one flow, found by its keys" test -n "$id0" -a "$(wc -w <<<"$id0")" = 1
n=0
for ((i = 0; i < 12; i++)); do
	sleep "$VPNPT_TIME_SCALE"
	[ "$(pp gre gk 0x0d0e dir=out | jq -r .ok)" = true ] && n=$((n + 1))
done
check_eq "GRE out every second for 12 s: every packet reaches the server" 12 "$n"
check_eq "... each given its flow by vpnpt" 13 "$(gre_probe)"
check_eq "... which it kept alive past its 8 s timeout: the same flow" "$id0" "$(flowid)"
gre_both "GRE hook: the way back still works" gk 0x0d0e 10.99.1.6
R=$(pp send gk stopccrq)
gre_probe_del
nsx $NS_ROUTER sysctl -qw net.netfilter.nf_conntrack_gre_timeout_stream="$gto"

# --- hostile input --------------------------------------------------------------------------
R=$(pp connect f "$(client_ns 1)" 10.99.1.3 $PAC)
R=$(pp send f sccrq ocrq:call=0x0f01)
pe0=$(parse_errors)
n=0
for mb in echorq:magic=0xdeadbeef/magic echorq:mtype=2/mtype echorq:ctype=99/ctype \
	ocrq:call=0x0f09:len=100/short echorq:len=600/long; do
	m=${mb%/*}
	R=$(pp send f "$m")
	check_eq "hostile $m: reaches the PAC unchanged" "${mb#*/}" "$(jv '.pac_got[0].bad')"
	n=$((n + 1))
	R=$(pp send f echorq)
	check_eq "... then Echo-RQ/RP still pass" echorp "$(jv '.pns_got[0].type')"
done
R=$(pp send f from=pac echorq:magic=0x1)
check_eq "hostile from the server side reaches the PNS" magic "$(jv '.pns_got[0].bad')"
n=$((n + 1))
check_eq "each hostile message counted once in parse_errors" $((pe0 + n)) "$(parse_errors)"
R=$(pp send f ocrq:call=0x0f02)
check_eq "after them a new call is rewritten both ways" "ocrp 3842" "$(jv '.pns_got[0] | "\(.type) \(.peer)"')"
check_eq "... both calls as both ends see them" "$(calls f)" "$(sess 10.99.1.3)"
gre_both "call from before the hostile messages" f 0x0f01 10.99.1.3
gre_both "call from after them" f 0x0f02 10.99.1.3

# --- coexistence with the kernel's nf_conntrack_pptp -------------------------------------------
for c in x2 x3; do pp close $c >/dev/null; done
both_gone() { nsess_is "$C2" 0 && nsess_is "$C3" 0; }
check "TCP close of both colliding calls' connections ends them" wait_until 5 both_gone
if modprobe -a nf_conntrack_pptp nf_nat_pptp 2>/dev/null || modprobe nf_conntrack_pptp 2>/dev/null; then
	check "nf_conntrack_pptp loaded" test -d /sys/module/nf_conntrack_pptp
	R=$(pp connect k1 "$(client_ns 1)" 10.99.1.5 $PAC)
	R=$(pp connect k2 "$(client_ns 2)" "$C2" $PAC)
	R=$(pp send k1 sccrq ocrq:call=0x0c0c ocrq:call=0x0c0d)
	R=$(pp send k2 sccrq ocrq:call=0x0c0d ocrq:call=0x0c0c)
	check_eq "with nf_conntrack_pptp: client 1's calls" "$(calls k1)" "$(sess 10.99.1.5)"
	check_eq "with nf_conntrack_pptp: client 2's calls" "$(calls k2)" "$(sess "$C2")"
	for id in 0x0c0c 0x0c0d; do
		gre_both "with nf_conntrack_pptp: client 1 call $id" k1 $id 10.99.1.5
		gre_both "with nf_conntrack_pptp: client 2 call $id" k2 $id "$C2"
	done
	R=$(pp send k1 from=pac cdn:call="$(pp calls k1 | jq '.calls[0].peer')")
	check_eq "with nf_conntrack_pptp: CDN ends the call" 1 "$(nsess 10.99.1.5)"
	R=$(pp send k2 stopccrq)
else
	tap_not_ok "nf_conntrack_pptp cannot be loaded"
fi

# goes_on WHAT CONN CALL CLIENT : after its entry went (conntrack -D, flush),
# the connection's next segment is picked up in mid-stream, not parsed: an
# echo first, then a new call on it is rewritten and its GRE passes.
goes_on() {
	R=$(pp send "$2" echorq)
	check_eq "$1: the connection goes on" echorp "$(jv '.pns_got[0].type')"
	R=$(pp send "$2" "ocrq:call=$3")
	check_eq "$1: a new call on it is rewritten" \
		"$(($3)) $(jv .pac_got[0].call) $(jv .pns_got[0].call) established" "$(sess "$4")"
	gre_both "$1: its call" "$2" "$3" "$4"
}

# --- the control connection's conntrack entry deleted with live calls ---------------------
R=$(pp connect cd "$(client_ns 1)" 10.99.1.8 $PAC)
R=$(pp send cd sccrq ocrq:call=0x0d21 ocrq:call=0x0d22)
check_eq "conntrack -D: two calls up" 2 "$(pt nsess 10.99.1.8 established)"
gre_both "conntrack -D: a call's GRE" cd 0x0d21 10.99.1.8
check_eq "... its flow is tracked" 1 "$(gre_flows 10.99.1.8)"
dels=$(sess_events del 10.99.1.8)
events - >/dev/null
check "conntrack -D of the control connection" \
	nsx $NS_ROUTER conntrack -D -p tcp -s 10.99.1.8 --dport 1723
check "... ends its calls" wait_until 5 nsess_is 10.99.1.8 0
check_eq "... and their expectations" $((2 * $(nup))) "$(nexp)"
check_eq "... and their GRE flow" 0 "$(gre_flows 10.99.1.8)"
check_eq "... a session_del event for each call" "$dels" "$(sorted_events 10.99.1.8)"
# The connection goes on: its next segment makes a new entry (picked up
# mid-stream, not parsed); the helper follows the stream from there on.
goes_on "after conntrack -D" cd 0x0d23 10.99.1.8

# --- everything ends --------------------------------------------------------------------------
for c in a d g f rhead rtail k1 k2 n s rb cd; do pp close $c >/dev/null; done
check "no PPTP session left" wait_until 10 nsess_is - 0
check_eq "... also for vpnptctl" 0 "$(nsx $NS_ROUTER "$CTL" -j sessions | jq length)"
check_eq "no GRE expectation left" 0 "$(nexp)"
check "no vpnpt GRE flow left" wait_until 5 sh -c \
	"! nsx $NS_ROUTER conntrack -L -p gre 2>/dev/null | grep -q 203.0.113"
check_eq "stats: no session active" 0 "$(nsx $NS_ROUTER "$CTL" -j stats | jq .pptp.sessions_active)"

# --- vpnptctl flush with live calls ---------------------------------------------------------
R=$(pp connect fl "$(client_ns 1)" 10.99.1.12 $PAC)
R=$(pp send fl sccrq ocrq:call=0x0f0f ocrq:call=0x0f10)
check_eq "flush: two calls up on a connection" 2 "$(pt nsess 10.99.1.12 established)"
check_eq "... GRE of one of them, and its flow" "$PUBLIC true 10.99.1.12 3855 1" \
	"$(pt gre fl 0x0f0f) $(gre_flows 10.99.1.12)"
n=$(nsess)
dels=$(sess_events del 10.99.1.12)
events - >/dev/null
check_eq "vpnptctl flush pptp: the live PPTP calls flushed" "2 $n" \
	"$n $(nsx $NS_ROUTER "$CTL" -j flush pptp | jq .flushed)"
check_eq "... no session left" 0 "$(nsess)"
check_eq "... no expectation left" 0 "$(nexp)"
check "... no vpnpt GRE flow left" wait_until 5 sh -c \
	"! nsx $NS_ROUTER conntrack -L -p gre 2>/dev/null | grep -q 203.0.113"
check_eq "... a session_del event for each call" "$dels" "$(sorted_events 10.99.1.12)"
# A flush also deletes the PPTP conntrack entries: as after conntrack -D,
# the connection's next segment is picked up in mid-stream.
goes_on "after the flush" fl 0x0f11 10.99.1.12
R=$(pp close fl)
check "... which ends with its connection" wait_until 10 nsess_is - 0

# --- the pptp switch off with live calls, and on again ------------------------------------
R=$(pp connect w1 "$(client_ns 1)" 10.99.1.13 $PAC)
R=$(pp connect w2 "$(client_ns 1)" 10.99.1.14 $PAC)
R=$(pp send w1 sccrq ocrq:call=0x0e11 ocrq:call=0x0e12)
R=$(pp send w2 sccrq ocrq:call=0x0e11)
check_eq "switch: three calls up on two connections" 3 "$(nup)"
gre_both "switch: a call's GRE before" w1 0x0e11 10.99.1.13
dels=$(sess_events del 10.99.1.13)
events - >/dev/null
d0=$(pt stat dropped_disabled)
check "vpnptctl disable pptp with live calls" nsx $NS_ROUTER "$CTL" disable pptp
check_eq "pptp off: no session left" 0 "$(nsess)"
check_eq "... no expectation left" 0 "$(nexp)"
check_eq "... no GRE flow left" "0 0" "$(gre_flows 10.99.1.13) $(gre_flows 10.99.1.14)"
check_eq "... a session_del event for each call" "$dels" "$(sorted_events 10.99.1.13)"
check_eq "... GRE of a call that was up reaches neither end" "None false None None" \
	"$(pt gre w1 0x0e11)"
# The client's GRE is forwarded, so dropped and counted; the server's, to
# the public address with no NAT mapping left, is the router's own.
check_eq "... the client's GRE counted as dropped" $((d0 + 1)) "$(pt stat dropped_disabled)"
check "vpnptctl enable pptp" nsx $NS_ROUTER "$CTL" enable pptp
R=$(pp connect w3 "$(client_ns 1)" 10.99.1.15 $PAC)
R=$(pp send w3 sccrq ocrq:call=0x0e13)
check_eq "pptp on again: a new connection's call is up, as both ends see it" \
	"$(calls w3)" "$(sess 10.99.1.15)"
gre_both "pptp on again" w3 0x0e13 10.99.1.15
R=$(pp close w3)
check "... and ends with its connection" wait_until 10 nsess_is - 0
check_eq "... leaving no expectation" 0 "$(nexp)"

# --- idle timeout: a call without GRE for timeout-pptp ends, its connection not --------------
R=$(pp connect it "$(client_ns 3)" "$C3" $PAC)
R=$(pp send it sccrq ocrq:call=0x1a01)
check_eq "idle: a call up" "$(calls it)" "$(sess "$C3")"
dels=$(sess_events del "$C3")
events - >/dev/null
check "vpnptctl set timeout-pptp 10" nsx $NS_ROUTER "$CTL" set timeout-pptp 10
check "idle: the call ends after timeout-pptp" wait_until 30 nsess_is "$C3" 0
check_eq "... with a session_del event" "$dels" "$(sorted_events "$C3")"
check "vpnptctl set timeout-pptp 600" nsx $NS_ROUTER "$CTL" set timeout-pptp 600
goes_on "after the idle timeout" it 0x1a02 "$C3"
R=$(pp close it)
check "... which ends with its connection" wait_until 10 nsess_is - 0
check "tool ran without errors" test ! -s "$D/tool.err"
vpnpt_teardown >/dev/null
check "rmmod vpnpt (no reference left behind)" wait_until 20 rmmod vpnpt
diag "time in the tool: $(awk '{s += $1} END {printf "%.1f", s / 1e6}' "$D/tool.log") s of $SECONDS s"
sort -rn "$D/tool.log" | head -8 | cut -c1-150 | sed 's/^/#   /'
[ -s "$D/tool.err" ] && sed 's/^/#   /' "$D/tool.err" | head -20
tap_done
