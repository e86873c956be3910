#!/usr/bin/env bash
# Times `quorum status` (and `quorum diff`) on a synthetic 30,000-commit
# history whose feature branch left main 20,000 commits ago, beside git's
# own merge-base: the cost of finding HEAD's range on a large repository.
# Usage: scripts/bench-status.sh [runs]   (needs python3; writes under a temp dir)
set -euo pipefail
runs="${1:-5}"
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
go build -o "$work/quorum" "$root/cmd/quorum"
git init -q "$work/r"
cd "$work/r"
python3 - <<'PY' | git fast-import --quiet
import sys
n = 30000
w = sys.stdout.write
for i in range(1, n + 1):
    data = f"line {i}\n"
    w(f"blob\nmark :{i}\ndata {len(data)}\n{data}")
    msg = f"c{i}\n"
    w(f"commit refs/heads/main\nmark :{n + i}\ncommitter A <a@example.com> {1700000000 + i} +0000\ndata {len(msg)}\n{msg}")
    if i > 1:
        w(f"from :{n + i - 1}\n")
    w(f"M 100644 :{i} f{i % 500}.txt\n\n")
PY
git checkout -q -b feature main~20000
echo 'package x' > new.go && git add new.go && git -c user.name=A -c user.email=a@example.com commit -qm feature
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# A command that fails is not timed: its time would not be the range's cost.
timeit() {
	for _ in $(seq "$runs"); do
		/usr/bin/time -f %e -o "$work/t" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
		cat "$work/t"
	done | median
}
echo "no remote, so the range is against main, 20,000 commits back ('quorum status' needs a remote)"
echo "  quorum diff      $(timeit "$work/quorum" diff) s"
echo "  git merge-base   $(timeit git merge-base main feature) s"
git init -q --bare "$work/o.git" && git remote add origin "$work/o.git"
git push -q origin main feature 2>/dev/null && git branch -q -u origin/feature
echo y >> new.go && git -c user.name=A -c user.email=a@example.com commit -qam more
echo "pushed feature, one new commit (range: origin/feature..HEAD)"
echo "  quorum status    $(timeit "$work/quorum" status) s"
echo "  git status       $(timeit git status) s"
