#!/usr/bin/env bash
# Runs every test suite: installs what the tests need if missing, starts a throwaway PostgreSQL on loopback,
# runs each test project, stops what it started, and ends with one line "N passed, N failed".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

log() { printf '[test.sh] %s\n' "$*" >&2; }

# --- 1. system packages -------------------------------------------------------------------------
need=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
# promtool and a real Prometheus for test/Switchback.FunctionalTests/Prometheus; the tests start their own Prometheus on a
# free port. The package's service is not started in a container without systemd (invoke-rc.d's policy denies it).
{ command -v promtool >/dev/null 2>&1 && [ -x /usr/bin/prometheus ]; } || need+=(prometheus)
# systemd-analyze verifies deploy/switchback.service (test/Switchback.FunctionalTests/Operations/PackagingTests.cs)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
# headless Chromium for the console's browser tests (Playwright for .NET drives it; it never downloads a browser)
[ -x /usr/bin/chromium ] || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  log "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${need[@]}" >/dev/null || { log "apt-get install failed"; exit 1; }
  # Under systemd Debian starts the services it just installed; the tests run their own Prometheus, so stop those.
  if [[ " ${need[*]} " == *" prometheus "* ]] && [ -d /run/systemd/system ]; then
    systemctl disable --now prometheus prometheus-node-exporter >/dev/null 2>&1 || true
  fi
fi

# --- 2. a throwaway PostgreSQL on loopback --------------------------------------------------------
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
pgdir="$(mktemp -d /tmp/switchback-pg.XXXXXX)"
chown postgres:postgres "$pgdir" 2>/dev/null || true
pg_started=0
cleanup() {
  if [ "$pg_started" = 1 ]; then
    runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$pgdir"
}
trap cleanup EXIT INT TERM

free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 20000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  return 1
}

pgport="$(free_port)"
log "starting PostgreSQL ($pgbin) on 127.0.0.1:$pgport in $pgdir"
runuser -u postgres -- "$pgbin/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 --no-sync >"$pgdir/initdb.log" 2>&1 \
  || { cat "$pgdir/initdb.log" >&2; log "initdb failed"; exit 1; }
runuser -u postgres -- "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/pg.log" -w -t 60 \
  -o "-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null \
  || { cat "$pgdir/pg.log" >&2; log "PostgreSQL did not start"; exit 1; }
pg_started=1
export SWITCHBACK_TEST_POSTGRES="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=postgres"

# --- 3. build once, run every test project --------------------------------------------------------
log "building"
if ! dotnet build Switchback.slnx -c Debug --nologo -v quiet >"$pgdir/build.log" 2>&1; then
  cat "$pgdir/build.log"
  log "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0; failed=0; status=0
results="$pgdir/results"
mkdir -p "$results"
for proj in test/*/*.csproj; do
  name="$(basename "$proj" .csproj)"
  log "running $name"
  dotnet test "$proj" --no-build -c Debug --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    --logger "console;verbosity=normal" >"$results/$name.log" 2>&1
  rc=$?
  trx="$results/$name.trx"
  if [ -f "$trx" ]; then
    p=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' passed="[0-9]*"' | grep -o '[0-9]*')
    f=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' failed="[0-9]*"' | grep -o '[0-9]*')
    e=$(grep -o '<Counters [^>]*' "$trx" | grep -o ' error="[0-9]*"' | grep -o '[0-9]*')
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0} + ${e:-0}))
    log "$name: ${p:-0} passed, ${f:-0} failed"
  else
    failed=$((failed + 1))
    log "$name: no results (exit $rc)"
  fi
  if [ $rc -ne 0 ]; then
    status=1
    grep -E '^\s+(Failed|Error Message|Stack Trace|\s+at Switchback)' -A3 "$results/$name.log" | head -150
    tail -n 20 "$results/$name.log"
  fi
done

# --- 4. third-party clients (node) against real `switchback serve` and `upstream-sim` processes ------------
# The tests start those processes themselves (test/clients/node/harness.mjs) from the Debug build above; npm ci
# installs the exact versions of package-lock.json from the configured registry.
nodedir="$root/test/clients/node"
log "running node clients"
if ! (cd "$nodedir" && npm ci --no-audit --no-fund --loglevel=error) >"$results/npm-ci.log" 2>&1; then
  cat "$results/npm-ci.log"
  log "node clients: npm ci failed"
  failed=$((failed + 1)); status=1
else
  (cd "$nodedir" && SWITCHBACK_CLI_DLL="$root/src/Switchback.Cli/bin/Debug/net10.0/switchback.dll" \
    node --test --test-concurrency=2 --test-reporter=tap --test-reporter-destination="$results/node.tap" tests/) \
    >"$results/node.log" 2>&1
  rc=$?
  p=$(grep -o '^# pass [0-9]*' "$results/node.tap" 2>/dev/null | grep -o '[0-9]*')
  f=$(grep -o '^# fail [0-9]*' "$results/node.tap" 2>/dev/null | grep -o '[0-9]*')
  c=$(grep -o '^# cancelled [0-9]*' "$results/node.tap" 2>/dev/null | grep -o '[0-9]*')
  if [ -z "$p" ]; then
    failed=$((failed + 1))
    log "node clients: no results (exit $rc)"
  else
    passed=$((passed + p)); failed=$((failed + ${f:-0} + ${c:-0}))
    log "node clients: $p passed, $((${f:-0} + ${c:-0})) failed"
  fi
  if [ $rc -ne 0 ]; then
    status=1
    grep -E '^\s*not ok' -A30 "$results/node.tap" | head -150
    tail -n 20 "$results/node.log"
  fi
fi

echo "$passed passed, $failed failed"
[ "$status" = 0 ] && [ "$failed" = 0 ]
