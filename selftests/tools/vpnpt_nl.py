#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A small generic netlink client for the vpnpt family, for selftests.

It speaks the wire format directly (no library), so tests can send exactly
the requests they mean, including malformed ones, and check the errno and
the extended ACK message the module answers with.

  vpnpt_nl.py get-config | get-stats | dump-sessions [PROTOS] | flush [PROTOS]
  vpnpt_nl.py dump-intr [flush]   dump sessions, flushing all of them from
                                  another socket after the first part if
                                  asked; says whether the kernel marked the
                                  dump NLM_F_DUMP_INTR
  vpnpt_nl.py set ATTR=VALUE...   ATTR: switches, mask, max_sessions,
                                  max_client_sessions, timeout_PROTO,
                                  ike_keep_port (u8), ceil_max_sessions,
                                  ceil_max_client_sessions, attach_helpers (u8)
  vpnpt_nl.py raw CMD [TYPE:FMT:VALUE...]   FMT: u8 u16 u32 u64 hex nest(...)
  vpnpt_nl.py monitor SECONDS [COUNT]   print events as JSON lines, until
                                  none came for SECONDS (or COUNT were seen)
  vpnpt_nl.py batch               requests from stdin, one per line
  vpnpt_nl.py dump-loop STOP-FILE session dumps one after another until
                                  STOP-FILE exists; prints a JSON summary
                                  (dumps, sessions seen, largest dump,
                                  sessions twice in one dump, errors)

Output is one JSON document (or line per event). A request the kernel
refuses prints {"error": errno-name, "errno": N, "extack": "..."} and exits 1.

