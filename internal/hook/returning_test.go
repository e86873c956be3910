package hook

import (
	"context"
	"testing"
)

// Returning finds a blocked commit the remote has (pushed there without
// review) below a pushed commit, for a ref that did not have it: a new
// branch or a force-push. A ref that had it already (its old commit holds
// it), a blocked commit the push itself brings (reviewed in its own range)
// and a blocked commit no longer here are not returned.
func TestReturning(t *testing.T) {
	r := newRepo(t)
	ctx := context.Background()
	c1 := r.commit("one")
	r.run("push", "-q", "--no-verify", "origin", "main")
	bad := r.commit("bad")
	empty := r.run("hash-object", "-t", "tree", "/dev/null")
	v, err := LoadVerdicts(ctx, r.dir)
	if err != nil {
		t.Fatal(err)
	}
	gone := "0123456789012345678901234567890123456789"
	if err := v.Record([]string{bad, gone}, &Blocked{Ranges: []Range{{Base: c1, Head: bad, New: []string{bad}}}, Findings: []Finding{{ID: "Q1"}}}); err != nil {
		t.Fatal(err)
	}

	// Pushed fast-forward to main, bad is new to the remote: reviewed in
	// main's own range, not returned.
	p := r.plan(PlanOptions{}, line("refs/heads/main", bad, "refs/heads/main", c1))
	if back, err := p.Returning(ctx, r.dir, v); err != nil || len(back) != 0 {
		t.Fatalf("bad new to the remote: %+v %v", back, err)
	}

	// bad reaches the remote under scratch without review; docs on top.
	r.run("push", "-q", "--no-verify", "origin", "main:refs/heads/scratch")
	docs := r.commit("docs")

	// A new branch at docs: only docs is new, and bad comes back.
	p = r.plan(PlanOptions{}, line("refs/heads/main", docs, "refs/heads/feature", z40))
	if got := ranges(p); len(got) != 1 || got[0] != bad+".."+docs {
		t.Fatalf("new branch: ranges %v", got)
	}
	back, err := p.Returning(ctx, r.dir, v)
	if err != nil || len(back) != 1 || back[0] != (Returning{Ref: "refs/heads/feature", Head: docs, Commit: bad}) {
		t.Fatalf("new branch: %+v %v", back, err)
	}
	rs, err := Upto(ctx, r.dir, bad, empty, v.Lookup(bad).Ranges)
	if err != nil || len(rs) != 1 || rs[0].String() != c1+".."+bad {
		t.Fatalf("upto: %+v %v", rs, err)
	}

	// main fast-forward from one: its own range one..docs holds bad, which
	// is reviewed there; nothing to bring back.
	p = r.plan(PlanOptions{}, line("refs/heads/main", docs, "refs/heads/main", c1))
	if got := ranges(p); len(got) != 1 || got[0] != c1+".."+docs {
		t.Fatalf("main from one: ranges %v", got)
	}
	if back, err := p.Returning(ctx, r.dir, v); err != nil || len(back) != 0 {
		t.Fatalf("main from one: %+v %v", back, err)
	}

	// scratch fast-forward: scratch has bad already; nothing comes back.
	p = r.plan(PlanOptions{}, line("refs/heads/main", docs, "refs/heads/scratch", bad))
	if back, err := p.Returning(ctx, r.dir, v); err != nil || len(back) != 0 {
		t.Fatalf("scratch fast-forward: %+v %v", back, err)
	}

	// A branch of one alone never had bad below it.
	p = r.plan(PlanOptions{}, line("refs/heads/main", c1, "refs/heads/old", z40))
	if back, err := p.Returning(ctx, r.dir, v); err != nil || len(back) != 0 {
		t.Fatalf("branch at one: %+v %v", back, err)
	}

	// Nothing blocked: no git call, nothing returned.
	if err := v.Record([]string{bad, gone}, nil); err != nil {
		t.Fatal(err)
	}
	p = r.plan(PlanOptions{}, line("refs/heads/main", docs, "refs/heads/feature", z40))
	if back, err := p.Returning(ctx, r.dir, v); err != nil || len(back) != 0 {
		t.Fatalf("after the pass: %+v %v", back, err)
	}
}
