# Switchback as a measured target: build, serve on a fresh SQLite store, register bench-bot@1 and @2, route 95/5,
# verify, measure. Sourced by run.sh. A build without the gateway is reported as "not yet measured", never guessed.

switchback_missing=""
admin_key="sb-bench-admin-key-0123456789"
# Set to 1 around switchback_measure to give both bundles an evaluators: section with every evaluator on.
with_evaluators=0

# Every evaluator on, every response sampled: the built-in PII detectors, one deny pattern, refusal (built-in phrases),
# JSON validity and schema (they judge only requests that ask for JSON; the bench request does not), empty and length
# (always computed). Explicit values, not defaults, so the measured configuration is the one written here.
evaluators_json='"evaluators":{"sample_rate":1.0,"max_scan_chars":262144,
  "safety":{"pii":{"email":true,"phone":true,"payment_card":true},
            "deny":[{"name":"internal-hosts","pattern":"\\bcorp\\.acme\\.internal\\b","ignore_case":true}],
            "pattern_timeout_ms":50},
  "refusal":{"enabled":true,"include_default_phrases":true,"window_chars":1024},
  "json":{"max_depth":256,"max_bytes":4194304,"schema_cache_size":256}},'

# The repo-root launcher that switchback_start runs; compare.sh points it at another revision's copy.
switchback_launcher="$root/switchback"

# Builds (Release) the launcher's tree: switchback_build [LAUNCHER], by default this tree's.
switchback_build() {
  local launcher="${1:-$switchback_launcher}"
  log "building switchback (Release, via ${launcher#"$root"/})"
  "$launcher" --help >"$work/switchback-build.log" 2>&1 \
    || { cat "$work/switchback-build.log" >&2; die "switchback did not build ($launcher)"; }
}

# Calls the admin API: METHOD PATH [BODY-FILE]; prints the body, and the status on the last line.
admin_call() {
  local method="$1" path="$2" body="${3:-}"
  local args=(-s -o - -w '\n%{http_code}' --max-time 10 -X "$method" -H "Authorization: Bearer $admin_key")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "@$body")
  curl "${args[@]}" "http://127.0.0.1:$switchback_port$path"
}

# Runs admin_call and dies unless the status is one of the accepted ones (space-separated).
admin_expect() {
  local accepted="$1"; shift
  local out status
  out="$(admin_call "$@")" || die "switchback: $1 $2 did not answer"
  status="${out##*$'\n'}"
  case " $accepted " in *" $status "*) ;; *) die "switchback: $1 $2 answered $status: ${out%$'\n'*}" ;; esac
  printf '%s' "${out%$'\n'*}"
}

# Writes bundle N of bench-bot: same upstream, a prompt.system Liquid template with a variable, its own wording.
write_bundle() {
  local version="$1"
  local file="$work/bundle-$version.json"
  cat >"$file" <<EOF
{"kind":"Bundle","deployment":"bench-bot","version":$version,
 "model":{"provider":"openai","endpoint":"http://127.0.0.1:$upstream_port/v1","name":"bench-upstream"},
 "prompt":{"engine":"liquid","system":"You are the support assistant of {{ company }} (bundle $version). Answer in {{ tone }} tone.",
           "variables":{"company":"Acme","tone":"friendly"}},
 "serving":{"temperature":0.2,"max_tokens":64,"timeout_ms":20000},
 $([ "$with_evaluators" = 1 ] && printf '%s' "$evaluators_json")
 "labels":{"purpose":"bench"}}
EOF
  echo "$file"
}

# Starts $switchback_launcher's serve on a fresh SQLite store of its own (several may run side by side); arguments after
# the id are extra environment (NAME=VALUE).
switchback_start() {
  local id="$1"; shift
  free_port switchback_port
  rm -f "$work/$id.db"*
  env "$@" SWITCHBACK_ADMIN_KEY="$admin_key" "$switchback_launcher" serve --listen "http://127.0.0.1:$switchback_port" \
    --store "sqlite:$work/$id.db" >"$work/$id.log" 2>&1 &
  switchback_pid=$!
  track "$switchback_pid"
  wait_http "$switchback_port" "$switchback_pid" "$id"
}

switchback_configure() {
  local out
  admin_expect "200 201" POST /api/v1/versions "$(write_bundle 1)" >/dev/null
  admin_expect "200 201" POST /api/v1/versions "$(write_bundle 2)" >/dev/null
  # bench-bot@1, registered first, is stable; 5 % of requests go to candidate @2.
  printf '{"candidate":2,"candidate_weight":5,"reason":"bench: 95/5 canary"}' >"$work/routing.json"
  out="$(admin_call PUT /api/v1/deployments/bench-bot/routing "$work/routing.json")" || die "switchback: PUT routing did not answer"
  case "${out##*$'\n'}" in
    200|201) ;;
    404) if grep -q '"route_not_found"' <<<"$out"; then
           switchback_missing="this build of switchback has no PUT /api/v1/deployments/{d}/routing yet"
           return 0
         fi
         die "switchback: PUT routing answered 404: ${out%$'\n'*}" ;;
    *) die "switchback: PUT routing answered ${out##*$'\n'}: ${out%$'\n'*}" ;;
  esac
}

