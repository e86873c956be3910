package hookcmd

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review/report"
)

// A push of several refs is reviewed as few times as it can be: one review
// when no file differs between the pushed heads, more when one does. A
// diff.Set holds one version of a path, and each pushed ref points the
// remote at its own tree, so a file two branches change differently (a
// bug on one, its fix on the other) is reviewed once per version; keeping
// only the newest would let the other ref reach the remote unread.

// fileVersion is one pushed version of a path: the set it comes from and
// its file there, or skipped when that set left the path out of review.
type fileVersion struct {
	set     *diff.Set
	file    *diff.File
	skipped bool
	reason  string // why it was skipped
}

// reviewPasses splits sets (the push's ranges, newest head first) into
// reviews in which each path has one version and every set reads one
// dismissal ledger. Each review holds, per set, the files of that set not
// already reviewed in that version; the first review of a ledger holds
// every set that reads it, files or not, so that each range's commits are
// in one. A path a set skipped (a lockfile, a file over the size limit) and
// another set changed as a file is a second version too: the file must be
// read.
func reviewPasses(ctx context.Context, sets []*diff.Set) ([][]*diff.Set, error) {
	var seen []map[string]fileVersion // per review: path -> its version there
	var ledgers []string              // per review: the committed ledger its sets read
	var passes [][]*diff.Set
	for _, s := range sets {
		// A set is reviewed only with sets that read the same dismissals
		// (pipeline.CommittedLedgerKey): a file two branches push alike,
		// dismissed on one of them only, is judged by each one's ledger.
		ledger := pipeline.CommittedLedgerKey(ctx, s)
		first := slices.Index(ledgers, ledger)
		if first < 0 {
			seen, ledgers = append(seen, map[string]fileVersion{}), append(ledgers, ledger)
			first = len(seen) - 1
		}
		parts := map[int]*diff.Set{first: partOf(s)}
		place := func(path string, v fileVersion) (int, error) {
			for i, paths := range seen {
				if ledgers[i] != ledger {
					continue
				}
				old, ok := paths[path]
				if !ok {
					paths[path] = v
					return i, nil
				}
				same, err := sameVersion(ctx, path, old, v)
				if err != nil {
					return 0, err
				}
				if same {
					return -1, nil // read already, as this set has it
				}
			}
			seen, ledgers = append(seen, map[string]fileVersion{path: v}), append(ledgers, ledger)
			return len(seen) - 1, nil
		}
		// A skipped file is in Files (with its Skip) and in Skipped: both
		// go to the review its path went to.
		went := map[string]int{}
		for i := range s.Files {
			f := &s.Files[i]
			at, err := place(f.Path, fileVersion{set: s, file: f, skipped: f.Skip != "", reason: f.Skip})
			if err != nil {
				return nil, err
			}
			went[f.Path] = at
			if at >= 0 {
				part(parts, at, s).Files = append(part(parts, at, s).Files, *f)
			}
		}
		for _, sk := range s.Skipped {
			at, ok := went[sk.Path]
			if !ok {
				var err error
				if at, err = place(sk.Path, fileVersion{set: s, skipped: true, reason: sk.Reason}); err != nil {
					return nil, err
				}
			}
			if at >= 0 {
				part(parts, at, s).Skipped = append(part(parts, at, s).Skipped, sk)
			}
		}
		for _, at := range slices.Sorted(maps.Keys(parts)) {
			for len(passes) <= at {
				passes = append(passes, nil)
			}
			passes[at] = append(passes[at], parts[at])
		}
	}
	return passes, nil
}

// partOf is s with no files: what one review takes of it.
func partOf(s *diff.Set) *diff.Set {
	p := *s
	p.Files, p.Skipped = []diff.File{}, []diff.Skipped{}
	return &p
}

// part is the part of s for review at, made on first use.
func part(parts map[int]*diff.Set, at int, s *diff.Set) *diff.Set {
	if parts[at] == nil {
		parts[at] = partOf(s)
	}
	return parts[at]
}

// sameVersion reports whether two pushed versions of path are one: both
// skipped for one reason, or the same change (the same hunks: a line one
// ref deletes, a guard say, is a finding even where the new content
// agrees) to the same content at both heads.
func sameVersion(ctx context.Context, path string, a, b fileVersion) (bool, error) {
	if a.skipped || b.skipped {
		return a.skipped && b.skipped && a.reason == b.reason, nil
	}
	if !slices.EqualFunc(a.file.Hunks, b.file.Hunks, sameHunk) {
		return false, nil
	}
	aGone, bGone := a.file.Status == diff.StatusDeleted, b.file.Status == diff.StatusDeleted
	if aGone || bGone {
		return aGone && bGone, nil
	}
	x, err := diff.ReadNew(ctx, a.set, path)
	if err != nil {
		return false, err
	}
	y, err := diff.ReadNew(ctx, b.set, path)
	if err != nil {
		return false, err
	}
	return bytes.Equal(x, y), nil
}

