package hook

import (
	"context"
	"fmt"
	"slices"
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
	// Sides are the commits the remote has that the new ones merge in
	// from more than one side (main merged into a pushed branch): Base
	// is then a commit quorum wrote, git's merge of them (baseFor).
	Sides []string `json:"sides,omitempty"`
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
	// NotCommit is the type of the object a ref points to when it is not
	// a commit ("tree" or "blob": `git tag t HEAD^{tree}`), with Object its
	// name: it has no commits to review, and the hook says so.
	NotCommit string `json:"not_commit,omitempty"`
	Object    string `json:"object,omitempty"`
}

// ReasonNotes is the reason of a skipped update of git notes
// (Update.IsNotes): metadata about commits, not source to review.
const ReasonNotes = "git notes (metadata, not source)"

// Plan is what one push asks to review: one or more ranges (several refs
// pushed at once make one review over their union) and what was skipped.
type Plan struct {
	Ranges  []Range
	Skipped []Skip
	// Commits is the union of the new commits of every range.
	Commits []string
	// EmptyTree is the empty tree's object name in this repository's hash.
	EmptyTree string
	// Known are the configured remotes whose remote-tracking refs counted
	// as what the pushed-to remote has (see PlanPush).
	Known []string
	// Untracked is set when Known remotes there are, and not one has a
	// remote-tracking ref (added, never fetched): what the remote has is
	// then unknown, and new history is reviewed from its first commit.
	Untracked bool
	// Remote names the pushed-to remote in the saved verdicts: the first
	// configured remote of its URL (Known), else the name or URL git gave.
	Remote string
	// Brought are the blocked commits the push brings back to a ref (a ref
	// at one, new work on one: the re-push rules), whose ranges Review
	// added: blocked even where a fix above them passed (LookupAny).
	Brought []string
	// fresh are the commits new to the remote as far as the hook knows:
	// every update's, a skipped tag's too (see Fresh).
	fresh map[string]bool
	// pushed are the updates that send a commit, reviewed or skipped
	// (see Returning).
	pushed []pushed
	// mains are the remote's default branches' commits (mainlines), read
	// once for the ranges and for Returning.
	mains []string
}

// pushed is one update that sends a commit: the remote ref, the pushed
// commit, and the ref's old commit when it is one here ("" for a new ref,
// or an old oid never fetched).
type pushed struct {
	ref, head, old string
}

// PlanOptions configures PlanPush.
type PlanOptions struct {
	// Remote is the remote's name as git passed it to the hook (or its URL
	// when pushing to a URL): refs/remotes/<Remote>/* are what it already has.
	Remote string
	// URL is the remote's URL as git passed it to the hook ("" when not
	// known): the remote-tracking refs of every configured remote with the
	// same URL tell what the remote has too (a push to a URL, or to a
	// remote that was never fetched).
	URL string
	// Tags reviews pushed tags like branches (hook.tags).
	Tags bool
}

// Mainlines are the commits of the remote's default branches the plan
// read (corrected by the push's own old oids where a tracking ref is
// stale): what counts as the team's code.
func (p *Plan) Mainlines() []string { return slices.Clone(p.mains) }

