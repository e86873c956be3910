package report

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/safetext"
)

// This file holds the sections computed by code beside the models' narrative
// (DESIGN §6.5): commit hygiene, markers added, tests and docs.

// SubjectLimit is the longest commit subject that is not flagged.
const SubjectLimit = 72

var wipRe = regexp.MustCompile(`(?i)^(\[?wip\]?[:\s]|wip$)|\[wip\]`)

func commitNotes(c diff.Commit) []string {
	var notes []string
	s := c.Subject
	switch {
	case strings.HasPrefix(s, "fixup!"):
		notes = append(notes, "fixup! commit: squash it before pushing")
	case strings.HasPrefix(s, "squash!"):
		notes = append(notes, "squash! commit: squash it before pushing")
	case strings.HasPrefix(s, "amend!"):
		notes = append(notes, "amend! commit: squash it before pushing")
	}
	if wipRe.MatchString(strings.TrimSpace(s)) {
		notes = append(notes, "work in progress")
	}
	if n := len([]rune(s)); n > SubjectLimit {
		notes = append(notes, fmt.Sprintf("subject is %d characters (over %d)", n, SubjectLimit))
	}
	if c.IsMerge() {
		notes = append(notes, fmt.Sprintf("merge commit (%d parents)", len(c.Parents)))
	}
	return notes
}

func hasMarker(s string) bool {
	return strings.Contains(s, "TODO") || strings.Contains(s, "FIXME") || strings.Contains(s, "HACK") || strings.Contains(s, "XXX")
}

var todoRe = regexp.MustCompile(`\b(TODO|FIXME|HACK|XXX)\b`)

func todos(files []diff.File) []TODO {
	var out []TODO
	for _, f := range files {
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				if l.Kind != diff.Added {
					continue
				}
				if !hasMarker(l.Text) {
					continue // cheap filter: the regexp is slow over large diffs
				}
				if m := todoRe.FindStringSubmatch(l.Text); m != nil {
					out = append(out, TODO{File: f.Path, Line: l.New, Marker: m[1], Text: safetext.Sanitize(strings.TrimSpace(l.Text))})
				}
			}
		}
	}
	return out
}

var sourceExt = map[string]bool{
	".go": true, ".py": true, ".js": true, ".jsx": true, ".ts": true, ".tsx": true, ".mjs": true, ".cjs": true,
	".rs": true, ".java": true, ".kt": true, ".kts": true, ".scala": true, ".c": true, ".cc": true, ".cpp": true,
	".cxx": true, ".h": true, ".hpp": true, ".cs": true, ".rb": true, ".php": true, ".swift": true, ".m": true,
	".ex": true, ".exs": true, ".erl": true, ".hs": true, ".ml": true, ".lua": true, ".sh": true, ".dart": true,
	".zig": true, ".clj": true, ".fs": true, ".vue": true, ".svelte": true,
}

// IsTest recognises test files by the conventions of common languages.
func IsTest(p string) bool {
	base := path.Base(p)
	lower := strings.ToLower(base)
	ext := path.Ext(lower)
	stem := strings.TrimSuffix(lower, ext)
	for _, seg := range strings.Split(path.Dir(p), "/") {
		switch strings.ToLower(seg) {
		case "test", "tests", "__tests__", "spec", "testdata", "testing":
			return true
		}
	}
	return strings.HasSuffix(stem, "_test") || strings.HasPrefix(stem, "test_") ||
		strings.HasSuffix(stem, ".test") || strings.HasSuffix(stem, ".spec") ||
		strings.HasSuffix(stem, "_spec") || strings.HasSuffix(stem, "test") && ext == ".java" ||
		strings.HasSuffix(stem, "tests") && (ext == ".cs" || ext == ".kt" || ext == ".swift") ||
		ext == ".txtar" || ext == ".bats"
}

func isSource(p string) bool { return sourceExt[strings.ToLower(path.Ext(p))] && !IsTest(p) }

