#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""PPTP packet tool for vpnpt selftests: a fake PAC, fake PNSes, enhanced GRE.

One process drives both ends: each socket is created in the network
namespace it belongs to (setns), so a test can send exactly the bytes and
segments it wants from one end and see what arrives, after the router's
NAT, at the other.

  vpnpt_pptp.py drive     commands on stdin, one JSON reply line per command

Commands (words; KEY=VALUE options; ids in decimal or 0x hex):

  pac NS ADDR                 fake PAC listening on ADDR:1723 in NS. It
                              answers SCCRQ, Echo-RQ, StopCCRQ, OCRQ (OCRP,
                              Connected, with a Call ID of its own; Phone
                              Number "reject" gets a refusal), ICRP (ICCN),
                              CCRQ (CDN); the replies to what one read
                              brought are sent together, in one segment.
  connect NAME NS SRC DST     fake PNS: a control connection from SRC (in NS)
                              to DST:1723; waits until the PAC accepted it
  send NAME [from=pns|pac] [cut=A,B..] [burst=1] [expect=N] MSG...
                              send the messages, concatenated, cut into
                              segments at the byte offsets given (each
                              segment is sent once the previous one is
                              acknowledged, so each is one TCP segment;
                              burst=1: once the previous one has left,
                              without waiting for its ACK); then
                              wait until the other end has all of them and,
                              from the PNS, until the PAC's replies are back
                              (expect=N: wait for N replies instead; wait=S:
                              at most S seconds, default 8)
     MSG: TYPE[:KEY=VAL]...   TYPE sccrq sccrp stopccrq stopccrp echorq
                              echorp ocrq ocrp icrq icrp iccn ccrq cdn wen
                              sli; KEY call peer result phone; hostile:
                              len (Length field and bytes sent), magic,
                              mtype (PPTP Message Type), ctype (Control
                              Message Type, e.g. 99)
  paccut NAME A,B..           the PAC's next reply on NAME is cut there
  gre NAME INSIDE [dir=out,in] one GRE packet of the PNS's call INSIDE: out
                              = PNS to PAC (key: the PAC's Call ID), in = PAC
                              to the address it sees the PNS at (key: the
                              Call ID the PAC was told); reports where and
                              with which key each arrived; text: "SRC-AT-PAC
                              KEY-OK DST-AT-PNS KEY-AT-PNS"
  calls NAME                  the calls of a connection as both ends know
                              them; text: as sess, sorted
  close NAME [wait=S]         the PNS closes; waits until the PAC saw it
                              (at most S seconds, default 5)
  sessions / stats            vpnpt's PPTP sessions / stats in the router
                              namespace ($NS_ROUTER, as lib.sh's
                              pptp_tool_start passes it), read over generic
                              netlink (vpnpt_nl.py's code)
  sess CLIENT                 text: "inside outside peer state;..." of the
                              client's sessions, sorted
  nsess [CLIENT|-] [STATE]    text: how many sessions
  perr                        text: the PPTP parse_errors counter
  stat NAME                   text: the PPTP counter NAME (e.g.
                              dropped_disabled)
  subscribe                   listen to vpnpt's events group in $NS_ROUTER
  events [CLIENT|-] [wait=S]  the PPTP session events received since the
                              last "events" (waiting S seconds, default 1,
                              after the last one); text: "EVENT STATE
                              inside outside peer;..." in order, EVENT
                              new or del
  scale NS CONNS CALLS [file=F] [rounds=R]  CONNS connections from CONNS
                              addresses of NS (10.99.2.1 on, see addr()),
                              CALLS calls in all, the same inside IDs on
                              every connection; R rounds (default 1) of GRE
                              to every call, then from every call; table of
                              calls to F
  scale_end [how=stop|close|mixed]  end the scale connections
  bconnect NS FIRST N         bench: N more control connections from
                              addr(FIRST) .. addr(FIRST + N - 1) of NS that
                              send nothing (idle TCP 1723 connections)
  bsccrq                      bench: SCCRQ on each bench connection that has
                              not sent one; waits for the SCCRPs
  bcalls [last]               bench: one outgoing call on each bench
                              connection without one, inside Call ID
                              0x100 + its index (distinct: the kernel's own
                              helper cannot tell equal IDs of two clients to
                              one server apart); waits for the OCRPs; the
                              first call (with "last": the newest): client,
                              inside, peer, outside
  quit
"""
import ctypes
import fcntl
import json
import os
import selectors
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

MAGIC = 0x1A2B3C4D
PORT = 1723
TIOCOUTQ = 0x5411
SIOCOUTQNSD = 0x894B
IP_PKTINFO = 8
ROUTER_NS = os.environ.get("NS_ROUTER")  # lib.sh's, unique per test
CLONE_NEWNET = 0x40000000

# type: (name, size, call id offset, peer's call id offset, result offset)
TYPES = {
    1: ("sccrq", 156, 0, 0, 0), 2: ("sccrp", 156, 0, 0, 14),
    3: ("stopccrq", 16, 0, 0, 0), 4: ("stopccrp", 16, 0, 0, 12),
    5: ("echorq", 16, 0, 0, 0), 6: ("echorp", 20, 0, 0, 16),
    7: ("ocrq", 168, 12, 0, 0), 8: ("ocrp", 32, 12, 14, 16),
    9: ("icrq", 220, 12, 0, 0), 10: ("icrp", 24, 12, 14, 16),
    11: ("iccn", 28, 0, 12, 0), 12: ("ccrq", 16, 12, 0, 0),
    13: ("cdn", 148, 12, 0, 14), 14: ("wen", 40, 0, 12, 0),
    15: ("sli", 24, 0, 12, 0),
}
BYNAME = {v[0]: k for k, v in TYPES.items()}
STATES = ["new", "established", "closing"]
# What the fake PAC answers with.
REPLY = {"sccrq": "sccrp", "echorq": "echorp", "stopccrq": "stopccrp",
         "ocrq": "ocrp", "icrp": "iccn", "ccrq": "cdn"}

_libc = ctypes.CDLL(None, use_errno=True)
_home_ns = os.open("/proc/self/ns/net", os.O_RDONLY)


def num(s):
    return int(s, 0)


class InNs:
    """with InNs(name): sockets created inside belong to that namespace."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        if self.name:
            fd = os.open("/run/netns/" + self.name, os.O_RDONLY)
            try:
                if _libc.setns(fd, CLONE_NEWNET):
                    raise OSError(ctypes.get_errno(), "setns " + self.name)
            finally:
                os.close(fd)

    def __exit__(self, *a):
        if self.name:
            _libc.setns(_home_ns, CLONE_NEWNET)


def addr(i):
    """The i-th (0-based) extra client address of the scale test."""
    return "10.99.%d.%d" % (2 + i // 250, 1 + i % 250)


# --- control messages ---------------------------------------------------------

def build(spec):
    """MSG spec (see the usage) to bytes."""
    parts = spec.split(":")
    kw = dict(p.split("=", 1) for p in parts[1:])
    ctype = BYNAME[parts[0]]
    name, size = TYPES[ctype][0], TYPES[ctype][1]
    b = bytearray(size)
    if name in ("sccrq", "sccrp"):
        struct.pack_into(">H", b, 12, 0x0100)
        struct.pack_into(">II", b, 16, 3, 3)     # framing, bearer capabilities
        b[28:28 + 6] = b"vpnpt\0"                # host name
    if name == "ocrq":
        struct.pack_into(">IIII", b, 16, 300, 100000000, 3, 3)
        struct.pack_into(">HH", b, 32, 64, 0)
        phone = kw.get("phone", "").encode()
        struct.pack_into(">H", b, 36, len(phone))
        b[40:40 + len(phone)] = phone
    _, _, coff, poff, roff = TYPES[ctype]
    if coff and "call" in kw:
        struct.pack_into(">H", b, coff, num(kw["call"]))
    if poff and "peer" in kw:
        struct.pack_into(">H", b, poff, num(kw["peer"]))
    if name == "sccrp":
        b[14] = 1
    elif roff:
        b[roff] = num(kw.get("result", "1"))
    if "len" in kw:
        n = num(kw["len"])
        b = b[:n] + bytearray(max(0, n - len(b)))
    struct.pack_into(">HHIH", b, 0, len(b), num(kw.get("mtype", "1")),
                     num(kw.get("magic", str(MAGIC))),
                     num(kw.get("ctype", str(ctype))))
    return bytes(b)


def parse(m):
    """One framed message as a dict."""
    n, mtype, magic, ctype = struct.unpack_from(">HHIH", m)
    d = {"len": n}
    t = TYPES.get(ctype)
    d["type"] = t[0] if t else ctype
    if magic != MAGIC:
        d["bad"] = "magic"
    elif mtype != 1:
        d["bad"] = "mtype"
    elif not t:
        d["bad"] = "ctype"
    elif n < t[1]:
        d["bad"] = "short"
    elif n > 512:
        d["bad"] = "long"
    if t and "bad" not in d:
        if t[2]:
            d["call"] = struct.unpack_from(">H", m, t[2])[0]
        if t[3]:
            d["peer"] = struct.unpack_from(">H", m, t[3])[0]
        if t[4]:
            d["result"] = m[t[4]]
        if d["type"] == "ocrq":
            pl = struct.unpack_from(">H", m, 36)[0]
            d["phone"] = m[40:40 + min(pl, 64)].decode(errors="replace")
    return d


class Stream:
    """Frames control messages by their Length field (also garbage ones)."""

    def __init__(self):
        self.buf = b""

    def feed(self, data):
        self.buf += data
        out = []
        while len(self.buf) >= 12:
            n = struct.unpack_from(">H", self.buf)[0]
            if n < 12:
                out.append({"len": n, "type": None, "bad": "framing"})
                self.buf = b""
                break
            if len(self.buf) < n:
                break
            out.append(parse(self.buf[:n]))
            self.buf = self.buf[n:]
        return out


# --- GRE ------------------------------------------------------------------------

def gre(key, token):
    payload = b"VPNPT" + struct.pack(">I", token)
    return struct.pack(">HHHHI", 0x3001, 0x880B, len(payload), key,
                       token) + payload


def gre_parse(pkt):
    ihl = (pkt[0] & 15) * 4
    src, dst = socket.inet_ntoa(pkt[12:16]), socket.inet_ntoa(pkt[16:20])
    g = pkt[ihl:]
    if len(g) < 8:
        return None
    flags, proto, plen, key = struct.unpack_from(">HHHH", g)
    if flags & 7 != 1 or proto != 0x880B:
        return None
    off = 8 + (4 if flags & 0x1000 else 0) + (4 if flags & 0x0080 else 0)
    p = g[off:off + plen]
    if len(p) != 9 or not p.startswith(b"VPNPT"):
        return None
    return {"src": src, "dst": dst, "key": key,
            "token": struct.unpack(">I", p[5:])[0]}


# --- the two ends ---------------------------------------------------------------

class End:
    """One end of a control connection."""

    def __init__(self, sock, role):
        self.sock = sock
        self.role = role
        self.stream = Stream()
        self.got = []           # every message received, in order
        self.eof = False
        self.cut = None         # PAC: cut of the next reply


class Conn:
    def __init__(self, name, ns, src):
        self.name, self.ns, self.src = name, ns, src
        self.pns = None
        self.pac = None
        self.pns_calls = {}     # inside -> PAC's Call ID (from OCRP / ICRQ)
        self.pac_calls = {}     # PAC's Call ID -> Call ID the PAC was told


class Tool:
    def __init__(self):
        self.sel = selectors.DefaultSelector()
        self.conns = {}
        self.pending = []       # PAC ends accepted but not yet named
        self.pac_ns = None
        self.pac_addr = None
        self.next_pac_id = 0x4001
        self.raw = {}           # ns -> raw GRE socket
        self.gre_seen = {}      # token -> what arrived
        self.token = 1
        self.genl = {}
        self.scale_conns = []
        self.bench_conns = []
        self.events = None
        self.ev_got = []

    # sockets ---------------------------------------------------------------
    def raw_sock(self, ns):
        if ns not in self.raw:
            with InNs(ns):
                s = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                                  socket.IPPROTO_GRE)
            s.setsockopt(socket.SOL_SOCKET, 33, 8 << 20)  # SO_RCVBUFFORCE
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ, ("gre", ns))
            self.raw[ns] = s
        return self.raw[ns]

    def send_gre(self, ns, src, dst, key):
        tok = self.token
        self.token += 1
        cmsg = [(socket.IPPROTO_IP, IP_PKTINFO,
                 struct.pack("I4s4s", 0, socket.inet_aton(src), bytes(4)))]
        self.raw_sock(ns).sendmsg([gre(key, tok)], cmsg, 0, (dst, 0))
        return tok

    def pump(self, timeout):
        for k, _ in self.sel.select(timeout):
            what = k.data
            if what[0] == "listen":
                s, _ = k.fileobj.accept()
                s.setblocking(False)
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                end = End(s, "pac")
                end.peer = s.getpeername()
                self.sel.register(s, selectors.EVENT_READ, ("end", end))
                self.pending.append(end)
            elif what[0] == "gre":
                while True:
                    try:
                        pkt = k.fileobj.recv(65536)
                    except BlockingIOError:
                        break
                    g = gre_parse(pkt)
                    if g:
                        g["ns"] = what[1]
                        self.gre_seen[g["token"]] = g
            else:
                self.read_end(what[1])

    def read_end(self, end):
        try:
            data = end.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            end.eof = True
            self.sel.unregister(end.sock)
            if end.role == "pac":
                end.sock.close()
            return
        msgs = end.stream.feed(data)
        end.got += msgs
        if end.role == "pac":
            self.pac_answer(end, msgs)
        else:
            conn = end.conn
            for m in msgs:
                if m["type"] == "ocrp" and m.get("result") == 1:
                    conn.pns_calls[m["peer"]] = m["call"]

    def pac_answer(self, end, msgs):
        out = []
        calls = end.conn.pac_calls if getattr(end, "conn", None) else {}
        for m in msgs:
            t = m["type"]
            if "bad" in m or t not in REPLY:
                continue
            if t == "ocrq":
                mine = [p for p, o in calls.items() if o == m["call"]]
                if mine:                       # a repeated request
                    pid = mine[0]
                else:
                    pid = self.next_pac_id
                    self.next_pac_id += 1
                if m.get("phone") == "reject":
                    out.append(build("ocrp:call=%d:peer=%d:result=2" %
                                     (pid, m["call"])))
                    continue
                calls[pid] = m["call"]
                out.append(build("ocrp:call=%d:peer=%d" % (pid, m["call"])))
            elif t == "icrp":
                if m.get("result") == 1:
                    calls[m["peer"]] = m["call"]
                    out.append(build("iccn:peer=%d" % m["call"]))
            elif t == "ccrq":
                pids = [p for p, o in calls.items() if o == m["call"]]
                for p in pids:
                    del calls[p]
                out.append(build("cdn:call=%d:result=3" %
                                 (pids[0] if pids else 0)))
            elif t == "stopccrq":
                calls.clear()
                out.append(build("stopccrp"))
            else:
                out.append(build(REPLY[t]))
        if out:
            cut, end.cut = end.cut, None
            self.transmit(end, b"".join(out), cut)

    def wait(self, cond, timeout=5.0):
        deadline = time.monotonic() + timeout
        while not cond():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.pump(min(left, 0.05))
        return True

    def transmit(self, end, data, cut=None, burst=False):
        """Send data, one TCP segment per piece between the cut offsets."""
        edges = [0] + sorted(cut or []) + [len(data)]
        for a, b in zip(edges, edges[1:]):
            if a == b:
                continue
            # Each piece leaves alone: wait until the last one is acked
            # (burst: until it has left).
            if burst:
                self.wait(lambda: self.outq(end, SIOCOUTQNSD) == 0, 5)
            else:
                self.wait(lambda: self.outq(end) == 0, 5)
            self.sendall(end.sock, data[a:b])
        return self.wait(lambda: self.outq(end) == 0, 5)

    def sendall(self, sock, data):
        """Send on a non-blocking socket, serving the others meanwhile."""
        while data:
            try:
                data = data[sock.send(data):]
            except BlockingIOError:
                self.pump(0.01)

    @staticmethod
    def outq(end, req=TIOCOUTQ):
        """Bytes not yet acked (TIOCOUTQ) or not yet sent (SIOCOUTQNSD)."""
        buf = bytearray(4)
        fcntl.ioctl(end.sock.fileno(), req, buf)
        return struct.unpack("i", buf)[0]

    # commands ----------------------------------------------------------------
    def c_pac(self, ns, address):
        with InNs(ns):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((address, PORT))
        s.listen(1024)
        s.setblocking(False)
        self.sel.register(s, selectors.EVENT_READ, ("listen",))
        self.pac_ns, self.pac_addr = ns, address
        self.raw_sock(ns)
        return {}

    def c_connect(self, name, ns, src, dst):
        conn = self.connect(name, ns, src, dst)
        if not self.wait(lambda: self.pending, 5):
            return {"ok": False, "error": "PAC did not accept"}
        self.adopt(conn, self.pending.pop(0))
        return {"pac_sees": "%s:%d" % conn.pac.peer}

    def connect(self, name, ns, src, dst):
        with InNs(ns):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.bind((src, 0))
        s.settimeout(5)
        s.connect((dst, PORT))
        s.setblocking(False)
        conn = Conn(name, ns, src)
        conn.pns = End(s, "pns")
        conn.pns.conn = conn
        self.sel.register(s, selectors.EVENT_READ, ("end", conn.pns))
        self.raw_sock(ns)
        self.conns[name] = conn
        return conn

    @staticmethod
    def adopt(conn, pac_end):
        conn.pac = pac_end
        pac_end.conn = conn

    def c_send(self, name, *args):
        conn = self.conns[name]
        opts = {}
        msgs = []
        for a in args:
            k, eq, v = a.partition("=")
            if eq and ":" not in a:
                opts[k] = v
            else:
                msgs.append(a)
        data = b"".join(build(m) for m in msgs)
        frm = opts.get("from", "pns")
        src, dst = (conn.pns, conn.pac) if frm == "pns" else (conn.pac, conn.pns)
        n_src, n_dst = len(src.got), len(dst.got)
        cut = [num(x) for x in opts["cut"].split(",")] if "cut" in opts else None
        self.transmit(src, data, cut, opts.get("burst") == "1")
        replies = 0
        for m in msgs:
            t, kw = m.split(":")[0], dict(x.split("=", 1) for x in m.split(":")[1:])
            if frm != "pns" or t not in REPLY:
                continue
            if set(kw) & {"len", "magic", "mtype", "ctype"}:
                continue                # the PAC ignores garbage
            if t == "icrp":
                if num(kw.get("result", "1")) != 1:
                    continue
                # An incoming call: the PNS chose its ID for the PAC's.
                conn.pns_calls[num(kw["call"])] = num(kw["peer"])
            replies += 1
        replies = num(opts.get("expect", str(replies)))
        ok = self.wait(lambda: len(dst.got) >= n_dst + len(msgs) and
                       len(src.got) >= n_src + replies,
                       float(opts.get("wait", "8")))
        return {"ok": ok, "pac_got" if frm == "pns" else "pns_got":
                dst.got[n_dst:], "pns_got" if frm == "pns" else "pac_got":
                src.got[n_src:]}

    def c_paccut(self, name, cut):
        self.conns[name].pac.cut = [num(x) for x in cut.split(",")]
        return {}

    @staticmethod
    def call_ids(conn, inside):
        """(PAC's Call ID, Call ID the PAC was told) of a PNS call."""
        pid = conn.pns_calls.get(inside)
        return pid, conn.pac_calls.get(pid)

    def c_gre(self, name, inside, *args):
        conn = self.conns[name]
        inside = num(inside)
        dirs = "out,in"
        for a in args:
            if a.startswith("dir="):
                dirs = a[4:]
        pid, outside = self.call_ids(conn, inside)
        if pid is None or outside is None:
            return {"ok": False, "error": "no such call", "pac_id": pid,
                    "outside": outside}
        res = {"pac_id": pid, "outside": outside}
        for d in dirs.split(","):
            if d == "out":
                tok = self.send_gre(conn.ns, conn.src, self.pac_addr, pid)
            else:
                tok = self.send_gre(self.pac_ns, self.pac_addr,
                                    conn.pac.peer[0], outside)
            self.wait(lambda: tok in self.gre_seen, 3)
            res[d] = self.gre_seen.get(tok)
        res["ok"] = all(res.get(d) for d in dirs.split(","))
        o, i = res.get("out") or {}, res.get("in") or {}
        # "server-sees-src key-is-the-PAC's client-address key-there"
        res["text"] = "%s %s %s %s" % (o.get("src"), str(o.get("key") == pid).lower(),
                                       i.get("dst"), i.get("key"))
        return res

    def c_calls(self, name):
        conn = self.conns[name]
        calls = sorted((i, conn.pac_calls.get(p), p)
                       for i, p in conn.pns_calls.items())
        return {"calls": [{"inside": i, "outside": o, "peer": p}
                          for i, o, p in calls],
                "text": ";".join("%d %s %d established" % c for c in calls)}

    def c_close(self, name, *args):
        conn = self.conns[name]
        opts = dict(a.split("=", 1) for a in args)
        self.sel.unregister(conn.pns.sock)
        conn.pns.sock.close()
        return {"ok": self.wait(lambda: conn.pac.eof, float(opts.get("wait", "5")))}

    def nl(self, ns):
        if ns not in self.genl:
            import vpnpt_nl
            with InNs(ns):
                self.genl[ns] = vpnpt_nl.Genl()
        return self.genl[ns]

    def c_sessions(self, ns=None):
        import vpnpt_nl
        g = self.nl(ns or ROUTER_NS)
        r = g.request(g.family, vpnpt_nl.CMD["get_sessions"],
                      vpnpt_nl.protos_payload(["pptp"]),
                      flags=vpnpt_nl.NLM_F_DUMP)
        return {"sessions": [vpnpt_nl.decode_top(*x)["session"] for x in r]}

    def c_sess(self, client):
        """That client's sessions as "inside outside peer state;..."."""
        s = sorted((x.get("call_id_inside"), x.get("call_id_outside"),
                    x.get("peer_call_id"), STATES[x.get("state", 0)])
                   for x in self.c_sessions()["sessions"]
                   if x["client"] == client)
        return {"text": ";".join("%s %s %s %s" % x for x in s)}

    def c_nsess(self, client=None, state=None):
        """How many sessions that client ("-" = any) has (in that state)."""
        n = sum(1 for x in self.c_sessions()["sessions"]
                if client in (None, "-", x["client"]) and
                state in (None, STATES[x.get("state", 0)]))
        return {"text": str(n)}

    def c_perr(self):
        return {"text": str(self.c_stats()["stats"]["parse_errors"])}

    def c_stat(self, name):
        return {"text": str(self.c_stats()["stats"][name])}

    def c_subscribe(self, ns=None):
        import vpnpt_nl
        with InNs(ns or ROUTER_NS):
            self.events = vpnpt_nl.Events(vpnpt_nl.Genl())
        self.ev_got = []
        return {}

    def c_events(self, client="-", *args):
        """PPTP session events of CLIENT since the last call."""
        opts = dict(a.split("=", 1) for a in args)
        wait = float(opts.get("wait", "1"))
        while True:
            try:
                ev = self.events.next(wait)
            except socket.timeout:
                break
            s = ev.get("session")
            if s and s.get("proto") == "pptp":
                self.ev_got.append((ev["event"], s))
        got, self.ev_got = self.ev_got, []
        mine = [(e, s) for e, s in got if client in ("-", s["client"])]
        return {"events": [dict(s, event=e) for e, s in mine],
                "text": ";".join("%s %s %s %s %s" % (
                    e.replace("session_", ""), STATES[s.get("state", 0)],
                    s.get("call_id_inside"), s.get("call_id_outside"),
                    s.get("peer_call_id")) for e, s in mine)}

    def c_stats(self, ns=None):
        import vpnpt_nl
        g = self.nl(ns or ROUTER_NS)
        r = g.request(g.family, vpnpt_nl.CMD["get_stats"], flags=0)
        return {"stats": vpnpt_nl.decode_top(*r[0])["stats"]["pptp"]}

    # scale ---------------------------------------------------------------------
    def c_scale(self, ns, nconns, ncalls, *args):
        nconns, ncalls = num(nconns), num(ncalls)
        opts = dict(a.split("=", 1) for a in args)
        t0 = time.monotonic()
        res = {}
        conns = []
        for i in range(nconns):
            conn = self.connect("s%d" % i, ns, addr(i), self.pac_addr)
            if not self.wait(lambda: self.pending, 10):
                return {"ok": False, "error": "PAC did not accept %d" % i}
            self.adopt(conn, self.pending.pop(0))
            conns.append(conn)
        self.scale_conns = conns
        for c in conns:
            self.transmit(c.pns, build("sccrq"))
        if not self.wait(lambda: all(len(c.pns.got) >= 1 for c in conns), 30):
            return {"ok": False, "error": "no SCCRP"}
        res["t_connect"] = round(time.monotonic() - t0, 1)
        # Calls: the same inside IDs on every connection, so they collide.
        want = {}
        for i, c in enumerate(conns):
            n = ncalls // nconns + (1 if i < ncalls % nconns else 0)
            ids = [0x100 + j for j in range(n)]
            want[c.name] = ids
            self.sendall(c.pns.sock,
                         b"".join(build("ocrq:call=%d" % x) for x in ids))
        ok = self.wait(lambda: all(len(c.pns_calls) >= len(want[c.name])
                                   for c in conns), 60 + ncalls / 20)
        res["calls_up"] = sum(len(c.pns_calls) for c in conns)
        res["t_calls"] = round(time.monotonic() - t0, 1)
        if not ok:
            res["ok"] = False
            return res
        table = []
        for c in conns:
            for inside in want[c.name]:
                pid = c.pns_calls[inside]
                table.append({"client": c.src, "inside": inside, "peer": pid,
                              "outside": c.pac_calls[pid], "conn": c})
        res["outside_distinct"] = len({(t["outside"]) for t in table})
        # GRE from the server to every call, then from every call.
        res["gre_in"] = {"good": 0, "bad": 0, "lost": 0, "wrong": []}
        res["gre_out"] = {"good": 0, "bad": 0, "lost": 0, "wrong": []}
        for d in ("in", "out") * num(opts.get("rounds", "1")):
            toks = {}
            for k, t in enumerate(table):
                c = t["conn"]
                if d == "in":
                    tok = self.send_gre(self.pac_ns, self.pac_addr,
                                        c.pac.peer[0], t["outside"])
                else:
                    tok = self.send_gre(c.ns, c.src, self.pac_addr, t["peer"])
                toks[tok] = t
                if k % 64 == 63:
                    self.pump(0)
            self.wait(lambda: all(x in self.gre_seen for x in toks),
                      30 + ncalls / 50)
            r = res["gre_" + d]
            for tok, t in toks.items():
                g = self.gre_seen.get(tok)
                if not g:
                    r["lost"] += 1
                    continue
                if d == "in":
                    right = (g["dst"] == t["client"] and g["key"] == t["inside"]
                             and g["ns"] == t["conn"].ns)
                else:
                    right = (g["src"] == t["conn"].pac.peer[0] and
                             g["key"] == t["peer"] and g["ns"] == self.pac_ns)
                if right:
                    r["good"] += 1
                else:
                    r["bad"] += 1
                    if len(r["wrong"]) < 5:
                        r["wrong"].append(g)
        res["t_gre"] = round(time.monotonic() - t0, 1)
        if "file" in opts:
            with open(opts["file"], "w") as f:
                json.dump([{k: v for k, v in t.items() if k != "conn"}
                           for t in table], f)
        res["ok"] = True
        return res

    def c_scale_end(self, how="how=stop"):
        """End the scale calls: StopCCRQ (how=stop), TCP close (close), or
        StopCCRQ on every other connection and close on the rest (mixed)."""
        how = how.partition("=")[2]
        conns = self.scale_conns
        stop = [c for i, c in enumerate(conns)
                if how == "stop" or how == "mixed" and i % 2 == 0]
        for c in stop:
            self.transmit(c.pns, build("stopccrq"))
        ok = self.wait(lambda: all(c.pns.got[-1]["type"] == "stopccrp"
                                   for c in stop), 30)
        for c in conns:
            self.sel.unregister(c.pns.sock)
            c.pns.sock.close()
        ok = self.wait(lambda: all(c.pac.eof for c in conns), 30) and ok
        return {"ok": ok}


    # bench (bench/run.sh) ---------------------------------------------------------
    def c_bconnect(self, ns, first, n):
        first, n = num(first), num(n)
        for i in range(first, first + n):
            conn = self.connect("b%d" % i, ns, addr(i), self.pac_addr)
            if not self.wait(lambda: self.pending, 10):
                return {"ok": False, "error": "PAC did not accept %d" % i}
            self.adopt(conn, self.pending.pop(0))
            self.bench_conns.append(conn)
        return {"conns": len(self.bench_conns)}

    def c_bsccrq(self):
        todo = [c for c in self.bench_conns if not c.pns.got]
        for c in todo:
            self.sendall(c.pns.sock, build("sccrq"))
        ok = self.wait(lambda: all(c.pns.got for c in todo), 30 + len(todo) / 20)
        return {"ok": ok, "sent": len(todo)}

    def c_bcalls(self, which="first"):
        todo = [(i, c) for i, c in enumerate(self.bench_conns)
                if not c.pns_calls]
        for i, c in todo:
            self.sendall(c.pns.sock, build("ocrq:call=%d" % (0x100 + i)))
        ok = self.wait(lambda: all(c.pns_calls for _, c in todo),
                       30 + len(todo) / 20)
        c = self.bench_conns[-1 if which == "last" else 0]
        inside, peer = next(iter(c.pns_calls.items()))
        return {"ok": ok, "calls": sum(len(x.pns_calls)
                                       for x in self.bench_conns),
                "client": c.src, "inside": inside, "peer": peer,
                "outside": c.pac_calls[peer]}


def drive():
    tool = Tool()
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "quit":
            break
        try:
            fn = getattr(tool, "c_" + words[0])
            r = fn(*words[1:])
            r.setdefault("ok", True)
        except Exception as e:  # report, keep going
            r = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
        print(json.dumps(r, sort_keys=True), flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] != "drive":
        sys.exit(__doc__)
    drive()
