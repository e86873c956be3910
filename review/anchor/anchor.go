// Package anchor ties each raw reviewer finding to a file and line of the diff, or rejects it with a reason.
package anchor

import (
	"cmp"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/parallel"
	"github.com/quorum-review/quorum/internal/safetext"
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
	// Section is the enclosing function or class of Line, from the diff
	// (see section.go); "" when unknown. Merging uses it as a region.
	Section string
	// Outer are the definitions around Section, outermost first (a
	// method's class): two classes' methods of one name are two places
	// for a fingerprint.
	Outer []string
	Raw   review.RawFinding
	// Evidence is what ties the finding to the diff: EvidenceQuote (its
	// quote was found), EvidenceLine (no quote; its line is in a hunk) or
	// EvidenceFile (neither: a file-level finding).
	Evidence string
	// Near is set when a line of the quote matched only as a near copy
	// (quote.go's rule 3: one word changed, a misspelt name): the place is
	// right, but the code it shows is not quite the diff's, and may be the
	// code the model imagined (IsAdmin for IsActive), so it counts as
	// weaker evidence in the gate.
	Near bool
	// Deleted is set when the quoted code exists only on deleted lines:
	// OldLine..OldEndLine are then its old-side lines, and Line..EndLine the
	// new-side position the deletion sits at.
	Deleted             bool
	OldLine, OldEndLine int
	// LineKind is how the change touched the diff lines the finding is
	// anchored to (the quote's matched lines, or Line..EndLine): diff.Added
	// when one of them is added, diff.Deleted when none is but one is
	// deleted (always so when Deleted is set), diff.Context when every one
	// is an unchanged line, code the change did not touch; "" for a
	// file-level finding.
	LineKind diff.LineKind
	// Seq numbers the finding within its reviewer's answers, in input order.
	// It is only a tie-breaker of last resort for byte-identical findings.
	Seq int
}

// setScope sets the finding's Section and Outer from a scope chain.
func (f *Finding) setScope(chain []string) {
	f.Section, f.Outer = "", nil
	if n := len(chain); n > 0 {
		f.Section = chain[n-1]
		if n > 1 {
			f.Outer = chain[:n-1]
		}
	}
}

// Evidence kinds, strongest first.
const (
	EvidenceQuote = "quote"
	EvidenceLine  = "line"
	EvidenceFile  = "file"
)

// EvidenceRank orders evidence kinds: 3 quote, 2 line, 1 file, 0 unknown.
func EvidenceRank(e string) int {
	switch e {
	case EvidenceQuote:
		return 3
	case EvidenceLine:
		return 2
	case EvidenceFile:
		return 1
	}
	return 0
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

type lineRef struct {
	new  int // new-side line; for a deleted line, the new-side line it sits before
	old  int // old-side line; 0 for an added line
	text string
	norm string
	kind diff.LineKind
	hunk int // the index of its hunk in the file: lines of two hunks are not adjacent
}

type fileIndex struct {
	path string
	// comment is how the file's language starts a line comment
	// (commentStyle): a quote's own comment is not code.
	comment string
	lines   []lineRef // in hunk order
	byNew   map[int]int
	// byNorm maps a normalised line text to its positions, so a one-line
	// quote is found without scanning the file.
	byNorm map[string][]int
	// flowed holds each side's hunks as flowed code (reflow.go), built the
	// first time a quote matches no line as written.
	flowed parallel.Memo[side, []flow]
}

// Index resolves findings against one diff.Set. Build it once per review;
// a file's lines are indexed the first time a finding names it, so a large
// diff with few findings costs little.
type Index struct {
	diffs   map[string]*diff.File
	files   parallel.Memo[string, *fileIndex] // built on first use
	skipped map[string]string
	paths   []string          // reviewable paths, sorted
	renamed map[string]string // a renamed file's old path -> its new path
	// chainMemo holds each hunk side's scope chains, read once (section.go).
	chainMemo parallel.Memo[chainKey, *hunkChains]
}

// NewIndex indexes the reviewable files of set.
func NewIndex(set *diff.Set) *Index {
	ix := &Index{diffs: map[string]*diff.File{}, skipped: map[string]string{}, renamed: map[string]string{}}
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
		if f.OldPath != "" && f.OldPath != f.Path {
			ix.renamed[f.OldPath] = f.Path
		}
	}
	sort.Strings(ix.paths)
	return ix
}

