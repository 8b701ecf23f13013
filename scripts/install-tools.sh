#!/usr/bin/env bash
# Installs the Go-built servers the service and its tests need (Temporal CLI, Pebble,
# pebble-challtestsrv) into the git-ignored .tools/bin. A binary already on PATH is used as is.
# Builds go to a per-user cache keyed by version, so fresh clones on the same machine (CI) reuse
# them instead of spending minutes in `go install` again.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin="$here/.tools/bin"
cache="${TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/temporal-cert-manager/tools}"
mkdir -p "$bin"

install() { # name module version
  local name=$1 mod=$2 version=$3
  if [ -x "$bin/$name" ]; then return; fi
  if command -v "$name" >/dev/null 2>&1; then ln -sf "$(command -v "$name")" "$bin/$name"; return; fi
  local dest="$cache/$name@$version"
  if [ ! -x "$dest/$name" ]; then
    if ! command -v go >/dev/null 2>&1; then
      echo "install-tools: $name is not on PATH and Go is not installed." >&2
      echo "  Install Go 1.24+ (https://go.dev/dl/ or 'apt-get install golang-go') and run 'npm run tools' again," >&2
      echo "  or put a $name binary ($mod@$version) on PATH." >&2
      exit 1
    fi
    echo "install-tools: building $name ($mod@$version); this takes a few minutes the first time" >&2
    mkdir -p "$dest"
    GOBIN="$dest" GOFLAGS=-mod=mod go install "$mod@$version"
  fi
  ln -sf "$dest/$name" "$bin/$name"
}

want=${1:-all}
if [ "$want" = all ] || [ "$want" = temporal ]; then
  install temporal github.com/temporalio/cli/cmd/temporal v1.5.1
fi
if [ "$want" = all ] || [ "$want" = pebble ]; then
  install pebble github.com/letsencrypt/pebble/v2/cmd/pebble v2.10.1
  install pebble-challtestsrv github.com/letsencrypt/pebble/v2/cmd/pebble-challtestsrv v2.10.1
fi
echo "install-tools: $(ls "$bin" | tr '\n' ' ')in $bin" >&2
