package hook

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/internal/gitexec"
)

// baseFor is the diff base of a push's new commits, given as `rev-list
// --parents` lines ("commit parent…"): the history those commits leave
// from. When they leave from one commit (a branch built on what the remote
// has), that commit. When they merge in history the remote has from more
// than one side (main merged into a pushed branch, a pushed branch merged
// into main), no one of those sides is right: a diff from the branch's old
// tip holds main's changes, blamed on the branch, and a diff from main's
// tip holds the branch's reviewed ones. The base is then a commit whose
// tree is git's own merge of those sides (merge-tree), so the diff holds
// what the push adds to all of them: a conflict's resolution, an "evil"
// merge's edits, and the new commits' own changes, never what it merges in.
// sides are those commits, when there are several. ok is false when their
// merge cannot be made (a git older than 2.38): the caller falls back to
// the first-parent rule.
func baseFor(ctx context.Context, g git, revs []string, empty string) (base string, sides []string, ok bool, err error) {
	edge := edgeOf(revs)
	if len(edge) == 0 {
		return empty, nil, true, nil // roots only: the whole history is new
	}
	if len(edge) > 1 {
		out, err := g.output(ctx, append([]string{"merge-base", "--independent"}, edge...)...)
		if err != nil {
			return "", nil, false, err
		}
		tips := lines(out)
		edge = slices.DeleteFunc(edge, func(c string) bool { return !slices.Contains(tips, c) })
	}
	if len(edge) == 1 {
		return edge[0], nil, true, nil
	}
	if base, ok, err = mergeSides(ctx, g, edge); !ok || err != nil {
		return "", nil, ok, err
	}
	return base, edge, true, nil
}

// edgeOf is where new commits (`rev-list --parents` lines, the pushed
// commit first) leave for history the remote has: the parents outside
// them, in the order a walk from the pushed commit meets them, first
// parents first. So the side the branch grew on comes first, as "ours" in
// the merge the pusher made, and a conflict's markers in the merged base
// are in the order git showed them: the order depends on the history, not
// on how commit names sort.
func edgeOf(revs []string) []string {
	parents := map[string][]string{}
	var head string
	for i, l := range revs {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		if i == 0 {
			head = f[0]
		}
		parents[f[0]] = f[1:]
	}
	var edge []string
	seen := map[string]bool{}
	stack := []string{head}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[c] {
			continue
		}
		seen[c] = true
		ps, isNew := parents[c]
		if !isNew {
			edge = append(edge, c)
			continue
		}
		for i := len(ps) - 1; i >= 0; i-- {
			stack = append(stack, ps[i])
		}
	}
	// rev-list lists only commits the walk from the pushed one reaches,
	// so the walk meets every edge.
	return edge
}

// mergeSides is the commit mergedBase writes for sides, in edgeOf's
// order: the first merged with the second, that with the third, and so on.
func mergeSides(ctx context.Context, g git, sides []string) (base string, ok bool, err error) {
	base = sides[0]
	for _, side := range sides[1:] {
		if base, ok, err = mergedBase(ctx, g, base, side); !ok || err != nil {
			return "", ok, err
		}
	}
	return base, true, nil
}

// restoreBases writes again the merged base of each saved range that has
// sides (a blocked push's, read back from the verdicts) and whose base is
// gone: no ref names it, so git gc prunes it in time. The same sides give
// the same commit, so the range is as it was saved.
func restoreBases(ctx context.Context, g git, rs []Range) error {
	for _, r := range rs {
		if len(r.Sides) < 2 {
			continue
		}
		if _, err := g.output(ctx, "cat-file", "-e", r.Base+"^{commit}"); err == nil {
			continue
		} else if !exitedWith(err, 128) && !exitedNonZero(err) {
			return err
		}
		base, ok, err := mergeSides(ctx, g, r.Sides)
		if err != nil {
			return err
		}
		if !ok || base != r.Base {
			return fmt.Errorf("the merged base %s of an earlier blocked push is gone, and git cannot write it again", r.Base)
		}
	}
	return nil
}

