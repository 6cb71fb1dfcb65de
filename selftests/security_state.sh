#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Only the traffic vpnpt exists for creates state (issue #13, item 2;
# docs/security.md): forwarded flows of LAN clients.
#
#   c1 (victim: a manually keyed ESP tunnel, and IKE) --+
#   c2 (attacker on the LAN: spoofed sources) ----------+-- br0 [router] wan --- [server]
#                                                          vpnptctl setup        server, and
#                                                          cap: 100 sessions     internet hosts
#                                                                                203.0.113.100-109
#
#   - 200 IKE_SA_INIT datagrams (200 flows, 10 addresses) from the internet
#     to the router's own UDP 500 (it runs no IKE) create no session, and
#     the victim's IKE and ESP tunnel come up afterwards and pass traffic;
#   - (table flushed) IKE the router sends itself, with a hand-written ruleset attaching
#     the helper in output, creates no session;
#   - (table flushed) 300 ESP packets from c2 with source addresses the LAN does not route
#     (150 unrouted, 150 of the WAN's subnet) create nothing, and the
#     victim's rekeyed SA comes up and passes traffic afterwards.
# With the cap at 100, each flood fills the namespace's table when the
# module makes state for it, and the victim's new SA is then refused.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd nft python3 ip ping jq conntrack
N=2
. "$SELFTESTS_DIR/tools/ipsec_lib.sh"
R=$NS_ROUTER
C1=$(client_addr 1)

tunnel_states 1 0
tunnel_policies 1
vpnpt_load || { tap_not_ok "load"; tap_done; }
vpnpt_setup || { tap_not_ok "vpnptctl setup"; tap_done; }
srv_start r $R $NL batch
srv r set max_sessions=100 >/dev/null

# "proto client" of every session, sorted and counted.
sessions() { srv r dump-sessions | jq -r '.[] | "\(.proto) \(.client)"' | sort | uniq -c |
	awk '{ printf "%s%s %s x%s", sep, $2, $3, $1; sep = ", " }'; }
victim_pings() { # how many of 3 echoes come back through c1's tunnel
	nsx "$(client_ns 1)" ping -c3 -i0.2 -W2 -I "$(inner 1)" $INNER_S |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}

# --- from the internet, to the router's own address ---------------------------
for ((a = 100; a < 110; a++)); do
	nsx $NS_SERVER ip addr add 203.0.113.$a/$WAN_PREFIX dev wan
done
# Unanswered UDP entries would expire (30 s) while a slow guest sends.
nsx $R sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600
for ((a = 100; a < 110; a++)); do
	nsx $NS_SERVER $TOOL send-ike $PUB init --count 20 --new-socket --src 203.0.113.$a
done
check_eq "200 IKE_SA_INIT to the router's own UDP 500 came in as 200 flows" "200" \
	"$(nsx $R conntrack -L -p udp --dport 500 -d $PUB 2>/dev/null | grep -c .)"
check_eq "... and created no session" "" "$(sessions)"
check_eq "... none counted as created or refused" "0 0" \
	"$(srv r get-stats "|" stats.ike.sessions_created stats.ike.sessions_refused)"
nsx "$(client_ns 1)" $TOOL send-ike $SRV init --count 1
victim_ike() { sessions | grep -q "ike $C1 x1"; }
check "the victim's IKE gets its session afterwards" wait_until 5 victim_ike
check "the victim's ESP tunnel comes up afterwards" tunnel_up 1
check_eq "the victim: 3 of 3 echoes through the tunnel" "3" "$(victim_pings)"
check_eq "the victim's sessions, nobody else's" "esp $C1 x1, ike $C1 x1" "$(sessions)"

# --- from the router itself, with a helper attached in output -----------------
# Each part starts from an empty table, so each attack counts on its own.
check_eq "flushed" "2" "$(srv r flush "|" flushed)"
nsx $R nft -f - <<-END
	table ip vpnpt_test_own {
		ct helper ike { type "vpnpt-ike" protocol udp; }
		chain out {
			type filter hook output priority 0; policy accept;
			udp dport 500 ct helper set "ike"
		}
	}
END
nsx $R $TOOL send-ike $SRV init --count 20 --new-socket
check_eq "20 IKE flows the router itself starts create no session" "" "$(sessions)"
nsx $R nft delete table ip vpnpt_test_own

# --- from the LAN, with sources the LAN does not route --------------------------
srv r flush >/dev/null
nsx "$(client_ns 2)" $TOOL send-esp $SRV --spi 0x30000000 --vary --count 150 \
	--src 198.51.100.1 --vary-src
nsx "$(client_ns 2)" $TOOL send-esp $SRV --spi 0x31000000 --vary --count 150 \
	--src 203.0.113.120 --vary-src
check_eq "300 spoofed ESP flows from the LAN created nothing" "" "$(sessions)"
check_eq "... nor were they counted as sessions refused" "0" \
	"$(srv r get-stats "|" stats.esp.sessions_refused)"
tunnel_states 1 1
check "the victim's rekeyed SA comes up afterwards" tunnel_up 1
check_eq "the victim: 3 of 3 echoes through the new SA" "3" "$(victim_pings)"
check_eq "the victim's new SA has its session" "1" \
	"$(srv r dump-sessions | jq --arg s "$(spi_x 1 1)" '[.[] | select(.spi_out == $s)] | length')"

tap_done
