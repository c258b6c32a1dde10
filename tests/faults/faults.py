#!/usr/bin/env python3
"""Fault harness for the real topology (issue 15): three control-plane nodes on PostgreSQL and two resolvers, each
node run as its own Unix user, all inside a private network namespace whose nftables rules cut what a scenario says.

    tests/faults/faults.py SCENARIO [--bin DIR] [--work DIR]
    scenarios: cut-proof, partition, partition-bridged, partition-oneway, flapping, resolver-cut,
               resolver-cut-bridged, pause,
               nemesis [--minutes M] [--seed S]
                                                               (each exits 0 when every property held, 1 otherwise)
    tests/faults/faults.py shell [--bin DIR]                  start the cluster, print its endpoints, then read
                                                               commands: cut A B | oneway A B | heal | sleep SECONDS | stop

Nodes are cp1 cp2 cp3 r1 r2. Every connection leaves from 127.0.0.1 whichever node opens it, so a rule on addresses
would cut nothing: a packet is told apart by the user of the socket that sends it (`meta skuid`) and, for a reply on a
connection another node opened, by the conntrack mark that the opener's user set on it. `cut A B` drops what A sends
to B and what B sends to A; `oneway A B` only the first. Needs root, nft, setpriv and PostgreSQL's server binaries;
runs itself under `unshare -n` (nothing leaves the namespace), and stops everything it started, by PID.
--bin is the directory of actordns.dll (default: a Release build made here).
"""
import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NODES = ["cp1", "cp2", "cp3", "r1", "r2"]
CONTROL_PLANES = NODES[:3]
RESOLVERS = NODES[3:]
PG_PORT = 55432
JOURNAL = f"Host=127.0.0.1;Port={PG_PORT};Database=actordns;Username=actordns;Password=actordns"
TABLE = "actordns_faults"


def remoting_port(node): return 4101 + NODES.index(node)
def api_port(node): return 5101 + NODES.index(node)
def dns_port(node): return 5301 + NODES.index(node)
def user(node): return f"actordns-fault-{node}"
def mark(node): return NODES.index(node) + 1


def log(message):
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def run(*args, check=True, **kwargs):
    return subprocess.run(list(args), check=check, capture_output=True, text=True, **kwargs)


def nft(script):
    subprocess.run(["nft", "-f", "-"], input=script, check=True, text=True)


