// Package dismisscmd implements `quorum dismiss` and `quorum undismiss`: the dismissal ledger.
package dismisscmd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/report"
)

// DismissOptions are the parsed flags and arguments of `quorum dismiss`.
type DismissOptions struct {
	// ReportGiven: --report named the report; otherwise the ids may come
	// from an older report than the latest.
	ReportGiven bool
	IO          *iostreams.IOStreams
	WorkDir     string
	Now         func() time.Time
	// Who names the user (git config user.name and user.email); nil asks git.
	Who    func(ctx context.Context, root string) string
	IDs    []string
	Reason string
	Local  bool
	Report string
	List   bool
	// AllIn and Severity select every finding of the report in a file, or
	// of a severity (both: the findings that match both), besides the ids.
	AllIn    string
	Severity string
	// AllPlaces confirms dismissing a finding merged from several places
	// (places): each of them is dismissed.
	AllPlaces bool
}

// NewCmdDismiss builds `quorum dismiss`; runF replaces the run function in tests.
func NewCmdDismiss(f *cmdutil.Factory, runF func(*DismissOptions) error) *cobra.Command {
	opts := &DismissOptions{IO: f.IOStreams, WorkDir: f.WorkDir, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "dismiss {ID... | --all-in FILE | --severity S} --reason TEXT",
		Short: "Dismiss findings so they no longer trip the gate",
		Long: `Record findings of a saved report (the latest by default) in the dismissal
ledger, .quorum/dismissed.yaml in the work tree (commit it to share it with
the team), or with --local in the git dir's quorum/dismissed.yaml. A
dismissed finding is listed under "Dismissed" with its reason and never
trips the gate. A dismissal follows the finding when code moves, the file
is renamed or reviewers word it differently; it stops applying when the
code the finding quotes changes. It covers that issue up to the severity
dismissed: a more severe finding at the same place, or another kind of
issue there, still counts ('quorum status' says why).`,
		Example: "  quorum dismiss Q1a2b3c4d5e --reason \"the error is logged by the caller\"\n  quorum dismiss --list\n  quorum undismiss Q1a2b3c4d5e",
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.IDs = args
			opts.ReportGiven = cmd.Flags().Changed("report")
			hint := fmt.Sprintf("run '%s --help' for usage", cmd.CommandPath())
			switch {
			case opts.List && len(args) > 0:
				return exitcode.Setupf(hint, "--list takes no finding ids")
			case opts.List && (opts.AllIn != "" || opts.Severity != ""):
				return exitcode.Setupf(hint, "--list takes no --all-in or --severity")
			case opts.Severity != "" && review.SeverityRank(opts.Severity) == 0:
				return exitcode.Setupf("use --severity critical, important or suggestion", "unknown severity %q", opts.Severity)
			case !opts.List && len(args) == 0 && opts.AllIn == "" && opts.Severity == "":
				return exitcode.Setupf("name finding ids from 'quorum report show' (or --all-in FILE, --severity S), or use --list", "no finding id given")
			case !opts.List && strings.TrimSpace(opts.Reason) == "":
				return exitcode.Setupf(`add --reason "why this finding does not apply"`, "--reason is required")
			case !opts.List && isPlaceholder(opts.Reason):
				return exitcode.Setupf(`write in --reason why the finding is a false positive, e.g. --reason "the caller logs the error"`,
					"--reason %q is the placeholder of the printed command, not a reason", strings.TrimSpace(opts.Reason))
			}
			if runF != nil {
				return runF(opts)
			}
			return dismissRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "why the finding does not apply (required)")
	cmd.Flags().BoolVar(&opts.Local, "local", false, "record in the git dir (this clone only), not in .quorum/dismissed.yaml")
	cmd.Flags().StringVar(&opts.Report, "report", "latest", "the saved report the ids come from ('quorum report list')")
	cmd.Flags().BoolVar(&opts.List, "list", false, "list the dismissals")
	cmd.Flags().StringVar(&opts.AllIn, "all-in", "", "dismiss every finding in this `file` (with --severity: of that severity)")
	cmd.Flags().StringVar(&opts.Severity, "severity", "", "dismiss every finding of this `severity` (with --all-in: in that file)")
	cmd.Flags().BoolVar(&opts.AllPlaces, "all-places", false, "dismiss a finding merged from reviewers' findings at several places, each of them (checked first)")
	return cmd
}

