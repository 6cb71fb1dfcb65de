#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one or more packets of a VPN protocol, for selftests.

  vpnpt_pkt.py DST KIND[:COUNT[:FIRST]] ...
  vpnpt_pkt.py batch      the same arguments from stdin, one send per line

Batch mode saves starting python for every send, which in a TCG guest takes
seconds: each line is answered, once its packets are sent, with one line
"0 sent N" (or "2 ERROR").

KIND: pptp (TCP SYN to 1723; no listener needed), gre1 (enhanced GRE, as
PPTP uses), gre0 (plain GRE), l2tp (UDP to 1701), ike (UDP to 500), natt
(UDP to 4500), esp (IP 50), ah (IP 51), udp (UDP to 7777, not VPN).
FIRST (esp only): the first packet's SPI (default 0x1000), one more each.
"""
import socket
import struct
import sys


def raw(dst, proto, payload):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
    s.sendto(payload, (dst, 0))
    s.close()


def udp(dst, port, payload):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.sendto(payload, (dst, port))
    s.close()


def tcp_syn(dst, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect((dst, port))
    except (BlockingIOError, OSError):
        pass
    s.close()


def send(dst, kind, i, first=None):
    if kind == "pptp":
        tcp_syn(dst, 1723)
    elif kind == "gre1":
        # Flags: K (key present), version 1; protocol PPP; payload length,
        # call id; sequence number.
        raw(dst, 47, struct.pack(">HHHHI", 0x3001, 0x880B, 0, 0x1234, i))
    elif kind == "gre0":
        raw(dst, 47, struct.pack(">HH", 0x0000, 0x0800) + b"\x45" + b"\0" * 19)
    elif kind == "l2tp":
        udp(dst, 1701, struct.pack(">HHH", 0x0002, 1, 1) + b"data")
    elif kind == "ike":
        udp(dst, 500, struct.pack(">QQBBBBII", 0x1122334455667788 + i, 0,
                                  33, 0x20, 34, 0x08, 0, 28))
    elif kind == "natt":
        udp(dst, 4500, b"\xff")
    elif kind == "esp":
        raw(dst, 50, struct.pack(">II", (0x1000 if first is None else first) + i,
                                 i + 1) + b"\0" * 16)
    elif kind == "ah":
        raw(dst, 51, struct.pack(">BBHII", 59, 4, 0, 0x2000 + i, i + 1) + b"\0" * 12)
    elif kind == "udp":
        udp(dst, 7777, b"x")
    else:
        raise ValueError("unknown kind " + kind)


def send_all(dst, specs):
    """Send KIND[:COUNT] specs in order; returns the number of packets."""
    n = 0
    for spec in specs:
        kind, _, count = spec.partition(":")
        count, _, first = count.partition(":")
        for i in range(int(count or 1)):
            send(dst, kind, i, int(first, 0) if first else None)
            n += 1
    return n


def batch():
    while True:
        line = sys.stdin.readline()
        if not line:
            break
        try:
            words = line.split()
            print(0, "sent", send_all(words[0], words[1:]), flush=True)
        except Exception as e:  # a bad line must not end the batch
            print(2, "vpnpt_pkt.py: bad request %r: %r" % (line.strip(), e),
                  flush=True)


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "batch":
        batch()
        return
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    try:
        send_all(sys.argv[1], sys.argv[2:])
    except ValueError as e:
        sys.exit("vpnpt_pkt.py: " + str(e))


if __name__ == "__main__":
    main()
