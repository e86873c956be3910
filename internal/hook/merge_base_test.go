package hook

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A push that merges in history the remote has is reviewed for what it
// adds to all of it: a merge of main into a pushed branch does not blame
// main's changes on the branch (nor count or record main's commits), a
// merge of a pushed branch into main does not review the branch again,
// and a conflict's resolution or an edit made in the merge is reviewed.
func TestPlanPushMergesInRemoteHistory(t *testing.T) {
	r := newRepo(t)
	fork := r.write("app.txt", "one\n", "fork")
	r.run("push", "-q", "origin", "main")
	r.run("checkout", "-q", "-b", "feat")
	feat := r.write("feat.txt", "feature\n", "feat work")
	r.run("push", "-q", "origin", "feat")
	// A colleague's commit reaches main on the remote.
	r.run("checkout", "-q", "main")
	theirs := r.write("main.txt", "legacy BUG\n", "colleague")
	r.run("push", "-q", "origin", "main")
	r.run("checkout", "-q", "feat")
	r.run("merge", "-q", "--no-edit", "main")
	merge := r.run("rev-parse", "HEAD")

	diffOf := func(p *Plan) string {
		t.Helper()
		if len(p.Ranges) != 1 {
			t.Fatalf("ranges %v", ranges(p))
		}
		return r.run("diff", "--stat", p.Ranges[0].Base, p.Ranges[0].Head)
	}

	// feat fast-forward from its pushed tip: only the merge is new, and a
	// clean merge adds nothing to what the remote has.
	p := r.plan(PlanOptions{}, line("refs/heads/feat", merge, "refs/heads/feat", feat))
	if got := diffOf(p); got != "" {
		t.Errorf("clean merge of main into feat: diff %q, want none", got)
	}
	if !slices.Equal(p.Commits, []string{merge}) {
		t.Errorf("commits %v, want the merge alone (not the colleague's %s)", p.Commits, theirs)
	}
	if got := p.Fresh([]string{merge, theirs, feat}, nil); !slices.Equal(got, []string{merge}) {
		t.Errorf("fresh %v: a blocked review would record the remote's commits", got)
	}
	base := p.Ranges[0].Base
	if parents := strings.Fields(r.run("rev-list", "--parents", "-n1", base))[1:]; len(parents) != 2 ||
		!slices.Contains(parents, feat) || !slices.Contains(parents, theirs) {
		t.Errorf("base %s has parents %v, want feat and the colleague's", base, parents)
	}
	if got := r.run("rev-list", base+".."+merge); got != merge {
		t.Errorf("rev-list base..head = %q, want the merge alone", got)
	}
	// One push, one base: the same plan again names the same commit.
	if again := r.plan(PlanOptions{}, line("refs/heads/feat", merge, "refs/heads/feat", feat)); again.Ranges[0].Base != base {
		t.Errorf("base %s then %s", base, again.Ranges[0].Base)
	}

	// No ref names the base, so git gc prunes it; a blocked push's saved
	// range (re-push rules) gets it written again, the same commit.
	saved := p.Ranges
	r.run("reflog", "expire", "--expire=now", "--all")
	r.run("gc", "-q", "--prune=now")
	if _, err := r.try("cat-file", "-e", base+"^{commit}"); err == nil {
		t.Fatalf("gc left the base %s: the test proves nothing", base)
	}
	rs, err := Upto(context.Background(), r.dir, merge, p.EmptyTree, saved)
	if err != nil || len(rs) != 1 || rs[0].Base != base {
		t.Fatalf("upto after gc: %+v %v", rs, err)
	}
	if _, err := r.try("cat-file", "-e", base+"^{commit}"); err != nil {
		t.Errorf("base %s not written again: %v", base, err)
	}

	// The same commit to a new branch: main's changes are not its own.
	p = r.plan(PlanOptions{}, line("refs/heads/feat", merge, "refs/heads/feat2", z40))
	if got := diffOf(p); got != "" {
		t.Errorf("new branch at the merge: diff %q, want none", got)
	}

	// Work on top of the merge is reviewed, and only it.
	top := r.write("feat.txt", "feature\nmore\n", "more feat")
	p = r.plan(PlanOptions{}, line("refs/heads/feat", top, "refs/heads/feat", feat))
	if got := diffOf(p); !strings.Contains(got, "feat.txt") || strings.Contains(got, "main.txt") {
		t.Errorf("work above the merge: diff %q, want feat.txt alone", got)
	}
	if !slices.Equal(p.Commits, []string{top, merge}) {
		t.Errorf("commits %v, want %s and the merge", p.Commits, top)
	}

	// main takes the pushed feat in a merge: feat's work is what main
	// gains, reviewed as main's (another branch of the remote is no one's
	// review), main's own changes are not.
	r.run("checkout", "-q", "main")
	r.run("merge", "-q", "--no-ff", "--no-edit", "feat~1")
	into := r.run("rev-parse", "HEAD")
	r.run("push", "-q", "--no-verify", "origin", "feat~1:refs/heads/feat")
	p = r.plan(PlanOptions{}, line("refs/heads/main", into, "refs/heads/main", theirs))
	if got := diffOf(p); !strings.Contains(got, "feat.txt") || strings.Contains(got, "main.txt") {
		t.Errorf("pushed feat merged into main: diff %q, want feat.txt alone", got)
	}

	// A merge that edits while it merges is reviewed for the edit.
	r.run("checkout", "-q", "-b", "evil", fork)
	side := r.write("side.txt", "side\n", "side")
	r.run("push", "-q", "origin", "evil")
	r.run("merge", "-q", "--no-commit", "main")
	r.write("app.txt", "one\nslipped in\n", "evil merge")
	evil := r.run("rev-parse", "HEAD")
	p = r.plan(PlanOptions{}, line("refs/heads/evil", evil, "refs/heads/evil", side))
	if got := r.run("diff", p.Ranges[0].Base, evil); !strings.Contains(got, "+slipped in") || strings.Contains(got, "main.txt") || strings.Contains(got, "side.txt") {
		t.Errorf("evil merge: diff\n%s\nwant the slipped-in line alone", got)
	}
}