// isPlaceholder reports a reason that is only the "..." of the command
// the report and the hook print (dots, an ellipsis, spaces): run as
// printed, it would record a dismissal nobody can judge later.
func isPlaceholder(reason string) bool {
	return strings.Trim(reason, ".… \t\r\n") == "" && strings.TrimSpace(reason) != ""
}

// repo finds the work tree and git dir of dir.
func repo(ctx context.Context, dir string) (root, gitDir string, err error) {
	if dir == "" {
		dir = "."
	}
	if gitDir, err = diff.GitDir(dir); err != nil {
		return "", "", err
	}
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return "", "", exitcode.Setupf("run quorum dismiss inside a work tree", "cannot find the work tree of %s: %v", dir, err)
	}
	return strings.TrimSpace(string(out)), gitDir, nil
}

// gitWho is "Name <email>" from git config, or what of it is set.
func gitWho(ctx context.Context, root string) string {
	get := func(key string) string {
		out, err := exec.CommandContext(ctx, "git", "-C", root, "config", "--get", key).Output()
		if err != nil {
			return ""
		}
		return strings.TrimSpace(string(out))
	}
	name, email := get("user.name"), get("user.email")
	switch {
	case name != "" && email != "":
		return name + " <" + email + ">"
	case email != "":
		return "<" + email + ">"
	}
	return name
}

