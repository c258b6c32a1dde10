"""Processes this tool starts, and CPU time read from /proc.

Every process is stopped by its own PID (never by name): SIGTERM, then SIGKILL after a grace period.
"""
import os
import signal
import subprocess
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
SERVER_CPU = "1"
CLIENT_CPU = "0"


class Placement:
    """Where a server and the dnsperf processes that load it run.

    Unpinned: no CPU affinity, one server worker per CPU, one dnsperf. Pinned to N cores: the server on the last N CPUs
    with N workers, and one dnsperf process per remaining CPU, at most N, each pinned to its own CPU; with one core
    that is the server on CPU 1 and dnsperf on CPU 0 (SERVER_CPU, CLIENT_CPU), on this 2-CPU machine and any other.
    """

    def __init__(self, cores=None):
        n = os.cpu_count()
        self.pinned = cores is not None
        if self.pinned and not 1 <= cores < n:
            raise RuntimeError(f"--cores {cores}: this machine has {n} CPUs; the server may have 1 to {n - 1}, "
                               "the others run dnsperf")
        self.workers = cores if self.pinned else n
        if not self.pinned:
            self.server_cpus, self.client_cpus = None, [None]
        elif cores == 1:
            self.server_cpus, self.client_cpus = SERVER_CPU, [CLIENT_CPU]
        else:
            first = n - cores
            self.server_cpus = f"{first}-{n - 1}"
            self.client_cpus = [str(c) for c in range(min(first, cores))]

    @property
    def clients(self):
        return len(self.client_cpus)

    def describe(self):
        if not self.pinned:
            return f"Unpinned: no taskset, {self.workers} workers (one per CPU), one dnsperf"
        dnsperfs = "one dnsperf" if self.clients == 1 else f"{self.clients} dnsperf processes"
        return (f"Pinned: the server on CPU {self.server_cpus} with {self.workers} worker{'s' * (self.workers != 1)}, "
                f"every thread re-pinned with `taskset -a -p -c {self.server_cpus}` after start (Knot pins its "
                f"workers itself); {dnsperfs}, on CPU {', '.join(self.client_cpus)}")


class Started:
    """One started process and the log its output goes to."""

    def __init__(self, argv, log_path, cwd=None):
        self._log = open(log_path, "w")
        # A session of its own: Ctrl-C in the terminal reaches only us, and we stop the servers in order.
        self.popen = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT, cwd=cwd,
                                      start_new_session=True)
        self.pid = self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def stop(self, grace=10.0):
        # NSD forks workers; note them first so none outlives a main process that had to be killed.
        family = [(p, start_time(p)) for p in tree_pids(self.pid) if p != self.pid]
        if self.alive():
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(grace)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()
        for pid, started in family:
            if started is not None and start_time(pid) == started:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        self._log.close()


class ProcessGroup:
    """Everything started during one run, so that any exit path stops all of it."""

    def __init__(self):
        self._started = []

    def start(self, argv, log_path, cwd=None):
        p = Started(argv, log_path, cwd)
        self._started.append(p)
        return p

    def stop(self, p):
        p.stop()
        self._started.remove(p)

    def stop_all(self):
        while self._started:
            self.stop(self._started[-1])


class KernelCounter:
    """`perf stat` counting a server's system calls and context switches while one run lasts (--count-syscalls).

    It counts every thread the server has when it starts, from the moment perf has attached (a few milliseconds after
    the run began) until it is stopped (just after the run ended), so the counts per query are off by a few
    milliseconds' worth either way. The tracepoint adds a little to each call.
    """

    EVENTS = ("raw_syscalls:sys_enter", "context-switches")

    def __init__(self, pids, out_path):
        self._out = out_path
        self._p = subprocess.Popen(["perf", "stat", "-x", ",", "-o", out_path, "-e", ",".join(self.EVENTS),
                                    "-p", ",".join(map(str, pids))],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self):
        """The counts by event name; an event perf could not count, or a perf that failed, leaves them missing."""
        if self._p.poll() is None:
            self._p.send_signal(signal.SIGINT)
        try:
            self._p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._p.kill()
            self._p.wait()
        counts = {}
        if os.path.exists(self._out):
            with open(self._out) as f:
                for line in f:
                    fields = line.strip().split(",")
                    if len(fields) > 2 and fields[0].isdigit():
                        counts[fields[2]] = int(fields[0])
        return counts


def _stat_fields(pid):
    """Fields of /proc/PID/stat after the command name (which may contain spaces and parentheses)."""
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    return s[s.rindex(")") + 2:].split()


def start_time(pid):
    """Start time in ticks since boot: with the PID, identifies a process even if the PID is reused."""
    try:
        return int(_stat_fields(pid)[19])
    except (OSError, ValueError, IndexError):
        return None


def tree_pids(root):
    """root and all its descendants."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                children.setdefault(int(_stat_fields(entry)[1]), []).append(int(entry))
            except (OSError, ValueError, IndexError):
                pass
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def cpu_seconds(pids):
    """utime + stime of each process; /proc/PID/stat sums all threads of the process."""
    ticks = 0
    for pid in pids:
        try:
            f = _stat_fields(pid)
            ticks += int(f[11]) + int(f[12])
        except (OSError, ValueError, IndexError):
            pass
    return ticks / CLK_TCK


def children_cpu_seconds():
    """CPU of our reaped children (dnsperf): diff it around one run."""
    r = os.times()
    return r.children_user + r.children_system


def machine_cpu():
    """(not-idle seconds summed over CPUs, steal seconds), from /proc/stat.

    Counted as wall time minus idle, iowait and steal: with NO_HZ the idle times are measured precisely,
    while user/system are tick samples, which miss much of the short bursts of a fixed-rate load."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    idle, iowait, steal = v[3], v[4], v[7]
    return os.cpu_count() * time.monotonic() - (idle + iowait + steal) / CLK_TCK, steal / CLK_TCK


def busy_cores(sample_s=1.0):
    b0, _ = machine_cpu()
    t0 = time.monotonic()
    time.sleep(sample_s)
    b1, _ = machine_cpu()
    return (b1 - b0) / (time.monotonic() - t0)


def wait_quiet(threshold, max_wait):
    """Other work shares this machine: wait (bounded) until it uses less than `threshold` cores.

    Returns (seconds waited, last busy-cores sample)."""
    t0 = time.monotonic()
    while True:
        busy = busy_cores()
        waited = time.monotonic() - t0
        if busy < threshold or waited >= max_wait:
            return round(waited, 1), round(busy, 2)


def pin(pids, cpu):
    """Re-pin every thread of every process: Knot pins its own UDP workers, overriding `taskset -c`."""
    for pid in pids:
        r = subprocess.run(["taskset", "-a", "-p", "-c", cpu, str(pid)], capture_output=True, text=True)
        if r.returncode != 0 and os.path.exists(f"/proc/{pid}"):
            raise RuntimeError(f"taskset -a -p -c {cpu} {pid} failed: {r.stderr.strip()}")


def thread_cpus(pids):
    """The distinct CPU lists the threads may run on, e.g. '1' when pinning held."""
    seen = set()
    for pid in pids:
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/status") as f:
                    for line in f:
                        if line.startswith("Cpus_allowed_list:"):
                            seen.add(line.split()[1])
        except OSError:
            pass
    return "; ".join(sorted(seen)) or "?"
