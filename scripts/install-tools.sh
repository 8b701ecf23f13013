#!/usr/bin/env bash
# Installs the Go-built servers the service and its tests need (Temporal CLI, Pebble,
# pebble-challtestsrv) into the git-ignored .tools/bin, unless they are already there or on PATH.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin="$here/.tools/bin"
mkdir -p "$bin"

install() { # name module@version
  local name=$1 mod=$2
  if [ -x "$bin/$name" ]; then return; fi
  if command -v "$name" >/dev/null 2>&1; then ln -sf "$(command -v "$name")" "$bin/$name"; return; fi
  command -v go >/dev/null 2>&1 || { echo "install-tools: $name is not on PATH and Go is not installed; install Go (https://go.dev/dl) or put $name on PATH" >&2; exit 1; }
  echo "install-tools: building $name ($mod) into $bin; this takes a few minutes once" >&2
  GOBIN="$bin" GOFLAGS=-mod=mod go install "$mod"
}

want=${1:-all}
if [ "$want" = all ] || [ "$want" = temporal ]; then
  install temporal github.com/temporalio/cli/cmd/temporal@v1.5.1
fi
if [ "$want" = all ] || [ "$want" = pebble ]; then
  install pebble github.com/letsencrypt/pebble/v2/cmd/pebble@v2.10.1
  install pebble-challtestsrv github.com/letsencrypt/pebble/v2/cmd/pebble-challtestsrv@v2.10.1
fi
