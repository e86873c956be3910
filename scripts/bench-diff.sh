#!/usr/bin/env bash
# bench-diff.sh: `quorum diff --format json` against `git diff` on the same
# range of a generated history, run side by side. Prints medians of wall
# clock and peak RSS, their ratio, and peak RSS against the patch size.
#
#   scripts/bench-diff.sh [runs] [files] [lines-per-file]
#   QUORUM=/path/to/quorum scripts/bench-diff.sh   (use a prebuilt binary)
#   DIFF_ONLY=1 scripts/bench-diff.sh   (build a quorum with only the diff
#     command linked, to separate the diff engine from other packages' init)
#   B=/path/to/other/quorum B_ENV="GOGC=100" scripts/bench-diff.sh   (run a
#     second binary, or the same one with other environment settings, in the
#     same alternation: an A/B comparison under the same machine load)
#
# Defaults: 7 runs, 400 files of 500 lines with every 4th line from line 13
# on changed (~100k changed lines). FIRST=1 changes line 4 too, so every
# patch shows its file's first lines; with the default, quorum must read
# each head blob's first lines for the generated-code check.
# Needs git, go, awk and GNU /usr/bin/time.
set -euo pipefail

RUNS=${1:-7}
FILES=${2:-400}
LINES=${3:-500}
FIRST=${FIRST:-13}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "need GNU time at /usr/bin/time (apt-get install time)" >&2; exit 2; }

if [ -n "${QUORUM:-}" ]; then
  mkdir -p "$WORK/bin" && cp "$QUORUM" "$WORK/bin/quorum"
elif [ -n "${DIFF_ONLY:-}" ]; then
  echo "building quorum with only the diff command..." >&2
  cat > "$WORK/commands.go" <<'GO'
package cli

import (
	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/cmd/quorum/cli/diffcmd"
	"github.com/quorum-review/quorum/internal/cmdutil"
)

func init() {
	subcommands = append(subcommands,
		func(f *cmdutil.Factory) *cobra.Command { return diffcmd.NewCmdDiff(f, nil) },
	)
}
GO
  printf '{"Replace":{"%s":"%s"}}' "$ROOT/cmd/quorum/cli/commands.go" "$WORK/commands.go" > "$WORK/overlay.json"
  (cd "$ROOT" && go build -overlay "$WORK/overlay.json" -o "$WORK/bin/quorum" ./cmd/quorum)
else
  echo "building quorum..." >&2
  (cd "$ROOT" && go build -o "$WORK/bin/quorum" ./cmd/quorum)
fi

export HOME=$WORK/home GIT_CONFIG_NOSYSTEM=1 LC_ALL=C
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
mkdir -p "$HOME"

REPO=$WORK/repo
git init -q -b main "$REPO"
cd "$REPO"

# gen DIR PREFIX COUNT LINES STEP TAG: files whose every STEP-th line says TAG.
gen() {
  awk -v dir="$1" -v prefix="$2" -v n="$3" -v lines="$4" -v step="$5" -v tag="$6" -v from="$FIRST" 'BEGIN {
    for (f = 1; f <= n; f++) {
      path = sprintf("%s/%s%04d.go", dir, prefix, f)
      printf "package pkg%d\n", f > path
      for (i = 2; i <= lines; i++) {
        if (step > 0 && i >= from && i % step == 0)
          printf "\tvalue%d := compute(%d, \"%s\") // changed in %s\n", i, i * f, tag, tag > path
        else
          printf "\tvalue%d := compute(%d, \"stable text for line %d\")\n", i, i * f, i > path
      }
      close(path)
    }
  }'
}

mkdir -p src gone
gen src file "$FILES" "$LINES" 4 base
gen gone old 20 300 0 x
git add -A && git commit -q -m base
git checkout -q -b feature
gen src file "$FILES" "$LINES" 4 feature
git rm -q -r gone
mkdir -p added && gen added new 20 300 0 x
git add -A && git commit -q -m "feature: change every 4th line"
git gc -q

MB=$(git merge-base main HEAD)
HEAD_SHA=$(git rev-parse HEAD)
git diff "$MB" "$HEAD_SHA" > "$WORK/patch"
PATCH_BYTES=$(wc -c < "$WORK/patch")
CHANGED=$(git diff --numstat "$MB" "$HEAD_SHA" | awk '{a += $1 + $2} END {print a}')
NFILES=$(git diff --name-only "$MB" "$HEAD_SHA" | wc -l)