// A merge whose sides conflict is reviewed for its resolution.
func TestPlanPushMergeConflictResolution(t *testing.T) {
	r := newRepo(t)
	feat, _ := r.diverged("a\n", "app.txt", "feat\n", "app.txt", "main\n")
	if out, err := r.try("merge", "-q", "--no-edit", "main"); err == nil {
		t.Fatalf("merge did not conflict: %s", out)
	}
	resolved := r.write("app.txt", "resolved\n", "resolve")
	p := r.plan(PlanOptions{}, line("refs/heads/feat", resolved, "refs/heads/feat", feat))
	if len(p.Ranges) != 1 {
		t.Fatalf("ranges %v", ranges(p))
	}
	if got := r.run("diff", p.Ranges[0].Base, resolved); !strings.Contains(got, "+resolved") {
		t.Errorf("conflict: diff\n%s\nwant the resolution", got)
	}
}

// A merge's conflicted lines sit in the merged base as git showed them to
// the pusher, whatever the pusher's merge.conflictStyle (diff3 markers
// would hold the old line, so a resolution back to it would read as
// unchanged) and whichever side's commit name sorts first (keeping both
// sides in git's order adds nothing).
func TestPlanPushMergedBaseMarkers(t *testing.T) {
	for i, tc := range []struct{ style, resolved, wantAdded string }{
		{"diff3", "old\n", "+old"},
		{"merge", "old\n", "+old"},
		{"diff3", "feat\nmain\n", ""},
		{"merge", "feat\nmain\n", ""},
		{"zdiff3", "feat\nmain\n", ""},
	} {
		// Four messages per case: commit names, and so their order, vary.
		for n := range 4 {
			r := newRepo(t)
			r.run("config", "merge.conflictStyle", tc.style)
			r.write("f.txt", "a\nold\nz\n", "fork")
			r.run("push", "-q", "origin", "main")
			r.run("checkout", "-q", "-b", "feat")
			feat := r.write("f.txt", "a\nfeat\nz\n", "feat "+string(rune('a'+n)))
			r.run("push", "-q", "origin", "feat")
			r.run("checkout", "-q", "main")
			r.write("f.txt", "a\nmain\nz\n", "main")
			r.run("push", "-q", "origin", "main")
			r.run("checkout", "-q", "feat")
			if _, err := r.try("merge", "-q", "--no-edit", "main"); err == nil {
				t.Fatal("no conflict")
			}
			merged := r.write("f.txt", "a\n"+tc.resolved+"z\n", "resolve")
			p := r.plan(PlanOptions{}, line("refs/heads/feat", merged, "refs/heads/feat", feat))
			if len(p.Ranges) != 1 {
				t.Fatalf("ranges %v", ranges(p))
			}
			var added []string
			for _, l := range strings.Split(r.run("diff", p.Ranges[0].Base, merged), "\n") {
				if strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++") {
					added = append(added, l)
				}
			}
			if got := strings.Join(added, ","); got != tc.wantAdded {
				t.Errorf("case %d (%s, resolved %q), run %d: added %q, want %q", i, tc.style, tc.resolved, n, got, tc.wantAdded)
			}
		}
	}
}

