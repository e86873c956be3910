// Package anchor ties each raw reviewer finding to a file and line of the diff, or rejects it with a reason.
package anchor

import (
	"fmt"
	"sort"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
)

// Finding is a raw finding anchored to the diff. Line is the new-side line the
// finding is about (0 for a file-level finding); LineText is that line's real
// text from the diff, which the stable id hashes so it survives line drift.
type Finding struct {
	Reviewer string
	Chunk    string
	File     string
	Line     int
	EndLine  int
	LineText string
	Raw      review.RawFinding
	// Seq numbers the finding within its reviewer's answers, in input order.
	// It is only a tie-breaker of last resort for byte-identical findings.
	Seq int
}

// FileLevel reports whether the finding is about the whole file.
func (f Finding) FileLevel() bool { return f.Line == 0 }

// Rejected is a finding that could not be anchored, with the reason.
type Rejected struct {
	Reviewer string `json:"reviewer"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Title    string `json:"title"`
	Reason   string `json:"reason"`
}

// Severities, from least to most severe.
const (
	Suggestion = "suggestion"
	Important  = "important"
	Critical   = "critical"
)

// SeverityRank orders severities: 1 suggestion, 2 important, 3 critical, 0 unknown.
func SeverityRank(s string) int {
	switch s {
	case Suggestion:
		return 1
	case Important:
		return 2
	case Critical:
		return 3
	}
	return 0
}

type lineRef struct {
	new  int // new-side line; for a deleted line, the new-side line it sits before
	text string
	norm string
	kind diff.LineKind
}

type fileIndex struct {
	path  string
	lines []lineRef // in hunk order
	byNew map[int]int
	// byNorm maps a normalised line text to its positions, so a one-line
	// quote is found without scanning the file.
	byNorm map[string][]int
}

// Index resolves findings against one diff.Set. Build it once per review;
// a file's lines are indexed the first time a finding names it, so a large
// diff with few findings costs little.
type Index struct {
	diffs   map[string]*diff.File
	files   map[string]*fileIndex
	skipped map[string]string
	paths   []string // reviewable paths, sorted
}

// NewIndex indexes the reviewable files of set.
func NewIndex(set *diff.Set) *Index {
	ix := &Index{diffs: map[string]*diff.File{}, files: map[string]*fileIndex{}, skipped: map[string]string{}}
	if set == nil {
		return ix
	}
	for _, s := range set.Skipped {
		ix.skipped[s.Path] = s.Reason
	}
	for i := range set.Files {
		f := &set.Files[i]
		if f.Skip != "" {
			ix.skipped[f.Path] = f.Skip
			continue
		}
		ix.diffs[f.Path] = f
		ix.paths = append(ix.paths, f.Path)
	}
	sort.Strings(ix.paths)
	return ix
}

// file returns the line index of a reviewable path, building it on first use.
func (ix *Index) file(path string) *fileIndex {
	if fi, ok := ix.files[path]; ok {
		return fi
	}
	f := ix.diffs[path]
	if f == nil {
		return nil
	}
	n := 0
	for _, h := range f.Hunks {
		n += len(h.Lines)
	}
	fi := &fileIndex{path: f.Path, lines: make([]lineRef, 0, n), byNew: make(map[int]int, n), byNorm: make(map[string][]int, n)}
	for _, h := range f.Hunks {
		next := h.NewStart
		for _, l := range h.Lines {
			ref := lineRef{text: l.Text, norm: Normalize(l.Text), kind: l.Kind}
			if l.Kind == diff.Deleted {
				ref.new = next
			} else {
				ref.new = l.New
				next = l.New + 1
				fi.byNew[l.New] = len(fi.lines)
			}
			if ref.norm != "" {
				fi.byNorm[ref.norm] = append(fi.byNorm[ref.norm], len(fi.lines))
			}
			fi.lines = append(fi.lines, ref)
		}
	}
	// A deletion at the end of a file sits before a line that does not
	// exist; anchor it to the last line before it instead.
	for i := range fi.lines {
		if l := &fi.lines[i]; l.kind == diff.Deleted {
			if _, ok := fi.byNew[l.new]; !ok {
				if _, ok := fi.byNew[l.new-1]; ok {
					l.new--
				}
			}
		}
	}
	ix.files[path] = fi
	return fi
}

// LineText returns the real new-side text of line n in path, if the diff shows it.
func (ix *Index) LineText(path string, n int) (string, bool) {
	fi := ix.file(path)
	if fi == nil {
		return "", false
	}
	i, ok := fi.byNew[n]
	if !ok {
		return "", false
	}
	return fi.lines[i].text, true
}

// Normalize collapses runs of whitespace to one space and trims, so a quote
// re-indented by a model still matches the diff line.
func Normalize(s string) string {
	// Fast path: most diff lines need nothing but trimming.
	t := strings.TrimSpace(s)
	clean := true
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c >= 0x80 ||
			c == ' ' && i+1 < len(t) && t[i+1] == ' ' {
			clean = false
			break
		}
	}
	if clean {
		return t
	}
	return strings.Join(strings.Fields(t), " ")
}

// ResolvePath maps a path as a model wrote it to a reviewable path of the
// diff: exact, then after dropping a/ b/ ./ prefixes, then a unique suffix
// match on path-component boundaries (either side may be the longer one).
func (ix *Index) ResolvePath(p string) (string, string) {
	p = strings.TrimSpace(strings.ReplaceAll(p, "\\", "/"))
	if p == "" {
		return "", "no file given"
	}
	if _, ok := ix.diffs[p]; ok {
		return p, ""
	}
	q := p
	for _, pre := range []string{"a/", "b/", "./", "/"} {
		q = strings.TrimPrefix(q, pre)
	}
	if _, ok := ix.diffs[q]; ok {
		return q, ""
	}
	if r, ok := ix.skipped[q]; ok {
		return "", fmt.Sprintf("file %s was not reviewed (%s)", q, r)
	}
	var matches []string
	for _, cand := range ix.paths {
		if strings.HasSuffix(cand, "/"+q) || strings.HasSuffix(q, "/"+cand) {
			matches = append(matches, cand)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], ""
	case 0:
		return "", fmt.Sprintf("file %s is not in the diff", p)
	default:
		return "", fmt.Sprintf("file %s is ambiguous (%s)", p, strings.Join(matches, ", "))
	}
}

// Anchor resolves one raw finding. It returns the anchored finding, or a
// rejection reason when the finding's code cannot be found in the diff.
func (ix *Index) Anchor(reviewer, chunk string, seq int, rf review.RawFinding) (Finding, *Rejected) {
	reject := func(file string, reason string) (Finding, *Rejected) {
		if file == "" {
			file = rf.File
		}
		return Finding{}, &Rejected{Reviewer: reviewer, File: file, Line: rf.Line, Title: rf.Title, Reason: reason}
	}
	sev := strings.ToLower(strings.TrimSpace(rf.Severity))
	if SeverityRank(sev) == 0 {
		return reject("", fmt.Sprintf("unknown severity %q", rf.Severity))
	}
	rf.Severity = sev
	rf.Category = strings.ToLower(strings.TrimSpace(rf.Category))
	if rf.Category == "" {
		rf.Category = "other"
	}
	if strings.TrimSpace(rf.Title) == "" && strings.TrimSpace(rf.Explanation) == "" {
		return reject("", "finding has neither title nor explanation")
	}
	if rf.Line < 0 || rf.EndLine < 0 {
		return reject("", fmt.Sprintf("line %d is not a line number", min(rf.Line, rf.EndLine)))
	}
	path, why := ix.ResolvePath(rf.File)
	if why != "" {
		return reject("", why)
	}
	fi := ix.file(path)
	out := Finding{Reviewer: reviewer, Chunk: chunk, File: path, Raw: rf, Seq: seq}
	out.Raw.File = path

	quote := quoteLines(rf.Quote)
	if len(quote) > 0 {
		if i, n, ok := fi.find(quote, rf.Line); ok {
			first, last := fi.lines[i], fi.lines[i+n-1]
			out.Line, out.EndLine, out.LineText = first.new, last.new, first.text
			if out.EndLine < out.Line {
				out.EndLine = out.Line
			}
			return out, nil
		}
	}
	if rf.Line > 0 {
		i, ok := fi.byNew[rf.Line]
		if !ok {
			if len(quote) > 0 {
				return reject(path, fmt.Sprintf("quote not found in the diff and line %d is outside its hunks", rf.Line))
			}
			return reject(path, fmt.Sprintf("line %d is outside the diff's hunks", rf.Line))
		}
		out.Line, out.LineText = rf.Line, fi.lines[i].text
		out.EndLine = rf.Line
		// Extend to end_line only while it stays inside the diff.
		for e := rf.Line + 1; e <= rf.EndLine && e <= rf.Line+50; e++ {
			if _, ok := fi.byNew[e]; !ok {
				break
			}
			out.EndLine = e
		}
		return out, nil
	}
	if len(quote) > 0 {
		return reject(path, "quote not found in the diff")
	}
	// No line and no quote: a file-level finding.
	return out, nil
}

func quoteLines(q string) []string {
	var out []string
	for _, l := range strings.Split(q, "\n") {
		l = strings.TrimSpace(l)
		// Models often copy the diff marker with the line.
		if len(l) > 1 && (l[0] == '+' || l[0] == '-') && (l[1] == ' ' || l[1] == '\t') {
			l = l[1:]
		}
		if n := Normalize(l); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// find locates the quote's lines as consecutive non-empty diff lines. A single
// line quote may also be a substring of a line (models trim long lines). Among
// several matches the one nearest hint wins, then the first; added lines beat
// context lines, which beat deleted ones.
func (fi *fileIndex) find(quote []string, hint int) (start, n int, ok bool) {
	best, bestScore := -1, 0
	bestN := 0
	candidates := fi.byNorm[quote[0]]
	if len(candidates) == 0 {
		// no exact first line: fall back to a scan for substring matches
		candidates = make([]int, len(fi.lines))
		for i := range candidates {
			candidates[i] = i
		}
	}
	for _, i := range candidates {
		m, exact := fi.matchAt(i, quote)
		if m == 0 {
			continue
		}
		score := 1 << 20
		if !exact {
			score -= 1 << 19
		}
		switch fi.lines[i].kind {
		case diff.Added:
			score += 1 << 18
		case diff.Context:
			score += 1 << 17
		}
		if hint > 0 {
			d := fi.lines[i].new - hint
			if d < 0 {
				d = -d
			}
			if d > 1<<16 {
				d = 1 << 16
			}
			score -= d
		}
		if score > bestScore {
			best, bestScore, bestN = i, score, m
		}
	}
	if best < 0 {
		return 0, 0, false
	}
	return best, bestN, true
}

// matchAt reports how many diff lines starting at i the quote covers (0 for
// no match), and whether the match was exact rather than a substring.
func (fi *fileIndex) matchAt(i int, quote []string) (int, bool) {
	if fi.lines[i].norm == "" {
		return 0, false
	}
	if len(quote) == 1 {
		if fi.lines[i].norm == quote[0] {
			return 1, true
		}
		if len(quote[0]) >= 8 && strings.Contains(fi.lines[i].norm, quote[0]) {
			return 1, false
		}
		return 0, false
	}
	j, q := i, 0
	for j < len(fi.lines) && q < len(quote) {
		if fi.lines[j].norm == "" {
			j++
			continue
		}
		if fi.lines[j].norm != quote[q] {
			return 0, false
		}
		j++
		q++
	}
	if q < len(quote) {
		return 0, false
	}
	return j - i, true
}
