#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# L2TP/IPsec with real peers, the Windows-style setup: L2TP (xl2tpd + pppd)
# inside an IPsec transport-mode SA (libreswan, IKEv1, PSK) from LAN clients
# behind the masquerading router running vpnpt, to one LNS+IPsec server.
#
#   c1 10.99.0.11 pluto, LAC port 1701 -+
#   c2 10.99.0.12 pluto, LAC port 1701 -+                       server  203.0.113.5
#   c3 10.99.0.13 pluto, LAC port 1702 -+- br0 [router] wan -- pluto: conn l2tp, IKEv1 PSK,
#   c4 10.99.0.14 pluto, no NAT-T      -+  203.0.113.1          type=transport, UDP 1701 <->
#   c5 10.99.0.15 SAs keyed by hand,   -+  masquerade,          %any any port, NAT-T if asked
#                 LAC port 1705            vpnptctl setup,      xl2tpd LNS: 203.0.113.5:1701,
#                                          nft counters         ppp 192.168.78.1
#
# In this order:
# c1: its SA uses NAT-T (ESP in UDP 4500) through the router, the PPP link
#     over L2TP comes up and passes traffic, the server's SA counters grow
#     with it, the router forwards no clear UDP 1701 from the LAN, and vpnpt
#     lists the client's IKE session with its NAT-T flow linked to it.
# c5: right after c1's Quick Mode, transport-mode SAs keyed by hand (what
#     peers without NAT-T would need), raw ESP through vpnpt: the server
#     decrypts a checksummed UDP datagram and drops it, its checksum
#     covering the client's private address (RFC 3715 2.1); xl2tpd's L2TP,
#     without UDP checksum, passes and its PPP link comes up; vpnpt binds
#     both SPIs to c5, not to c1 (NAT-T IKE is no raw-ESP evidence).
# c2: L2TP port 1701 too (every Windows client): its IKE SA comes up, but
#     the server cannot install a second transport-mode policy for the same
#     public address and port (docs/l2tp.md, "L2TP/IPsec").
# c3: another L2TP port: works beside c1.
# c4: NAT-T disabled: the server finds no connection for the transport
#     selector with the client's private address.
# Last, the natt switch off stops c1's traffic.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_peers.sh"

vpnpt_require_root
require_cmd nft python3 xl2tpd pppd certutil nstat
CTL=$VPNPT_TOP/build/vpnptctl
NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
[ -x "$CTL" ] || skip "build/vpnptctl not built (make tool)"
[ -x "$_PLUTO" ] || skip "libreswan's pluto is not installed"
peers_modules
[ -d /sys/module/ppp_generic ] || skip "no ppp modules"
vpnpt_unload
on_exit vpnpt_unload
topo_create 5 || { tap_not_ok "topology"; tap_done; }
vpnpt_load || { tap_not_ok "load"; tap_done; }
SRV=$PEERS_IPSEC_SERVER
PPP_SERVER=192.168.78.1

check "helpers attached by vpnptctl setup" vpnpt_setup
# What the router forwards from the LAN, by kind.
nsx $NS_ROUTER nft -f - <<-END
	table ip l2tpsec_count {
		counter c_l2tp {}
		counter c_natt {}
		chain forward {
			type filter hook forward priority -10; policy accept;
			iifname "br0" udp dport 1701 counter name c_l2tp
			iifname "br0" udp dport 4500 counter name c_natt
		}
	}
END
counted() { # KIND
	nsx $NS_ROUTER nft list counter ip l2tpsec_count "c_$1" | awk '/packets/ { print $2 }'
}

C5=$(client_ns 5)
# AES-CBC and HMAC-SHA1, what pluto negotiates later.
ENC=0x$(printf '%032x' 5)
AUTH=0x$(printf '%040x' 5)
xfrm_transport() { # NS SRC DST SPI SPORT DPORT DIR
	nsx "$1" ip xfrm state add src "$2" dst "$3" proto esp spi "$4" reqid "$(($4 & 0xff))" \
		mode transport enc 'cbc(aes)' $ENC auth-trunc 'hmac(sha1)' $AUTH 96 &&
		nsx "$1" ip xfrm policy add src "$2" dst "$3" proto udp sport "$5" dport "$6" \
			dir "$7" tmpl src "$2" dst "$3" proto esp reqid "$(($4 & 0xff))" mode transport
}
keyed_sas() {
	xfrm_transport "$C5" "$(client_addr 5)" $SRV 0x0c000005 1705 1701 out &&
		xfrm_transport "$C5" $SRV "$(client_addr 5)" 0x0c000006 1701 1705 in &&
		xfrm_transport $NS_SERVER $ROUTER_WAN $SRV 0x0c000005 1705 1701 in &&
		xfrm_transport $NS_SERVER $SRV $ROUTER_WAN 0x0c000006 1701 1705 out
}

