package hook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/quorum-review/quorum/internal/atomicfile"
	"github.com/quorum-review/quorum/internal/filelock"

	"github.com/quorum-review/quorum/internal/safetext"
)

// Finding is one blocking finding as the hook shows it and remembers it.
type Finding struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	File     string `json:"file"`
	Line     int    `json:"line,omitempty"`
	EndLine  int    `json:"end_line,omitempty"`
	// LineKind is the report's: "context" when every line the finding is
	// anchored to is an unchanged line (the hook marks it so, as the
	// reports do); Deleted, with OldLine..OldEndLine, a finding about
	// deleted code.
	LineKind   string   `json:"line_kind,omitempty"`
	Deleted    bool     `json:"deleted,omitempty"`
	OldLine    int      `json:"old_line,omitempty"`
	OldEndLine int      `json:"old_end_line,omitempty"`
	Title      string   `json:"title"`
	Reviewers  []string `json:"reviewers,omitempty"`
	SeenBy     int      `json:"seen_by,omitempty"`
	// Code is the text of the added lines the finding is anchored to, one
	// per line ("" for deleted, unchanged or file-level code): what
	// Carried looks for when the blocked commits come back rewritten
	// (squashed, rebased, amended), every line of it. Files saved before
	// hold the first line only.
	Code string `json:"code,omitempty"`
	// Gone are the lines a finding on deleted code was about, as the
	// blocked change deleted them, one per line: what a fix puts back.
	Gone string `json:"gone,omitempty"`
	// Report is the report.md of the review that found it, when a push
	// was several reviews (two versions of a file); "" means the blocked
	// verdict's Report.
	Report string `json:"report,omitempty"`
	// AllPlaces says its dismissal needs --all-places: its code is on
	// several lines of its file, or it groups findings at several places.
	AllPlaces bool `json:"all_places,omitempty"`
}

// Blocked is the saved verdict of one blocked push: its new commits, the
// findings that blocked it and its report.
type Blocked struct {
	Commits []string `json:"commits"`
	// Ranges are what the blocked push reviewed: an update with no commit
	// the remote lacks reviews them again (Plan.Review), so the verdict is
	// the same one, now with the answers from the cache and any dismissal.
	Ranges   []Range   `json:"ranges"`
	Findings []Finding `json:"findings"`
	Report   string    `json:"report,omitempty"`
	Time     time.Time `json:"time"`
	// PassedAbove, when set, are the pushed heads of a review that passed
	// with these commits below its head: that review judged the head's
	// code, not theirs, so the block still holds a ref pushed at one of
	// them (LookupAny), and a ref whose history has one of them but none
	// of these heads (Returning). It no longer blocks a push that reviews
	// them in its own range, nor one on top of such a head.
	PassedAbove []string `json:"passed_above,omitempty"`
	// Remote is the remote the blocked push went to (Plan.Remote); ""
	// in files saved before it was recorded, which count for every
	// remote. What a remote has under other refs (Returning) is only
	// that remote's business: a push blocked on a mirror neither brings
	// origin's commits back nor undoes origin's record of a fix.
	Remote string `json:"remote,omitempty"`
}

// For reports whether the block counts for the remote of plan p.
func (b *Blocked) For(p *Plan) bool {
	return b.Remote == "" || p == nil || b.Remote == p.Remote || slices.Contains(p.Known, b.Remote)
}

