#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ESP and IKE packets for vpnpt's IPsec selftests.

  ipsec_tool.py send-esp DST --spi N [--count C] [--vary] [--len L]
                           [--src ADDR [--vary-src]] [--random]
                           [--interval S]
      raw ESP (IP 50) to DST; --vary: SPI N, N+1, ...; --len: octets of
      ESP (default 24; below 8 is truncated); --src: from ADDR (spoofed,
      IP_HDRINCL), --vary-src: from ADDR, ADDR+1, ...; --random: a random
      SPI (256 and up) each packet; --interval: S seconds between packets
  ipsec_tool.py send-ike DST KIND [--count C] [--sport P] [--natt]
                           [--src ADDR] [--new-socket]
      UDP to DST port 500 (4500 with --natt, after the non-ESP marker);
      --src: from local address ADDR; --new-socket: each message from a
      socket of its own (a new source port: a new conntrack entry each);
      KIND: init (IKE_SA_INIT request), truncated (20 octets), liar (Length
      field larger than the datagram), zero-ispi, badver, auth-resp (the
      server's IKE_AUTH response to init), keepalive (natt only), natt-esp
      (natt only: ESP in UDP), short (two octets)
  ipsec_tool.py reflect --map ADD [--seconds S]
      on the server: answer each ESP packet with SPI x with ESP SPI x+ADD
      (mod 2^32) to its source, until S seconds without a packet
  ipsec_tool.py scale --first ADDR --count N --server S --spi-base X
                      --map ADD [--window W] [--timeout T]
      on the LAN side, in a namespace where the N client addresses from
      ADDR on are local (AnyIP route): client k sends ESP SPI X+k from
      address ADDR+k and must get back exactly SPI X+k+ADD, at its own
      address; prints a JSON summary, exit 1 if any client missed or got
      another's reply. --generations G: G rekeys, generation g with SPIs
      from X + g * --gen-step on (all clients replace their SA at once)
"""
import argparse
import ipaddress
import json
import random
import select
import socket
import struct
import sys
import time

IPPROTO_ESP = 50


def esp_payload(spi, seq, length):
    pkt = struct.pack(">II", spi & 0xffffffff, seq) + bytes(16)
    if length is not None:
        pkt = (pkt + bytes(max(0, length - len(pkt))))[:length]
    return pkt


def cmd_send_esp(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_ESP)
    if a.src:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
        src = int(ipaddress.IPv4Address(a.src))
    for i in range(a.count):
        spi = a.spi + i if a.vary else a.spi
        if a.random:
            spi = random.randrange(256, 1 << 32)
        if a.interval and i:
            time.sleep(a.interval)
        pkt = esp_payload(spi, i + 1, a.len)
        if a.src:
            saddr = ipaddress.IPv4Address(src + i if a.vary_src else src)
            # Linux fills in the checksum (and the id, when 0).
            pkt = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(pkt), 0, 0,
                              64, IPPROTO_ESP, 0, saddr.packed,
                              ipaddress.IPv4Address(a.dst).packed) + pkt
        s.sendto(pkt, (a.dst, 0))


def ike_header(ispi, rspi, exch, flags, msg_id, length):
    return struct.pack(">QQBBBBII", ispi, rspi, 33, 0x20, exch, flags,
                       msg_id, length)


def ike_message(kind, i):
    ispi = 0x1000000000000000 + i
    if kind == "init":
        return ike_header(ispi, 0, 34, 0x08, 0, 28)
    if kind == "auth-req":
        return ike_header(ispi, 0x2000000000000000 + i, 35, 0x08, 1, 28)
    if kind == "auth-resp":
        return ike_header(ispi, 0x2000000000000000 + i, 35, 0x20, 1, 28)
    # The server's CREATE_CHILD_SA request (its Message ID 2), and a
    # client's response to Message ID 2, asked for or not.
    if kind == "child-req":
        return ike_header(ispi, 0x2000000000000000 + i, 36, 0x00, 2, 28)
    if kind == "child-resp":
        return ike_header(ispi, 0x2000000000000000 + i, 36, 0x28, 2, 28)
    if kind == "truncated":
        return ike_header(ispi, 0, 34, 0x08, 0, 28)[:20]
    if kind == "liar":
        return ike_header(ispi, 0, 34, 0x08, 0, 4000) + bytes(8)
    if kind == "zero-ispi":
        return ike_header(0, 0, 34, 0x08, 0, 28)
    if kind == "badver":
        return ike_header(ispi, 0, 34, 0x08, 0, 28)[:17] + b"\x70" + \
            ike_header(ispi, 0, 34, 0x08, 0, 28)[18:]
    raise SystemExit("ipsec_tool.py: unknown IKE kind " + kind)


def ike_socket(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if a.sport or a.src:
        s.bind((a.src or "0.0.0.0", a.sport or 0))
    return s


def cmd_send_ike(a):
    s = ike_socket(a)
    port = 4500 if a.natt else 500
    for i in range(a.count):
        if a.new_socket and i:
            s.close()
            s = ike_socket(a)
        if a.kind == "short":
            msg = b"\x01\x02"
        elif a.kind == "keepalive":
            msg = b"\xff"
        elif a.kind == "natt-esp":
            msg = esp_payload(0x7000 + i, i + 1, None)
        else:
            msg = ike_message(a.kind, i)
            if a.natt:
                msg = bytes(4) + msg
        s.sendto(msg, (a.dst, port))


def cmd_reflect(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_ESP)
    s.settimeout(a.seconds)
    print(json.dumps({"listening": True}), flush=True)
    n = 0
    try:
        while True:
            data, (src, _) = s.recvfrom(65535)
            ihl = (data[0] & 0x0f) * 4
            if len(data) < ihl + 8:
                continue
            spi, seq = struct.unpack_from(">II", data, ihl)
            s.sendto(esp_payload(spi + a.map, seq, None), (src, 0))
            n += 1
    except socket.timeout:
        pass
    print(json.dumps({"reflected": n}), flush=True)


def cmd_scale(a):
    if a.generations > 1:
        total = {"generations": a.generations, "clients": a.count,
                 "n_missing": 0, "n_wrong": 0, "failed": []}
        base = a.spi_base
        for g in range(a.generations):
            a.spi_base = base + g * a.gen_step
            r = scale_once(a)
            total["n_missing"] += r["n_missing"]
            total["n_wrong"] += r["n_wrong"]
            if r["n_missing"] or r["n_wrong"]:
                total["failed"].append(dict(r, generation=g))
        total["failed"] = total["failed"][:3]
        print(json.dumps(total))
        sys.exit(1 if total["n_missing"] or total["n_wrong"] else 0)
    r = scale_once(a)
    print(json.dumps(r))
    sys.exit(1 if r["n_missing"] or r["n_wrong"] else 0)


def scale_once(a):
    first = int(ipaddress.IPv4Address(a.first))
    addr = [str(ipaddress.IPv4Address(first + k)) for k in range(a.count)]
    by_addr = {x: k for k, x in enumerate(addr)}
    hdrincl = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    rx = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_ESP)
    rx.setblocking(False)
    rx.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    server = socket.inet_aton(a.server)

    def send(k, seq):
        payload = esp_payload(a.spi_base + k, seq, None)
        total = 20 + len(payload)
        hdr = struct.pack(">BBHHHBBH4s4s", 0x45, 0, total, k & 0xffff, 0,
                          64, IPPROTO_ESP, 0, socket.inet_aton(addr[k]),
                          server)
        hdrincl.sendto(hdr + payload, (a.server, 0))

    got = {}
    wrong = []

    def drain(wait, until=None):
        end = time.monotonic() + wait
        while True:
            left = end - time.monotonic()
            if left <= 0 or (until and until()):
                return
            r, _, _ = select.select([rx], [], [], left)
            if not r:
                return
            while True:
                try:
                    data = rx.recv(65535)
                except BlockingIOError:
                    break
                ihl = (data[0] & 0x0f) * 4
                dst = socket.inet_ntoa(data[16:20])
                spi = struct.unpack_from(">I", data, ihl)[0]
                k = by_addr.get(dst)
                want = None if k is None else \
                    (a.spi_base + k + a.map) & 0xffffffff
                if k is None or spi != want:
                    wrong.append((dst, hex(spi)))
                else:
                    got[k] = got.get(k, 0) + 1

    # Phase 1: clients start one after another (a window of W in flight),
    # so the order of first packets is the order of the answers.
    for rnd in range(a.rounds):
        pending = [k for k in range(a.count) if got.get(k, 0) <= rnd]
        for tries in range(5):
            for i in range(0, len(pending), a.window):
                batch = pending[i:i + a.window]
                for k in batch:
                    send(k, rnd + 1)
                drain(a.step, lambda: all(got.get(k, 0) > rnd
                                          for k in batch))
            drain(a.timeout)
            pending = [k for k in pending if got.get(k, 0) <= rnd]
            if not pending:
                break
    missing = [addr[k] for k in range(a.count) if got.get(k, 0) < a.rounds]
    out = {"clients": a.count, "answered": sum(1 for k in got
                                               if got[k] >= a.rounds),
           "missing": missing[:10], "n_missing": len(missing),
           "wrong": wrong[:10], "n_wrong": len(wrong)}
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawTextHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("send-esp")
    e.add_argument("dst")
    e.add_argument("--spi", type=lambda x: int(x, 0), required=True)
    e.add_argument("--count", type=int, default=1)
    e.add_argument("--vary", action="store_true")
    e.add_argument("--len", type=int)
    e.add_argument("--src")
    e.add_argument("--vary-src", action="store_true")
    e.add_argument("--random", action="store_true")
    e.add_argument("--interval", type=float, default=0)
    k = sub.add_parser("send-ike")
    k.add_argument("dst")
    k.add_argument("kind")
    k.add_argument("--count", type=int, default=1)
    k.add_argument("--sport", type=int)
    k.add_argument("--natt", action="store_true")
    k.add_argument("--src")
    k.add_argument("--new-socket", action="store_true")
    r = sub.add_parser("reflect")
    r.add_argument("--map", type=lambda x: int(x, 0), required=True)
    r.add_argument("--seconds", type=float, default=30)
    s = sub.add_parser("scale")
    s.add_argument("--first", required=True)
    s.add_argument("--count", type=int, required=True)
    s.add_argument("--server", required=True)
    s.add_argument("--spi-base", type=lambda x: int(x, 0), required=True)
    s.add_argument("--map", type=lambda x: int(x, 0), required=True)
    s.add_argument("--window", type=int, default=1)
    s.add_argument("--step", type=float, default=0.5)
    s.add_argument("--timeout", type=float, default=2.0)
    s.add_argument("--rounds", type=int, default=2)
    s.add_argument("--generations", type=int, default=1)
    s.add_argument("--gen-step", type=lambda x: int(x, 0), default=0x10000)
    a = p.parse_args()
    {"send-esp": cmd_send_esp, "send-ike": cmd_send_ike,
     "reflect": cmd_reflect, "scale": cmd_scale}[a.cmd](a)


if __name__ == "__main__":
    main()
