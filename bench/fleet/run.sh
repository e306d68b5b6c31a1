#!/usr/bin/env bash
# Fleet benchmark (issue 11, item 10): one command. Starts a throwaway PostgreSQL on a free loopback port with
# pg_stat_statements, builds the CLI and the bench in Release, and runs bench/fleet (Switchback.Bench.Fleet), which starts
# three `switchback serve` replicas on a fresh database plus simulated model servers and measures rollback propagation,
# the detection time of a flaky canary with traffic on one replica or spread over three, and the store's load at
# 1,000 req/s; then rewrites the "## Fleet" section of docs/benchmarks.md. Downloads nothing; stops what it started.
#
# Usage: bench/fleet/run.sh
# Knobs (environment): BENCH_ROLLBACKS (60), BENCH_ROLLBACK_RATE (100 req/s during the rollbacks), BENCH_TRIALS (5 per
#   mode), BENCH_RATE (200 req/s during a detection trial), BENCH_LOAD_RATE (1000 req/s), BENCH_LOAD_SECONDS (30),
#   BENCH_DOC (docs/benchmarks.md; "-" prints the section instead of writing it),
#   BENCH_ONLY (comma-separated subset of rollback,detection,load; prints the section unless BENCH_DOC is set).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }
usage_error() { printf '[bench] error: %s\n' "$*" >&2; exit 2; }

# --- knobs, checked before anything starts ------------------------------------------------------------------------
declare -A knob=(
  [BENCH_ROLLBACKS]="${BENCH_ROLLBACKS:-60}" [BENCH_ROLLBACK_RATE]="${BENCH_ROLLBACK_RATE:-100}"
  [BENCH_TRIALS]="${BENCH_TRIALS:-5}" [BENCH_RATE]="${BENCH_RATE:-200}"
  [BENCH_LOAD_RATE]="${BENCH_LOAD_RATE:-1000}" [BENCH_LOAD_SECONDS]="${BENCH_LOAD_SECONDS:-30}"
)
for name in "${!knob[@]}"; do
  [[ "${knob[$name]}" =~ ^[1-9][0-9]{0,5}$ ]] || usage_error "$name takes a positive whole number up to 999999 (got '${knob[$name]}')"
done
only="${BENCH_ONLY:-}"
[[ "$only" =~ ^((rollback|detection|load)(,(rollback|detection|load))*)?$ ]] \
  || usage_error "BENCH_ONLY takes a comma-separated list of rollback, detection, load (got '$only')"
doc="${BENCH_DOC:-$root/docs/benchmarks.md}"
[ -n "$only" ] && doc="${BENCH_DOC:--}"
[ -n "$doc" ] || usage_error "BENCH_DOC is empty: give a file, or - to print the section"
if [ "$doc" != - ]; then
  [ -d "$(dirname "$doc")" ] || usage_error "BENCH_DOC: the directory of '$doc' does not exist"
  doc="$(cd "$(dirname "$doc")" && pwd)/$(basename "$doc")"
fi

# --- what must already be on the machine (nothing is installed or downloaded) ------------------------------------------
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -n "$pgbin" ] && [ -x "$pgbin/pg_ctl" ] || die "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl); install the system package postgresql"
[ -f "$("$pgbin/pg_config" --sharedir)/extension/pg_stat_statements.control" ] \
  || die "the pg_stat_statements extension is missing (PostgreSQL's contrib modules)"
command -v dotnet >/dev/null || die "dotnet is not on PATH"
command -v runuser >/dev/null && id postgres >/dev/null 2>&1 || die "needs runuser and a postgres system user (initdb refuses to run as root)"