# All plutos start at once (each takes seconds under emulation); clients'
# conns are routed (trap policies), nothing is initiated yet.
run_bg() { # LOG-NAME COMMAND... : its status in $VPNPT_LOGDIR/NAME.rc
	local n=$1
	shift
	("$@" >"$VPNPT_LOGDIR/$n.out" 2>&1; echo $? >"$VPNPT_LOGDIR/$n.rc") &
}
run_bg start-s ipsec_l2tp_server_start
run_bg start-c1 ipsec_l2tp_client_prepare 1
run_bg start-c2 ipsec_l2tp_client_prepare 2
run_bg start-c3 ipsec_l2tp_client_prepare 3 1702
run_bg start-c4 ipsec_l2tp_client_prepare 4 1704 raw
run_bg keyed-c5 keyed_sas
wait
for n in s c1 c2 c3 c4; do
	check "pluto started ($n)" grep -qx 0 "$VPNPT_LOGDIR/start-$n.rc" ||
		{ sed 's/^/# /' "$VPNPT_LOGDIR/start-$n.out"; tap_done; }
done
check "server: xl2tpd LNS on $SRV" l2tp_server_start $SRV

# Packets of the SA with SPI on NS's side (lifetime current: B(bytes), P(packets)).
sa_packets() { # NS SRC DST SPI
	nsx "$1" ip -s xfrm state get src "$2" dst "$3" proto esp spi "$4" |
		sed -n 's/^[[:space:]]*[0-9]*(bytes), \([0-9]*\)(packets)$/\1/p'
}
spi() { # NS SRC DST
	nsx "$1" ip -o xfrm state list src "$2" dst "$3" proto esp | sed -n 's/.* spi \(0x[0-9a-f]*\) .*/\1/p'
}

# --- client 1: NAT-T ---------------------------------------------------------------
C1=$(client_ns 1)
ipsec_l2tp_client_initiate 1
check "client 1: IPsec SA established (pluto)" wait_until 30 ipsec_l2tp_sa_up 1
check "client 1: the SA is ESP in UDP 4500 (NAT-T), transport mode" \
	sh -c "ip netns exec $C1 ip xfrm state list src $(client_addr 1) dst $SRV proto esp |
		grep -q 'mode transport' &&
		ip netns exec $C1 ip xfrm state list src $(client_addr 1) dst $SRV proto esp |
		grep -q 'encap type espinudp sport 4500 dport 4500'"
# --- client 5: raw ESP, transport-mode SAs keyed by hand ---------------------------
# The SAs peers without NAT-T would need, raw ESP through vpnpt and the
# NAT. The server sees the L2TP from the router's address: a datagram whose
# UDP checksum covers the client's private address is dropped, but xl2tpd
# sends its datagrams without UDP checksum (SO_NO_CHECK), so L2TP passes.
# It starts right after client 1's NAT-T Quick Mode, well within the 30 s
# that IKE evidence stays open: IKE over UDP 4500 is no evidence for raw
# ESP, so client 5's SPIs are bound to client 5.
csum_errors() { nsx $NS_SERVER nstat -asz UdpInCsumErrors | awk '/UdpInCsumErrors/ { print $2 }'; }
check "client 5: transport-mode SAs keyed by hand (raw ESP, port 1705)" \
	grep -qx 0 "$VPNPT_LOGDIR/keyed-c5.rc"
csum0=$(csum_errors)
nsx "$C5" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 1705))
s.sendto(b"\xc8\x02\x00\x0c\x00\x00\x00\x00\x00\x00\x00\x00", (sys.argv[2], 1701))' \
	"$(client_addr 5)" $SRV
got_esp() { [ "$(sa_packets $NS_SERVER $ROUTER_WAN $SRV 0x0c000005)" -gt 0 ]; }
check "client 5: a checksummed UDP datagram in raw ESP reaches the server's SA" wait_until 10 got_esp
check_eq "client 5: ... and the server drops it for its UDP checksum" \
	"$((csum0 + 1))" "$(csum_errors)"
esp_sas() { # CLIENT : "SPI-OUT SPI-IN" of its ESP sessions
	nsx $NS_ROUTER "$CTL" -j sessions | python3 -c '
import json, sys
d = json.load(sys.stdin)
if isinstance(d, dict):
    d = d.get("sessions", [])
print(*[s["spi_out"] + " " + s["spi_in"] for s in d if s.get("proto") == "esp" and s["client"] == sys.argv[1]])' "$1"
}
l2tp_client_start 5 $SRV 1705
check "client 5: L2TP (UDP checksum 0) over raw ESP: PPP up" wait_until 60 ppp_ready 5 78
check "client 5 pings the LNS through ppp0" nsx "$C5" ping -c 2 -W 2 -I ppp0 $PPP_SERVER
check_eq "vpnptctl: client 5's raw ESP SA, both SPIs bound" "0x0c000005 0x0c000006" \
	"$(esp_sas "$(client_addr 5)")"

# --- client 1, continued: PPP over L2TP over NAT-T -------------------------------
l2tp_client_start 1 $SRV
check "client 1: PPP over L2TP over IPsec up" wait_until 60 ppp_ready 1 78

