#!/usr/bin/env bash
# Gateway benchmark (issue 3, item 9): one command. Measures, side by side against one nginx upstream serving a canned
# chat completion: direct, nginx as reverse proxy, a bare YARP forwarder (workstation and server GC), Switchback and
# the Portkey open-source gateway; then rewrites the "## Gateway" section of docs/benchmarks.md with the results.
#
# Usage: bench/gateway/run.sh
# Knobs (environment): BENCH_DURATION (15s), BENCH_WARMUP (15s), BENCH_THREADS (2), BENCH_CONNECTIONS (64),
#   BENCH_HEY_DURATION (10s), BENCH_HEY_WORKERS (10), BENCH_HEY_RATE (100 per worker), BENCH_NGINX_WORKERS (1),
#   BENCH_PAIR_ROUNDS (5), BENCH_PAIR_DURATION (10s), BENCH_PAIR_WARMUP (20s) for the paired bare/Switchback rounds,
#   BENCH_DOC (docs/benchmarks.md; "-" prints the section instead of writing it),
#   BENCH_ONLY=switchback (only direct and the Switchback evaluators off/on pairs; prints the section unless BENCH_DOC is set).
# Switchback is measured with its evaluators off and on, interleaved (off, on, off, on) so the on/off ratio comes from
# neighbouring measurements of one run on a noisy machine. The throughput verdict against the bare forwarder comes from
# paired rounds (lib/paired.sh): both running side by side, warmed up, measured alternately, median of the ratios.
# Warm-ups are long because the JIT's tiering of Switchback's larger request path takes 10-25 s of load to settle here.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

duration="${BENCH_DURATION:-15s}"
warmup="${BENCH_WARMUP:-15s}"
source "$here/lib/knobs.sh"
hey_duration="${BENCH_HEY_DURATION:-10s}"
hey_workers="${BENCH_HEY_WORKERS:-10}"
hey_rate_per_worker="${BENCH_HEY_RATE:-100}"
only="${BENCH_ONLY:-}"
log() { printf '[bench] %s\n' "$*" >&2; }
die() { printf '[bench] error: %s\n' "$*" >&2; exit 1; }
[[ "$only" =~ ^(|switchback)$ ]] || die "BENCH_ONLY takes switchback or nothing (got '$only')"
doc="${BENCH_DOC:-$root/docs/benchmarks.md}"
[ -n "$only" ] && doc="${BENCH_DOC:--}"
command_line="bench/gateway/run.sh"


check_counts "BENCH_THREADS, BENCH_CONNECTIONS, BENCH_HEY_WORKERS, BENCH_HEY_RATE and BENCH_PAIR_ROUNDS" \
  "$threads" "$connections" "$hey_workers" "$hey_rate_per_worker" "$pair_rounds"
check_durations "BENCH_DURATION, BENCH_WARMUP, BENCH_HEY_DURATION, BENCH_PAIR_DURATION and BENCH_PAIR_WARMUP" 15s \
  "$duration" "$warmup" "$hey_duration" "$pair_duration" "$pair_warmup"
check_nginx_workers

source "$here/lib/servers.sh"
source "$here/lib/measure.sh"
source "$here/lib/report.sh"
source "$here/lib/install.sh"
source "$here/lib/switchback.sh"
source "$here/lib/paired.sh"
source "$here/lib/workspace.sh"

start_workspace switchback-bench "$here/.last-run"

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# --- 1. tools and builds ---------------------------------------------------------------------------
install_tools
if [ -z "$only" ]; then
  install_portkey
  log "building the bare forwarder (Release)"
  dotnet build "$here/BareForwarder/BareForwarder.csproj" -c Release -o "$work/bare" --nologo -v quiet \
    >"$work/bare-build.log" 2>&1 || { cat "$work/bare-build.log" >&2; die "the bare forwarder did not build"; }
fi
switchback_build

completion="$(cat "$here/completion.json")"
completion_bytes="$(printf '%s' "$completion" | wc -c)"

# --- 2. upstream and direct --------------------------------------------------------------------------
free_port upstream_port
start_nginx upstream "$upstream_port"
upstream_pid="$last_pid"
verify_completion direct "http://127.0.0.1:$upstream_port/v1/chat/completions"
direct_url="http://127.0.0.1:$upstream_port/v1/chat/completions"
measure_target direct "$direct_url" "$upstream_pid"

if [ -z "$only" ]; then
# --- 3. nginx as reverse proxy ------------------------------------------------------------------------
free_port proxy_port
start_nginx proxy "$proxy_port"
proxy_pid="$last_pid"
verify_completion nginx "http://127.0.0.1:$proxy_port/v1/chat/completions"
measure_target nginx "http://127.0.0.1:$proxy_port/v1/chat/completions" "$proxy_pid"
stop_pid "$proxy_pid"