func dismissRun(ctx context.Context, opts *DismissOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	root, gitDir, err := repo(ctx, opts.WorkDir)
	if err != nil {
		return err
	}
	if opts.List {
		return listRun(opts.IO, root, gitDir)
	}
	rep, entry, err := reportstore.Load(gitDir, opts.Report)
	if err != nil {
		return err
	}
	if branch := currentBranch(ctx, root); !opts.ReportGiven && len(opts.IDs) > 0 && (!holdsAll(rep, opts.IDs) || branch != "" && !ofBranch(rep, branch)) {
		// The latest report may be another branch's, or a push nobody
		// could review: ids are the finding's code and kind, so the newest
		// report that has them is the one meant, this branch's first (as
		// undismiss reads ids): another branch's may show the same id for
		// the same line in another function.
		e, r, ok := reportstore.NewestWhere(gitDir, 50, func(r *report.Report) bool { return ofBranch(r, branch) && holdsAll(r, opts.IDs) })
		if !ok && !holdsAll(rep, opts.IDs) {
			e, r, ok = reportstore.NewestWhere(gitDir, 50, func(r *report.Report) bool { return holdsAll(r, opts.IDs) })
		}
		if ok && e.ID != entry.ID {
			if holdsAll(rep, opts.IDs) {
				fmt.Fprintf(opts.IO.ErrOut, "quorum: the latest report (%s) is of %s; using report %s, of %s\n", entry.ID, cmp.Or(safetext.OneLine(rep.Branch), "no branch"), e.ID, safetext.OneLine(branch))
			} else {
				fmt.Fprintf(opts.IO.ErrOut, "quorum: %s not in the latest report (%s); using report %s\n", strings.Join(opts.IDs, ", "), entry.ID, e.ID)
			}
			rep, entry = r, e
		}
	}
	all := append(slices.Clone(rep.Findings), rep.Dismissed...)
	var picked []report.Finding
	for _, id := range opts.IDs {
		i := indexOfID(all, id)
		if i < 0 {
			return exitcode.Setupf("'quorum report show "+entry.ID+"' lists the finding ids", "no finding %s in report %s", id, entry.ID)
		}
		if all[i].Fingerprint == "" {
			return exitcode.Setupf("run 'quorum review' again to make a report with fingerprints", "report %s was made before dismissals existed", entry.ID)
		}
		picked = append(picked, all[i])
	}
	if opts.AllIn != "" || opts.Severity != "" {
		n := 0
		// The report's dismissed findings too, as ids are looked up: one
		// taken back since is dismissed again, not "no finding matches".
		for _, f := range all {
			if (opts.AllIn == "" || f.File == filepath.ToSlash(filepath.Clean(opts.AllIn))) && (opts.Severity == "" || f.Severity == opts.Severity) &&
				!slices.ContainsFunc(picked, func(p report.Finding) bool { return p.ID == f.ID }) {
				if f.Fingerprint == "" {
					return exitcode.Setupf("run 'quorum review' again to make a report with fingerprints", "report %s was made before dismissals existed", entry.ID)
				}
				picked = append(picked, f)
				n++
			}
		}
		if n == 0 && len(picked) == 0 {
			var given []string // only the filters given: no --severity ""
			if opts.AllIn != "" {
				given = append(given, fmt.Sprintf("--all-in %q", opts.AllIn))
			}
			if opts.Severity != "" {
				given = append(given, fmt.Sprintf("--severity %q", opts.Severity))
			}
			return exitcode.Setupf("'quorum report show "+entry.ID+"' lists the findings", "no finding matches %s in report %s", strings.Join(given, " "), entry.ID)
		}
	}
	if !opts.AllPlaces {
		for _, f := range picked {
			if f.Copies > 1 && !everyCopyPicked(picked, f) {
				// A fingerprint cannot tell the copies apart (two closures of
				// one function): one dismissal covers each of them.
				return exitcode.Setupf("check each; if the reason holds for all, add --all-places, else fix the code",
					"%s is the same code as %s: one dismissal covers each", safetext.OneLine(f.ID), copiesOf(all, f))
			}
			if at := places(f); len(at) > 1 {
				// One dismissal would cover every place: two bugs the merge
				// (or a judge) joined would both be gone on one reason.
				return exitcode.Setupf("check each place; if the reason holds for all, add --all-places, else fix the code",
					"%s groups reviewers' findings at %d places (%s): dismissing it dismisses every one", safetext.OneLine(f.ID), len(at), strings.Join(at, "; "))
			}
			// Another finding of the report the entry would match too (the
			// same code, kinds and severity, other words): a dismissal of
			// one would silently take the other past the gate (helper 243).
			if alike := alikeTo(all, picked, f); len(alike) > 0 {
				return exitcode.Setupf("check each; if the reason holds for all, name them all (or add --all-places), else fix the code",
					"%s and %s are alike to the dismissal ledger (the same code, kind and severity): dismissing one dismisses each", safetext.OneLine(f.ID), strings.Join(alike, ", "))
			}
		}
	}
	// A finding of several places is recorded with which places were
	// checked, read from the diff its report was made from: a count would
	// cover another place the next review finds instead of a checked one.
	prints := map[string][]string{} // finding id -> its places' fingerprints
	var set *diff.Set
	for _, f := range picked {
		if len(f.Places()) < 2 {
			continue
		}
		if set == nil {
			if set, err = reportstore.LoadDiff(entry.Dir); err != nil {
				return err
			}
		}
		if prints[f.ID], err = dismiss.PlaceFingerprints(f, set); err != nil {
			if errors.Is(err, dismiss.ErrNoDiff) {
				return exitcode.Setupf("run 'quorum review' again and dismiss the finding from its report",
					"report %s saved no diff, so the places %s groups cannot be recorded", entry.ID, safetext.OneLine(f.ID))
			}
			return exitcode.Setupf("run 'quorum review' again and dismiss the finding from its report",
				"report %s and its saved diff disagree: %s", entry.ID, safetext.OneLine(err.Error()))
		}
	}
	path, source := dismiss.SharedPath(root), dismiss.SourceShared
	if opts.Local {
		path, source = dismiss.LocalPath(gitDir), dismiss.SourceLocal
	}
	who := gitWho
	if opts.Who != nil {
		who = opts.Who
	}
	by := who(ctx, root)
	at := opts.Now().UTC().Truncate(time.Second)
	replaced, err := record(ctx, root, path, source, picked, prints, func(f report.Finding) dismiss.Entry {
		return dismiss.NewEntry(f, opts.Reason, by, at)
	})
	if err != nil {
		return err
	}
	for _, f := range picked {
		// The id and path come from a saved report, the path from the
		// repository: never raw to the terminal. A file-level finding has no line.
		loc := safetext.Path(f.File)
		if f.Line > 0 {
			loc = fmt.Sprintf("%s:%d", loc, f.Line)
		}
		fmt.Fprintf(opts.IO.Out, "dismissed %s %s %s\n", safetext.OneLine(f.ID), loc, safetext.OneLine(f.Title))
		if n := len(f.Parts); n > 1 {
			fmt.Fprintf(opts.IO.Out, "  with the %d findings the judge grouped into it, each recorded on its own\n", n)
		}
		if old, ok := replaced[f.ID]; ok {
			// Said, so a second dismissal never silently rewrites the first.
			fmt.Fprintf(opts.IO.ErrOut, "quorum: %s was already dismissed; its reason %q is replaced\n", safetext.OneLine(f.ID), safetext.OneLine(old))
		}
	}
	where := dismiss.SharedFile + " (commit it to share the dismissal)"
	if opts.Local {
		where = path
	}
	fmt.Fprintf(opts.IO.ErrOut, "recorded in %s; 'quorum undismiss ID' takes it back\n", where)
	if !opts.Local {
		notOfHead(ctx, opts.IO.ErrOut, root, entry.ID, rep)
	}
	return nil
}