# Measures one Switchback configuration: switchback_measure ID [NAME=VALUE...] (extra environment for serve).
switchback_measure() {
  local id="$1" url; shift
  switchback_start "$id" "$@"
  url="http://127.0.0.1:$switchback_port/v1/chat/completions"
  # A build from before the gateway is wired into serve answers the data-plane path with route_not_found.
  if curl -s --max-time 5 -X POST -H 'Content-Type: application/json' --data-binary "@$here/request.json" "$url" \
      | grep -q '"route_not_found"'; then
    switchback_missing="this build of switchback serve has no /v1/chat/completions yet"
  else
    switchback_configure
  fi
  if [ -n "$switchback_missing" ]; then
    note[$id]="not yet measured: $switchback_missing"
    log "switchback: $switchback_missing; its rows are marked not yet measured"
    stop_pid "$switchback_pid"
    return 0
  fi
  verify_completion "$id" "$url"
  grep -qi '^x-switchback-version: [12]' "$work/verify.headers" || die "$id: no x-switchback-version header"
  measure_target "$id" "$url" "$switchback_pid"
  switchback_check_split "$id"
  [ "$with_evaluators" = 1 ] && switchback_check_evaluators "$id"
  add_note "$id" "its log grew to $(awk -v b="$(stat -c %s "$work/$id.log")" 'BEGIN { printf "%.1f", b / 1048576 }') MB during the run"
  stop_pid "$switchback_pid"
}

# The canary really ran: both versions served, the candidate near 5 %, per the gateway's own signals.
switchback_check_split() {
  local id="$1" signals file="$last_run/$1-signals.json" total candidate errors
  signals="$(admin_expect 200 GET '/api/v1/deployments/bench-bot/signals?window=5m')"
  printf '%s\n' "$signals" >"$file"
  total="$(jq '[.versions[].requests] | add // 0' "$file")"
  candidate="$(jq '[.versions[] | select(.version == 2) | .requests] | add // 0' "$file")"
  errors="$(jq '[.versions[].errors | .http5xx + .timeout + .connect + .oom] | add // 0' "$file")"
  [ "$total" -gt 0 ] || die "switchback: its signals recorded no requests ($file)"
  switchback_share="$(awk -v c="$candidate" -v t="$total" 'BEGIN { printf "%.2f", 100 * c / t }')"
  awk -v s="$switchback_share" 'BEGIN { exit !(s >= 4 && s <= 6) }' \
    || die "switchback: the candidate served $switchback_share % of $total requests, not about 5 % ($file)"
  [ "$errors" = 0 ] || add_note "$id" "its signals recorded $errors failed request(s) (wrk cuts open requests when it stops)"
  local circuit
  circuit="$(jq '[.versions[] | (.counters // {}).circuit_open // 0] | add // 0' "$file")"
  [ "$circuit" = 0 ] || add_note "$id" "$circuit request(s) skipped a version whose circuit breaker was open"
  add_note "$id" "signals recorded $total requests over the last 5 min, $switchback_share % on the candidate @2"
  log "switchback: signals show $total requests, $switchback_share % on candidate @2"
}

# The evaluators really ran during the load: responses_evaluated near the requests served, drops and skips reported.
switchback_check_evaluators() {
  local id="$1" file="$last_run/$1-signals.json" requests evaluated dropped skipped
  sum_counter() { jq --arg c "$1" '[.versions[] | (.counters // {})[$c] // 0] | add // 0' "$file"; }
  requests="$(jq '[.versions[].requests] | add // 0' "$file")"
  evaluated="$(sum_counter responses_evaluated)"; dropped="$(sum_counter evaluator_dropped)"; skipped="$(sum_counter evaluator_skipped)"
  jq -e '[.versions[] | .counters // {} | has("evaluator_dropped")] | any' "$file" >/dev/null \
    || die "$id: the signals report no evaluator_dropped counter ($file)"
  [ "$evaluated" -gt 0 ] || die "$id: the evaluators judged no response during the load ($file)"
  eval_evaluated[$id]="$evaluated"; eval_dropped[$id]="$dropped"; eval_requests[$id]="$requests"
  eval_share[$id]="$(awk -v e="$evaluated" -v r="$requests" 'BEGIN { printf "%.1f", 100 * e / r }')"
  add_note "$id" "evaluators judged $evaluated of $requests requests (${eval_share[$id]} %), dropped $dropped (queue full), skipped $skipped"
  awk -v s="${eval_share[$id]}" 'BEGIN { exit !(s >= 90) }' \
    || add_note "$id" "fewer than 90 % of the requests were evaluated: the workers did not keep up, so this row understates the full cost"
  log "$id: evaluators judged $evaluated of $requests requests, dropped $dropped, skipped $skipped"
}

switchback_exit_status() {
  if [ -n "$switchback_missing" ]; then
    log "done, but Switchback was not measured: $switchback_missing"
  fi
  return 0
}
