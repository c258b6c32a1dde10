"""The servers, started by hand on 127.0.0.1 high ports with comparable settings: ActorDns, Knot DNS, NSD and the
echo floor (perf/compare/echo-floor.c, built here), which answers every query without looking anything up.

Where a server runs and how many workers it has come from a procs.Placement: pinned, it is started under
`taskset -c CPUS` with one worker per core, then every thread is re-pinned to those CPUs; unpinned, no taskset and
one worker per CPU. UDP receive buffers are 4 MiB where configurable.
"""
import os
import re
import subprocess
import time
import urllib.request

import procs

RCVBUF = 4 << 20


class Running:
    """A started server: its processes, for CPU accounting, pinning and stopping."""

    def __init__(self, server, group, started, placement):
        self.server, self.group, self.started, self.placement = server, group, started, placement

    def pids(self):
        return procs.tree_pids(self.started.pid)

    def stop(self):
        self.group.stop(self.started)


class Server:
    name = label = ""
    # The echo floor serves neither: its runs have no answer check and no TCP phase.
    answers_names = serves_tcp = True

    def __init__(self, port, work):
        self.port, self.work = port, work

    def command(self, d, workers, pinned):
        raise NotImplementedError

    def start(self, group, placement, check=None, ready_timeout=120):
        """check = (name, ipv4) the server must answer before it counts as started."""
        d = os.path.join(self.work, f"{self.name}-{'pinned' if placement.pinned else 'unpinned'}")
        os.makedirs(d, exist_ok=True)
        argv = self.command(d, placement.workers, placement.pinned)
        if placement.pinned:
            argv = ["taskset", "-c", placement.server_cpus] + argv
        log = os.path.join(d, "server.log")
        started = group.start(argv, log, cwd=d)
        run = Running(self, group, started, placement)
        try:
            self.wait_ready(started, check, time.monotonic() + ready_timeout, log)
            if placement.pinned:
                procs.pin(run.pids(), placement.server_cpus)
        except BaseException:
            run.stop()
            raise
        return run

    def wait_ready(self, started, check, deadline, log):
        name, ip = check
        while True:
            r = subprocess.run(["dig", "@127.0.0.1", "-p", str(self.port), name, "A", "+short", "+time=1",
                                "+tries=1"], capture_output=True, text=True)
            if r.stdout.split() == [ip]:
                return
            _fail_if_dead_or_late(self, started, deadline, log)
            time.sleep(0.2)

    def udp_rcvbuf(self):
        """Receive buffer sizes the kernel actually gave the server's UDP sockets."""
        r = subprocess.run(["ss", "-Huanm", f"sport = :{self.port}"], capture_output=True, text=True)
        sizes = sorted(set(re.findall(r"\brb(\d+)", r.stdout)), key=int)
        return "/".join(f"{int(s) // 1024} KiB" for s in sizes) or "?"


def _fail_if_dead_or_late(server, started, deadline, log):
    if not started.alive() or time.monotonic() > deadline:
        with open(log, errors="replace") as f:
            tail = f.read()[-2000:]
        why = "exited" if not started.alive() else "did not answer in time"
        raise RuntimeError(f"{server.label} {why}; log {log}:\n{tail}")


def _version(argv, pattern):
    r = subprocess.run(argv, capture_output=True, text=True)
    m = re.search(pattern, r.stdout + r.stderr)
    return m.group(1) if m else "?"


