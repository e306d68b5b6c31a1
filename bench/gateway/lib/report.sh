# Writes the "## Gateway" section of docs/benchmarks.md from the arrays that measure.sh filled. Sourced by run.sh.

declare -A label=(
  [direct]="direct (the nginx upstream itself)"
  [nginx]="nginx reverse proxy"
  [bare]="bare YARP forwarder (workstation GC)"
  [bare_server_gc]="bare YARP forwarder (server GC)"
  [switchback]="Switchback (95/5 canary, prompt template, signals)"
  [switchback_eval]="Switchback, same, every evaluator on (\`sample_rate: 1.0\`)"
  [switchback_2]="Switchback, evaluators off (repeat, pair 2)"
  [switchback_eval_2]="Switchback, every evaluator on (repeat, pair 2)"
  [portkey]="Portkey gateway (loadbalance 0.95/0.05)"
)
order=(direct nginx bare bare_server_gc switchback switchback_eval switchback_2 switchback_eval_2 portkey)

# Prints A / B with two decimals, or nothing when either is missing or B is not positive.
ratio() {
  awk -v a="$1" -v b="$2" -v d="${3:-2}" 'BEGIN { if (a == "" || b == "" || b + 0 <= 0) exit; printf "%.*f", d, a / b }'
}

# p99 at the constant rate minus the direct p99: the latency the target adds.
added_p99() {
  [ -n "${hp99[$1]:-}" ] && [ -n "${hbase[$1]:-}" ] || return 0
  awk -v a="${hp99[$1]}" -v b="${hbase[$1]}" 'BEGIN { printf "%.3f", a - b }'
}

# One row of the ratio table: name, value, comparison (ge|le), limit, what is compared.
verdict_row() {
  local name="$1" value="$2" cmp="$3" limit="$4" why="$5" result
  if [ -z "$value" ]; then
    result="not measured"
    value="—"
  elif awk -v v="$value" -v l="$limit" -v c="$cmp" 'BEGIN { exit !((c == "ge") ? v >= l : v <= l) }'; then
    result="**met**"
  else
    result="**missed**"
  fi
  local sign="≥"; [ "$cmp" = le ] && sign="≤"
  printf '| %s | %s | %s %s | %s | %s |\n' "$name" "$value" "$sign" "$limit" "$result" "$why"
}

# A + B, or nothing when either is missing.
sum() { [ -n "${1:-}" ] && [ -n "${2:-}" ] && awk -v a="$1" -v b="$2" 'BEGIN { print a + b }'; return 0; }

