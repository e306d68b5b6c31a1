# Installs what run.sh needs when it is missing. Sourced by run.sh; needs $here, log() and die().

# nginx, wrk and hey from Debian (apt-get update once, only when something is missing); node and npm likewise.
install_tools() {
  local need=()
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
  command -v wrk >/dev/null 2>&1 || need+=(wrk)
  command -v hey >/dev/null 2>&1 || need+=(hey)
  command -v node >/dev/null 2>&1 || need+=(nodejs)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  command -v envsubst >/dev/null 2>&1 || need+=(gettext-base)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  command -v jq >/dev/null 2>&1 || need+=(jq)
  if [ ${#need[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "missing ${need[*]}; run as root or install them with apt-get first"
    log "installing from Debian: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || die "apt-get update failed"
    apt-get install -y -qq "${need[@]}" >/dev/null || die "apt-get install ${need[*]} failed"
  fi
  export PATH="$PATH:/usr/sbin"
}

# The pinned Portkey gateway from npm, exactly as package-lock.json says, into bench/gateway/.portkey/node_modules.
install_portkey() {
  local dir="$here/.portkey" entry="$here/.portkey/node_modules/@portkey-ai/gateway/build/start-server.js"
  if [ -f "$entry" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then return 0; fi
  log "installing @portkey-ai/gateway from package-lock.json (npm ci)"
  # --ignore-scripts: its only install script runs patch-package, and the published package has no patches.
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >"$work/npm.log" 2>&1 \
    || { cat "$work/npm.log" >&2; die "npm ci in bench/gateway/.portkey failed"; }
  [ -f "$entry" ] || die "npm ci did not install $entry"
}