Batch mode saves starting python for every request, which in a TCG guest
takes seconds. A request line is the command line of one of the operations
above but monitor, or "subscribe" (listen to events from now on) or
"next-event SECONDS"; with " | PATH..." appended, the answer is only the
values at those dotted paths (timeouts.esp; "" if absent), joined by spaces.
Each request is answered with exactly one line: the exit status the single
command would have had, a space, the answer.
"""
import errno
import json
import os
import shlex
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 1, 2, 4, 0x300
NLM_F_DUMP_INTR = 0x10
NLMSG_ERROR, NLMSG_DONE = 2, 3
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME, CTRL_ATTR_MCAST_GROUPS = 1, 2, 7
CTRL_ATTR_MCAST_GRP_NAME, CTRL_ATTR_MCAST_GRP_ID = 1, 2
SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, NETLINK_EXT_ACK = 270, 1, 11
NLMSGERR_ATTR_MSG = 1
NLM_F_ACK_TLVS = 0x200
NLA_F_NESTED = 0x8000

PROTOS = ["pptp", "l2tp", "ike", "esp", "ah", "natt"]
CMD = {"get_config": 1, "set_config": 2, "get_stats": 3, "get_sessions": 4,
       "flush": 5, "session_new": 6, "session_del": 7}
CMD_NAME = {v: k for k, v in CMD.items()}
A = {"switches": 1, "mask": 2, "max_sessions": 3, "max_client_sessions": 4,
     "timeouts": 5, "module_version": 6, "stats": 7, "stats_proto": 8,
     "protos": 9, "flushed": 10, "session": 11, "pad": 12,
     "ike_keep_port": 13, "ceil_max_sessions": 14,
     "ceil_max_client_sessions": 15, "attach_helpers": 16}
STAT = ["unspec", "proto", "pad", "packets", "dropped_disabled", "parse_errors",
        "dropped_malformed", "sessions_created", "sessions_ended",
        "sessions_refused", "sessions_active", "ah_nat_broken", "natt_ike",
        "natt_esp", "natt_keepalive", "ike_port_kept",
        "sessions_evicted"]
SA = ["unspec", "pad", "id", "proto", "state", "client", "server", "public",
      "age", "idle", "packets_out", "packets_in", "bytes_out", "bytes_in",
      "call_id_inside", "call_id_outside", "peer_call_id", "spi_out", "spi_in",
      "ike_spi_i", "ike_spi_r", "tunnel_id", "peer_tunnel_id", "parent", "zone",
      "ike_responses"]
# enum vpnpt_ike_resp_attr
IKE_RESP_ENTRY, IKE_RESP_EXCHANGE, IKE_RESP_AGE = 1, 2, 3


def attr(atype, payload):
    n = 4 + len(payload)
    return struct.pack("HH", n, atype) + payload + b"\0" * ((4 - n % 4) % 4)


def attrs(buf):
    out = []
    while len(buf) >= 4:
        n, t = struct.unpack_from("HH", buf)
        if n < 4:
            break
        out.append((t & 0x3fff, buf[4:n]))
        buf = buf[(n + 3) & ~3:]
    return out


class Genl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        self.s.bind((0, 0))
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.seq = int(time.time())
        # Called once after the request is sent (the first part of a dump
        # is made then), before the rest of the answer is read.
        self.after_send = None
        self.flags_seen = 0
        self.family, self.groups = self.resolve("vpnpt")

    def request(self, family, cmd, payload=b"", flags=NLM_F_ACK, version=1):
        self.seq += 1
        self.flags_seen = 0
        msg = struct.pack("BBH", cmd, version, 0) + payload
        hdr = struct.pack("IHHII", 16 + len(msg), family,
                          NLM_F_REQUEST | flags, self.seq, 0)
        self.s.send(hdr + msg)
        if self.after_send:
            hook, self.after_send = self.after_send, None
            hook()
        replies = []
        while True:
            data = self.s.recv(1 << 20)
            while data:
                n, t, f, seq, _ = struct.unpack_from("IHHII", data)
                body = data[16:n]
                data = data[(n + 3) & ~3:]
                self.flags_seen |= f
                if t == NLMSG_ERROR:
                    err = struct.unpack_from("i", body)[0]
                    if err == 0:
                        return replies
                    ext = ""
                    if f & NLM_F_ACK_TLVS:
                        inner_len = struct.unpack_from("I", body, 4)[0]
                        for at, av in attrs(body[4 + inner_len:]):
                            if at == NLMSGERR_ATTR_MSG:
                                ext = av.rstrip(b"\0").decode()
                    raise NlError(-err, ext)
                if t == NLMSG_DONE:
                    return replies
                replies.append((body[0], body[4:]))
                if not (f & NLM_F_MULTI) and not (flags & NLM_F_ACK):
                    return replies

    def resolve(self, name):
        try:
            r = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                             attr(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0"),
                             flags=0)
        except NlError:
            print(json.dumps({"error": "ENOENT", "errno": errno.ENOENT,
                              "extack": "family vpnpt not registered"}))
            sys.exit(1)
        fam, groups = None, {}
        for t, v in attrs(r[0][1]):
            if t == CTRL_ATTR_FAMILY_ID:
                fam = struct.unpack("H", v[:2])[0]
            elif t == CTRL_ATTR_MCAST_GROUPS:
                for _, g in attrs(v):
                    d = dict(attrs(g))
                    groups[d[CTRL_ATTR_MCAST_GRP_NAME].rstrip(b"\0").decode()] = \
                        struct.unpack("I", d[CTRL_ATTR_MCAST_GRP_ID])[0]
        return fam, groups


class NlError(Exception):
    def __init__(self, err, extack):
        super().__init__(err, extack)
        self.err, self.extack = err, extack


def u32(v):
    return struct.unpack("I", v[:4])[0]


def decode_top(cmd, payload):
    out = {}
    for t, v in attrs(payload):
        if t in (A["switches"], A["max_sessions"], A["max_client_sessions"],
                 A["flushed"], A["ceil_max_sessions"],
                 A["ceil_max_client_sessions"]):
            key = [k for k, x in A.items() if x == t][0]
            out[key] = u32(v)
        elif t in (A["ike_keep_port"], A["attach_helpers"]):
            out[[k for k, x in A.items() if x == t][0]] = v[0]
        elif t == A["module_version"]:
            out["module_version"] = v.rstrip(b"\0").decode()
        elif t == A["timeouts"]:
            out["timeouts"] = {PROTOS[tt - 1]: u32(vv) for tt, vv in attrs(v)}
        elif t == A["stats"]:
            stats = {}
            for _, one in attrs(v):
                d = {}
                for st, sv in attrs(one):
                    if st == 1:
                        d["proto"] = PROTOS[u32(sv)]
                    elif 3 <= st < len(STAT):
                        d[STAT[st]] = struct.unpack("Q", sv)[0]
                stats[d.pop("proto")] = d
            out["stats"] = stats
        elif t == A["session"]:
            out["session"] = decode_session(v)
    return out


def decode_session(v):
    d = {}
    for t, x in attrs(v):
        if t >= len(SA) or t == 1:
            continue
        name = SA[t]
        if name == "ike_responses":
            d[name] = decode_ike_responses(x)
        elif name in ("client", "server", "public"):
            d[name] = socket.inet_ntoa(x)
        elif len(x) == 8:
            d[name] = struct.unpack("Q", x)[0]
        elif name in ("spi_out", "spi_in"):
            d[name] = "0x%08x" % struct.unpack(">I", x)[0]
        elif len(x) == 4:
            d[name] = u32(x)
        elif len(x) == 2:
            d[name] = struct.unpack("H", x)[0]
    if "proto" in d:
        d["proto"] = PROTOS[d["proto"]]
    return d


def decode_ike_responses(v):
    """[{"exchange": N, "age": SECONDS}, ...] in the kernel's order."""
    out = []
    for t, x in attrs(v):
        if t != IKE_RESP_ENTRY:
            continue
        e = {}
        for tt, xx in attrs(x):
            if tt == IKE_RESP_EXCHANGE:
                e["exchange"] = xx[0]
            elif tt == IKE_RESP_AGE:
                e["age"] = u32(xx)
        out.append(e)
    return out


