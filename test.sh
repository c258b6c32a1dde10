#!/usr/bin/env bash
# Sets up and runs every test of ActorDns on a Debian machine, then prints "N passed, N failed, N skipped".
#
#   ./test.sh                      install what the tests use (when missing), start PostgreSQL, run the suite
#   ./test.sh --no-install         the same without apt-get: a test whose tool is missing is reported skipped
#   ./test.sh -- ARGS...           extra arguments for `dotnet test`, e.g. -- --filter FullyQualifiedName~Protocol
#
# What the tests use: dig (bind9-dnsutils), docker-compose (validates docker-compose.yml; no Docker daemon),
# postgresql (the journal and cluster tests; a server of its own is started here with the role `actordns`),
# prometheus and promtool (the metrics tests), curl (cluster-config/local-cluster.sh). The .NET 10 SDK must already be installed.
# Outside CI a test whose dependency is missing is skipped with the reason; with CI=true it fails.
set -euo pipefail
cd "$(dirname "$0")"

install=1
dotnet_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-install) install=0 ;;
    --) shift; dotnet_args=("$@"); break ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "test.sh: unknown argument '$1' (see ./test.sh --help)" >&2; exit 2 ;;
  esac
  shift
done

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
command -v dotnet >/dev/null 2>&1 || { echo "test.sh: the .NET 10 SDK (dotnet) is not installed" >&2; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo "$@"; else return 1; fi; }

# --- what the tests use, from Debian's packages --------------------------------------------------------------
missing=()
command -v dig >/dev/null 2>&1 || missing+=(bind9-dnsutils)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v nft >/dev/null 2>&1 || missing+=(nftables)
command -v ip >/dev/null 2>&1 || missing+=(iproute2)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$install" -eq 1 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${missing[*]}"
    # No recommends: docker-compose would bring the Docker daemon, which the tests do not use.
    as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || echo "test.sh: could not install ${missing[*]} (not root and no sudo?); the tests that need them are skipped" >&2
  else
    echo "test.sh: not installed: ${missing[*]}; the tests that need them are skipped" >&2
  fi
fi

# --- PostgreSQL from the Debian package (no systemd needed: pg_ctlcluster) ----------------------------------
started_pg=""
if [ -z "${ACTORDNS_TEST_POSTGRES:-}" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  pgver=$(ls /usr/lib/postgresql | sort -V | tail -1)
  if as_root true 2>/dev/null; then
    pg_lsclusters -h | awk '{print $2}' | grep -qx main || as_root pg_createcluster "$pgver" main >/dev/null
    if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
      as_root pg_ctlcluster "$pgver" main start && started_pg=$pgver
    fi
    for _ in $(seq 1 50); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.2; done
    as_root su postgres -c "psql -v ON_ERROR_STOP=1 -q" <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'actordns') THEN CREATE ROLE actordns LOGIN PASSWORD 'actordns'; END IF;
END $$;
SQL
    as_root su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname='actordns'\"" | grep -q 1 \
      || as_root su postgres -c "createdb -O actordns actordns"
    export ACTORDNS_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Database=actordns;Username=actordns;Password=actordns"
  else
    echo "test.sh: cannot start PostgreSQL (not root and no sudo); the PostgreSQL tests are skipped" >&2
  fi
fi
stop_pg() { [ -z "$started_pg" ] || as_root pg_ctlcluster "$started_pg" main stop -m fast >/dev/null 2>&1 || true; }
trap stop_pg EXIT

# --- the suite ---------------------------------------------------------------------------------------------
log=$(mktemp)
results=$(mktemp -d)
status=0
# Built once, then the test assemblies run one after another (-m:1): on two cores the process-cluster tests and
# the actor specs of another assembly running beside them miss each other's timeouts.
{ dotnet build ActorDns.sln -v q -clp:NoSummary && timeout 1500 dotnet test ActorDns.sln --no-build -m:1 --logger trx --results-directory "$results" "${dotnet_args[@]}"; } 2>&1 | tee "$log" || status=$?

# One summary per test assembly: "Passed!  - Failed:     0, Passed:   301, Skipped:     0, Total: ..."
read -r passed failed skipped < <(grep -E '^(Passed|Failed|Skipped)! ' "$log" \
  | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\2 \1 \3/' \
  | awk '{p+=$1; f+=$2; s+=$3} END {print p+0, f+0, s+0}')
if [ "$skipped" -gt 0 ] && command -v python3 >/dev/null 2>&1; then
  echo "Skipped, and why:"
  python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for trx in sorted(glob.glob(sys.argv[1] + "/*.trx")):
    for result in ET.parse(trx).getroot().iterfind(".//t:UnitTestResult[@outcome='NotExecuted']", ns):
        message = result.find("t:Output/t:ErrorInfo/t:Message", ns)
        print(f"  {result.get('testName')}: {message.text.strip() if message is not None and message.text else '(no reason given)'}")
PY
fi
rm -rf "$log" "$results"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -eq 0 ] && [ "$passed" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit "$status"