// notOfHead says, when the report is of a commit other than the
// checkout's HEAD, that a replay of it reads the ledger that commit
// carries (pipeline.WorkTreeLedgerUnread), not the file just written:
// "dismissed" then "still FAIL" needs no guessing.
func notOfHead(ctx context.Context, w io.Writer, root, id string, rep *report.Report) {
	reviewed := rep.Head.Commit
	if !pipeline.ReadsCommittedLedger(ctx, root, rep.Mode, reviewed) {
		return
	}
	fmt.Fprintf(w, "quorum: note: report %s is of commit %s, not the checkout's HEAD: its replay, or a push of that commit from elsewhere, reads the dismissals the commit carries; the next review of the checkout reads this file\n",
		safetext.OneLine(id), safetext.OneLine(reviewed[:min(12, len(reviewed))]))
}

// everyCopyPicked reports whether each line holding f's code has a
// finding among picked: naming every copy is checking each.
func everyCopyPicked(picked []report.Finding, f report.Finding) bool {
	for _, line := range f.CopyLines {
		if !slices.ContainsFunc(picked, func(p report.Finding) bool {
			return p.File == f.File && copyLine(p) == line && p.Fingerprint == f.Fingerprint
		}) {
			return false
		}
	}
	return len(f.CopyLines) > 0 && len(f.CopyLines) == f.Copies
}

// alikeTo lists the findings of all, other than those picked, that f's
// ledger entry would match as well ("ID (title)").
func alikeTo(all, picked []report.Finding, f report.Finding) []string {
	e := dismiss.NewEntry(f, "", "", time.Time{})
	var out []string
	for _, o := range all {
		if o.ID == f.ID || slices.ContainsFunc(picked, func(p report.Finding) bool { return p.ID == o.ID }) || o.Dismissal != nil {
			continue
		}
		if e.Matches(o) {
			out = append(out, fmt.Sprintf("%s (%s)", safetext.OneLine(o.ID), safetext.OneLine(o.Title)))
		}
	}
	return out
}

// copyLine is the line of f that CopyLines number: its old-side line for
// a finding on deleted code, else its line.
func copyLine(f report.Finding) int {
	if f.Deleted {
		return f.OldLine
	}
	return f.Line
}

// copiesOf names the other lines of f's file that hold its code
// (f.CopyLines), with the finding of all at each, if any: "h.go:13
// (Qx-2)".
func copiesOf(all []report.Finding, f report.Finding) string {
	var out []string
	for _, line := range f.CopyLines {
		if line == copyLine(f) {
			continue
		}
		s := fmt.Sprintf("%s:%d", safetext.Path(f.File), line)
		if f.Deleted {
			s = fmt.Sprintf("%s (deleted line %d)", safetext.Path(f.File), line)
		}
		if i := slices.IndexFunc(all, func(o report.Finding) bool {
			return o.File == f.File && copyLine(o) == line && o.Fingerprint == f.Fingerprint
		}); i >= 0 {
			s += " (" + safetext.OneLine(all[i].ID) + ")"
		}
		out = append(out, s)
	}
	if n := f.Copies - 1; n > len(out) || len(out) > 5 {
		return strings.Join(out[:min(len(out), 5)], ", ") + fmt.Sprintf(" and %d more", n-min(len(out), 5))
	}
	return strings.Join(out, ", ")
}

