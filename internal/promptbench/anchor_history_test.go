package promptbench

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/plan"
)

// TestEveryPromptLineAnchors replays this repository's last 46 commits:
// every line the lean prompt shows with a number, quoted with that number
// as a model is told to, must anchor to exactly that line, and every
// deleted line to the deletion (issue 12: anchoring stays as good).
func TestEveryPromptLineAnchors(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("git", "-C", root, "rev-list", "--first-parent", "--max-count=47", "HEAD").Output()
	if err != nil {
		t.Skipf("no git history here: %v", err)
	}
	revs := strings.Fields(string(out))
	if len(revs) < 47 {
		t.Skipf("only %d commits of history (a shallow clone?)", len(revs))
	}
	checked := 0
	for i := 0; i+1 < len(revs); i++ {
		set, err := diff.Load(context.Background(), diff.Options{Dir: root, Commits: revs[i+1] + ".." + revs[i]})
		if err != nil {
			t.Fatalf("%s: %v", revs[i][:12], err)
		}
		prep := plan.Prepare(plan.Input{Set: set, ReadNew: func(p string) ([]byte, error) { return diff.ReadNew(context.Background(), set, p) }})
		pl, err := plan.Build(prep, plan.Budget{NumCtx: 16384, AnswerTokens: 4096})
		if err != nil {
			t.Fatal(err)
		}
		ix := anchor.NewIndex(set)
		for _, c := range pl.Chunks {
			for _, f := range c.Files {
				next := 0 // the number of the next numbered line, for deletions
				lines := strings.Split(strings.TrimSuffix(f.Diff, "\n"), "\n")
				for j := len(lines) - 1; j >= 0; j-- {
					l := lines[j]
					if strings.HasPrefix(l, "@@") {
						continue
					}
					n, marker, code := split(l)
					if n > 0 {
						next = n
					}
					if strings.TrimSpace(code) == "" || len(anchor.Normalize(code)) < anchor.MinSubstring || next == 0 {
						continue // blank or short lines are no evidence on their own
					}
					if marker == ' ' {
						continue // models anchor to changed lines
					}
					rf := review.RawFinding{File: f.Path, Line: next, Quote: code, Severity: "important", Title: "t"}
					got, rej := ix.Anchor("r", c.ID, 0, rf)
					where := fmt.Sprintf("%s %s:%d %q", revs[i][:12], f.Path, next, code)
					if rej != nil {
						t.Fatalf("%s: rejected: %s", where, rej.Reason)
					}
					if marker == '+' && (got.Line != n || got.Deleted) {
						t.Fatalf("%s: anchored at %d (deleted %v)", where, got.Line, got.Deleted)
					}
					if marker == '-' && !got.Deleted && anchor.Normalize(got.LineText) != anchor.Normalize(code) && !commentAdded(code, got.LineText) {
						t.Fatalf("%s: a deleted line anchored to %d %q", where, got.Line, got.LineText)
					}
					checked++
				}
			}
		}
	}
	t.Logf("%d quoted lines of 46 commits anchored where the prompt showed them", checked)
	if checked == 0 {
		t.Fatal("nothing checked")
	}
}

// commentAdded reports whether line is code with a comment added at its
// end: a deleted line rewritten only for that is quoted as the same code,
// and anchoring ranks its new line first (rank.better), by design.
func commentAdded(code, line string) bool {
	rest, ok := strings.CutPrefix(anchor.Normalize(line), anchor.Normalize(code))
	rest = strings.TrimSpace(rest)
	return ok && (strings.HasPrefix(rest, "//") || strings.HasPrefix(rest, "#") || strings.HasPrefix(rest, "/*"))
}

// split reads one rendered diff line: "12+code", "13 code" or "-code".
func split(l string) (n int, marker byte, code string) {
	i := 0
	for i < len(l) && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	if i == 0 {
		if l == "" {
			return 0, ' ', ""
		}
		return 0, l[0], l[1:]
	}
	n, _ = strconv.Atoi(l[:i])
	if i == len(l) {
		return n, ' ', ""
	}
	return n, l[i], l[i+1:]
}