// Lines are the finding's code, squeezed of whitespace, blank lines left
// out: its added lines (Code, one per line), or for a finding on deleted
// code the lines deleted (Gone).
func (f Finding) Lines() []string {
	text := f.Code
	if f.Deleted {
		text = f.Gone
	}
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = squeeze(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// Superseded says a review that passed has these commits below its head.
func (b *Blocked) Superseded() bool { return len(b.PassedAbove) > 0 }

// Unreviewed is a push the hook let through under hook.on_unavailable:
// allow without a complete review: with none (Ollama down, nothing
// finished within hook.timeout, every changed file over the size limit),
// or with a partial one (Partial: the timeout, a failed reviewer, a file
// no reviewer read or one over the size limit, a panel model missing). The
// remote has its commits since, so no later push reviews them: 'quorum
// status' names them, with the command that reviews them now.
type Unreviewed struct {
	Ranges  []Range   `json:"ranges"`
	Commits []string  `json:"commits"`
	Reason  string    `json:"reason,omitempty"`
	Partial bool      `json:"partial,omitempty"`
	Time    time.Time `json:"time"`
}

// Verdicts remembers which commits a push was blocked for, so that the
// same commits pushed again get the same verdict even when the remote
// already has them under another name (a push made with --no-verify or
// QUORUM_SKIP): see PlanPush's Skip.OnRemote. A later review that passes
// forgets the commits it pushed as heads, and marks those below its heads
// (Blocked.PassedAbove). It also remembers the pushes that went
// through unreviewed, until a push reviews all of their commits.
type Verdicts struct {
	path       string
	dir        string
	Blocked    []Blocked    `json:"blocked"`
	Unreviewed []Unreviewed `json:"unreviewed,omitempty"`
	// damaged says the saved file is there but cannot be read (JSON that
	// does not parse, a file with no read permission): which pushes were
	// blocked is unknown. It is never overwritten while so (Record and
	// RecordUnreviewed refuse), so a block is not lost to a damaged byte.
	damaged error
	// Forgotten counts the blocks the last Record dropped to keep the file
	// within MaxBlocked, for the hook to say so.
	Forgotten int
}

// verdictsFile is under the common git directory: every worktree shares it.
const verdictsFile = "hook-verdicts.json"

// verdictsLockWait bounds the wait for another push's read and write of
// the file: one that holds it longer is stuck, and the push says so rather
// than hanging past hook.timeout.
var verdictsLockWait = 30 * time.Second

// MaxBlocked and maxUnreviewed bound the file: the oldest entries are
// dropped first (of blocks, those below a passing fix before the rest).
const (
	MaxBlocked    = 1000
	maxUnreviewed = 100
)

// LoadVerdicts reads the saved verdicts of the repository at dir; a missing
// file is an empty record, and one that cannot be read is empty and
// Damaged.
func LoadVerdicts(ctx context.Context, dir string) (*Verdicts, error) {
	common, err := git{dir: dir}.output(ctx, "rev-parse", "--path-format=absolute", "--git-common-dir")
	if err != nil {
		return nil, err
	}
	v := &Verdicts{path: filepath.Join(common, "quorum", verdictsFile), dir: dir}
	if err := v.reload(); err != nil {
		return nil, err
	}
	return v, nil
}

// Without is v less the blocked verdicts lifted reports true for (their
// findings dismissed since, say): a view to look blocks up in, never to
// record into (Record reads the file again).
func (v *Verdicts) Without(lifted func(*Blocked) bool) *Verdicts {
	if v == nil {
		return nil
	}
	view := &Verdicts{path: v.path, dir: v.dir, Unreviewed: v.Unreviewed, damaged: v.damaged}
	for i := range v.Blocked {
		if !lifted(&v.Blocked[i]) {
			view.Blocked = append(view.Blocked, v.Blocked[i])
		}
	}
	return view
}

// Lookup returns the saved blocked verdict covering commit, or nil; a
// block a passing review has the commit below its head no longer counts
// (see LookupAny).
func (v *Verdicts) Lookup(commit string) *Blocked {
	for i := len(v.Blocked) - 1; i >= 0; i-- {
		if !v.Blocked[i].Superseded() && slices.Contains(v.Blocked[i].Commits, commit) {
			return &v.Blocked[i]
		}
	}
	return nil
}

// LookupAny is Lookup counting superseded blocks too: for a ref pushed at
// the commit itself, whose code no passing review has judged.
func (v *Verdicts) LookupAny(commit string) *Blocked {
	if b := v.Lookup(commit); b != nil {
		return b
	}
	for i := len(v.Blocked) - 1; i >= 0; i-- {
		if slices.Contains(v.Blocked[i].Commits, commit) {
			return &v.Blocked[i]
		}
	}
	return nil
}

// Record saves a review's verdict on commits: a blocked one is remembered,
// a passing one forgets any earlier block of the same commits. Pushes from
// several work trees share the file, and a review takes minutes, so the
// file is read again under a lock and only this push's change is applied:
// a concurrent push's verdict is never overwritten by a stale copy.
func (v *Verdicts) Record(commits []string, blocked *Blocked) error {
	return v.record(commits, nil, blocked)
}

// RecordPass saves a passing review of commits whose pushed heads are
// above's values: a commit that is a head (not a key of above) is
// forgotten, and one below a head stays blocked for a ref pushed at it,
// marked with the heads that passed (Blocked.PassedAbove).
func (v *Verdicts) RecordPass(commits []string, above map[string][]string) error {
	return v.record(commits, above, nil)
}

func (v *Verdicts) record(commits []string, above map[string][]string, blocked *Blocked) error {
	v.Forgotten = 0
	unlock, err := v.lockAndReload()
	if err != nil {
		return err
	}
	defer unlock()
	if len(commits) == 0 {
		blocked = nil // no commit to hold the verdict
	}
	changed := blocked != nil
	kept := v.Blocked[:0]
	var superseded []Blocked
	for _, b := range v.Blocked {
		n := len(b.Commits)
		var below []string
		var heads []string
		b.Commits = slices.DeleteFunc(b.Commits, func(c string) bool {
			if !slices.Contains(commits, c) {
				return false
			}
			if blocked != nil && b.Remote != blocked.Remote && (b.Remote != "" || b.Superseded()) {
				return false // another remote's record of the commit stands
			}
			if hs := above[c]; blocked == nil && len(hs) > 0 {
				below = append(below, c)
				heads = append(heads, hs...)
			}
			return true
		})
		changed = changed || len(b.Commits) != n
		if len(b.Commits) > 0 {
			kept = append(kept, b)
		}
		if len(below) > 0 {
			s := b
			s.Commits = below
			s.PassedAbove = append(slices.Clone(b.PassedAbove), heads...)
			slices.Sort(s.PassedAbove)
			s.PassedAbove = slices.Compact(s.PassedAbove)
			superseded = append(superseded, s)
		}
	}
	v.Blocked = append(kept, superseded...)
	// A push that went through unreviewed is forgotten once all of its
	// commits have passed a review; a review that blocks them leaves the
	// remote holding them all the same, so status still names it.
	unreviewed := v.Unreviewed[:0]
	for _, u := range v.Unreviewed {
		if blocked != nil || slices.ContainsFunc(u.Commits, func(c string) bool { return !slices.Contains(commits, c) }) {
			unreviewed = append(unreviewed, u)
		}
	}
	changed = changed || len(unreviewed) != len(v.Unreviewed)
	v.Unreviewed = unreviewed
	if !changed {
		return nil // a pass of commits never blocked: nothing to write
	}
	if blocked != nil {
		b := *blocked
		b.Commits = slices.Clone(commits)
		v.Blocked = append(v.Blocked, b)
	}
	if over := len(v.Blocked) - MaxBlocked; over > 0 {
		v.Blocked = dropOldest(v.Blocked, over)
		v.Forgotten = over
	}
	return v.save()
}

// dropOldest removes n blocks, oldest first among those a passing fix
// stands above (they hold back only a ref at them), then oldest first
// among the rest. The order of what is kept is unchanged.
func dropOldest(blocks []Blocked, n int) []Blocked {
	order := make([]int, len(blocks))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		sa, sb := blocks[a].Superseded(), blocks[b].Superseded()
		switch {
		case sa == sb:
			return blocks[a].Time.Compare(blocks[b].Time)
		case sa:
			return -1
		}
		return 1
	})
	drop := map[int]bool{}
	for _, i := range order[:n] {
		drop[i] = true
	}
	kept := blocks[:0]
	for i, b := range blocks {
		if !drop[i] {
			kept = append(kept, b)
		}
	}
	return kept
}

