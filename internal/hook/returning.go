package hook

import (
	"context"
	"slices"
	"strings"
)

// Returning is a commit an earlier push was blocked on that an update of
// this push brings to its remote ref, although the remote has it already
// as far as the hook knows: it reached the remote under other refs through
// a push that skipped the hook (--no-verify, QUORUM_SKIP), or below a fix
// whose review passed, while no review of its own code has. The update's
// own range starts above it, so without this it would ride under the new
// commits unreviewed.
type Returning struct {
	// Ref is the remote ref the update pushes; Head the pushed commit,
	// Commit itself or a descendant of it.
	Ref, Head string
	// Commit is the blocked commit.
	Commit string
}

// Returning lists the commits that v remembers as blocked which an update
// of the push brings to its ref: in the history of the pushed commit, not
// new to the remote (a commit the remote lacks is reviewed in the update's
// own range), and not in the history of the ref's old commit (a
// fast-forward of a ref that already had it brings nothing back: after a
// --no-verify push of main, the next push of main is not blocked again),
// nor below a head whose review passed above it that is in the pushed
// commit's history (work on top of a fix, see withoutPassedBelow), nor,
// pushed without review, in the remote's default branch (mainlines). Only
// the blocks recorded for this push's remote count (Blocked.For). An old
// commit that is not here counts as none. Newest blocks first, each
// block's commits in its order (newest first). It costs a few git calls
// for the push and per update, and none when nothing is blocked.
func (p *Plan) Returning(ctx context.Context, dir string, v *Verdicts) ([]Returning, error) {
	if v == nil || len(p.pushed) == 0 {
		return nil, nil
	}
	var cands []string
	seen := map[string]bool{}
	// passedAbove holds, for a commit a passing review had below its head,
	// those heads: an update whose history has one of them is on top of
	// code that passed, and does not bring the commit back.
	passedAbove := map[string][]string{}
	findings := map[string][]Finding{} // a superseded commit's block's findings
	for _, b := range slices.Backward(v.Blocked) {
		if !b.For(p) {
			continue // what another remote has is not this one's
		}
		for _, c := range b.Commits {
			if c == "" || seen[c] || p.fresh[c] {
				continue
			}
			seen[c] = true
			cands = append(cands, c)
			if b.Superseded() {
				passedAbove[c] = b.PassedAbove
				findings[c] = b.Findings
			}
		}
	}
	if len(cands) == 0 {
		return nil, nil
	}
	g := git{dir: dir}
	// Only the commits that are here (a block of a branch since deleted
	// and pruned is not).
	out, err := g.output(ctx, append([]string{"rev-list", "--no-walk=unsorted", "--ignore-missing"}, cands...)...)
	if err != nil {
		return nil, err
	}
	here := map[string]bool{}
	for _, c := range lines(out) {
		here[c] = true
	}
	cands = slices.DeleteFunc(cands, func(c string) bool { return !here[c] })
	if len(cands) == 0 {
		return nil, nil
	}
	// A commit pushed without review that the remote's default branch
	// has (merged there by a push that skipped the hook) is the
	// mainline's: every branch made from it would otherwise be refused for
	// code it did not bring. A commit below a fix that passed is not so
	// exempt: a mainline that had the fix may have dropped it since.
	for _, head := range p.mains {
		var skipped []string
		for _, c := range cands {
			if passedAbove[c] == nil {
				skipped = append(skipped, c)
			}
		}
		if len(skipped) == 0 {
			break
		}
		notIn, err := outside(ctx, g, skipped, head)
		if err != nil {
			return nil, err
		}
		cands = slices.DeleteFunc(cands, func(c string) bool { return passedAbove[c] == nil && !notIn[c] })
	}
	if len(cands) == 0 {
		return nil, nil
	}
	var back []Returning
	for _, u := range p.pushed {
		// Those in the history of the pushed commit: every candidate that
		// "rev-list CANDIDATES --not HEAD" does not list. The walk stops
		// where the candidates' history meets the pushed one.
		notIn, err := outside(ctx, g, cands, u.head)
		if err != nil {
			return nil, err
		}
		in := slices.DeleteFunc(slices.Clone(cands), func(c string) bool { return notIn[c] })
		if len(in) > 0 && u.old != "" {
			notOld, err := outside(ctx, g, in, u.old)
			if err != nil {
				return nil, err
			}
			// A ref that had the commit had it as pushed; but one that had
			// it below a fix that passed had the fix too, and an update
			// that drops the fix (a force-push back onto the commit) brings
			// the commit's own code back: withoutPassedBelow decides those.
			in = slices.DeleteFunc(in, func(c string) bool { return !notOld[c] && passedAbove[c] == nil })
		}
		if in, err = withoutPassedBelow(ctx, g, in, passedAbove, findings, u.head); err != nil {
			return nil, err
		}
		for _, c := range in {
			back = append(back, Returning{Ref: u.ref, Head: u.head, Commit: c})
		}
	}
	return back, nil
}