spi_out=$(spi "$C1" "$(client_addr 1)" $SRV)
spi_in=$(spi "$C1" $SRV "$(client_addr 1)")
before="$(sa_packets $NS_SERVER $ROUTER_WAN $SRV "$spi_out") $(sa_packets $NS_SERVER $SRV $ROUTER_WAN "$spi_in")"
check "client 1 pings the LNS through ppp0" nsx "$C1" ping -c 3 -i 0.2 -W 2 -I ppp0 $PPP_SERVER
after="$(sa_packets $NS_SERVER $ROUTER_WAN $SRV "$spi_out") $(sa_packets $NS_SERVER $SRV $ROUTER_WAN "$spi_in")"
grew() { # "IN OUT" "IN OUT" : both grew by at least 3
	set -- $1 $2
	[ $# = 4 ] && [ $(($3 - $1)) -ge 3 ] && [ $(($4 - $2)) -ge 3 ]
}
check "the ping rode the server's SAs with client 1 (in, out: $before -> $after)" \
	grew "$before" "$after"
check_eq "router: no clear L2TP (UDP 1701) forwarded from the LAN" 0 "$(counted l2tp)"
check "router: NAT-T (UDP 4500) forwarded from the LAN ($(counted natt) packets)" \
	test "$(counted natt)" -gt 0

# "IKE-STATE NATT-STATE LINKED TRAFFIC" for client I's sessions to the server.
ipsec_sessions() { # I
	nsx $NS_ROUTER "$CTL" -j sessions | python3 -c '
import json, sys
d = json.load(sys.stdin)
if isinstance(d, dict):
    d = d.get("sessions", [])
c, srv = sys.argv[1], sys.argv[2]
ike = [s for s in d if s.get("proto") == "ike" and s["client"] == c and s["server"] == srv]
natt = [s for s in d if s.get("proto") == "natt" and s["client"] == c and s["server"] == srv]
if len(ike) != 1 or len(natt) != 1:
    print("%d IKE, %d NAT-T sessions" % (len(ike), len(natt)))
    sys.exit()
i, n = ike[0], natt[0]
print(i["state"], n["state"],
      "linked" if n.get("parent") == i["id"] and n["ike_spi_i"] == i["ike_spi_i"] else "unlinked",
      "traffic" if n.get("packets_out", 0) > 0 and n.get("packets_in", 0) > 0 else "idle")' \
		"$(client_addr "$1")" $SRV
}
check_eq "vpnptctl: client 1's IKE session and its NAT-T flow linked to it" \
	"established established linked traffic" "$(ipsec_sessions 1)"

# --- client 2: the same L2TP port 1701 ---------------------------------------------
# Its IKE SA comes up, but the server's policy for 203.0.113.1 UDP 1701
# belongs to client 1's SA: pluto refuses the second one.
ipsec_l2tp_client_initiate 2
check "client 2 (port 1701 too): server refuses the second identical transport policy" \
	wait_until 40 grep -q 'cannot install eroute -- it is in use for "l2tp"' \
	"$VPNPT_LOGDIR/pluto-server.log"
check_fail "client 2: no IPsec SA" ipsec_l2tp_sa_up 2
ipsec_whack "$(client_ns 2)" c2 --shutdown >/dev/null 2>&1

# --- client 3: another L2TP port, beside client 1 -----------------------------------
# Clients 3 and 4 at once: they do not compete for a policy.
ipsec_l2tp_client_initiate 3
ipsec_l2tp_client_initiate 4
check "client 3 (port 1702): IPsec SA established" wait_until 30 ipsec_l2tp_sa_up 3
l2tp_client_start 3 $SRV 1702
check "client 3: PPP over L2TP over IPsec up" wait_until 60 ppp_ready 3 78
both_ping() {
	nsx "$C1" ping -c 2 -W 2 -I ppp0 $PPP_SERVER >/dev/null &
	nsx "$(client_ns 3)" ping -c 2 -W 2 -I ppp0 $PPP_SERVER >/dev/null || { wait; return 1; }
	wait $!
}
check "clients 1 and 3 ping the LNS at the same time" both_ping
check_eq "vpnptctl: client 3's IKE session and its NAT-T flow linked to it" \
	"established established linked traffic" "$(ipsec_sessions 3)"

# --- without NAT-T: transport-mode raw ESP through the NAT --------------------------------
# Client 4, a real client with NAT-T disabled: it proposes its own (private)
# address as the transport selector and, without NAT-OA, the server has no
# connection for it.
check "client 4 (no NAT-T): server refuses the quick mode for its private address" \
	wait_until 30 grep -q "cannot respond to IPsec SA request because no connection is known .*$(client_addr 4)" \
	"$VPNPT_LOGDIR/pluto-server.log"
check_fail "client 4: no IPsec SA" ipsec_l2tp_sa_up 4

# --- natt switch off --------------------------------------------------------------------
nsx $NS_ROUTER $NL set switches=0 mask=$((1 << 5)) >/dev/null
check_fail "natt switch off: client 1's traffic stops" \
	nsx "$C1" ping -c 2 -W 1 -I ppp0 $PPP_SERVER

tap_done
