package cmdutil

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/internal/exitcode"

	"github.com/quorum-review/quorum/diff"
)

// AddSelectionFlags adds the flags that choose what to diff (--base,
// --head, --staged, --worktree, --commits, --ignore) to cmd, so quorum diff
// and quorum review select changes the same way.
func AddSelectionFlags(cmd *cobra.Command, o *diff.Options) {
	fl := cmd.Flags()
	fl.StringVar(&o.Base, "base", "", "compare with `REF` (default: upstream, origin/<branch>, origin/HEAD, origin/main, main, master)")
	fl.StringVar(&o.Head, "head", "", "review up to `REF` (default HEAD)")
	fl.BoolVar(&o.Staged, "staged", false, "review the index against HEAD")
	fl.BoolVar(&o.Worktree, "worktree", false, "review uncommitted changes (work tree and index) against HEAD")
	fl.StringVar(&o.Commits, "commits", "", "review exactly the range `A..B` (no merge-base)")
	fl.StringArrayVar(&o.Ignore, "ignore", nil, "skip files matching `GLOB` (repeatable, doublestar syntax)")
}

// EmptySelection refuses --base, --head or --commits given an empty value
// (`--head "$SHA"` with SHA unset): read as the default, it would review
// another range than the one the script meant.
func EmptySelection(cmd *cobra.Command) error {
	for _, name := range []string{"base", "head", "commits"} {
		if f := cmd.Flags().Lookup(name); f != nil && f.Changed && f.Value.String() == "" {
			what := "a revision"
			if name == "commits" {
				what = "a range A..B"
			}
			return exitcode.Setupf(fmt.Sprintf("give --%s %s, or leave the flag out for its default", name, what),
				"--%s is empty", name)
		}
	}
	return nil
}
