"""Markdown: the dated results file and the "Latest results" section of perf/README.md."""
import os
import re
import statistics

# Cores of other work during a run above which its numbers are not trusted.
CONTAMINATED = 0.25
BEGIN = "<!-- perf-compare:latest:begin -->"
END = "<!-- perf-compare:latest:end -->"

# (phase, record key, heading, scale, decimals)
METRICS = [
    ("fixed", "us_per_q", "server CPU µs/query", 1, 2),
    ("fixed", "lost", "lost", 1, 0),
    ("fixed", "avg_lat", "avg latency µs", 1e6, 0),
    ("fixed", "p99", "p99 latency µs", 1e6, 0),
    ("selfpaced", "qps", "self-paced UDP q/s", 1, 0),
    ("tcp", "qps", "TCP q/s", 1, 0),
]
# Targets of issues 5 and 16: (heading, phase, key, peer, factor, higher_is_better); ActorDns median vs factor × peer median.
TARGETS = [
    ("CPU/query at the fixed rate ≤ Knot (issue 5)", "fixed", "us_per_q", "knot", 1.0, False),
    ("CPU/query at the fixed rate ≤ 0.83 × Knot (issue 16)", "fixed", "us_per_q", "knot", 0.83, False),
    ("CPU/query at the fixed rate ≤ 1.15 × echo floor (issue 16)", "fixed", "us_per_q", "echo", 1.15, False),
    ("avg latency at the fixed rate ≤ Knot", "fixed", "avg_lat", "knot", 1.0, False),
    ("p99 latency at the fixed rate ≤ Knot", "fixed", "p99", "knot", 1.0, False),
    ("self-paced UDP q/s ≥ 0.95 × Knot", "selfpaced", "qps", "knot", 0.95, True),
    ("TCP q/s ≥ Knot", "tcp", "qps", "knot", 1.0, True),
]


def _values(records, server, mode, phase, key):
    return [r[key] for r in records
            if (r["server"], r["mode"], r["phase"]) == (server, mode, phase) and r.get(key) is not None]


def _median(records, server, mode, phase, key):
    v = _values(records, server, mode, phase, key)
    return statistics.median(v) if v else None


def _num(x, scale=1, nd=0):
    return "–" if x is None else f"{x * scale:,.{nd}f}"


def _cell(records, server, mode, phase, key, scale, nd):
    v = _values(records, server, mode, phase, key)
    if not v:
        return "–"
    med = _num(statistics.median(v), scale, nd)
    return med if len(v) == 1 else f"{med} ({_num(min(v), scale, nd)}–{_num(max(v), scale, nd)})"


def _ratio(a, b):
    return "–" if a is None or not b else f"{a / b:.2f}×"


def summary(records, servers, modes, rate):
    """Per mode: medians (min–max) per server, ratios of ActorDns against the peers, the targets."""
    out = []
    labels = {s.name: s.label for s in servers}
    peers = [s for s in servers if s.name != "actordns"]
    for mode in modes:
        out += [f"**{mode}** (fixed-rate columns at {rate:,} q/s; median of the repetitions, min–max in "
                "parentheses)", "",
                "| server | " + " | ".join(h for _, _, h, _, _ in METRICS) +
                f" | max foreign cores, runs above {CONTAMINATED} |",
                "|---" * (len(METRICS) + 2) + "|"]
        for s in servers:
            cells = [_cell(records, s.name, mode, ph, k, sc, nd) for ph, k, _, sc, nd in METRICS]
            foreign = [r["foreign_cores"] for r in records if (r["server"], r["mode"]) == (s.name, mode)]
            dirty = sum(f > CONTAMINATED for f in foreign)
            out.append(f"| {s.label} | " + " | ".join(cells) +
                       f" | {_num(max(foreign, default=None), 1, 2)}, {dirty}/{len(foreign)} |")
        out.append("")
        if "actordns" in labels and peers:
            out += ["| ratio of medians | " + " | ".join(f"ActorDns / {p.label}" for p in peers) + " |",
                    "|---" * (len(peers) + 1) + "|"]
            for ph, k, h, _, _ in METRICS:
                if k == "lost":
                    continue
                a = _median(records, "actordns", mode, ph, k)
                out.append(f"| {h} | " + " | ".join(_ratio(a, _median(records, p.name, mode, ph, k))
                                                   for p in peers) + " |")
            out.append("")
        if "actordns" in labels and peers:
            out += _targets(records, mode, rate, labels)
        out += _kernel_work(records, servers, mode)
    return out


