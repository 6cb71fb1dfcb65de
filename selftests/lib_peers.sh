#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real VPN peers for the demo and the selftests, sourced after lib.sh and
# topo_create. Every daemon runs in its namespace with its own /run (ip netns
# exec gives each command a private mount namespace) and its files under
# $VPNPT_LOGDIR, so several clients of one kind coexist.
#
#   PPTP    pptpd on the server (ppp 192.168.77.1, peers .11-.99);
#           pppd + pptp-linux clients
#   L2TP    xl2tpd LNS on the server (ppp 192.168.78.1, peers .10-.20);
#           xl2tpd LACs
#   IPsec   libreswan: one pluto on the server (address $PEERS_IPSEC_SERVER),
#           one per client; IKEv2, PSK, tunnel mode between 10.210.I.1
#           (client I) and 10.211.0.1, NAT-T off so raw ESP crosses the NAT
#   L2TP/IPsec  the Windows-style setup: pluto on the server
#           ($PEERS_IPSEC_SERVER) with an IKEv1 PSK transport-mode conn for
#           UDP 1701 from anyone, NAT-T as negotiated; per client a pluto
#           with the matching conn; xl2tpd LNS/LAC as above on that address

# No ip-up and ip-down scripts (a path that does not exist: pppd skips it
# quietly): Debian's run some 25 processes a call, each slow to start on a
# debug kernel, and do nothing the tests need.
PEERS_PPP_OPTS="noauth nobsdcomp nodeflate noccp novj novjccomp nodefaultroute"
PEERS_PPP_OPTS="$PEERS_PPP_OPTS ip-up-script /nonexistent/ip-up ip-down-script /nonexistent/ip-down"
# pppd's LCP restart timer (default 3 s; it gives up after 10 Configure-Requests).
# A debug kernel under a loaded TCG host can take longer than those 30 s to
# start the PPTP server's pppd for three calls at once: stretched there.
PEERS_LCP_RESTART=$((3 * ${VPNPT_TIME_SCALE:-1}))
PEERS_IPSEC_SERVER=203.0.113.5
PEERS_PSK=vpnpt-peers-psk
_PLUTO=/usr/libexec/ipsec/pluto
_WHACK=/usr/libexec/ipsec/whack
_ADDCONN=/usr/libexec/ipsec/addconn

# The kernel's AES-GCM is built (and self-tested) when the first SA uses it:
# under TCG that took 15 s inside a pluto's first Child SA, which its peer
# had meanwhile given up on. A throwaway SA in a throwaway namespace builds it.
peers_modules() {
	modprobe -a ppp_generic ppp_async esp4 xfrm_user gcm ctr ghash_generic 2>/dev/null
	ip netns add vpnpt-warm 2>/dev/null || return 0
	ip -n vpnpt-warm xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x100 \
		mode tunnel aead 'rfc4106(gcm(aes))' 0x$(printf '%072d' 0) 128 2>/dev/null
	ip netns del vpnpt-warm
}

# --- PPTP ------------------------------------------------------------------------
pptp_server_start() {
	local d=$VPNPT_LOGDIR
	printf 'option %s\nlocalip 192.168.77.1\nremoteip 192.168.77.11-99\n' \
		"$d/pptpd-options" >"$d/pptpd.conf"
	printf '%s\nname pptpd\nlcp-echo-interval 5\nlcp-echo-failure 6\nlcp-restart %s\n' \
		"$(echo $PEERS_PPP_OPTS | tr ' ' '\n')" "$PEERS_LCP_RESTART" >"$d/pptpd-options"
	ns_bg $NS_SERVER pptpd sh -c "mount -t tmpfs none /run && mkdir -p /run/pptp &&
		exec pptpd -f -c $d/pptpd.conf -p /run/pptpd.pid"
	wait_until 10 nsx $NS_SERVER sh -c "ss -ltn | grep -q ':1723 '"
}

