package hook

import (
	"context"
	"os"
	"path/filepath"
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

	// The remote's default branch has bad (merged there by a push that
	// skipped the hook): a branch made from it does not bring bad back.
	r.run("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/scratch")
	p = r.plan(PlanOptions{}, line("refs/heads/main", docs, "refs/heads/feature", z40))
	if back, err := p.Returning(ctx, r.dir, v); err != nil || len(back) != 0 {
		t.Fatalf("bad on the remote's default branch: %+v %v", back, err)
	}
	r.run("symbolic-ref", "--delete", "refs/remotes/origin/HEAD")
	// With no remote HEAD recorded, the remote's main stands for it.
	was := r.run("rev-parse", "refs/remotes/origin/main")
	r.run("update-ref", "refs/remotes/origin/main", bad)
	p = r.plan(PlanOptions{}, line("refs/heads/main", docs, "refs/heads/feature", z40))
	if back, err := p.Returning(ctx, r.dir, v); err != nil || len(back) != 0 {
		t.Fatalf("bad on the remote's main: %+v %v", back, err)
	}
	r.run("update-ref", "refs/remotes/origin/main", was)

	// Nothing blocked: no git call, nothing returned.
	if err := v.Record([]string{bad, gone}, nil); err != nil {
		t.Fatal(err)
	}
	p = r.plan(PlanOptions{}, line("refs/heads/main", docs, "refs/heads/feature", z40))
	if back, err := p.Returning(ctx, r.dir, v); err != nil || len(back) != 0 {
		t.Fatalf("after the pass: %+v %v", back, err)
	}
}

// A fix pushed above a blocked commit passes over it: the commit stays
// blocked for a ref pushed at it (LookupAny), and for a ref whose history
// has it without the fix, but a commit on top of the fix brings nothing
// back. A pass with the commit as a head forgets it.
func TestReturningAfterAFixAbove(t *testing.T) {
	r := newRepo(t)
	ctx := context.Background()
	c1 := r.commit("one")
	r.run("push", "-q", "--no-verify", "origin", "main")
	bad := r.commit("bad")
	v, err := LoadVerdicts(ctx, r.dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Record([]string{bad}, &Blocked{Ranges: []Range{{Base: c1, Head: bad, New: []string{bad}}}, Findings: []Finding{{ID: "Q1"}}}); err != nil {
		t.Fatal(err)
	}
	fix := r.commit("fix")
	p := r.plan(PlanOptions{}, line("refs/heads/main", fix, "refs/heads/main", c1))
	if above := p.Above(); len(above) != 1 || len(above[bad]) != 1 || above[bad][0] != fix {
		t.Fatalf("above: %v", above)
	}
	if err := v.RecordPass(p.Commits, p.Above()); err != nil {
		t.Fatal(err)
	}
	if b := v.Lookup(bad); b != nil {
		t.Fatalf("a pass above bad: still blocks its own range: %+v", b)
	}
	b := v.LookupAny(bad)
	if b == nil || !b.Superseded() || len(b.PassedAbove) != 1 || b.PassedAbove[0] != fix || len(b.Findings) != 1 {
		t.Fatalf("a pass above bad forgot the block of bad itself: %+v", b)
	}
	r.run("push", "-q", "--no-verify", "origin", "main")

	// On top of the fix, as a new branch: nothing comes back.
	top := r.commit("top")
	p = r.plan(PlanOptions{}, line("refs/heads/main", top, "refs/heads/feature", z40))
	if back, err := p.Returning(ctx, r.dir, v); err != nil || len(back) != 0 {
		t.Fatalf("on top of the fix: %+v %v", back, err)
	}

	// On top of bad beside the fix: bad comes back.
	r.run("checkout", "-q", "-b", "side", bad)
	side := r.commit("side")
	p = r.plan(PlanOptions{}, line("refs/heads/side", side, "refs/heads/side", z40))
	back, err := p.Returning(ctx, r.dir, v)
	if err != nil || len(back) != 1 || back[0].Commit != bad {
		t.Fatalf("beside the fix: %+v %v", back, err)
	}

	// main force-pushed back onto bad, the fix dropped: main had bad, but
	// below the fix; bad comes back, main being the default branch or not.
	r.run("fetch", "-q", "origin")
	r.run("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
	p = r.plan(PlanOptions{}, line("refs/heads/side", side, "refs/heads/main", fix))
	back, err = p.Returning(ctx, r.dir, v)
	if err != nil || len(back) != 1 || back[0].Commit != bad {
		t.Fatalf("force-push dropping the fix: %+v %v", back, err)
	}
	// A push of it blocked on another remote (a mirror) records its own
	// block, and origin's record of the fix above stands: the force-push
	// to origin still brings bad back.
	if err := v.Record([]string{bad}, &Blocked{Remote: "mirror", Ranges: []Range{{Base: c1, Head: side, New: []string{side, bad}}}, Findings: []Finding{{ID: "Q1"}}}); err != nil {
		t.Fatal(err)
	}
	p = r.plan(PlanOptions{}, line("refs/heads/side", side, "refs/heads/main", fix))
	back, err = p.Returning(ctx, r.dir, v)
	if err != nil || len(back) != 1 || back[0].Commit != bad {
		t.Fatalf("force-push after a block on a mirror: %+v %v", back, err)
	}

	// A fast-forward of main keeps the fix below: nothing comes back.
	p = r.plan(PlanOptions{}, line("refs/heads/main", top, "refs/heads/main", fix))
	if back, err := p.Returning(ctx, r.dir, v); err != nil || len(back) != 0 {
		t.Fatalf("fast-forward over the fix: %+v %v", back, err)
	}

	// A pass of bad as a head (its findings dismissed, say) forgets it.
	if err := v.RecordPass([]string{bad}, map[string][]string{}); err != nil {
		t.Fatal(err)
	}
	if b := v.LookupAny(bad); b != nil {
		t.Fatalf("a pass of bad itself kept its block: %+v", b)
	}
}

// write sets a file of the work tree and commits it.
func (r *repo) write(path, text, msg string) string {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, path), []byte(text), 0o644); err != nil {
		r.t.Fatal(err)
	}
	r.run("add", "-A")
	r.run("commit", "-q", "-m", msg)
	return r.run("rev-parse", "HEAD")
}

