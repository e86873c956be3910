package hook

import (
	"context"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/internal/safetext"
)

// Carried returns the latest blocked verdict whose blocking code this
// push adds again, and that finding; nil when none. Lookup knows a blocked
// push by its commits; a squash, rebase or amend makes new ones of the
// same change. So a blocked finding on an added line is known again by
// that line: added in its file by one of the push's ranges, the same but
// for whitespace (a formatter run on the rewrite moves spaces, not code).
// Only a push the hook cannot review whole asks (a review
// reads the code itself), so a line that happens to come back costs no
// more than one refused unreviewed push.
func (v *Verdicts) Carried(ctx context.Context, dir string, rs []Range, empty string) (*Blocked, *Finding) {
	if v == nil {
		return nil, nil
	}
	added := map[string]map[string]bool{} // file -> added lines of the push
	addedIn := func(file string) map[string]bool {
		if got, ok := added[file]; ok {
			return got
		}
		set := map[string]bool{}
		for _, r := range rs {
			base := r.Base
			if base == "" {
				base = empty
			}
			// --text: a source file with a NUL byte is reviewed (as text), so
			// its blocked lines must be read the same way.
			out, err := git{dir: dir}.output(ctx, "diff", "--no-color", "--no-ext-diff", "--no-textconv", "--text", "--unified=0", base, r.Head, "--", file)
			if err != nil {
				continue // unreadable: this file proves nothing
			}
			for _, l := range lines(out) {
				if strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++") {
					set[squeeze(l[1:])] = true
				}
			}
		}
		added[file] = set
		return set
	}
	for i := len(v.Blocked) - 1; i >= 0; i-- {
		b := &v.Blocked[i]
		for j := range b.Findings {
			f := &b.Findings[j]
			code := f.Lines()
			if len(code) == 0 || f.Deleted {
				continue
			}
			// Every line it was anchored to: a signature line of a
			// two-line finding comes back with any rewrite of the function.
			set := addedIn(f.File)
			if !slices.ContainsFunc(code, func(l string) bool { return !set[l] }) {
				return b, f
			}
		}
	}
	return nil, nil
}

// squeeze drops a line's whitespace: two lines that differ only in it are
// one line of code to Carried. A line is read as a report shows it
// (safetext.Code: control and invisible characters escaped), since a
// finding's code was recorded from the report: a raw line of git's and
// the recorded one compare alike.
func squeeze(line string) string { return strings.Join(strings.Fields(safetext.Code(line)), "") }