def _kernel_work(records, servers, mode):
    """With --count-syscalls: each server's system calls and context switches per query at the fixed rate."""
    if not any(_values(records, s.name, mode, "fixed", "syscalls_per_q") for s in servers):
        return []
    out = [f"Kernel work per query at the fixed rate, {mode} (`perf stat`, --count-syscalls):", "",
           "| server | system calls per query | context switches per query |", "|---|---|---|"]
    for s in servers:
        out.append(f"| {s.label} | {_cell(records, s.name, mode, 'fixed', 'syscalls_per_q', 1, 2)} "
                   f"| {_cell(records, s.name, mode, 'fixed', 'switches_per_q', 1, 3)} |")
    return out + [""]


def _targets(records, mode, rate, labels):
    out = [f"Targets, {mode}:", "", "| target | ActorDns | peer | met |", "|---|---|---|---|"]
    lost = _values(records, "actordns", mode, "fixed", "lost")
    if lost and "knot" in labels:
        runs = f"{len(lost)} run{'s' * (len(lost) != 1)}"
        out.append(f"| zero loss at {rate:,} q/s | {_num(sum(lost))} lost in {runs} | "
                   f"{_num(sum(_values(records, 'knot', mode, 'fixed', 'lost')))} (Knot DNS) | "
                   f"{'yes' if sum(lost) == 0 else 'no'} |")
    for h, ph, k, peer, factor, higher in TARGETS:
        a, b = _median(records, "actordns", mode, ph, k), _median(records, peer, mode, ph, k)
        if a is None or b is None:
            continue
        met = a >= factor * b if higher else a <= factor * b
        scale, nd = next((sc, nd) for p2, k2, _, sc, nd in METRICS if (p2, k2) == (ph, k))
        out.append(f"| {h} | {_num(a, scale, nd)} | {_num(b, scale, nd)} ({labels[peer]}) | {'yes' if met else 'no'} |")
    return out + [""]


RAW_COLUMNS = [
    ("rep", "rep", None), ("server", "server", None), ("mode", "mode", None), ("phase", "phase", None),
    ("q/s", "qps", (1, 0)), ("sent", "sent", (1, 0)), ("lost", "lost", (1, 0)),
    ("avg µs", "avg_lat", (1e6, 0)), ("p50 µs", "p50", (1e6, 0)), ("p99 µs", "p99", (1e6, 0)),
    ("p99.9 µs", "p999", (1e6, 0)), ("server CPU s", "server_cpu_s", (1, 2)),
    ("server µs/q", "us_per_q", (1, 2)), ("dnsperf µs/q", "dnsperf_us_per_q", (1, 2)),
    ("server cores", "server_cores", (1, 2)), ("busy cores", "busy_cores", (1, 2)),
    ("foreign cores", "foreign_cores", (1, 2)), ("steal cores", "steal_cores", (1, 2)),
    ("quiet-wait s", "gate_wait_s", (1, 1)), ("busy before", "gate_busy", (1, 2)),
    ("server CPUs", "thread_cpus", None), ("syscalls/q", "syscalls_per_q", (1, 2)),
    ("context switches/q", "switches_per_q", (1, 3)),
    ("resp bytes", "resp_size", (1, 0)), ("rcodes", "rcodes", None),
]