// Through extends a blocked merge range to a fix pushed on top of it: the
// range is read against the merge's sides, since its merged base is no
// commit's ancestor, and the fix is read with it.
func TestThroughAMergedRange(t *testing.T) {
	r := newRepo(t)
	r.write("a.txt", "a\n", "a")
	feat, _ := r.diverged("", "f.txt", "f\n", "m.txt", "m\n")
	r.run("merge", "-q", "--no-commit", "main")
	evil := r.write("a.txt", "a\nBUG\n", "evil merge")
	p := r.plan(PlanOptions{}, line("refs/heads/feat", evil, "refs/heads/feat", feat))
	blocked := p.Ranges
	if len(blocked) != 1 || len(blocked[0].Sides) != 2 {
		t.Fatalf("ranges %+v", blocked)
	}
	fix := r.write("a.txt", "a\n", "fix")
	rs, err := Through(context.Background(), r.dir, blocked, fix, p.EmptyTree)
	if err != nil || len(rs) != 1 || rs[0].Head != fix {
		t.Fatalf("through: %+v %v", rs, err)
	}
	if got := r.run("diff", rs[0].Base, fix); strings.Contains(got, "BUG") {
		t.Errorf("the fix is not read with the blocked range:\n%s", got)
	}
}

// Only the remote's default branch is the team's code: a teammate's
// branch pushed without review and then brought to main (fast-forward or
// merge) is main's push to answer for, reviewed and counted.
func TestPlanPushBringsAnotherBranchToMain(t *testing.T) {
	r := newRepo(t)
	one := r.write("a.txt", "a\n", "one")
	r.run("push", "-q", "origin", "main")
	r.run("checkout", "-q", "-b", "wip")
	wip := r.write("wip.txt", "BUG\n", "wip")
	r.run("push", "-q", "--no-verify", "origin", "wip")
	r.run("checkout", "-q", "main")
	r.run("merge", "-q", "--ff-only", "wip")
	p := r.plan(PlanOptions{}, line("refs/heads/main", wip, "refs/heads/main", one))
	if got := ranges(p); len(got) != 1 || got[0] != one+".."+wip || !slices.Equal(p.Commits, []string{wip}) {
		t.Fatalf("fast-forward to wip: ranges %v commits %v", got, p.Commits)
	}
	// main with a commit of its own merges wip: wip's file is in the diff.
	r.run("reset", "-q", "--hard", one)
	r.write("m.txt", "m\n", "main's own")
	r.run("merge", "-q", "--no-edit", "wip")
	merge := r.run("rev-parse", "HEAD")
	p = r.plan(PlanOptions{}, line("refs/heads/main", merge, "refs/heads/main", one))
	if len(p.Ranges) != 1 || !strings.Contains(r.run("diff", "--stat", p.Ranges[0].Base, merge), "wip.txt") || !slices.Contains(p.Commits, wip) {
		t.Fatalf("main merging wip: ranges %v commits %v", ranges(p), p.Commits)
	}
	// main, pushed with a commit of its own, then forced to wip: what main
	// did not have is wip's, reviewed.
	r.run("reset", "-q", "--hard", one)
	own := r.write("m2.txt", "m\n", "main again")
	r.run("push", "-q", "-f", "origin", "main")
	p = r.plan(PlanOptions{}, line("refs/heads/main", wip, "refs/heads/main", own))
	if got := ranges(p); len(got) != 1 || got[0] != one+".."+wip || !slices.Equal(p.Commits, []string{wip}) {
		t.Fatalf("main forced to wip: ranges %v commits %v", got, p.Commits)
	}
}

