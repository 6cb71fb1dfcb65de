#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The uapi header is the one source of the netlink ABI: check the copies.

include/uapi/linux/vpnpt.h defines every command, attribute, counter and
state, and its kernel-doc gives each attribute's type. Other places restate
parts of it, for readers or for code that cannot include a C header:

  docs/netlink.md            the tables: number and type of every row
  selftests/tools/vpnpt_nl.py  the Python test client's tables
  src/vpnptctl/fmt.c         vpnptctl's counter names (by enum vpnpt_stat)
  src/vpnptctl/decode.c      vpnptctl's libmnl policies (attribute types)

This script parses the header and compares each copy with it; `make unit`
runs it after the C unit tests. Exit status 1 with one line per
difference, 0 and a summary line when all agree.
"""
import os
import re
import sys

sys.dont_write_bytecode = True	# it imports selftests/tools/vpnpt_nl.py

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
HEADER = os.path.join(TOP, "include/uapi/linux/vpnpt.h")

# The enums whose members are netlink attributes, with the prefix of their
# members; their kernel-doc starts each member's text with its type.
ATTR_ENUMS = {
    "vpnpt_attr": "VPNPT_A_",
    "vpnpt_stat": "VPNPT_STAT_",
    "vpnpt_session_attr": "VPNPT_SA_",
    "vpnpt_ike_resp_attr": "VPNPT_IKE_RESP_",
}
TYPES = ("u8", "u16", "u32", "u64", "be32", "string", "nested")

errors = []


def error(where, msg):
    errors.append("%s: %s" % (os.path.relpath(where, TOP), msg))


def read(rel):
    with open(os.path.join(TOP, rel)) as f:
        return f.read()


def parse_header(text):
    """enums: {enum: [(name, value)]} without __*_MAX; types: {name: type}."""
    enums = {}
    for m in re.finditer(r"^enum (\w+) \{\n(.*?)^\};", text, re.S | re.M):
        members, value = [], 0
        for line in m.group(2).splitlines():
            mm = re.match(r"\s*(\w+)(?:\s*=\s*(\w+))?,?\s*$", line)
            if not mm:
                continue
            if mm.group(2):
                value = int(mm.group(2), 0)
            if not mm.group(1).startswith("__"):
                members.append((mm.group(1), value))
            value += 1
        enums[m.group(1)] = members
    types = {}
    for m in re.finditer(r"^ \* @(VPNPT_\w+): (\w+)", text, re.M):
        types[m.group(1)] = m.group(2) if m.group(2) in TYPES else ""
    names = re.search(r"#define VPNPT_PROTO_NAMES \{(.*)\}", text).group(1)
    return enums, types, re.findall(r'"(\w+)"', names)


def short(name, prefix):
    return name[len(prefix):].lower()


def check_header(enums, types, proto_names):
    for enum, prefix in ATTR_ENUMS.items():
        if enum not in enums:
            error(HEADER, "enum %s not found" % enum)
            continue
        for name, _ in enums[enum]:
            if name not in types:
                error(HEADER, "%s has no kernel-doc" % name)
    protos = [short(n, "VPNPT_PROTO_") for n, _ in enums["vpnpt_proto"]]
    if protos != proto_names:
        error(HEADER, "VPNPT_PROTO_NAMES %s, enum vpnpt_proto %s" % (proto_names, protos))


def check_docs(enums, types):
    """Every "| N | `NAME` | type |" row: number and type as in the header."""
    path = os.path.join(TOP, "docs/netlink.md")
    values = {n: v for members in enums.values() for n, v in members}
    rows = {}
    for line in read("docs/netlink.md").splitlines():
        m = re.match(r"\| (\d+) \| `(VPNPT_\w+)` \| ([^|]*)\|", line)
        if not m:
            continue
        num, name, col = int(m.group(1)), m.group(2), m.group(3).strip()
        rows[name] = rows.get(name, 0) + 1
        if name not in values:
            error(path, "%s is not in the header" % name)
            continue
        if num != values[name]:
            error(path, "%s is %d, the header says %d" % (name, num, values[name]))
        if name in types and any(name in (n for n, _ in enums[e]) for e in ATTR_ENUMS):
            if col != types[name]:
                error(path, "%s has type '%s', the header says '%s'" % (name, col, types[name]))
    for enum in list(ATTR_ENUMS) + ["vpnpt_session_state"]:
        for name, _ in enums[enum]:
            if rows.get(name) != 1:
                error(path, "%s is in %d table rows, want 1" % (name, rows.get(name, 0)))


def check_python(enums, proto_names):
    """selftests/tools/vpnpt_nl.py: names are the header's, lower case."""
    sys.path.insert(0, os.path.join(TOP, "selftests/tools"))
    import vpnpt_nl as nl
    path = nl.__file__

    def want_dict(enum, prefix, alias=None):
        alias = alias or {}
        return {alias.get(short(n, prefix), short(n, prefix)): v
                for n, v in enums[enum] if v}

    def want_list(enum, prefix):
        return [short(n, prefix) for n, _ in enums[enum]]

    def same(what, have, want):
        if have != want:
            error(path, "%s is %r, the header gives %r" % (what, have, want))

    same("PROTOS", nl.PROTOS, proto_names)
    same("CMD", nl.CMD, want_dict("vpnpt_cmd", "VPNPT_CMD_"))
    # "mask" is SWITCHES_MASK: the name of vpnpt_nl.py's `set mask=` option.
    same("A", nl.A, want_dict("vpnpt_attr", "VPNPT_A_", {"switches_mask": "mask"}))
    same("STAT", nl.STAT, want_list("vpnpt_stat", "VPNPT_STAT_"))
    same("SA", nl.SA, want_list("vpnpt_session_attr", "VPNPT_SA_"))
    ike = dict(enums["vpnpt_ike_resp_attr"])
    for n in ("ENTRY", "EXCHANGE", "AGE"):
        same("IKE_RESP_" + n, getattr(nl, "IKE_RESP_" + n), ike["VPNPT_IKE_RESP_" + n])


