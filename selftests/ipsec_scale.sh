#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Many raw-ESP clients behind one address: a packet tool plays K clients
# (K distinct LAN addresses, made local in one namespace by an AnyIP route,
# sent from with a raw IP_HDRINCL socket), a reflector on the server answers
# each client's SPI x with its own SPI x + 0x40000000:
#
#   [cs]       10.99.0.250 --- br0 [router] wan 203.0.113.1 ---- 203.0.113.2 [server]
#    clients 10.100.0.1 ..      route 10.100/16 via .250             reflector
#    (local 10.100.0.0/16)      masquerade
#
# Every reply reaches exactly its client, and the session dump (paged
# netlink dump) lists every client's SA with its exact SPIs. Then flush and
# rmmod with all of them live. K = 1000, or 10000 with VPNPT_LONG=1.
. "$(dirname "$0")/lib.sh"

vpnpt_require_root
require_cmd nft python3 ip
NL="python3 $SELFTESTS_DIR/tools/vpnpt_nl.py"
TOOL="python3 $SELFTESTS_DIR/tools/ipsec_tool.py"
if [ "${VPNPT_LONG:-0}" = 1 ]; then K=10000; else K=1000; fi
K=${VPNPT_SCALE_CLIENTS:-$K}
NS_CS=${NS_PREFIX}cs
MAP=0x40000000
SPI_BASE=0x10000000

vpnpt_unload
on_exit vpnpt_unload
topo_create 0 || { tap_not_ok "topology"; tap_done; }
topo_add_many $NS_CS || { tap_not_ok "topology"; tap_done; }
vpnpt_load || { tap_not_ok "load"; tap_done; }
# One conntrack entry per client: the default limit of a 1 GB guest (8192)
# would make conntrack evict clients' entries.
ct_max=$(sysctl -n net.netfilter.nf_conntrack_max)
on_exit sysctl -qw net.netfilter.nf_conntrack_max=$ct_max
[ "$ct_max" -ge $((2 * K)) ] || sysctl -qw net.netfilter.nf_conntrack_max=$((2 * K + 1024))

ns_bg $NS_SERVER reflector $TOOL reflect --map $MAP --seconds 60
wait_until 10 grep -q listening "$VPNPT_LOGDIR/reflector.log"

start=$SECONDS
out=$(nsx $NS_CS $TOOL scale --first 10.100.0.1 --count $K --server $SERVER_WAN \
	--spi-base $SPI_BASE --map $MAP --window 8 --rounds 2)
rc=$?
diag "scale: $out ($((SECONDS - start)) s)"
check_eq "$K clients: every reply reached exactly its client, twice" "0" "$rc" ||
	diag "esp stats: $(nsx $NS_ROUTER $NL get-stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["esp"])')"

dump_check() {
	nsx $NS_ROUTER $NL dump-sessions esp | python3 -c '
import ipaddress, json, sys
k, base, m = int(sys.argv[1]), int(sys.argv[2], 0), int(sys.argv[3], 0)
first = int(ipaddress.IPv4Address("10.100.0.1"))
want = {(str(ipaddress.IPv4Address(first + i)), "0x%08x" % (base + i),
         "0x%08x" % (base + i + m)) for i in range(k)}
d = json.load(sys.stdin)
got = [(s["client"], s["spi_out"], s["spi_in"]) for s in d]
zones = {s["zone"] for s in d}
print(len(got), len(set(got)), set(got) == want, len(zones))' $K $SPI_BASE $MAP
}
check_eq "session dump: $K SAs, each client exact, each its own zone" \
	"$K $K True $K" "$(dump_check)"
check_eq "sessions_active gauge" "$K" "$(nsx $NS_ROUTER $NL get-stats | python3 -c '
import json, sys; print(json.load(sys.stdin)["stats"]["esp"]["sessions_active"])')"
check "rmmod with $K live SAs" rmmod vpnpt
check "reload and relearn" vpnpt_load
out=$(nsx $NS_CS $TOOL scale --first 10.100.0.1 --count $((K < 500 ? K : 500)) --server $SERVER_WAN \
	--spi-base $SPI_BASE --map $MAP --window 8 --rounds 1)
check_eq "after reload the clients bind again" "0" "$?"
flushed=$(nsx $NS_ROUTER $NL flush esp | python3 -c 'import json,sys; print(json.load(sys.stdin)["flushed"])')
check_eq "flush removes them all" "$((K < 500 ? K : 500))" "$flushed"

tap_done
