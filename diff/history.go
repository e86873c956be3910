package diff

// History: the merge-base of two commits and the commits between, with
// git's own answers where they can differ from a plain walk.

import (
	"container/heap"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// mergeBase is the merge-base of a (the base, named baseName) and b (the
// head, named headName). A shallow clone whose history stops before it is
// a Shallow error. The git binary, when there is one, is asked first: its
// pick among several best common ancestors (a criss-cross history) is the
// one `git diff A...B` uses, so the reviewed range is what git shows.
// Without git, go-git walks the history and the newest of them is taken.
func (rp *repo) mergeBase(g *gitCLI, a, b plumbing.Hash, baseName, headName string) (plumbing.Hash, error) {
	if g != nil && !rp.shallow {
		// git's answer first: it is the range git itself shows, and it is
		// several times faster than go-git's walk on a long history
		// (BENCHMARKS.md "Other figures": 0.25 s against 0.82 s for a base
		// 20,000 commits back). Any failure falls through to go-git, whose
		// errors say what is wrong in quorum's words.
		if out, gerr := g.output("merge-base", a.String(), b.String()); gerr == nil {
			if pick := plumbing.NewHash(strings.TrimSpace(string(out))); !pick.IsZero() {
				if _, cerr := rp.r.CommitObject(pick); cerr == nil {
					return pick, nil
				}
			}
		}
	}
	ca, err := rp.r.CommitObject(a)
	if err != nil {
		return plumbing.ZeroHash, rp.readErr(err, a)
	}
	cb, err := rp.r.CommitObject(b)
	if err != nil {
		return plumbing.ZeroHash, rp.readErr(err, b)
	}
	bases, err := ca.MergeBase(cb)
	if err == nil && len(bases) == 0 && !rp.shallow {
		e := errorf(Unrelated, "%s and %s have no common history", baseName, headName)
		e.Rev, e.Head = baseName, headName
		return plumbing.ZeroHash, e
	}
	if rp.shallow && (err != nil || len(bases) == 0) && g != nil {
		// go-git walks into the missing parents of the shallow boundary;
		// git knows the boundary, and a merge-base it finds is present
		// (the usual CI checkout: --depth 1 of the base, commits on top).
		if out, gerr := g.output("merge-base", a.String(), b.String()); gerr == nil {
			if pick := plumbing.NewHash(strings.TrimSpace(string(out))); !pick.IsZero() {
				if _, cerr := rp.r.CommitObject(pick); cerr == nil {
					return pick, nil
				}
			}
		}
	}
	if rp.shallow && (err != nil || len(bases) == 0) {
		e := errorf(Shallow, "shallow clone: the merge-base of %s and %s is not in the fetched history", baseName, headName)
		e.Rev, e.Head = baseName, headName
		if err != nil {
			e.Err = &msgErr{msg: e.Err.Error(), err: err}
		}
		return plumbing.ZeroHash, e
	}
	if err != nil {
		return plumbing.ZeroHash, unreadable(OpCommit, "cannot compute the merge-base of %s and %s: %w", baseName, headName, err)
	}
	// Several best common ancestors (a criss-cross history) and no git to
	// pick one: the newest.
	best := bases[0]
	for _, c := range bases[1:] {
		if c.Committer.When.After(best.Committer.When) ||
			(c.Committer.When.Equal(best.Committer.When) && c.Hash.String() < best.Hash.String()) {
			best = c
		}
	}
	return best.Hash, nil
}

func (rp *repo) readErr(err error, h plumbing.Hash) error {
	if rp.shallow {
		return &Error{Kind: Shallow, Err: &msgErr{msg: fmt.Sprintf("shallow clone: commit %s is not in the fetched history", h.String()[:12]), err: err}}
	}
	return unreadable(OpCommit, "cannot read commit %s: %w", h.String()[:12], err)
}

// commitItem orders the walk by committer date, newest first, ties by
// insertion order (as git's date-order queue does).
type commitItem struct {
	c             *object.Commit
	seq           int
	uninteresting bool
}

type commitQueue []commitItem

func (q commitQueue) Len() int { return len(q) }
func (q commitQueue) Less(i, j int) bool {
	ti, tj := q[i].c.Committer.When, q[j].c.Committer.When
	if !ti.Equal(tj) {
		return ti.After(tj)
	}
	return q[i].seq < q[j].seq
}
func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)   { *q = append(*q, x.(commitItem)) }
func (q *commitQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// commitsBetween lists the commits reachable from head but not from base
// (git rev-list base..head), oldest first, parents before children; among
// independent commits, older committer dates first (the reverse of git's
// --date-order). base may be zero (everything reachable from head).
func (rp *repo) commitsBetween(base, head plumbing.Hash) ([]Commit, error) {
	hc, err := rp.r.CommitObject(head)
	if err != nil {
		return nil, rp.readErr(err, head)
	}
	q := &commitQueue{}
	seq := 0
	push := func(c *object.Commit, unint bool) {
		seq++
		heap.Push(q, commitItem{c: c, seq: seq, uninteresting: unint})
	}
	uninteresting := map[plumbing.Hash]bool{}
	doneInt := map[plumbing.Hash]bool{}
	doneUnint := map[plumbing.Hash]bool{}
	if !base.IsZero() && base.String() != EmptyTree {
		bc, err := rp.r.CommitObject(base)
		if err != nil {
			return nil, rp.readErr(err, base)
		}
		uninteresting[base] = true
		push(bc, true)
	}
	push(hc, false)
	var found []*object.Commit
	slop := 5
	for q.Len() > 0 {
		allUnint := true
		for _, it := range *q {
			if !it.uninteresting && !uninteresting[it.c.Hash] {
				allUnint = false
				break
			}
		}
		if allUnint {
			// Keep going a little for clock skew, like git's slop.
			if slop--; slop < 0 {
				break
			}
		}
		it := heap.Pop(q).(commitItem)
		c := it.c
		unint := it.uninteresting || uninteresting[c.Hash]
		if unint {
			if doneUnint[c.Hash] {
				continue
			}
			doneUnint[c.Hash] = true
			uninteresting[c.Hash] = true
		} else {
			if doneInt[c.Hash] {
				continue
			}
			doneInt[c.Hash] = true
			found = append(found, c)
		}
		for _, ph := range c.ParentHashes {
			if unint && doneUnint[ph] {
				continue
			}
			pc, err := rp.r.CommitObject(ph)
			if err != nil {
				if rp.shallow || unint {
					continue // history ends at the shallow boundary
				}
				return nil, rp.readErr(err, ph)
			}
			if unint {
				uninteresting[ph] = true
			}
			push(pc, unint)
		}
	}
	var in []*object.Commit
	for _, c := range found {
		if !uninteresting[c.Hash] {
			in = append(in, c)
		}
	}
	return orderCommits(in), nil
}

// orderCommits sorts commits like `git rev-list --date-order --reverse`.
func orderCommits(cs []*object.Commit) []Commit {
	inSet := make(map[plumbing.Hash]*object.Commit, len(cs))
	for _, c := range cs {
		inSet[c.Hash] = c
	}
	// children counts within the set: a commit is ready when all its
	// children have been emitted (date-order emits children first).
	pending := map[plumbing.Hash]int{}
	for _, c := range cs {
		for _, p := range c.ParentHashes {
			if _, ok := inSet[p]; ok {
				pending[p]++
			}
		}
	}
	order := map[plumbing.Hash]int{}
	for i, c := range cs {
		order[c.Hash] = i
	}
	q := &commitQueue{}
	for _, c := range cs {
		if pending[c.Hash] == 0 {
			heap.Push(q, commitItem{c: c, seq: order[c.Hash]})
		}
	}
	var rev []*object.Commit
	for q.Len() > 0 {
		c := heap.Pop(q).(commitItem).c
		rev = append(rev, c)
		for _, p := range c.ParentHashes {
			if pc, ok := inSet[p]; ok {
				if pending[p]--; pending[p] == 0 {
					heap.Push(q, commitItem{c: pc, seq: order[p]})
				}
			}
		}
	}
	out := make([]Commit, 0, len(rev))
	for i := len(rev) - 1; i >= 0; i-- {
		out = append(out, toCommit(rev[i]))
	}
	return out
}

func toCommit(c *object.Commit) Commit {
	msg := strings.TrimLeft(c.Message, "\n")
	subject, body, _ := strings.Cut(msg, "\n")
	out := Commit{
		SHA:     c.Hash.String(),
		Subject: strings.TrimSpace(subject),
		Body:    strings.TrimSpace(body),
		Author:  fmt.Sprintf("%s <%s>", c.Author.Name, c.Author.Email),
	}
	for _, p := range c.ParentHashes {
		out.Parents = append(out.Parents, p.String())
	}
	return out
}