def results_file(records, servers, meta):
    a = meta["args"]
    lines = [f"# ActorDns vs Knot DNS vs NSD vs the echo floor — {meta['date']}", "",
             f"Command: `{meta['command']}`", "",
             f"Machine: {os.cpu_count()} CPUs ({meta['cpu']}), Linux {meta['kernel']}; dnsperf {meta['dnsperf']}.",
             "",
             f"Data: {a.names:,} names registered in ActorDns through its HTTP API "
             f"({meta['registration']}); Knot DNS and NSD serve a zone written from ActorDns's "
             f"`GET /meshes/default/dns-records` (A, AAAA {meta['aaaa']}, TTL {meta['ttl']}). Before each "
             f"measured start, {meta.get('verified', 0)} random A/AAAA answers of every server were compared with that "
             f"list, except the echo floor's, which answers NOERROR without records to everything and has no TCP "
             f"phase. Queries: {a.query_count:,} lines, seed {a.seed}, 80 % A / 20 % AAAA, uniform over the names.",
             "",
             f"Method: {a.reps} repetitions; in each, every server is started in every mode, warmed up for "
             f"{a.warmup} s and measured for {a.duration} s per phase; each repetition starts with the next server "
             "in turn.", "",
             f"* `fixed`: `dnsperf -Q {a.rate}` with `-v`; dnsperf {meta['dnsperf']} has no percentile option, so "
             "the percentiles are computed from its per-response lines. `selfpaced`: UDP as fast as dnsperf "
             "goes. `tcp`: `-m tcp`.",
             "* Server CPU = utime + stime of every process of the server (all threads), `/proc/PID/stat` "
             "before and after the run; µs/query = that CPU / answered queries.",
             "* Foreign cores = whole-machine busy time (`/proc/stat`) minus server minus dnsperf: other work "
             "plus the loopback softirq time the kernel charges to no task. A run with more than "
             f"{CONTAMINATED} foreign cores is contaminated. Before each run the tool waits (quiet-wait s, at "
             f"most {a.quiet_wait:g}) until the machine uses fewer than {a.quiet_threshold:g} cores (busy before "
             "= the last one-second sample).",
             f"* {a.placements['pinned'].describe()}. {a.placements['unpinned'].describe()}. With "
             "several dnsperf processes a fixed rate is shared out among them and their results are added up "
             "(latency percentiles over all their responses).", "",
             "| server | version | pinned | unpinned | UDP receive buffer in `ss` (the kernel doubles what is asked) |",
             "|---|---|---|---|---|"]
    for s in servers:
        lines.append(f"| {s.label} | {meta['versions'][s.name]} | {s.settings(a.placements['pinned'])} "
                     f"| {s.settings(a.placements['unpinned'])} "
                     f"| {meta['rcvbuf'].get(s.name, '?')} |")
    lines += ["", "dnsperf command per phase, as first run (the servers differ only in `-p`; unpinned runs "
              "have no `taskset`; with several dnsperf processes this is the first one, its `-Q` its share):", ""]
    lines += [f"* {ph}: `{cmd}`" for ph, cmd in meta["dnsperf_cmds"].items()]
    lines += ["", "## Summary", ""] + summary(records, servers, meta["modes"], a.rate)
    lines += ["## Raw runs", "", "| " + " | ".join(h for h, _, _ in RAW_COLUMNS) + " |",
              "|---" * len(RAW_COLUMNS) + "|"]
    for r in records:
        cells = []
        for _, key, fmt in RAW_COLUMNS:
            v = r.get(key)
            cells.append(str(v) if fmt is None and v is not None else _num(v, *fmt) if fmt else "–")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def readme_section(records, servers, meta, results_rel):
    a = meta["args"]
    body = [f"{meta['date']}, {a.names:,} names, {a.reps} × {a.duration} s per phase, commit "
            f"{meta['versions']['actordns']}; full numbers and method in [{results_rel}]({results_rel}).", "",
            f"`{meta['command']}`", ""] + summary(records, servers, meta["modes"], a.rate)
    return "\n".join(body).rstrip() + "\n"


def replace_section(readme_path, section):
    with open(readme_path) as f:
        text = f.read()
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise RuntimeError(f"{readme_path} has no {BEGIN} … {END} section")
    with open(readme_path, "w") as f:
        f.write(pattern.sub(lambda _: f"{BEGIN}\n{section}{END}", text))