func isDoc(p string) bool {
	lower := strings.ToLower(p)
	base := path.Base(lower)
	ext := path.Ext(lower)
	if ext == ".md" || ext == ".rst" || ext == ".adoc" || ext == ".txt" && strings.HasPrefix(base, "readme") {
		return true
	}
	if base == "doc.go" || strings.HasPrefix(base, "readme") || strings.HasPrefix(base, "changelog") {
		return true
	}
	for _, seg := range strings.Split(path.Dir(lower), "/") {
		if seg == "doc" || seg == "docs" {
			return true
		}
	}
	return false
}

// checks finds changed source with no test change and exported Go API
// changed with no doc change. A Go source file needs a test change in its own
// package directory; other languages need a changed test whose name contains
// the source file's stem.
func checks(files []diff.File) Checks {
	c := Checks{SourceWithoutTests: []string{}, APIWithoutDocs: []APIChange{}}
	testDirs := map[string]bool{}
	var tests []string
	for _, f := range files {
		if IsTest(f.Path) {
			c.TestsChanged = true
			testDirs[path.Dir(f.Path)] = true
			tests = append(tests, strings.ToLower(f.Path))
		}
		if isDoc(f.Path) {
			c.DocsChanged = true
		}
	}
	for _, f := range files {
		if f.Status == diff.StatusDeleted || !isSource(f.Path) || f.Added == 0 && f.Deleted == 0 {
			continue
		}
		covered := false
		if strings.HasSuffix(f.Path, ".go") {
			covered = testDirs[path.Dir(f.Path)]
		} else {
			stem := strings.TrimSuffix(strings.ToLower(path.Base(f.Path)), strings.ToLower(path.Ext(f.Path)))
			for _, t := range tests {
				if strings.Contains(path.Base(t), stem) {
					covered = true
					break
				}
			}
		}
		if !covered {
			c.SourceWithoutTests = append(c.SourceWithoutTests, f.Path)
		}
	}
	if !c.DocsChanged {
		for _, f := range files {
			if strings.HasSuffix(f.Path, ".go") && !IsTest(f.Path) && !internalPath(f.Path) {
				c.APIWithoutDocs = append(c.APIWithoutDocs, exportedChanges(f)...)
			}
		}
	}
	slices.Sort(c.SourceWithoutTests)
	return c
}

func internalPath(p string) bool {
	return strings.HasPrefix(p, "internal/") || strings.Contains(p, "/internal/")
}

var exportedRe = regexp.MustCompile(`^(?:func\s+(?:\([^)]*\)\s*)?|type\s+|const\s+|var\s+)([A-Z][A-Za-z0-9_]*)`)

// exportedChanges lists top-level exported declarations added or removed in
// f whose doc comment was not changed with them. A declaration changed on
// both sides (a signature edit) counts once, as added.
func exportedChanges(f diff.File) []APIChange {
	var out []APIChange
	added := map[string]bool{}
	for _, h := range f.Hunks {
		for i, l := range h.Lines {
			if l.Kind == diff.Context {
				continue
			}
			m := exportedRe.FindStringSubmatch(l.Text)
			if m == nil {
				continue
			}
			// A doc comment changed right above the declaration counts as documented.
			if i > 0 && h.Lines[i-1].Kind == l.Kind && strings.HasPrefix(strings.TrimSpace(h.Lines[i-1].Text), "//") {
				continue
			}
			ch := APIChange{File: f.Path, Change: "added", Decl: safetext.Sanitize(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(l.Text), "{")))}
			if l.Kind == diff.Added {
				ch.Line = l.New
				added[m[1]] = true
			} else {
				ch.Change, ch.Line = "removed", l.Old
			}
			out = append(out, ch)
		}
	}
	// Drop removals of names that were re-added (signature changes).
	kept := out[:0]
	for _, ch := range out {
		if ch.Change == "removed" {
			if m := exportedRe.FindStringSubmatch(ch.Decl); m != nil && added[m[1]] {
				continue
			}
		}
		kept = append(kept, ch)
	}
	return kept
}