// untracked reports whether known remotes there are and none has a
// remote-tracking ref.
func untracked(ctx context.Context, g git, known []string) (bool, error) {
	if len(known) == 0 {
		return false, nil
	}
	args := []string{"for-each-ref", "--count=1", "--format=%(refname)"}
	for _, name := range known {
		args = append(args, "refs/remotes/"+name+"/")
	}
	out, err := g.output(ctx, args...)
	return out == "", err
}

// mergedBaseMessage names the commit mergedBase writes, for whoever finds
// it as a report's base (git show).
const mergedBaseMessage = "quorum: diff base of a push that merges in history the remote has\n\n" +
	"Its tree is git merge-tree's merge of its parents, which the remote\n" +
	"already has; the review reads what the push changes on top of it.\n"

// mergedBase writes a commit with parents a and b whose tree is their
// merge (conflicted files keep git's markers, so a resolution reads as
// the change it is). Its author, committer and dates are fixed, so the
// same two sides always give the same commit, and a push's reviews and
// cache keys stay the same. No ref names it: git gc prunes it in time.
func mergedBase(ctx context.Context, g git, a, b string) (string, bool, error) {
	run := &gitexec.Git{Dir: g.dir}
	// The user's merge settings are not the review's: diff3 markers would
	// hold the merge base's lines, so a resolution back to them would read
	// as unchanged; one setting for all makes one base for all.
	run.Config = []string{"merge.conflictStyle=merge", "merge.renames=true", "merge.directoryRenames=conflict"}
	out, err := run.Output(ctx, "merge-tree", "--write-tree", "--no-messages", "--allow-unrelated-histories", a, b)
	// Exit 1 is a merge with conflicts: its tree is still the first line.
	if err != nil && !exitedNonZero(err) {
		if exitedWith(err, 129) {
			return "", false, nil // no --write-tree: git older than 2.38
		}
		return "", false, err
	}
	tree, _, _ := strings.Cut(string(out), "\n")
	if tree == "" {
		return "", false, nil
	}
	run.Env = append(os.Environ(),
		"GIT_AUTHOR_NAME=quorum", "GIT_AUTHOR_EMAIL=quorum@localhost", "GIT_AUTHOR_DATE=@0 +0000",
		"GIT_COMMITTER_NAME=quorum", "GIT_COMMITTER_EMAIL=quorum@localhost", "GIT_COMMITTER_DATE=@0 +0000")
	c, err := run.Output(ctx, "commit-tree", tree, "-p", a, "-p", b, "-m", mergedBaseMessage)
	if err != nil {
		return "", false, err
	}
	return strings.TrimSpace(string(c)), true, nil
}

// SideNames names the sides of a merged base for the pusher: by the
// remote-tracking ref that has each (`origin/main`, `origin/feat~1`), else
// by its short commit name.
func SideNames(ctx context.Context, dir string, sides []string) []string {
	names := make([]string, len(sides))
	for i, s := range sides {
		names[i] = s[:min(12, len(s))]
	}
	// Not by a remote's HEAD: origin/main, not origin/HEAD.
	out, err := git{dir: dir}.output(ctx, append([]string{"name-rev", "--name-only", "--refs=refs/remotes/*", "--exclude=refs/remotes/*/HEAD"}, sides...)...)
	if got := lines(out); err == nil && len(got) == len(sides) {
		for i, n := range got {
			if n != "" && n != "undefined" {
				names[i] = strings.TrimPrefix(n, "remotes/")
			}
		}
	}
	return names
}

// RestoreBases writes again each pruned merged base of rs (restoreBases),
// so a saved range's 'quorum review --commits BASE..HEAD' can run.
func RestoreBases(ctx context.Context, dir string, rs []Range) error {
	return restoreBases(ctx, git{dir: dir}, rs)
}