// file returns the line index of a reviewable path, building it on first use.
func (ix *Index) file(path string) *fileIndex {
	f := ix.diffs[path]
	if f == nil {
		return nil
	}
	return ix.files.Get(path, func() *fileIndex { return newFileIndex(f) })
}

// newFileIndex indexes the lines of f.
func newFileIndex(f *diff.File) *fileIndex {
	n := 0
	for _, h := range f.Hunks {
		n += len(h.Lines)
	}
	fi := &fileIndex{path: f.Path, comment: commentStyle(f.Path), lines: make([]lineRef, 0, n), byNew: make(map[int]int, n), byNorm: make(map[string][]int, n)}
	for hi, h := range f.Hunks {
		next := h.NewStart
		for _, l := range h.Lines {
			ref := lineRef{text: l.Text, norm: Normalize(l.Text), kind: l.Kind, old: l.Old, hunk: hi}
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
	return fi
}

// kindOf is how the change touched the diff lines first..last: added when
// one of them is added, else deleted when one is deleted, else context (the
// deleted lines between two kept ones count: the change touched there).
func (fi *fileIndex) kindOf(first, last int) diff.LineKind {
	kind := diff.Context
	for _, l := range fi.lines[first : last+1] {
		switch l.kind {
		case diff.Added:
			return diff.Added
		case diff.Deleted:
			kind = diff.Deleted
		}
	}
	return kind
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
	if !utf8.ValidString(t) {
		// Bytes that are no UTF-8 (a Latin-1 file) reach the model as
		// U+FFFD, one for each (the prompt is JSON): its copy of the line
		// must read as the line does.
		t = replaceInvalid(t)
	}
	return strings.Join(strings.Fields(t), " ")
}

// NormalizeV1 is Normalize as it was before bytes that are no UTF-8
// became U+FFFD: what v1 fingerprints (report.LegacyFingerprint) hashed.
func NormalizeV1(s string) string {
	if utf8.ValidString(s) {
		return Normalize(s)
	}
	return strings.Join(strings.Fields(strings.TrimSpace(s)), " ")
}

// replaceInvalid is s with each byte that is not part of a UTF-8 sequence
// replaced by U+FFFD, as encoding/json writes it.
func replaceInvalid(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// ResolvePath maps a path as a model wrote it to a reviewable path of the
// diff: exact, then after dropping a/ b/ ./ prefixes (and `..` steps read
// out), then a renamed file's old path, then a unique suffix match on
// path-component boundaries (suffixMatches).
func (ix *Index) ResolvePath(p string) (string, string) {
	raw := strings.TrimSpace(p)
	// The exact name first, then as the prompt's quoted form spells it
	// ("new\nline.go", with its quotes or without), before backslashes are
	// read as Windows separators.
	if _, ok := ix.diffs[raw]; ok && raw != "" {
		return raw, ""
	}
	if u, ok := unquotePath(raw); ok {
		if _, ok := ix.diffs[u]; ok {
			return u, ""
		}
	}
	if strings.ContainsRune(raw, utf8.RuneError) {
		// A name that is not UTF-8 as JSON carries it, each such byte
		// U+FFFD: the one diff path it stands for.
		if p, ok := ix.mangled(trimGitPrefix(raw)); ok {
			return p, ""
		}
	}
	p = strings.ReplaceAll(raw, "\\", "/")
	if p == "" {
		return "", "no file given"
	}
	if _, ok := ix.diffs[p]; ok {
		return p, ""
	}
	q := trimGitPrefix(p)
	if _, ok := ix.diffs[q]; ok {
		return q, ""
	}
	// `pkg/../util.go` is util.go: read out, not matched by its suffix.
	q = path.Clean(q)
	if _, ok := ix.diffs[q]; ok {
		return q, ""
	}
	// A renamed file named by its old path (the prompt shows both): the
	// quote decides the line in the file as it is now.
	if n, ok := ix.renamed[q]; ok {
		return n, ""
	}
	if r, ok := ix.skipped[q]; ok {
		return "", fmt.Sprintf("file %s was not reviewed (%s)", q, r)
	}
	matches := ix.suffixMatches(raw)
	switch len(matches) {
	case 1:
		return matches[0], ""
	case 0:
		return "", fmt.Sprintf("file %s is not in the diff", visiblePath(raw))
	default:
		return "", fmt.Sprintf("file %s is ambiguous (%s)", p, strings.Join(matches, ", "))
	}
}

// visiblePath is a path as a rejection names it: quoted with escapes when
// it holds a character that does not show (a zero-width space, a
// direction mark), which the report's sanitising would strip, leaving
// "file a.go is not in the diff" beside a changed a.go.
func visiblePath(p string) string {
	if strings.IndexFunc(p, func(r rune) bool { return unicode.Is(unicode.Cf, r) || !unicode.IsPrint(r) }) >= 0 {
		return strconv.QuoteToASCII(p)
	}
	return p
}

// pathDecorations are what a model copies around a path: a line and
// column after it, or the status the prompt's file header gives.
var pathDecorations = regexp.MustCompile(`((:\d+(-\d+)?)+|#L\d+(-L?\d+)?| \((added|modified|deleted|renamed|copied|type-changed)[^)]*\))$`)

// maxPathBytes bounds the path a model gives: none of the diff's is
// longer, and a longer one costs every resolving step its length.
const maxPathBytes = 4096

// fileOf is the path a finding names, as the model wrote it unless that
// is no path of the diff and the same less what models copy around a path
// (backticks, quotes or bold marks, the prompt header's `file: ` and
// `(modified)`, a `:LINE`, `:A-B` or `#L4` after it) is:
// read once, so every rule after it (a base name the quote decides, a
// skipped file's reason) sees the bare path. It returns that name with
// its resolution (ResolvePath), so no path is resolved twice.
func (ix *Index) fileOf(p string) (file, path, why string) {
	if len(p) > maxPathBytes {
		p = p[:maxPathBytes]
	}
	if path, why = ix.ResolvePath(p); path != "" {
		return p, path, why
	}
	bare := strings.TrimPrefix(strings.Trim(strings.TrimSpace(p), "`'\"*"), "file: ")
	if bare = strings.TrimSpace(pathDecorations.ReplaceAllString(strings.Trim(bare, "`'\"*"), "")); bare != "" && bare != p {
		path, why = ix.ResolvePath(bare)
		return bare, path, why
	}
	return p, path, why
}

// mangled finds the one reviewable path that is not UTF-8 and reads as p
// once each of its invalid bytes (as JSON writes them: []rune's reading),
// or each run of them, is U+FFFD.
func (ix *Index) mangled(p string) (string, bool) {
	found := ""
	for _, q := range ix.paths {
		if !utf8.ValidString(q) && (strings.ToValidUTF8(q, "\uFFFD") == p || string([]rune(q)) == p) {
			if found != "" {
				return "", false // two names that differ only there
			}
			found = q
		}
	}
	return found, found != ""
}

// trimGitPrefix is p without git's a/ or b/ side prefix (one of them:
// "a/b/x.go" is git's old-side name of b/x.go, not of x.go) and a leading
// "./" or "/".
func trimGitPrefix(p string) string {
	if q, ok := strings.CutPrefix(p, "a/"); ok {
		p = q
	} else {
		p = strings.TrimPrefix(p, "b/")
	}
	return strings.TrimPrefix(strings.TrimPrefix(p, "./"), "/")
}

// suffixMatches lists the diff's paths that p names by a suffix on
// path-component boundaries: the diff's path may be the longer one (a
// model shortens `store/cache.go` to `cache.go`), never p. The prompt shows
// each file by its path in the repository and nothing in front of it, so
// a longer path is one the model made up: `other/util.go`,
// `/app/other/util.go`, `C:/x/other/util.go` all end in `util.go` and none
// is that file, and a path through the repository's directory would
// anchor by where the clone sits, which a replay elsewhere cannot repeat.
func (ix *Index) suffixMatches(p string) []string {
	q := path.Clean(trimGitPrefix(strings.ReplaceAll(strings.TrimSpace(p), "\\", "/")))
	var matches []string
	for _, cand := range ix.paths {
		if strings.HasSuffix(cand, "/"+q) {
			matches = append(matches, cand)
		}
	}
	return matches
}

// quotedIn is the one path of paths whose diff holds quote, or "" when
// none or several do.
func (ix *Index) quotedIn(paths []string, quote []quoteLine, hint int) string {
	found := ""
	for _, p := range paths {
		if ix.file(p).find(quote, hint, nil).ok {
			if found != "" {
				return ""
			}
			found = p
		}
	}
	return found
}

// unquotePath reads a path as git quotes one (C escapes: \n, \t, \\, \",
// octal bytes), with or without the surrounding double quotes.
func unquotePath(p string) (string, bool) {
	q := p
	quoted := len(q) >= 2 && q[0] == '"' && q[len(q)-1] == '"'
	if !quoted {
		if !strings.Contains(p, "\\") {
			return "", false
		}
		q = `"` + strings.ReplaceAll(q, `"`, `\"`) + `"`
	}
	u, err := strconv.Unquote(q)
	return u, err == nil
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
	if review.SeverityRank(sev) == 0 {
		return reject("", fmt.Sprintf("unknown severity %q", rf.Severity))
	}
	rf.Severity = sev
	rf.Category = strings.ToLower(strings.TrimSpace(rf.Category))
	if rf.Category == "" {
		rf.Category = "other"
	}
	// Read as the report shows it: a title of escape sequences or
	// invisible characters alone is no title.
	if safetext.Blank(rf.Title) && safetext.Blank(rf.Explanation) {
		return reject("", "finding has neither title nor explanation")
	}
	quote := quoteLines(rf.Quote)
	if rf.Line < 0 || rf.EndLine < 0 {
		if len(quote) == 0 {
			return reject("", fmt.Sprintf("line %d is not a line number", min(rf.Line, rf.EndLine)))
		}
		// The quote is the evidence and the line only breaks ties: a
		// number that is no line is read as no number, and the finding
		// stands or falls by its quote.
		rf.Line, rf.EndLine = max(rf.Line, 0), max(rf.EndLine, 0)
	}
	file, path, why := ix.fileOf(rf.File)
	if why != "" && len(quote) > 0 {
		if m := ix.suffixMatches(file); len(m) > 1 {
			// A base name two files share ("util.go" of a/ and b/): the
			// quote, found in one of them only, says which.
			path = ix.quotedIn(m, quote, rf.Line)
		}
	}
	if path == "" {
		return reject("", why)
	}
	fi := ix.file(path)
	out := Finding{Reviewer: reviewer, Chunk: chunk, File: path, Raw: rf, Seq: seq}
	out.Raw.File = path

	// A quote is evidence and must be found: never fall back to the line
	// when it is not (models invent code, and a stale finding after a fix
	// must not land on whatever line now has its number).
	if len(quote) > 0 {
		loc := fi.find(quote, rf.Line, nil)
		used, numbered := quote, false // the reading that matched; by a line number it holds
		// Models copy the prompt's line-number prefix ("12+code") and its
		// unspaced deletion marker ("-}"); those readings come only after
		// the quote as written, so code that starts with either still
		// matches as itself, and only where the number and the marker
		// are the prompt's: `500 * time.Second` is no line 500, and
		// `-1 * x` no deleted line.
		var retries []retry
		if !loc.ok {
			retries = quoteRetries(rf.Quote, path)
		}
		for _, alt := range retries {
			if loc.ok {
				break
			}
			if q := quoteLines(alt.text); len(q) > 0 {
				hint := cmp.Or(alt.line, rf.Line)
				// Only matches the reading holds at compete: the line
				// its number names may hold the code in part while an
				// exact copy sits elsewhere.
				if l := fi.find(q, hint, func(l located) bool { return alt.holds(fi, l) }); l.ok {
					loc, used, numbered = l, q, alt.copiedFromPrompt(fi, l)
				}
			}
		}
		if !loc.ok || loc.near {
			// The code laid out on other lines (a wrapped statement quoted
			// on one, a long line quoted in two) or spaced otherwise is the
			// same code: a whole match so read beats a near copy.
			for _, q := range [][]quoteLine{quote, quoteLines(unwrapped(rf.Quote, path))} {
				if r := fi.findReflowed(q, rf.Line); r.ok && (!loc.ok || !r.near) {
					loc, used = r, q
					break
				}
			}
		}
		if !loc.ok {
			switch fi.shortPart(rf.Quote, path, rf.Line) {
			case shortAtLine:
				// Code of the line the model named, too short to place a
				// finding by itself: it places it as the line does, and
				// weighs as much (a finding is never worse off for
				// quoting what its line holds than for quoting nothing).
				return fi.atLine(ix, out, rf), nil
			case shortElsewhere:
				return reject(path, "quote too short to place: a part of a line under 8 bytes counts only on the line the finding names")
			}
			return reject(path, "quote not in the diff"+ix.elsewhere(path, quote))
		}
		first, last, kind, deleted, near := loc.first, loc.last, loc.kind, loc.deleted, loc.near
		out.Evidence, out.Near = EvidenceQuote, near
		if wordless(used) && !numbered {
			// `}` or `]);` is on many lines: the quote found a line
			// near the one the model gave, not code it read there (in
			// backticks or a fence as much as bare). Copied with the
			// prompt's number of the line it is on, it was read there.
			out.Evidence, out.Near = EvidenceLine, false
		}
		a, b := fi.lines[first], fi.lines[last]
		out.Line, out.EndLine, out.LineText = a.new, max(b.new, a.new), a.text
		out.LineKind = kind
		if deleted {
			out.Deleted, out.LineKind = true, diff.Deleted
			out.OldLine, out.OldEndLine = a.old, max(b.old, a.old)
		} else {
			// The kind stays the quote's: the lines past it are the
			// model's claim, not code it showed (the gate weighs what was
			// shown).
			out.EndLine = fi.spanEnd(out.Line, out.EndLine, rf)
		}
		out.setScope(ix.scope(path, out.Line))
		if out.Deleted && out.Line == 0 {
			// A deleted file has no new side: its code's own function.
			out.setScope(ix.OldScope(path, out.OldLine))
		}
		return out, nil
	}
	if rf.Line > 0 {
		if _, ok := fi.byNew[rf.Line]; !ok {
			return reject(path, fmt.Sprintf("line %d is outside the diff's hunks", rf.Line))
		}
		return fi.atLine(ix, out, rf), nil
	}
	out.Evidence = EvidenceFile
	// No line and no quote: a file-level finding.
	return out, nil
}

// atLine places out by its line alone, rf.Line, a line of the diff's
// hunks: the weaker evidence of a finding with no quote.
func (fi *fileIndex) atLine(ix *Index, out Finding, rf review.RawFinding) Finding {
	i := fi.byNew[rf.Line]
	out.Evidence = EvidenceLine
	out.Line, out.LineText = rf.Line, fi.lines[i].text
	out.EndLine = fi.spanEnd(rf.Line, rf.Line, rf)
	out.LineKind = fi.kindOf(i, fi.byNew[out.EndLine])
	out.setScope(ix.scope(fi.path, out.Line))
	return out
}

// Where a one-line quote too short to be a part of a line (under
// MinSubstring bytes) stands as one (shortPart).
const (
	shortNone      = iota // a part of no line: not in the diff
	shortAtLine           // a part of the line the finding names
	shortElsewhere        // a part of other lines only
)

// shortPart is where a quote that matched nowhere stands as a part of a
// line too short to count as one (`a / b` of `return a / b }`): such a
// part is on many lines, so it places nothing, but it is code of the
// line the finding names when that line holds it, cut at its word edges
// (partOf), as written or unwrapped (backticks).
func (fi *fileIndex) shortPart(quote, path string, line int) int {
	place := shortNone
	for _, text := range []string{quote, unwrapped(quote, path)} {
		q := quoteLines(text)
		if len(q) != 1 || len(q[0].text) >= MinSubstring {
			continue
		}
		for _, l := range fi.lines {
			if partOf(q[0].text, l.norm, fi.comment) != substring {
				continue
			}
			if line > 0 && l.new == line && l.kind != diff.Deleted {
				return shortAtLine
			}
			place = shortElsewhere
		}
	}
	return place
}

// maxSpan is the most lines past its first a finding's end_line may take.
const maxSpan = 50

// spanEnd is the last line of a finding placed at line..end (a quote's
// lines, or its one line): the model's end_line carried along when it
// names more, counted from where the finding was placed (a quote of the
// span's first line found off the model's line number moves the span with
// it), while it stays inside the diff. A model asked to quote the first
// line of a range does so, and its fix replaces the whole range.
func (fi *fileIndex) spanEnd(line, end int, rf review.RawFinding) int {
	if rf.Line <= 0 || rf.EndLine <= rf.Line {
		return end
	}
	want := line + min(rf.EndLine-rf.Line, maxSpan)
	for e := end + 1; e <= want; e++ {
		if _, ok := fi.byNew[e]; !ok {
			break
		}
		end = e
	}
	return end
}

// elsewhere names the other file of the diff where quote's first line is,
// as " of PATH (it is in OTHER:LINE)", or "" when it is in none: a model
// that named the wrong file did not invent the code, and the reason says
// so. The finding is still rejected: which of the two the model meant is
// not known. Only files holding the quote's first line exactly are read.
func (ix *Index) elsewhere(path string, quote []quoteLine) string {
	for _, p := range ix.paths {
		if p == path {
			continue
		}
		fi := ix.file(p)
		if len(fi.byNorm[quote[0].text]) == 0 {
			continue
		}
		if l := fi.find(quote, 0, nil); l.ok {
			if l.deleted {
				return fmt.Sprintf(" of %s (it is in %s, deleted from line %d)", path, p, fi.lines[l.first].old)
			}
			return fmt.Sprintf(" of %s (it is in %s:%d)", path, p, fi.lines[l.first].new)
		}
	}
	return ""
}

// Result is every raw finding of a review, anchored or rejected.
type Result struct {
	// Findings are the anchored findings, reviewers in name order, each
	// reviewer's in answer order.
	Findings []Finding
	// Rejected are sorted by reviewer, file, line, title and reason.
	Rejected []Rejected
}

// notShown is the reason a finding on a file its request did not show is
// rejected, naming (up to three of) the files it did show.
func notShown(files []string) string {
	names := make([]string, 0, 3)
	for _, f := range files[:min(len(files), 3)] {
		names = append(names, safetext.Path(f))
	}
	more := ""
	if len(files) > 3 {
		more = fmt.Sprintf(" and %d more", len(files)-3)
	}
	return "file not in the part of the change its reviewer was shown (" + strings.Join(names, ", ") + more + ")"
}

// All anchors every finding of every answered chunk of raw against ix's
// diff. It is a pure function of its inputs: reviewers are taken in name
// order, so the order of raw.Results does not matter. A caller that reads
// the same diff again after anchoring (the dismissal stage) shares the
// index and the scope chains it has read.
func (ix *Index) All(raw *review.Raw) Result {
	res := Result{Rejected: []Rejected{}}
	if raw == nil {
		return res
	}
	results := slices.Clone(raw.Results)
	slices.SortStableFunc(results, func(a, b review.RawResult) int { return strings.Compare(a.Reviewer.Name, b.Reviewer.Name) })
	total := 0
	for _, r := range results {
		for _, ch := range r.Chunks {
			if ch.Answer != nil {
				total += len(ch.Answer.Findings)
			}
		}
	}
	// Every finding is anchored on its own (the Index's memos aside, which
	// are guarded), so they are anchored in parallel into their own slots
	// and gathered in input order.
	type job struct {
		reviewer string
		ch       *review.ChunkResult
		seq      int
		raw      review.RawFinding
	}
	jobs := make([]job, 0, total)
	for _, r := range results {
		seq := 0
		for c := range r.Chunks {
			ch := &r.Chunks[c]
			if ch.Answer == nil {
				continue
			}
			for _, rf := range ch.Answer.Findings {
				seq++
				jobs = append(jobs, job{reviewer: r.Reviewer.Name, ch: ch, seq: seq, raw: rf})
			}
		}
	}
	anchored := make([]Finding, len(jobs))
	rejected := make([]*Rejected, len(jobs))
	parallel.For(len(jobs), func(i int) {
		j := jobs[i]
		f, rej := ix.Anchor(j.reviewer, j.ch.Chunk, j.seq, j.raw)
		if rej == nil && len(j.ch.Files) > 0 && !slices.Contains(j.ch.Files, f.File) {
			// Code of the change, but not of the part this request
			// showed: the model did not read it there (an answer of
			// older quorum has no file list, and is not held to one).
			rej = &Rejected{Reviewer: j.reviewer, File: f.File, Line: j.raw.Line, Title: j.raw.Title, Reason: notShown(j.ch.Files)}
		}
		anchored[i], rejected[i] = f, rej
	})
	res.Findings = make([]Finding, 0, total)
	for i := range jobs {
		if rejected[i] != nil {
			res.Rejected = append(res.Rejected, *rejected[i])
			continue
		}
		res.Findings = append(res.Findings, anchored[i])
	}
	slices.SortFunc(res.Rejected, func(a, b Rejected) int {
		return cmp.Or(strings.Compare(a.Reviewer, b.Reviewer), strings.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line), strings.Compare(a.Title, b.Title), strings.Compare(a.Reason, b.Reason))
	})
	return res
}
