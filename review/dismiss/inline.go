// This file finds inline quorum:ignore markers the change adds next to a
// finding's code.

package dismiss

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

// Marker is the inline suppression comment.
const Marker = "quorum:ignore"

// diffLines is what inline suppression reads of the reviewed diff: the
// lines holding the marker, by path and new-side line number (only added
// and context lines: the only lines a review sees), and the added lines.
type diffLines struct {
	markers map[string]map[int]markerLine
	added   map[string]map[int]bool
}

func lineIndex(set *diff.Set) diffLines {
	idx := diffLines{markers: map[string]map[int]markerLine{}, added: map[string]map[int]bool{}}
	if set == nil {
		return idx
	}
	for _, f := range set.Files {
		if !holdsMarker(f) {
			// Nothing of the file is ever read: a finding or member
			// there needs a marker first (markerAt).
			continue
		}
		syn := syntaxOf(f.Path)
		for _, h := range f.Hunks {
			// Each line is read from what the hunk's lines above it leave
			// open (a multi-line string, a block comment): the new side's,
			// so deleted lines are not read. The hunk's first line is read
			// as code: what is above it is not in the diff.
			var st lexState
			for _, l := range h.Lines {
				if l.Kind == diff.Deleted {
					continue
				}
				if l.Kind == diff.Added {
					if idx.added[f.Path] == nil {
						idx.added[f.Path] = map[int]bool{}
					}
					idx.added[f.Path][l.New] = true
				}
				if strings.Contains(l.Text, Marker) {
					if idx.markers[f.Path] == nil {
						idx.markers[f.Path] = map[int]markerLine{}
					}
					idx.markers[f.Path][l.New] = markerLine{text: l.Text, added: l.Kind == diff.Added, comment: markerInComment(syn, st, l.Text)}
				}
				st, _ = scan(syn, st, l.Text, -1)
			}
		}
	}
	return idx
}

// holdsMarker reports whether a new-side line of f holds the marker: most
// files hold none, and lexing every line of a large diff for comments
// costs more than the rest of the stage.
func holdsMarker(f diff.File) bool {
	for _, h := range f.Hunks {
		for _, l := range h.Lines {
			if l.Kind != diff.Deleted && strings.Contains(l.Text, Marker) {
				return true
			}
		}
	}
	return false
}

// addedIn reports whether one of lines first..last of path is added.
func (d diffLines) addedIn(path string, first, last int) bool {
	for n := first; n <= last; n++ {
		if d.added[path][n] {
			return true
		}
	}
	return false
}

// markerLine is a diff line holding the inline marker, whether the change
// added it, and whether its marker is in a comment (markerInComment): one
// in a string is data, not a dismissal.
type markerLine struct {
	text    string
	added   bool
	comment bool
}

// inline finds a quorum:ignore comment on the finding's first line or the
// line above. "quorum:ignore KIND" applies only to findings of that kind
// (or category); any other text after the marker is the reason. A finding
// merged from findings at several places is dismissed only when a marker
// covers each of them: a comment written above one statement never
// vouches for another that a reviewer reported elsewhere and the merge
// joined to it (two injections of one kind, in two functions).
//
// It returns the reason and the line of the comment that gives it.
func inline(lines diffLines, f report.Finding) (string, int, bool) {
	if f.Deleted {
		return "", 0, false
	}
	reason, at, ok := markerAt(lines, f.Kinds, f.Category, guarded(f.Severity, f.Category, f.Kinds), f.File, f.Line, f.Line, f.LineKind == string(diff.Added))
	if !ok {
		return "", 0, false
	}
	for _, m := range f.Members {
		file := cmp.Or(m.File, f.File)
		if m.Line == 0 {
			return "", 0, false // a member with no line: no comment can be above it
		}
		// Each member by its own lines and its own kinds: an old comment
		// above the representative's unchanged line never covers a member
		// the change added, and "quorum:ignore unchecked-error" never
		// covers the injection a reviewer saw in the same call.
		// A member with no kind of its own is covered by a marker with
		// no kind, or one naming its category: never by the kind another
		// reviewer's finding has.
		last := max(m.EndLine, m.Line)
		cat := cmp.Or(m.Category, f.Category)
		if _, _, ok := markerAt(lines, m.Kinds, cat, guarded(cmp.Or(m.Severity, f.Severity), cat, m.Kinds) || guarded(f.Severity, f.Category, f.Kinds), file, m.Line, last, lines.addedIn(file, m.Line, last)); !ok {
			return "", 0, false
		}
	}
	return reason, at, true
}

// markerAt finds a quorum:ignore comment for kinds (or category) on the
// line above lines first..last of file, or on one of them; added says the
// change added one of those lines; guarded, that the finding is critical
// or a security finding, which only a marker naming its kind or category
// hides. It returns the reason and the comment's line.
func markerAt(lines diffLines, kinds []string, category string, guarded bool, file string, first, last int, added bool) (string, int, bool) {
	if first == 0 {
		return "", 0, false
	}
	for n := first - 1; n <= last; n++ {
		ml, ok := lines.markers[file][n]
		if !ok || !ml.comment {
			continue
		}
		// A comment the change did not touch was written for the code that
		// was there: it does not vouch for a line the change added below it.
		if !ml.added && added {
			continue
		}
		m := readMarker(ml.text)
		rest := m.rest
		if m.isFilter {
			if !slices.ContainsFunc(m.names, func(n string) bool { return namesFinding(n, kinds, category) }) {
				continue
			}
			rest = m.afterWord
		} else if guarded {
			// A marker that names nothing is read as a reason, and a
			// reason's words cannot be told from a filter's in every
			// spelling ("; style", "sytle", "only style"): so it never
			// hides a critical or a security finding. Those take a marker
			// naming their kind or category.
			continue
		}
		reason := "inline " + Marker
		if rest = strings.TrimSpace(strings.TrimLeft(rest, ":-— ")); rest != "" {
			reason += ": " + rest
		}
		return reason, n, true
	}
	return "", 0, false
}

