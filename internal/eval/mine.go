package eval

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/quorum-review/quorum/review/report"

	"github.com/quorum-review/quorum/internal/gitexec"
)

// Kinds of case.
const (
	KindBug   = "bug"
	KindClean = "clean"
)

// Defaults of Options.
const (
	DefaultFixPattern   = `(?i)\b(fix(e[sd])?|bug(fix)?|regression|cve-\d+)\b`
	DefaultCleanPattern = `(?i)^(refactor|rename|tests?|chore)\b`
	DefaultMaxFiles     = 3
	DefaultMaxLines     = 40
	DefaultCleanWindow  = 20
	DefaultWindow       = 3
	DefaultCases        = 20
)

// Mining says which commits become cases.
type Mining struct {
	// Rev is where history is read from ("" is HEAD).
	Rev string
	// Since is passed to git log --since ("" for all history).
	Since string
	// Paths are repository-relative path prefixes; only files under them
	// count ("" or none: every file).
	Paths []string
	// FixPattern matches a fix commit's subject or body; CleanPattern a
	// clean commit's subject (Go regular expressions).
	FixPattern, CleanPattern string
	// MaxFiles and MaxLines cap a case's code files and changed lines.
	MaxFiles, MaxLines int
	// CleanWindow: a commit no later fix touches (same file) within this
	// many later commits counts as clean.
	CleanWindow int
}

func (m Mining) withDefaults() Mining {
	if m.FixPattern == "" {
		m.FixPattern = DefaultFixPattern
	}
	if m.CleanPattern == "" {
		m.CleanPattern = DefaultCleanPattern
	}
	if m.MaxFiles <= 0 {
		m.MaxFiles = DefaultMaxFiles
	}
	if m.MaxLines <= 0 {
		m.MaxLines = DefaultMaxLines
	}
	if m.CleanWindow <= 0 {
		m.CleanWindow = DefaultCleanWindow
	}
	return m
}

// Commit is one commit of the history read, with its changed files.
type Commit struct {
	SHA     string
	Parents []string
	Subject string
	Body    string
	Files   []FileStat
}

// FileStat is one file's changed lines in a commit (Binary: no counts).
type FileStat struct {
	Path           string
	Added, Deleted int
	Binary         bool
}

// Candidate is a commit that may become a case.
type Candidate struct {
	Kind   string
	Commit Commit
	// Files are the code files the case keeps (under Paths, not docs).
	Files []string
}

// Skip is a commit that matched but made no case, and why.
type Skip struct {
	Kind    string `json:"kind"`
	Commit  string `json:"commit"`
	Subject string `json:"subject"`
	Reason  string `json:"reason"`
}

// Skip reasons.
const (
	SkipRoot     = "root commit (no parent)"
	SkipNoCode   = "no code files (docs or data only)"
	SkipTests    = "only test files"
	SkipTooMany  = "too many files"
	SkipTooLarge = "too many changed lines"
	SkipBinary   = "binary files"
	SkipEmpty    = "empty after filters (generated, lockfile, ignored or skipped files)"
	SkipNoTruth  = "no line to score against (the reversed fix only deletes whole files)"
)

// record separators in git log output
const (
	recSep   = "\x1e"
	fieldSep = "\x1f"
)

// History reads the commits of m (newest first, no merges) with their
// changed files, from git objects only (git log). dir is in the repository.
func History(ctx context.Context, g *gitexec.Git, dir string, m Mining) ([]Commit, error) {
	rev := m.Rev
	if rev == "" {
		rev = "HEAD"
	}
	args := []string{"-c", "core.quotePath=false", "log", "--no-merges", "--no-renames", "--numstat", "--no-color",
		"--format=" + recSep + "%H" + fieldSep + "%P" + fieldSep + "%s" + fieldSep + "%b" + fieldSep}
	if m.Since != "" {
		args = append(args, "--since="+m.Since)
	}
	args = append(args, rev, "--")
	out, err := g.In(dir).Output(ctx, args...)
	if err != nil {
		return nil, err
	}
	var commits []Commit
	for rec := range strings.SplitSeq(string(out), recSep) {
		if strings.TrimSpace(rec) == "" {
			continue
		}
		parts := strings.SplitN(rec, fieldSep, 5)
		if len(parts) < 5 {
			return nil, fmt.Errorf("cannot read git log: unexpected record %q", rec[:min(len(rec), 40)])
		}
		c := Commit{SHA: parts[0], Subject: parts[2], Body: strings.TrimSpace(parts[3])}
		if parts[1] != "" {
			c.Parents = strings.Fields(parts[1])
		}
		for line := range strings.SplitSeq(parts[4], "\n") {
			if line == "" {
				continue
			}
			f := strings.SplitN(line, "\t", 3)
			if len(f) != 3 {
				continue
			}
			st := FileStat{Path: unquote(f[2])}
			if f[0] == "-" || f[1] == "-" {
				st.Binary = true
			} else {
				st.Added, _ = strconv.Atoi(f[0])
				st.Deleted, _ = strconv.Atoi(f[1])
			}
			c.Files = append(c.Files, st)
		}
		commits = append(commits, c)
	}
	return commits, nil
}

func unquote(p string) string {
	if strings.HasPrefix(p, `"`) {
		if u, err := strconv.Unquote(p); err == nil {
			return u
		}
	}
	return p
}

