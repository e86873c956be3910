#!/usr/bin/env bash
# Builds a CPU-only Ollama server once, outside the checkout, and prints the
# binary's path (for QUORUM_OLLAMA_BIN). Reused when present; keyed by version.
#
#   export QUORUM_OLLAMA_BIN="$(scripts/ollama-server.sh)"
#   go test ./internal/e2e/
#
# v0.6.5 is the newest tag known to build with `go install` (cgo, gcc, about
# 4 minutes on 2 cores); later tags need headers the module zip leaves out.
set -euo pipefail

version="${QUORUM_OLLAMA_VERSION:-v0.6.5}"
dir="${XDG_CACHE_HOME:-$HOME/.cache}/quorum-ci/ollama-${version}"
bin="$dir/ollama"

if [[ -x "$bin" ]]; then
  echo "$bin"
  exit 0
fi

if ! command -v gcc >/dev/null 2>&1 && ! command -v cc >/dev/null 2>&1; then
  echo "ollama-server.sh: a C compiler is needed (cgo); install gcc" >&2
  exit 2
fi

mkdir -p "$dir"
# Build into a temporary GOBIN and move the binary in place last, so an
# interrupted build never leaves a half-written binary that looks reusable.
tmp="$(mktemp -d "$dir/.build-XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
start=$(date +%s)
# GOFLAGS=-mod=mod: build the module as published, whatever the caller's
# environment; GOWORK=off: never pick up a workspace around the checkout.
if ! CGO_ENABLED=1 GOWORK=off GOFLAGS=-mod=mod GOBIN="$tmp" \
  go install "github.com/ollama/ollama@${version}" >"$tmp/build.log" 2>&1; then
  tail -n 30 "$tmp/build.log" >&2
  echo "ollama-server.sh: building ollama ${version} failed (log above)" >&2
  exit 1
fi
mv "$tmp/ollama" "$bin"
echo "ollama-server.sh: built ollama ${version} in $(( $(date +%s) - start ))s" >&2
echo "$bin"