// A remote HEAD left dangling (the remote renamed master to main and a
// fetch pruned master) falls back to the usual names: main merged into a
// branch is still main's code, and the side is named origin/main.
func TestMainlinesWhenOriginHEADDangles(t *testing.T) {
	r := newRepo(t)
	r.write("a.txt", "a\n", "a")
	feat, theirs := r.diverged("", "f.txt", "f\n", "m.txt", "m\n")
	r.run("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/master")
	r.run("merge", "-q", "--no-edit", "main")
	merge := r.run("rev-parse", "HEAD")
	p := r.plan(PlanOptions{}, line("refs/heads/feat", merge, "refs/heads/feat", feat))
	if slices.Contains(p.Commits, theirs) || len(p.Ranges) != 1 || r.run("diff", p.Ranges[0].Base, merge) != "" {
		t.Fatalf("main's commit blamed on feat: commits %v ranges %v", p.Commits, ranges(p))
	}
	if got := SideNames(context.Background(), r.dir, p.Ranges[0].Sides); !slices.Equal(got, []string{"origin/feat", "origin/main"}) {
		t.Errorf("sides named %v", got)
	}
}

// With no default branch known (no origin/HEAD, no main, master, develop
// or trunk), a force-push keeps every ref the remote has as known: a
// feature rebased onto the team's dev is not charged with dev's commits.
func TestForcePushWithNoDefaultBranch(t *testing.T) {
	r := newRepo(t)
	r.run("checkout", "-q", "-b", "dev")
	r.write("a.txt", "a\n", "base")
	r.run("push", "-q", "origin", "dev")
	r.run("checkout", "-q", "-b", "feat")
	feat := r.write("f.txt", "f\n", "feat")
	r.run("push", "-q", "origin", "feat")
	r.run("checkout", "-q", "dev")
	team := r.write("d.txt", "d\n", "team")
	r.run("push", "-q", "origin", "dev")
	r.run("checkout", "-q", "feat")
	r.run("rebase", "-q", "dev")
	rebased := r.run("rev-parse", "HEAD")
	p := r.plan(PlanOptions{}, line("refs/heads/feat", rebased, "refs/heads/feat", feat))
	if !slices.Equal(p.Commits, []string{rebased}) || slices.Contains(p.Commits, team) {
		t.Fatalf("commits %v, want the rebased feature alone", p.Commits)
	}
}

// diverged makes the history every merge test starts from: base on main,
// pushed; feat off it with its own file, pushed; main moved on with its
// own, pushed; feat checked out. It returns feat's and main's tips.
func (r *repo) diverged(base, featFile, featText, mainFile, mainText string) (feat, main string) {
	r.t.Helper()
	r.write(featFile, base, "fork")
	if featFile != mainFile {
		r.write(mainFile, base, "fork of "+mainFile)
	}
	r.run("push", "-q", "origin", "main")
	r.run("checkout", "-q", "-b", "feat")
	feat = r.write(featFile, featText, "feat")
	r.run("push", "-q", "origin", "feat")
	r.run("checkout", "-q", "main")
	main = r.write(mainFile, mainText, "main")
	r.run("push", "-q", "origin", "main")
	r.run("checkout", "-q", "feat")
	return feat, main
}

// A force-push whose old commit was never fetched (the remote's main
// moved on since) is read against what the ref had at the last fetch, not
// as a new branch: a teammate's unreviewed branch forced onto main is
// reviewed.
func TestForcePushOverAnUnfetchedOldCommit(t *testing.T) {
	r := newRepo(t)
	one := r.write("a.txt", "a\n", "one")
	r.run("push", "-q", "origin", "main")
	r.run("checkout", "-q", "-b", "wip")
	wip := r.write("wip.txt", "BUG\n", "wip")
	r.run("push", "-q", "--no-verify", "origin", "wip")
	r.run("checkout", "-q", "main")
	// The remote's main moves on in another clone: its new oid is not here.
	unfetched := strings.Repeat("e", len(one))
	p := r.plan(PlanOptions{}, line("refs/heads/main", wip, "refs/heads/main", unfetched))
	if !slices.Equal(p.Commits, []string{wip}) {
		t.Fatalf("commits %v, want wip's (ranges %v, skipped %+v)", p.Commits, ranges(p), p.Skipped)
	}
}

