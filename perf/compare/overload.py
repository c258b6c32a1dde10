"""Overload (L-04) and forwarded overload (L-06). Entry point: perf/compare/overload.

L-04: each server (ActorDns, and Knot DNS as the reference) runs in a cgroup limited to a share of one CPU
(`--cpu-share`), so that dnsperf on this 2-core machine can offer twice what it answers. Its capacity is measured
self-paced, then twice that is offered for `--duration` seconds: how much is answered, how late, with which
RCODEs, and its resident memory each second; then half its capacity is offered in 1 s runs, to see how soon
nothing is lost any more.

L-06: ActorDns alone (no CPU limit) forwards `slow.example.` to a fake upstream that answers every query 1.5 s
late, at 5,000 q/s, while dnsperf offers mesh names at `--mesh-rate`: the forwarded queries beyond the forwarder's
outstanding limit (`max_concurrent`, 1,000 by default) are answered REFUSED and counted, and mesh-name loss and
latency are compared with a run of mesh names alone. Writes <out>/<date>-overload.md. See perf/README.md.
"""
import argparse
import datetime
import os
import re
import shlex
import statistics
import threading
import time
import urllib.request

import dataset
import dnsperf
import install
import procs
import servers as srv
from compare import REPO, check_ports_free, log, prepare_work_dir, run_cli, write_dated_report

