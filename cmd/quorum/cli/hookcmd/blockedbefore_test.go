package hookcmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review/report"
)

// outcome is a reviewer that answers o.
func outcome(o Outcome) Reviewer {
	return reviewerFunc(func(context.Context, ReviewRequest) (Outcome, error) { return o, nil })
}

// blockedPush is a repository whose push (line) was blocked on one
// critical finding (the outcome blocked), with the hook's environment.
func blockedPush(t *testing.T) (dir, line string, env map[string]string, blocked Outcome) {
	t.Helper()
	dir, line = gitRepo(t)
	env = map[string]string{"HOME": t.TempDir()}
	blocked = Outcome{Blocked: true, ReportPath: "/r.md", Blocking: []hook.Finding{{ID: "ab12cd34", Severity: "critical", File: "db.go", Line: 3,
		Title: "SQL built from user input", Reviewers: []string{"beta:8b"}, SeenBy: 2}}}
	if _, err := runHook(t, dir, line, env, outcome(blocked)); !errors.Is(err, exitcode.FindingsError) {
		t.Fatalf("blocked: %v", err)
	}
	return dir, line, env, blocked
}

// Commits a push was blocked on stay blocked, under hook.on_unavailable:
// allow, through every review that is not whole and finds nothing: a
// panel model missing (which once recorded a pass and erased the block),
// a failed reviewer, every file over the size limit. Each refusal is one
// error and one hint; a whole review that passes then lets them through.
func TestBlockedCommitsStayBlockedOnAnIncompleteReview(t *testing.T) {
	dir, line, env, _ := blockedPush(t)
	for _, tc := range []struct {
		name string
		out  Outcome
		why  string
	}{
		{"a panel model missing", Outcome{Missing: []string{"beta:8b"}, Reviewed: 1, Panel: 2}, "the review is partial (reviewed by 1 of 2 panel models; not installed in ollama: beta:8b)"},
		{"a reviewer failed", Outcome{Partial: "beta:8b failed"}, "the review is partial (beta:8b failed)"},
		{"every file too large", Outcome{NothingReviewed: true, Skipped: []diff.Skipped{{Path: "db.go", Reason: diff.SkipTooLarge}}}, "nothing reviewed: every changed file was skipped: db.go (too-large)"},
	} {
		for range 2 { // and again: the first refusal kept the block
			stderr, err := runHook(t, dir, line, env, outcome(tc.out))
			want := "push blocked: " + tc.why + ", and an earlier push of these commits was blocked on 1 finding (report /r.md)"
			if exitcode.Of(err) != exitcode.Setup || err.Error() != want || !strings.Contains(exitcode.HintOf(err), "QUORUM_SKIP=1") {
				t.Fatalf("%s: %v (hint %q)\nwant %s", tc.name, err, exitcode.HintOf(err), want)
			}
			if strings.Contains(stderr, "hint:") {
				t.Fatalf("%s: a hint before the refusal's own:\n%s", tc.name, stderr)
			}
		}
	}
	if stderr, err := runHook(t, dir, line, env, outcome(Outcome{})); err != nil {
		t.Fatalf("a whole review that passes: %v\n%s", err, stderr)
	}
}

