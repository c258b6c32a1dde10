#!/usr/bin/env bash
# The cluster topology on one machine without Docker: PostgreSQL (Debian package), three control-plane
# nodes on 127.0.0.11-13 and two resolvers on 127.0.0.21-22. Ctrl-C or `local-cluster.sh stop` stops them.
#
#   cluster-config/local-cluster.sh [start] [--with-prometheus]
#                                             build, start everything, print the endpoints, wait; with
#                                             --with-prometheus also Prometheus (Debian package) scraping
#                                             every node with cluster-config/prometheus.yml
#   cluster-config/local-cluster.sh stop      stop the processes started by a previous run (by PID)
#
# Environment: UPSTREAM (default 127.0.0.1:5300) is where resolvers forward non-mesh names;
# WORK (default /tmp/actordns-cluster) holds logs, PIDs, resolver caches and Prometheus's data;
# PROMETHEUS_ADDRESS (default 127.0.0.1:9090) is where Prometheus listens;
# JOURNAL (default: the database actordns_cluster of the local PostgreSQL, set up here) is the nodes' --journal;
# ACTORDNS (default: a Release build made here) is the actordns.dll to run;
# CERTS (default: $WORK/certs) holds the cluster transport's CA and node certificates, made by `actordns certs init`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=${WORK:-/tmp/actordns-cluster}
upstream=${UPSTREAM:-127.0.0.1:5300}
prometheus_address=${PROMETHEUS_ADDRESS:-127.0.0.1:9090}
pids="$work/pids"
certs=${CERTS:-$work/certs}

command=start
with_prometheus=0
for arg in "$@"; do
  case "$arg" in
    start|stop) command=$arg ;;
    --with-prometheus) with_prometheus=1 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "local-cluster.sh: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

stop() {
  [ -f "$pids" ] || return 0
  while read -r pid; do kill "$pid" 2>/dev/null || true; done < "$pids"
  rm -f "$pids"
  echo "stopped"
}

if [ "$command" = "stop" ]; then stop; exit 0; fi

mkdir -p "$work"
stop
if [ -z "${ACTORDNS:-}" ]; then
  dotnet build -c Release -v q "$root/src/ActorDns.Host" >/dev/null
fi
actordns=(dotnet "${ACTORDNS:-$root/src/ActorDns.Host/bin/Release/net10.0/actordns.dll}")

# PostgreSQL, as ./test.sh starts it (no systemd here), unless JOURNAL names another journal.
start_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local pgver
  pgver=$(ls /usr/lib/postgresql | sort -V | tail -1)
  pg_lsclusters -h | awk '{print $2}' | grep -qx main || pg_createcluster "$pgver" main >/dev/null
  pg_ctlcluster "$pgver" main start 2>/dev/null || true
  for _ in $(seq 1 50); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.2; done
  su postgres -c "psql -v ON_ERROR_STOP=1 -q" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'actordns') THEN CREATE ROLE actordns LOGIN PASSWORD 'actordns'; END IF;
END $$;
SQL
  su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='actordns_cluster'\"" | grep -q 1 \
    || su postgres -c "createdb -O actordns actordns_cluster"
}
journal="postgres:Host=127.0.0.1;Port=5432;Database=actordns_cluster;Username=actordns;Password=actordns"
if [ -n "${JOURNAL:-}" ]; then journal=$JOURNAL; else start_postgres; fi
seeds=(--seed-node akka.tcp://actordns@127.0.0.11:4053 --seed-node akka.tcp://actordns@127.0.0.12:4053)

# One API token signing key for the three control-plane nodes (SPEC §8), so a token from any of them is good on all.
signing_key="$work/api-token-signing-key.pem"
if [ ! -f "$signing_key" ]; then
  command -v openssl >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null; }
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$signing_key" 2>/dev/null)
fi

# Mutual TLS between the nodes (SPEC §8): a development CA and a certificate per node, made once. To bring your own
# CA, put ca.crt and <node>.pfx (cp1…cp3, resolver1, resolver2) in CERTS before the first run.
"${actordns[@]}" certs init "$certs" >/dev/null

trap 'stop; exit 0' INT TERM
for i in 1 2 3; do
  ip=127.0.0.1$i
  "${actordns[@]}" control-plane --config "$here/control-plane.yaml" --remoting "$ip:4053" "${seeds[@]}" \
    --remoting-tls-cert "$certs/cp$i.pfx" --remoting-tls-ca "$certs/ca.crt" \
    --api-address "$ip:5681" --journal "$journal" --data-dir "$work/cp$i" --api-token-signing-key "$signing_key" > "$work/cp$i.log" 2>&1 &
  echo $! >> "$pids"
done
for i in 1 2; do
  ip=127.0.0.2$i
  "${actordns[@]}" resolver --config "$here/resolver.yaml" --remoting "$ip:4053" "${seeds[@]}" \
    --remoting-tls-cert "$certs/resolver$i.pfx" --remoting-tls-ca "$certs/ca.crt" \
    --api-address "$ip:9153" --dns-address "$ip:15053=default" --upstream "$upstream" --data-dir "$work/resolver$i" > "$work/resolver$i.log" 2>&1 &
  echo $! >> "$pids"
done

# Prometheus with the compose file's scrape configuration, its service names replaced by the nodes' addresses.
if [ "$with_prometheus" -eq 1 ]; then
  if ! command -v prometheus >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
  fi
  sed -E -e 's/\bcp([123]):/127.0.0.1\1:/g' -e 's/\bresolver([12]):/127.0.0.2\1:/g' "$here/prometheus.yml" > "$work/prometheus.yml"
  prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prometheus-data" \
    --web.listen-address="$prometheus_address" > "$work/prometheus.log" 2>&1 &
  echo $! >> "$pids"
fi

urls=(http://127.0.0.1{1,2,3}:5681/health/ready http://127.0.0.2{1,2}:9153/health/ready)
[ "$with_prometheus" -eq 0 ] || urls+=("http://$prometheus_address/-/ready")
for url in "${urls[@]}"; do
  for _ in $(seq 1 150); do curl -sf "$url" >/dev/null && break; sleep 0.2; done
  curl -sf "$url" >/dev/null || { echo "not ready: $url (logs in $work)"; stop; exit 1; }
done

cat <<TXT
ActorDns cluster is up (logs and PIDs in $work):
  control plane API   http://127.0.0.11:5681  http://127.0.0.12:5681  http://127.0.0.13:5681
  resolvers DNS       127.0.0.21:15053  127.0.0.22:15053   (metrics on :9153)
  journal             ${journal%%Password=*}…
$([ "$with_prometheus" -eq 0 ] || echo "  Prometheus          http://$prometheus_address")
  admin token         $work/cp1/admin-token  (good on every control-plane node)
  cluster transport   mutual TLS, CA $certs/ca.crt
Try: ACTORDNS_TOKEN=\$(cat $work/cp1/admin-token) ${actordns[*]} apply -f FILE --api-address 127.0.0.12:5681
     dig @127.0.0.21 -p 15053 backend.mesh
Ctrl-C stops everything.
TXT
wait
