// This file resolves what a review reads: the base and head of a range,
// a commit list, the index or the work tree.

package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// span is a resolved range: the Set with its range and commits filled, and
// the two sides of the diff.
type span struct {
	set      *Set
	src      *source
	from, to plumbing.Hash // to is zero for the staged and worktree modes
}

// resolveRange opens the repository and resolves opts into the range to
// diff: the two commits (or HEAD and the index or work tree), the
// merge-base and the commits between.
func resolveRange(opts Options) (*span, error) {
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	rp, err := openRepo(dir)
	if err != nil {
		return nil, err
	}
	g := newGitCLI(opts.Git, rp.root, rp.gitDir)
	head, err := rp.headRef()
	// Before the first commit, the index and the work tree can still be
	// reviewed: against the empty tree, as `git diff --cached` does.
	head.unborn = err != nil && (opts.Staged || opts.Worktree) && rp.unborn()
	if err != nil && !head.unborn {
		return nil, err
	}
	if head.branch == "" {
		head.rebasing = rp.rebasing()
	}
	set := &Set{Root: rp.root, Branch: head.label(), Commits: []Commit{}, Files: []File{}, Skipped: []Skipped{}}
	if head.rebasing != "" {
		set.Branch += " (rebasing " + head.rebasing + ")"
	}
	var from, to plumbing.Hash
	switch {
	case opts.Commits != "":
		from, to, err = resolveCommits(rp, g, set, opts.Commits, opts.Reversed)
	case opts.Staged || opts.Worktree:
		from, err = resolveUncommitted(g, set, head, opts.Worktree)
	default:
		from, to, err = resolveBranch(rp, g, set, head, opts.Base, opts.Head)
	}
	if err != nil {
		return nil, err
	}
	set.Warnings = rp.warnings
	src := &source{rp: rp, git: g, head: to, mode: set.Mode}
	set.src = src
	return &span{set: set, src: src, from: from, to: to}, nil
}

// resolveCommits resolves --commits A..B: exactly A..B, no merge-base.
func resolveCommits(rp *repo, g *gitCLI, set *Set, commits string, reversed bool) (from, to plumbing.Hash, err error) {
	a, b, _ := splitCommits(commits)
	if from, err = rp.resolve(g, a); err != nil {
		return from, to, badRev(a, err)
	}
	if to, err = rp.resolve(g, b); err != nil {
		return from, to, badRev(b, err)
	}
	set.Mode = ModeCommits
	set.Base = Ref{Ref: a, Commit: from.String()}
	set.Head = Ref{Ref: b, Commit: to.String()}
	if set.Commits, err = rp.commitsBetween(from, to); err != nil {
		return from, to, err
	}
	if from == to || reversed || from.String() == EmptyTree {
		return from, to, nil
	}
	mb, err := rp.mergeBase(g, from, to, a, b)
	switch {
	case err != nil: // unrelated histories: neither check applies
	case len(set.Commits) == 0 && mb == to:
		// B..A typed as A..B: reviewing it would review the branch's
		// change undone, "in 0 commits".
		e := errorf(Reversed, "--commits %s: %s is an ancestor of %s, so the range has no commits", commits, b, a)
		e.Rev, e.Head = a, b
		return from, to, e
	case mb != from:
		// A..B is the two trees, no merge-base: when A is not an ancestor
		// of B, the diff also shows, undone, what A has and B lacks, which
		// no listed commit did. Said, so no finding about such a "change"
		// passes as B's.
		rp.warnings = append(rp.warnings, fmt.Sprintf("--commits %s: %s is not an ancestor of %s, so the diff also shows, undone, what %s has that %s lacks (no listed commit made those changes); --base %s --head %s reviews only %s's own commits",
			commits, a, b, a, b, a, b, b))
	}
	return from, to, nil
}