CGROUP = "/sys/fs/cgroup/cpu/actordns-overload"
SLOW_UPSTREAM = r"""
import socket, sys, threading, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
pending = []
lock = threading.Lock()
def answer():
    while True:
        time.sleep(0.01)
        now = time.monotonic()
        with lock:
            due = [p for p in pending if p[0] <= now]
            pending[:] = [p for p in pending if p[0] > now]
        for _, data, peer in due:
            # The query itself, made a response: QR set, no answer (NODATA).
            s.sendto(data[:2] + bytes([data[2] | 0x80, data[3] & 0xF0]) + data[4:], peer)
threading.Thread(target=answer, daemon=True).start()
while True:
    data, peer = s.recvfrom(4096)
    if len(data) >= 12:
        with lock:
            pending.append((time.monotonic() + float(sys.argv[2]), data, peer))
"""


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="perf/compare/overload", description=__doc__.splitlines()[0])
    ap.add_argument("--names", type=int, default=10_000, help="mesh names (default 10000)")
    ap.add_argument("--cpu-share", type=float, default=0.25, help="share of one CPU each server gets in L-04 (default 0.25)")
    ap.add_argument("--duration", type=int, default=60, help="seconds of overload (default 60)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of each (default 3)")
    ap.add_argument("--warmup", type=int, default=20, help="unmeasured seconds after each start (default 20)")
    ap.add_argument("--mesh-rate", type=int, default=10_000, help="mesh q/s offered in L-06 (default 10000)")
    ap.add_argument("--forward-rate", type=int, default=5_000, help="forwarded q/s offered in L-06 (default 5000)")
    ap.add_argument("--upstream-delay", type=float, default=1.5, help="seconds the fake upstream waits (default 1.5)")
    ap.add_argument("--query-count", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--base-port", type=int, default=25470, help="first of the 127.0.0.1 ports used")
    ap.add_argument("--register-connections", type=int, default=8)
    ap.add_argument("--work-dir", default="/tmp/actordns-overload")
    ap.add_argument("--out", default=os.path.join(REPO, "perf", "results"))
    ap.add_argument("--no-build", action="store_true", help="use the existing Release build")
    return ap.parse_args(argv)


def limit_cpu(pids, share):
    """Moves the server's processes into a cgroup (v1 cpu controller) with a CFS quota of `share` of one CPU."""
    os.makedirs(CGROUP, exist_ok=True)
    with open(os.path.join(CGROUP, "cpu.cfs_period_us"), "w") as f:
        f.write("100000")
    with open(os.path.join(CGROUP, "cpu.cfs_quota_us"), "w") as f:
        f.write(str(int(100000 * share)))
    for pid in pids:
        with open(os.path.join(CGROUP, "cgroup.procs"), "w") as f:
            f.write(str(pid))


def release_cgroup():
    if os.path.isdir(CGROUP):
        with open(os.path.join(CGROUP, "cgroup.procs")) as f:
            left = f.read().split()
        for pid in left:
            with open("/sys/fs/cgroup/cpu/cgroup.procs", "w") as f:
                f.write(pid)
        os.rmdir(CGROUP)


def rss_mb(pids):
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            pass
    return total / 1024


def dnsperf_sampling_rss(run, port, queries, duration, opts, out_path, samples, verbose=False):
    """dnsperf in the background while the server's RSS is read every second."""
    result = {}
    t = threading.Thread(target=lambda: result.update(zip(("argv", "stats"), dnsperf.run(port, queries, duration, opts, procs.Placement(), out_path, verbose))))
    t.start()
    while t.is_alive():
        samples.append(rss_mb(run.pids()))
        t.join(1)
    if "stats" not in result:
        raise RuntimeError(f"dnsperf failed, see {out_path}")
    return result["stats"]


def overload(a, run, server, rep, queries, work):
    """L-04 on one started server: capacity, twice that, then recovery."""
    d = os.path.join(work, f"l04-{server}-{rep}")
    os.makedirs(d, exist_ok=True)
    dnsperf.run(run.server.port, queries, a.warmup, ["-c", "4", "-q", "200"], run.placement, os.path.join(d, "warmup.txt"))
    _, cap = dnsperf.run(run.server.port, queries, 10, ["-c", "4", "-q", "500", "-t", "2"], run.placement, os.path.join(d, "capacity.txt"))
    capacity = cap["completed"] / cap["runtime"]
    log(f"  {server} rep {rep}: capacity {capacity:,.0f} q/s at {a.cpu_share:.0%} of a CPU")
    rss = []
    over = dnsperf_sampling_rss(run, run.server.port, queries, a.duration,
                                ["-c", "4", "-q", "20000", "-t", "2", "-Q", str(int(2 * capacity))], os.path.join(d, "overload.txt"), rss)
    after = []
    for second in range(5):
        _, s = dnsperf.run(run.server.port, queries, 1, ["-c", "4", "-q", "2000", "-t", "1", "-Q", str(int(capacity / 2))], run.placement,
                           os.path.join(d, f"after-{second}.txt"))
        after.append(s["lost"])
    r = {"server": server, "rep": rep, "capacity": capacity, "offered": 2 * capacity, "sent": over["sent"],
         "answered": over["completed"] / over["runtime"], "lost_share": over["lost"] / max(1, over["sent"]),
         "avg_ms": over["avg_lat"] * 1000, "max_ms": over["max_lat"] * 1000, "rcodes": over["rcodes"],
         "rss_start": rss[0] if rss else 0, "rss_max": max(rss, default=0), "rss_end": rss[-1] if rss else 0, "after": after}
    log(f"  {server} rep {rep}: offered {r['offered']:,.0f}, answered {r['answered']:,.0f} q/s, lost {r['lost_share']:.1%}, "
        f"max {r['max_ms']:.0f} ms, {r['rcodes']}; RSS {r['rss_start']:.0f}→{r['rss_max']:.0f}→{r['rss_end']:.0f} MB; "
        f"lost after, per second: {after}")
    return r


def metric(api, name):
    with urllib.request.urlopen(f"{api}/metrics", timeout=10) as resp:
        text = resp.read().decode()
    m = re.search(rf"^{name} ([\d.e+]+)$", text, re.M)
    return float(m.group(1)) if m else 0.0


def forwarded_overload(a, run, actordns, rep, mesh_queries, foreign_queries, work):
    """L-06: mesh names alone, then mesh names with slow forwarded names at the same time."""
    d = os.path.join(work, f"l06-{rep}")
    os.makedirs(d, exist_ok=True)
    port = actordns.port
    mesh_opts = ["-c", "2", "-q", "2000", "-t", "2", "-Q", str(a.mesh_rate)]
    _, alone = dnsperf.run(port, mesh_queries, 15, mesh_opts, procs.Placement(), os.path.join(d, "alone.txt"), verbose=True)
    alone.update(dnsperf.percentiles([os.path.join(d, "alone.txt")]))
    refused_before = metric(actordns.api, "actordns_forward_max_concurrent_rejects_total")
    result, rss = {}, []
    duration = max(15, a.duration // 2)
    fwd = threading.Thread(target=lambda: result.update(zip(("argv", "stats"), dnsperf.run(
        port, foreign_queries, duration, ["-c", "2", "-q", "20000", "-t", "5", "-Q", str(a.forward_rate)], procs.Placement(),
        os.path.join(d, "forwarded.txt")))))
    fwd.start()
    time.sleep(3)  # the forwarder's outstanding limit reached
    mixed = dnsperf_sampling_rss(run, port, mesh_queries, duration - 6, mesh_opts, os.path.join(d, "mixed.txt"), rss, verbose=True)
    mixed.update(dnsperf.percentiles([os.path.join(d, "mixed.txt")]))
    fwd.join()
    forwarded = result["stats"]
    refused = metric(actordns.api, "actordns_forward_max_concurrent_rejects_total") - refused_before
    r = {"rep": rep, "alone_lost": alone["lost"], "alone_p99": alone.get("p99", 0) * 1000, "mixed_lost": mixed["lost"],
         "mixed_p99": mixed.get("p99", 0) * 1000, "mixed_rcodes": mixed["rcodes"], "fwd_sent": forwarded["sent"],
         "fwd_rcodes": forwarded["rcodes"], "fwd_lost": forwarded["lost"], "refused_metric": refused,
         "rss_max": max(rss, default=0)}
    log(f"  L-06 rep {rep}: mesh alone lost {r['alone_lost']}, p99 {r['alone_p99']:.2f} ms; with forwarded load lost "
        f"{r['mixed_lost']}, p99 {r['mixed_p99']:.2f} ms, {r['mixed_rcodes']}; forwarded {r['fwd_sent']} sent, {r['fwd_rcodes']}, "
        f"lost {r['fwd_lost']}; REFUSED counted {refused:.0f}")
    return r


def _median(rows, key):
    return statistics.median(r[key] for r in rows)


def report(a, command, l04, l06, versions):
    lines = [f"# Overload (L-04, L-06), {datetime.date.today().isoformat()}", "",
             f"`{command}` — {os.cpu_count()} CPUs, dnsperf {dnsperf.version()}; {', '.join(versions)}.", "",
             f"## L-04: twice the capacity for {a.duration} s, each server limited to {a.cpu_share:.0%} of one CPU", "",
             "Capacity: self-paced dnsperf for 10 s (`-c 4 -q 500`). Overload: `-Q` twice that, `-q 20000 -t 2` (an answer later "
             "than 2 s counts as lost). After: five 1 s runs at half the capacity, lost queries in each.", "",
             "| server | rep | capacity q/s | answered q/s under 2× | lost | avg / max ms | RCODEs | RSS start → max → end MB | lost in each second after |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in l04:
        lines.append(f"| {r['server']} | {r['rep']} | {r['capacity']:,.0f} | {r['answered']:,.0f} | {r['lost_share']:.1%} | "
                     f"{r['avg_ms']:.1f} / {r['max_ms']:.0f} | {r['rcodes']} | {r['rss_start']:.0f} → {r['rss_max']:.0f} → {r['rss_end']:.0f} | "
                     f"{', '.join(map(str, r['after']))} |")
    servers = sorted({r["server"] for r in l04})
    lines += ["", "Medians:", ""]
    for s in servers:
        rows = [r for r in l04 if r["server"] == s]
        lines.append(f"* {s}: capacity {_median(rows, 'capacity'):,.0f} q/s, answered under twice that "
                     f"{_median(rows, 'answered'):,.0f} q/s ({_median(rows, 'answered') / _median(rows, 'capacity'):.2f}× capacity), "
                     f"max latency {_median(rows, 'max_ms'):.0f} ms, RSS growth {_median(rows, 'rss_max') - _median(rows, 'rss_start'):.0f} MB")
    lines += ["", f"## L-06: {a.forward_rate:,} q/s forwarded to an upstream {a.upstream_delay} s late, with {a.mesh_rate:,} mesh q/s", "",
              "| rep | mesh alone: lost, p99 ms | mesh with forwarded load: lost, p99 ms, RCODEs | forwarded: sent, RCODEs, lost | REFUSED counted (`actordns_forward_max_concurrent_rejects_total`) | RSS max MB |",
              "|---|---|---|---|---|---|"]
    for r in l06:
        lines.append(f"| {r['rep']} | {r['alone_lost']}, {r['alone_p99']:.2f} | {r['mixed_lost']}, {r['mixed_p99']:.2f}, {r['mixed_rcodes']} | "
                     f"{r['fwd_sent']}, {r['fwd_rcodes']}, {r['fwd_lost']} | {r['refused_metric']:.0f} | {r['rss_max']:.0f} |")
    return "\n".join(lines) + "\n"


def main(argv):
    a = parse_args(argv)
    command = "perf/compare/overload " + shlex.join(argv)
    if not os.path.isdir("/sys/fs/cgroup/cpu"):
        raise RuntimeError("L-04 needs the cgroup v1 cpu controller at /sys/fs/cgroup/cpu (and root)")
    prepare_work_dir(a.work_dir)
    install.ensure_packages(log)
    if not a.no_build:
        install.build_actordns(REPO, os.path.join(a.work_dir, "build.log"), log)
    ports = {k: a.base_port + i for i, k in enumerate(("actordns", "api", "upstream", "knot"))}
    check_ports_free(ports.values())
    work = a.work_dir
    group = procs.ProcessGroup()
    l04, l06 = [], []
    try:
        group.start(["/usr/bin/python3", "-c", SLOW_UPSTREAM, str(ports["upstream"]), str(a.upstream_delay)], os.path.join(work, "upstream.log"))
        actordns = srv.ActorDns(ports["actordns"], work, REPO, ports["api"], ports["upstream"])
        run = actordns.start(group, procs.Placement())
        took = dataset.register(actordns.api_port, a.names, a.register_connections, log)
        doc = dataset.fetch_records(actordns.api, a.names)
        answers = dataset.expected_answers(doc, actordns.port)
        zone = dataset.write_zone(os.path.join(work, "mesh.zone"), doc, answers, actordns.port)
        log(f"registered {a.names} services in {took:.1f} s")
        mesh_queries = os.path.join(work, "mesh.txt")
        dataset.write_queries(mesh_queries, zone.names, a.query_count, a.seed)
        foreign_queries = os.path.join(work, "forwarded.txt")
        with open(foreign_queries, "w") as f:
            f.writelines(f"q{i}.slow.example. A\n" for i in range(a.query_count))
        versions = [f"ActorDns {actordns.version()}"]
        for rep in range(1, a.reps + 1):
            l06.append(forwarded_overload(a, run, actordns, rep, mesh_queries, foreign_queries, work))
        run.stop()

        knot = srv.Knot(ports["knot"], os.path.join(work, "knot"), zone)
        os.makedirs(knot.work, exist_ok=True)
        last = zone.names[-1]
        check = (last, next(ip for _, ip in answers[(last, "A")]))
        versions.append(f"Knot DNS {knot.version()}")
        for rep in range(1, a.reps + 1):
            for server in (actordns, knot):
                started = server.start(group, procs.Placement(), check=check)
                try:
                    limit_cpu(started.pids(), a.cpu_share)
                    l04.append(overload(a, started, server.label, rep, mesh_queries, work))
                finally:
                    started.stop()
                    release_cgroup()
    finally:
        group.stop_all()
        release_cgroup()

    text = report(a, command, l04, l06, versions)
    write_dated_report(a.out, "overload", text)


if __name__ == "__main__":
    run_cli(main)
