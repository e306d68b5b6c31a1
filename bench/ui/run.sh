#!/usr/bin/env bash
# Console polling cost (issue 14, item 1): the server CPU and requests per open console. Starts a real `switchback serve`
# (fresh SQLite store) on two `upstream-sim` versions with a canary rollout running and steady chat traffic, then measures
# in paired rounds: a window with 0 consoles, then a window with N simulated consoles, each doing what an open console's
# deployment overview does every 2 s (console.js, deploymentView.refresh): GET routing, rollout, versions,
# signals/series?window=10m and the rollout's evidence/series. Server CPU is user+system time of the serve process from
# /proc; the consoles' CPU (curl) is not counted. Prints a Markdown section for docs/benchmarks.md.
#
# Usage: bench/ui/run.sh
# Knobs (environment): BENCH_CONSOLES (20), BENCH_ROUNDS (3), BENCH_SECONDS (20, each measured window),
#   BENCH_TRAFFIC (20 chat requests per second in the background, both arms alike).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log() { printf '[bench-ui] %s\n' "$*" >&2; }
die() { printf '[bench-ui] error: %s\n' "$*" >&2; exit 1; }

consoles="${BENCH_CONSOLES:-20}"
rounds="${BENCH_ROUNDS:-3}"
seconds="${BENCH_SECONDS:-20}"
traffic="${BENCH_TRAFFIC:-20}"
for knob in "$consoles" "$rounds" "$seconds" "$traffic"; do
  [[ "$knob" =~ ^[1-9][0-9]*$ ]] || die "BENCH_CONSOLES, BENCH_ROUNDS, BENCH_SECONDS and BENCH_TRAFFIC take whole numbers from 1 (got '$knob')"
done

# The gateway bench's helpers: free_port, track, stop_pid, wait_http, the workspace with its clean-up, cpu_ticks.
source "$root/bench/gateway/lib/servers.sh"
source "$root/bench/gateway/lib/workspace.sh"
source "$root/bench/gateway/lib/measure.sh"
start_workspace switchback-ui-bench "$here/.last-run"

sb="$root/switchback"
admin_key="sb-bench-ui-admin-key-0123456789"
log "building switchback (Release, via the launcher)"
"$sb" --help >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; die "switchback did not build"; }

start() { # start NAME PORT-VARIABLE ARGS...: runs the launcher in the background and waits for HTTP
  local name="$1" var="$2"; shift 2
  free_port "$var"
  "$sb" "$@" --listen "http://127.0.0.1:${!var}" >"$work/$name.log" 2>&1 &
  track $!
  printf -v "${var}_pid" '%s' "$!"
  wait_http "${!var}" "$!" "$name"
}
start sim1 sim1_port upstream-sim --profile healthy --seed 1
start sim2 sim2_port upstream-sim --profile healthy --seed 2
export SWITCHBACK_ADMIN_KEY="$admin_key"
start serve server_port serve --store "sqlite:$work/ui.db"
url="http://127.0.0.1:$server_port"
export SWITCHBACK_URL="$url" SWITCHBACK_API_KEY="$admin_key"

bundle() {
  cat <<YAML
kind: Bundle
deployment: svc
version: $1
model: { provider: openai, endpoint: "http://127.0.0.1:$2/v1", name: sim }
serving: { temperature: 0.2, max_tokens: 64, timeout_ms: 20000 }
YAML
}
{ bundle 1 "$sim1_port"; echo '---'; bundle 2 "$sim2_port"; } >"$work/bundles.yaml"
"$sb" apply -f "$work/bundles.yaml" >"$work/apply.log" 2>&1 || { cat "$work/apply.log" >&2; die "apply failed"; }
cat >"$work/rollout.yaml" <<'YAML'
kind: Rollout
deployment: svc
candidate: 2
steps:
  - canary: { weight: 50, duration: 2h, min_requests: 20 }
  - canary: { weight: 100 }
guardrails:
  - { signal: error_rate, compare: baseline, severity: hard }
  - { signal: latency_p95, compare: baseline, max_ratio: 1.5, severity: hard }
YAML
"$sb" rollout start svc -f "$work/rollout.yaml" >"$work/start.log" 2>&1 || { cat "$work/start.log" >&2; die "rollout start failed"; }
rollout_id="$(curl -s -H "Authorization: Bearer $admin_key" "$url/api/v1/deployments/svc/rollout" | sed -n 's/.*"id":"\(r-[0-9a-f]*\)".*/\1/p')"
[ -n "$rollout_id" ] || die "no rollout id in GET /api/v1/deployments/svc/rollout"

# Background traffic: $traffic chats a second, each with its own sticky key, through one curl per second.
traffic_loop() {
  local n=0 cfg="$work/traffic.cfg"
  while :; do
    : >"$cfg"
    for _ in $(seq 1 "$traffic"); do
      n=$((n + 1))
      printf 'url = "%s/v1/chat/completions"\nheader = "Content-Type: application/json"\nheader = "x-switchback-key: k%s"\ndata = "{\\"model\\":\\"svc\\",\\"messages\\":[{\\"role\\":\\"user\\",\\"content\\":\\"hi\\"}]}"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\nnext\n' "$url" "$n" >>"$cfg"
    done
    sed -i '$d' "$cfg" # a trailing 'next' without a URL makes curl refuse the whole file
    curl -s --parallel --parallel-max 20 -K "$cfg" >>"$work/traffic.codes" 2>/dev/null || true
    sleep 1
  done
}
traffic_loop &
track $!