// resolveUncommitted resolves --staged (the index) or --worktree against
// HEAD. Before the first commit they compare with the empty tree, as `git
// diff --cached` does.
func resolveUncommitted(g *gitCLI, set *Set, head headInfo, worktree bool) (plumbing.Hash, error) {
	headHash := head.hash
	set.Mode, set.Head.Ref = ModeStaged, RefIndex
	if worktree {
		set.Mode, set.Head.Ref = ModeWorktree, RefWorktree
	}
	set.Base = Ref{Ref: "HEAD", Commit: headHash.String()}
	set.MergeBase = headHash.String()
	from := headHash
	if head.unborn {
		set.Base.Commit, set.MergeBase = "", ""
		from = plumbing.NewHash(EmptyTree)
	}
	if g == nil {
		e := errorf(NeedsGit, "--%s needs the git binary, which is not on PATH", set.Mode)
		e.Mode = set.Mode
		return plumbing.ZeroHash, e
	}
	// A merge, cherry-pick or rebase stopped on conflicts leaves unmerged
	// entries, which git's patch reports as lines no parser reads.
	if out, err := g.output("ls-files", "--unmerged", "-z"); err == nil && len(out) > 0 {
		var paths []string
		for rec := range strings.SplitSeq(strings.TrimRight(string(out), "\x00"), "\x00") {
			if _, p, ok := strings.Cut(rec, "\t"); ok && !slices.Contains(paths, p) {
				paths = append(paths, p)
			}
		}
		shown := strings.Join(paths[:min(len(paths), 3)], ", ")
		if len(paths) > 3 {
			shown += fmt.Sprintf(" and %d more", len(paths)-3)
		}
		e := errorf(Unmerged, "the index has unmerged paths (%s): the conflicts are not resolved", shown)
		e.Mode = set.Mode
		return plumbing.ZeroHash, e
	}
	return from, nil
}

// resolveBranch resolves the default mode: merge-base(base, head)..head,
// base defaulting to the head branch's upstream, origin/HEAD, main or
// master.
func resolveBranch(rp *repo, g *gitCLI, set *Set, head headInfo, baseName, headName string) (from, to plumbing.Hash, err error) {
	branch, hh := head.branch, head.hash
	set.Mode = ModeRange
	given := headName != "" && headName != "HEAD"
	if headName == "" {
		headName = "HEAD"
	} else if hh, err = rp.resolve(g, headName); err != nil {
		return from, to, badRev(headName, err)
	}
	set.Head = Ref{Ref: headName, Commit: hh.String()}
	var bh plumbing.Hash
	if baseName != "" {
		if bh, err = rp.resolve(g, baseName); err != nil {
			return from, to, badRev(baseName, err)
		}
	} else {
		if given {
			// The default base follows the head's branch, if it is one.
			branch = shortName(headName)
			if _, err := rp.r.Reference(plumbing.NewBranchReferenceName(branch), false); err != nil {
				branch = ""
			}
		}
		// A detached HEAD mid-rebase is the branch being rebased, with its
		// upstream; any other (a CI checkout, `git checkout <sha>`) is a
		// branch without an upstream: origin/HEAD, main or master.
		if branch == "" && !given {
			branch = head.rebasing
		}
		var ok bool
		if baseName, bh, ok = rp.defaultBase(branch); !ok {
			if branch == "" && !given {
				return from, to, errorf(DetachedNoBase, "HEAD is detached at %s and no base branch was found (no origin/HEAD, main or master)", shortHash(hh))
			}
			return from, to, errorf(NoBase, "no base branch found (no upstream, origin/HEAD, main or master)")
		}
	}
	set.Base = Ref{Ref: baseName, Commit: bh.String()}
	mb, err := rp.mergeBase(g, bh, hh, baseName, headName)
	if err != nil {
		return from, to, err
	}
	set.MergeBase = mb.String()
	if set.Commits, err = rp.commitsBetween(mb, hh); err != nil {
		return from, to, err
	}
	return mb, hh, nil
}
