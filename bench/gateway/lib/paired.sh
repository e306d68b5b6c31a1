# Paired throughput: two servers running side by side, each warmed up, then measured in alternating rounds (A then B,
# B then A, ...) so that both see the same drift of a shared, noisy machine; the verdict uses the median of the
# per-round ratios B / A. run.sh pairs the bare forwarder (A) with Switchback (B); compare.sh pairs two builds of
# Switchback, and a build's chat with its own /v1/responses. Sourced by either; needs measure.sh, servers.sh and
# switchback.sh. paired_rounds fills pair_ratio[], pair_a[], pair_b[], pair_cpu_a[], pair_cpu_b[] (one entry per round).

declare -a pair_ratio=() pair_a=() pair_b=() pair_cpu_a=() pair_cpu_b=()
declare -a lat_direct=() lat_nginx=() lat_bare=() lat_sw=()
declare -a lat_p50_direct=() lat_p50_sw=() lat_cs_bare=() lat_cs_sw=() lat_cpu_bare=() lat_cpu_sw=()
pair_median="" pair_min="" pair_max="" pair_cpu_median=""
lat_added_nginx="" lat_added_bare="" lat_added_sw="" lat_attempt=""

# One wrk run of the paired step: prints "req/s cpu-us-per-request" for the process PID serving URL. BODY is the request
# body's file (post.lua reads BENCH_BODY); empty means request.json.
pair_run() {
  local url="$1" pid="$2" body="${3:-}" out before after served rate
  BENCH_BODY="$body" wrk -t"$threads" -c"$connections" -d2s -s "$here/post.lua" "$url" >/dev/null 2>&1 || die "paired: wrk settle run failed on $url"
  before="$(cpu_ticks "$pid")"
  out="$(BENCH_BODY="$body" wrk -t"$threads" -c"$connections" -d"$pair_duration" -s "$here/post.lua" "$url" 2>&1)" || die "paired: wrk failed on $url: $out"
  after="$(cpu_ticks "$pid")"
  served="$(awk '/requests in/ {print $1; exit}' <<<"$out")"
  rate="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' <<<"$out")"
  [ -n "$served" ] && [ -n "$rate" ] && [ "$served" -gt 0 ] || die "paired: could not read wrk's output: $out"
  grep -q 'Non-2xx or 3xx responses' <<<"$out" && die "paired: $url answered non-2xx under load: $out"
  printf '%s %s\n' "$rate" "$(awk -v a="$before" -v b="$after" -v t="$clk_tck" -v n="$served" 'BEGIN { printf "%.1f", (b - a) / t * 1e6 / n }')"
}

# Median of the arguments (numbers), with the given number of decimals.
median_of() {
  local decimals="$1"; shift
  printf '%s\n' "$@" | sort -g | awk -v d="$decimals" '{ v[NR] = $1 } END { if (NR == 0) exit; m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.*f", d, m }'
}

# paired_rounds NAME URL_A PID_A URL_B PID_B [BODY_A [BODY_B]]: warms up A then B for $pair_warmup, then $pair_rounds
# rounds of one wrk run each, alternating which goes first; fills the pair_* arrays afresh and their medians. NAME_A
# and NAME_B label the log lines (e.g. bare/Switchback).
paired_rounds() {
  local name_a="${1%/*}" name_b="${1#*/}" url_a="$2" pid_a="$3" url_b="$4" pid_b="$5" body_a="${6:-}" body_b="${7:-}" round r1 r2
  pair_ratio=() pair_a=() pair_b=() pair_cpu_a=() pair_cpu_b=()
  log "paired: warming up $name_a, then $name_b, each for $pair_warmup"
  BENCH_BODY="$body_a" wrk -t"$threads" -c"$connections" -d"$pair_warmup" -s "$here/post.lua" "$url_a" >/dev/null 2>&1
  BENCH_BODY="$body_b" wrk -t"$threads" -c"$connections" -d"$pair_warmup" -s "$here/post.lua" "$url_b" >/dev/null 2>&1
  for round in $(seq 1 "$pair_rounds"); do
    if (( round % 2 )); then
      r1="$(pair_run "$url_a" "$pid_a" "$body_a")"; r2="$(pair_run "$url_b" "$pid_b" "$body_b")"
    else
      r2="$(pair_run "$url_b" "$pid_b" "$body_b")"; r1="$(pair_run "$url_a" "$pid_a" "$body_a")"
    fi
    pair_a+=("${r1% *}"); pair_cpu_a+=("${r1#* }")
    pair_b+=("${r2% *}"); pair_cpu_b+=("${r2#* }")
    pair_ratio+=("$(ratio "${r2% *}" "${r1% *}" 3)")
    log "paired round $round: $name_a ${r1% *} req/s (${r1#* } µs CPU/req), $name_b ${r2% *} req/s (${r2#* } µs CPU/req), ratio ${pair_ratio[-1]}"
  done
  local cpu_ratios=() i
  for i in "${!pair_ratio[@]}"; do cpu_ratios+=("$(ratio "${pair_cpu_b[$i]}" "${pair_cpu_a[$i]}" 3)"); done
  pair_median="$(median_of 3 "${pair_ratio[@]}")"
  pair_min="$(printf '%s\n' "${pair_ratio[@]}" | sort -g | head -n 1)"
  pair_max="$(printf '%s\n' "${pair_ratio[@]}" | sort -g | tail -n 1)"
  pair_cpu_median="$(median_of 3 "${cpu_ratios[@]}")"
}

