# Starting, checking and stopping the servers that run.sh measures. Sourced by run.sh; needs $work and log().

started_pids=()

# Sets variable NAME to a free TCP port on 127.0.0.1 that no earlier call of this run handed out.
used_ports=" "
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 30000 ))
    case "$used_ports" in *" $p "*) continue ;; esac
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      used_ports="$used_ports$p "
      printf -v "$1" '%s' "$p"
      return 0
    fi
  done
  die "no free loopback port found"
}

# Remembers a PID that cleanup must stop.
track() { started_pids+=("$1"); }

# Stops one process this run started: TERM, up to 5 s of grace, then KILL.
stop_pid() {
  local pid="$1"
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

stop_all() {
  local i
  for (( i=${#started_pids[@]}-1; i>=0; i-- )); do stop_pid "${started_pids[$i]}"; done
  started_pids=()
}

# Waits until something answers HTTP on 127.0.0.1:PORT (any status), at most 60 s; PID must stay alive meanwhile.
wait_http() {
  local port="$1" pid="$2" name="$3"
  for _ in $(seq 1 600); do
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up (log: $work/$name.log)"
    if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then return 0; fi
    sleep 0.1
  done
  die "$name did not answer on 127.0.0.1:$port within 60 s (log: $work/$name.log)"
}

# Renders an nginx config from bench/gateway/nginx/NAME.conf into $work: only our ${...} names are replaced (nginx's own
# $variables, such as response.json's $request_id, are left to nginx).
render_nginx() {
  local name="$1"
  WORK="$work" NGINX_WORKERS="$nginx_workers" UPSTREAM_PORT="$upstream_port" PROXY_PORT="${proxy_port:-0}" \
    COMPLETION="$completion" RESPONSE="$(cat "$here/response.json")" \
    envsubst '${WORK} ${NGINX_WORKERS} ${UPSTREAM_PORT} ${PROXY_PORT} ${COMPLETION} ${RESPONSE}' \
    <"$here/nginx/$name.conf" >"$work/$name.conf"
  nginx -t -q -p "$work" -c "$work/$name.conf" 2>"$work/$name.test.log" \
    || { cat "$work/$name.test.log" >&2; die "nginx rejected $name.conf"; }
}

# Starts nginx in the foreground (daemon off) under this script's control; its master PID goes to $last_pid.
start_nginx() {
  local name="$1" port="$2"
  render_nginx "$name"
  nginx -p "$work" -c "$work/$name.conf" >"$work/$name.log" 2>&1 &
  last_pid=$!
  track "$last_pid"
  wait_http "$port" "$last_pid" "$name"
}

# Memory of a process and its children in MB: "peak current" from VmHWM and VmRSS of /proc/PID/status.
rss_mb() {
  local pid="$1" pids p hwm=0 rss=0 h r
  pids="$pid $(pgrep -P "$pid" | tr '\n' ' ')"
  for p in $pids; do
    h=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    r=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    hwm=$(( hwm + ${h:-0} )); rss=$(( rss + ${r:-0} ))
  done
  awk -v h="$hwm" -v r="$rss" 'BEGIN { printf "%.1f %.1f\n", h / 1024, r / 1024 }'
}

# Fails unless POST /v1/chat/completions at URL answers 200 with exactly the canned completion.
# Extra curl arguments (headers) follow the URL. The response headers are left in $work/verify.headers.
verify_completion() {
  local name="$1" url="$2"; shift 2
  local body status
  body="$(curl -s -D "$work/verify.headers" -o - -w '\n%{http_code}' --max-time 10 -X POST \
    -H 'Content-Type: application/json' --data-binary "@$here/request.json" "$@" "$url")" \
    || die "$name: request to $url failed"
  status="${body##*$'\n'}"
  body="${body%$'\n'*}"
  [ "$status" = 200 ] || die "$name: expected 200 from $url, got $status: $body"
  [ "$body" = "$completion" ] || die "$name: the response is not the canned completion: $body"
  log "$name forwards: 200 with the canned completion"
}