pptp_client_start() { # I
	ns_bg "$(client_ns "$1")" "pppd-c$1" sh -c "mount -t tmpfs none /run && mkdir -p /run/pptp &&
		exec pppd pty 'pptp $SERVER_WAN --nolaunchpppd --loglevel 1' \
		$PEERS_PPP_OPTS nodetach name c$1 remotename pptpd \
		lcp-echo-interval 5 lcp-echo-failure 6 lcp-restart $PEERS_LCP_RESTART debug"
}

# ns_procs NS COMM : pids of the processes named COMM in network namespace NS
# (the guest has one pid namespace: pidof would see every namespace's).
ns_procs() {
	local p c
	for p in $(ip netns pids "$1" 2>/dev/null); do
		c=$(<"/proc/$p/comm") 2>/dev/null || continue
		[ "$c" = "$2" ] && echo "$p"
	done
}

pptp_client_stop() { # I : pppd hangs up; pptp sends CCRQ and StopCCRQ
	local p
	for p in $(ns_procs "$(client_ns "$1")" pppd); do kill -TERM "$p" 2>/dev/null; done
	true
}
pptp_client_gone() { [ -z "$(ns_procs "$(client_ns "$1")" pppd)" ]; } # I

# A ppp link with an address of NET (77: PPTP, 78: L2TP) is up in client I.
ppp_up() { # I [NET]
	nsx "$(client_ns "$1")" ip -4 addr show 2>/dev/null | grep -q "inet 192.168.${2:-77}\."
}

# ppp_up, and the link is usable: its peer route is in place.
ppp_ready() { # I [NET]
	ppp_up "$@" &&
		nsx "$(client_ns "$1")" ip -4 route show dev ppp0 2>/dev/null | grep -q "^192\.168\.${2:-77}\."
}

# --- L2TP ------------------------------------------------------------------------
_l2tp_ppp_options() { # FILE [EXTRA...]
	local f=$1
	shift
	printf '%s\n' $PEERS_PPP_OPTS nodetach "mtu 1400" "mru 1400" "lcp-echo-interval 0" "$@" >"$f"
}

_xl2tpd_start() { # NAME NS
	local d=$VPNPT_LOGDIR
	ns_bg "$2" "$1" sh -c "mount -t tmpfs tmpfs /run && mkdir -p /run/lock /run/xl2tpd &&
		exec xl2tpd -D -c $d/$1.conf -p $d/$1.pid -C $d/$1.control"
}

l2tp_server_start() { # [ADDRESS] : listen there (default $SERVER_WAN)
	local d=$VPNPT_LOGDIR
	_l2tp_ppp_options "$d/lns.ppp"
	cat >"$d/lns.conf" <<-END
		[global]
		listen-addr = ${1:-$SERVER_WAN}
		port = 1701
		access control = no
		force userspace = yes

		[lns default]
		ip range = 192.168.78.10-192.168.78.20
		local ip = 192.168.78.1
		require authentication = no
		refuse pap = yes
		refuse chap = yes
		hidden bit = no
		length bit = yes
		name = vpnpt-lns
		pppoptfile = $d/lns.ppp
	END
	_xl2tpd_start lns $NS_SERVER
	wait_until 10 nsx $NS_SERVER sh -c 'ss -lun | grep -q ":1701 "'
}

# l2tp_client_start I [LNS [PORT]] : client I's LAC dials LNS (default
# $SERVER_WAN, port 1701) from UDP port PORT (default 1701).
l2tp_client_start() {
	local d=$VPNPT_LOGDIR
	_l2tp_ppp_options "$d/lac$1.ppp" ipcp-accept-local ipcp-accept-remote
	cat >"$d/lac$1.conf" <<-END
		[global]
		port = ${3:-1701}
		access control = no
		force userspace = yes

		[lac vpn]
		lns = ${2:-$SERVER_WAN}:1701
		autodial = yes
		redial = no
		require authentication = no
		refuse pap = yes
		refuse chap = yes
		hidden bit = no
		length bit = yes
		name = c$1
		pppoptfile = $d/lac$1.ppp
	END
	_xl2tpd_start "lac$1" "$(client_ns "$1")"
}