# One console's poll: the overview's five requests at once, every 2 s; each answer's status, size and URL appended to a
# file. As console.js does, the evidence series is read whole at first, then only after the previous poll (?since=).
console_cfg() { # console_cfg FILE SINCE
  local path
  for path in "deployments/svc/routing" "deployments/svc/rollout" "deployments/svc/versions" \
      "deployments/svc/signals/series?window=10m" "deployments/svc/rollouts/$rollout_id/evidence/series${2:+?since=$2}"; do
    printf 'url = "%s/api/v1/%s"\nheader = "Authorization: Bearer %s"\noutput = "/dev/null"\nwrite-out = "%%{http_code} %%{size_download} %%{url_effective}\\n"\nnext\n' "$url" "$path" "$admin_key"
  done >"$1"
  sed -i '$d' "$1" # a trailing 'next' without a URL makes curl refuse the whole file
}
console_loop() {
  local cfg="$work/console-$1.cfg" since="" now
  sleep "$(awk -v s="$1" 'BEGIN { srand(s); printf "%.2f", rand() * 2 }')"
  while :; do
    now="$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)"
    console_cfg "$cfg" "$since"
    curl -s --parallel -K "$cfg" >>"$work/console.codes" 2>/dev/null || true
    since="$now"
    sleep 2
  done
}
console_pids=()
start_consoles() { for i in $(seq 1 "$1"); do console_loop "$i" & console_pids+=($!); done; }
stop_consoles() { for p in "${console_pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; console_pids=(); }
lines() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

# measure: prints "cpu_ms_per_s console_requests_per_s" over one window of $seconds.
measure() {
  local c0 r0 t0 c1 r1 t1
  c0="$(cpu_ticks "$server_port_pid")"; r0="$(lines "$work/console.codes")"; t0="$(date +%s.%N)"
  sleep "$seconds"
  c1="$(cpu_ticks "$server_port_pid")"; r1="$(lines "$work/console.codes")"; t1="$(date +%s.%N)"
  awk -v c="$((c1 - c0))" -v hz="$clk_tck" -v r="$((r1 - r0))" -v t0="$t0" -v t1="$t1" \
    'BEGIN { d = t1 - t0; printf "%.1f %.1f\n", c * 1000 / hz / d, r / d }'
}

log "warming up (traffic and $consoles consoles, 15 s)"
start_consoles "$consoles"; sleep 15; stop_consoles; sleep 2
results=()
for r in $(seq 1 "$rounds"); do
  log "round $r of $rounds: 0 consoles"
  base="$(measure)"
  log "round $r of $rounds: $consoles consoles"
  start_consoles "$consoles"; sleep 3
  with="$(measure)"
  stop_consoles; sleep 2
  results+=("$base $with")
  log "round $r: 0 consoles ${base% *} ms CPU/s; $consoles consoles ${with% *} ms CPU/s, ${with#* } console requests/s"
done

non_ok="$(awk '$1 != 200' "$work/console.codes" | wc -l)"
[ "$non_ok" -eq 0 ] || { cp "$work"/*.codes "$work"/*.cfg "$last_run/" 2>/dev/null; die "$non_ok console requests were not answered 200 (files in $last_run)"; }
total="$(lines "$work/console.codes")"
bytes="$(awk '{ t += $2 } END { printf "%.0f", NR ? t * 5 / NR : 0 }' "$work/console.codes")"
traffic_ok="$(awk '$1 == 200' "$work/traffic.codes" | wc -l)"; traffic_all="$(lines "$work/traffic.codes")"
phase="$(curl -s -H "Authorization: Bearer $admin_key" "$url/api/v1/deployments/svc/rollout" | sed -n 's/.*"phase":"\([^"]*\)".*/\1/p')"

sizes="$(awk '{ p = $3; sub(/^[^?]*\/api\/v1\/deployments\/svc\//, "", p); sub(/rollouts\/[^\/]*\//, "rollouts/{id}/", p); if (p ~ /since=/) { sub(/\?since=.*/, "", p); p = p " (since)" } t[p] += $2; n[p]++ }
  END { for (p in t) printf "%s`%s` %.1f KB", (k++ ? ", " : ""), p, t[p] / n[p] / 1024 }' "$work/console.codes")"
printf '%s\n' "${results[@]}" | awk -v n="$consoles" -v rounds="$rounds" -v secs="$seconds" -v traffic="$traffic" \
  -v non_ok="$non_ok" -v total="$total" -v bytes="$bytes" -v tok="$traffic_ok" -v tall="$traffic_all" -v phase="$phase" -v sizes="$sizes" \
  -v cores="$(nproc)" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" '
  function median(a, k,   i, j, t) { for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  { b[NR] = $1; w[NR] = $3; q[NR] = $4; per[NR] = ($3 - $1) / n }
  END {
    printf "| round | server CPU, 0 consoles | server CPU, %d consoles | per console | console requests/s |\n|---|---|---|---|---|\n", n
    for (i = 1; i <= NR; i++) printf "| %d | %.1f ms/s | %.1f ms/s | %.2f ms/s | %.1f |\n", i, b[i], w[i], per[i], q[i]
    printf "| **median** | %.1f ms/s | %.1f ms/s | **%.2f ms/s** (%.2f %% of a core) | %.1f (%.2f per console) |\n\n",
      median(b, NR), median(w, NR), median(per, NR), median(per, NR) / 10, median(q, NR), median(q, NR) / n
    printf "Rounds: %d × %d s per arm; background traffic %d chats/s (%d of %d answered 200); the rollout was %s throughout.\n", rounds, secs, traffic, tok, tall, phase
    printf "Console requests: %d, of which %d not 200; one poll (5 requests) read %.1f KB of JSON (%s). Machine: %d cores, load %s at the end.\n", total, non_ok, bytes / 1024, sizes, cores, load
  }'
