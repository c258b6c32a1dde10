"""Mesh-name latency under mixed load. Entry point: perf/compare/mixed.

Issue 5 target: with 10 % of the queries forwarded to a local upstream, the mesh-name p99 stays within
10 % of the p99 under pure mesh load. ActorDns (standalone, N mesh names) forwards a foreign zone
(`example.`, served by a local Knot DNS) and is driven by dnsperf at a fixed rate, alternately with the
pure file (mesh names only) and the mixed file (the same, with a share of foreign names); mesh-name and
foreign-name percentiles come from dnsperf's per-response lines. The control run is Knot DNS serving
both zones itself with the same two files: what changing the mix does to mesh-name latency on this
machine, with this client, when nothing is forwarded. Writes <out>/<date>-mixed.md. See perf/README.md.
"""
import argparse
import datetime
import math
import os
import random
import shlex
import statistics

import dataset
import dnsperf
import install
import procs
import servers as srv
from compare import REPO, check_ports_free, log, prepare_work_dir, run_cli, write_dated_report

FOREIGN_ORIGIN = "example."


class KnotWithForeignZone(srv.Knot):
    """Knot DNS serving the mesh zone and the foreign zone: the control, where nothing is forwarded."""

    name, label = "knot", "Knot DNS (both zones, no forwarding)"

    def __init__(self, port, work, zone, foreign):
        super().__init__(port, work, zone)
        self.foreign = foreign

    def command(self, d, workers, pinned):
        argv = super().command(d, workers, pinned)
        with open(os.path.join(d, "knot.conf"), "a") as f:
            f.write(f"""  - domain: {self.foreign.origin}
    file: "{self.foreign.path}"
    journal-content: none
    zonefile-sync: -1
""")
        return argv


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="perf/compare/mixed", description=__doc__.splitlines()[0])
    ap.add_argument("--names", type=int, default=10_000, help="mesh names (default 10000)")
    ap.add_argument("--foreign-names", type=int, default=1_000, help="names in the forwarded zone (default 1000)")
    ap.add_argument("--share", type=float, default=0.10, help="share of foreign names in the mixed file (default 0.10)")
    ap.add_argument("--rate", type=int, default=20_000, help="offered q/s (default 20000)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of each file (default 3)")
    ap.add_argument("--duration", type=int, default=10, help="seconds per measured run (default 10)")
    ap.add_argument("--warmup", type=int, default=20, help="unmeasured seconds after each start (default 20)")
    ap.add_argument("--query-count", type=int, default=100_000, help="lines in each query file")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--base-port", type=int, default=25370, help="first of the 127.0.0.1 ports used")
    ap.add_argument("--register-connections", type=int, default=8)
    ap.add_argument("--work-dir", default="/tmp/actordns-mixed")
    ap.add_argument("--out", default=os.path.join(REPO, "perf", "results"))
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args(argv)
    if not 0 < a.share < 1:
        ap.error("--share must be between 0 and 1")
    return a


def write_foreign_zone(path, n):
    names = [f"host-{i}.example" for i in range(n)]
    with open(path, "w") as f:
        f.write(f"$ORIGIN {FOREIGN_ORIGIN}\n$TTL 300\n@ SOA ns.example. hostmaster.example. 1 3600 600 86400 300\n"
                "@ NS ns.example.\nns A 127.0.2.1\n")
        for i, name in enumerate(names):
            # Data only, nothing is sent there; loopback keeps even that on this machine.
            f.write(f"{name}. A 127.0.{3 + i // 250}.{1 + i % 250}\n")
    return dataset.Zone(path, FOREIGN_ORIGIN, names)


def write_mixed_queries(path, mesh_names, foreign_names, count, seed, share):
    """Like dataset.write_queries (80 % A / 20 % AAAA over the mesh names), with `share` foreign A queries."""
    rng = random.Random(seed)
    n_foreign = round(count * share)
    kinds = ["foreign"] * n_foreign + ["mesh"] * (count - n_foreign)
    rng.shuffle(kinds)
    with open(path, "w") as f:
        for kind in kinds:
            if kind == "foreign":
                f.write(f"{rng.choice(foreign_names)} A\n")
            else:
                f.write(f"{rng.choice(mesh_names)} {'A' if rng.random() < 0.8 else 'AAAA'}\n")


def split_percentiles(path):
    """Nearest-rank p50/p99 (µs) of mesh-name and foreign-name responses in a `dnsperf -v` output."""
    lats = {"mesh": [], "foreign": []}
    with open(path, errors="replace") as f:
        for line in f:
            if line.startswith("> "):
                p = line.split()
                if len(p) == 5 and p[1] not in ("T", "I"):
                    lats["foreign" if p[2].rstrip(".").endswith(".example") else "mesh"].append(float(p[4]))
    out = {}
    for kind, values in lats.items():
        values.sort()
        for q in (0.5, 0.99):
            out[f"{kind}_p{round(q * 100)}"] = (values[max(0, math.ceil(q * len(values)) - 1)] * 1e6) if values else None
        out[f"{kind}_n"] = len(values)
    return out


def measure_server(a, run, label, files, work):
    """Warm up with the mixed file, then alternate the files, `reps` times each."""
    opts = ["-c", "10", "-q", "100"]
    dnsperf.run(run.server.port, files["mixed"], a.warmup, opts + ["-Q", str(a.rate)], run.placement,
                os.path.join(work, "warmup.txt"))
    records = []
    for rep in range(1, a.reps + 1):
        for kind in ("pure", "mixed"):
            procs.wait_quiet(0.25, 30)
            out = os.path.join(work, f"dnsperf-{run.server.name}-{kind}-{rep}.txt")
            _, stats = dnsperf.run(run.server.port, files[kind], a.duration, opts + ["-Q", str(a.rate)], run.placement, out,
                                   verbose=True)
            rec = dict(server=label, file=kind, rep=rep, lost=stats["lost"], qps=stats["qps"], **split_percentiles(out))
            log(f"{label:40} {kind:5} rep {rep}: mesh p50 {_us(rec['mesh_p50'])} p99 {_us(rec['mesh_p99'])}, "
                f"foreign p50 {_us(rec['foreign_p50'])} p99 {_us(rec['foreign_p99'])}, lost {rec['lost']}")
            records.append(rec)
    return records