def build(spec):
    """TYPE:FMT:VALUE, FMT in u8 u16 u32 u64 hex str nest (VALUE: ;-separated specs)."""
    t, fmt, val = spec.split(":", 2)
    t = int(t, 0)
    if fmt == "nest":
        return attr(t | NLA_F_NESTED, b"".join(build(s) for s in val.split(";") if s))
    if fmt == "hex":
        return attr(t, bytes.fromhex(val))
    if fmt == "str":
        return attr(t, val.encode() + b"\0")
    return attr(t, struct.pack({"u8": "B", "u16": "H", "u32": "I",
                                "u64": "Q"}[fmt], int(val, 0)))


def set_payload(args):
    p = b""
    timeouts = b""
    for a in args:
        k, v = a.split("=", 1)
        if k.startswith("timeout_"):
            timeouts += attr(PROTOS.index(k[8:]) + 1, struct.pack("I", int(v, 0)))
        elif k in ("ike_keep_port", "attach_helpers"):
            p += attr(A[k], struct.pack("B", int(v, 0)))
        else:
            p += attr(A[k], struct.pack("I", int(v, 0)))
    if timeouts:
        p += attr(A["timeouts"] | NLA_F_NESTED, timeouts)
    return p


def protos_payload(args):
    if not args:
        return b""
    mask = 0
    for a in args:
        mask |= 1 << PROTOS.index(a)
    return attr(A["protos"], struct.pack("I", mask))


def run(g, op, args):
    """One request; returns (exit status, the answer as printed: one line)."""
    try:
        if op == "get-config":
            r = g.request(g.family, CMD["get_config"], flags=0)
            return 0, json.dumps(decode_top(*r[0]), sort_keys=True)
        if op == "get-stats":
            r = g.request(g.family, CMD["get_stats"], flags=0)
            return 0, json.dumps(decode_top(*r[0]), sort_keys=True)
        if op == "set":
            g.request(g.family, CMD["set_config"], set_payload(args))
            return 0, json.dumps({"ok": True})
        if op == "flush":
            r = g.request(g.family, CMD["flush"], protos_payload(args), flags=0)
            return 0, json.dumps(decode_top(*r[0]), sort_keys=True)
        if op == "dump-sessions":
            r = g.request(g.family, CMD["get_sessions"], protos_payload(args),
                          flags=NLM_F_DUMP)
            return 0, json.dumps([decode_top(*x)["session"] for x in r],
                                 sort_keys=True)
        if op == "dump-intr":
            out = {}
            if args == ["flush"]:
                other = Genl()

                def flush():
                    r = other.request(other.family, CMD["flush"], flags=0)
                    out["flushed"] = decode_top(*r[0])["flushed"]
                g.after_send = flush
            r = g.request(g.family, CMD["get_sessions"], flags=NLM_F_DUMP)
            out["sessions"] = len(r)
            out["intr"] = bool(g.flags_seen & NLM_F_DUMP_INTR)
            return 0, json.dumps(out, sort_keys=True)
        if op == "raw":
            cmd = int(args[0], 0)
            flags = NLM_F_DUMP if cmd == CMD["get_sessions"] else NLM_F_ACK
            r = g.request(g.family, cmd, b"".join(build(a) for a in args[1:]),
                          flags=flags)
            return 0, json.dumps({"ok": True, "replies": len(r)})
    except NlError as e:
        return 1, json.dumps({"error": errno.errorcode.get(e.err, str(e.err)),
                              "errno": e.err, "extack": e.extack}, sort_keys=True)
    return 2, "vpnpt_nl.py: unknown operation " + op


