#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Steady traffic of every VPN protocol, for vpnpt's stress tests.

  vpnpt_flood.py DST [--kinds K,K...] [--flows N] [--pause S] [--fresh]
                     [--stop-when FILE] [--seconds S]

Sends round after round, one packet of each kind per round, until FILE
exists (or S seconds have passed, or SIGTERM), pausing S seconds between
rounds. The packets are ones that make vpnpt state when a helper or hook
sees them: each kind cycles through N flows, so state that a flush, a switch
or rmmod removed is made again by the next round:

  esp   raw ESP (IP 50), SPI 0x5a000000 + flow (an outbound SA)
  ike   IKE_SA_INIT request from UDP 500, initiator SPI by flow
  natt  the same on UDP 4500 after the non-ESP marker, from UDP 4500
  l2tp  SCCRQ from UDP 1701 (tunnel id by flow)
  pptp  TCP SYN to 1723 (no listener needed), a non-blocking connect
  gre1  enhanced GRE (PPTP's), key by flow
  ah    AH (IP 51), SPI by flow
  udp   UDP to 7777 (not VPN)

IKE, NAT-T and L2TP are sent from UDP 500, 4500 and 1701; with --fresh from
a new ephemeral port every round instead, so every round is a new conntrack
entry (one that gets a helper even after a module reload).

Errors (no route while a namespace is being rebuilt, a full socket buffer)
are counted, never fatal. At the end it prints one JSON line:
{"rounds": R, "sent": {"esp": N, ...}, "errors": E}.
"""
import argparse
import json
import os
import signal
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vpnpt_l2tp  # noqa: E402

KINDS = ["esp", "ike", "natt", "l2tp", "pptp", "gre1", "ah", "udp"]
stop = False


def on_term(*_):
    global stop
    stop = True


def udp_sock(sport):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("0.0.0.0", sport))
    except OSError:
        pass  # the port is taken: an ephemeral one is still traffic
    s.setblocking(False)
    return s


def ike_init(flow):
    return struct.pack(">QQBBBBII", 0x5a00000000000000 + flow + 1, 0, 33, 0x20,
                       34, 0x08, 0, 28)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("dst")
    p.add_argument("--kinds", default=",".join(KINDS))
    p.add_argument("--flows", type=int, default=4)
    p.add_argument("--pause", type=float, default=0.01)
    p.add_argument("--fresh", action="store_true")
    p.add_argument("--stop-when")
    p.add_argument("--seconds", type=float)
    a = p.parse_args()
    kinds = a.kinds.split(",")
    for k in kinds:
        if k not in KINDS:
            sys.exit("vpnpt_flood.py: unknown kind " + k)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)

    raw = {}
    for proto in (47, 50, 51):
        raw[proto] = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
        raw[proto].setblocking(False)
    ike, natt, l2tp = udp_sock(500), udp_sock(4500), udp_sock(1701)
    other = udp_sock(0)
    dst = a.dst
    sent = {k: 0 for k in kinds}
    errors = 0
    rounds = 0
    end = time.monotonic() + a.seconds if a.seconds else None

    def one(kind, flow, seq):
        if kind == "esp":
            raw[50].sendto(struct.pack(">II", 0x5a000000 + flow, seq) +
                           bytes(16), (dst, 0))
        elif kind == "ike":
            ike.sendto(ike_init(flow), (dst, 500))
        elif kind == "natt":
            natt.sendto(bytes(4) + ike_init(flow), (dst, 4500))
        elif kind == "l2tp":
            tid = 0x5a00 + flow + 1
            l2tp.sendto(vpnpt_l2tp.ctrl(0, vpnpt_l2tp.SCCRQ,
                                        vpnpt_l2tp.sccrq_avps(tid)), (dst, 1701))
        elif kind == "pptp":
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            try:
                s.connect((dst, 1723))
            except BlockingIOError:
                pass
            finally:
                s.close()
        elif kind == "gre1":
            raw[47].sendto(struct.pack(">HHHHI", 0x3001, 0x880B, 0,
                                       0x5a00 + flow, seq), (dst, 0))
        elif kind == "ah":
            raw[51].sendto(struct.pack(">BBHII", 59, 4, 0, 0x5b000000 + flow,
                                       seq) + bytes(12), (dst, 0))
        elif kind == "udp":
            other.sendto(b"x", (dst, 7777))

    while not stop:
        if a.stop_when and os.path.exists(a.stop_when):
            break
        if end and time.monotonic() >= end:
            break
        flow = rounds % a.flows
        if a.fresh:
            for sk in (ike, natt, l2tp):
                sk.close()
            ike, natt, l2tp = udp_sock(0), udp_sock(0), udp_sock(0)
        for k in kinds:
            try:
                one(k, flow, rounds + 1)
                sent[k] += 1
            except OSError:
                errors += 1
        rounds += 1
        if a.pause:
            time.sleep(a.pause)
    print(json.dumps({"rounds": rounds, "sent": sent, "errors": errors},
                     sort_keys=True), flush=True)


if __name__ == "__main__":
    main()
