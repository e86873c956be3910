package dismiss

import (
	"bytes"
	"context"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/report"
)

// copies returns, for a finding of a review of set, the lines of its file
// that hold its code where it is (report.Input.Copies): the same code in
// the same definitions, its own line included. A finding on new or
// unchanged code counts the file at the reviewed head, whether or not the
// diff shows a copy, so an unrelated edit near an old copy never changes
// the count; one on deleted code counts the deleted lines (its old-side
// line numbers). Where the file cannot be read, the diff's lines count.
func copies(set *diff.Set, p *placer) func(report.Finding) []int {
	files := map[string]*fileCode{}
	return func(f report.Finding) []int {
		if p == nil || len(f.Code) == 0 || f.Line == 0 && f.OldLine == 0 {
			return nil
		}
		if f.Deleted {
			return p.deletedCopies(f)
		}
		fc, ok := files[f.File]
		if !ok {
			fc = readFileCode(set, f.File)
			files[f.File] = fc
		}
		inDiff := p.diffCopies(f)
		if fc == nil {
			return inDiff
		}
		// The file's count, and any line the diff reads as the same
		// place (where the two readings of a scope differ, the larger:
		// a copy is never missed).
		out := fc.copies(f.Line)
		for _, n := range inDiff {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
		slices.Sort(out)
		if len(out) < 2 {
			return nil
		}
		return out
	}
}

// fileCode is a file at the reviewed head, read for copies: each line's
// code without its layout, and the definitions around it, on demand.
type fileCode struct {
	path  string
	lines []string
	// byCode are the lines (1-based) by their code, read once.
	byCode map[string][]int
	// chains are the definitions around each line (1-based), normalised;
	// read once, for every line, the first time a copy is counted.
	chains map[int][]string
}

func readFileCode(set *diff.Set, path string) *fileCode {
	if set.Root == "" || set.Mode != diff.ModeRange && set.Mode != diff.ModeCommits {
		// A diff with no repository (a test's, a replay's whose clone is
		// gone), or of the work tree, whose files have changed since a
		// saved review of them (a replay must count as the review did).
		return nil
	}
	data, err := diff.ReadNew(context.Background(), set, path)
	if err != nil || len(data) == 0 {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(string(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))), "\n"), "\n")
	return &fileCode{path: path, lines: lines}
}

// copies are the lines holding line n's code within the same definitions.
func (fc *fileCode) copies(n int) []int {
	if n < 1 || n > len(fc.lines) {
		return nil
	}
	if fc.byCode == nil {
		fc.byCode = map[string][]int{}
		for i, l := range fc.lines {
			code := anchor.Flowed(l)
			fc.byCode[code] = append(fc.byCode[code], i+1)
		}
	}
	code := anchor.Flowed(fc.lines[n-1])
	if code == "" || len(fc.byCode[code]) < 2 {
		return nil // blank, or its own line alone
	}
	if fc.chains == nil {
		fc.chains = map[int][]string{}
		sc := diff.NewScopes(fc.path, nil)
		flowed := map[string]string{} // a definition is on many lines' chains
		for i, l := range fc.lines {
			chain := sc.EnclosingChain(l)
			for k, d := range chain {
				f, ok := flowed[d]
				if !ok {
					f = anchor.Flowed(d)
					flowed[d] = f
				}
				chain[k] = f
			}
			fc.chains[i+1] = chain
			sc.See(l)
		}
	}
	var out []int
	for _, line := range fc.byCode[code] {
		if slices.Equal(fc.chains[line], fc.chains[n]) {
			out = append(out, line)
		}
	}
	return out
}

// diffCopies are the new-side lines of the diff with f's fingerprint.
func (p *placer) diffCopies(f report.Finding) []int {
	df := p.files[f.File]
	if df == nil {
		return nil
	}
	var text string
	for _, c := range f.Code {
		if c.New == f.Line && c.Kind != string(diff.Deleted) {
			text = anchor.Flowed(c.Text)
		}
	}
	if text == "" {
		return nil
	}
	byCode, ok := p.newByCode[f.File]
	if !ok {
		// Each new-side line by its code, once per file: every finding
		// of the file looks its own up.
		byCode = map[uint64][]*diff.Line{}
		for hi := range df.Hunks {
			lines := df.Hunks[hi].Lines
			for li := range lines {
				if l := &lines[li]; l.Kind != diff.Deleted {
					key := spacelessKey(l.Text)
					byCode[key] = append(byCode[key], l)
				}
			}
		}
		p.newByCode[f.File] = byCode
	}
	candidates := byCode[spacelessKey(text)]
	if len(candidates) < 2 {
		return nil // its own line alone
	}
	var out []int
	for _, l := range candidates {
		n := l.New
		if slices.Contains(out, n) || anchor.Flowed(l.Text) != text {
			continue
		}
		if prs, ok := p.memberPrints(f, report.Member{Line: n, Category: f.Category}); ok && slices.Contains(prs, f.Fingerprint) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

// deletedCopies are the old-side lines of the deleted lines with f's
// fingerprint: two identical guards deleted from one function are two.
func (p *placer) deletedCopies(f report.Finding) []int {
	df := p.files[f.File]
	text, ok := p.deletedText(f.File, f.OldLine)
	if df == nil || !ok || anchor.Flowed(text) == "" {
		return nil
	}
	var out []int
	for _, h := range df.Hunks {
		next := h.NewStart // the new-side line a deletion sits at
		for _, l := range h.Lines {
			if l.Kind != diff.Deleted {
				next = l.New + 1
				continue
			}
			if anchor.Flowed(l.Text) != anchor.Flowed(text) || slices.Contains(out, l.Old) {
				continue
			}
			at := next
			if f.Line == 0 {
				at = 0 // a deleted file: its code's own function
			}
			if prs, ok := p.memberPrints(f, report.Member{Line: at, OldLine: l.Old, Category: f.Category}); ok && slices.Contains(prs, f.Fingerprint) {
				out = append(out, l.Old)
			}
		}
	}
	slices.Sort(out)
	return out
}

// spacelessKey hashes s without its spaces and tabs (FNV-1a): the key
// that finds the lines whose code (anchor.Flowed) may equal a line's,
// checked after, so a collision costs one comparison. A hash, not the
// string, because every line of a file with findings is keyed.
func spacelessKey(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && c != '\t' {
			h ^= uint64(c)
			h *= 1099511628211
		}
	}
	return h
}
