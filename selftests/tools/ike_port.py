#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""IKE from and to UDP port 500, for the ike_keep_port selftest.

  ike_port.py server --log FILE --control FIFO --seconds S
      on the server: bind port 500; log each IKE message received as
      "ISPI RSPI SRC:PORT" (SPIs in hex); answer each request with a
      response carrying the same initiator SPI and responder SPI
      ISPI ^ 0x5a5a...; lines "send ISPI RSPI DST" written to FIFO send a
      INFORMATIONAL request with those SPIs from port 500 to DST:500 (a
      message the server starts). Ends after S seconds.
  ike_port.py client --server ADDR --ispi X --log FILE --seconds S
      on a client: bind port 500, send an IKE_SA_INIT request with
      initiator SPI X to ADDR:500 and log every IKE message received as
      "ISPI RSPI" until S seconds have passed; exit 1 if the answer to the
      request (its own initiator SPI, response flag) never came. On
      SIGUSR1 it sends another request on its IKE SA: INFORMATIONAL, SPIs
      X and X ^ 0x5a5a... (the server answers it like the first).
  ike_port.py spoof --src ADDR --dst ADDR --count N
      N INFORMATIONAL requests with random SPIs from ADDR:500 (an address
      of the namespace: another socket than the server's, as a host that
      spoofs the server would send them) to DST:500.
"""
import argparse
import os
import select
import signal
import socket
import struct
import sys
import time

PORT = 500
XOR = 0x5A5A5A5A5A5A5A5A
# Next payload SA (33), version 2.0.
HDR = ">QQBBBBII"
IKE_SA_INIT, INFORMATIONAL = 34, 37
F_INITIATOR, F_RESPONSE = 0x08, 0x20


def message(ispi, rspi, flags, exchange=IKE_SA_INIT):
    return struct.pack(HDR, ispi, rspi, 33, 0x20, exchange, flags, 0, 28)


def parse(data):
    if len(data) < 28:
        return None
    ispi, rspi, _, _, _, flags, _, _ = struct.unpack(HDR, data[:28])
    return ispi, rspi, flags


def bound():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", PORT))
    return s


def log(f, line):
    f.write(line + "\n")
    f.flush()


def server(a):
    s = bound()
    ctl = os.open(a.control, os.O_RDWR | os.O_NONBLOCK)
    buf = b""
    end = time.monotonic() + a.seconds
    with open(a.log, "a") as f:
        while time.monotonic() < end:
            r, _, _ = select.select([s, ctl], [], [], 0.2)
            if s in r:
                data, (src, sport) = s.recvfrom(2048)
                m = parse(data)
                if m is None:
                    continue
                ispi, rspi, flags = m
                log(f, "%016x %016x %s:%d" % (ispi, rspi, src, sport))
                if not flags & F_RESPONSE:
                    s.sendto(message(ispi, ispi ^ XOR, F_RESPONSE), (src, sport))
            if ctl in r:
                buf += os.read(ctl, 4096)
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    w = line.decode().split()
                    if len(w) == 4 and w[0] == "send":
                        s.sendto(message(int(w[1], 16), int(w[2], 16), 0,
                                         INFORMATIONAL), (w[3], PORT))
    return 0


def client(a):
    s = bound()
    ispi = int(a.ispi, 16)
    again = []
    signal.signal(signal.SIGUSR1, lambda *_: again.append(1))
    s.sendto(message(ispi, 0, F_INITIATOR), (a.server, PORT))
    answered = False
    end = time.monotonic() + a.seconds
    with open(a.log, "a") as f:
        while time.monotonic() < end:
            if again:
                again.clear()
                s.sendto(message(ispi, ispi ^ XOR, F_INITIATOR, INFORMATIONAL),
                         (a.server, PORT))
            r, _, _ = select.select([s], [], [], 0.2)
            if not r:
                continue
            data, _ = s.recvfrom(2048)
            m = parse(data)
            if m is None:
                continue
            log(f, "%016x %016x" % (m[0], m[1]))
            if m[0] == ispi and m[2] & F_RESPONSE:
                answered = True
    return 0 if answered else 1


def spoof(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.src, PORT))
    for _ in range(a.count):
        ispi, rspi = struct.unpack(">QQ", os.urandom(16))
        s.sendto(message(ispi | 1, rspi | 1, 0, INFORMATIONAL), (a.dst, PORT))
    return 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("server")
    sp.add_argument("--log", required=True)
    sp.add_argument("--control", required=True)
    sp.add_argument("--seconds", type=float, required=True)
    cp = sub.add_parser("client")
    cp.add_argument("--server", required=True)
    cp.add_argument("--ispi", required=True)
    cp.add_argument("--log", required=True)
    cp.add_argument("--seconds", type=float, required=True)
    xp = sub.add_parser("spoof")
    xp.add_argument("--src", required=True)
    xp.add_argument("--dst", required=True)
    xp.add_argument("--count", type=int, required=True)
    a = p.parse_args()
    return {"server": server, "client": client, "spoof": spoof}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