l2tp_client_stop() { echo "d vpn" >"$VPNPT_LOGDIR/lac$1.control"; }

# --- IPsec (libreswan) -------------------------------------------------------------
ipsec_inner() { echo "10.210.$1.1"; }
IPSEC_INNER_SERVER=10.211.0.1

_pluto_conf_server() { # N
	local i
	printf 'config setup\n'
	for ((i = 1; i <= $1; i++)); do
		printf 'conn c%s\n\tauthby=secret\n\tleft=%s\n\tleftid=@server\n' $i $PEERS_IPSEC_SERVER
		printf '\tleftsubnet=%s/32\n\tright=%%any\n\trightid=@c%s\n' $IPSEC_INNER_SERVER $i
		printf '\trightsubnet=%s/32\n\tauto=add\n' "$(ipsec_inner $i)"
		printf '\tleftupdown=/bin/true\n\tikev2=yes\n\tencapsulation=no\n'
	done
}

_pluto_conf_client() { # I
	printf 'config setup\nconn vpn\n\tauthby=secret\n\tleft=%s\n\tleftid=@c%s\n' "$(client_addr "$1")" "$1"
	printf '\tleftsubnet=%s/32\n\tright=%s\n\trightid=@server\n' "$(ipsec_inner "$1")" $PEERS_IPSEC_SERVER
	printf '\trightsubnet=%s/32\n\tauto=add\n' $IPSEC_INNER_SERVER
	printf '\tleftupdown=/bin/true\n\tikev2=yes\n\tencapsulation=no\n'
}

# pluto_start NS NAME CONF-FUNCTION [ARGS] : a pluto named NAME in NS, its
# ipsec.conf printed by CONF-FUNCTION ARGS, PSK $PEERS_PSK, all its files in
# $VPNPT_LOGDIR/swan/NAME, its log in $VPNPT_LOGDIR/pluto-NAME.log; its conns
# added (auto=add), none started. Its control socket may take long to
# appear: l2tp_ipsec starts five plutos at once, on one CPU in make check's
# 6.12 guest, where 20 s ran out once with seven guests on the host.
pluto_start() {
	local ns=$1 name=$2 d=$VPNPT_LOGDIR/swan/$2
	shift 2
	mkdir -p "$d"
	"$@" >"$d/ipsec.conf"
	echo ": PSK \"$PEERS_PSK\"" >"$d/ipsec.secrets"
	chmod 600 "$d/ipsec.secrets"
	certutil -N -d "sql:$d" --empty-password >/dev/null 2>&1 || return 1
	ns_bg "$ns" "pluto-$name" $_PLUTO --nofork --stderrlog --config "$d/ipsec.conf" \
		--rundir "$d" --nssdir "$d" --ipsecdir "$d" --secretsfile "$d/ipsec.secrets" \
		--nhelpers 1 --no-dnssec
	wait_until 60 test -S "$d/pluto.ctl" || { tail -15 "$VPNPT_LOGDIR/pluto-$name.log"; return 1; }
	nsx "$ns" $_WHACK --ctlsocket "$d/pluto.ctl" --listen >/dev/null || return 1
	nsx "$ns" $_ADDCONN --ctlsocket "$d/pluto.ctl" --config "$d/ipsec.conf" --autoall >/dev/null
}

_ipsec_server_addr() {
	nsx $NS_SERVER ip -4 addr show dev wan | grep -q "inet $PEERS_IPSEC_SERVER/" ||
		nsx $NS_SERVER ip addr add $PEERS_IPSEC_SERVER/24 dev wan
}

# ipsec_server_start N : the server, with a connection for clients 1..N
ipsec_server_start() {
	_ipsec_server_addr
	nsx $NS_SERVER ip addr add $IPSEC_INNER_SERVER/32 dev lo
	nsx $NS_SERVER ip route add 10.210.0.0/16 via $ROUTER_WAN
	pluto_start $NS_SERVER server _pluto_conf_server "$1"
}