work="$(mktemp -d /tmp/switchback-bench-fleet.XXXXXX)"
chmod 755 "$work"
last_run="$here/.last-run"
pg_started=0
cleanup() {
  local rc=$?
  set +e
  # The bench stops its children itself; these are the ones it could not (it was killed, or failed mid-start).
  if [ -f "$work/pids" ]; then
    while read -r pid; do
      grep -qs switchback.dll "/proc/$pid/cmdline" && kill -KILL "$pid" 2>/dev/null
    done <"$work/pids"
  fi
  [ "$pg_started" = 1 ] && runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate stop >/dev/null 2>&1
  if [ $rc -ne 0 ]; then
    rm -rf "$last_run" && mkdir -p "$last_run" && cp "$work"/*.log "$work"/pg/*.log "$last_run/" 2>/dev/null
    log "logs kept in ${last_run#"$root"/}"
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- builds (Release) --------------------------------------------------------------------------------------------
# Restores only from the machine's NuGet package folder: a package missing there is an error, never a download.
packages="$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')"
[ -d "$packages" ] || die "no NuGet global packages folder ($packages)"
log "building the CLI and the bench (Release; packages from $packages only)"
dotnet build "$root/src/Switchback.Cli/Switchback.Cli.csproj" -c Release --source "$packages" --nologo -v quiet >"$work/build-cli.log" 2>&1 \
  || { tail -n 30 "$work/build-cli.log" >&2; die "the CLI did not build"; }
dotnet build "$here/Switchback.Bench.Fleet.csproj" -c Release --source "$packages" --nologo -v quiet >"$work/build-bench.log" 2>&1 \
  || { tail -n 30 "$work/build-bench.log" >&2; die "the bench did not build"; }
cli_dll="$root/src/Switchback.Cli/bin/Release/net10.0/switchback.dll"
bench_dll="$here/bin/Release/net10.0/Switchback.Bench.Fleet.dll"
[ -f "$cli_dll" ] && [ -f "$bench_dll" ] || die "build outputs not found ($cli_dll, $bench_dll)"

# --- a throwaway PostgreSQL on loopback, as scripts/test.sh starts one, plus pg_stat_statements ------------------------
# Below the kernel's ephemeral range (32768 and up here), so an outgoing connection cannot hold the port we pick.
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 12000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return 0; }
  done
  return 1
}
mkdir -p "$work/pg" && chown postgres:postgres "$work/pg"
runuser -u postgres -- "$pgbin/initdb" -D "$work/pg/data" -U postgres -A trust -E UTF8 --no-sync >"$work/pg/initdb.log" 2>&1 \
  || { cat "$work/pg/initdb.log" >&2; die "initdb failed"; }
for attempt in 1 2 3; do
  pgport="$(free_port)" || die "no free loopback port"
  log "starting PostgreSQL ($pgbin) on 127.0.0.1:$pgport"
  if runuser -u postgres -- "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/postgres.log" -w -t 60 \
    -o "-p $pgport -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 -c shared_preload_libraries=pg_stat_statements" \
    start >/dev/null; then
    break
  fi
  # Taken between the check and the bind: try another port; anything else is fatal.
  grep -q "Address already in use" "$work/pg/postgres.log" && [ "$attempt" -lt 3 ] && continue
  cat "$work/pg/postgres.log" >&2
  die "PostgreSQL did not start"
done
pg_started=1
psql() { "$pgbin/psql" -h 127.0.0.1 -p "$pgport" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
# bench_monitor: the bench's own queries run under it, so pg_stat_statements keeps them apart from the replicas'.
psql -d postgres -c "CREATE DATABASE switchback" -c "CREATE ROLE bench_monitor LOGIN SUPERUSER" >"$work/pg/setup.log" 2>&1 \
  && psql -d switchback -c "CREATE EXTENSION pg_stat_statements" >>"$work/pg/setup.log" 2>&1 \
  || { cat "$work/pg/setup.log" >&2; die "could not prepare the database"; }

# --- the measurements --------------------------------------------------------------------------------------------
log "running (about 6 minutes with the defaults)"
dotnet "$bench_dll" --dll "$cli_dll" --work "$work" \
  --postgres "Host=127.0.0.1;Port=$pgport;Username=postgres;Database=switchback" \
  --rollbacks "${knob[BENCH_ROLLBACKS]}" --rollback-rate "${knob[BENCH_ROLLBACK_RATE]}" \
  --trials "${knob[BENCH_TRIALS]}" --rate "${knob[BENCH_RATE]}" \
  --load-rate "${knob[BENCH_LOAD_RATE]}" --load-seconds "${knob[BENCH_LOAD_SECONDS]}" \
  --only "$only" --doc "$doc" --commit "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
