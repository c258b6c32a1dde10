#!/usr/bin/python3
"""Where a control-plane node's CPU goes, from `perf script -F tid,ip,sym,dso` on stdin (with the .NET perf map).

Each sample goes to the first category whose pattern matches any frame of its stack, in the order below, so a
sample of the TLS stream under remoting counts as TLS, and one of the journal under the mesh actor as journal.
"""
import collections
import re
import sys

CATEGORIES = [
    ("TLS (SslStream, OpenSSL)", r"SslStream|libssl|libcrypto|System\.Net\.Security"),
    ("remoting (DotNetty, Akka.Remote)", r"DotNetty|Akka\.Remote"),
    ("journal (Akka.Persistence.Sql, linq2db, Npgsql)", r"Akka\.Persistence\.Sql|LinqToDB|Npgsql"),
    ("HTTP (Kestrel, middleware, API endpoints)", r"Kestrel|AspNetCore|ActorDns\.Host\.Api"),
    ("cluster (gossip, heartbeats, sharding, ddata, downing)", r"Akka\.Cluster|DistributedData|Downing"),
    ("resolver table and cache file", r"ActorDns\.Server\.|ActorDns\.Host\.Dns"),
    ("mesh actor (decide, apply, publish)", r"ActorDns\.ControlPlane\."),
    ("other Akka (dispatch, streams, persistence)", r"\[Akka"),
]
PATTERNS = [(name, re.compile(rx)) for name, rx in CATEGORIES]


def stacks(lines):
    stack = None
    for line in lines:
        if not line.strip():
            if stack is not None:
                yield stack
            stack = None
        elif stack is None:
            stack = []  # the sample's header line (thread id)
        else:
            stack.append(line.strip())
    if stack is not None:
        yield stack


def leaf_kind(frame):
    if "kernel.kallsyms" in frame:
        return "kernel"
    if "libcoreclr" in frame:
        return "runtime (GC, allocation, stubs)"
    if "libclrjit" in frame:
        return "JIT"
    return "other"


counts = collections.Counter()
total = 0
for stack in stacks(sys.stdin):
    total += 1
    text = "\n".join(stack)
    name = next((n for n, rx in PATTERNS if rx.search(text)), None)
    counts[name or "no category, by leaf: " + leaf_kind(stack[0] if stack else "")] += 1
for name, n in counts.most_common():
    print(f"{100 * n / max(total, 1):5.1f}%  {name}")
print(f"({total} samples)")
