package hook

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"
)

// A push let through unreviewed is remembered beside the blocked verdicts:
// it survives their updates (each reloads the file under the lock), is
// found while its commits are in the branch's history (not after a
// rewrite), and is forgotten once a push has reviewed all of its commits.
func TestUnreviewedPushes(t *testing.T) {
	r := newRepo(t)
	c1 := r.commit("one")
	c2 := r.commit("two")
	ctx := context.Background()
	load := func() *Verdicts {
		t.Helper()
		v, err := LoadVerdicts(ctx, r.dir)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	at := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	u := Unreviewed{Ranges: []Range{{Base: c1, Head: c2, New: []string{c2}}}, Commits: []string{c2}, Reason: "ollama is not running", Time: at}
	stale := load() // a push that loaded the file before this one recorded
	if err := load().RecordUnreviewed(u); err != nil {
		t.Fatal(err)
	}
	// A block of other commits, recorded from the stale copy, keeps it.
	if err := stale.Record([]string{c1}, &Blocked{Report: "r.md"}); err != nil {
		t.Fatal(err)
	}
	got := load().UnreviewedIn(ctx, r.run("rev-parse", "HEAD"))
	if len(got) != 1 || got[0].Reason != "ollama is not running" || !got[0].Time.Equal(at) || got[0].Commits[0] != c2 {
		t.Fatalf("unreviewed pushes: %+v", got)
	}
	// Not in the history of a branch that does not hold its commits.
	if got := load().UnreviewedIn(ctx, c1); len(got) != 0 {
		t.Fatalf("in the history of %s: %+v", c1, got)
	}
	// A review of other commits does not forget it; one of its commits does.
	if err := load().Record([]string{c1}, nil); err != nil {
		t.Fatal(err)
	}
	if len(load().Unreviewed) != 1 {
		t.Fatal("forgotten after a review of other commits")
	}
	// A review of its commits that blocks them does not forget it either:
	// the remote holds them all the same.
	if err := load().Record([]string{c2}, &Blocked{Report: "r2.md"}); err != nil {
		t.Fatal(err)
	}
	if len(load().Unreviewed) != 1 {
		t.Fatal("forgotten after a review that blocked its commits")
	}
	if err := load().Record([]string{c2}, nil); err != nil {
		t.Fatal(err)
	}
	if v := load(); len(v.Unreviewed) != 0 {
		t.Fatalf("still remembered after its commits passed a review: %+v", v.Unreviewed)
	}
}

// A push of two diverging branches let through unreviewed is named on
// either branch: each holds one of its ranges.
func TestUnreviewedPushOfDivergingBranches(t *testing.T) {
	r := newRepo(t)
	base := r.commit("base")
	x1 := r.commit("x1")
	r.run("checkout", "-q", "-b", "x2", base)
	x2 := r.commit("x2")
	ctx := context.Background()
	v, err := LoadVerdicts(ctx, r.dir)
	if err != nil {
		t.Fatal(err)
	}
	u := Unreviewed{Ranges: []Range{{Base: base, Head: x1, New: []string{x1}}, {Base: base, Head: x2, New: []string{x2}}}, Commits: []string{x1, x2}, Reason: "ollama is not running"}
	if err := v.RecordUnreviewed(u); err != nil {
		t.Fatal(err)
	}
	for _, head := range []string{x1, x2} {
		if got := v.UnreviewedIn(ctx, head); len(got) != 1 {
			t.Errorf("on %s: %+v", head, got)
		}
	}
	if got := v.UnreviewedIn(ctx, base); len(got) != 0 {
		t.Errorf("on the base: %+v", got)
	}
}

// Past MaxBlocked blocks the file forgets the oldest, those below a
// passing fix (which hold back only a ref at them) first, and says how
// many it forgot.
func TestBlocksPastTheBoundForgetTheOldest(t *testing.T) {
	r := newRepo(t)
	commits := []string{r.commit("one"), r.commit("two")}
	ctx := context.Background()
	v, err := LoadVerdicts(ctx, r.dir)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	for i := range MaxBlocked {
		b := Blocked{Commits: []string{fmt.Sprintf("%040d", i)}, Report: fmt.Sprint(i), Time: at.Add(time.Duration(i) * time.Minute)}
		if i == 500 {
			b.PassedAbove = []string{"fix"}
		}
		v.Blocked = append(v.Blocked, b)
	}
	if err := v.save(); err != nil {
		t.Fatal(err)
	}
	for step, want := range []string{"500", "0"} {
		v, err := LoadVerdicts(ctx, r.dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Record(commits[step:step+1], &Blocked{Report: fmt.Sprint("new", step), Time: at.Add(time.Hour * 24)}); err != nil {
			t.Fatal(err)
		}
		if v.Forgotten != 1 {
			t.Fatalf("step %d: forgot %d blocks, want 1", step, v.Forgotten)
		}
		v, _ = LoadVerdicts(ctx, r.dir)
		if len(v.Blocked) != MaxBlocked || slices.ContainsFunc(v.Blocked, func(b Blocked) bool { return b.Report == want }) {
			t.Fatalf("step %d: %d blocks, block %s still kept", step, len(v.Blocked), want)
		}
	}
}
