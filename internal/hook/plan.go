package hook

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Range is one exact span of pushed history: the diff Base..Head, where Base
// is the empty tree when the whole history of Head is new to the remote.
type Range struct {
	Base string   `json:"base"`
	Head string   `json:"head"`
	Refs []string `json:"refs"`    // remote refs pushed to this head
	New  []string `json:"commits"` // the commits new to the remote, newest first
}

// String is the range as git and diff.Options.Commits spell it: "A..B".
func (r Range) String() string { return r.Base + ".." + r.Head }

// Skip is an update that gets no review, with the reason.
type Skip struct {
	Ref    string `json:"ref"`
	Reason string `json:"reason"`
	// OnRemote is set when the update is a new branch or a force-push whose
	// commits the remote already has under other refs (pushed there with
	// --no-verify or QUORUM_SKIP, say): Head is the pushed commit, which the
	// hook checks against the saved verdicts (Verdicts.Lookup).
	OnRemote bool   `json:"on_remote,omitempty"`
	Head     string `json:"head,omitempty"`
	// Unreviewed is the range of a tag skipped by hook.tags: false that
	// brings commits the remote lacks: the hook names it, and reviews it
	// after all when an earlier push of those commits was blocked.
	Unreviewed *Range `json:"unreviewed,omitempty"`
}

// Plan is what one push asks to review: one or more ranges (several refs
// pushed at once make one review over their union) and what was skipped.
type Plan struct {
	Ranges  []Range
	Skipped []Skip
	// Commits is the union of the new commits of every range.
	Commits []string
	// EmptyTree is the empty tree's object name in this repository's hash.
	EmptyTree string
}

// PlanOptions configures PlanPush.
type PlanOptions struct {
	// Remote is the remote's name as git passed it to the hook (or its URL
	// when pushing to a URL): refs/remotes/<Remote>/* are what it already has.
	Remote string
	// Tags reviews pushed tags like branches (hook.tags).
	Tags bool
}

// PlanPush works out which commits a push introduces, per update:
//   - deletions are skipped; so are tags when opt.Tags is off, with the
//     commits they bring (Skip.Unreviewed);
//   - when the remote's old oid is present locally and an ancestor of the
//     new one, the range is exactly remote..local;
//   - otherwise (a new branch, a force-push, an old oid we never fetched)
//     the new commits are those reachable from local and from no ref of the
//     remote; the base is where that history meets the remote's along the
//     first-parent chain, or the empty tree when all of it is new;
//   - an update with no new commits is skipped; when a new branch or a
//     force-push has none because the remote has them under other refs,
//     the skip says so (Skip.OnRemote), so that a push once blocked is not
//     waved through under another name.
//
// Ranges whose commits are contained in another's are folded into it.
func PlanPush(ctx context.Context, dir string, updates []Update, opt PlanOptions) (*Plan, error) {
	g := git{dir: dir}
	empty, err := g.output(ctx, "hash-object", "-t", "tree", "/dev/null")
	if err != nil {
		return nil, err
	}
	p := &Plan{EmptyTree: empty}
	for _, u := range updates {
		ref := u.RemoteRef
		switch {
		case u.IsDelete():
			p.Skipped = append(p.Skipped, Skip{Ref: ref, Reason: "deletion"})
			continue
		}
		r, reason, err := rangeFor(ctx, g, u, opt.Remote, empty)
		if err != nil {
			return nil, err
		}
		if u.IsTag() && !opt.Tags {
			sk := Skip{Ref: ref, Reason: "tag (hook.tags: false)", OnRemote: reason == reasonOnRemote, Head: r.Head}
			if reason == "" {
				sk.Unreviewed = &r
			}
			p.Skipped = append(p.Skipped, sk)
			continue
		}
		if reason != "" {
			p.Skipped = append(p.Skipped, Skip{Ref: ref, Reason: reason, OnRemote: reason == reasonOnRemote, Head: r.Head})
			continue
		}
		p.add(r)
	}
	if err := p.fold(ctx, g); err != nil {
		return nil, err
	}
	p.union()
	return p, nil
}

func (p *Plan) union() {
	p.Commits = nil
	seen := map[string]bool{}
	for _, r := range p.Ranges {
		for _, c := range r.New {
			if !seen[c] {
				seen[c] = true
				p.Commits = append(p.Commits, c)
			}
		}
	}
}

// Review adds ranges to review again (a blocked push's ranges, restored
// for an update whose commits the remote got under other refs without
// review), pushed as ref, then folds the plan again.
func (p *Plan) Review(ctx context.Context, dir, ref string, rs []Range) error {
	g := git{dir: dir}
	for _, r := range rs {
		// The saved base and head must still be commits here.
		for _, oid := range []string{r.Base, r.Head} {
			if oid == p.EmptyTree {
				continue
			}
			if _, err := g.output(ctx, "cat-file", "-e", oid+"^{commit}"); err != nil {
				return fmt.Errorf("commit %s of an earlier blocked push: %w", oid, err)
			}
		}
		r.Refs = []string{ref}
		p.add(r)
	}
	if err := p.fold(ctx, g); err != nil {
		return err
	}
	p.union()
	return nil
}

// reasonOnRemote skips a new branch or force-push whose commits the remote
// already has under other refs.
const reasonOnRemote = "nothing new (the remote has these commits under other refs)"