paired_measure() {
  local bare_url sw_url bare_pid_p sw_pid_p
  free_port pair_bare_port
  DOTNET_gcServer=1 "$work/bare/BareForwarder" --urls "http://127.0.0.1:$pair_bare_port" --upstream "http://127.0.0.1:$upstream_port" \
    >"$work/pair_bare.log" 2>&1 &
  bare_pid_p=$!
  track "$bare_pid_p"
  wait_http "$pair_bare_port" "$bare_pid_p" pair_bare
  bare_url="http://127.0.0.1:$pair_bare_port/v1/chat/completions"
  verify_completion pair_bare "$bare_url"

  switchback_start switchback_pair
  sw_pid_p="$switchback_pid"
  switchback_configure
  sw_url="http://127.0.0.1:$switchback_port/v1/chat/completions"
  verify_completion switchback_pair "$sw_url"

  paired_rounds bare/Switchback "$bare_url" "$bare_pid_p" "$sw_url" "$sw_pid_p"
  paired_latency "$bare_url" "$sw_url" "$bare_pid_p" "$sw_pid_p"
  switchback_check_split switchback_pair
  stop_pid "$sw_pid_p"
  stop_pid "$bare_pid_p"
}

# The p99 at the constant rate, in rounds over direct, the nginx proxy, bare and Switchback (one hey run each per
# round): added p99 = median of the target's p99s minus the median of direct's, so one slow second of the machine
# moves one round, not the verdict.
paired_latency() {
  local bare_url="$1" sw_url="$2" bare_pid="$3" sw_pid="$4" proxy_url round
  free_port pair_proxy_port
  proxy_port="$pair_proxy_port"
  start_nginx proxy "$pair_proxy_port"
  local pair_proxy_pid="$last_pid"
  proxy_url="http://127.0.0.1:$pair_proxy_port/v1/chat/completions"
  for round in $(seq 1 "$pair_rounds"); do
    measure_hey "lat_direct_$round" "$direct_url"; lat_direct+=("${hp99[lat_direct_$round]}"); lat_p50_direct+=("${hp50[lat_direct_$round]}")
    measure_hey "lat_nginx_$round" "$proxy_url"; lat_nginx+=("${hp99[lat_nginx_$round]}")
    probe_hey "lat_bare_$round" "$bare_url" "$bare_pid"; lat_bare+=("${hp99[lat_bare_$round]}")
    lat_cs_bare+=("$probe_cs"); lat_cpu_bare+=("$probe_cpu")
    probe_hey "lat_sw_$round" "$sw_url" "$sw_pid"; lat_sw+=("${hp99[lat_sw_$round]}"); lat_p50_sw+=("${hp50[lat_sw_$round]}")
    lat_cs_sw+=("$probe_cs"); lat_cpu_sw+=("$probe_cpu")
  done
  stop_pid "$pair_proxy_pid"
  # Switchback's own part of each request: its latency signal (from sending upstream until the answer is written to
  # Kestrel) over the last minute, which held only the last rounds' hey runs (the wrk rounds ended minutes before).
  local file="$last_run/switchback_pair-latency-signals.json"
  admin_expect 200 GET '/api/v1/deployments/bench-bot/signals?window=1m' >"$file"
  lat_attempt="$(jq -r '.versions[] | select(.version == 1) | .latency_ms | "\(.p50 * 1000 | round / 1000) \(.p99 * 1000 | round / 1000) \(.count)"' "$file")"
  local direct
  direct="$(median_of 3 "${lat_direct[@]}")"
  lat_added_nginx="$(awk -v a="$(median_of 3 "${lat_nginx[@]}")" -v b="$direct" 'BEGIN { printf "%.3f", a - b }')"
  lat_added_bare="$(awk -v a="$(median_of 3 "${lat_bare[@]}")" -v b="$direct" 'BEGIN { printf "%.3f", a - b }')"
  lat_added_sw="$(awk -v a="$(median_of 3 "${lat_sw[@]}")" -v b="$direct" 'BEGIN { printf "%.3f", a - b }')"
  log "paired latency: added p99 nginx $lat_added_nginx ms, bare $lat_added_bare ms, Switchback $lat_added_sw ms"
}

