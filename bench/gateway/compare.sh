#!/usr/bin/env bash
# Gateway throughput before and after a change (issue 13: "no throughput loss on chat, same run, before/after ratio").
# Builds Switchback at REV (git archive into a cache directory) and at this tree, serves both side by side against one
# nginx upstream with run.sh's Switchback configuration (bench-bot@1 and @2, 95/5 canary, Liquid prompt, evaluators off),
# each on a fresh SQLite store, and measures them in paired interleaved rounds on POST /v1/chat/completions
# (lib/paired.sh: both warmed up, measured alternately, verdict = median of the per-round ratios). Then, when this tree
# serves POST /v1/responses, its Responses API against its own chat, the same way. Rewrites the
# "## Gateway: before and after" section of docs/benchmarks.md; run.sh's "## Gateway" section is left as it is.
#
# Usage: bench/gateway/compare.sh REV
# Knobs (environment): BENCH_PAIR_ROUNDS (5), BENCH_PAIR_DURATION (10s), BENCH_PAIR_WARMUP (20s), BENCH_THREADS (2),
#   BENCH_CONNECTIONS (64), BENCH_NGINX_WORKERS (1), BENCH_DOC (docs/benchmarks.md; "-" prints the section instead),
#   BENCH_COMPARE_CACHE (/tmp/switchback-compare: REV's source and Release build, one directory per commit, reused).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[compare] %s\n' "$*" >&2; }
die() { printf '[compare] error: %s\n' "$*" >&2; exit 1; }