// lockAndReload takes the file's lock and reads the file again under it,
// so a change is applied to what concurrent pushes left, never to a stale
// copy. The caller unlocks.
func (v *Verdicts) lockAndReload() (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(v.path), 0o755); err != nil {
		return nil, err
	}
	l, err := filelock.Acquire(context.Background(), v.path+".lock", verdictsLockWait)
	if errors.Is(err, filelock.ErrBusy) {
		return nil, fmt.Errorf("%s stayed locked by another quorum process (a push, a background review) for %v", v.path, verdictsLockWait)
	}
	if err != nil {
		return nil, err
	}
	unlock = func() { _ = l.Release() }
	if err := v.reload(); err != nil {
		unlock()
		return nil, err
	}
	if v.damaged != nil {
		unlock()
		return nil, v.damaged
	}
	return unlock, nil
}

// RecordUnreviewed remembers a push that went through without a complete
// review, under the lock as Record does.
func (v *Verdicts) RecordUnreviewed(u Unreviewed) error {
	unlock, err := v.lockAndReload()
	if err != nil {
		return err
	}
	defer unlock()
	u.Commits = slices.Clone(u.Commits)
	v.Unreviewed = append(v.Unreviewed, u)
	if len(v.Unreviewed) > maxUnreviewed {
		v.Unreviewed = v.Unreviewed[len(v.Unreviewed)-maxUnreviewed:]
	}
	return v.save()
}