# --- 4. the bare YARP forwarder, workstation GC (the floor) and server GC --------------------------------
for gc in 0 1; do
  id=bare; [ "$gc" = 1 ] && id=bare_server_gc
  free_port bare_port
  DOTNET_gcServer="$gc" "$work/bare/BareForwarder" --urls "http://127.0.0.1:$bare_port" \
    --upstream "http://127.0.0.1:$upstream_port" >"$work/$id.log" 2>&1 &
  bare_pid=$!
  track "$bare_pid"
  wait_http "$bare_port" "$bare_pid" "$id"
  verify_completion "$id" "http://127.0.0.1:$bare_port/v1/chat/completions"
  measure_target "$id" "http://127.0.0.1:$bare_port/v1/chat/completions" "$bare_pid"
  stop_pid "$bare_pid"
done

fi

# --- 5. Switchback, as shipped, evaluators off / on / off / on; then bare and Switchback in paired rounds ---------------
switchback_measure switchback
if [ -z "$switchback_missing" ]; then
  with_evaluators=1; switchback_measure switchback_eval; with_evaluators=0
  switchback_measure switchback_2
  with_evaluators=1; switchback_measure switchback_eval_2; with_evaluators=0
  [ -z "$only" ] && paired_measure
fi

if [ -z "$only" ]; then
# --- 6. Portkey -------------------------------------------------------------------------------------------
free_port portkey_port
(cd "$here/.portkey" && NODE_ENV=production exec node --import "$here/portkey-loopback.mjs" \
  node_modules/@portkey-ai/gateway/build/start-server.js --port="$portkey_port" --headless) >"$work/portkey.log" 2>&1 &
portkey_pid=$!
track "$portkey_pid"
wait_http "$portkey_port" "$portkey_pid" portkey
portkey_target="{\"provider\":\"openai\",\"api_key\":\"sk-bench\",\"custom_host\":\"http://127.0.0.1:$upstream_port/v1\""
portkey_config="{\"strategy\":{\"mode\":\"loadbalance\"},\"targets\":[$portkey_target,\"weight\":0.95},$portkey_target,\"weight\":0.05}]}"
verify_completion portkey "http://127.0.0.1:$portkey_port/v1/chat/completions" -H "x-portkey-config: $portkey_config"
grep -qi '^x-portkey-provider: openai' "$work/verify.headers" || die "portkey: the response did not come through Portkey"
measure_target portkey "http://127.0.0.1:$portkey_port/v1/chat/completions" "$portkey_pid" -H "x-portkey-config: $portkey_config"
stop_pid "$portkey_pid"
fi

# --- 7. report --------------------------------------------------------------------------------------------
run_date="$(date -u '+%Y-%m-%d %H:%M UTC')"
cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
mem="$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
machine="$(nproc) cores${cpu:+ ($cpu)}, $mem memory, Linux $(uname -r); load generators on the same machine"
machine="$machine; load average (1/5/15 min) $load_before at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
portkey_version="not installed"
[ -f "$here/.portkey/node_modules/@portkey-ai/gateway/package.json" ] \
  && portkey_version="$(node -p "require('$here/.portkey/node_modules/@portkey-ai/gateway/package.json').version")"
yarp_version="$(grep -o 'Include="Yarp.ReverseProxy" Version="[^"]*"' "$root/Directory.Packages.props" | grep -o '[0-9][^"]*')"
versions="nginx $(nginx -v 2>&1 | sed 's|.*nginx/||'), wrk $(dpkg-query -W -f '${Version}' wrk), hey $(dpkg-query -W -f '${Version}' hey)"
versions="$versions, .NET $(dotnet --version), Yarp.ReverseProxy $yarp_version, node $(node --version 2>/dev/null || echo none), @portkey-ai/gateway $portkey_version"
versions="$versions, switchback $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
nginx_workers_why="with the upstream, the target and the load generator sharing 2 cores, a second upstream worker only takes CPU from the target under test (a trial with \`auto\` gave the bare forwarder less and nginx more); one worker caps the reverse proxy at one core while the .NET and node targets may use both, so ratios to nginx flatter the others rather than nginx."
[ "$nginx_workers" != 1 ] && nginx_workers_why="set by BENCH_NGINX_WORKERS for this run."

if [ "$doc" = - ]; then
  render_section
else
  write_section "$doc"
  cp "$work/gateway-section.md" "$last_run/"
  log "wrote the Gateway section of ${doc#"$root"/} (raw wrk output in ${last_run#"$root"/})"
fi
switchback_exit_status
