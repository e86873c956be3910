// This file says what the hook tells the pusher about a push it reviews
// only in part or not at all: refs that are no commits, a URL no remote
// has, commits not checked out, and the commands that review them.

package hookcmd

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/safetext"
)

// gapsOf joins what a review did not cover: the part of the push it did
// not read, the panel models it lacked.
func gapsOf(partial, fewer string) string {
	var gaps []string
	for _, g := range []string{partial, fewer} {
		if g != "" {
			gaps = append(gaps, safetext.OneLine(g))
		}
	}
	return strings.Join(gaps, "; ")
}

// reviewCommands are the quoted 'quorum review --commits' commands that
// review the plan's ranges, joined by "and".
func reviewCommands(plan *hook.Plan, minAgreement int) string {
	agree := cmdutil.MinAgreementFlag(minAgreement) // judged as the hook judges: what clears the push in 'quorum status'
	cmds := make([]string, len(plan.Ranges))
	for i, r := range plan.Ranges {
		cmds[i] = "'quorum review --commits " + cmdutil.CommandSpan(r.Base, r.Head, plan.EmptyTree) + agree + "'"
	}
	return strings.Join(cmds, " and ")
}

// errInterrupted refuses the push when the review was interrupted (exit 2):
// git aborts the push, and the hint says how to get it through.
func errInterrupted(cached bool) error {
	again := "push again to have it reviewed (finished answers are cached); "
	if !cached {
		again = "push again to have it reviewed (the cache is off, so it starts over); "
	}
	return exitcode.Setupf(again+skipHint, "push blocked: the review was interrupted")
}

// skipNotes says, for each skipped update that sends content the hook does
// not review (a ref of a tree or a blob, git notes), what it is: such a
// push goes through, never silently.
func skipNotes(w io.Writer, skipped []hook.Skip) {
	for _, sk := range skipped {
		switch {
		case sk.NotCommit != "":
			notCommitNote(w, sk)
		case sk.Reason == hook.ReasonNotes:
			fmt.Fprintf(w, "quorum: %s holds %s: pushed without review\n", safetext.OneLine(sk.Ref), hook.ReasonNotes)
		}
	}
}

// notCommitNote names a pushed ref of a tree or a blob: it has no commits
// to review, so it goes through, with a note and what to do instead.
func notCommitNote(w io.Writer, sk hook.Skip) {
	ref := safetext.OneLine(sk.Ref)
	fmt.Fprintf(w, "quorum: %s points to a %s (%s), not a commit: it has no commits to review; pushed without review\n",
		ref, safetext.OneLine(sk.NotCommit), cmdutil.ShortOID(sk.Object))
	if tag, ok := strings.CutPrefix(ref, "refs/tags/"); ok {
		fmt.Fprintf(w, "hint: only commits are reviewed; to have this content reviewed, tag a commit that has it instead: git tag -f %s COMMIT\n", tag)
		return
	}
	fmt.Fprintln(w, "hint: only commits are reviewed; to have this content reviewed, push a commit that has it instead")
}

// unknownRemoteNote says why a push to a URL that no configured remote
// has is reviewed from the empty tree: without remote-tracking refs the
// hook cannot tell what that repository already has (it never asks it).
// A configured remote never fetched is as unknown: the same note, with
// the fetch that tells.
func unknownRemoteNote(w io.Writer, opts *RunOptions, plan *hook.Plan) {
	unfetched := len(plan.Known) > 0 && plan.Untracked
	if !unfetched && (len(plan.Known) > 0 || opts.URL == "" || opts.Remote != opts.URL) {
		return
	}
	for _, r := range plan.Ranges {
		if r.Base != plan.EmptyTree {
			continue
		}
		if unfetched {
			name := safetext.OneLine(plan.Known[0])
			// An empty remote, fetched, has no refs either: both are said.
			fmt.Fprintf(w, "quorum: the remote %s has no remote-tracking refs here (never fetched, or empty), so what it already has is unknown: %s is reviewed from its first commit\n",
				name, cmdutil.ShortOID(r.Head))
			fmt.Fprintf(w, "hint: if it has commits, fetch it first to review only what it lacks: git fetch %s\n", name)
			return
		}
		url := safetext.OneLine(opts.URL)
		fmt.Fprintf(w, "quorum: no configured remote has the URL %s, so what it already has is unknown: %s is reviewed from its first commit\n",
			url, cmdutil.ShortOID(r.Head))
		fmt.Fprintf(w, "hint: to review only what it lacks, add and fetch it first: git remote add NAME %s && git fetch NAME\n", url)
		return
	}
}

// mergedInNote says, for each range whose new commits merge in history the
// remote has from more than one side, what its diff is read against: a
// base commit no branch has, which the pusher may look up.
func mergedInNote(ctx context.Context, w io.Writer, dir string, plan *hook.Plan) {
	for _, r := range plan.Ranges {
		if len(r.Sides) == 0 {
			continue
		}
		sides := hook.SideNames(ctx, dir, r.Sides)
		for i := range sides {
			sides[i] = safetext.OneLine(sides[i])
		}
		// The pushed commit may sit above the merge: it "brings" one.
		fmt.Fprintf(w, "quorum: %s brings a merge of %s: reviewed for what it changes on top of git's merge of them (%s, see git show)\n",
			cmdutil.ShortOID(r.Head), strings.Join(sides, " and "), cmdutil.ShortOID(r.Base))
	}
}

func shortRanges(rs []hook.Range) string {
	parts := make([]string, len(rs))
	for i, r := range rs {
		parts[i] = cmdutil.ShortOID(r.Base) + ".." + cmdutil.ShortOID(r.Head)
	}
	return strings.Join(parts, ", ")
}

// notCheckedOut names the pushed refs whose commits are not the
// checkout's HEAD (a push of b2 from b1's checkout): their dismissals are
// the ones their commits carry.
func notCheckedOut(ctx context.Context, dir string, plan *hook.Plan) []string {
	out, err := (&gitexec.Git{Dir: dir}).Output(ctx, "rev-parse", "-q", "--verify", "HEAD^{commit}")
	if err != nil {
		return nil
	}
	head := strings.TrimSpace(string(out))
	var refs []string
	for _, r := range plan.Ranges {
		if r.Head == head {
			continue
		}
		for _, ref := range r.Refs {
			refs = append(refs, strings.TrimPrefix(ref, "refs/heads/"))
		}
	}
	return refs
}
