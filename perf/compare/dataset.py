"""The data all three servers serve: names registered in ActorDns, zone files made from its records.

ActorDns is the source of truth: its `GET /meshes/default/dns-records` list is written as the Knot and
NSD zone, so all three answer the same names with the same addresses, TTL and AAAA form.
"""
import http.client
import itertools
import json
import random
import subprocess
import threading
import time
import urllib.request

MESH = "default"


class Zone:
    def __init__(self, path, origin, names):
        self.path, self.origin, self.names = path, origin, names


def register(api_port, n, connections, log):
    """PUT Dataplanes svc-0..svc-(n-1) over several keep-alive connections (one PUT waits for its write)."""
    indices = iter(range(n))
    take = threading.Lock()
    errors = []
    done = itertools.count(1)
    t0 = time.monotonic()

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", api_port, timeout=30)
        try:
            while not errors:
                with take:
                    i = next(indices, None)
                if i is None:
                    return
                _put_dataplane(conn, i)
                k = next(done)
                if k % max(1, n // 10) == 0:
                    log(f"  registered {k}/{n} ({k / (time.monotonic() - t0):.0f}/s)")
        except Exception as e:  # reported by the caller; the other workers stop at their next name
            errors.append(e)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"registration failed: {errors[0]}")
    return time.monotonic() - t0


def _put_dataplane(conn, i):
    name = f"svc-{i}"
    # The address is only data (nothing is sent to it); loopback keeps even that on this machine.
    body = json.dumps({"type": "Dataplane", "mesh": MESH, "name": name,
                       "networking": {"address": f"127.1.{i >> 8 & 255}.{i & 255}",
                                      "inbound": [{"port": 8080, "tags": {"kuma.io/service": name}}]}})
    for attempt in range(5):
        conn.request("PUT", f"/meshes/{MESH}/dataplanes/{name}", body, {"Content-Type": "application/json"})
        r = conn.getresponse()
        text = r.read()
        if r.status in (200, 201):
            return
        if r.status != 503:  # 503 = journal busy: retry; anything else is a bug in this tool or the API
            break
        time.sleep(0.2 * (attempt + 1))
    raise RuntimeError(f"PUT {name}: HTTP {r.status} {text[:300]!r}")


def fetch_records(api, n, timeout=60):
    """The mesh's DNS records once all n services are in them (the view follows the journal closely)."""
    deadline = time.monotonic() + timeout
    while True:
        with urllib.request.urlopen(f"{api}/meshes/{MESH}/dns-records", timeout=10) as r:
            doc = json.load(r)
        if len(doc["records"]) >= n or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    expected = {f"svc-{i}.mesh" for i in range(n)}
    got = {rec["name"] for rec in doc["records"]}
    if got != expected:
        raise RuntimeError(f"dns-records has {len(got)} names, {len(expected - got)} missing, "
                           f"{len(got - expected)} unexpected")
    return doc


def dig(port, args):
    r = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+time=2", "+tries=1"] + args,
                       capture_output=True, text=True, timeout=60)
    return r.stdout


def expected_answers(doc, port):
    """{(name, type): {(ttl, rdata)}} as ActorDns serves them.

    AAAA: the mesh's IPv6 VIPs if it has a CIDRv6, else whatever ActorDns is configured to answer
    (by default the IPv4-mapped address, else nothing) — asked of ActorDns itself with dig."""
    first = doc["records"][0]
    probe = dig(port, [first["name"], "AAAA", "+short"]).split()
    v4 = [ip for ip in first["ips"] if ":" not in ip]
    mapped = bool(v4) and probe == [f"::ffff:{ip}" for ip in v4]
    ttl = doc["ttl"]
    out = {}
    for rec in doc["records"]:
        if "srv" in rec:
            continue  # service names answer SRV, not A/AAAA; the compared dataset has none
        name = rec["name"].lower()
        a = [ip for ip in rec["ips"] if ":" not in ip]
        aaaa = [ip for ip in rec["ips"] if ":" in ip] or ([f"::ffff:{ip}" for ip in a] if mapped else [])
        out[(name, "A")] = {(ttl, ip) for ip in a}
        out[(name, "AAAA")] = {(ttl, ip) for ip in aaaa}
    return out


def write_zone(path, doc, answers, actordns_port):
    """An RFC 1035 zone with ActorDns's own SOA and NS at the apex and every record of `doc`."""
    origin = doc["records"][0]["name"].split(".", 1)[1] + "."
    soa = dig(actordns_port, [origin, "SOA", "+short"]).strip()
    ns = dig(actordns_port, [origin, "NS", "+short"]).split()
    if not soa or not ns:
        raise RuntimeError(f"ActorDns gave no SOA/NS for {origin}")
    lines = [f"$ORIGIN {origin}", f"$TTL {doc['ttl']}", f"@ SOA {soa}"] + [f"@ NS {x}" for x in ns]
    for (name, rtype), rrs in sorted(answers.items()):
        lines += [f"{name}. {ttl} IN {rtype} {ip}" for ttl, ip in sorted(rrs)]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return Zone(path, origin, sorted({name for name, _ in answers}, key=_natural))


def _natural(name):
    head, _, rest = name.partition(".")
    prefix, _, num = head.rpartition("-")
    return (prefix, int(num) if num.isdigit() else -1, head, rest)


def write_queries(path, names, count, seed, a_share=0.8):
    """dnsperf input: `count` uniformly random names; exactly a_share of them A, the rest AAAA, shuffled."""
    rng = random.Random(seed)
    n_a = round(count * a_share)
    types = ["A"] * n_a + ["AAAA"] * (count - n_a)
    rng.shuffle(types)
    with open(path, "w") as f:
        for t in types:
            f.write(f"{rng.choice(names)} {t}\n")


def verify(port, answers, sample, seed, batch_path):
    """Ask `sample` random names (A and AAAA) in one dig process; raise on any difference from `answers`."""
    rng = random.Random(seed)
    names = sorted({name for name, _ in answers})
    picked = rng.sample(names, min(sample, len(names)))
    with open(batch_path, "w") as f:
        for name in picked:
            f.write(f"{name} A\n{name} AAAA\n")
    got = {}
    for line in dig(port, ["-f", batch_path, "+noall", "+answer"]).splitlines():
        p = line.split()
        if len(p) == 5 and p[2] == "IN":
            got.setdefault((p[0].rstrip(".").lower(), p[3]), set()).add((int(p[1]), p[4]))
    for name in picked:
        for t in ("A", "AAAA"):
            if got.get((name, t), set()) != answers[(name, t)]:
                raise RuntimeError(f"port {port}: {name} {t} answered {sorted(got.get((name, t), []))}, "
                                   f"expected {sorted(answers[(name, t)])}")
    return 2 * len(picked)
