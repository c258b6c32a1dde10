"""The cost of forwarding: ActorDns against dnsdist, both forwarding to the same local upstream. Entry point:
perf/compare/forward.

Issue 16 target: CPU per forwarded query ≤ dnsdist's, forwarded q/s ≥ dnsdist's. A local Knot DNS serves a foreign
zone (`example.`); ActorDns (standalone, its built-in pipeline: no cache) and dnsdist (no packet cache) forward every
query for it there. Each forwarder in turn is pinned to CPU 1 with one worker, dnsperf and the upstream run on CPU 0;
after a warm-up, `fixed` (dnsperf -Q RATE: the forwarder's CPU per query, latency, loss) and `selfpaced` (forwarded
q/s) are measured, REPS times, the servers interleaved. Writes <out>/<date>-forward.md. See perf/README.md.
"""
import argparse
import datetime
import os
import random
import shlex
import statistics

import dnsperf
import install
import procs
import servers as srv
from compare import REPO, check_ports_free, log, prepare_work_dir, run_cli, write_dated_report
from mixed import write_foreign_zone


class DnsDist(srv.Server):
    """dnsdist forwarding everything to one backend, without a packet cache, security polling or console."""

    name, label = "dnsdist", "dnsdist"

    def __init__(self, port, work, upstream_port):
        super().__init__(port, work)
        self.upstream_port = upstream_port

    def command(self, d, workers, pinned):
        conf = os.path.join(d, "dnsdist.conf")
        with open(conf, "w") as f:
            # One listener (with reuseport, one per worker), one backend checked once an hour (dnsdist 1.7 cannot
            # turn its health checks off); the security poll would send a query to the machine's own resolver,
            # which must never see test traffic.
            f.write(f"""setSecurityPollSuffix("")
setLocal("127.0.0.1:{self.port}", {{ reusePort=true }})
""")
            for _ in range(workers - 1):
                f.write(f'addLocal("127.0.0.1:{self.port}", {{ reusePort=true }})\n')
            f.write(f"""setUDPMultipleMessagesVectorSize(64)
newServer({{ address="127.0.0.1:{self.upstream_port}", sockets={workers}, checkInterval=3600 }})
setACL({{ "127.0.0.0/8" }})
""")
        return ["dnsdist", "--supervised", "--disable-syslog", "-C", conf]

    def version(self):
        return srv._version(["dnsdist", "--version"], r"dnsdist ([\d.]+)")

    def settings(self, placement):
        return ("one listener and one backend socket per worker, no packet cache, `setUDPMultipleMessagesVectorSize(64)`, "
                "the backend's health checked once an hour")


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="perf/compare/forward", description=__doc__.splitlines()[0])
    ap.add_argument("--names", type=int, default=1_000, help="names in the forwarded zone (default 1000)")
    ap.add_argument("--rate", type=int, default=10_000, help="offered q/s of the fixed phase (default 10000)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    ap.add_argument("--duration", type=int, default=20, help="seconds per measured phase (default 20)")
    ap.add_argument("--warmup", type=int, default=20, help="unmeasured seconds after each start (default 20)")
    ap.add_argument("--query-count", type=int, default=100_000, help="lines in the query file")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--base-port", type=int, default=25380, help="first of the 127.0.0.1 ports used")
    ap.add_argument("--work-dir", default="/tmp/actordns-forward")
    ap.add_argument("--out", default=os.path.join(REPO, "perf", "results"))
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args(argv)
    if min(a.names, a.rate, a.reps, a.duration, a.query_count) < 1:
        ap.error("--names, --rate, --reps, --duration and --query-count must be positive")
    if a.names > 60_000:
        ap.error("--names: at most 60000 (the zone's addresses are 127.0.3.1 to 127.0.242.250)")
    return a


def write_queries(path, names, count, seed):
    rng = random.Random(seed)
    with open(path, "w") as f:
        for _ in range(count):
            f.write(f"{rng.choice(names)} A\n")


def measure(a, run, phase, queries, out):
    """One dnsperf run; the forwarder's own CPU (not the upstream's) per answered query."""
    opts = ["-c", "10", "-q", "100"] + (["-Q", str(a.rate)] if phase == "fixed" else [])
    procs.wait_quiet(0.25, 30)
    pids = run.pids()
    c0 = procs.cpu_seconds(pids)
    argv, rec = dnsperf.run(run.server.port, queries, a.duration, opts, run.placement, out, verbose=phase == "fixed")
    cpu = procs.cpu_seconds(pids) - c0
    outputs = rec.pop("outputs")
    if phase == "fixed":
        rec.update(dnsperf.percentiles(outputs))
    done = rec["completed"] or 0
    rec.update(cmd=shlex.join(argv), lost=(rec["sent"] or 0) - done, cpu_s=round(cpu, 3),
               us_per_q=1e6 * cpu / done if done else None, thread_cpus=procs.thread_cpus(pids))
    return rec


# (phase, key, heading, scale, decimals, higher_is_better)
COLUMNS = [
    ("fixed", "us_per_q", "CPU µs per forwarded query", 1, 2, False),
    ("fixed", "avg_lat", "avg latency µs", 1e6, 0, False),
    ("fixed", "p99", "p99 latency µs", 1e6, 0, False),
    ("fixed", "lost", "lost", 1, 0, False),
    ("selfpaced", "qps", "self-paced forwarded q/s", 1, 0, True),
]


def _values(records, server, phase, key):
    return [r[key] for r in records if (r["server"], r["phase"]) == (server, phase) and r.get(key) is not None]


def _cell(values, scale, nd):
    if not values:
        return "–"
    med = f"{statistics.median(values) * scale:,.{nd}f}"
    return med if len(values) == 1 else f"{med} ({min(values) * scale:,.{nd}f}–{max(values) * scale:,.{nd}f})"


def report(a, command, records, servers, versions):
    lines = [f"# Forwarding: ActorDns vs dnsdist — {datetime.date.today().isoformat()}", "",
             f"Command: `{command}`", "",
             f"Both forward `example.` ({a.names:,} names, A queries, uniform, seed {a.seed}) to one local Knot DNS. "
             f"Each forwarder pinned to CPU 1 with one worker; dnsperf (`-c 10 -q 100`) and the upstream on CPU 0. "
             f"`fixed`: `-Q {a.rate}` for {a.duration} s; `selfpaced`: as fast as dnsperf goes. {a.reps} repetitions "
             f"after a {a.warmup} s warm-up per start; medians (min–max). CPU = utime + stime of the forwarder's "
             "processes, `/proc/PID/stat`, per answered query.", "",
             "| server | version | settings |", "|---|---|---|"]
    lines += [f"| {s.label} | {versions[s.name]} | {s.settings(procs.Placement(1))} |" for s in servers]
    lines += ["", "| server | " + " | ".join(c[2] for c in COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for s in servers:
        lines.append(f"| {s.label} | " + " | ".join(_cell(_values(records, s.name, ph, k), sc, nd)
                                                   for ph, k, _, sc, nd, _ in COLUMNS) + " |")
    lines += ["", "| target (issue 16) | ActorDns | dnsdist | met |", "|---|---|---|---|"]
    for ph, k, h, sc, nd, higher in (COLUMNS[0], COLUMNS[4]):
        ours, theirs = _values(records, "actordns", ph, k), _values(records, "dnsdist", ph, k)
        if ours and theirs:
            o, t = statistics.median(ours), statistics.median(theirs)
            met = o >= t if higher else o <= t
            lines.append(f"| {h} {'≥' if higher else '≤'} dnsdist's | {o * sc:,.{nd}f} | {t * sc:,.{nd}f} | "
                         f"{'yes' if met else 'no'} ({o / t:.2f}×) |")
    lines += ["", "## Raw runs", "", "| rep | server | phase | q/s | lost | avg µs | p99 µs | CPU s | µs/q | CPUs |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for r in records:
        lines.append(f"| {r['rep']} | {r['server']} | {r['phase']} | {r['qps'] or 0:,.0f} | {r['lost']} | "
                     f"{_fmt(r.get('avg_lat'), 1e6)} | {_fmt(r.get('p99'), 1e6)} | {r['cpu_s']} | "
                     f"{_fmt(r.get('us_per_q'), 1, 2)} | {r['thread_cpus']} |")
    return "\n".join(lines) + "\n"


def _fmt(x, scale=1, nd=0):
    return "–" if x is None else f"{x * scale:,.{nd}f}"


def main(argv):
    a = parse_args(argv)
    command = "perf/compare/forward " + shlex.join(argv)
    prepare_work_dir(a.work_dir)
    install.ensure_packages(log)
    if not a.no_build:
        install.build_actordns(REPO, os.path.join(a.work_dir, "build.log"), log)
    ports = {k: a.base_port + i for i, k in enumerate(("actordns", "api", "dnsdist", "upstream"))}
    check_ports_free(ports.values())
    work = a.work_dir
    foreign = write_foreign_zone(os.path.join(work, "example.zone"), a.names)
    last = a.names - 1
    check = (foreign.names[-1], f"127.0.{3 + last // 250}.{1 + last % 250}")
    queries = os.path.join(work, "queries.txt")
    write_queries(queries, foreign.names, a.query_count, a.seed)
    servers = [srv.ActorDns(ports["actordns"], work, REPO, ports["api"], ports["upstream"]),
               DnsDist(ports["dnsdist"], work, ports["upstream"])]
    group = procs.ProcessGroup()
    records = []
    try:
        upstream = srv.Knot(ports["upstream"], os.path.join(work, "upstream"), foreign)
        os.makedirs(upstream.work, exist_ok=True)
        # On the client's CPU, away from the forwarder's, with one worker per CPU (Knot's unpinned setting).
        upstream_run = upstream.start(group, procs.Placement(), check=check)
        procs.pin(upstream_run.pids(), procs.CLIENT_CPU)
        log(f"upstream Knot DNS on 127.0.0.1:{ports['upstream']} serves {len(foreign.names)} names of example.")
        for rep in range(1, a.reps + 1):
            for s in servers:
                run = s.start(group, procs.Placement(1), check=check)
                try:
                    dnsperf.run(s.port, queries, a.warmup, ["-c", "10", "-q", "100", "-Q", str(a.rate)], run.placement,
                                os.path.join(work, "warmup.txt"))
                    for phase in ("fixed", "selfpaced"):
                        out = os.path.join(work, f"dnsperf-{rep}-{s.name}-{phase}.txt")
                        rec = measure(a, run, phase, queries, out)
                        rec.update(rep=rep, server=s.name, phase=phase)
                        records.append(rec)
                        log(f"rep {rep} {s.name:8} {phase:9} q/s={rec['qps'] or 0:8.0f} lost={rec['lost']:<6} "
                            f"avg={_fmt(rec.get('avg_lat'), 1e6)}µs p99={_fmt(rec.get('p99'), 1e6)}µs "
                            f"cpu={_fmt(rec['us_per_q'], 1, 2)}µs/q cpus={rec['thread_cpus']}")
                finally:
                    run.stop()
        upstream_run.stop()
    finally:
        group.stop_all()
    versions = {s.name: s.version() for s in servers}
    write_dated_report(a.out, "forward", report(a, command, records, servers, versions))


if __name__ == "__main__":
    run_cli(main)
