#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A minimal L2TPv2 (RFC 2661) LNS and LAC over UDP, for selftests.

Only the control connection's skeleton is spoken (SCCRQ, SCCRP, SCCCN, ZLB,
StopCCN) plus data messages, which the LNS echoes back. It is enough to
drive a NAT router's L2TP passthrough, including an LNS that answers from
a port other than 1701 (RFC 2661 8.1), which real LNS software rarely does.

  vpnpt_l2tp.py lns [--new-port] [--port N]
      Serve on UDP N (default 1701). With --new-port each tunnel is answered
      from a fresh socket on an ephemeral port, and continues there.
  vpnpt_l2tp.py lac SERVER [--tid N] [--sport N] [--count N] [--timeout S]
                    [--stop-when FILE] [--ready FILE]
      Open a tunnel (SCCRQ, SCCRP, SCCCN), exchange N data messages with the
      echoing LNS, create FILE given by --ready, wait for the --stop-when
      file to exist, then close with StopCCN. Prints one JSON line
      {"server_port", "peer_tid", "echoed", "stopped"}; exits 1 if the
      tunnel did not come up or not all data came back.
  vpnpt_l2tp.py send DST KIND[:COUNT]...
      Send malformed L2TP to DST:1701: badver (version 1), v3 (L2TPv3),
      short (one octet), ctrlflags (T without L), badlen (Length past the
      datagram), badavp (AVP length 3), notype (first AVP not Message Type).