# measure NAME CMD...: RUNS timed runs; appends "wall_us maxrss_kb cpu_ms" lines to
# $WORK/NAME (cpu = user + sys of the process and its children, 10 ms steps).
measure() {
  local name=$1; shift
  : > "$WORK/$name"
  "$@" > /dev/null # warm the page cache
  for _ in $(seq "$RUNS"); do
    "$TIME" -f "%e %M %U %S" -o "$WORK/$name.one" "$@" > /dev/null
    # %e has 10 ms resolution; time again with nanoseconds for the wall clock.
    local t0 t1
    t0=$(date +%s%N); "$@" > /dev/null; t1=$(date +%s%N)
    echo "$(( (t1 - t0) / 1000 )) $(awk '{print $2, ($3 + $4) * 1000}' "$WORK/$name.one")" >> "$WORK/$name"
  done
}

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }

# Side by side, alternating, so both see the same machine load.
: > "$WORK/git"; : > "$WORK/gitq"; : > "$WORK/quorum"; : > "$WORK/quorumb"
AB=""
if [ -n "${B:-}" ] || [ -n "${B_ENV:-}" ]; then AB=1; fi
B_BIN=${B:-$WORK/bin/quorum}
for _ in $(seq "$RUNS"); do
  RUNS=1 measure g1 git diff "$MB" "$HEAD_SHA"; cat "$WORK/g1" >> "$WORK/git"
  RUNS=1 measure g2 git diff --no-color --no-ext-diff -M -C "$MB" "$HEAD_SHA"; cat "$WORK/g2" >> "$WORK/gitq"
  RUNS=1 measure q1 "$WORK/bin/quorum" diff --format json; cat "$WORK/q1" >> "$WORK/quorum"
  if [ -n "$AB" ]; then
    # shellcheck disable=SC2086
    RUNS=1 measure q2 env ${B_ENV:-} "$B_BIN" diff --format json; cat "$WORK/q2" >> "$WORK/quorumb"
  fi
done

G_US=$(awk '{print $1}' "$WORK/git" | median)
GQ_US=$(awk '{print $1}' "$WORK/gitq" | median)
Q_US=$(awk '{print $1}' "$WORK/quorum" | median)
G_KB=$(awk '{print $2}' "$WORK/git" | median)
Q_KB=$(awk '{print $2}' "$WORK/quorum" | median)
G_CPU=$(awk '{print $3}' "$WORK/git" | median)
Q_CPU=$(awk '{print $3}' "$WORK/quorum" | median)

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(git --version), $(go version | cut -d' ' -f3)"
echo "range:   merge-base(main, feature)..feature: $NFILES files, $CHANGED changed lines, patch $PATCH_BYTES bytes, first changed line $FIRST"
echo "runs:    $RUNS each, alternating; medians"
awk -v g="$G_US" -v gq="$GQ_US" -v q="$Q_US" -v gk="$G_KB" -v qk="$Q_KB" -v pb="$PATCH_BYTES" -v gc="$G_CPU" -v qc="$Q_CPU" 'BEGIN {
  printf "git diff MB HEAD                         %8.1f ms  peak RSS %7.1f MiB  cpu %4d ms\n", g / 1000, gk / 1024, gc
  printf "git diff -M -C (the flags quorum uses)   %8.1f ms\n", gq / 1000
  printf "quorum diff --format json                %8.1f ms  peak RSS %7.1f MiB  cpu %4d ms (incl. its git children)\n", q / 1000, qk / 1024, qc
  printf "wall-clock ratio quorum/git:             %8.2fx  (vs git -M -C: %.2fx; target <= 1.5x)\n", q / g, q / gq
  printf "peak RSS / patch size:                   %8.2fx  (target < 4x)\n", qk * 1024 / pb
}'
if [ -n "$AB" ]; then
  QB_US=$(awk '{print $1}' "$WORK/quorumb" | median)
  QB_KB=$(awk '{print $2}' "$WORK/quorumb" | median)
  awk -v g="$G_US" -v q="$QB_US" -v qk="$QB_KB" -v pb="$PATCH_BYTES" -v b="${B:-same binary}" -v e="${B_ENV:-}" 'BEGIN {
    printf "B: %s %s\n", b, e
    printf "B quorum diff --format json              %8.1f ms  peak RSS %7.1f MiB\n", q / 1000, qk / 1024
    printf "B wall-clock ratio quorum/git:           %8.2fx\n", q / g
    printf "B peak RSS / patch size:                 %8.2fx\n", qk * 1024 / pb
  }'
fi
