"""Compare ActorDns with Knot DNS, NSD and the echo floor under dnsperf on this machine. Entry point: perf/compare/run.

Registers N services in ActorDns, writes the Knot/NSD zone from ActorDns's records, then for each
repetition × server × mode starts the server on 127.0.0.1, checks its answers, warms it up and runs the
phases: `fixed` (dnsperf -Q RATE: server CPU per query, loss, latency), `selfpaced` (UDP q/s) and `tcp`.
Writes <out>/<date>.md and the "Latest results" section of perf/README.md. See perf/README.md.
"""
import argparse
import datetime
import json
import os
import shlex
import shutil
import signal
import socket
import sys
import time

import dataset
import dnsperf
import install
import procs
import report
import servers as srv

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARKER = ".actordns-compare"
PHASES = ("fixed", "selfpaced", "tcp")
MODES = ("pinned", "unpinned")
SERVERS = ("actordns", "knot", "nsd", "echo")
# Names whose A and AAAA answers are compared with ActorDns's list at each start.
VERIFY_NAMES = 50


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="perf/compare/run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--names", type=int, default=10_000, help="mesh names served (default 10000)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    ap.add_argument("--duration", type=int, default=20, help="seconds per measured phase (default 20)")
    ap.add_argument("--rate", type=int, default=30_000, help="offered q/s of the fixed phase (default 30000)")
    ap.add_argument("--servers", default=",".join(SERVERS), help="subset of " + ",".join(SERVERS))
    ap.add_argument("--modes", default=",".join(MODES), help="subset of " + ",".join(MODES))
    ap.add_argument("--phases", default=",".join(PHASES), help="subset of " + ",".join(PHASES))
    ap.add_argument("--cores", type=int, default=1,
                    help="pinned mode: the server on this many CPUs with as many workers, loaded by one dnsperf per "
                         "other CPU, at most this many (default 1: the server on CPU 1, dnsperf on CPU 0)")
    ap.add_argument("--out", default=os.path.join(REPO, "perf", "results"), help="results directory")
    ap.add_argument("--work-dir", default="/tmp/actordns-compare", help="temporary files and logs")
    # Long enough for a JIT runtime to reach its steady state (tier-1 code for everything that runs, also
    # the once-a-second timers); a native server is simply warm for longer.
    ap.add_argument("--warmup", type=int, default=20, help="unmeasured seconds of load after each start (default 20)")
    ap.add_argument("--dnsperf-opts", default="-c 10 -q 100", help="dnsperf clients/outstanding, every phase")
    ap.add_argument("--query-count", type=int, default=100_000, help="lines in the query file")
    ap.add_argument("--seed", type=int, default=42, help="seed of the query file")
    ap.add_argument("--base-port", type=int, default=25350, help="first of the 127.0.0.1 ports used")
    ap.add_argument("--register-connections", type=int, default=8, help="concurrent HTTP connections")
    ap.add_argument("--quiet-threshold", type=float, default=0.25,
                    help="before each run wait until the machine uses fewer cores than this ...")
    ap.add_argument("--quiet-wait", type=float, default=60, help="... for at most this many seconds")
    ap.add_argument("--no-build", action="store_true", help="use the existing Release build")
    ap.add_argument("--baseline", metavar="REV",
                    help="also measure ActorDns built from git revision REV (a worktree), as server actordns-base")
    ap.add_argument("--no-readme", action="store_true", help="do not rewrite perf/README.md's latest section")
    ap.add_argument("--count-syscalls", action="store_true",
                    help="also count each server's system calls and context switches per query with `perf stat` "
                         "(its tracepoint adds to every call: read CPU from runs without it; implies --no-readme)")
    a = ap.parse_args(argv)
    if a.count_syscalls and not shutil.which("perf"):
        ap.error("--count-syscalls needs perf (Debian package linux-perf)")
    # CPU figures of such a run carry the tracepoint's cost: they never become the README's latest results.
    a.no_readme = a.no_readme or a.count_syscalls
    for flag, allowed in (("servers", SERVERS), ("modes", MODES), ("phases", PHASES)):
        chosen = getattr(a, flag).split(",")
        if not chosen or any(c not in allowed for c in chosen):
            ap.error(f"--{flag}: choose from {','.join(allowed)}")
        # Keep the canonical order whatever order was typed.
        setattr(a, flag, [c for c in allowed if c in chosen])
    if min(a.names, a.reps, a.duration, a.rate, a.query_count) < 1:
        ap.error("--names, --reps, --duration, --rate and --query-count must be positive")
    try:
        # The pinned placement is checked against this machine only when the pinned mode runs.
        a.placements = {"pinned": procs.Placement(a.cores) if "pinned" in a.modes else procs.Placement(1),
                        "unpinned": procs.Placement()}
    except RuntimeError as e:
        ap.error(str(e))
    return a


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def write_dated_report(out, kind, text):
    """Writes TEXT to OUT/<date>-KIND.md (or -2, -3, ... when that exists), prints it, and logs where it went."""
    os.makedirs(out, exist_ok=True)
    base = os.path.join(out, f"{datetime.date.today().isoformat()}-{kind}")
    path, n = base + ".md", 2
    while os.path.exists(path):
        path, n = f"{base}-{n}.md", n + 1
    with open(path, "w") as f:
        f.write(text)
    print(text)
    log(f"wrote {path}")