ipsec_client_start() { # I : start its pluto and bring the tunnel up
	nsx "$(client_ns "$1")" ip addr add "$(ipsec_inner "$1")/32" dev lo
	pluto_start "$(client_ns "$1")" "c$1" _pluto_conf_client "$1" || return 1
	nsx "$(client_ns "$1")" $_WHACK --ctlsocket "$VPNPT_LOGDIR/swan/c$1/pluto.ctl" \
		--initiate --name vpn --asynchronous >/dev/null 2>&1
}

ipsec_ping() { # I : one ping through client I's tunnel
	nsx "$(client_ns "$1")" ping -c1 -W1 -q -I "$(ipsec_inner "$1")" $IPSEC_INNER_SERVER
}

# whack on the pluto named NAME (server, cI) in namespace NS
ipsec_whack() { # NS NAME ARGS...
	local ns=$1 name=$2
	shift 2
	nsx "$ns" $_WHACK --ctlsocket "$VPNPT_LOGDIR/swan/$name/pluto.ctl" "$@"
}

# --- L2TP/IPsec: L2TP in IPsec transport mode (libreswan) -----------------------------
# IKEv1 main mode with a PSK, as Windows, macOS and Android clients do; the
# transport-mode SA covers UDP 1701 of the server and the client's L2TP port.
_pluto_conf_transport() { # LEFT LEFTPORT RIGHT RIGHTPORT [OPTION...]
	printf 'config setup\n\tikev1-policy=accept\nconn l2tp\n\tauthby=secret\n'
	printf '\ttype=transport\n\tikev2=no\n\tpfs=no\n\tleftupdown=/bin/true\n'
	printf '\tleft=%s\n\tleftprotoport=17/%s\n' "$1" "$2"
	printf '\tright=%s\n\trightprotoport=17/%s\n' "$3" "$4"
	shift 4
	printf '\t%s\n' "$@"
}

# ipsec_l2tp_server_start : pluto on the server, accepting L2TP/IPsec from
# anyone (right=%any, any client port); NAT-T when the client asks for it.
ipsec_l2tp_server_start() {
	_ipsec_server_addr
	pluto_start $NS_SERVER server _pluto_conf_transport \
		$PEERS_IPSEC_SERVER 1701 %any %any auto=add
}

# ipsec_l2tp_client_prepare I [PORT [raw]] : client I's pluto with its conn
# routed (auto=route): a trap policy puts its L2TP port PORT (default 1701)
# to the server's 1701 under IPsec, so no L2TP ever leaves in clear.
# "raw": NAT-T disabled (no NAT detection payloads: raw ESP through the NAT).
ipsec_l2tp_client_prepare() {
	local opts=(auto=route)
	[ "${3:-}" = raw ] && opts+=(encapsulation=no nat-ikev1-method=none)
	pluto_start "$(client_ns "$1")" "c$1" _pluto_conf_transport \
		"$(client_addr "$1")" "${2:-1701}" $PEERS_IPSEC_SERVER 1701 "${opts[@]}"
}

ipsec_l2tp_client_initiate() { # I
	ipsec_whack "$(client_ns "$1")" "c$1" --initiate --name l2tp --asynchronous >/dev/null 2>&1
}

# ipsec_l2tp_client_start I [PORT [raw]] : both of the above
ipsec_l2tp_client_start() {
	ipsec_l2tp_client_prepare "$@" && ipsec_l2tp_client_initiate "$1"
}

# Client I's IPsec SA to the L2TP/IPsec server is up (pluto says so).
ipsec_l2tp_sa_up() { # I
	ipsec_whack "$(client_ns "$1")" "c$1" --trafficstatus 2>/dev/null | grep -q '"l2tp"'
}

# l2tp_ipsec_client_start I [PORT [raw]] : IPsec first, then the LAC through it.
l2tp_ipsec_client_start() {
	ipsec_l2tp_client_start "$1" "${2:-1701}" "${3:-}" || return 1
	wait_until 30 ipsec_l2tp_sa_up "$1" || return 1
	l2tp_client_start "$1" $PEERS_IPSEC_SERVER "${2:-1701}"
}
