// Package diffcmd implements `quorum diff`: show what would be reviewed.
package diffcmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/safetext"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
)

// DiffOptions are the parsed flags of `quorum diff`.
type DiffOptions struct {
	IO      *iostreams.IOStreams
	Context context.Context

	Load   diff.Options
	Format string
	// Getenv reads the environment (a GOMAXPROCS set there is honoured).
	Getenv func(string) string
}

// NewCmdDiff builds `quorum diff`. runF replaces the run function in tests
// of flag parsing; nil means the real one.
func NewCmdDiff(f *cmdutil.Factory, runF func(*DiffOptions) error) *cobra.Command {
	opts := &DiffOptions{IO: f.IOStreams, Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "diff",
		Short: "Show the changes quorum would review",
		Long: `Show the changes quorum would review: the range, its commits, the changed
files with +/- counts, and the files left out with the reason.

By default the range is merge-base(base, HEAD)..HEAD, where base is the
branch's upstream, else origin/<branch>, else origin/HEAD, origin/main or
origin/master, else main, else master.`,
		Example: `  quorum diff
  quorum diff --base origin/main
  quorum diff --staged
  quorum diff --commits HEAD~3..HEAD --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Context = cmd.Context()
			opts.Load.Dir = f.WorkDir
			opts.Load.Git = f.Git
			switch opts.Format {
			case "text", "json":
			default:
				return exitcode.Setupf("use --format text or --format json", "unknown format %q", opts.Format)
			}
			if err := cmdutil.EmptySelection(cmd); err != nil {
				return err
			}
			if err := opts.Load.Validate(); err != nil {
				return cmdutil.SelectionHint(cmd, err)
			}
			run := diffRun
			if runF != nil {
				run = runF
			}
			return cmdutil.SelectionHint(cmd, run(opts))
		},
	}
	cmdutil.AddSelectionFlags(cmd, &opts.Load)
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text or json")
	return cmd
}

func diffRun(opts *DiffOptions) error {
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	defer singleP(opts.Getenv)()
	// The same files and base as quorum review: the config's ignore: and
	// base:, and its errors too.
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	dir := opts.Load.Dir
	if dir == "" {
		dir = "."
	}
	if _, err := diff.GitDir(dir); err == nil {
		cfg, err := config.Load(dir, getenv)
		if err != nil {
			return err
		}
		opts.Load.Ignore = append(opts.Load.Ignore, cfg.Ignore...)
		if !opts.Load.Staged && !opts.Load.Worktree && opts.Load.Commits == "" && opts.Load.Base == "" {
			opts.Load.Base = cfg.Base
		}
	}
	if opts.Format == "json" {
		// Streamed: a large diff is written file by file as git prints it,
		// so little stays live.
		js := diff.NewJSONStream(opts.IO.Out)
		set, err := diff.Stream(ctx, opts.Load, js.Begin, js.File)
		if err != nil {
			return err
		}
		cmdutil.RangeWarnings(opts.IO.ErrOut, set.Warnings)
		return js.End(set)
	}
	set, err := diff.Load(ctx, opts.Load)
	if err != nil {
		return err
	}
	// What 'quorum review' reads: a branch that merged the default branch
	// since its push, as the push would review it (the JSON stream is the
	// range as resolved, merge_base and all).
	set, note, err := cmdutil.AsPushed(ctx, opts.Load, set)
	if err != nil {
		return err
	}
	if note != "" {
		fmt.Fprintf(opts.IO.ErrOut, "quorum: note: %s\n", safetext.OneLine(note))
	}
	cmdutil.RangeWarnings(opts.IO.ErrOut, set.Warnings)
	return WriteText(opts.IO.Out, set)
}

// singleP runs quorum on one P while a diff is read. git is the
// bottleneck there: one P parses and encodes about three times faster than
// git prints, and with a P per core, idle Ps spinning for work and the
// parallel collector took CPU from git diff and cat-file. Measured on a
// 2-core machine: 1.44x git's wall clock with two Ps, 1.33x with one.
// GOGC=200, tried before the parser stopped allocating per line, no longer
// helps (BENCHMARKS.md). A user's own GOMAXPROCS wins. The returned func
// restores the default.
func singleP(getenv func(string) string) func() {
	if getenv == nil {
		getenv = os.Getenv
	}
	if getenv("GOMAXPROCS") != "" {
		return func() {}
	}
	runtime.GOMAXPROCS(1)
	// Back to the runtime's default rather than to a number: setting one
	// would stop the runtime following the container's CPU limit.
	return runtime.SetDefaultGOMAXPROCS
}

// WriteText prints set for people: the range, the commits, the files with
// status and +/- counts, and the skipped files with reasons.
func WriteText(w io.Writer, set *diff.Set) error {
	var b strings.Builder
	switch set.Mode {
	case diff.ModeRange:
		fmt.Fprintf(&b, "range       merge-base(%s, %s)..%s\n", sanitize(set.Base.Ref), sanitize(set.Head.Ref), sanitize(set.Head.Ref))
		fmt.Fprintf(&b, "base        %s %s\n", sanitize(set.Base.Ref), cmdutil.ShortOID(set.Base.Commit))
		fmt.Fprintf(&b, "merge-base  %s\n", cmdutil.ShortOID(set.MergeBase))
		fmt.Fprintf(&b, "head        %s %s\n", sanitize(set.Head.Ref), cmdutil.ShortOID(set.Head.Commit))
	case diff.ModeCommits:
		fmt.Fprintf(&b, "range       %s..%s\n", sanitize(set.Base.Ref), sanitize(set.Head.Ref))
		fmt.Fprintf(&b, "base        %s %s\n", sanitize(set.Base.Ref), cmdutil.ShortOID(set.Base.Commit))
		fmt.Fprintf(&b, "head        %s %s\n", sanitize(set.Head.Ref), cmdutil.ShortOID(set.Head.Commit))
	case diff.ModeStaged, diff.ModeWorktree:
		what, side := "staged changes", "index"
		if set.Mode == diff.ModeWorktree {
			what, side = "uncommitted changes", "work tree"
		}
		against := "HEAD " + cmdutil.ShortOID(set.Base.Commit)
		if set.Base.Commit == "" {
			against = "the empty tree: no commit yet"
		}
		fmt.Fprintf(&b, "range       %s (%s vs %s)\n", what, side, against)
	}
	if len(set.Commits) > 0 {
		fmt.Fprintf(&b, "\ncommits (%d, oldest first)\n", len(set.Commits))
		for _, c := range set.Commits {
			merge := ""
			if c.IsMerge() {
				merge = " (merge)"
			}
			sha := c.SHA
			if len(sha) > 7 {
				sha = sha[:7] // git log --oneline's length, as the commit list reads
			}
			fmt.Fprintf(&b, "  %s %s%s\n", sha, sanitize(c.Subject), merge)
		}
	}
	reviewed := set.Reviewable()
	if len(reviewed) == 0 && len(set.Skipped) == 0 {
		b.WriteString("\nnothing to review\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	var add, del int
	for _, f := range reviewed {
		add += f.Added
		del += f.Deleted
	}
	fmt.Fprintf(&b, "\nfiles (%d to review, +%d -%d)\n", len(reviewed), add, del)
	width := 0
	for _, f := range reviewed {
		if n := len(fmt.Sprintf("+%d -%d", f.Added, f.Deleted)); n > width {
			width = n
		}
	}
	for _, f := range reviewed {
		counts := fmt.Sprintf("+%d -%d", f.Added, f.Deleted)
		fmt.Fprintf(&b, "  %s  %-*s  %s\n", statusLetter(f.Status), width, counts, fileLabel(f))
	}
	if len(reviewed) == 0 {
		b.WriteString("  (none)\n")
	}
	if len(set.Skipped) > 0 {
		fmt.Fprintf(&b, "\nskipped (%d)\n", len(set.Skipped))
		pw := 0
		for _, s := range set.Skipped {
			if n := len(safetext.Path(s.Path)); n > pw {
				pw = n
			}
		}
		untracked := false
		for _, s := range set.Skipped {
			fmt.Fprintf(&b, "  %-*s  %s\n", pw, safetext.Path(s.Path), s.Reason)
			untracked = untracked || s.Reason == diff.SkipUntracked
		}
		if untracked {
			b.WriteString("  (git diff leaves untracked files out: 'git add -N PATH' makes --worktree review them)\n")
		}
	}
	if len(reviewed) == 0 {
		b.WriteString("\n" + nothingToReview(set) + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// nothingToReview is the last line of a diff with no file to send to a
// reviewer. Changed files over the size limit are changed code no model
// would read, so that is "nothing reviewable", as quorum review (exit 2)
// says, not "nothing to review".
func nothingToReview(set *diff.Set) string {
	n := len(set.TooLarge())
	if n == 0 {
		for _, s := range set.Skipped {
			if s.Reason != diff.SkipUntracked {
				return "nothing to review: every changed file is skipped (above)"
			}
		}
		return "nothing to review"
	}
	return fmt.Sprintf("nothing reviewable: %d changed file%s over the size limit (quorum review would review nothing and exit 2)", n, cmdutil.Plural(n))
}

func statusLetter(s diff.Status) string {
	switch s {
	case diff.StatusAdded:
		return "A"
	case diff.StatusDeleted:
		return "D"
	case diff.StatusRenamed:
		return "R"
	case diff.StatusCopied:
		return "C"
	case diff.StatusTypeChanged:
		return "T"
	}
	return "M"
}

func fileLabel(f diff.File) string {
	label := safetext.Path(f.Path)
	if f.Status == diff.StatusRenamed || f.Status == diff.StatusCopied {
		label = safetext.Path(f.OldPath) + " -> " + label
		if f.Similarity > 0 {
			label += fmt.Sprintf(" (%d%%)", f.Similarity)
		}
	}
	if f.OldMode != "" && f.NewMode != "" && f.OldMode != f.NewMode {
		label += fmt.Sprintf(" [mode %s -> %s]", f.OldMode, f.NewMode)
	}
	return label
}

// sanitize keeps terminal control characters and bidi overrides in names,
// refs and subjects from reaching the terminal: each becomes '?', so a
// name keeps its length and shows where something was (safetext's rule of
// what is unsafe, invalid UTF-8 included).
func sanitize(s string) string {
	s = strings.ToValidUTF8(s, "?")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || safetext.Sanitize(string(r)) == "" {
			return '?'
		}
		return r
	}, s)
}
