// Package reporttest builds diff sets and scripted reviewer answers by hand for consolidation and report tests.
package reporttest

import (
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
)

// File builds a one-hunk file from lines written as in a patch: "+added",
// "-deleted", " context". Numbers start at oldStart and newStart.
func File(path string, status diff.Status, oldStart, newStart int, lines ...string) diff.File {
	f := diff.File{Path: path, OldPath: path, Status: status}
	f.Hunks = append(f.Hunks, Hunk(oldStart, newStart, lines...))
	for _, l := range f.Hunks[0].Lines {
		switch l.Kind {
		case diff.Added:
			f.Added++
		case diff.Deleted:
			f.Deleted++
		}
	}
	return f
}

// Hunk builds one hunk; see File.
func Hunk(oldStart, newStart int, lines ...string) diff.Hunk {
	h := diff.Hunk{OldStart: oldStart, NewStart: newStart}
	o, n := oldStart, newStart
	for _, s := range lines {
		kind, text := s[:1], s[1:]
		switch kind {
		case "+":
			h.Lines = append(h.Lines, diff.Line{Kind: diff.Added, New: n, Text: text})
			n++
			h.NewLines++
		case "-":
			h.Lines = append(h.Lines, diff.Line{Kind: diff.Deleted, Old: o, Text: text})
			o++
			h.OldLines++
		default:
			h.Lines = append(h.Lines, diff.Line{Kind: diff.Context, Old: o, New: n, Text: text})
			o++
			n++
			h.OldLines++
			h.NewLines++
		}
	}
	return h
}

// Set is the fixture diff every golden report reviews: a Go cache with a
// lock and error-handling problems, a new HTTP handler with SQL built from
// the query string, a skipped lockfile, and commits with hygiene problems.
func Set() *diff.Set {
	cache := File("store/cache.go", diff.StatusModified, 10, 10,
		" func (c *Cache) Get(key string) ([]byte, error) {",
		" \tc.mu.RLock()",
		"-\tdefer c.mu.RUnlock()",
		"+\tv, ok := c.items[key]",
		"+\tc.mu.RUnlock()",
		"+\tif !ok {",
		"+\t\treturn nil, ErrMiss",
		"+\t}",
		"+\tf, _ := os.Open(c.path(key))",
		"+\tdata, _ := io.ReadAll(f)",
		"+\t// TODO: verify the checksum before trusting the file",
		"+\treturn append(v, data...), nil",
		" }",
	)
	handler := File("api/handler.go", diff.StatusAdded, 0, 1,
		"+package api",
		"+",
		"+func Handle(w http.ResponseWriter, r *http.Request) {",
		"+\tq := \"SELECT * FROM users WHERE name = '\" + r.URL.Query().Get(\"name\") + \"'\"",
		"+\trows, _ := db.Query(q)",
		"+\tdefer rows.Close()",
		"+\tfmt.Fprintln(w, \"ok\")",
		"+}",
	)
	handler.OldPath = ""
	lock := diff.File{Path: "go.sum", OldPath: "go.sum", Status: diff.StatusModified, Skip: diff.SkipLockfile}
	return &diff.Set{
		Mode:      "range",
		Base:      diff.Ref{Ref: "origin/main", Commit: "1111111111111111111111111111111111111111"},
		Head:      diff.Ref{Ref: "HEAD", Commit: "2222222222222222222222222222222222222222"},
		MergeBase: "1111111111111111111111111111111111111111",
		Commits: []diff.Commit{
			{SHA: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Subject: "Read cache entries from disk", Parents: []string{"1111111111111111111111111111111111111111"}},
			{SHA: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", Subject: "fixup! Read cache entries from disk", Parents: []string{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}},
			{SHA: "cccccccccccccccccccccccccccccccccccccccc", Subject: "Add the users handler that looks users up by name and prints ok when found", Parents: []string{"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}},
			{SHA: "dddddddddddddddddddddddddddddddddddddddd", Subject: "Merge branch 'main' into cache", Parents: []string{"cccccccccccccccccccccccccccccccccccccccc", "1111111111111111111111111111111111111111"}},
		},
		Files:   []diff.File{cache, handler, lock},
		Skipped: []diff.Skipped{{Path: "go.sum", Reason: diff.SkipLockfile}},
	}
}

// EmptySet is a diff with nothing reviewable.
func EmptySet() *diff.Set {
	return &diff.Set{
		Mode: "range",
		Base: diff.Ref{Ref: "origin/main", Commit: "1111111111111111111111111111111111111111"},
		Head: diff.Ref{Ref: "HEAD", Commit: "1111111111111111111111111111111111111111"},
	}
}

// Files lists the reviewable paths of set, for chunk coverage.
func Files(set *diff.Set) []string {
	var out []string
	for _, f := range set.Reviewable() {
		out = append(out, f.Path)
	}
	return out
}

// F is a compact RawFinding constructor.
func F(file string, line int, quote, severity, category, title, explanation string) review.RawFinding {
	return review.RawFinding{File: file, Line: line, Quote: quote, Severity: severity, Category: category, Title: title, Explanation: explanation}
}

// Chunk is one answered chunk over files.
func Chunk(id string, files []string, a review.Answer) review.ChunkResult {
	return review.ChunkResult{Chunk: id, Files: files, Answer: &a,
		Metrics: review.Metrics{EvalTokens: 400, PromptTokens: 3000, EvalDuration: 8 * time.Second, Requests: 1}}
}

// Failed is a chunk that failed with reason.
func Failed(id string, files []string, reason string) review.ChunkResult {
	return review.ChunkResult{Chunk: id, Files: files, Error: reason, Metrics: review.Metrics{Requests: 2, Retries: 1}}
}

// Result is one reviewer's result with plausible metrics derived from its index.
func Result(name string, i int, chunks ...review.ChunkResult) review.RawResult {
	res := review.RawResult{
		Reviewer: review.Reviewer{Name: name, Model: name},
		Digest:   fmt.Sprintf("sha256:%x", sha256.Sum256([]byte(name))),
		Options:  review.Options{NumCtx: 16384, Temperature: 0, Seed: 42},
		Status:   review.StatusOK,
		Chunks:   chunks,
	}
	// Covered, as the runner reports it: the files every chunk holding
	// which was answered.
	failed, unanswered := 0, map[string]bool{}
	for _, ch := range chunks {
		if ch.Answer == nil {
			failed++
			for _, p := range ch.Files {
				unanswered[p] = true
			}
		}
	}
	for _, ch := range chunks {
		for _, p := range ch.Files {
			if ch.Answer != nil && !unanswered[p] && !contains(res.Covered, p) {
				res.Covered = append(res.Covered, p)
			}
		}
	}
	switch {
	case len(chunks) > 0 && failed == len(chunks):
		res.Status = review.StatusFailed
		res.Error = chunks[0].Error
	case failed > 0:
		res.Status = review.StatusPartial
	}
	res.Metrics = review.Metrics{
		Wall:          time.Duration(40+i*17) * time.Second,
		TotalDuration: time.Duration(38+i*17) * time.Second,
		LoadDuration:  time.Duration(3+i) * time.Second,
		EvalDuration:  time.Duration(20+i*5) * time.Second,
		PromptTokens:  6000 + 100*i,
		EvalTokens:    800 + 50*i,
		Requests:      len(chunks),
	}
	return res
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// Raw wraps results as saved raw output.
func Raw(results ...review.RawResult) *review.Raw {
	return &review.Raw{
		Schema:        "quorum.raw/v1",
		PromptVersion: "p-test",
		StartedAt:     time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC),
		Wall:          2*time.Minute + 5*time.Second,
		Results:       results,
	}
}
