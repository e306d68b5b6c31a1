# Installs what run.sh needs when it is missing. Sourced by run.sh; needs $here, log() and die().

# nginx, wrk and hey from Debian (apt-get update once, only when something is missing); node and npm likewise.
# install_tools [TOOL...]: only the tools named (compare.sh needs no hey, node or npm); all of them by default.
install_tools() {
  local need=() tool tools=("$@")
  local -A package=([nginx]=nginx [wrk]=wrk [hey]=hey [node]=nodejs [npm]=npm [envsubst]=gettext-base [curl]=curl [jq]=jq)
  [ $# -gt 0 ] || tools=(nginx wrk hey node npm envsubst curl jq)
  for tool in "${tools[@]}"; do
    [ -n "${package[$tool]:-}" ] || die "install_tools: no package known for $tool"
    command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || need+=("${package[$tool]}")
  done
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