// mainlines are the commits of the remote's default branches as this
// repository knows them (refs/remotes/<remote>/HEAD of each remote that
// counts as the pushed-to one, set by git clone or 'git remote set-head';
// else its main, else its master), where this push's own old oid of that
// branch says otherwise, that oid (stale).
func (p *Plan) mainlines(ctx context.Context, g git, stale staleRefs) []string {
	var out []string
	for _, k := range p.Known {
		// The remote's HEAD as last fetched, else (none recorded: a
		// repository made with git init and git remote add; or one left
		// dangling when the remote renamed its default branch and a fetch
		// pruned the old one) the usual names of a default branch.
		for _, name := range []string{"HEAD", "main", "master", "develop", "trunk"} {
			oid, err := g.output(ctx, "rev-parse", "--verify", "--quiet", "refs/remotes/"+k+"/"+name+"^{commit}")
			if err != nil || oid == "" {
				continue
			}
			if now, ok := stale.now(ctx, g, "refs/remotes/"+k+"/"+name); ok {
				oid = now
			}
			if !slices.Contains(out, oid) {
				out = append(out, oid)
			}
			break
		}
	}
	return out
}

// withoutPassedBelow drops from cs each commit a passing review had below
// a head that is in the history of head (or is head), unless head's tree
// still holds a line that commit was blocked on. One or two git calls, one
// more per file of such a line, and none when no commit of cs was
// superseded.
func withoutPassedBelow(ctx context.Context, g git, cs []string, passedAbove map[string][]string, findings map[string][]Finding, head string) ([]string, error) {
	var heads []string
	for _, c := range cs {
		for _, h := range passedAbove[c] {
			if !slices.Contains(heads, h) {
				heads = append(heads, h)
			}
		}
	}
	if len(heads) == 0 {
		return cs, nil
	}
	// A head no longer here (its branch deleted and pruned) proves nothing.
	out, err := g.output(ctx, append([]string{"rev-list", "--no-walk=unsorted", "--ignore-missing"}, heads...)...)
	if err != nil {
		return nil, err
	}
	heads = lines(out)
	if len(heads) == 0 {
		return cs, nil
	}
	notIn, err := outside(ctx, g, heads, head)
	if err != nil {
		return nil, err
	}
	files := treeLines{}
	return slices.DeleteFunc(cs, func(c string) bool {
		var passed []string // the heads that passed above c, in head's history
		for _, h := range passedAbove[c] {
			if slices.Contains(heads, h) && !notIn[h] {
				passed = append(passed, h)
			}
		}
		if len(passed) == 0 {
			return false
		}
		// The fix in the history is not the fix in the tree: a merge that
		// kept the blocked side ("-s ours", a conflict resolved to it) or
		// a revert brings a blocked line back. Then the commit is brought
		// back, and its range, up to head, is reviewed. A line the passing
		// review itself read (its finding dismissed, the gate off then) was
		// accepted there, and does not.
		for _, f := range findings[c] {
			// At head, the file may have moved since the blocked commit:
			// followed there (a rename), or it is gone, and the code too.
			at := f
			if files.of(ctx, g, head, f.File) == nil {
				at.File = movedTo(ctx, g, c, head, f.File)
			}
			if holds(ctx, g, head, at, files) && !slices.ContainsFunc(passed, func(h string) bool { return holds(ctx, g, h, f, files) }) {
				return false
			}
		}
		return true
	}), nil
}

// treeLines caches the squeezed lines of files at commits ("commit:path");
// nil for a file the commit's tree does not have.
type treeLines map[string]map[string]bool

// of is the squeezed lines of path at commit, nil when it has no such file.
func (t treeLines) of(ctx context.Context, g git, commit, path string) map[string]bool {
	key := commit + ":" + path
	set, ok := t[key]
	if !ok {
		if text, err := g.output(ctx, "cat-file", "-p", key); err == nil {
			set = map[string]bool{}
			for _, l := range strings.Split(text, "\n") {
				set[squeeze(l)] = true
			}
		}
		t[key] = set
	}
	return set
}

// holds reports whether commit's tree still has the code f (a blocking
// finding) was about, the same but for whitespace: every added line it was
// anchored to, or, for a finding on deleted code, not every line the
// blocked change deleted (not put back). A finding that recorded no code
// never holds, nor does a tree without f's file.
func holds(ctx context.Context, g git, commit string, f Finding, files treeLines) bool {
	code := f.Lines()
	if len(code) == 0 {
		return false
	}
	set := files.of(ctx, g, commit, f.File)
	if set == nil {
		return false
	}
	all := !slices.ContainsFunc(code, func(l string) bool { return !set[l] })
	if f.Deleted {
		return !all // the deleted lines are not all back
	}
	return all
}

// movedTo is where path at from, which to does not have, went by to: the
// new path of a rename git finds between the two, else path itself.
func movedTo(ctx context.Context, g git, from, to, path string) string {
	out, err := g.output(ctx, "diff", "--no-color", "--no-ext-diff", "--name-status", "-M", "--diff-filter=R", from, to)
	if err != nil {
		return path
	}
	for _, l := range lines(out) {
		if f := strings.Split(l, "\t"); len(f) == 3 && f[1] == path {
			return f[2]
		}
	}
	return path
}

// outside is the set of commits among cs that are not in the history of rev.
func outside(ctx context.Context, g git, cs []string, rev string) (map[string]bool, error) {
	args := append([]string{"rev-list"}, cs...)
	out, err := g.output(ctx, append(args, "--not", rev)...)
	if err != nil {
		return nil, err
	}
	listed := map[string]bool{}
	for _, c := range lines(out) {
		listed[c] = true
	}
	set := map[string]bool{}
	for _, c := range cs {
		if listed[c] {
			set[c] = true
		}
	}
	return set, nil
}