def prepare_work_dir(path):
    """A fresh work dir; an existing one is deleted only if this tool made it."""
    if os.path.exists(path):
        if not os.path.exists(os.path.join(path, MARKER)) and os.listdir(path):
            raise RuntimeError(f"{path} exists and was not made by perf/compare; choose another --work-dir")
        shutil.rmtree(path)
    os.makedirs(path)
    open(os.path.join(path, MARKER), "w").close()


def check_ports_free(ports):
    for port in ports:
        for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
            with socket.socket(socket.AF_INET, kind) as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    raise RuntimeError(f"127.0.0.1:{port} is in use; choose another --base-port") from None


def _cpu_snapshot(pids):
    return procs.cpu_seconds(pids), procs.children_cpu_seconds(), procs.machine_cpu(), time.monotonic()


def measure(a, run, phase, queries, out_path):
    """One measured dnsperf run with the server's, dnsperf's and the whole machine's CPU around it."""
    opts = shlex.split(a.dnsperf_opts)
    opts += {"fixed": ["-Q", str(a.rate)], "selfpaced": [], "tcp": ["-m", "tcp"]}[phase]
    gate_wait, gate_busy = procs.wait_quiet(a.quiet_threshold, a.quiet_wait)
    pids = run.pids()
    counter = procs.KernelCounter(pids, out_path + ".perf-stat") if a.count_syscalls else None
    try:
        s0, c0, (m0, st0), t0 = _cpu_snapshot(pids)
        argv, rec = dnsperf.run(run.server.port, queries, a.duration, opts, run.placement, out_path,
                                verbose=phase == "fixed")
        s1, c1, (m1, st1), t1 = _cpu_snapshot(pids)
    finally:
        counts = counter.stop() if counter else {}
    wall = t1 - t0
    outputs = rec.pop("outputs")
    if phase == "fixed":
        rec.update(dnsperf.percentiles(outputs))
    done = rec["completed"] or 0
    rec.update(
        cmd=shlex.join(argv), lost=(rec["sent"] or 0) - done, server_cpu_s=round(s1 - s0, 3),
        server_cores=(s1 - s0) / wall, dnsperf_cores=(c1 - c0) / wall, busy_cores=(m1 - m0) / wall,
        steal_cores=(st1 - st0) / wall, gate_wait_s=gate_wait, gate_busy=gate_busy,
        us_per_q=1e6 * (s1 - s0) / done if done else None,
        dnsperf_us_per_q=1e6 * (c1 - c0) / done if done else None,
        thread_cpus=procs.thread_cpus(run.pids()))
    rec["foreign_cores"] = rec["busy_cores"] - rec["server_cores"] - rec["dnsperf_cores"]
    for key, event in (("syscalls_per_q", "raw_syscalls:sys_enter"), ("switches_per_q", "context-switches")):
        if event in counts and done:
            rec[key] = counts[event] / done
    return rec