# B - A with three decimals, or nothing when either is missing.
diff3() { [ -n "${1:-}" ] && [ -n "${2:-}" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; return 0; }

# What the evaluators cost in one off/on pair, as a Markdown list item.
evaluator_pair() {
  local n="$1" off="$2" on="$3"
  [ -n "${tput[$on]:-}" ] && [ -n "${tput[$off]:-}" ] || { printf -- '- pair %s: not measured\n' "$n"; return 0; }
  printf -- '- pair %s: %s → %s req/s (on / off = %s); wrk p99 %s → %s ms; added p99 at %s RPS %s → %s ms (on − off: %s ms);\n' \
    "$n" "${tput[$off]}" "${tput[$on]}" "$(ratio "${tput[$on]}" "${tput[$off]}" 3)" "${p99[$off]}" "${p99[$on]}" \
    "$(( hey_workers * hey_rate_per_worker ))" "$(cell "$(added_p99 "$off")")" "$(cell "$(added_p99 "$on")")" \
    "$(cell "$(diff3 "$(added_p99 "$off")" "$(added_p99 "$on")")")"
  printf '  gateway CPU per request under wrk %s → %s µs (on − off: %s µs); RSS peak %s → %s MB; evaluated %s of %s requests (%s %%), dropped %s.\n' \
    "$(cell "${cpu_us[$off]:-}")" "$(cell "${cpu_us[$on]:-}")" "$(cell "$(diff3 "${cpu_us[$off]:-}" "${cpu_us[$on]:-}")")" \
    "$(cell "${rss_peak[$off]:-}")" "$(cell "${rss_peak[$on]:-}")" "$(cell "${eval_evaluated[$on]:-}")" \
    "$(cell "${eval_requests[$on]:-}")" "$(cell "${eval_share[$on]:-}")" "$(cell "${eval_dropped[$on]:-}")"
}

cell() { if [ -n "${1:-}" ]; then printf '%s' "$1"; else printf '—'; fi; }

render_section() {
  local id row sw_added nginx_added bare_added
  nginx_added="$(added_p99 nginx)"; bare_added="$(added_p99 bare)"; sw_added="$(added_p99 switchback)"
  cat <<EOF
## Gateway

What a request pays for going through a gateway, measured side by side in one run against the same upstream.
Reproduce with one command from the repository root (installs nginx, wrk and hey from Debian and the pinned Portkey
from npm if missing, builds in Release, binds everything to 127.0.0.1, stops what it started):

\`\`\`
$command_line
\`\`\`

- Run: $run_date; machine: $machine.
- Versions: $versions.
- Upstream: Debian's nginx answering \`POST /v1/chat/completions\` with a canned ${completion_bytes}-byte chat completion
  (\`bench/gateway/nginx/upstream.conf\`); every target forwards to it. nginx runs \`worker_processes $nginx_workers\`
  for both the upstream and the reverse proxy: $nginx_workers_why
- Load: \`wrk -t$threads -c$connections -d$duration --latency\` after a $warmup warm-up (throughput, p50, p99 at fixed
  concurrency); then \`hey -z $hey_duration -c $hey_workers -q $hey_rate_per_worker\` (hey's \`-q\` is per worker: $hey_workers × $hey_rate_per_worker =
  $(( hey_workers * hey_rate_per_worker )) RPS) for the p99 at a constant rate, computed from hey's per-request CSV (0.1 ms resolution). The load generators share
  the 2 cores with the servers, so absolute numbers are low and noisy; compare ratios within one run.
- Added p99 = the target's p99 at $(( hey_workers * hey_rate_per_worker )) RPS minus the p99 of a direct run at the same rate made right before it. RSS = VmHWM (peak) / VmRSS
  (after the load) from /proc/PID/status, summed over an nginx master and its workers; the direct row shows the upstream's own.
- Switchback: \`switchback serve\` (Release) on a fresh SQLite store, deployment \`bench-bot\` with two bundles whose
  \`prompt.system\` Liquid templates take a variable, routing at 95/5 stable/candidate, signals on as in production.
  Portkey: \`@portkey-ai/gateway\` $portkey_version with \`NODE_ENV=production --headless\`, a loadbalance config of two
  \`openai\` targets with \`custom_host\` at the upstream (weights 0.95/0.05), bound to 127.0.0.1 by \`portkey-loopback.mjs\`.

| target | wrk req/s | wrk p50 ms | wrk p99 ms | RPS reached (hey) | p99 ms at $(( hey_workers * hey_rate_per_worker )) RPS | added p99 ms | RSS MB peak / now |
|---|---:|---:|---:|---:|---:|---:|---:|
EOF
  for id in "${order[@]}"; do
    if [ -z "${tput[$id]:-}" ]; then
      printf '| %s | %s |  |  |  |  |  |  |\n' "${label[$id]}" "${note[$id]:-not measured}"
      continue
    fi
    local rss="—"
    [ -n "${rss_peak[$id]:-}" ] && rss="${rss_peak[$id]} / ${rss_now[$id]}"
    local added="—"
    [ "$id" != direct ] && added="$(cell "$(added_p99 "$id")")"
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "${label[$id]}" "${tput[$id]}" "${p50[$id]}" "${p99[$id]}" \
      "${hrate[$id]}" "${hp99[$id]}" "$added" "$rss"
  done
  cat <<EOF

Targets from issue 3, item 9, as ratios in this run:

| ratio | value | target | result | compares |
|---|---:|---|---|---|
EOF
  verdict_row "Switchback throughput / bare YARP, paired rounds (median)" "$pair_median" ge 0.9 \
    "wrk req/s, $pair_rounds alternating rounds after warm-up (below)"
  verdict_row "Switchback throughput / bare YARP (server GC), single rows above" "$(ratio "${tput[switchback]:-}" "${tput[bare_server_gc]:-}")" ge 0.9 \
    "wrk req/s, one run each, minutes apart"
  verdict_row "Switchback throughput / nginx" "$(ratio "${tput[switchback]:-}" "${tput[nginx]:-}")" ge 0.5 "wrk req/s"
  if [ -n "$lat_added_sw" ]; then
    verdict_row "Switchback added p99 / nginx added p99, paired rounds (medians)" "$(ratio "$lat_added_sw" "$lat_added_nginx")" le 2.5 \
      "added p99 at $(( hey_workers * hey_rate_per_worker )) RPS, $pair_rounds rounds (below)"
  fi
  if [ -n "$sw_added" ] && [ -n "$nginx_added" ] && [ -z "$(ratio "$sw_added" "$nginx_added")" ]; then
    printf '| %s | %s | ≤ 2.5 | %s | %s |\n' "Switchback added p99 / nginx added p99" "undefined" \
      "nginx added ${nginx_added} ms, Switchback ${sw_added} ms: nginx's added p99 is within this run's noise" "added p99 at $(( hey_workers * hey_rate_per_worker )) RPS"
  else
    verdict_row "Switchback added p99 / nginx added p99, single rows above" "$(ratio "$sw_added" "$nginx_added")" le 2.5 \
      "added p99 at $(( hey_workers * hey_rate_per_worker )) RPS"
  fi
  verdict_row "Switchback RSS peak, MB" "${rss_peak[switchback]:-}" le 200 "VmHWM"
  verdict_row "evaluators on / off, pair 1" "$(ratio "${tput[switchback_eval]:-}" "${tput[switchback]:-}" 3)" ge 0.9 "wrk req/s, issue 6"
  verdict_row "evaluators on / off, pair 2" "$(ratio "${tput[switchback_eval_2]:-}" "${tput[switchback_2]:-}" 3)" ge 0.9 "wrk req/s, issue 6"
  verdict_row "evaluators on / off, both pairs" "$(ratio "$(sum "${tput[switchback_eval]:-}" "${tput[switchback_eval_2]:-}")" \
    "$(sum "${tput[switchback]:-}" "${tput[switchback_2]:-}")" 3)" ge 0.9 "sum of req/s on / sum off, issue 6"
  cat <<EOF

For reference, the .NET floor in the same run: bare YARP throughput / nginx = $(cell "$(ratio "${tput[bare]:-}" "${tput[nginx]:-}")")
(issue: about 0.55); bare YARP added p99 / nginx added p99 = $(cell "$(ratio "$bare_added" "$nginx_added")") (issue: 2.6);
server GC / workstation GC throughput for the bare forwarder = $(cell "$(ratio "${tput[bare_server_gc]:-}" "${tput[bare]:-}")").

$(render_paired)

What the online evaluators cost (issue 6: "must not cut throughput by more than 10 %"). The "every evaluator on"
rows serve the same deployment but both bundles carry an \`evaluators:\` section with \`sample_rate: 1.0\`, the
built-in PII detectors (email, phone, payment card), one deny pattern, refusal with the built-in phrases, JSON checks
(configured; they judge only requests that ask for JSON, and the bench request does not), empty and length; one
evaluation worker, queue of 1,000 (the defaults). Measured interleaved — off, on, off, on — each on a fresh process and
store; the counts come from the gateway's own signals (\`GET /api/v1/deployments/bench-bot/signals\`, \`counters\`).
Gateway CPU = the \`switchback serve\` process's user + system time during the measured wrk run / requests served.

$(evaluator_pair 1 switchback switchback_eval)
$(evaluator_pair 2 switchback_2 switchback_eval_2)
EOF
  local notes=""
  for id in "${order[@]}"; do
    [ -n "${note[$id]:-}" ] && [ -n "${tput[$id]:-}" ] && notes="$notes- ${label[$id]}: ${note[$id]}"$'\n'
  done
  [ -n "$notes" ] && printf '\nNotes from this run:\n\n%s' "$notes"
  # Findings that outlive one run (profiles, what bounds a number) are kept in a committed file.
  [ -f "$here/findings.md" ] && printf '\n' && cat "$here/findings.md"
  return 0
}

# Replaces the "## Gateway" section of the doc (up to the next "## " heading) or appends it; other sections stay.
write_section() {
  local section="$work/gateway-section.md"
  render_section >"$section"
  replace_section "$1" "## Gateway" "$section"
}

# replace_section DOC HEADING FILE [AFTER]: puts FILE's text in place of the section that starts with the line HEADING
# (up to the next "## " heading). A doc without it gets it right after the section AFTER when that exists, else at the
# end. Other sections are copied as they are; only blank lines at the very end of the file are dropped.
replace_section() {
  local doc="$1" heading="$2" section="$3" after="${4:-}" tmp="$work/benchmarks.md.new"
  mkdir -p "$(dirname "$doc")"
  [ -f "$doc" ] || printf '# Benchmarks\n\n' >"$doc"
  awk -v section="$section" -v heading="$heading" -v after="$after" '
    function emit(   line) { while ((getline line < section) > 0) print line; close(section); done = 1 }
    /^## / {
      h = $0; sub(/[[:space:]]+$/, "", h)
      if (skipping) { skipping = 0; print "" }
      else if (in_after && !done) { emit(); print "" }
      in_after = (after != "" && h == after)
      if (h == heading) { if (!done) emit(); skipping = 1; next }
    }
    !skipping { print }
    END { if (!done) { print ""; emit() } }
  ' "$doc" >"$tmp"
  # Other sections are copied as they are; only blank lines at the very end of the file are dropped.
  sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$tmp" >"$doc"
}
