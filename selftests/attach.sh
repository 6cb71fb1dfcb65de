#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# attach-helpers (vpnptctl setup): the module gives its helpers to the new
# connections of their ports itself, with no nftables rule.
#
#   c1 10.99.0.11 ---- router (no NAT, no ct rule at first) ---- server 203.0.113.2
#                      attach-helpers on/off                     drops all: no
#                                                                RST ends an entry
#
# Each case sends a connection's first packet from c1 and reads the helper
# of its conntrack entry in the router:
#   - TCP 1723, UDP 1701, 500, 4500 get vpnpt-pptp, -l2tp, -ike, -natt; other
#     ports none; even with no NAT and no ct rule in the namespace (the
#     option brings conntrack with it);
#   - a connection an admin's rule gave a helper keeps it;
#   - off: new connections get none (with no NAT: are not tracked), those
#     that have one keep it;
#   - a new namespace takes the initial namespace's setting;
#   - rmmod and namespace deletion with the option on.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
CTL=$VPNPT_TOP/build/vpnptctl
[ -x "$CTL" ] || skip "no $CTL (make tool)"
require_cmd nft conntrack python3
vpnpt_unload
on_exit vpnpt_unload
topo_create 1 || { tap_not_ok "topology"; tap_done; }
C1=$(client_ns 1)
nsx $NS_SERVER nft add table ip sink
nsx $NS_SERVER nft add chain ip sink in '{ type filter hook input priority 0; policy drop; }'
# No NAT: nothing but vpnpt asks for conntrack in the router's namespace.
nsx $NS_ROUTER nft delete table ip vpnpt_test_nat
# (nf_tables lets go of conntrack in a work item after the commit)
sleep 1
vpnpt_load || { tap_not_ok "load"; tap_done; }
ctl() { nsx $NS_ROUTER "$CTL" "$@"; }
attach() { ctl -j status | python3 -c 'import json, sys; print(json.load(sys.stdin).get("attach_helpers"))'; }

# first PROTO PORT SPORT : a connection's first packet, c1 to the server
first() {
	nsx "$C1" python3 - "$@" <<-'END'
		import socket, sys
		proto, port, sport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
		kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
		s = socket.socket(socket.AF_INET, kind)
		s.bind(("", sport))
		if proto == "tcp":
		    s.setblocking(False)
		    try:
		        s.connect(("203.0.113.2", port))
		    except BlockingIOError:
		        pass
		else:
		    s.sendto(b"x" * 40, ("203.0.113.2", port))
	END
}
# helper_of PROTO PORT SPORT : the helper of that connection ("none" if it
#   has none, "" if the router has no entry)
helper_of() {
	local line
	line=$(nsx $NS_ROUTER conntrack -L -p "$1" --dport "$2" --sport "$3" 2>/dev/null | head -1)
	[ -n "$line" ] || return 0
	case $line in
	*helper=*) echo "${line##*helper=}" | cut -d' ' -f1 ;;
	*) echo none ;;
	esac
}
# sent PROTO PORT SPORT : send a first packet, then that connection's helper
sent() {
	first "$@"
	wait_until 5 test -n "$(helper_of "$@")"
	helper_of "$@"
}
# untracked PROTO PORT SPORT : a first packet makes no entry (a second to
#   let it show, had it made one: the router forwards it at once)
untracked() {
	first "$@"
	sleep 1
	test -z "$(helper_of "$@")"
}

check_eq "after load: attach-helpers off" "False" "$(attach)"
check "off: TCP 1723 is not tracked (nothing asked for conntrack)" untracked tcp 1723 40001
check "vpnptctl setup" ctl setup
check_eq "setup: attach-helpers on" "True" "$(attach)"
check_fail "... and no nftables table" nsx $NS_ROUTER nft list table ip vpnpt
check_eq "TCP 1723: vpnpt-pptp" "vpnpt-pptp" "$(sent tcp 1723 40002)"
check_eq "UDP 1701: vpnpt-l2tp" "vpnpt-l2tp" "$(sent udp 1701 40003)"
check_eq "UDP 500: vpnpt-ike" "vpnpt-ike" "$(sent udp 500 40004)"
check_eq "UDP 4500: vpnpt-natt" "vpnpt-natt" "$(sent udp 4500 40005)"
check_eq "UDP 501: none" "none" "$(sent udp 501 40006)"
check_eq "TCP 1701: none (the port of another protocol)" "none" "$(sent tcp 1701 40007)"
check_eq "UDP 1723: none" "none" "$(sent udp 1723 40008)"

# An admin's rule before the option's hook (after conntrack) wins.
nsx $NS_ROUTER nft -f - <<-END
	table ip admin {
		ct helper other { type "vpnpt-natt" protocol udp; }
		chain pre {
			type filter hook prerouting priority -150; policy accept;
			udp dport 500 ct state new ct helper set "other"
		}
	}
END
check_eq "a connection the admin's rule gave a helper keeps it" "vpnpt-natt" \
	"$(sent udp 500 40009)"
nsx $NS_ROUTER nft delete table ip admin

check_eq "TCP 1723 again: vpnpt-pptp" "vpnpt-pptp" "$(sent tcp 1723 40014)"
check "set attach-helpers off" ctl set attach-helpers off
check_eq "off: the connection that had one keeps it" "vpnpt-pptp" "$(helper_of tcp 1723 40014)"
check "off: UDP 500 is not tracked (the option took conntrack with it)" \
	untracked udp 500 40010

# Conntrack is the NAT's as well now: on and off again with NAT in place.
nsx $NS_ROUTER nft -f - <<-END
	table ip vpnpt_test_nat {
		chain postrouting {
			type nat hook postrouting priority srcnat; policy accept;
			oifname "wan" masquerade
		}
	}
END
check "setup" ctl setup
# (up to 5.19 source NAT looked the helper up again, and dropped ours)
check_eq "with NAT: TCP 1723 gets vpnpt-pptp" "vpnpt-pptp" "$(sent tcp 1723 40011)"
check_eq "with NAT: UDP 500 gets vpnpt-ike" "vpnpt-ike" "$(sent udp 500 40015)"
check "teardown" sh -c "ip netns exec $NS_ROUTER '$CTL' teardown >/dev/null"
check_eq "with NAT, after teardown: TCP 1723 gets none" "none" "$(sent tcp 1723 40012)"

# New namespaces take the initial namespace's setting.
check "attach-helpers on in the initial namespace" "$CTL" set attach-helpers on
ip netns add vpnpt_attach_new
on_exit "ip netns del vpnpt_attach_new 2>/dev/null"
check_eq "a namespace made now starts with it on" "True" \
	"$(ip netns exec vpnpt_attach_new "$CTL" -j status | python3 -c 'import json, sys; print(json.load(sys.stdin)["attach_helpers"])')"
check_eq "the router's namespace keeps its own (off)" "False" "$(attach)"
check "... off again in the initial namespace" "$CTL" set attach-helpers off

# Going away with the option on: the namespace, then the module.
check "setup" ctl setup
check "a namespace with attach-helpers on is deleted" ip netns del vpnpt_attach_new
check "rmmod vpnpt with attach-helpers on in the router's namespace" wait_until 20 rmmod vpnpt
check_eq "after rmmod: the router still tracks connections (the NAT's)" "none" \
	"$(sent udp 9 40013)"
tap_done