// Work with the fix in its history but the blocked code in its tree brings
// the blocked commit back: a two-line finding (every line counts, not the
// signature alone), the file renamed (a tree without it proves nothing),
// and a finding on deleted code the fix put back.
func TestReturningWhenTheTreeKeepsTheBlockedCode(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name            string
		before, blocked string // store.go at the base and at the blocked commit
		fixed           string // store.go after the fix
		finding         Finding
		rename          bool // the side branch renames store.go first
	}{
		{name: "two-line finding",
			before: "package s\n", blocked: "package s\nfunc Delete(n string) {\n\tq := \"DELETE \" + n\n}\n",
			fixed:   "package s\nfunc Delete(n string) {\n\tq := \"DELETE ?\"\n}\n",
			finding: Finding{ID: "Q1", File: "store.go", Code: "func Delete(n string) {\n\tq := \"DELETE \" + n"}},
		{name: "renamed file",
			before: "package s\n", blocked: "package s\nvar q = \"DELETE \" + n\n", fixed: "package s\nvar q = \"DELETE ?\"\n",
			finding: Finding{ID: "Q1", File: "store.go", Code: "var q = \"DELETE \" + n"}, rename: true},
		{name: "deleted guard",
			before:  "package s\nfunc mean(xs []int) int {\n\tif len(xs) == 0 {\n\t\treturn 0\n\t}\n\treturn sum(xs) / len(xs)\n}\n",
			blocked: "package s\nfunc mean(xs []int) int {\n\treturn sum(xs) / len(xs)\n}\n",
			fixed:   "package s\nfunc mean(xs []int) int {\n\tif len(xs) == 0 {\n\t\treturn 0\n\t}\n\treturn sum(xs) / len(xs)\n}\n",
			finding: Finding{ID: "Q1", File: "store.go", Deleted: true, Gone: "\tif len(xs) == 0 {\n\t\treturn 0\n\t}"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRepo(t)
			c1 := r.write("store.go", tc.before, "base")
			r.run("push", "-q", "--no-verify", "origin", "main")
			bad := r.write("store.go", tc.blocked, "bad")
			v, err := LoadVerdicts(ctx, r.dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Record([]string{bad}, &Blocked{Remote: "origin", Ranges: []Range{{Base: c1, Head: bad, New: []string{bad}}}, Findings: []Finding{tc.finding}}); err != nil {
				t.Fatal(err)
			}
			fix := r.write("store.go", tc.fixed, "fix")
			p := r.plan(PlanOptions{}, line("refs/heads/main", fix, "refs/heads/main", c1))
			if err := v.RecordPass(p.Commits, p.Above()); err != nil {
				t.Fatal(err)
			}
			r.run("push", "-q", "--no-verify", "origin", "main")

			// On top of the fix: nothing comes back.
			top := r.write("other.go", "package s\n", "top")
			p = r.plan(PlanOptions{}, line("refs/heads/main", top, "refs/heads/top", z40))
			if back, err := p.Returning(ctx, r.dir, v); err != nil || len(back) != 0 {
				t.Fatalf("on top of the fix: %+v %v", back, err)
			}
			// The fix merged in with -s ours: bad comes back.
			r.run("checkout", "-q", "-b", "side", bad)
			if tc.rename {
				r.run("mv", "store.go", "db.go")
				r.run("commit", "-q", "-m", "rename")
			}
			r.run("merge", "-q", "-s", "ours", "-m", "keep ours", "main")
			side := r.run("rev-parse", "HEAD")
			p = r.plan(PlanOptions{}, line("refs/heads/side", side, "refs/heads/side", z40))
			back, err := p.Returning(ctx, r.dir, v)
			if err != nil || len(back) != 1 || back[0].Commit != bad {
				t.Fatalf("the fix merged with -s ours: %+v %v", back, err)
			}
		})
	}
}