// The blocked change under new commits (squashed into one: new ids, the
// same code) is known by the blocked line it adds again, when the models
// are out of reach; a push that does not add that line goes through as
// before.
func TestBlockedChangeRewrittenStaysBlocked(t *testing.T) {
	dir, _ := gitRepo(t)
	env := map[string]string{"HOME": t.TempDir()}
	git := gitIn(t, dir)
	const sqli = "\tdb.Exec(\"DROP TABLE \" + r.FormValue(\"table\"))"
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\n\nfunc Drop() {\n"+sqli+"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("commit", "-q", "-am", "drop")
	pushLine := func() string {
		ref := "refs/heads/" + git("rev-parse", "--abbrev-ref", "HEAD")
		return ref + " " + git("rev-parse", "HEAD") + " " + ref + " " + strings.Repeat("0", 40) + "\n"
	}
	blocked := Outcome{Blocked: true, Blocking: []hook.Finding{{ID: "ab12cd34", Severity: "critical", File: "a.go", Line: 4,
		Title: "SQL built from user input", Reviewers: []string{"beta:8b"}, SeenBy: 2, Code: sqli}}}
	if _, err := runHook(t, dir, pushLine(), env, outcome(blocked)); !errors.Is(err, exitcode.FindingsError) {
		t.Fatalf("blocked: %v", err)
	}
	// Squashed: one new root commit of the same tree, no commit in common.
	git("checkout", "-q", "--orphan", "squashed")
	git("commit", "-q", "-m", "drop, squashed")
	down := outcome(Outcome{Unavailable: true, Reason: "ollama is not reachable at 127.0.0.1:1"})
	_, err := runHook(t, dir, pushLine(), env, down)
	want := "push blocked: ollama is not reachable at 127.0.0.1:1, and it adds again the line of a.go:4 an earlier push was blocked on (critical SQL built from user input)"
	if exitcode.Of(err) != exitcode.Setup || err == nil || err.Error() != want {
		t.Fatalf("amended: %v\nwant %s", err, want)
	}
	// Reformatted on the way (indentation and spaces moved): the same line.
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\n\nfunc Drop() {\n    db.Exec( \"DROP TABLE \"+r.FormValue(\"table\") )\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("checkout", "-q", "--orphan", "reformatted")
	git("commit", "-q", "-am", "drop, reformatted")
	if _, err := runHook(t, dir, pushLine(), env, down); err == nil || err.Error() != want {
		t.Fatalf("reformatted: %v\nwant %s", err, want)
	}
	// The line fixed in a new commit: nothing blocked comes back.
	if err := os.WriteFile(filepath.Join(dir, "a.go"), []byte("package a\n\nfunc Drop() {\n\tdb.Exec(\"DROP TABLE \" + allowed(r))\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git("checkout", "-q", "--orphan", "fixed")
	git("commit", "-q", "-am", "drop, fixed")
	if stderr, err := runHook(t, dir, pushLine(), env, down); err != nil || !strings.Contains(stderr, "push not reviewed (hook.on_unavailable: allow)") {
		t.Fatalf("fixed: %v\n%s", err, stderr)
	}
}

// What the hook remembers of a blocking finding holds the added line it is
// anchored to, and nothing for deleted code.
func TestHookFindingKeepsItsAddedLine(t *testing.T) {
	f := report.Finding{ID: "Q1", File: "a.go", Line: 4, Code: []report.CodeLine{
		{Kind: "context", New: 3, Text: "func Drop() {"},
		{Kind: "added", New: 4, Text: "\tdb.Exec(q)"},
	}}
	if got := hookFinding(f).Code; got != "\tdb.Exec(q)" {
		t.Fatalf("code %q", got)
	}
	f.Deleted = true
	if got := hookFinding(f).Code; got != "" {
		t.Fatalf("deleted code: %q", got)
	}
}

// A damaged verdicts file hides no block: it is never overwritten, a push
// the hook cannot review whole is refused (whether it was blocked before
// is unknown), and a whole review still gates the push.
func TestDamagedVerdictsFailClosed(t *testing.T) {
	// JSON that parses but is not what the hook writes is damaged too:
	// read as "nothing was blocked", it let a blocked commit through.
	for _, damaged := range []string{`{"blocked": [`, `null`, `{}`, `[]`, `"x"`, `{"blocked":[{}]}`, `{"blocked":[null]}`, `{"blocked":{}}`, `{"blocked":[],"unreviewed":[{}]}`} {
		t.Run(damaged, func(t *testing.T) { damagedVerdictsFailClosed(t, []byte(damaged)) })
	}
}

func damagedVerdictsFailClosed(t *testing.T, damaged []byte) {
	dir, line, env, blocked := blockedPush(t)
	path := filepath.Join(dir, ".git", "quorum", "hook-verdicts.json")
	if err := os.WriteFile(path, damaged, 0o644); err != nil {
		t.Fatal(err)
	}
	down := outcome(Outcome{Unavailable: true, Reason: "ollama is not reachable at 127.0.0.1:1"})
	stderr, err := runHook(t, dir, line, env, down)
	if exitcode.Of(err) != exitcode.Setup || err == nil ||
		!strings.HasPrefix(err.Error(), "push blocked: ollama is not reachable at 127.0.0.1:1, and the hook's saved verdicts "+path+" are damaged (") ||
		!strings.HasSuffix(err.Error(), "so whether an earlier push of these commits was blocked is unknown") ||
		!strings.Contains(exitcode.HintOf(err), "mv "+path+" "+path+".bak") {
		t.Fatalf("server down: %v (hint %q)", err, exitcode.HintOf(err))
	}
	if !strings.Contains(stderr, "quorum: warning: the hook's saved verdicts "+path+" are damaged") {
		t.Errorf("no warning:\n%s", stderr)
	}
	// A whole review gates as ever, and leaves the file as it was.
	if _, err := runHook(t, dir, line, env, outcome(blocked)); !errors.Is(err, exitcode.FindingsError) {
		t.Fatalf("blocked again: %v", err)
	}
	if _, err := runHook(t, dir, line, env, outcome(Outcome{})); err != nil {
		t.Fatalf("a whole review that passes: %v", err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != string(damaged) {
		t.Fatalf("the damaged file was overwritten: %q, %v", got, err)
	}
	// The same commit pushed to a new ref, the remote having it under
	// another: no review reads it, and whether it was blocked is unknown.
	head := strings.Fields(line)[1]
	gitIn(t, dir)("update-ref", "refs/remotes/origin/main", head)
	again := "refs/heads/other " + head + " refs/heads/other " + strings.Repeat("0", 40) + "\n"
	_, err = runHook(t, dir, again, env, outcome(Outcome{}))
	if exitcode.Of(err) != exitcode.Setup || err == nil ||
		!strings.HasPrefix(err.Error(), "push blocked: refs/heads/other brings commits no review of this push reads, and the hook's saved verdicts ") {
		t.Fatalf("under another ref: %v", err)
	}
}

// A blocked line is known again under new commits (a squash) however the
// report shows it: holding a character shown escaped (a zero-width space,
// <U+200B>), the raw line git gives is read as the report shows it; in a
// script git calls binary for a NUL byte (quorum reads it as text), the
// hook's own git diff reads it as text too (it read "Binary files
// differ", and no added line).
func TestBlockedLineKnownAgainHoweverShown(t *testing.T) {
	for _, tc := range []struct {
		name, file, content, raw string
		line                     int
	}{
		{"an invisible character", "a.go", "package a\n\nfunc Drop() {\n%s\n}\n", "\tdb.Exec(\"DROP\u200b TABLE \" + r.FormValue(\"table\"))", 4},
		{"a NUL in the script", "clean.sh", "#!/bin/sh\n# a NUL: \x00 here\n%s\n", "rm -rf \"$DIR\"/$(cat name)", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, _ := gitRepo(t)
			env := map[string]string{"HOME": t.TempDir()}
			git := gitIn(t, dir)
			if err := os.WriteFile(filepath.Join(dir, tc.file), []byte(fmt.Sprintf(tc.content, tc.raw)), 0o755); err != nil {
				t.Fatal(err)
			}
			git("add", tc.file)
			git("commit", "-q", "-m", "bad")
			pushLine := func() string {
				ref := "refs/heads/" + git("rev-parse", "--abbrev-ref", "HEAD")
				return ref + " " + git("rev-parse", "HEAD") + " " + ref + " " + strings.Repeat("0", 40) + "\n"
			}
			blocked := Outcome{Blocked: true, Blocking: []hook.Finding{{ID: "ab12cd34", Severity: "critical", File: tc.file, Line: tc.line,
				Title: "dangerous", Reviewers: []string{"beta:8b"}, SeenBy: 2, Code: safetext.Code(tc.raw)}}}
			if _, err := runHook(t, dir, pushLine(), env, outcome(blocked)); !errors.Is(err, exitcode.FindingsError) {
				t.Fatalf("blocked: %v", err)
			}
			git("checkout", "-q", "--orphan", "squashed")
			git("commit", "-q", "-m", "bad, squashed")
			_, err := runHook(t, dir, pushLine(), env, outcome(Outcome{Unavailable: true, Reason: "ollama is not reachable at 127.0.0.1:1"}))
			if want := fmt.Sprintf("it adds again the line of %s:%d", tc.file, tc.line); exitcode.Of(err) != exitcode.Setup || err == nil || !strings.Contains(err.Error(), want) {
				t.Fatalf("squashed: %v", err)
			}
		})
	}
}
