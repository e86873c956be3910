#!/usr/bin/env python3
"""check-history.py: `quorum diff` against git on every commit of a real history.

    scripts/check-history.py REPO QUORUM_BINARY

For each non-merge commit C with a parent, runs
`quorum diff --commits C~1..C --format json` and checks that
- every reviewed file's +/- counts equal `git diff --numstat -M -C C~1 C`,
- no file appears that git does not list (skipped files aside),
- every line's old/new number follows from its hunk header.
Prints the problems and a count; exits 1 if there were any.
"""
import json, subprocess, sys
repo = sys.argv[1]
q = sys.argv[2]
revs = subprocess.check_output(["git", "-C", repo, "rev-list", "--no-merges", "HEAD"], text=True).split()
bad = 0
checked = 0
for c in revs:
    try:
        subprocess.check_output(["git", "-C", repo, "rev-parse", "-q", "--verify", c + "~1"], text=True)
    except subprocess.CalledProcessError:
        continue
    out = subprocess.run([q, "diff", "--commits", f"{c}~1..{c}", "--format", "json"], cwd=repo, capture_output=True, text=True)
    if out.returncode != 0:
        print("FAIL", c, out.stderr.strip()); bad += 1; continue
    d = json.loads(out.stdout)
    ns = subprocess.check_output(["git", "-C", repo, "-c", "core.quotePath=false", "diff", "--numstat", "-z", "-M", "-C", f"{c}~1", c], text=True)
    # -z numstat: "add\tdel\tpath\0", or "add\tdel\t\0old\0new\0" for a rename or copy.
    parts = ns.split("\0")
    want = {}
    i = 0
    while i < len(parts) and parts[i]:
        a, dl, p = parts[i].split("\t", 2)
        if p == "":
            p = parts[i+2]; i += 3
        else:
            i += 1
        want[p] = (a, dl)
    got = {}
    for f in d["files"]:
        if f.get("skip"):
            continue
        got[f["path"]] = ("-", "-") if f["binary"] else (str(f["added"]), str(f["deleted"]))
        # Every line's numbers follow from the hunk header.
        for h in f["hunks"]:
            o, n = h["old_start"], h["new_start"]
            for l in h["lines"]:
                if l["kind"] == "context":
                    assert l["old"] == o and l["new"] == n; o += 1; n += 1
                elif l["kind"] == "deleted":
                    assert l["old"] == o and l["new"] == 0; o += 1
                else:
                    assert l["new"] == n and l["old"] == 0; n += 1
    skipped = {s["path"] for s in d["skipped"]}
    for p, v in want.items():
        if p in skipped: continue
        if got.get(p) != v:
            print("MISMATCH", c[:10], p, got.get(p), v); bad += 1
    for p in got:
        if p not in want:
            print("EXTRA", c[:10], p); bad += 1
    checked += 1
print("checked", checked, "commits, problems", bad)
sys.exit(1 if bad else 0)