// sameHunk reports whether two hunks show the same lines.
func sameHunk(a, b diff.Hunk) bool {
	return slices.EqualFunc(a.Lines, b.Lines, func(x, y diff.Line) bool { return x.Kind == y.Kind && x.Text == y.Text })
}

// joinOutcomes is the push's outcome from its reviews' (one when the push
// needed one): blocked when any is, every blocking finding listed, the
// gaps of each said. The report named is the first blocked review's, else
// the first's.
func joinOutcomes(outs []Outcome) Outcome {
	if len(outs) == 1 {
		return outs[0]
	}
	var j Outcome
	var verdicts, partial, warnings, hints []string
	j.NothingReviewed = true
	for _, o := range outs {
		j.NothingReviewed = j.NothingReviewed && o.NothingReviewed
	}
	for _, o := range outs {
		if o.NothingReviewed && !j.NothingReviewed {
			// A review of only skipped files beside reviews that read
			// something: its gaps are the push's too.
			o.Partial = skippedGaps(o)
		}
		if o.Blocked && !j.Blocked {
			j.ReportPath = o.ReportPath
		}
		j.Blocked = j.Blocked || o.Blocked
		for _, f := range o.Blocking {
			f.Report = cmp.Or(f.Report, o.ReportPath) // each review has its report
			j.Blocking = append(j.Blocking, f)
		}
		for sev, n := range o.Below {
			if j.Below == nil {
				j.Below = map[string]int{}
			}
			j.Below[sev] += n
		}
		j.Dismissed += o.Dismissed
		if j.ReportPath == "" {
			j.ReportPath = o.ReportPath
		}
		j.Reports = cmdutil.AppendNew(j.Reports, o.ReportPath)
		j.SaveErr = cmp.Or(j.SaveErr, o.SaveErr)
		verdicts = cmdutil.AppendNew(verdicts, o.Verdict)
		j.TimedOut = j.TimedOut || o.TimedOut
		j.Unread = j.Unread || o.Unread
		j.UnreadCut = j.UnreadCut || o.UnreadCut
		j.Unfinished = j.Unfinished || o.Unfinished
		j.TooLarge = j.TooLarge || o.TooLarge
		j.SelfExempt = append(j.SelfExempt, o.SelfExempt...)
		j.Skipped = append(j.Skipped, o.Skipped...)
		j.Fix = cmp.Or(j.Fix, o.Fix)
		partial = cmdutil.AppendNew(partial, o.Partial)
		j.Missing = dedupe(append(j.Missing, o.Missing...))
		if o.Panel > 0 && (j.Panel == 0 || o.Reviewed < j.Reviewed) {
			j.Reviewed, j.Panel = o.Reviewed, o.Panel // the review resting on the fewest
		}
		warnings = cmdutil.AppendNew(warnings, o.Warning)
		hints = cmdutil.AppendNew(hints, o.WarningHint)
	}
	j.Verdict = strings.Join(verdicts, "; ")
	j.Partial = strings.Join(partial, "; ")
	j.Warning, j.WarningHint = strings.Join(warnings, "; "), strings.Join(hints, "; ")
	return j
}

// skippedGaps is what a review of only skipped files left unread: files
// over the size limit, and files attributes that may not be the remote's
// exempted (o.SelfExempt); "" when every skip was meant (lockfiles,
// binaries, ignore: globs).
func skippedGaps(o Outcome) string {
	var large []string
	for _, sk := range o.Skipped {
		if sk.Reason == diff.SkipTooLarge {
			large = append(large, sk.Path)
		}
	}
	exempt := o.SelfExempt
	var gaps []string
	if n := len(large); n > 0 {
		gaps = append(gaps, fmt.Sprintf("%d file%s over the size limit sent to no reviewer (%s)", n, cmdutil.Plural(n), safetext.OneLine(report.FirstFew(large))))
	}
	if n := len(exempt); n > 0 {
		gaps = append(gaps, fmt.Sprintf("%d file%s skipped by .gitattributes that are not the remote's (%s)", n, cmdutil.Plural(n), safetext.OneLine(report.FirstFew(exempt))))
	}
	return strings.Join(gaps, "; ")
}