// Candidates classifies history (newest first) into bug and clean
// candidates, with the commits that matched a pattern but cannot be a
// case. A commit is a bug candidate when FixPattern matches its subject
// or body; a clean candidate when it is no fix and either CleanPattern
// matches its subject, or at least CleanWindow later commits exist and no
// fix among them touches one of its files.
func Candidates(history []Commit, m Mining) (bugs, clean []Candidate, skipped []Skip, err error) {
	m = m.withDefaults()
	fixRe, err := regexp.Compile(m.FixPattern)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("fix pattern %q: %w", m.FixPattern, err)
	}
	cleanRe, err := regexp.Compile(m.CleanPattern)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("clean pattern %q: %w", m.CleanPattern, err)
	}
	isFix := make([]bool, len(history))
	for i, c := range history {
		isFix[i] = fixRe.MatchString(c.Subject) || fixRe.MatchString(c.Body)
	}
	for i, c := range history {
		kind := ""
		switch {
		case isFix[i]:
			kind = KindBug
		case cleanRe.MatchString(c.Subject):
			kind = KindClean
		case i >= m.CleanWindow && !touchedByLaterFix(history, isFix, i, m.CleanWindow):
			kind = KindClean
		default:
			continue
		}
		files, reason := scope(c, m, kind)
		if reason == "" && len(c.Parents) == 0 {
			reason = SkipRoot
		}
		if reason != "" {
			// Clean commits that cannot be cases are not worth listing
			// unless their subject asked to be one.
			if kind == KindBug || cleanRe.MatchString(c.Subject) {
				skipped = append(skipped, Skip{Kind: kind, Commit: c.SHA, Subject: c.Subject, Reason: reason})
			}
			continue
		}
		cand := Candidate{Kind: kind, Commit: c, Files: files}
		if kind == KindBug {
			bugs = append(bugs, cand)
		} else {
			clean = append(clean, cand)
		}
	}
	return bugs, clean, skipped, nil
}

// touchedByLaterFix says whether one of the CleanWindow commits after
// history[i] (history is newest first) is a fix touching one of its files.
func touchedByLaterFix(history []Commit, isFix []bool, i, window int) bool {
	files := map[string]bool{}
	for _, f := range history[i].Files {
		files[f.Path] = true
	}
	for j := i - 1; j >= 0 && j >= i-window; j-- {
		if !isFix[j] {
			continue
		}
		for _, f := range history[j].Files {
			if files[f.Path] {
				return true
			}
		}
	}
	return false
}

// scope returns the code files of c under m's paths, or why c cannot be a
// case. A bug case leaves test files out: reverting a fix's regression
// test would show the panel a deleted test, not the bug.
func scope(c Commit, m Mining, kind string) ([]string, string) {
	var files []string
	lines, tests := 0, 0
	for _, f := range c.Files {
		if !underPaths(f.Path, m.Paths) || !IsCode(f.Path) {
			continue
		}
		if kind == KindBug && IsTest(f.Path) {
			tests++
			continue
		}
		if f.Binary {
			return nil, SkipBinary
		}
		files = append(files, f.Path)
		lines += f.Added + f.Deleted
	}
	switch {
	case len(files) == 0 && tests > 0:
		return nil, SkipTests
	case len(files) == 0:
		return nil, SkipNoCode
	case len(files) > m.MaxFiles:
		return nil, fmt.Sprintf("%s (%d > %d)", SkipTooMany, len(files), m.MaxFiles)
	case lines > m.MaxLines:
		return nil, fmt.Sprintf("%s (%d > %d)", SkipTooLarge, lines, m.MaxLines)
	}
	return files, ""
}

// IsTest recognises test files: the report's own rule (its "source changed
// without tests" check), so a case and a review agree on what a test is.
func IsTest(p string) bool { return report.IsTest(p) }

func underPaths(p string, paths []string) bool {
	if len(paths) == 0 {
		return true
	}
	for _, pre := range paths {
		pre = strings.Trim(path.Clean("/"+strings.TrimSpace(pre)), "/")
		if pre == "" || p == pre || strings.HasPrefix(p, pre+"/") {
			return true
		}
	}
	return false
}

// codeExt are the extensions of files eval counts as code.
var codeExt = map[string]bool{
	".go": true, ".py": true, ".js": true, ".jsx": true, ".mjs": true, ".cjs": true, ".ts": true, ".tsx": true,
	".java": true, ".kt": true, ".kts": true, ".scala": true, ".c": true, ".h": true, ".cc": true, ".cpp": true,
	".cxx": true, ".hpp": true, ".hh": true, ".cs": true, ".rs": true, ".rb": true, ".php": true, ".swift": true,
	".m": true, ".mm": true, ".sh": true, ".bash": true, ".zsh": true, ".pl": true, ".pm": true, ".lua": true,
	".r": true, ".jl": true, ".ex": true, ".exs": true, ".erl": true, ".hs": true, ".ml": true, ".mli": true,
	".clj": true, ".dart": true, ".vue": true, ".svelte": true, ".sql": true, ".zig": true, ".nim": true,
	".fs": true, ".groovy": true, ".ps1": true, ".v": true, ".sv": true, ".vhd": true, ".f90": true,
}

// IsCode says whether eval counts p as a code file (by extension): docs,
// data and configuration files are left out of cases.
func IsCode(p string) bool {
	return codeExt[strings.ToLower(path.Ext(p))]
}

// Order sorts candidates by a hash of the seed and the commit: the same
// seed gives the same order, and a commit added to history does not
// reshuffle the others. Cases are taken from the front.
func Order(cands []Candidate, seed int64) []Candidate {
	type keyed struct {
		key string
		c   Candidate
	}
	ks := make([]keyed, len(cands))
	for i, c := range cands {
		sum := sha256.Sum256([]byte(strconv.FormatInt(seed, 10) + ":" + c.Commit.SHA))
		ks[i] = keyed{hex.EncodeToString(sum[:]), c}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	out := make([]Candidate, len(ks))
	for i, k := range ks {
		out[i] = k.c
	}
	return out
}