def _us(x):
    return "–" if x is None else f"{x:,.0f} µs"


def _median(records, server, kind, key):
    values = [r[key] for r in records if r["server"] == server and r["file"] == kind and r[key] is not None]
    return statistics.median(values) if values else None


def _range(records, server, kind, key):
    values = [r[key] for r in records if r["server"] == server and r["file"] == kind and r[key] is not None]
    return f"{min(values):,.0f}–{max(values):,.0f}" if values else "–"


def report(a, command, records, servers):
    lines = [f"# Mixed load — {datetime.date.today().isoformat()}", "", f"Command: `{command}`", "",
             f"{a.names:,} mesh names; the mixed file has {a.share:.0%} queries for {a.foreign_names:,} names of "
             f"`{FOREIGN_ORIGIN}`; dnsperf `-Q {a.rate}` for {a.duration} s per run, {a.reps} runs per file, "
             f"alternating, after a {a.warmup} s warm-up with the mixed file. Unpinned. Latencies in µs: "
             "median of the runs (min–max).", "",
             "| server | file | mesh p50 | mesh p99 | foreign p50 | foreign p99 | lost |", "|---|---|---|---|---|---|---|"]
    for s in servers:
        for kind in ("pure", "mixed"):
            lines.append(f"| {s} | {kind} | {_num(_median(records, s, kind, 'mesh_p50'))} | "
                         f"{_num(_median(records, s, kind, 'mesh_p99'))} ({_range(records, s, kind, 'mesh_p99')}) | "
                         f"{_num(_median(records, s, kind, 'foreign_p50'))} | {_num(_median(records, s, kind, 'foreign_p99'))} | "
                         f"{sum(r['lost'] for r in records if r['server'] == s and r['file'] == kind)} |")
    lines += ["", "| server | mesh p99 mixed / pure (target for ActorDns: ≤ 1.10) |", "|---|---|"]
    for s in servers:
        pure, mixed = _median(records, s, "pure", "mesh_p99"), _median(records, s, "mixed", "mesh_p99")
        lines.append(f"| {s} | {mixed / pure:.2f}× |" if pure and mixed else f"| {s} | – |")
    return "\n".join(lines) + "\n"


def _num(x):
    return "–" if x is None else f"{x:,.0f}"


def main(argv):
    a = parse_args(argv)
    command = "perf/compare/mixed " + shlex.join(argv)
    prepare_work_dir(a.work_dir)
    install.ensure_packages(log)
    if not a.no_build:
        install.build_actordns(REPO, os.path.join(a.work_dir, "build.log"), log)
    ports = {k: a.base_port + i for i, k in enumerate(("actordns", "api", "upstream", "control"))}
    check_ports_free(ports.values())
    work = a.work_dir
    foreign = write_foreign_zone(os.path.join(work, "example.zone"), a.foreign_names)
    foreign_check = (foreign.names[-1], "127.0.{}.{}".format(3 + (a.foreign_names - 1) // 250, 1 + (a.foreign_names - 1) % 250))
    group = procs.ProcessGroup()
    records = []
    try:
        upstream = srv.Knot(ports["upstream"], os.path.join(work, "upstream"), foreign)
        os.makedirs(upstream.work, exist_ok=True)
        upstream_run = upstream.start(group, procs.Placement(), check=foreign_check)
        log(f"upstream Knot DNS on 127.0.0.1:{ports['upstream']} serves {len(foreign.names)} names of {FOREIGN_ORIGIN}")

        actordns = srv.ActorDns(ports["actordns"], work, REPO, ports["api"], ports["upstream"])
        run = actordns.start(group, procs.Placement())
        took = dataset.register(actordns.api_port, a.names, a.register_connections, log)
        doc = dataset.fetch_records(actordns.api, a.names)
        answers = dataset.expected_answers(doc, actordns.port)
        mesh = dataset.write_zone(os.path.join(work, "mesh.zone"), doc, answers, actordns.port)
        log(f"registered {a.names} services in {took:.1f} s")
        if dataset.dig(actordns.port, [foreign_check[0], "A", "+short"]).split() != [foreign_check[1]]:
            raise RuntimeError(f"ActorDns does not forward {foreign_check[0]} to the upstream")

        files = {"pure": os.path.join(work, "pure.txt"), "mixed": os.path.join(work, "mixed.txt")}
        dataset.write_queries(files["pure"], mesh.names, a.query_count, a.seed)
        write_mixed_queries(files["mixed"], mesh.names, foreign.names, a.query_count, a.seed, a.share)

        records += measure_server(a, run, "ActorDns (forwards to Knot DNS)", files, work)
        run.stop()

        control = KnotWithForeignZone(ports["control"], work, mesh, foreign)
        last = mesh.names[-1]
        run = control.start(group, procs.Placement(), check=(last, next(ip for _, ip in answers[(last, "A")])))
        records += measure_server(a, run, control.label, files, work)
        run.stop()
        upstream_run.stop()
    finally:
        group.stop_all()

    text = report(a, command, records, ["ActorDns (forwards to Knot DNS)", KnotWithForeignZone.label])
    write_dated_report(a.out, "mixed", text)


if __name__ == "__main__":
    run_cli(main)
