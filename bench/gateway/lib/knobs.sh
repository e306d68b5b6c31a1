# The environment knobs run.sh and compare.sh share, with their defaults: wrk's load (BENCH_THREADS, BENCH_CONNECTIONS),
# nginx's workers and the paired rounds of lib/paired.sh. Also the checks both scripts make on their knobs; those need
# die, so call them after it is defined. Sourced by either.
threads="${BENCH_THREADS:-2}"
connections="${BENCH_CONNECTIONS:-64}"
nginx_workers="${BENCH_NGINX_WORKERS:-1}"
pair_rounds="${BENCH_PAIR_ROUNDS:-5}"
pair_duration="${BENCH_PAIR_DURATION:-10s}"
pair_warmup="${BENCH_PAIR_WARMUP:-20s}"

# check_counts "NAMES" VALUE...: dies unless every VALUE is a positive integer; NAMES says which knobs they came from.
check_counts() {
  local names="$1" knob
  shift
  for knob in "$@"; do
    [[ "$knob" =~ ^[1-9][0-9]*$ ]] || die "$names take a positive integer (got '$knob')"
  done
}

# check_durations "NAMES" EXAMPLE VALUE...: dies unless every VALUE is a duration such as EXAMPLE or 1m.
check_durations() {
  local names="$1" example="$2" knob
  shift 2
  for knob in "$@"; do
    [[ "$knob" =~ ^[1-9][0-9]*[sm]$ ]] || die "$names take a duration like $example or 1m (got '$knob')"
  done
}

check_nginx_workers() {
  [[ "$nginx_workers" =~ ^([1-9][0-9]*|auto)$ ]] || die "BENCH_NGINX_WORKERS takes a positive integer or auto (got '$nginx_workers')"
}