class Events:
    """A socket subscribed to the family's events group."""

    def __init__(self, g):
        self.s = g.s
        self.s.setsockopt(SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, g.groups["events"])
        self.pending = b""

    def next(self, timeout):
        """The next event, decoded; socket.timeout when none comes in time."""
        if not self.pending:
            self.s.settimeout(timeout)
            self.pending = self.s.recv(1 << 20)
        n = struct.unpack_from("I", self.pending)[0]
        body = self.pending[16:n]
        self.pending = self.pending[(n + 3) & ~3:]
        ev = decode_top(body[0], body[4:])
        ev["event"] = CMD_NAME.get(body[0], body[0])
        return ev


def select(text, paths):
    """The values at dotted paths (timeouts.esp) of a JSON answer, by spaces."""
    try:
        doc = json.loads(text)
    except ValueError:
        return ""
    out = []
    for path in paths:
        v = doc
        for k in path.split("."):
            if isinstance(v, dict) and k in v:
                v = v[k]
            elif isinstance(v, list) and k.isdigit() and int(k) < len(v):
                v = v[int(k)]
            else:
                v = ""
                break
        out.append(v if isinstance(v, str) else json.dumps(v))
    return " ".join(out)


def batch(g):
    """Answer the requests read from stdin, each with one line "STATUS ANSWER"."""
    events = None
    while True:
        line = sys.stdin.readline()
        if not line:
            break
        paths = []
        try:
            words = shlex.split(line)
            if "|" in words:
                i = words.index("|")
                words, paths = words[:i], words[i + 1:]
            op, args = words[0], words[1:]
            if op == "subscribe":
                # Its own socket: events must not mix with answers.
                try:
                    events = Events(Genl())
                    rc, text = 0, json.dumps({"ok": True})
                except OSError as e:
                    rc, text = 1, json.dumps({"error": errno.errorcode.get(e.errno, str(e.errno)),
                                              "errno": e.errno})
            elif op == "next-event":
                try:
                    ev = events.next(float(args[0]))
                    rc, text = 0, json.dumps(ev, sort_keys=True)
                except socket.timeout:
                    rc, text = 1, json.dumps({"error": "ETIMEDOUT"})
            elif op in ("monitor", "batch"):
                rc, text = 2, "vpnpt_nl.py: " + op + " cannot be batched"
            else:
                rc, text = run(g, op, args)
        except Exception as e:  # a bad request must not end the batch
            rc, text = 2, "vpnpt_nl.py: bad request %r: %r" % (line.strip(), e)
        if paths:
            text = select(text, paths)
        print(rc, text.replace("\n", " "), flush=True)


def dump_loop(g, stop):
    """Dump sessions until the stop file exists (stress tests: dumps racing
    removals). Each dump is checked: every session has an id, a protocol and
    a client."""
    out = {"dumps": 0, "sessions": 0, "max": 0, "dup": 0, "bad": 0,
           "errors": {}}
    while not os.path.exists(stop):
        try:
            r = g.request(g.family, CMD["get_sessions"], flags=NLM_F_DUMP)
        except NlError as e:
            name = errno.errorcode.get(e.err, str(e.err))
            out["errors"][name] = out["errors"].get(name, 0) + 1
            continue
        ids = []
        for x in r:
            ss = decode_top(*x).get("session", {})
            if not {"id", "proto", "client"} <= set(ss):
                out["bad"] += 1
            ids.append(ss.get("id"))
        out["dumps"] += 1
        out["sessions"] += len(ids)
        out["max"] = max(out["max"], len(ids))
        out["dup"] += len(ids) - len(set(ids))
    print(json.dumps(out, sort_keys=True), flush=True)


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    g = Genl()
    op, args = sys.argv[1], sys.argv[2:]
    if op == "batch":
        batch(g)
    elif op == "dump-loop":
        dump_loop(g, args[0])
    elif op == "monitor":
        events = Events(g)
        print(json.dumps({"listening": True}), flush=True)
        count = int(args[1]) if len(args) > 1 else -1
        try:
            while count != 0:
                print(json.dumps(events.next(float(args[0])), sort_keys=True),
                      flush=True)
                count -= 1
        except socket.timeout:
            pass
    else:
        rc, text = run(g, op, args)
        print(text, file=sys.stderr if rc == 2 else sys.stdout)
        sys.exit(rc)


if __name__ == "__main__":
    main()