[ $# = 1 ] && [ -n "$1" ] || die "usage: bench/gateway/compare.sh REV (a commit, branch or tag to compare this tree with)"
rev_arg="$1"
source "$here/lib/knobs.sh"
doc="${BENCH_DOC:-$root/docs/benchmarks.md}"
cache="${BENCH_COMPARE_CACHE:-/tmp/switchback-compare}"
check_counts "BENCH_THREADS, BENCH_CONNECTIONS and BENCH_PAIR_ROUNDS" "$threads" "$connections" "$pair_rounds"
check_durations "BENCH_PAIR_DURATION and BENCH_PAIR_WARMUP" 10s "$pair_duration" "$pair_warmup"
check_nginx_workers

before_rev="$(git -C "$root" rev-parse --verify --quiet "$rev_arg^{commit}")" || die "'$rev_arg' is not a commit of this repository"
before_short="$(git -C "$root" rev-parse --short "$before_rev")"
after_short="$(git -C "$root" rev-parse --short HEAD)"
after_dirty=""
# The commit that last changed what is built (HEAD may be a bench or docs commit on top of it).
after_built="$(git -C "$root" log --first-parent -1 --format=%h -- src Directory.Build.props Directory.Packages.props BannedSymbols.txt)"
[ -z "$(git -C "$root" status --porcelain -- src Directory.Build.props Directory.Packages.props BannedSymbols.txt)" ] \
  || after_dirty=" with uncommitted changes under src/"
# The command as run, with the knobs that were set, so the doc can say exactly what produced it.
command_line="bench/gateway/compare.sh $rev_arg"
for knob in BENCH_PAIR_ROUNDS BENCH_PAIR_DURATION BENCH_PAIR_WARMUP BENCH_THREADS BENCH_CONNECTIONS BENCH_NGINX_WORKERS; do
  [ -n "${!knob:-}" ] && command_line="$knob=${!knob} $command_line"
done

source "$here/lib/servers.sh"
source "$here/lib/measure.sh"
source "$here/lib/report.sh"
source "$here/lib/install.sh"
source "$here/lib/switchback.sh"
source "$here/lib/paired.sh"
source "$here/lib/workspace.sh"

start_workspace switchback-compare-run "$here/.last-compare"

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
run_started=$SECONDS

# --- 1. tools and both builds ----------------------------------------------------------------------
install_tools nginx wrk envsubst curl jq
before_dir="$cache/$before_rev"
if [ ! -x "$before_dir/switchback" ]; then
  log "exporting $before_short into ${before_dir} (git archive)"
  mkdir -p "$cache"
  rm -rf "$before_dir.partial"
  mkdir "$before_dir.partial"
  git -C "$root" archive "$before_rev" | tar -x -C "$before_dir.partial"
  [ -x "$before_dir.partial/switchback" ] || die "$before_short has no ./switchback launcher to build it with"
  mv "$before_dir.partial" "$before_dir"
fi
switchback_build "$before_dir/switchback"
switchback_build "$root/switchback"

completion="$(cat "$here/completion.json")"
responses_body="$here/responses-request.json"

# --- 2. the upstream ---------------------------------------------------------------------------------
free_port upstream_port
start_nginx upstream "$upstream_port"
verify_completion direct "http://127.0.0.1:$upstream_port/v1/chat/completions"

# --- 3. both builds, side by side, each on its own store ---------------------------------------------
# Starts one build as ID with LAUNCHER, configures run.sh's bundles and routing, checks that it serves the canary; sets
# the ID_port, ID_pid and ID_url variables.
start_build() {
  local id="$1" launcher="$2"
  switchback_launcher="$launcher"
  switchback_start "$id"
  switchback_configure
  [ -z "$switchback_missing" ] || die "$id: $switchback_missing"
  printf -v "${id}_port" '%s' "$switchback_port"
  printf -v "${id}_pid" '%s' "$switchback_pid"
  printf -v "${id}_url" '%s' "http://127.0.0.1:$switchback_port/v1/chat/completions"
  verify_completion "$id" "http://127.0.0.1:$switchback_port/v1/chat/completions"
  grep -qi '^x-switchback-version: [12]' "$work/verify.headers" || die "$id: no x-switchback-version header"
}
start_build before "$before_dir/switchback"
start_build after "$root/switchback"

paired_rounds before/after "$before_url" "$before_pid" "$after_url" "$after_pid"
ba_ratio=("${pair_ratio[@]}") ba_before=("${pair_a[@]}") ba_after=("${pair_b[@]}")
ba_cpu_before=("${pair_cpu_a[@]}") ba_cpu_after=("${pair_cpu_b[@]}")
ba_median="$pair_median" ba_min="$pair_min" ba_max="$pair_max" ba_cpu_median="$pair_cpu_median"

# The canary ran in both: each build's own signals show the 95/5 split (and no failed requests, else a note).
switchback_port="$before_port"; switchback_check_split before; before_split="$switchback_share"
before_signalled="$(jq '[.versions[].requests] | add' "$last_run/before-signals.json")"
stop_pid "$before_pid"
switchback_port="$after_port"

# --- 4. this tree's /v1/responses against its own chat --------------------------------------------------
# Sets responses_missing when the build does not serve the Responses API; otherwise checks that a response created
# through it is remembered: a GET by its id reaches the upstream, an id it never saw is refused without asking.
responses_missing="" response_bytes=""
check_responses() {
  local base="http://127.0.0.1:$after_port/v1/responses" out status id
  out="$(curl -s -o - -w '\n%{http_code}' --max-time 10 -X POST -H 'Content-Type: application/json' \
    --data-binary "@$responses_body" "$base")" || die "after: POST /v1/responses did not answer"
  status="${out##*$'\n'}"; out="${out%$'\n'*}"
  if [ "$status" = 404 ] && grep -q '"route_not_found"' <<<"$out"; then
    responses_missing="this build has no POST /v1/responses"
    return 0
  fi
  [ "$status" = 200 ] || die "after: POST /v1/responses answered $status: $out"
  id="$(jq -r 'select(.object == "response") | .id' <<<"$out")"
  response_bytes="$(printf '%s' "$out" | wc -c)"
  [[ "$id" =~ ^resp_[0-9a-f]{32}$ ]] || die "after: POST /v1/responses did not return the canned response with a fresh id: $out"
  out="$(curl -s -o - -w '\n%{http_code}' --max-time 10 "$base/$id")" || die "after: GET /v1/responses/$id did not answer"
  [ "${out##*$'\n'}" = 200 ] && [ "$(jq -r .id <<<"${out%$'\n'*}")" = "$id" ] \
    || die "after: GET /v1/responses/$id did not reach the upstream that created it: $out"
  out="$(curl -s --max-time 10 "$base/resp_00000000000000000000000000000000")" || die "after: GET of an unknown id did not answer"
  grep -q '"response_not_found"' <<<"$out" || die "after: an unknown response id was not refused with response_not_found: $out"
  log "after serves /v1/responses: the canned response with a fresh id, remembered for GET by id"
}
check_responses
if [ -z "$responses_missing" ]; then
  paired_rounds chat/responses "$after_url" "$after_pid" "http://127.0.0.1:$after_port/v1/responses" "$after_pid" "" "$responses_body"
  rs_ratio=("${pair_ratio[@]}") rs_chat=("${pair_a[@]}") rs_responses=("${pair_b[@]}")
  rs_cpu_chat=("${pair_cpu_a[@]}") rs_cpu_responses=("${pair_cpu_b[@]}")
  rs_median="$pair_median" rs_min="$pair_min" rs_max="$pair_max" rs_cpu_median="$pair_cpu_median"
else
  log "after: $responses_missing; only chat is compared"
fi
switchback_check_split after; after_split="$switchback_share"
after_signalled="$(jq '[.versions[].requests] | add' "$last_run/after-signals.json")"
stop_pid "$after_pid"

# --- 5. report --------------------------------------------------------------------------------------------
run_date="$(date -u '+%Y-%m-%d %H:%M UTC')"
run_minutes="$(( (SECONDS - run_started + 30) / 60 ))"
cpu="$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
machine="$(nproc) cores${cpu:+ ($cpu)}, Linux $(uname -r); load generator and upstream on the same machine"
machine="$machine; load average (1/5/15 min) $load_before at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
versions="nginx $(nginx -v 2>&1 | sed 's|.*nginx/||'), wrk $(dpkg-query -W -f '${Version}' wrk), .NET SDK $(dotnet --version)"
# A commit's subject line, cut at a word before 90 characters.
subject() { git -C "$root" log -1 --format=%s "$1" | awk '{ if (length($0) <= 90) print; else { s = substr($0, 1, 90); sub(/[ ,;:(]+[^ ]*$/, "", s); print s " …" } }'; }

# One row per round: the round, then A, B, B / A, A's CPU and B's CPU, from six arrays named by their prefix.
round_rows() {
  local -n r_a="$1" r_b="$2" r_ratio="$3" r_cpu_a="$4" r_cpu_b="$5"
  local i
  for i in "${!r_ratio[@]}"; do
    printf '| %s | %s | %s | %s | %s | %s |\n' "$(( i + 1 ))" "${r_a[$i]}" "${r_b[$i]}" "${r_ratio[$i]}" "${r_cpu_a[$i]}" "${r_cpu_b[$i]}"
  done
}

# What a median ratio B / A says in words, next to the spread of its rounds: ratio_words MEDIAN MIN MAX B A.
ratio_words() {
  awk -v m="$1" -v lo="$2" -v hi="$3" -v b="$4" -v a="$5" 'BEGIN {
    if (m >= 1) printf "In the median round %s served at least as many requests per second as %s", b, a
    else printf "In the median round %s served %.1f %% fewer requests per second than %s", b, 100 * (1 - m), a
    if (lo < 1 && hi >= 1) printf "; the rounds fall on both sides of 1.0."
    else if (hi < 1) printf "; every round is below 1.0."
    else printf "; every round is at or above 1.0."
  }'
}

