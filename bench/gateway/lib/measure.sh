# Load generation and parsing for run.sh: wrk at fixed concurrency, hey at a constant rate. Sourced by run.sh.
# Results go into associative arrays keyed by target id; a target that could not be measured gets only note[id].

declare -A tput p50 p99 hp50 hp99 hrate hbase rss_peak rss_now note cpu_us eval_evaluated eval_dropped eval_requests eval_share
wrk_pid=""
clk_tck="$(getconf CLK_TCK)"

# User + system CPU time of a process (all its threads) in clock ticks, from /proc/PID/stat.
cpu_ticks() {
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

# wrk's latency with its unit (e.g. 542.00us, 1.56ms, 1.21s) in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0
    if (v ~ /us$/) n = n / 1000; else if (v ~ /ms$/) n = n; else if (v ~ /m$/) n = n * 60000; else if (v ~ /s$/) n = n * 1000
    printf "%.3f", n
  }'
}

# Runs wrk (warm-up, then the measured run) against URL; extra wrk arguments (-H ...) follow the URL.
measure_wrk() {
  local id="$1" url="$2"; shift 2
  local out="$work/$id.wrk.txt"
  wrk -t"$threads" -c"$connections" -d"$warmup" -s "$here/post.lua" "$@" "$url" >"$work/$id.warmup.txt" 2>&1 \
    || die "$id: wrk warm-up failed: $(tail -n 3 "$work/$id.warmup.txt")"
  local cpu_before=""
  [ -n "$wrk_pid" ] && cpu_before="$(cpu_ticks "$wrk_pid")"
  wrk -t"$threads" -c"$connections" -d"$duration" --latency -s "$here/post.lua" "$@" "$url" >"$out" 2>&1 \
    || die "$id: wrk failed: $(tail -n 3 "$out")"
  local served
  served="$(awk '/requests in/ {print $1; exit}' "$out")"
  # The target's own CPU per request served under wrk (for Switchback, its request path plus its background work).
  if [ -n "$cpu_before" ] && [ "${served:-0}" -gt 0 ]; then
    cpu_us[$id]="$(awk -v a="$cpu_before" -v b="$(cpu_ticks "$wrk_pid")" -v t="$clk_tck" -v n="$served" \
      'BEGIN { printf "%.1f", (b - a) / t * 1e6 / n }')"
  fi
  cp "$out" "$last_run/"
  tput[$id]="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")"
  p50[$id]="$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")"
  p99[$id]="$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")"
  local non2xx errors
  non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")"
  errors="$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8 + $10}' "$out")"
  [ -n "${tput[$id]}" ] && [ -n "${p99[$id]}" ] || die "$id: could not read wrk's output ($out)"
  if [ "${non2xx:-0}" != 0 ] || [ "${errors:-0}" != 0 ]; then
    add_note "$id" "wrk saw ${non2xx:-0} non-2xx responses and ${errors:-0} socket errors"
  fi
  log "$id: wrk ${tput[$id]} req/s, p50 ${p50[$id]} ms, p99 ${p99[$id]} ms"
}

# Runs hey at a constant rate (workers x per-worker rate) for a fixed time; percentiles come from its per-request CSV.
measure_hey() {
  local id="$1" url="$2"; shift 2
  local csv="$work/$id.hey.csv" stats bad
  hey -z "$hey_duration" -c "$hey_workers" -q "$hey_rate_per_worker" -m POST -T application/json \
    -D "$here/request.json" "$@" -o csv "$url" >"$csv" 2>"$work/$id.hey.err" \
    || die "$id: hey failed: $(tail -n 3 "$work/$id.hey.err")"
  # CSV columns: response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset
  awk -F, 'NR > 1 && NF >= 8 {printf "%.6f\n", $1 * 1000}' "$csv" | sort -g >"$work/$id.hey.sorted"
  stats="$(awk -F, -v sorted="$work/$id.hey.sorted" 'NR > 1 && NF >= 8 {
      n++; if ($7 != 200) bad++; end = $8 + $1; if (end > last) last = end
    }
    END {
      if (n == 0) { print "none"; exit }
      i50 = int(0.50 * n + 0.999999); i99 = int(0.99 * n + 0.999999)
      for (i = 1; i <= i99 && (getline v < sorted) > 0; i++) { if (i == i50) a = v; if (i == i99) b = v }
      printf "%.3f %.3f %.0f %d\n", a, b, n / last, bad + 0
    }' "$csv")"
  [ "$stats" != none ] || die "$id: hey recorded no requests ($work/$id.hey.err)"
  read -r hp50[$id] hp99[$id] hrate[$id] bad <<<"$stats"
  [ "$bad" = 0 ] || add_note "$id" "hey saw $bad responses other than 200"
  local wanted=$(( hey_workers * hey_rate_per_worker ))
  if [ $(( hrate[$id] * 100 )) -lt $(( wanted * 95 )) ]; then
    add_note "$id" "reached ${hrate[$id]} of $wanted RPS under hey: it could not keep the rate, and since each hey worker waits for its answer, its p99 there understates what a client at $wanted RPS would see"
  fi
  log "$id: hey ${hrate[$id]} req/s achieved, p50 ${hp50[$id]} ms, p99 ${hp99[$id]} ms"
}

add_note() {
  local id="$1" text="$2"
  note[$id]="${note[$id]:+${note[$id]}; }$text"
}

# The whole measurement of one running target: wrk, hey, then its memory. Every target but direct gets its own
# direct baseline at the same rate right before its hey run, so its added p99 is not skewed by the other builds and
# runs that share this machine drifting between targets.
measure_target() {
  local id="$1" url="$2" pid="$3"; shift 3
  wrk_pid="$pid"
  measure_wrk "$id" "$url" "$@"
  wrk_pid=""
  if [ "$id" != direct ]; then
    measure_hey "${id}_base" "$direct_url"
    hbase[$id]="${hp99[${id}_base]}"
  fi
  measure_hey "$id" "$url" "$@"
  if [ -n "$pid" ]; then read -r rss_peak[$id] rss_now[$id] <<<"$(rss_mb "$pid")"; fi
}