"""
import argparse
import json
import os
import select
import socket
import struct
import sys
import time

L2TP_PORT = 1701
CTRL_FLAGS = 0xC802  # T, L, S, version 2
DATA_FLAGS = 0x0002
SCCRQ, SCCRP, SCCCN, STOPCCN = 1, 2, 3, 4


def avp(attr_type, value, mandatory=True):
    return struct.pack(">HHH", (0x8000 if mandatory else 0) | (6 + len(value)),
                       0, attr_type) + value


def ctrl(tid, msg_type=None, avps=b"", ns=0, nr=0):
    body = b""
    if msg_type is not None:
        body = avp(0, struct.pack(">H", msg_type)) + avps
    return struct.pack(">HHHHHH", CTRL_FLAGS, 12 + len(body), tid, 0, ns, nr) + body


def sccrq_avps(tid):
    return (avp(2, b"\x01\x00") + avp(3, struct.pack(">I", 3)) +
            avp(7, b"vpnpt-test") + avp(9, struct.pack(">H", tid)))


def parse(buf):
    """(control, tid, msg_type or None for ZLB/data, assigned tid, payload),
    or None for anything malformed."""
    try:
        return parse_msg(buf)
    except (struct.error, IndexError):
        return None


def parse_msg(buf):
    if len(buf) < 6:
        return None
    flags = struct.unpack(">H", buf[:2])[0]
    if flags & 0x000F != 2:
        return None
    if flags & 0x8000:
        if len(buf) < 12:
            return None
        length, tid = struct.unpack(">HH", buf[2:6])
        length = min(length, len(buf))
        off, mtype, atid = 12, None, 0
        while off + 6 <= length:
            w, vendor, atype = struct.unpack(">HHH", buf[off:off + 6])
            alen = w & 0x3FF
            if alen < 6:
                break
            val = buf[off + 6:off + alen]
            if vendor == 0 and atype == 0:
                mtype = struct.unpack(">H", val)[0]
            elif vendor == 0 and atype == 9 and len(val) == 2:
                atid = struct.unpack(">H", val)[0]
            off += alen
        return True, tid, mtype, atid, b""
    off = 2
    if flags & 0x4000:
        off += 2
    tid = struct.unpack(">H", buf[off:off + 2])[0]
    off += 4
    if flags & 0x0800:
        off += 4
    return False, tid, None, 0, buf[off:]


def lns(args):
    main = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    main.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    main.bind(("0.0.0.0", args.port))
    tunnels = {}  # (addr, port, client tid) -> (sock, our tid)
    by_sock = {main: None}
    while True:
        r, _, _ = select.select(list(by_sock), [], [])
        for s in r:
            buf, peer = s.recvfrom(65535)
            m = parse(buf)
            if not m:
                continue
            control, tid, mtype, atid, payload = m
            if control and mtype == SCCRQ and atid:
                key = (peer[0], peer[1], atid)
                if key not in tunnels:
                    ts = main
                    if args.new_port:
                        ts = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                        ts.bind(("0.0.0.0", 0))
                        by_sock[ts] = key
                    # Predictable for the tests: the client's ID + 100.
                    tunnels[key] = (ts, (atid + 100) % 65536 or 1)
                ts, ours = tunnels[key]
                ts.sendto(ctrl(atid, SCCRP, avp(2, b"\x01\x00") +
                               avp(3, struct.pack(">I", 3)) + avp(7, b"vpnpt-lns") +
                               avp(9, struct.pack(">H", ours)), ns=0, nr=1), peer)
            elif control and mtype is not None:
                # SCCCN, StopCCN, anything else: acknowledge with a ZLB. The
                # client's tid is not in the header; find it by ours.
                ctid = next((k[2] for k, v in tunnels.items()
                             if v[1] == tid and k[0] == peer[0]), 0)
                s.sendto(ctrl(ctid, ns=1, nr=2), peer)
                if mtype == STOPCCN:
                    for k in [k for k, v in tunnels.items() if v[1] == tid]:
                        ts = tunnels.pop(k)[0]
                        if ts is not main:
                            del by_sock[ts]
                            ts.close()
            elif not control:
                ctid = next((k[2] for k, v in tunnels.items()
                             if v[1] == tid and k[0] == peer[0]), 0)
                s.sendto(struct.pack(">HHH", DATA_FLAGS, ctid, 1) + payload, peer)


def lac(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", args.sport))
    server = (args.server, L2TP_PORT)
    deadline = time.monotonic() + args.timeout
    out = {"server_port": None, "peer_tid": None, "echoed": 0, "stopped": False}

    def recv(until):
        while True:
            left = until - time.monotonic()
            if left <= 0:
                return None, None
            s.settimeout(min(left, 0.5))
            try:
                buf, peer = s.recvfrom(65535)
            except socket.timeout:
                return None, None
            except ConnectionRefusedError:
                continue
            m = parse(buf)
            if m and peer[0] == args.server:
                return m, peer

    def done(ok):
        print(json.dumps(out))
        sys.exit(0 if ok else 1)

    # SCCRQ, retransmitted each second, until the SCCRP.
    peer = None
    while time.monotonic() < deadline and not peer:
        s.sendto(ctrl(0, SCCRQ, sccrq_avps(args.tid)), server)
        m, p = recv(min(deadline, time.monotonic() + 1))
        if m and m[0] and m[2] == SCCRP and m[1] == args.tid:
            peer, out["server_port"], out["peer_tid"] = p, p[1], m[3]
    if not peer:
        done(False)
    ptid = out["peer_tid"]
    s.sendto(ctrl(ptid, SCCCN, ns=1, nr=1), peer)
    m, _ = recv(time.monotonic() + 3)
    if not m or not m[0] or m[2] is not None:
        done(False)
    for i in range(args.count):
        data = b"vpnpt-l2tp-%d" % i
        s.sendto(struct.pack(">HHH", DATA_FLAGS, ptid, 1) + data, peer)
        m, _ = recv(time.monotonic() + 3)
        if m and not m[0] and m[1] == args.tid and m[4] == data:
            out["echoed"] += 1
    if args.ready:
        open(args.ready, "w").close()
    if args.stop_when:
        while not os.path.exists(args.stop_when):
            time.sleep(0.1)
    s.sendto(ctrl(ptid, STOPCCN, avp(9, struct.pack(">H", args.tid)) +
                  avp(1, b"\x00\x01"), ns=2, nr=1), peer)
    m, _ = recv(time.monotonic() + 3)
    out["stopped"] = bool(m and m[0] and m[2] is None)
    done(out["echoed"] == args.count)


MALFORMED = {
    "badver": struct.pack(">HHH", 0x0001, 1, 1),
    "v3": struct.pack(">HHI", 0x0003, 0, 0x1234),
    "short": b"\x02",
    "ctrlflags": struct.pack(">HHHHH", 0x8802, 1, 0, 0, 0),
    "badlen": struct.pack(">HHHHHH", CTRL_FLAGS, 200, 1, 0, 0, 0),
    "badavp": struct.pack(">HHHHHH", CTRL_FLAGS, 20, 1, 0, 0, 0) +
              struct.pack(">HHHH", 0x8003, 0, 0, 6),
    "notype": struct.pack(">HHHHHH", CTRL_FLAGS, 20, 1, 0, 0, 0) +
              avp(9, struct.pack(">H", 5)),
}


def send(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", args.sport))
    for spec in args.kinds:
        kind, _, count = spec.partition(":")
        if kind not in MALFORMED:
            sys.exit("vpnpt_l2tp.py: unknown kind " + kind)
        for _ in range(int(count or 1)):
            s.sendto(MALFORMED[kind], (args.dst, L2TP_PORT))


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("lns")
    a.add_argument("--new-port", action="store_true")
    a.add_argument("--port", type=int, default=L2TP_PORT)
    a = sub.add_parser("lac")
    a.add_argument("server")
    a.add_argument("--tid", type=int, default=7)
    a.add_argument("--sport", type=int, default=L2TP_PORT)
    a.add_argument("--count", type=int, default=3)
    a.add_argument("--timeout", type=float, default=8)
    a.add_argument("--ready")
    a.add_argument("--stop-when")
    a = sub.add_parser("send")
    a.add_argument("dst")
    a.add_argument("kinds", nargs="+")
    a.add_argument("--sport", type=int, default=L2TP_PORT)
    args = p.parse_args()
    {"lns": lns, "lac": lac, "send": send}[args.cmd](args)


if __name__ == "__main__":
    main()