class ActorDns(Server):
    name, label = "actordns", "ActorDns"

    def __init__(self, port, work, repo, api_port, upstream_port, name="actordns", label="ActorDns"):
        super().__init__(port, work)
        self.name, self.label = name, label
        self.repo, self.api_port, self.upstream_port = repo, api_port, upstream_port
        self.dll = os.path.join(repo, "src/ActorDns.Host/bin/Release/net10.0/actordns.dll")
        # One data dir for every start: registration writes the journal once, later starts recover it.
        self.data_dir = os.path.join(work, f"{name}-data")

    @property
    def api(self):
        return f"http://127.0.0.1:{self.api_port}"

    def command(self, d, workers, pinned):
        argv = ["dotnet", self.dll, "standalone", "--data-dir", self.data_dir,
                "--dns-address", f"127.0.0.1:{self.port}=default", "--api-address", f"127.0.0.1:{self.api_port}",
                # Always on loopback: nothing may leave this machine, even a forwarded miss.
                "--upstream", f"127.0.0.1:{self.upstream_port}"]
        return argv + ["--udp-loops", str(workers)] if pinned else argv

    def wait_ready(self, started, check, deadline, log):
        while True:
            try:
                with urllib.request.urlopen(f"{self.api}/health/ready", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            _fail_if_dead_or_late(self, started, deadline, log)
            time.sleep(0.2)
        if check:
            super().wait_ready(started, check, deadline, log)

    def version(self):
        rev = subprocess.run(["git", "-C", self.repo, "describe", "--always", "--dirty"],
                             capture_output=True, text=True).stdout.strip()
        runtime = _version(["dotnet", "--list-runtimes"], r"Microsoft\.NETCore\.App (10\.[\d.]+)")
        return f"{rev or '?'} (.NET {runtime}, Release)"

    def settings(self, placement):
        return f"`--udp-loops {placement.workers}`" if placement.pinned else f"`--udp-loops` default ({placement.workers})"


class Knot(Server):
    name, label = "knot", "Knot DNS"

    def __init__(self, port, work, zone):
        super().__init__(port, work)
        self.zone = zone

    def command(self, d, workers, pinned):
        conf = os.path.join(d, "knot.conf")
        os.makedirs(os.path.join(d, "db"), exist_ok=True)
        with open(conf, "w") as f:
            f.write(f"""server:
    rundir: "{d}"
    pidfile: "{d}/knot.pid"
    listen: 127.0.0.1@{self.port}
    udp-workers: {workers}
    tcp-workers: {workers}
    background-workers: 1
control:
    listen: "{d}/knot.sock"
database:
    storage: "{d}/db"
log:
  - target: stderr
    any: warning
zone:
  - domain: {self.zone.origin}
    file: "{self.zone.path}"
    journal-content: none
    zonefile-sync: -1
""")
        return ["knotd", "-c", conf]

    def version(self):
        return _version(["knotd", "-V"], r"version ([\d.]+)")

    def settings(self, placement):
        n = placement.workers
        return f"`udp-workers: {n}`, `tcp-workers: {n}` (SO_RCVBUF not configurable)"


class Nsd(Server):
    name, label = "nsd", "NSD"

    def __init__(self, port, work, zone):
        super().__init__(port, work)
        self.zone = zone

    def command(self, d, workers, pinned):
        conf = os.path.join(d, "nsd.conf")
        with open(conf, "w") as f:
            f.write(f"""server:
    ip-address: 127.0.0.1@{self.port}
    do-ip6: no
    server-count: {workers}
    reuseport: yes
    receive-buffer-size: {RCVBUF}
    send-buffer-size: {RCVBUF}
    username: ""
    chroot: ""
    database: ""
    zonesdir: "{d}"
    zonelistfile: "{d}/zone.list"
    xfrdfile: "{d}/xfrd.state"
    xfrdir: "{d}"
    pidfile: "{d}/nsd.pid"
    logfile: "{d}/nsd.log"
    verbosity: 0
    minimal-responses: yes
    zonefiles-write: 0
remote-control:
    control-enable: no
zone:
    name: {self.zone.origin}
    zonefile: "{self.zone.path}"
""")
        return ["nsd", "-d", "-c", conf]

    def version(self):
        return _version(["nsd", "-v"], r"NSD version ([\d.]+)")

    def settings(self, placement):
        n = placement.workers
        return f"`server-count: {n}`, `reuseport: yes`, `receive-buffer-size: {RCVBUF}`"


class EchoFloor(Server):
    """The least a UDP server can do per query on this machine: recvmmsg, set QR, sendmmsg. No TCP, no answers."""
    name, label = "echo", "echo floor"
    answers_names = serves_tcp = False

    def __init__(self, port, work):
        super().__init__(port, work)
        self.source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "echo-floor.c")
        self.binary = os.path.join(work, "echo-floor")

    def build(self):
        r = subprocess.run(["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-pthread", "-o", self.binary, self.source],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"building {self.source} failed:\n{r.stderr[-1500:]}")

    def command(self, d, workers, pinned):
        if not os.path.exists(self.binary):
            self.build()
        return [self.binary, "127.0.0.1", str(self.port), str(workers)]

    def wait_ready(self, started, check, deadline, log):
        # It answers NOERROR with no records whatever is asked.
        while True:
            r = subprocess.run(["dig", "@127.0.0.1", "-p", str(self.port), "ready.", "A", "+time=1", "+tries=1"],
                               capture_output=True, text=True)
            if "status: NOERROR" in r.stdout:
                return
            _fail_if_dead_or_late(self, started, deadline, log)
            time.sleep(0.2)

    def version(self):
        return "perf/compare/echo-floor.c, " + _version(["gcc", "--version"], r"(gcc \S+ \S+ \S+)")

    def settings(self, placement):
        n = placement.workers
        return f"{n} thread{'s' * (n != 1)}, batches of 64, `SO_RCVBUF` {RCVBUF >> 20} MiB"
