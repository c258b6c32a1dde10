"""Running dnsperf and reading its output.

dnsperf 2.10 reports only the average, minimum, maximum and standard deviation of latency; it has no
histogram or percentile option. With `-v` it prints every response (`> RCODE name type latency`), and
the percentiles are computed from those lines.
"""
import math
import re
import subprocess

import procs

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


def run(port, queries, duration, opts, pinned, out_path, verbose=False):
    """One dnsperf run; its whole output goes to out_path. Returns (argv, parsed statistics)."""
    argv = (["taskset", "-c", procs.CLIENT_CPU] if pinned else []) + [
        "dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", queries, "-l", str(duration)] + opts
    if verbose:
        argv.append("-v")
    with open(out_path, "w") as out:
        # dnsperf waits up to its 5 s query timeout after the time limit; a hang beyond that is a failure.
        r = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, timeout=duration + 60)
    text = _statistics_part(out_path)
    if r.returncode != 0 or "Queries sent" not in text:
        raise RuntimeError(f"dnsperf failed (exit {r.returncode}), see {out_path}:\n{text[-1500:]}")
    stats = {}
    for key, rx in _STATS.items():
        m = re.search(rx, text)
        stats[key] = (int(m.group(1)) if key in _COUNTS else float(m.group(1))) if m else None
    m = re.search(r"Response codes:\s+(.*)", text)
    stats["rcodes"] = m.group(1).strip() if m else ""
    return argv, stats


def _statistics_part(path):
    """The summary at the end, without reading a verbose file's per-response lines into one string."""
    keep = []
    with open(path, errors="replace") as f:
        for line in f:
            if not line.startswith(("> ", "[Timeout]")):
                keep.append(line)
    return "".join(keep)


def percentiles(path, qs=(0.5, 0.9, 0.99, 0.999)):
    """Nearest-rank latency percentiles (seconds) of the answered queries in a `dnsperf -v` output."""
    lats = []
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