def register(a, group, actordns, work):
    log(f"registering {a.names} services in ActorDns")
    run = actordns.start(group, procs.Placement())
    try:
        took = dataset.register(actordns.api_port, a.names, a.register_connections, log)
        doc = dataset.fetch_records(actordns.api, a.names)
        answers = dataset.expected_answers(doc, actordns.port)
        zone = dataset.write_zone(os.path.join(work, "mesh.zone"), doc, answers, actordns.port)
    finally:
        run.stop()
    log(f"registered in {took:.1f} s ({a.names / took:.0f}/s); zone {zone.path}")
    return doc, answers, zone, took


def main(argv):
    a = parse_args(argv)
    command = "perf/compare/run " + shlex.join(argv)
    prepare_work_dir(a.work_dir)
    install.ensure_packages(log)
    if not a.no_build:
        install.build_actordns(REPO, os.path.join(a.work_dir, "build.log"), log)
    ports = {k: a.base_port + i for i, k in enumerate(("actordns", "knot", "nsd", "api", "upstream", "base", "base-api", "echo"))}
    check_ports_free(ports.values())

    per_run = len(a.phases) * (a.duration + 2) + a.warmup * (1 + ("tcp" in a.phases)) + 10
    total = per_run * a.reps * (len(a.servers) + bool(a.baseline)) * len(a.modes) + a.names / 300 + 20
    log(f"about {total / 60:.0f} min (longer if the machine is busy: each run waits up to {a.quiet_wait:.0f} s "
        f"for it to be quiet)")

    baseline = install.baseline_worktree(REPO, a.baseline, a.work_dir, log) if a.baseline else None
    group = procs.ProcessGroup()
    try:
        servers, records, meta = measure_all(a, group, ports, command, baseline)
    finally:
        group.stop_all()
        if baseline:
            install.remove_worktree(REPO, baseline)
    write_reports(a, servers, records, meta)


def measure_all(a, group, ports, command, baseline):
    work = a.work_dir
    actordns = srv.ActorDns(ports["actordns"], work, REPO, ports["api"], ports["upstream"])
    doc, answers, zone, took = register(a, group, actordns, work)
    queries = os.path.join(work, "queries.txt")
    dataset.write_queries(queries, zone.names, a.query_count, a.seed)
    by_name = {"actordns": actordns, "knot": srv.Knot(ports["knot"], work, zone),
               "nsd": srv.Nsd(ports["nsd"], work, zone), "echo": srv.EchoFloor(ports["echo"], work)}
    servers = [by_name[n] for n in a.servers]
    if "echo" in a.servers:
        by_name["echo"].build()
    if baseline:
        # The baseline recovers a copy of the journal the registration wrote, so both serve the same names.
        base = srv.ActorDns(ports["base"], work, baseline, ports["base-api"], ports["upstream"],
                            name="actordns-base", label=f"ActorDns {a.baseline}")
        shutil.copytree(actordns.data_dir, base.data_dir)
        servers.insert(servers.index(actordns) + 1 if actordns in servers else 0, base)
    last = zone.names[-1]
    check = (last, next(ip for _, ip in answers[(last, "A")]))
    meta = {"command": command, "args": a, "modes": a.modes, "rcvbuf": {}, "dnsperf_cmds": {},
            "registration": f"{a.register_connections} connections, {a.names / took:.0f} registrations/s",
            "ttl": doc["ttl"], "aaaa": _aaaa_form(answers, last)}
    records = []
    with open(os.path.join(work, "runs.jsonl"), "w") as jsonl:
        for rep in range(1, a.reps + 1):
            # Each repetition starts with the next server: the one measured first measured worse (p99) in A/B runs of
            # the same build, whichever build it was, so no server may always take that place.
            for s in servers[(rep - 1) % len(servers):] + servers[:(rep - 1) % len(servers)]:
                for mode in a.modes:
                    for rec in measure_server(a, group, s, mode, rep, check, answers, queries, meta):
                        records.append(rec)
                        jsonl.write(json.dumps(rec) + "\n")
                        jsonl.flush()
                        _print_run(rec)
    meta["versions"] = {s.name: s.version() for s in servers}
    return servers, records, meta