def check_counter_names(enums):
    """vpnptctl's names of enum vpnpt_stat: the uapi names in lower case."""
    path = os.path.join(TOP, "src/vpnptctl/fmt.c")
    text = read("src/vpnptctl/fmt.c")
    table = re.search(r"vpnptctl_stat_names\[\] = \{(.*?)\n\};", text, re.S)
    if not table:
        error(path, "vpnptctl_stat_names[] not found")
        return
    have = dict(re.findall(r'\[(VPNPT_STAT_\w+)\] = "(\w+)"', table.group(1)))
    stats = dict(enums["vpnpt_stat"])
    for name, value in enums["vpnpt_stat"]:
        if value < stats["VPNPT_STAT_PACKETS"]:
            continue
        if have.get(name) != short(name, "VPNPT_STAT_"):
            error(path, "%s is named %r, want %r" % (name, have.get(name),
                                                     short(name, "VPNPT_STAT_")))
    for name in have:
        if name not in stats or stats[name] < stats["VPNPT_STAT_PACKETS"]:
            error(path, "%s is not a counter of enum vpnpt_stat" % name)


# The libmnl type vpnptctl validates each header type with.
MNL_TYPES = {"u8": "MNL_TYPE_U8", "u16": "MNL_TYPE_U16", "u32": "MNL_TYPE_U32",
             "u64": "MNL_TYPE_U64", "be32": "MNL_TYPE_U32",
             "string": "MNL_TYPE_STRING", "nested": "MNL_TYPE_NESTED"}


def check_policies(enums, types):
    """decode.c's policies give each attribute the header's type."""
    path = os.path.join(TOP, "src/vpnptctl/decode.c")
    text = read("src/vpnptctl/decode.c")
    found = 0
    for m in re.finditer(r"vpnptctl_policy_(\w+)\[\] = \{(.*?)\n\};", text, re.S):
        found += 1
        # [VPNPT_X] = { MNL_TYPE_U32 } or = VPNPTCTL_SA_FIELD(MNL_TYPE_U32, x);
        # ranges ([A ... B]) are derived from the header's enums.
        for name, mnl in re.findall(r"\[(VPNPT_\w+)\] = [{\w(]+ ?(MNL_TYPE_\w+)", m.group(2)):
            if name not in types:
                error(path, "policy %s: %s is not in the header" % (m.group(1), name))
            elif MNL_TYPES.get(types[name]) != mnl:
                error(path, "policy %s: %s is %s, the header says %s" %
                      (m.group(1), name, mnl, types[name] or "no type"))
    if not found:
        error(path, "no vpnptctl_policy_*[] tables found")


def main():
    enums, types, proto_names = parse_header(read("include/uapi/linux/vpnpt.h"))
    check_header(enums, types, proto_names)
    check_docs(enums, types)
    check_python(enums, proto_names)
    check_counter_names(enums)
    check_policies(enums, types)
    for e in errors:
        print("check_abi: " + e)
    if errors:
        return 1
    print("check_abi: docs/netlink.md, vpnpt_nl.py, vpnptctl's counters and policies agree with "
          "the uapi header "
          "(%d enums)" % len(enums))
    return 0


if __name__ == "__main__":
    sys.exit(main())