// PlanPush works out which commits a push introduces, per update:
//   - deletions are skipped; so are tags when opt.Tags is off, with the
//     commits they bring (Skip.Unreviewed);
//   - when the remote's old oid is present locally (a fast-forward or a
//     force-push), the new commits are those neither it nor the remote's
//     default branch has (main merged in since is not the push's; another
//     branch of the remote, a teammate's unreviewed work, is);
//   - otherwise (a new branch, an old oid we never fetched)
//     the new commits are those reachable from local and from nothing the
//     remote is known to have;
//   - the base is where the new commits leave the rest of the history
//     (baseFor): that commit, git's merge of the sides when they merge in
//     several (Range.Sides), or the empty tree when all of it is new.
//     What the remote is known to have, without asking it (no
//     second connection from inside a push): the remote-tracking refs of
//     opt.Remote and of every configured remote with the same URL (so a
//     push to "../remote.git" knows what origin at that URL has), and
//     every old oid of this push that exists here. When none of these is
//     known (a URL no configured remote has), all of the history is new;
//   - a ref that points to a tree or a blob has no commits: it is skipped
//     with its type (Skip.NotCommit);
//   - git notes pushed to refs/notes/* are metadata, not source: skipped
//     with ReasonNotes (Update.IsNotes);
//   - an update with no new commits is skipped; when a new branch or a
//     force-push has none because the remote has them under other refs,
//     the skip says so (Skip.OnRemote), so that a push once blocked is not
//     waved through under another name.
//
// Ranges whose commits are contained in another's of the same head are
// folded into it.
func PlanPush(ctx context.Context, dir string, updates []Update, opt PlanOptions) (*Plan, error) {
	g := git{dir: dir}
	empty, err := g.output(ctx, "hash-object", "-t", "tree", "/dev/null")
	if err != nil {
		return nil, err
	}
	p := &Plan{EmptyTree: empty, fresh: map[string]bool{}}
	known, err := remotesOf(ctx, g, opt.Remote, opt.URL)
	if err != nil {
		return nil, err
	}
	p.Known = known
	p.Remote = opt.Remote
	if len(known) > 0 {
		p.Remote = known[0]
	}
	all, err := g.output(ctx, "remote")
	if err != nil {
		return nil, err
	}
	// Every old oid of this push that is a commit here: the remote has it.
	olds := make([]string, len(updates))
	for i, u := range updates {
		if u.IsNew() {
			continue
		}
		oid, err := g.output(ctx, "rev-parse", "--verify", "--quiet", u.RemoteOID+"^{commit}")
		switch {
		case err == nil && oid != "":
			olds[i] = oid
		case err != nil && !exitedNonZero(err):
			return nil, err
		}
	}
	// A tracking ref this push says is out of date (a teammate rewound
	// the branch since the last fetch) does not tell what the remote has:
	// the push's old oid does.
	stale, err := staleTracking(ctx, g, known, opt.URL, updates, olds)
	if err != nil {
		return nil, err
	}
	not := []string{"--not"}
	for _, name := range known {
		not = append(append(append(not, nestedRemotes(name, lines(all))...), stale.excludes(name)...), "--remotes="+name)
	}
	if opt.Remote != "" && !slices.Contains(known, opt.Remote) && plainRemoteName(opt.Remote) {
		not = append(not, "--remotes="+opt.Remote) // tracking refs of a remote no longer configured
	}
	for _, oid := range olds {
		if oid != "" && !slices.Contains(not, oid) {
			not = append(not, oid)
		}
	}
	if p.Untracked, err = untracked(ctx, g, known); err != nil {
		return nil, err
	}
	mains := p.mainlines(ctx, g, stale)
	p.mains = mains
	// An update whose old commit was never fetched (the remote moved on
	// since): what the ref had as far as the hook knows is its tracking
	// ref. Without it, a forced update would be read as a new branch, and
	// a teammate's branch it brings as reviewed.
	lastKnown := make([]string, len(updates))
	for i, u := range updates {
		lastKnown[i] = olds[i]
		if lastKnown[i] == "" && !u.IsNew() {
			if lastKnown[i], err = trackedOld(ctx, g, p.Known, u.RemoteRef); err != nil {
				return nil, err
			}
		}
	}
	for i, u := range updates {
		ref := u.RemoteRef
		switch {
		case u.IsDelete():
			p.Skipped = append(p.Skipped, Skip{Ref: ref, Reason: "deletion"})
			continue
		case u.IsNotes() && notesShaped(ctx, g, u.LocalOID, not):
			p.Skipped = append(p.Skipped, Skip{Ref: ref, Reason: ReasonNotes})
			continue
		}
		head, kind, obj, err := peelCommit(ctx, g, u.LocalOID)
		if err != nil {
			return nil, err
		}
		if head == "" {
			// A tag (or any ref) of a tree or a blob: no history to review.
			p.Skipped = append(p.Skipped, Skip{Ref: ref, Reason: "not a commit", NotCommit: kind, Object: obj})
			continue
		}
		r, reason, err := rangeFor(ctx, g, u, head, lastKnown[i], not, mains, empty)
		if err != nil {
			return nil, err
		}
		p.pushed = append(p.pushed, pushed{ref: ref, head: head, old: olds[i]})
		for _, c := range r.New {
			p.fresh[c] = true
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
	if err := restoreBases(ctx, g, rs); err != nil {
		return err
	}
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

// Fresh returns the commits of commits that are new to the remote as far
// as the hook knows (an update's or a skipped tag's), or that an earlier
// blocked push holds (v may be nil). A blocked review records only these:
// never a commit the remote had already, which a range restored for the
// re-push rule (Review) may hold, and which a later push of it, clean,
// would otherwise find "blocked".
func (p *Plan) Fresh(commits []string, v *Verdicts) []string {
	var out []string
	for _, c := range commits {
		if p.fresh[c] || v != nil && v.Lookup(c) != nil {
			out = append(out, c)
		}
	}
	return out
}

// Above maps each commit of the plan's ranges that is not a pushed head to
// the heads of the ranges holding it: a review that passes judges the
// code of those heads, not of the commits below them (RecordPass).
func (p *Plan) Above() map[string][]string {
	heads := map[string]bool{}
	for _, r := range p.Ranges {
		heads[r.Head] = true
	}
	above := map[string][]string{}
	for _, r := range p.Ranges {
		for _, c := range r.New {
			if !heads[c] && !slices.Contains(above[c], r.Head) {
				above[c] = append(above[c], r.Head)
			}
		}
	}
	return above
}

// Upto narrows a blocked push's ranges to the history of head, one of their
// commits pushed again: the ranges whose commits include head, each cut at
// head (the commits reachable from head and not from the range's base). A
// push of an older commit of a blocked range reviews that commit's part
// only, never the blocked commits above it, which this push does not send.
// A range whose commits are not recorded (an older file) is kept whole.
func Upto(ctx context.Context, dir, head, empty string, rs []Range) ([]Range, error) {
	g := git{dir: dir}
	if err := restoreBases(ctx, g, rs); err != nil {
		return nil, err
	}
	var out []Range
	// Two ranges clipped to one head are one range (a push of a branch
	// and its fix, both holding the commit): one review, said once.
	add := func(r Range) {
		if i := slices.IndexFunc(out, func(o Range) bool { return o.Base == r.Base && o.Head == r.Head }); i >= 0 {
			for _, ref := range r.Refs {
				if !slices.Contains(out[i].Refs, ref) {
					out[i].Refs = append(out[i].Refs, ref)
				}
			}
			return
		}
		r.Refs = slices.Clone(r.Refs)
		out = append(out, r)
	}
	for _, r := range rs {
		switch {
		case r.Head == head || len(r.New) == 0:
			add(r)
		case slices.Contains(r.New, head):
			not := []string{"--not"}
			if r.Base != empty {
				not = append(not, r.Base)
			}
			cut, err := newSince(ctx, g, head, not, empty)
			if err != nil {
				return nil, err
			}
			if len(cut.New) == 0 {
				continue
			}
			cut.Refs = r.Refs
			add(cut)
		}
	}
	if len(out) == 0 {
		return rs, nil // head in none of them: the verdict's ranges, as saved
	}
	return out, nil
}

// Through extends ranges of a blocked push, each up to one of its commits
// (Upto), to head, a pushed descendant of that commit: base..head, the
// code the pushed ref will hold against the blocked range's base. A fix
// between the blocked commit and head (pushed with the hook skipped, say)
// is then read with it, and the push is judged by what it publishes, not
// by the blocked commit's own code. A range whose base is no ancestor of
// head is kept as it is.
func Through(ctx context.Context, dir string, rs []Range, head, empty string) ([]Range, error) {
	g := git{dir: dir}
	var out []Range
	for _, r := range rs {
		if r.Head == head {
			out = append(out, r)
			continue
		}
		not := []string{"--not"}
		if r.Base != empty {
			// A merged base (Sides) is no commit's ancestor: its sides are.
			below := []string{r.Base}
			if len(r.Sides) > 0 {
				below = r.Sides
			}
			under, err := allAncestors(ctx, g, below, head)
			if err != nil {
				return nil, err
			}
			if !under {
				out = append(out, r)
				continue
			}
			not = append(not, below...)
		}
		ext, err := newSince(ctx, g, head, not, empty)
		if err != nil {
			return nil, err
		}
		if len(ext.New) == 0 {
			out = append(out, r)
			continue
		}
		ext.Refs = r.Refs
		out = append(out, ext)
	}
	return out, nil
}

// trackedOld is the commit a known remote's tracking ref of the branch
// ref points to ("" for none, or a ref that is no branch).
func trackedOld(ctx context.Context, g git, known []string, ref string) (string, error) {
	branch, ok := strings.CutPrefix(ref, "refs/heads/")
	if !ok {
		return "", nil
	}
	for _, k := range known {
		oid, err := g.output(ctx, "rev-parse", "--verify", "--quiet", "refs/remotes/"+k+"/"+branch+"^{commit}")
		switch {
		case err == nil && oid != "":
			return oid, nil
		case err != nil && !exitedNonZero(err):
			return "", err
		}
	}
	return "", nil
}

// allAncestors reports whether every commit of cs is an ancestor of head.
func allAncestors(ctx context.Context, g git, cs []string, head string) (bool, error) {
	for _, c := range cs {
		if _, err := g.output(ctx, "merge-base", "--is-ancestor", c, head); err != nil {
			if exitedNonZero(err) {
				return false, nil
			}
			return false, err
		}
	}
	return true, nil
}

// reasonOnRemote skips a new branch or force-push whose commits the remote
// already has under other refs.
const reasonOnRemote = "nothing new (the remote has these commits under other refs)"

// peelCommit peels oid (an annotated tag, say) to a commit. When it is
// none (a tag of a tree or a blob), head is "" and kind and obj say what
// it is.
func peelCommit(ctx context.Context, g git, oid string) (head, kind, obj string, err error) {
	head, err = g.output(ctx, "rev-parse", "--verify", "--quiet", oid+"^{commit}")
	if err == nil {
		return head, "", "", nil
	}
	if !exitedNonZero(err) {
		return "", "", "", err
	}
	if obj, err = g.output(ctx, "rev-parse", "--verify", "--quiet", oid+"^{}"); err != nil {
		if exitedNonZero(err) {
			// git push sends only objects it has: this one comes from
			// elsewhere (stdin typed by hand, a hook run in another clone).
			return "", "", "", fmt.Errorf("the pushed object %s is not in this repository", oid)
		}
		return "", "", "", err
	}
	if kind, err = g.output(ctx, "cat-file", "-t", obj); err != nil {
		return "", "", "", err
	}
	return "", kind, obj, nil
}

// notesShaped reports whether every commit head brings (those reachable
// from none of not) holds git notes and nothing else: each path in its
// tree an object name, whole or fanned out into two-digit folders
// ("ab/cdef…"). A ref named refs/notes/x can hold any commit; one holding
// code is reviewed as code, whatever its name (helper 243). More than
// notesCheckMax new commits, or any git failure, reads as not notes.
func notesShaped(ctx context.Context, g git, head string, not []string) bool {
	out, err := g.output(ctx, append([]string{"rev-list", "--max-count=" + strconv.Itoa(notesCheckMax+1), head}, not...)...)
	if err != nil {
		return false
	}
	cs := lines(out)
	if len(cs) > notesCheckMax {
		return false
	}
	for _, c := range cs {
		names, err := g.output(ctx, "ls-tree", "-r", "--name-only", c)
		if err != nil {
			return false
		}
		for _, name := range lines(names) {
			if !noteName(name) {
				return false
			}
		}
	}
	return true
}

// notesCheckMax bounds the commits notesShaped reads.
const notesCheckMax = 100

// noteName reports whether a notes tree's path names an object: 40 or 64
// hex digits, the first ones possibly split into two-digit folders.
func noteName(p string) bool {
	parts := strings.Split(p, "/")
	hex := 0
	for i, part := range parts {
		if i < len(parts)-1 && len(part) != 2 || part == "" || strings.Trim(part, "0123456789abcdef") != "" {
			return false
		}
		hex += len(part)
	}
	return hex == 40 || hex == 64
}

// rangeFor is the range of one update to head, a commit: old is the
// remote's old oid peeled to a commit when it is one here ("" otherwise),
// not is "--not" followed by everything the remote is known to have, and
// mains are the remote's default branches (Plan.mainlines).
//
// An update of a ref whose old commit is here (a fast-forward, or a
// force-push) brings what neither that commit nor the remote's default
// branch has: main merged into the branch since is the team's code, not
// the push's. A commit the remote has only on another branch (a
// teammate's work in progress, pushed without review) is the push's to
// answer for when it brings it to this ref, fast-forwarded or forced.
// A new branch brings what the remote has under no ref.
func rangeFor(ctx context.Context, g git, u Update, head, old string, not, mains []string, empty string) (Range, string, error) {
	if old != "" {
		fastForward := false
		if _, err := g.output(ctx, "merge-base", "--is-ancestor", old, head); err == nil {
			fastForward = true
			out, err := g.output(ctx, "rev-list", "--max-count=1", old+".."+head)
			if err != nil {
				return Range{}, "", err
			}
			if out == "" {
				return Range{}, "nothing new", nil
			}
		} else if !exitedNonZero(err) {
			return Range{}, "", err
		}
		// A fast-forward or a force-push of a ref whose old commit is here:
		// what the ref had, and the default branch, are not the push's.
		// With no default branch known, a force-push keeps every ref the
		// remote has (a feature rebased onto the team's branch is not
		// charged with it); a fast-forward keeps old..head.
		switch {
		case len(mains) > 0:
			not = append([]string{"--not", old}, mains...)
		case fastForward:
			not = []string{"--not", old}
		}
	}
	r, err := newSince(ctx, g, head, not, empty)
	if err != nil {
		return Range{}, "", err
	}
	if len(r.New) == 0 {
		return Range{Head: head}, reasonOnRemote, nil
	}
	r.Refs = []string{u.RemoteRef}
	return r, "", nil
}

// newSince is the range of the commits reachable from head and from none
// of not ("--not" and revisions): its base is the history they leave from
// (baseFor), or the empty tree when all of it is new. Where git cannot
// merge (older than 2.38), the base is where that history meets the rest
// along head's first-parent chain. No new commit: a range with no New.
func newSince(ctx context.Context, g git, head string, not []string, empty string) (Range, error) {
	r := Range{Head: head}
	out, err := g.output(ctx, append([]string{"rev-list", "--parents", head}, not...)...)
	if err != nil {
		return Range{}, err
	}
	revs := lines(out)
	if len(revs) == 0 {
		return r, nil
	}
	for _, l := range revs {
		c, _, _ := strings.Cut(l, " ")
		r.New = append(r.New, c)
	}
	base, sides, ok, err := baseFor(ctx, g, revs, empty)
	if err != nil {
		return Range{}, err
	}
	if ok {
		r.Base, r.Sides = base, sides
		return r, nil
	}
	chain, err := g.output(ctx, append([]string{"rev-list", "--first-parent", head}, not...)...)
	if err != nil {
		return Range{}, err
	}
	cl := lines(chain)
	oldest := cl[len(cl)-1]
	parent, err := g.output(ctx, "rev-parse", "--verify", "--quiet", oldest+"^1")
	switch {
	case err == nil:
		r.Base = parent
	case exitedNonZero(err):
		r.Base = empty // a root commit: the whole history is new
	default:
		return Range{}, err
	}
	return r, nil
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

// fold drops each range whose commits all lie in another range of the same
// head: B2..H contains B1..H when B2 is an ancestor of B1, and both end in
// one tree. A range inside another with an older head is kept: its ref
// points the remote at that older tree, which must pass on its own (a bug
// its commits added and a later commit fixed is in no diff of the newer
// head).
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
			if i == j || p.Ranges[i].Head != p.Ranges[j].Head {
				continue
			}
			in, out := p.Ranges[i], p.Ranges[j]
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
// first, keeping push order among equal times: the order a push of several
// refs is reviewed in (a file the same in two ranges is reviewed once).
func NewestFirst(ctx context.Context, dir string, rs []Range) ([]Range, error) {
	if len(rs) < 2 {
		return rs, nil
	}
	// Each head once: git shows a commit named twice once (two ranges of
	// one head, over bases no fold can join).
	var heads []string
	for _, r := range rs {
		if !slices.Contains(heads, r.Head) {
			heads = append(heads, r.Head)
		}
	}
	out, err := git{dir: dir}.output(ctx, append([]string{"show", "-s", "--format=%ct"}, heads...)...)
	if err != nil {
		return nil, err
	}
	ts := lines(out)
	if len(ts) != len(heads) {
		return nil, fmt.Errorf("git show: %d commit times for %d heads", len(ts), len(heads))
	}
	when := map[string]int64{}
	for i, h := range heads {
		t, err := strconv.ParseInt(strings.TrimSpace(ts[i]), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("git show: commit time %q of %s", ts[i], h)
		}
		when[h] = t
	}
	type timed struct {
		r Range
		t int64
	}
	all := make([]timed, len(rs))
	for i, r := range rs {
		all[i] = timed{r, when[r.Head]}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].t > all[j].t })
	out2 := make([]Range, len(all))
	for i, x := range all {
		out2[i] = x.r
	}
	return out2, nil
}