// places names the distinct places of a finding's members
// (report.Finding.Places), as "file:line reviewer \"title\"".
func places(f report.Finding) []string {
	var out []string
	for _, p := range f.Places() {
		loc := safetext.Path(p.File)
		switch {
		case p.OldLine > 0:
			loc = fmt.Sprintf("%s (deleted line %d)", loc, p.OldLine)
		case p.Line > 0:
			loc = fmt.Sprintf("%s:%d", loc, p.Line)
		}
		out = append(out, fmt.Sprintf("%s %s %q", loc, safetext.OneLine(p.Reviewer), safetext.Clip(safetext.OneLine(p.Title), 60)))
	}
	return out
}

// record adds an entry (made by entry) for each finding of picked to the
// ledger at path (updateLedger), with the fingerprints of its places
// (prints, by finding id) when it has several. It returns, by finding id,
// the reason an entry replaced.
func record(ctx context.Context, root, path, source string, picked []report.Finding, prints map[string][]string, entry func(report.Finding) dismiss.Entry) (map[string]string, error) {
	replaced := map[string]string{} // finding id -> the reason it replaces
	err := updateLedger(ctx, root, path, source, func(l *dismiss.Ledger) bool {
		for _, f := range picked {
			// The entry records the finding's kinds ([other] for none)
			// and severity: it covers that issue at that place up to that
			// severity, never another kind or a more severe finding there.
			// A new reason replaces the old one of the same issue only.
			// A finding a judge grouped from several of the rules' is
			// recorded as each of them, all under its id.
			for _, part := range partsOf(f) {
				e := entry(part)
				// A part of a judged finding is checked with all of it
				// (--all-places): its entry covers the same places.
				e.PlaceFingerprints = prints[f.ID]
				for _, old := range l.Add(e) {
					if old.Reason != e.Reason {
						replaced[f.ID] = old.Reason
					}
				}
			}
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return replaced, nil
}

// partsOf is f as the ledger records it: f itself, or, for a finding a
// judge grouped from several of the rules' findings, each of those under
// f's id, so the dismissal holds whether the judge or the rules group the
// next review.
func partsOf(f report.Finding) []report.Finding {
	if len(f.Parts) == 0 {
		return []report.Finding{f}
	}
	out := make([]report.Finding, 0, len(f.Parts))
	for _, p := range f.Parts {
		out = append(out, report.Finding{ID: f.ID, Fingerprint: p.Fingerprint, LegacyFingerprint: p.LegacyFingerprint, Kinds: p.Kinds, Severity: p.Severity, File: p.File, Line: p.Line, Title: p.Title})
	}
	return out
}

// updateLedger reads the ledger at path, lets change change it, and writes
// it back when change says it did, all under the ledger's lock: a dismiss
// or undismiss running at the same time neither loses this change nor has
// its own lost.
func updateLedger(ctx context.Context, root, path, source string, change func(*dismiss.Ledger) (changed bool)) error {
	if _, sparse := pipeline.SparseLedger(ctx, root); sparse && path == dismiss.SharedPath(root) {
		// Written here, the file would hold this entry alone, and
		// committed it would drop every entry the team's file has.
		return exitcode.Setupf("bring it in with 'git sparse-checkout add .quorum', then run this again (or --local for this clone only)",
			"%s is outside this sparse checkout: a ledger written here would lose the team's entries", dismiss.SharedFile)
	}
	unlock, err := dismiss.Lock(ctx, path)
	if err != nil {
		return exitcode.WithHint(err, dismiss.Hint(root, err))
	}
	defer unlock()
	l, err := dismiss.ReadFile(path, source)
	if err != nil {
		return exitcode.WithHint(err, dismiss.Hint(root, err))
	}
	if !change(l) {
		return nil
	}
	if err := dismiss.WriteFile(path, l); err != nil {
		return exitcode.New(exitcode.Setup, fmt.Errorf("write %s: %w", path, err), "check that the directory is writable")
	}
	return nil
}

func listRun(io *iostreams.IOStreams, root, gitDir string) error {
	l, err := pipeline.LoadDismissals(pipeline.Request{Set: &diff.Set{Root: root}, GitDir: gitDir})
	if err != nil {
		return err
	}
	if len(l.Entries) == 0 {
		fmt.Fprintln(io.ErrOut, "no dismissals; 'quorum dismiss ID --reason TEXT' records one")
		return nil
	}
	tw := tabwriter.NewWriter(io.Out, 0, 0, 2, ' ', 0)
	// KINDS and UP TO are what an entry covers at its place: those kinds
	// of issue ("other": none of the taxonomy), up to that severity; "any"
	// for an entry that records none (written by hand, or before quorum
	// recorded them).
	fmt.Fprintln(tw, "ID\tFINGERPRINT\tFILE\tKINDS\tUP TO\tWHO\tWHEN\tWHERE\tREASON")
	for _, e := range l.Entries {
		// An entry written by hand needs only fingerprint and reason.
		when := "-"
		if !e.When.IsZero() {
			when = e.When.UTC().Format("2006-01-02 15:04")
		}
		kinds := cmp.Or(strings.Join(e.Kinds, ","), "any")
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", safetext.OneLine(e.ID), safetext.OneLine(e.Fingerprint), safetext.Path(e.File),
			safetext.OneLine(kinds), cmp.Or(e.Severity, "any"), safetext.OneLine(e.Who), when, e.Source, safetext.OneLine(e.Reason))
	}
	return tw.Flush()
}

// UndismissOptions are the parsed arguments of `quorum undismiss`.
type UndismissOptions struct {
	IO      *iostreams.IOStreams
	WorkDir string
	Keys    []string
	// Kind takes back only the dismissals of that kind of issue; All every
	// one the keys name. One of them is needed when an id names
	// dismissals of different issues (one line, two kinds).
	Kind string
	All  bool
}

// NewCmdUndismiss builds `quorum undismiss`; runF replaces the run function in tests.
func NewCmdUndismiss(f *cmdutil.Factory, runF func(*UndismissOptions) error) *cobra.Command {
	opts := &UndismissOptions{IO: f.IOStreams, WorkDir: f.WorkDir}
	cmd := &cobra.Command{
		Use:     "undismiss ID|FINGERPRINT...",
		Short:   "Take dismissals back",
		Example: "  quorum undismiss Q1a2b3c4d5e\n  quorum undismiss Q1a2b3c4d5e --kind nil-deref",
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return exitcode.Setupf("'quorum dismiss --list' shows the dismissals", "no id or fingerprint given")
			}
			opts.Keys = args
			if runF != nil {
				return runF(opts)
			}
			return undismissRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Kind, "kind", "", "take back only the dismissals of exactly these kinds of issue (\"a,b\", as 'quorum dismiss --list' shows)")
	cmd.Flags().BoolVar(&opts.All, "all", false, "take back every dismissal the ids name, of whatever kind")
	return cmd
}

func undismissRun(ctx context.Context, opts *UndismissOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	root, gitDir, err := repo(ctx, opts.WorkDir)
	if err != nil {
		return err
	}
	sels := selectors(gitDir, currentBranch(ctx, root), opts.Keys)
	if l, err := dismiss.Load(root, gitDir); err == nil {
		for i := range sels {
			// An id the report shows for other code than every entry of
			// it (a stale entry, as --list shows it) names the entries
			// that stored it.
			if len(sels[i].prints) > 0 && !slices.ContainsFunc(l.Entries, sels[i].names) {
				sels[i].prints, sels[i].kinds = nil, nil
			}
		}
	}
	if !opts.All {
		// One line can hold two issues, dismissed one by one under one id,
		// and one id can name one line's text at two places: taking both
		// back for one would reopen the other unasked.
		l, err := dismiss.Load(root, gitDir)
		if err != nil {
			return exitcode.WithHint(err, dismiss.Hint(root, err))
		}
		if err := ambiguous(l, sels, opts.Kind); err != nil {
			return err
		}
	}
	var removed []dismiss.Entry
	ledgers := []struct{ path, source string }{{dismiss.SharedPath(root), dismiss.SourceShared}}
	for _, p := range dismiss.LocalPaths(gitDir) {
		ledgers = append(ledgers, struct{ path, source string }{p, dismiss.SourceLocal})
	}
	for _, p := range ledgers {
		gone, err := remove(ctx, root, p.path, p.source, sels, opts.Kind)
		if err != nil {
			return err
		}
		for _, e := range gone {
			where := ""
			if e.File != "" {
				where = " in " + safetext.Path(e.File)
			}
			fmt.Fprintf(opts.IO.ErrOut, "removed the dismissal of %s%s from %s\n", describeEntry(e), where, cmdutil.Relative(opts.WorkDir, p.path))
		}
		removed = append(removed, gone...)
	}
	if len(removed) == 0 {
		what := strings.Join(opts.Keys, ", ")
		hint := "'quorum dismiss --list' shows the dismissals"
		if opts.Kind != "" {
			what += " of kinds " + opts.Kind
			// Name the kinds the ids do have: --kind is the exact set.
			if l, err := dismiss.Load(root, gitDir); err == nil {
				var sets []string
				for _, e := range l.Entries {
					if k := cmp.Or(e.KindKey(), "(none)"); namedByAny(sels, e) && !slices.Contains(sets, k) {
						sets = append(sets, k)
					}
				}
				if len(sets) > 0 {
					hint = "--kind is the exact set of kinds; theirs: " + strings.Join(sets, "; ")
				}
			}
		}
		return exitcode.Setupf(hint, "no dismissal matches %s", safetext.OneLine(what))
	}
	return nil
}

// selector is one key given to undismiss: an entry's id or fingerprint,
// or, for an id a saved report shows (the newest that has it, as dismiss
// reads ids), that finding.
type selector struct {
	key string
	// prints and kinds are the finding's when the key is an id a report
	// shows: its fingerprints (with the v1 one) and its issue kinds.
	prints, kinds []string
}

// selectors reads keys. An id is a line's text and category, so an
// entry's stored id may name another place once code above it changed:
// undismiss of the id a report shows takes back that finding's dismissal
// (its fingerprint, its kinds or its id), never another place's.
func selectors(gitDir, branch string, keys []string) []selector {
	out := make([]selector, 0, len(keys))
	for _, k := range keys {
		sel := selector{key: k}
		if !dismiss.IsFingerprint(k) {
			// This branch's newest report first: another branch's may show
			// the same id for the same line in another function.
			holds := func(r *report.Report) bool { return holdsAll(r, []string{k}) }
			_, rep, ok := reportstore.NewestWhere(gitDir, 50, func(r *report.Report) bool { return ofBranch(r, branch) && holds(r) })
			if !ok {
				_, rep, ok = reportstore.NewestWhere(gitDir, 50, holds)
			}
			if ok {
				all := append(slices.Clone(rep.Findings), rep.Dismissed...)
				if f := all[indexOfID(all, k)]; f.Fingerprint != "" {
					sel.prints, sel.kinds = []string{f.Fingerprint}, f.Kinds
					if f.LegacyFingerprint != "" {
						sel.prints = append(sel.prints, f.LegacyFingerprint)
					}
				}
			}
		}
		out = append(out, sel)
	}
	return out
}

// ofBranch reports whether rep is a review of branch: a review's branch,
// or one of the refs a push's review names (`refs/heads/b1, refs/heads/b2`).
func ofBranch(rep *report.Report, branch string) bool {
	return branch != "" && slices.Contains(strings.Split(reportstore.ShortBranch(rep.Branch), ", "), branch)
}

// currentBranch is the checked-out branch's name ("" when detached).
func currentBranch(ctx context.Context, root string) string {
	out, err := exec.CommandContext(ctx, "git", "-C", root, "symbolic-ref", "-q", "--short", "HEAD").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// names reports whether the selector names entry e.
func (s selector) names(e dismiss.Entry) bool {
	if len(s.prints) == 0 {
		return e.Named([]string{s.key})
	}
	return slices.Contains(s.prints, e.Fingerprint) && (strings.EqualFold(e.ID, s.key) || dismiss.KindsAgree(e.Kinds, s.kinds))
}

// namedByAny reports whether any of sels names e.
func namedByAny(sels []selector, e dismiss.Entry) bool {
	return slices.ContainsFunc(sels, func(s selector) bool { return s.names(e) })
}

// ambiguous refuses keys that name dismissals at different places (an id
// is a hash of the file, the line's text and the category: the same line
// in two classes' methods shares it) or of different kinds of issue.
func ambiguous(l *dismiss.Ledger, sels []selector, kind string) error {
	for _, sel := range sels {
		if kind != "" {
			break // --kind picks one set of kinds
		}
		k := sel.key
		var kinds, shown []string
		for _, e := range l.Entries {
			if !sel.names(e) {
				continue
			}
			if kind := e.KindKey(); !slices.Contains(kinds, kind) {
				kinds = append(kinds, kind)
				shown = append(shown, describeEntry(e))
			}
		}
		if len(kinds) > 1 {
			// A selector that picks one set of kinds; an entry with none
			// (written by hand) is taken back with --all only.
			which := "--all for every one"
			if i := slices.IndexFunc(kinds, func(s string) bool { return s != "" }); i >= 0 {
				which = fmt.Sprintf("'quorum undismiss %s --kind %s', or --all for every one", safetext.OneLine(k), kinds[i])
			}
			return exitcode.Setupf("say which: "+which,
				"%s names %d dismissals of different issues: %s", safetext.OneLine(k), len(kinds), strings.Join(shown, "; "))
		}
	}
	for _, sel := range sels {
		k := sel.key
		var places, where, prints, ids []string
		for _, e := range l.Entries {
			if !sel.names(e) || kind != "" && e.KindKey() != dismiss.KindKey(strings.Split(kind, ",")) {
				continue
			}
			if p := e.Fingerprint + "\x00" + e.File; !slices.Contains(places, p) {
				places = append(places, p)
				where = append(where, e.Fingerprint+" "+describeEntry(e)+" in "+cmp.Or(safetext.Path(e.File), "any file"))
				prints, ids = cmdutil.AppendNew(prints, e.Fingerprint), cmdutil.AppendNew(ids, e.ID)
			}
		}
		if len(places) > 1 {
			// Name each place by what tells them apart: the fingerprint
			// (two places of one file), else the id (one code line in two
			// files: the id hashes the path).
			which := "'quorum undismiss FINGERPRINT' with one of the fingerprints above ('quorum dismiss --list' shows each)"
			if len(prints) < len(places) && len(ids) == len(places) {
				which = "'quorum undismiss ID' with one of the ids above ('quorum dismiss --list' shows each)"
			} else if len(prints) < len(places) {
				which = "edit " + dismiss.SharedFile + " ('quorum dismiss --list' shows each entry)"
			}
			return exitcode.Setupf("say which: "+which+", or --all for every one",
				"%s names dismissals at %d places: %s", safetext.OneLine(k), len(places), strings.Join(where, "; "))
		}
	}
	return nil
}

// describeEntry names a dismissal: its id, its kinds and its title.
func describeEntry(e dismiss.Entry) string {
	out := cmp.Or(e.ID, e.Fingerprint)
	if len(e.Kinds) > 0 {
		out += " (" + strings.Join(e.Kinds, ", ") + ")"
	}
	if e.Title != "" {
		out += " " + strconv.Quote(safetext.OneLine(e.Title))
	}
	return out
}

// remove drops the entries sels name (of kind, when set) from the ledger at
// path (updateLedger), and returns them.
func remove(ctx context.Context, root, path, source string, sels []selector, kind string) ([]dismiss.Entry, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		// Nothing to remove, and no lock file (nor .quorum directory) to
		// make in the work tree for it.
		return nil, nil
	}
	var gone []dismiss.Entry
	err := updateLedger(ctx, root, path, source, func(l *dismiss.Ledger) bool {
		gone = l.RemoveWhere(func(e dismiss.Entry) bool {
			return namedByAny(sels, e) && (kind == "" || e.KindKey() == dismiss.KindKey(strings.Split(kind, ",")))
		})
		return len(gone) > 0
	})
	return gone, err
}

// holdsAll reports whether rep has a finding (kept or dismissed) for each id.
func holdsAll(rep *report.Report, ids []string) bool {
	all := append(slices.Clone(rep.Findings), rep.Dismissed...)
	for _, id := range ids {
		if indexOfID(all, id) < 0 {
			return false
		}
	}
	return true
}

// indexOfID is the index of the finding whose id is id (any case), or -1.
func indexOfID(fs []report.Finding, id string) int {
	return slices.IndexFunc(fs, func(f report.Finding) bool { return strings.EqualFold(f.ID, id) })
}