# One hey run at the constant rate against the process PID, also noting its context switches (all threads, voluntary
# and not) and CPU time per request: sets probe_cs and probe_cpu.
probe_hey() {
  local id="$1" url="$2" pid="$3" cs_before cpu_before served
  cs_before="$(context_switches "$pid")"; cpu_before="$(cpu_ticks "$pid")"
  measure_hey "$id" "$url"
  served="$(awk -F, 'NR > 1 && NF >= 8' "$work/$id.hey.csv" | wc -l)"
  probe_cs="$(awk -v a="$cs_before" -v b="$(context_switches "$pid")" -v n="$served" 'BEGIN { printf "%.1f", (b - a) / n }')"
  probe_cpu="$(awk -v a="$cpu_before" -v b="$(cpu_ticks "$pid")" -v t="$clk_tck" -v n="$served" 'BEGIN { printf "%.0f", (b - a) / t * 1e6 / n }')"
}

context_switches() {
  cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ { s += $2 } END { print s + 0 }'
}

# The Markdown for the paired step: one row per round, then the medians.
render_paired() {
  [ ${#pair_ratio[@]} -gt 0 ] || { printf 'Paired rounds: not measured in this run.\n'; return 0; }
  cat <<EOF
Paired throughput (the verdict's source for Switchback / bare YARP): both processes, both on server GC (Switchback's
setting), started side by side, each warmed
up with \`wrk\` for $pair_warmup, then $pair_rounds rounds of \`wrk -t$threads -c$connections -d$pair_duration\` alternating which goes first, so
both see the same drift of this shared machine. CPU = the process's user + system time per request served.

| round | bare YARP req/s | Switchback req/s | Switchback / bare | bare CPU µs/req | Switchback CPU µs/req |
|---:|---:|---:|---:|---:|---:|
EOF
  local i
  for i in "${!pair_ratio[@]}"; do
    printf '| %s | %s | %s | %s | %s | %s |\n' "$(( i + 1 ))" "${pair_a[$i]}" "${pair_b[$i]}" "${pair_ratio[$i]}" "${pair_cpu_a[$i]}" "${pair_cpu_b[$i]}"
  done
  printf '\nMedian Switchback / bare throughput %s (range %s–%s); median Switchback / bare CPU per request %s.\n' \
    "$pair_median" "$pair_min" "$pair_max" "$pair_cpu_median"
  [ ${#lat_sw[@]} -gt 0 ] || return 0
  printf '\nPaired latency (the verdict'"'"'s source for the added p99): after the throughput rounds, %s rounds of\n' "$pair_rounds"
  printf '`hey -z %s -c %s -q %s` against direct, the nginx proxy, bare YARP and Switchback in turn; added p99 = median p99\n' \
    "$hey_duration" "$hey_workers" "$hey_rate_per_worker"
  printf 'of the target minus median p99 of direct.\n\n'
  printf '| round | direct p99 ms | nginx p99 ms | bare YARP p99 ms | Switchback p99 ms |\n|---:|---:|---:|---:|---:|\n'
  local i
  for i in "${!lat_sw[@]}"; do
    printf '| %s | %s | %s | %s | %s |\n' "$(( i + 1 ))" "${lat_direct[$i]}" "${lat_nginx[$i]}" "${lat_bare[$i]}" "${lat_sw[$i]}"
  done
  printf '\nAdded p99: nginx %s ms, bare YARP %s ms (%s× nginx), Switchback %s ms (%s× nginx, %s× bare).\n' \
    "$lat_added_nginx" "$lat_added_bare" "$(cell "$(ratio "$lat_added_bare" "$lat_added_nginx")")" \
    "$lat_added_sw" "$(cell "$(ratio "$lat_added_sw" "$lat_added_nginx")")" "$(cell "$(ratio "$lat_added_sw" "$lat_added_bare")")"
  local attempt_p50 attempt_p99 attempt_n
  read -r attempt_p50 attempt_p99 attempt_n <<<"${lat_attempt:-- - 0}"
  printf '\nWhere the added latency is spent, in the same rounds (medians over rounds): a request straight to the upstream\n'
  printf 'took p50 %s / p99 %s ms, and through Switchback p50 %s / p99 %s ms as the client saw it; Switchback'"'"'s own attempt\n' \
    "$(median_of 3 "${lat_p50_direct[@]}")" "$(median_of 3 "${lat_direct[@]}")" "$(median_of 3 "${lat_p50_sw[@]}")" "$(median_of 3 "${lat_sw[@]}")"
  printf '(its `latency_ms` signal for the stable version over the last minute, %s requests: from sending upstream until the\n' "$attempt_n"
  printf 'answer is written to Kestrel) took p50 %s / p99 %s ms. The rest is spent before the handler starts and after the\n' "$attempt_p50" "$attempt_p99"
  printf 'answer is handed to Kestrel. Per request at 1000 RPS: context switches (all threads) bare %s, Switchback %s; CPU µs\n' \
    "$(median_of 1 "${lat_cs_bare[@]}")" "$(median_of 1 "${lat_cs_sw[@]}")"
  printf 'bare %s, Switchback %s.\n' "$(median_of 0 "${lat_cpu_bare[@]}")" "$(median_of 0 "${lat_cpu_sw[@]}")"
}
