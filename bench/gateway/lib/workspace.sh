# The run's scratch directory and its clean-up, shared by run.sh and compare.sh. Sourced after servers.sh (stop_all).

# start_workspace PREFIX LAST_RUN: sets work (a new directory /tmp/PREFIX.XXXXXX) and last_run (LAST_RUN, emptied); on
# exit every server is stopped, a failed run's logs are kept in last_run and work is removed.
start_workspace() {
  work="$(mktemp -d "/tmp/$1.XXXXXX")"
  chmod 755 "$work" # nginx workers run as an unprivileged user and must reach their temp paths under it
  last_run="$2"
  rm -rf "$last_run" && mkdir -p "$last_run"
  trap cleanup EXIT
  trap 'exit 130' INT TERM
}

cleanup() {
  local rc=$?
  set +e
  stop_all
  [ $rc -ne 0 ] && cp "$work"/*.log "$last_run/" 2>/dev/null
  rm -rf "$work"
  exit $rc
}