// A tracking ref the push itself says is out of date (a teammate rewound
// main, and this clone has not fetched since) is not what the remote has:
// the commit it was rewound from comes back with the push, reviewed,
// whether main is updated or a new branch is pushed beside it.
func TestPushOverARewoundMain(t *testing.T) {
	r := newRepo(t)
	w := r.write("a.txt", "a\n", "w")
	r.run("push", "-q", "origin", "main")
	x := r.write("bug.txt", "BUG\n", "teammate's bug")
	r.run("push", "-q", "origin", "main") // origin/main is x here
	r.git(r.dir, "--git-dir="+filepath.Join(filepath.Dir(r.dir), "origin.git"), "update-ref", "refs/heads/main", w)
	y := r.write("y.txt", "y\n", "mine")
	// As the hook runs it, with the pushed-to URL.
	p := r.plan(PlanOptions{URL: filepath.Join(filepath.Dir(r.dir), "origin.git")}, line("refs/heads/main", y, "refs/heads/main", w))
	if got := ranges(p); len(got) != 1 || got[0] != w+".."+y || !slices.Equal(p.Commits, []string{y, x}) {
		t.Fatalf("main over a rewound main: ranges %v commits %v", got, p.Commits)
	}
	p = r.plan(PlanOptions{}, line("refs/heads/main", y, "refs/heads/main", w), line("refs/heads/nb", y, "refs/heads/nb", strings.Repeat("0", len(w))))
	if !slices.Equal(p.Commits, []string{y, x}) {
		t.Fatalf("main and a new branch over a rewound main: ranges %v commits %v", ranges(p), p.Commits)
	}
	// Fetched over https and pushed over an ssh alias (pushInsteadOf, a
	// second account's key): the same repository, its stale main still
	// stale (helper 249).
	url := r.run("remote", "get-url", "origin")
	r.run("remote", "set-url", "origin", "https://github.com/org/repo")
	r.run("config", "url.git@github-work:.pushInsteadOf", "https://github.com/")
	p = r.plan(PlanOptions{URL: "git@github-work:org/repo"}, line("refs/heads/main", y, "refs/heads/main", w))
	if !slices.Equal(p.Commits, []string{y, x}) {
		t.Fatalf("pushed through pushInsteadOf: commits %v", p.Commits)
	}
	r.run("remote", "set-url", "origin", url)
	r.run("config", "--unset", "url.git@github-work:.pushInsteadOf")
	// A tracking ref that is up to date reads as before: only the new commit.
	r.run("push", "-q", "-f", "origin", x+":refs/heads/main")
	p = r.plan(PlanOptions{}, line("refs/heads/main", y, "refs/heads/main", x))
	if !slices.Equal(p.Commits, []string{y}) {
		t.Fatalf("main over an up-to-date main: commits %v", p.Commits)
	}
}

// A remote pushed to a fork (remote.origin.pushurl) and fetched from its
// upstream tracks the upstream: its main differs from the fork's by
// design, and is no stale record of the fork. Only the new commit is
// reviewed, not the upstream's the clone pulled (helper 242). The push
// line's URL, the fetch URL's, still reads a rewound main as stale.
func TestPushURLForkIsNotStale(t *testing.T) {
	r := newRepo(t)
	r.write("a.txt", "a\n", "base")
	r.run("push", "-q", "origin", "main")
	fork := filepath.Join(filepath.Dir(r.dir), "fork.git")
	r.git(filepath.Dir(r.dir), "clone", "-q", "--bare", filepath.Join(filepath.Dir(r.dir), "origin.git"), fork)
	forkMain := r.run("rev-parse", "HEAD")
	for _, f := range []string{"u1", "u2", "u3"} {
		r.write(f+".txt", f+"\n", "upstream "+f)
	}
	r.run("push", "-q", "origin", "main")
	r.run("fetch", "-q", "origin")
	mine := r.write("m.txt", "m\n", "mine")
	r.run("config", "remote.origin.pushurl", fork)
	p := r.plan(PlanOptions{URL: fork}, line("refs/heads/main", mine, "refs/heads/main", forkMain))
	if !slices.Equal(p.Commits, []string{mine}) {
		t.Fatalf("a push to the fork reviews the upstream's commits: %v", p.Commits)
	}
}