// guarded reports whether a finding is one only a marker naming it
// hides: critical, or about security, by its category or by one of its
// kinds (an injection a model filed under "bug" is still one).
func guarded(severity, category string, kinds []string) bool {
	return strings.EqualFold(severity, review.Critical) || strings.EqualFold(category, "security") || slices.ContainsFunc(kinds, isSecurityKind)
}

// securityKinds are the kinds that are security issues whatever category
// a model files them under.
var securityKinds = []string{"sql-injection", "command-injection", "path-traversal", "xss", "open-redirect", "ssrf",
	"unsafe-deserialization", "weak-crypto", "timing-attack", "missing-authz", "info-exposure", "session-fixation",
	"hardcoded-secret", "auth-bypass"}

func isSecurityKind(k string) bool { return slices.Contains(securityKinds, k) }

// namesFinding reports whether filter name n names a finding of kinds and
// category: one of its kinds, or its category, where "security" names any
// security kind and a category names no security kind filed under it (a
// marker saying "bug" does not hide an injection a model called a bug).
func namesFinding(n string, kinds []string, category string) bool {
	if slices.Contains(kinds, n) || n == "security" && slices.ContainsFunc(kinds, isSecurityKind) {
		return true
	}
	return n == strings.ToLower(category) && (n == "security" || !slices.ContainsFunc(kinds, isSecurityKind))
}

// marker is a quorum:ignore comment as read: what follows the marker
// (rest), and whether its first word is a filter (isFilter, of names),
// with the text after that word (afterWord).
type marker struct {
	rest, afterWord string
	names           []string
	isFilter        bool
}

// readMarker reads the quorum:ignore comment of line text.
func readMarker(text string) marker {
	rest := text[strings.Index(text, Marker)+len(Marker):]
	// The marker's comment ends where its closing mark is: code after
	// `/* quorum:ignore */` is no reason.
	for _, end := range []string{"*/", "-->"} {
		if i := strings.Index(rest, end); i >= 0 {
			rest = rest[:i]
		}
	}
	rest = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(rest), "*/->#"))
	// What separates the marker from its first word is no word:
	// "quorum:ignore: style" and "quorum:ignore - style" name style.
	rest = strings.TrimLeftFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) })
	word, more := rest, ""
	if i := strings.IndexFunc(rest, unicode.IsSpace); i >= 0 {
		word, more = rest[:i], rest[i:]
	}
	// A first word that names a kind or a category is a filter, never a
	// reason: "quorum:ignore style" keeps a security finding there, and so
	// do "style.", "(style)", "styles" and "style-only".
	next, _, _ := strings.Cut(strings.TrimSpace(more), " ")
	names, isFilter := filterNames(word, next)
	return marker{rest: rest, afterWord: strings.TrimSpace(more), names: names, isFilter: isFilter}
}

// inlineWhyNot says why a quorum:ignore comment on f's line or the line
// above it does not dismiss f, "" when there is none (or it does): it
// names other kinds, or it names none and f is critical or about
// security. The report shows it by the finding, so a comment that looks
// like a dismissal is never silently ignored.
func inlineWhyNot(lines diffLines, f report.Finding) string {
	if f.Deleted || f.Line == 0 {
		return ""
	}
	added := f.LineKind == string(diff.Added)
	for n := f.Line - 1; n <= f.Line; n++ {
		ml, ok := lines.markers[f.File][n]
		if !ok || !ml.comment || !ml.added && added {
			continue
		}
		m := readMarker(ml.text)
		switch {
		case m.isFilter && len(m.names) == 0:
			return fmt.Sprintf("the quorum:ignore comment on line %d negates what it names, so it hides nothing", n)
		case m.isFilter && !slices.ContainsFunc(m.names, func(k string) bool { return namesFinding(k, f.Kinds, f.Category) }):
			return fmt.Sprintf("the quorum:ignore comment on line %d names %s, not this finding (%s)", n, strings.Join(m.names, ", "), whatItIs(f))
		case !m.isFilter && guarded(f.Severity, f.Category, f.Kinds):
			return fmt.Sprintf("the quorum:ignore comment on line %d names no kind or category, and a critical or security finding takes one that does ('quorum:ignore %s: reason')", n, cmp.Or(firstKind(f), f.Category))
		}
	}
	return ""
}

// whatItIs names a finding's kinds, else its category.
func whatItIs(f report.Finding) string {
	if len(f.Kinds) > 0 {
		return strings.Join(f.Kinds, ", ")
	}
	return f.Category
}

// firstKind is f's first kind, "" for none.
func firstKind(f report.Finding) string {
	if len(f.Kinds) > 0 {
		return f.Kinds[0]
	}
	return ""
}
