package cmdutil

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/exitcode"
)

// CommandPath is how the user ran cmd, "quorum review" or "quorum report
// show": cmd's path from the root, named quorum even when cmd runs on its
// own (as in tests).
func CommandPath(cmd *cobra.Command) string {
	p := cmd.CommandPath()
	if p != "quorum" && !strings.HasPrefix(p, "quorum ") {
		p = "quorum " + p
	}
	return p
}

// HelpHint is the hint line that sends the user to cmd's own help.
func HelpHint(cmd *cobra.Command) string {
	return fmt.Sprintf("run '%s --help' for the flags", CommandPath(cmd))
}

// SelectionHint gives a diff usage error (conflicting or malformed
// selection flags such as --staged with --worktree) a hint naming the help
// of the command that was run; errmap's own hint for one names quorum diff,
// which is wrong for quorum review. Other errors are returned as they are.
func SelectionHint(cmd *cobra.Command, err error) error {
	var de *diff.Error
	if err == nil || !errors.As(err, &de) || de.Kind != diff.Usage {
		return err
	}
	var xe *exitcode.Error
	if errors.As(err, &xe) && xe.Hint != "" {
		return err
	}
	return exitcode.WithHint(err, HelpHint(cmd))
}

// UnknownCommand is the error for a word that names none of group's
// commands, with the nearest one when a typo is likely.
func UnknownCommand(group *cobra.Command, word string) error {
	path := CommandPath(group)
	hint := fmt.Sprintf("'%s --help' lists its commands", path)
	if group.SuggestionsMinimumDistance <= 0 {
		group.SuggestionsMinimumDistance = 2 // cobra's own default, which it sets only on its path
	}
	if s := group.SuggestionsFor(word); len(s) > 0 {
		hint = fmt.Sprintf("did you mean '%s %s'? %s", path, s[0], hint)
	}
	return exitcode.New(exitcode.Setup, fmt.Errorf("unknown command %q for %q", word, path), hint)
}