render_compare() {
  cat <<EOF
## Gateway: before and after

Whether a change cost the gateway chat throughput: Switchback built at two revisions and served side by side against one
nginx upstream, measured in paired, interleaved rounds (the method of the paired rounds in "Gateway" above, with the
earlier build in the bare forwarder's place). Reproduce from the repository root with:

\`\`\`
$command_line
\`\`\`

- Run: $run_date, $run_minutes min including both builds; machine: $machine.
- Before: \`$before_short\` ($(subject "$before_rev")).
- After: \`$after_short\`$after_dirty ($(subject HEAD))$([ "$after_built" != "$after_short" ] \
    && printf '; what it builds last changed in `%s` (%s)' "$after_built" "$(subject "$after_built")").
- Versions: $versions.
- Both builds: Release through the repo-root \`./switchback\` launcher of their own tree (server GC), \`switchback serve\`
  on a fresh SQLite store each, the same bundles as the Gateway section's Switchback rows (bench-bot@1 and @2 on the
  same upstream, a Liquid \`prompt.system\` with variables, serving defaults, no \`evaluators:\` section) and routing
  95/5. Their own signals over the last 5 minutes of their load: before $before_signalled requests, $before_split % on
  the candidate @2; after $after_signalled requests (chat, then responses), $after_split % on @2.
- Load: \`wrk -t$threads -c$connections\`, one warm-up of $pair_warmup per build (one after the other, both already
  running), then $pair_rounds rounds of a 2 s settle run and a measured \`-d$pair_duration\` run per build, alternating which
  goes first. CPU = the serving process's user + system time during its measured run / requests served. Knobs:
  BENCH_PAIR_ROUNDS=$pair_rounds, BENCH_PAIR_DURATION=$pair_duration, BENCH_PAIR_WARMUP=$pair_warmup (defaults 5, 10s, 20s).

### Chat: after / before

\`POST /v1/chat/completions\` with \`bench/gateway/request.json\`, the upstream answering the canned
$(printf '%s' "$completion" | wc -c)-byte chat completion.

| round | before req/s | after req/s | after / before | before CPU µs/req | after CPU µs/req |
|---:|---:|---:|---:|---:|---:|
$(round_rows ba_before ba_after ba_ratio ba_cpu_before ba_cpu_after)

**Median after / before throughput $ba_median (range $ba_min–$ba_max over $pair_rounds rounds)**; median after / before CPU
per request $ba_cpu_median. $(ratio_words "$ba_median" "$ba_min" "$ba_max" "the after build" "the before build")
EOF
  if [ -n "$responses_missing" ]; then
    printf '\n### Responses API against chat, after build\n\nNot measured: %s.\n' "$responses_missing"
    return 0
  fi
  cat <<EOF

### Responses API against chat, after build

The after build alone: \`POST /v1/responses\` with \`bench/gateway/responses-request.json\` against its own
\`POST /v1/chat/completions\`, paired the same way on the one process (warm-up of each path, then alternating rounds).
The upstream answers with a canned ${response_bytes}-byte response whose \`id\` is unique per request (nginx's
\`\$request_id\`), as OpenAI's are, so every answer records a new owner in the conversation affinity (in memory, bounded,
and written in batches to the store). Checked before the rounds: a response created through the gateway could be read
back by \`GET /v1/responses/{id}\` (sent to the upstream that created it), an unknown id got 404 \`response_not_found\`.

| round | chat req/s | responses req/s | responses / chat | chat CPU µs/req | responses CPU µs/req |
|---:|---:|---:|---:|---:|---:|
$(round_rows rs_chat rs_responses rs_ratio rs_cpu_chat rs_cpu_responses)

**Median responses / chat throughput $rs_median (range $rs_min–$rs_max over $pair_rounds rounds)**; median responses /
chat CPU per request $rs_cpu_median. $(ratio_words "$rs_median" "$rs_min" "$rs_max" "the responses path" "chat")
EOF
  local notes=""
  for id in before after; do
    [ -n "${note[$id]:-}" ] && notes="$notes- $id: ${note[$id]}"$'\n'
  done
  [ -n "$notes" ] && printf '\nNotes from this run:\n\n%s' "$notes"
  return 0
}

if [ "$doc" = - ]; then
  render_compare
else
  render_compare >"$work/compare-section.md"
  replace_section "$doc" "## Gateway: before and after" "$work/compare-section.md" "## Gateway"
  cp "$work/compare-section.md" "$last_run/"
  cat "$work/compare-section.md"
  log "wrote the 'Gateway: before and after' section of ${doc#"$root"/}"
fi
