"""Running dnsperf and reading its output.

dnsperf 2.10 reports only the average, minimum, maximum and standard deviation of latency; it has no
histogram or percentile option. With `-v` it prints every response (`> RCODE name type latency`), and
the percentiles are computed from those lines.
"""
import math
import re
import subprocess
import time

_STATS = {
    "sent": r"Queries sent:\s+(\d+)",
    "completed": r"Queries completed:\s+(\d+)",
    "lost": r"Queries lost:\s+(\d+)",
    "qps": r"Queries per second:\s+([\d.]+)",
    "runtime": r"Run time \(s\):\s+([\d.]+)",
    # The first "Average Latency" is the queries'; over TCP a second one follows for connections.
    "avg_lat": r"Average Latency \(s\):\s+([\d.]+)",
    "min_lat": r"Average Latency \(s\):\s+[\d.]+ \(min ([\d.]+)",
    "max_lat": r"Average Latency \(s\):\s+[\d.]+ \(min [\d.]+, max ([\d.]+)",
    "resp_size": r"Average packet size:\s+request \d+, response (\d+)",
}
_COUNTS = ("sent", "completed", "lost", "resp_size")


def version():
    r = subprocess.run(["dnsperf", "-h"], capture_output=True, text=True)
    m = re.search(r"Version ([\d.]+)", r.stdout + r.stderr)
    return m.group(1) if m else "?"


def run(port, queries, duration, opts, placement, out_path, verbose=False):
    """dnsperf against 127.0.0.1:port, one process per client CPU of the placement, all at once; a fixed rate (`-Q`)
    is shared out among them. The first process's output goes to out_path, the others' to out_path.2, .3, ...
    Returns (the first argv, the statistics of all of them together, with "outputs": every output file)."""
    argvs = []
    for i, cpu in enumerate(placement.client_cpus):
        argvs.append((["taskset", "-c", cpu] if cpu is not None else []) + [
            "dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", queries, "-l", str(duration)]
            + _share_rate(opts, i, placement.clients) + (["-v"] if verbose else []))
    outputs = [out_path] + [f"{out_path}.{i}" for i in range(2, len(argvs) + 1)]
    files = [open(path, "w") for path in outputs]
    started = []
    try:
        for argv, f in zip(argvs, files):
            started.append(subprocess.Popen(argv, stdout=f, stderr=subprocess.STDOUT))
        # dnsperf waits up to its 5 s query timeout after the time limit; a hang beyond that is a failure.
        deadline = time.monotonic() + duration + 60
        codes = []
        for p in started:
            try:
                codes.append(p.wait(max(0.0, deadline - time.monotonic())))
            except subprocess.TimeoutExpired:
                raise RuntimeError(f"dnsperf did not finish within {duration + 60} s, see {out_path}") from None
    except BaseException:
        # A hang, Ctrl-C or a failed start: none of them outlives the run.
        for p in started:
            p.kill()
            p.wait()
        raise
    finally:
        for f in files:
            f.close()
    stats = [_parse(path, code) for path, code in zip(outputs, codes)]
    merged = _merge(stats)
    merged["outputs"] = outputs
    return argvs[0], merged


def _share_rate(opts, index, count):
    """opts with `-Q RATE` replaced by this process's share of RATE (the remainder goes to the first ones)."""
    if count == 1 or "-Q" not in opts:
        return list(opts)
    at = opts.index("-Q") + 1
    rate = int(opts[at])
    return opts[:at] + [str(rate // count + (index < rate % count))] + opts[at + 1:]


def _parse(path, code):
    text = _statistics_part(path)
    if code != 0 or "Queries sent" not in text:
        raise RuntimeError(f"dnsperf failed (exit {code}), see {path}:\n{text[-1500:]}")
    stats = {}
    for key, rx in _STATS.items():
        m = re.search(rx, text)
        stats[key] = (int(m.group(1)) if key in _COUNTS else float(m.group(1))) if m else None
    m = re.search(r"Response codes:\s+(.*)", text)
    stats["rcodes"] = m.group(1).strip() if m else ""
    return stats


def _merge(stats):
    """One process's statistics as they are; several processes' summed (counts, q/s), weighted (average latency) or
    bounded (minimum, maximum, run time)."""
    if len(stats) == 1:
        return stats[0]
    out = {k: sum(s[k] or 0 for s in stats) for k in ("sent", "completed", "lost", "qps")}
    done = out["completed"]
    lats = [(s["avg_lat"], s["completed"] or 0) for s in stats if s["avg_lat"] is not None]
    out["avg_lat"] = sum(v * n for v, n in lats) / done if lats and done else None
    for key, pick in (("min_lat", min), ("max_lat", max), ("runtime", max)):
        values = [s[key] for s in stats if s[key] is not None]
        out[key] = pick(values) if values else None
    out["resp_size"] = stats[0]["resp_size"]
    counts = {}
    for s in stats:
        for rcode, n in re.findall(r"(\w+) (\d+) \(", s["rcodes"]):
            counts[rcode] = counts.get(rcode, 0) + int(n)
    total = sum(counts.values())
    out["rcodes"] = ", ".join(f"{rcode} {n} ({100 * n / total:.2f}%)" for rcode, n in counts.items())
    return out


def _statistics_part(path):
    """The summary at the end, without reading a verbose file's per-response lines into one string."""
    keep = []
    with open(path, errors="replace") as f:
        for line in f:
            if not line.startswith(("> ", "[Timeout]")):
                keep.append(line)
    return "".join(keep)


def percentiles(paths, qs=(0.5, 0.9, 0.99, 0.999)):
    """Nearest-rank latency percentiles (seconds) of the answered queries in `dnsperf -v` outputs, taken together."""
    lats = []
    for path in paths:
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith("> "):
                    p = line.split()
                    if len(p) == 5 and p[1] not in ("T", "I"):
                        lats.append(float(p[4]))
    if not lats:
        return {}
    lats.sort()
    out = {f"p{_label(q)}": lats[max(0, math.ceil(q * len(lats)) - 1)] for q in qs}
    out["lat_n"] = len(lats)
    return out


def _label(q):
    return f"{q * 100:g}".replace(".", "")