// UnreviewedIn returns the pushes that went through unreviewed with a
// range in the history of head (commits of this branch, not rewritten
// since), newest first. One range is enough: a push of two diverging
// branches has each in the history of its own branch only, and is named
// on either.
func (v *Verdicts) UnreviewedIn(ctx context.Context, head string) []Unreviewed {
	g := git{dir: v.dir}
	var out []Unreviewed
	for _, u := range slices.Backward(v.Unreviewed) {
		for _, r := range u.Ranges {
			// Exit 1 is "not an ancestor"; any other failure (a commit
			// that is gone) counts as not in the history either.
			if _, err := g.output(ctx, "merge-base", "--is-ancestor", r.Head, head); err == nil {
				out = append(out, u)
				break
			}
		}
	}
	return out
}

// reload reads the file again (a missing or damaged one is empty).
func (v *Verdicts) reload() error {
	v.Blocked, v.Unreviewed, v.damaged = nil, nil, nil
	b, err := os.ReadFile(v.path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		v.damaged = fmt.Errorf("the hook's saved verdicts %s cannot be read: %w", v.path, err)
		return nil
	}
	var fresh Verdicts
	if err := json.Unmarshal(b, &fresh); err != nil {
		v.damaged = fmt.Errorf("the hook's saved verdicts %s are damaged (%v)", v.path, err)
		return nil
	}
	if err := checkShape(b, &fresh); err != nil {
		v.damaged = fmt.Errorf("the hook's saved verdicts %s are damaged (%v)", v.path, err)
		return nil
	}
	v.Blocked, v.Unreviewed = fresh.Blocked, fresh.Unreviewed
	return nil
}

// checkShape refuses JSON that parses but is not what save writes: read
// as "nothing was blocked", `null`, `{}` or a block with no commits would
// let a blocked commit through. save always writes an object with a
// "blocked" key, and every entry it records names commits or ranges.
func checkShape(b []byte, v *Verdicts) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil || top == nil {
		return errors.New("not a JSON object")
	}
	if _, ok := top["blocked"]; !ok {
		return errors.New(`no "blocked" list`)
	}
	for i, bl := range v.Blocked {
		if len(bl.Commits) == 0 && len(bl.Ranges) == 0 {
			return fmt.Errorf("blocked entry %d names no commit", i+1)
		}
	}
	for i, u := range v.Unreviewed {
		if len(u.Commits) == 0 && len(u.Ranges) == 0 {
			return fmt.Errorf("unreviewed entry %d names no commit", i+1)
		}
	}
	return nil
}

// Damaged says why the saved verdicts cannot be read, nil when they can
// (or there are none): then no push is known to have been blocked, and a
// push the hook cannot review whole must not go through on that.
func (v *Verdicts) Damaged() error {
	if v == nil {
		return nil
	}
	return v.damaged
}

// DamagedHint is what to do about a damaged verdicts file.
func (v *Verdicts) DamagedHint() string {
	return fmt.Sprintf("look at %s (a block it records is lost if it is deleted), then move it aside: mv %s %s.bak", v.path, v.path, v.path)
}

// save writes the file atomically and durably (synced before the rename):
// a crash leaves the old verdicts or the new ones, never an empty file.
func (v *Verdicts) save() error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	b = safetext.EscapeJSON(b) // finding titles are model text
	return atomicfile.Write(v.path, append(b, '\n'), 0o644)
}