def measure_server(a, group, server, mode, rep, check, answers, queries, meta):
    """Start one server in one mode, check its answers, warm it up, measure each phase, stop it."""
    work = a.work_dir
    run = server.start(group, a.placements[mode], check)
    try:
        if server.answers_names:
            meta["verified"] = dataset.verify(server.port, answers, VERIFY_NAMES, rep, os.path.join(work, "dig.txt"))
        meta["rcvbuf"].setdefault(server.name, server.udp_rcvbuf())
        warm_up(a, run, queries, work)
        for phase in (p for p in a.phases if p != "tcp" or server.serves_tcp):
            out = os.path.join(work, f"dnsperf-{rep}-{server.name}-{mode}-{phase}.txt")
            rec = measure(a, run, phase, queries, out)
            rec.update(rep=rep, server=server.name, mode=mode, phase=phase)
            meta["dnsperf_cmds"].setdefault(phase, rec["cmd"])
            yield rec
    finally:
        run.stop()


def warm_up(a, run, queries, work):
    """Unmeasured load first, so that .NET's tiered JIT (and every server's caches) reach steady state."""
    opts = shlex.split(a.dnsperf_opts)
    dnsperf.run(run.server.port, queries, a.warmup, opts, run.placement, os.path.join(work, "warmup.txt"))
    if "tcp" in a.phases and run.server.serves_tcp:
        dnsperf.run(run.server.port, queries, a.warmup, opts + ["-m", "tcp"], run.placement,
                    os.path.join(work, "warmup.txt"))


def _aaaa_form(answers, name):
    aaaa = answers[(name, "AAAA")]
    if not aaaa:
        return "none (NODATA)"
    return "IPv4-mapped (`::ffff:<VIP>`)" if next(iter(aaaa))[1].startswith("::ffff:") else "from the IPv6 CIDR"


def _print_run(r):
    lat = f" avg={r['avg_lat'] * 1e6:.0f}µs" if r.get("avg_lat") is not None else ""
    p99 = f" p99={r['p99'] * 1e6:.0f}µs" if r.get("p99") is not None else ""
    per_q = f"{r['us_per_q']:.2f}" if r.get("us_per_q") is not None else "–"
    log(f"rep {r['rep']} {r['server']:8} {r['mode']:8} {r['phase']:9} q/s={r['qps'] or 0:9.0f} "
        f"lost={r['lost']:<6}{lat}{p99} server={per_q}µs/q ({r['server_cores']:.2f} cores) "
        f"dnsperf={r['dnsperf_cores']:.2f} foreign={r['foreign_cores']:.2f} cpus={r['thread_cpus']}")


def write_reports(a, servers, records, meta):
    today = datetime.date.today().isoformat()
    meta.update(date=today, dnsperf=dnsperf.version(), kernel=os.uname().release, cpu=_cpu_model())
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, f"{today}.md")
    n = 2
    while os.path.exists(path):  # never overwrite an earlier run of the same day
        path = os.path.join(a.out, f"{today}-{n}.md")
        n += 1
    with open(path, "w") as f:
        f.write(report.results_file(records, servers, meta))
    log(f"wrote {path}")
    readme = os.path.join(REPO, "perf", "README.md")
    if not a.no_readme:
        rel = os.path.relpath(path, os.path.dirname(readme))
        report.replace_section(readme, report.readme_section(records, servers, meta, rel))
        log(f"updated the latest results in {readme}")


def _cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "?"


def _terminate(signum, _frame):
    # SIGTERM/SIGHUP unwind like Ctrl-C, through the finally that stops every started process.
    raise KeyboardInterrupt(f"signal {signum}")


def run_cli(main):
    """Runs a tool's main(argv): Ctrl-C, SIGTERM and SIGHUP stop every process it started; errors are one line."""
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    try:
        main(sys.argv[1:])
    except KeyboardInterrupt:
        log("interrupted; every started process was stopped")
        sys.exit(130)
    except RuntimeError as e:
        log(f"error: {e}")
        sys.exit(1)


if __name__ == "__main__":
    run_cli(main)