class Cluster:
    """The five nodes and their database, started in the current (private) network namespace."""

    def __init__(self, work, bin_dir):
        self.work = work
        self.processes = {}
        self.pg = None
        os.chmod(work, 0o755)
        self.bin = os.path.join(work, "bin")
        shutil.copytree(bin_dir, self.bin)
        run("chmod", "-R", "a+rX", self.bin)
        self.key = os.path.join(work, "signing-key.pem")
        run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", self.key)
        self.uids = {}
        self.gids = {}
        for node in NODES:
            if run("getent", "passwd", user(node), check=False).returncode != 0:
                run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", user(node))
            self.uids[node] = int(run("id", "-u", user(node)).stdout)
            self.gids[node] = int(run("id", "-g", user(node)).stdout)

    # --- the network -------------------------------------------------------------------------------------------
    def network(self):
        run("ip", "link", "set", "lo", "up")
        marks = "\n".join(f"    ct state new meta skuid {self.uids[n]} ct mark set {mark(n)}" for n in NODES)
        nft(f"""table inet {TABLE} {{
  chain output {{
    type filter hook output priority 0; policy accept;
{marks}
    jump cuts
  }}
  chain cuts {{
  }}
}}
""")

    def oneway(self, a, b):
        """Drops every packet A sends to B: on connections A opened (to B's ports) and on those B opened (marked B)."""
        ports = ", ".join(str(p(b)) for p in (remoting_port, api_port, dns_port))
        nft(f"""add rule inet {TABLE} cuts meta skuid {self.uids[a]} ct direction original tcp dport {{ {ports} }} drop
add rule inet {TABLE} cuts meta skuid {self.uids[a]} ct direction original udp dport {{ {ports} }} drop
add rule inet {TABLE} cuts meta skuid {self.uids[a]} ct direction reply ct mark {mark(b)} drop
""")
        log(f"cut {a} -> {b}")

    def cut(self, a, b):
        self.oneway(a, b)
        self.oneway(b, a)

    def heal(self):
        nft(f"flush chain inet {TABLE} cuts\n")
        log("healed")

    def can_connect(self, a, b, timeout=1.0):
        """Whether node A's user can open a TCP connection to B's remoting port now."""
        probe = f"import socket; socket.create_connection(('127.0.0.1', {remoting_port(b)}), timeout={timeout})"
        return run("setpriv", f"--reuid={self.uids[a]}", f"--regid={self.gids[a]}", "--clear-groups",
                   "/usr/bin/python3", "-c", probe, check=False, cwd="/").returncode == 0

    # --- the database ------------------------------------------------------------------------------------------
    def database(self):
        pgbin = sorted(os.listdir("/usr/lib/postgresql"), key=lambda v: [int(x) for x in v.split(".")])[-1]
        pgbin = f"/usr/lib/postgresql/{pgbin}/bin"
        data = os.path.join(self.work, "pg")
        os.mkdir(data)
        shutil.chown(data, "postgres", "postgres")
        run("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", f"{pgbin}/initdb", "-D", data, "-A", "trust",
            "-U", "postgres", "--no-sync", cwd=data)
        self.pg = (pgbin, data)
        self.start_database()
        self.sql("CREATE ROLE actordns LOGIN PASSWORD 'actordns'")
        self.sql("CREATE DATABASE actordns OWNER actordns")

    def start_database(self):
        """The postmaster as a child of this process (not daemonized by pg_ctl), so that it is stopped with the rest."""
        pgbin, data = self.pg
        self.processes["postgres"] = subprocess.Popen(
            ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--pdeathsig", "SIGKILL",
             f"{pgbin}/postgres", "-D", data, "-p", str(PG_PORT), "-k", data, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
            stdout=open(os.path.join(data, "log"), "a"), stderr=subprocess.STDOUT, cwd=data)
        ready = eventually(lambda: run("pg_isready", "-h", "127.0.0.1", "-p", str(PG_PORT), "-q", check=False).returncode == 0, 30, 0.2)
        if ready is None:
            raise RuntimeError(f"PostgreSQL did not start; see {data}/log")

    def database_restart(self, seconds):
        """Stops PostgreSQL at once (SIGQUIT: -m immediate, as a crash), and starts it again after SECONDS."""
        postmaster = self.processes.pop("postgres")
        postmaster.send_signal(signal.SIGQUIT)
        postmaster.wait()
        time.sleep(seconds)
        self.start_database()

    def sql(self, statement, database="postgres"):
        return run("psql", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "-d", database, "-tAc", statement).stdout

    # --- the nodes ---------------------------------------------------------------------------------------------
    def start(self, node):
        data = os.path.join(self.work, node)
        os.makedirs(data, exist_ok=True)
        shutil.chown(data, self.uids[node], self.gids[node])
        seeds = [a for s in CONTROL_PLANES[:2] for a in ("--seed-node", f"akka.tcp://actordns@127.0.0.1:{remoting_port(s)}")]
        common = ["--remoting", f"127.0.0.1:{remoting_port(node)}", *seeds, "--api-address", f"127.0.0.1:{api_port(node)}",
                  "--data-dir", data]
        if node in CONTROL_PLANES:
            # One signing key for the three (a token from one is good on all), each node's copy its own, mode 600.
            key = os.path.join(data, "signing-key.pem")
            shutil.copyfile(self.key, key)
            shutil.chown(key, self.uids[node], self.gids[node])
            os.chmod(key, 0o600)
            args = ["control-plane", *common, "--journal", f"postgres:{JOURNAL}", "--api-token-signing-key", key]
        else:
            args = ["resolver", *common, "--dns-address", f"127.0.0.1:{dns_port(node)}=default", "--upstream", "127.0.0.1:9"]
        env = dict(os.environ, HOME=data, DOTNET_CLI_TELEMETRY_OPTOUT="1", Logging__LogLevel__Akka="Information")
        out = open(os.path.join(self.work, f"{node}.log"), "a")
        self.processes[node] = subprocess.Popen(
            ["setpriv", f"--reuid={self.uids[node]}", f"--regid={self.gids[node]}", "--clear-groups", "--pdeathsig", "SIGKILL",
             "dotnet", os.path.join(self.bin, "actordns.dll"), *args], stdout=out, stderr=subprocess.STDOUT, env=env,
            cwd=data)  # the node's user may not enter the caller's directory (a clone under a mode 700 mktemp -d)

    def start_all(self):
        self.network()
        self.database()
        for node in NODES:
            self.start(node)
        for node in NODES:
            self.wait_ready(node)
        self.token = open(os.path.join(self.work, "cp1", "admin-token")).read().strip()
        log("cluster ready: " + ", ".join(f"{n} api 127.0.0.1:{api_port(n)}" for n in NODES))

    def wait_ready(self, node, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[node].poll() is not None:
                raise RuntimeError(f"{node} exited with {self.processes[node].returncode}; see {self.work}/{node}.log")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{api_port(node)}/health/ready", timeout=2).close()
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise RuntimeError(f"{node} not ready within {timeout} s; see {self.work}/{node}.log")

    def restart_exited(self, verdict=None, expected=(3,)):
        """Starts again every node whose process has exited (a downed control-plane node exits with 3), as its
        supervisor (systemd, Kubernetes, compose's restart policy) would, and waits until it is ready. With a verdict,
        an exit code not in EXPECTED (-9: killed by the nemesis) is a failed property: a node crashed."""
        exited = [n for n in NODES if not self.alive(n)]
        for node in exited:
            code = self.processes[node].returncode
            log(f"{node} had exited with {code}; starting it again")
            if verdict is not None:
                verdict.check(code in expected, f"{node} exited with an expected code ({code})")
            self.start(node)
        for node in exited:
            self.wait_ready(node)

    def alive(self, node):
        return self.processes[node].poll() is None

    def stop(self):
        """Stops every process this harness started, by PID (PostgreSQL with SIGQUIT, its immediate shutdown)."""
        for name, process in self.processes.items():
            if process.poll() is None:
                if name == "postgres":
                    process.send_signal(signal.SIGQUIT)
                else:
                    process.kill()
                process.wait()
        run("nft", "delete", "table", "inet", TABLE, check=False)

    # --- clients -----------------------------------------------------------------------------------------------
    def http(self, node, method, path, body=None, timeout=3.0):
        """(status, parsed JSON or None); status 0 when no answer came within the timeout."""
        request = urllib.request.Request(f"http://127.0.0.1:{api_port(node)}{path}", method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                text = response.read()
                return response.status, json.loads(text) if text else None
        except urllib.error.HTTPError as e:
            return e.code, None
        except (urllib.error.URLError, OSError):
            return 0, None

    def register(self, node, service, timeout=3.0):
        body = {"type": "Dataplane", "mesh": "default", "name": f"dp-{service}",
                "networking": {"address": "10.0.0.1", "inbound": [{"port": 8080, "tags": {"kuma.io/service": service}}]}}
        return self.http(node, "PUT", f"/meshes/default/dataplanes/dp-{service}", body, timeout)[0]

    def vips(self, node):
        # A mesh of thousands of entries on a busy machine takes seconds to list.
        status, body = self.http(node, "GET", "/meshes/default/vips", timeout=15)
        return {e["key"]: e["vip"] for e in body["entries"]} if status == 200 else None

    def dns(self, node, name):
        out = run("dig", "+short", "+time=1", "+tries=1", "-p", str(dns_port(node)), "@127.0.0.1", name, "A", check=False).stdout
        lines = [l for l in out.splitlines() if re.match(r"^\d+\.\d+\.\d+\.\d+$", l)]
        return lines[0] if lines else None

    def table_version(self, node):
        try:
            metrics = urllib.request.urlopen(f"http://127.0.0.1:{api_port(node)}/metrics", timeout=3).read().decode()
        except (urllib.error.URLError, OSError):
            return None
        found = re.search(r'^actordns_resolver_table_version\{mesh="default"\} (\S+)', metrics, re.M)
        return int(float(found.group(1))) if found else None

    def owner(self):
        for node in CONTROL_PLANES:
            if self.alive(node):
                try:
                    metrics = urllib.request.urlopen(f"http://127.0.0.1:{api_port(node)}/metrics", timeout=3).read().decode()
                except (urllib.error.URLError, OSError):
                    continue
                if re.search(r'^actordns_zone_version\{mesh="default"\}', metrics, re.M):
                    return node
        raise RuntimeError("no control-plane node hosts mesh default")

    def journal_check(self):
        """No second writer left a trace: per persistence id the sequence numbers run 1..N without a gap or a twin."""
        table = self.sql("SELECT table_name FROM information_schema.tables WHERE table_name IN ('journal', 'event_journal') LIMIT 1", "actordns").strip()
        rows = self.sql(f"SELECT persistence_id, count(*), count(DISTINCT sequence_number), max(sequence_number) FROM {table} GROUP BY persistence_id", "actordns")
        problems = []
        for row in rows.splitlines():
            pid, count, distinct, highest = row.split("|")
            if not (count == distinct == highest):
                problems.append(f"{pid}: {count} events, {distinct} distinct sequence numbers, highest {highest}")
        return problems


def eventually(probe, timeout, interval=0.1):
    """The time in seconds until probe() is true, or None after timeout."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if probe():
            return time.monotonic() - start
        time.sleep(interval)
    return None


class Verdict:
    def __init__(self):
        self.failures = []

    def check(self, ok, what):
        log(("ok   " if ok else "FAIL ") + what)
        if not ok:
            self.failures.append(what)


def vip_properties(cluster, verdict, node, acked, before):
    """Every acknowledged registration exists, every VIP seen before the fault (BEFORE, from /vips) is unchanged, and no
    VIP is shared."""
    vips = cluster.vips(node)
    verdict.check(vips is not None, f"{node} answers /vips")
    if vips is None:
        return
    missing = [s for s in acked if f"service:{s}" not in vips]
    changed = [k for k, v in before.items() if v and vips.get(k) != v]
    given = [v for v in vips.values() if v]
    verdict.check(not missing, f"every acknowledged registration exists ({len(acked)}; missing {missing[:5]})")
    verdict.check(bool(before) and not changed, f"no VIP seen before the fault changed ({len(before)} seen; changed {changed[:5]})")
    verdict.check(len(given) == len(set(given)), f"no VIP given twice ({len(given)} VIPs)")


def downed_and_restarted(cluster, verdict, node, how):
    """NODE, downed HOW, exits with 3 for its supervisor; the harness starts it again, as a supervisor would."""
    exited = eventually(lambda: not cluster.alive(node), 40, 0.2)
    verdict.check(exited is not None and cluster.processes[node].returncode == 3,
                  f"{node}, downed {how}, exits with 3 for its supervisor (exit code {cluster.processes[node].poll()})")
    cluster.restart_exited(verdict)


def acknowledged_kept(cluster, verdict, read_from, check_on, acked, before):
    """The VIP each acknowledged registration got (read through READ_FROM), the VIP properties checked through CHECK_ON,
    and the journal: no second writer's trace."""
    vips = cluster.vips(read_from) or {}
    for service in acked:
        acked[service] = vips.get(f"service:{service}")
    vip_properties(cluster, verdict, check_on, acked, before)
    problems = cluster.journal_check()
    verdict.check(not problems, f"journal: sequence numbers per persistence id are 1..N, none twice {problems[:3]}")


def writes_everywhere_and_followed(cluster, verdict, acked, since, read_from, prefix, when):
    """After a fault: a write through every control-plane node succeeds (each acknowledged one joins ACKED), and both
    resolvers answer the last one with the VIP READ_FROM gives it."""
    for node in CONTROL_PLANES:
        back = eventually(lambda: cluster.register(node, f"{prefix}-{node}", timeout=2) in (200, 201), 40, 0.5)
        verdict.check(back is not None, f"writes through {node} succeed {when} ({back and round(time.monotonic() - since, 1)} s)")
        if back is not None:
            acked[f"{prefix}-{node}"] = None
    last = f"{prefix}-{CONTROL_PLANES[-1]}"
    vip = (cluster.vips(read_from) or {}).get(f"service:{last}")
    for r in RESOLVERS:
        followed = eventually(lambda: vip is not None and cluster.dns(r, f"{last}.mesh") == vip, 10)
        verdict.check(followed is not None, f"{r} answers the last registration {when}")


# --- scenarios ---------------------------------------------------------------------------------------------------
def cut_proof(cluster, verdict):
    """The harness's own test: a cut between two nodes stops their packets both ways and no one else's."""
    verdict.check(cluster.can_connect("cp1", "cp2") and cluster.can_connect("cp2", "cp1"), "before: cp1 and cp2 connect")
    cluster.cut("cp1", "cp2")
    cut_at = time.monotonic()
    verdict.check(not cluster.can_connect("cp1", "cp2"), "cut: cp1 cannot connect to cp2")
    verdict.check(not cluster.can_connect("cp2", "cp1"), "cut: cp2 cannot connect to cp1")
    verdict.check(cluster.can_connect("cp3", "cp1") and cluster.can_connect("cp3", "cp2"), "cut: cp3 still connects to both")
    # New connections fail; so does the association the two already had: cp1 stops hearing cp2's heartbeats.
    unreachable = f"UNREACHABLE [Member(address = akka.tcp://actordns@127.0.0.1:{remoting_port('cp2')}"
    heard = eventually(lambda: unreachable in open(os.path.join(cluster.work, "cp1.log")).read(), 15, 0.2)
    verdict.check(heard is not None, f"cut: cp1 marks cp2 unreachable ({heard and round(time.monotonic() - cut_at, 1)} s after the cut)")
    cluster.heal()
    cluster.oneway("cp1", "cp2")
    verdict.check(not cluster.can_connect("cp1", "cp2"), "one way: cp1 cannot connect to cp2")
    verdict.check(not cluster.can_connect("cp2", "cp1"), "one way: cp2's connection to cp1 gets no reply either")
    verdict.check(cluster.can_connect("cp2", "cp3"), "one way: cp2 still connects to cp3")
    cluster.heal()
    # A cut of cp1 and cp2 that cp3 bridges may have downed both (decision 0033): whichever exited is started again.
    healed = eventually(lambda: (cluster.restart_exited(verdict, expected=(3,)), cluster.can_connect("cp1", "cp2") and cluster.can_connect("cp2", "cp1"))[1], 60, 0.5)
    verdict.check(healed is not None, "healed: cp1 and cp2 connect")


def registered_before(cluster, count):
    """COUNT registrations through cp1 before a fault: (those acknowledged, the mesh owner, the other control-plane
    nodes, the owner's VIPs)."""
    acked = {f"before-{i}": None for i in range(count) if cluster.register("cp1", f"before-{i}") in (200, 201)}
    owner = cluster.owner()
    return acked, owner, [n for n in CONTROL_PLANES if n != owner], cluster.vips(owner) or {}


def partition(cluster, verdict, mode="clean"):
    """{owner} | {every other node}, the database reachable by both: the minority stops taking writes, the majority takes
    the mesh over, no second writer, and after the heal everything converges. Bridged, only the control-plane nodes are
    cut from each other and both resolvers still reach both sides; one way, only what the owner sends is dropped."""
    acked, owner, majority, before = registered_before(cluster, 10)
    log(f"mesh default is owned by {owner}")
    for node in (majority if mode == "bridged" else [n for n in NODES if n != owner]):
        if mode == "oneway":
            cluster.oneway(owner, node)
        else:
            cluster.cut(owner, node)
    cut_at = time.monotonic()

    # The minority: until it downs itself it is still the mesh's only writer, and what it acknowledges must survive.
    attempt = iter(range(1000))

    def minority_write():
        service = f"minority-{next(attempt)}"
        if cluster.register(owner, service, timeout=2) in (200, 201):
            acked[service] = None
            return False
        return True

    minority_refused = eventually(minority_write, 20, 0.5)
    verdict.check(minority_refused is not None, f"the minority refuses writes ({minority_refused and round(time.monotonic() - cut_at, 1)} s after the cut)")
    # The majority: registrations succeed again.
    taken = eventually(lambda: cluster.register(majority[0], "during-0", timeout=2) in (200, 201), 30, 0.2)
    verdict.check(taken is not None, f"the majority takes the mesh over ({taken and round(time.monotonic() - cut_at, 1)} s after the cut)")
    for i in range(10):
        if cluster.register(majority[i % 2], f"during-{i}") in (200, 201):
            acked[f"during-{i}"] = None
    verdict.check(cluster.register(owner, "minority-late", timeout=2) not in (200, 201), "the minority takes no write after the majority took over")
    for r in RESOLVERS:
        verdict.check(cluster.dns(r, "before-0.mesh") is not None, f"{r} answers a name from before the cut")

    cluster.heal()
    healed_at = time.monotonic()
    downed_and_restarted(cluster, verdict, owner, "in the minority")
    writes_everywhere_and_followed(cluster, verdict, acked, healed_at, majority[0], "after-heal", "after the heal")
    log(f"{sum(1 for s in acked if s.startswith('minority-'))} writes acknowledged by the minority before it stopped")
    acknowledged_kept(cluster, verdict, majority[0], majority[1], acked, before)


def partition_bridged(cluster, verdict):
    partition(cluster, verdict, mode="bridged")


def partition_oneway(cluster, verdict):
    partition(cluster, verdict, mode="oneway")


def flapping(cluster, verdict):
    """The mesh owner cut off from every other node for 4 s, then back for 3 s, four times, while clients register
    through the other control-plane nodes; then healed for good. Whatever was downed meanwhile is restarted, and the
    cluster converges: writes through every node, resolvers following, nothing acknowledged lost, no VIP twice."""
    acked, owner, others, before = registered_before(cluster, 5)
    log(f"flapping the links of {owner}, the owner of mesh default")
    attempt = iter(range(100_000))

    def register_for(seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            service = f"flap-{next(attempt)}"
            if cluster.register(others[len(acked) % 2], service, timeout=1) in (200, 201):
                acked[service] = None

    for _ in range(4):
        for node in NODES:
            if node != owner:
                cluster.cut(owner, node)
        register_for(4)
        cluster.heal()
        register_for(3)
    time.sleep(8)  # past detection and stable-after: a node downed during the last cut has exited by now
    healed_at = time.monotonic()
    exited = [n for n in CONTROL_PLANES if not cluster.alive(n)]
    log(f"exited while the links flapped: {exited or 'none'}")
    cluster.restart_exited(verdict)
    writes_everywhere_and_followed(cluster, verdict, acked, healed_at, others[0], "after", "after 8 s of steady links")
    log(f"{sum(1 for a in acked if a.startswith('flap-'))} registrations acknowledged while the links flapped")
    acknowledged_kept(cluster, verdict, others[0], others[1], acked, before)


def resolver_cut(cluster, verdict, bridged=False):
    """A resolver cut off from every other node keeps answering; healed, it follows within 3 s. Bridged, it is cut off
    from the control-plane nodes only, and the other resolver still reaches both sides."""
    cluster.register("cp1", "known")
    known = eventually(lambda: cluster.dns("r1", "known.mesh") is not None, 10)
    verdict.check(known is not None, "r1 answers a registered name")
    for node in (CONTROL_PLANES if bridged else [n for n in NODES if n != "r1"]):
        cluster.cut("r1", node)
    time.sleep(8)  # past failure detection and split-brain resolution: r1 is downed and keeps trying to join
    verdict.check(cluster.dns("r1", "known.mesh") is not None, "r1, cut off, still answers the name it had")
    verdict.check(cluster.register("cp2", "while-cut") in (200, 201), "a registration while r1 is cut off succeeds")
    verdict.check(eventually(lambda: cluster.dns("r2", "while-cut.mesh") is not None, 10) is not None, "r2 has it")
    verdict.check(cluster.dns("r1", "while-cut.mesh") is None, "r1, cut off, does not have it although r2 does (the cut cuts)")
    cluster.heal()
    followed = eventually(lambda: cluster.dns("r1", "while-cut.mesh") is not None, 15, 0.05)
    verdict.check(followed is not None and followed <= 3, f"r1 answers it {followed and round(followed, 1)} s after the heal (at most 3 s)")


def resolver_cut_bridged(cluster, verdict):
    resolver_cut(cluster, verdict, bridged=True)


def pause(cluster, verdict):
    """SIGSTOP of the mesh owner for longer than failure detection and stable-after, then SIGCONT: the paused node is
    downed, the others take the mesh over, and it comes back as a new incarnation without a second writer."""
    acked, owner, others, before = registered_before(cluster, 5)
    log(f"pausing {owner}, the owner of mesh default")
    cluster.processes[owner].send_signal(signal.SIGSTOP)
    stopped_at = time.monotonic()
    taken = eventually(lambda: cluster.register(others[0], f"paused-{int(time.monotonic() * 10)}", timeout=2) in (200, 201), 30, 0.2)
    verdict.check(taken is not None, f"the others take the mesh over ({taken and round(time.monotonic() - stopped_at, 1)} s after SIGSTOP)")
    for i in range(5):
        if cluster.register(others[i % 2], f"during-{i}") in (200, 201):
            acked[f"during-{i}"] = None
    cluster.processes[owner].send_signal(signal.SIGCONT)
    resumed_at = time.monotonic()
    downed_and_restarted(cluster, verdict, owner, "while paused")
    back = eventually(lambda: cluster.register(owner, "after-pause", timeout=2) in (200, 201), 30, 0.5)
    verdict.check(back is not None, f"writes through {owner} succeed again ({back and round(time.monotonic() - resumed_at, 1)} s after SIGCONT)")
    acknowledged_kept(cluster, verdict, others[0], others[1], acked, before)


def nemesis(cluster, verdict, minutes=2.0, seed=1):
    """A seeded, replayable mix of kill -9, pause, partition (one node cut off from all others) and database restart
    (-m immediate), one at a time, each kind once per cycle of four, for MINUTES while clients register, delete and query; then heal and check: every acknowledged
    registration exists with the VIP it was first seen with, every acknowledged deletion is gone, no VIP is shared, the
    journal has no second writer's trace, and every resolver serves /dns-records's version within 5 s."""
    import random
    import threading
    rng = random.Random(seed)
    log(f"nemesis: seed {seed}, {minutes} minutes")
    acked, deleted, maybe_deleted, first_seen = {}, set(), set(), {}
    lock = threading.Lock()
    stop = threading.Event()

    def client(number):
        local = random.Random(seed * 1000 + number)
        i = 0
        while not stop.is_set():
            live = [n for n in CONTROL_PLANES if cluster.alive(n)]
            node = local.choice(live) if live else "cp1"
            with lock:
                candidates = [k for k in acked if k not in deleted and k not in maybe_deleted]
            if candidates and local.random() < 0.15:
                service = local.choice(candidates)
                status = cluster.http(node, "DELETE", f"/meshes/default/dataplanes/dp-{service}", timeout=2)[0]
                with lock:
                    # A deletion with no answer, or a 503 after the API's timeout, may or may not have been stored.
                    (deleted if status == 200 else maybe_deleted).add(service)
            else:
                service = f"n{number}-{i}"
                if cluster.register(node, service, timeout=2) in (200, 201):
                    with lock:
                        acked[service] = None
                    i += 1
            time.sleep(0.05)

    def watcher():
        while not stop.is_set():
            for node in CONTROL_PLANES:
                if cluster.alive(node) and (vips := cluster.vips(node)) is not None:
                    with lock:
                        for key, vip in vips.items():
                            if vip:
                                first_seen.setdefault(key, vip)
                    break
            for r in RESOLVERS:
                cluster.dns(r, "n0-0.mesh")
            time.sleep(1)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(3)] + [threading.Thread(target=watcher, daemon=True)]
    for t in threads:
        t.start()
    faults = {"kill": 0, "pause": 0, "partition": 0, "database": 0}
    end = time.monotonic() + minutes * 60
    cycle = []
    try:
        while time.monotonic() < end:
            time.sleep(rng.uniform(2, 5))
            if not cycle:  # every kind once per cycle, in a seeded order: even a short run has each
                cycle = sorted(faults)
                rng.shuffle(cycle)
            fault = cycle.pop()
            node = rng.choice(CONTROL_PLANES)
            length = rng.uniform(4, 12)
            faults[fault] += 1
            log(f"nemesis: {fault} {'' if fault == 'database' else node} for {length:.1f} s")
            if fault == "kill":
                cluster.processes[node].kill()
                time.sleep(length)
            elif fault == "pause":
                cluster.processes[node].send_signal(signal.SIGSTOP)
                time.sleep(length)
                cluster.processes[node].send_signal(signal.SIGCONT)
            elif fault == "partition":
                for other in NODES:
                    if other != node:
                        cluster.cut(node, other)
                time.sleep(length)
                cluster.heal()
            else:
                cluster.database_restart(length)
            # A downed node exits some seconds after it learns it was downed; its supervisor starts it again then. Not
            # during the fault: the first seed node restarted while cut off would form a cluster of its own.
            for _ in range(16):
                time.sleep(0.5)
                cluster.restart_exited(verdict, expected=(3, -9))
    finally:
        stop.set()
        log(f"nemesis over: {faults}; healing")
        cluster.heal()
        for t in threads:
            t.join(10)
    time.sleep(5)
    cluster.restart_exited(verdict, expected=(3, -9))

    # Every control-plane node takes a write again.
    for node in CONTROL_PLANES:
        back = eventually(lambda: cluster.register(node, f"final-{node}", timeout=3) in (200, 201), 60, 0.5)
        verdict.check(back is not None, f"writes through {node} succeed after the heal")
        acked[f"final-{node}"] = None
    # A read sent while a shard is still moving after the heal is lost and times out (503 after 5 s): asked again.
    final = {}
    answered = eventually(lambda: final.update(vips=cluster.vips("cp1")) or final["vips"] is not None, 30, 0.5)
    verdict.check(answered is not None, "cp1 answers /vips")
    vips = final["vips"] or {}
    live = [s for s in acked if s not in deleted and s not in maybe_deleted]
    missing = [s for s in live if f"service:{s}" not in vips]
    changed = [k for k, v in first_seen.items() if k in vips and vips[k] not in (None, v)]
    resurrected = [s for s in deleted if f"service:{s}" in vips]
    given = [v for v in vips.values() if v]
    log(f"nemesis: {len(acked)} registrations and {len(deleted)} deletions acknowledged, {len(maybe_deleted)} deletions unanswered")
    verdict.check(len(acked) >= 100 * minutes and len(deleted) >= 10 * minutes,
                  f"the clients made progress through the faults ({len(acked)} registrations, {len(deleted)} deletions)")
    verdict.check(not missing, f"every acknowledged registration exists (missing {missing[:5]})")
    verdict.check(not resurrected, f"every acknowledged deletion is gone ({resurrected[:5]})")
    verdict.check(not changed, f"no VIP changed ({changed[:5]})")
    verdict.check(len(given) == len(set(given)), f"no VIP given twice ({len(given)} VIPs)")
    problems = cluster.journal_check()
    verdict.check(not problems, f"journal: sequence numbers per persistence id are 1..N, none twice {problems[:3]}")
    answer = {}
    eventually(lambda: answer.update(dns=cluster.http("cp1", "GET", "/meshes/default/dns-records", timeout=15)) or answer["dns"][0] == 200, 30, 0.5)
    status, records = answer["dns"]
    version = records["version"] if status == 200 else None
    verdict.check(version is not None, f"cp1 answers /dns-records (status {status})")
    for r in RESOLVERS:
        converged = eventually(lambda: version is not None and cluster.table_version(r) == version, 5, 0.1)
        verdict.check(converged is not None, f"{r} serves /dns-records version {version} within 5 s (it serves {cluster.table_version(r)})")


SCENARIOS = {"cut-proof": cut_proof, "partition": partition, "partition-bridged": partition_bridged,
             "partition-oneway": partition_oneway, "flapping": flapping,
             "resolver-cut": resolver_cut, "resolver-cut-bridged": resolver_cut_bridged, "pause": pause,
             "nemesis": nemesis}


def shell(cluster):
    print("commands: cut A B | oneway A B | heal | sleep SECONDS | stop   (nodes: " + " ".join(NODES) + ")", flush=True)
    for line in sys.stdin:
        words = line.split()
        if words[:1] == ["cut"] and len(words) == 3:
            cluster.cut(words[1], words[2])
        elif words[:1] == ["oneway"] and len(words) == 3:
            cluster.oneway(words[1], words[2])
        elif words == ["heal"]:
            cluster.heal()
        elif words[:1] == ["sleep"] and len(words) == 2:
            time.sleep(float(words[1]))
        elif words == ["stop"]:
            return
        elif words:
            print(f"unknown command: {line.strip()}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenario", choices=[*SCENARIOS, "shell"])
    parser.add_argument("--bin", help="directory of actordns.dll (default: a Release build made here)")
    parser.add_argument("--work", help="where logs and data go (default: a new directory under /tmp)")
    parser.add_argument("--minutes", type=float, default=2.0, help="nemesis: how long faults go on (default 2)")
    parser.add_argument("--seed", type=int, default=1, help="nemesis: the seed that picks the faults (default 1)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("faults.py: needs root (users, nftables, a network namespace)")
    if {name for _, name in socket.if_nameindex()} != {"lo"}:
        # The machine's network namespace (it has more than a loopback): run again in a private one, where nft and ip
        # touch nothing else. A new namespace has only its own loopback, so the check holds there.
        if os.environ.get("ACTORDNS_FAULTS_UNSHARED") == "1":
            sys.exit("faults.py: unshare -n did not give a private network namespace")
        os.environ["ACTORDNS_FAULTS_UNSHARED"] = "1"
        os.execvp("unshare", ["unshare", "-n", "--", sys.executable, os.path.abspath(__file__), *sys.argv[1:]])
    # Stopped (a test's timeout, Ctrl-C): the finally below still stops every process it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    bin_dir = args.bin
    if not bin_dir:
        run("dotnet", "build", "-c", "Release", "-v", "q", "-nologo", os.path.join(ROOT, "src", "ActorDns.Host"))
        bin_dir = os.path.join(ROOT, "src", "ActorDns.Host", "bin", "Release", "net10.0")
    work = args.work or tempfile.mkdtemp(prefix="actordns-faults-")
    os.makedirs(work, exist_ok=True)
    log(f"logs and data in {work}")
    cluster = Cluster(work, bin_dir)
    verdict = Verdict()
    try:
        cluster.start_all()
        if args.scenario == "shell":
            shell(cluster)
        else:
            if args.scenario == "nemesis":
                nemesis(cluster, verdict, args.minutes, args.seed)
            else:
                SCENARIOS[args.scenario](cluster, verdict)
    finally:
        cluster.stop()
    if verdict.failures:
        log(f"{len(verdict.failures)} properties failed: {verdict.failures}")
        sys.exit(1)
    log("every property held")


if __name__ == "__main__":
    main()
