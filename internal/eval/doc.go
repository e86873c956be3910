// Package eval measures a review panel on the repository's own history (it mines bug and clean cases from git, and scores the panel's answers), and how findings are grouped on labelled reviews (merge.go).
//
// # Cases
//
// A bug case is a commit whose subject or body matches the fix pattern
// (default: fix, fixes, fixed, bug, bugfix, regression, CVE-n), with no
// more than MaxFiles code files and MaxLines changed lines of code, no
// merge. Its diff is the fix reversed on top of the fixed commit: `git
// diff FIX FIX^`, cut to the fix's code files other than tests (a
// reverted regression test would show a deleted test, not the bug); no
// case shows the panel a commit message. Those files at the head side
// are exactly the parent's, so nothing is built on disk: every case is read
// from git objects (git log, git diff, git cat-file), and the work tree,
// index, branches and stash are never touched. The truth is the lines the
// fix touched on the new side of that diff: the lines it re-adds, and the
// new-side position of the lines it deletes again (as anchoring places a
// finding about deleted code). A finding hits when it is anchored in the
// same file within Window lines (default 3) of a truth line. With git's
// three lines of context, that is nearly any finding quoting the fix's
// hunks; findings about other files, without a line, or far up a long
// hunk miss.
//
// A clean case is a commit that is not a fix and whose subject matches the
// clean pattern (refactor, rename, test, chore), or that has at least
// CleanWindow later commits of which no fix touches one of its files. Docs
// and data files are left out of every case, so a docs-only commit is no
// case. Findings on a clean case count as likely false positives: a proxy,
// since a clean commit may hold a bug nobody fixed yet.
//
// Cases are sampled by a hash of the seed and the commit (Order): the same
// seed picks the same cases, ceil(N/2) bugs and the rest clean.
//
// # Scores
//
// Score consolidates each case's raw answers with the review pipeline's
// pure half (pipeline.Review with saved answers: anchoring, merging,
// severity policy; no dismissal ledger) for the whole panel and each
// sub-panel, then applies the gate of `quorum review` (report.Policy.Blocks:
// severity at or above fail_on, support at least min_agreement, where a
// reviewer that quoted code counts 1 and one that did not ½). It is a pure
// function of the answers: re-scoring costs no model call, and the order
// of cases, reviewers and findings does not change a byte of the output.
//
// # JSON: quorum.eval/v1
//
//	{
//	  "schema": "quorum.eval/v1",
//	  "settings": {"window", "severity", "severity_policy", "max_clean_block_rate", "seed", "cases_requested"},
//	  "counts": {"bug", "clean", "skipped"},
//	  "cases": [{"id", "kind": "bug|clean", "commit", "subject", "base", "head", "files": [],
//	             "truth": {"path": [lines]}, "found": [reviewers], "flagged": [reviewers],
//	             "findings": [{"file", "line", "end_line", "severity", "reviewers", "support", "hit", "title"}]}],
//	  "skipped": [{"kind", "commit", "subject", "reason"}],
//	  "models": [{"name", "model", "digest", "recall", "found", "bugs", "precision", "hits", "bug_findings",
//	              "findings_per_clean_case", "clean_findings", "clean", "failed_cases",
//	              "wall_s", "tokens_in", "tokens_out", "requests", "cache_hits"}],
//	  "rules": [{"panel": [names], "min_agreement", "fail_on", "recall", "found",
//	             "bug_block_rate", "bug_blocked", "clean_block_rate", "clean_blocked"}],
//	  "recommendation": {rule fields, "text"} or null,
//	  "no_recommendation": "why, when null",
//	  "caveats": ["..."]
//	}
//
// Rates are fractions rounded to 4 places, each beside the counts it comes
// from. Per-model figures count findings at or above settings.severity;
// wall_s and tokens are what its answers cost when they were asked (Input.Cost;
// the command records them beside the answer cache), requests are this
// run's and cache_hits the answers the cache gave. Rules cover the whole panel and every
// sub-panel of up to MaxPanelForSubsets reviewers, k = 1..n, fail_on
// critical, important and suggestion; the whole panel comes first.
package eval
