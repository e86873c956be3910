// This file reads a branch's default range as a push of it would: what
// the pre-push hook reviews, not main's changes merged in.

package cmdutil

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/hook"
)

// AsPushed re-reads set, the default range of a branch (no --base,
// --head, --commits, --staged or --worktree), as a push of the branch
// would review it, when that leaves out only commits the remote's default
// branch has: after the branch merged or was rebased onto main since its
// push, the merge-base with its upstream (or the push remote's branch)
// leaves main's commits in the range, which the hook leaves out (their
// code is the team's), reviewing the branch's own on top of git's merge
// of the sides, or of main (helper 248). It returns the set to review and
// a note saying so ("" when set stands); a push it cannot plan (no
// remote, a detached HEAD), or one that would leave out commits of the
// branch's own, leaves set as it is.
func AsPushed(ctx context.Context, opts diff.Options, set *diff.Set) (*diff.Set, string, error) {
	if opts.Base != "" || opts.Head != "" || opts.Commits != "" || opts.Staged || opts.Worktree || set == nil || set.Mode != diff.ModeRange || set.Root == "" {
		return set, "", nil
	}
	g := (*gitexec.Git)(nil).In(set.Root)
	plan, br, err := hook.PlanBranch(ctx, set.Root)
	if err != nil || br.Head != set.Head.Commit || len(plan.Ranges) != 1 {
		return set, "", nil
	}
	r := plan.Ranges[0]
	if r.Base == set.MergeBase || r.Head != set.Head.Commit {
		return set, "", nil
	}
	var had, dropped []string
	for _, c := range set.Commits {
		had = append(had, c.SHA)
		if !slices.Contains(r.New, c.SHA) {
			dropped = append(dropped, c.SHA)
		}
	}
	for _, c := range r.New {
		if !slices.Contains(had, c) {
			return set, "", nil // the push reviews more: the range stands (the hook reads it when it runs)
		}
	}
	// Only main's commits are left out: the branch's own, already pushed
	// (a branch whose upstream is origin/main, pushed as origin/feat), are
	// the range's as the user asked for it (helper 251).
	mains := plan.Mainlines()
	if len(mains) == 0 || len(dropped) == 0 {
		return set, "", nil
	}
	if out, err := g.Output(ctx, slices.Concat([]string{"rev-list", "--max-count=1"}, dropped, []string{"--not"}, mains)...); err != nil || strings.TrimSpace(string(out)) != "" {
		return set, "", nil
	}
	opts.Commits = r.String()
	pushed, err := diff.Load(ctx, opts)
	if err != nil {
		return nil, "", err
	}
	pushed.Head.Ref, pushed.Branch = set.Head.Ref, set.Branch
	// A merged base is no ancestor of the head by design: the warning
	// --commits gives such a range is not this one's.
	pushed.Warnings = set.Warnings
	base := hook.SideNames(ctx, set.Root, []string{r.Base})[0]
	if len(r.Sides) > 0 {
		base = "git's merge of " + strings.Join(hook.SideNames(ctx, set.Root, r.Sides), " and ")
	}
	pushed.Base.Ref = base
	note := fmt.Sprintf("reviewing what a push of %s would: %d commit%s on top of %s, not the %d since its merge-base with %s, which hold the default branch's changes merged in (--base %s reviews them all)",
		set.Branch, len(r.New), Plural(len(r.New)), base, len(set.Commits), set.Base.Ref, set.Base.Ref)
	return pushed, note, nil
}