func rangeFor(ctx context.Context, g git, u Update, remote, empty string) (Range, string, error) {
	// Peel annotated tags; an oid that is not a commit (a tagged tree or
	// blob) has no history to review.
	head, err := g.output(ctx, "rev-parse", "--verify", "--quiet", u.LocalOID+"^{commit}")
	if err != nil {
		if exitedNonZero(err) {
			return Range{}, "not a commit", nil
		}
		return Range{}, "", err
	}
	r := Range{Head: head, Refs: []string{u.RemoteRef}}
	remoteKnown := false
	if !u.IsNew() {
		_, err := g.output(ctx, "cat-file", "-e", u.RemoteOID+"^{commit}")
		remoteKnown = err == nil
	}
	if remoteKnown {
		if _, err := g.output(ctx, "merge-base", "--is-ancestor", u.RemoteOID, head); err == nil {
			out, err := g.output(ctx, "rev-list", u.RemoteOID+".."+head)
			if err != nil {
				return Range{}, "", err
			}
			if r.New = lines(out); len(r.New) == 0 {
				return Range{}, "nothing new", nil
			}
			r.Base = u.RemoteOID
			return r, "", nil
		} else if !exitedNonZero(err) {
			return Range{}, "", err
		}
	}
	not := []string{"--not"}
	if remote != "" && !strings.HasPrefix(remote, "-") && !strings.ContainsAny(remote, "*?[\\") {
		not = append(not, "--remotes="+remote)
	}
	if remoteKnown {
		not = append(not, u.RemoteOID)
	}
	out, err := g.output(ctx, append([]string{"rev-list", head}, not...)...)
	if err != nil {
		return Range{}, "", err
	}
	if r.New = lines(out); len(r.New) == 0 {
		return Range{Head: head}, reasonOnRemote, nil
	}
	chain, err := g.output(ctx, append([]string{"rev-list", "--first-parent", head}, not...)...)
	if err != nil {
		return Range{}, "", err
	}
	cl := lines(chain)
	oldest := cl[len(cl)-1]
	base, err := g.output(ctx, "rev-parse", "--verify", "--quiet", oldest+"^1")
	switch {
	case err == nil:
		r.Base = base
	case exitedNonZero(err):
		r.Base = empty // a root commit: the whole history is new
	default:
		return Range{}, "", err
	}
	return r, "", nil
}

func (p *Plan) add(r Range) {
	for i := range p.Ranges {
		if p.Ranges[i].Base == r.Base && p.Ranges[i].Head == r.Head {
			p.Ranges[i].Refs = append(p.Ranges[i].Refs, r.Refs...)
			return
		}
	}
	p.Ranges = append(p.Ranges, r)
}

// fold drops each range whose commits all lie in another range:
// B2..H2 contains B1..H1 when H1 is an ancestor of H2 and B2 of B1.
func (p *Plan) fold(ctx context.Context, g git) error {
	anc := func(a, b string) (bool, error) {
		if a == b {
			return true, nil
		}
		if a == p.EmptyTree {
			return true, nil // nothing is below the empty tree
		}
		if b == p.EmptyTree {
			return false, nil
		}
		_, err := g.output(ctx, "merge-base", "--is-ancestor", a, b)
		if err == nil {
			return true, nil
		}
		if exitedNonZero(err) {
			return false, nil
		}
		return false, err
	}
	for i := 0; i < len(p.Ranges); i++ {
		for j := 0; j < len(p.Ranges); j++ {
			if i == j {
				continue
			}
			in, out := p.Ranges[i], p.Ranges[j]
			h, err := anc(in.Head, out.Head)
			if err != nil || !h {
				if err != nil {
					return err
				}
				continue
			}
			b, err := anc(out.Base, in.Base)
			if err != nil {
				return err
			}
			if !b {
				continue
			}
			p.Ranges[j].Refs = append(p.Ranges[j].Refs, in.Refs...)
			p.Ranges = append(p.Ranges[:i], p.Ranges[i+1:]...)
			i--
			break
		}
	}
	return nil
}

// NewestFirst orders ranges by their head commit's committer time, newest
// first, keeping push order among equal times. A push of several refs is
// one review, and a file changed in two ranges is reviewed once, as the
// newest head has it (pipeline.Merge prefers the first set).
func NewestFirst(ctx context.Context, dir string, rs []Range) ([]Range, error) {
	if len(rs) < 2 {
		return rs, nil
	}
	args := []string{"show", "-s", "--format=%ct"}
	for _, r := range rs {
		args = append(args, r.Head)
	}
	out, err := git{dir: dir}.output(ctx, args...)
	if err != nil {
		return nil, err
	}
	ts := lines(out)
	if len(ts) != len(rs) {
		return nil, fmt.Errorf("git show: %d commit times for %d heads", len(ts), len(rs))
	}
	type timed struct {
		r Range
		t int64
	}
	all := make([]timed, len(rs))
	for i, r := range rs {
		t, err := strconv.ParseInt(strings.TrimSpace(ts[i]), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("git show: commit time %q of %s", ts[i], r.Head)
		}
		all[i] = timed{r, t}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].t > all[j].t })
	out2 := make([]Range, len(all))
	for i, x := range all {
		out2[i] = x.r
	}
	return out2, nil
}
