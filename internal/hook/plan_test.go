package hook

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// repo is a work tree with a bare "origin", built by the real git.
type repo struct {
	t   *testing.T
	dir string
}

func newRepo(t *testing.T) *repo {
	t.Helper()
	root := t.TempDir()
	r := &repo{t: t, dir: filepath.Join(root, "work")}
	r.git(root, "init", "-q", "--bare", "-b", "main", "origin.git")
	r.git(root, "init", "-q", "-b", "main", "work")
	r.run("remote", "add", "origin", filepath.Join(root, "origin.git"))
	return r
}

func (r *repo) git(dir string, args ...string) string {
	r.t.Helper()
	out, err := r.gitIn(dir, args...)
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *repo) run(args ...string) string { return r.git(r.dir, args...) }

// try runs git in the work tree and returns its failure instead of failing
// the test (a merge expected to conflict).
func (r *repo) try(args ...string) (string, error) {
	out, err := r.gitIn(r.dir, args...)
	return string(out), err
}

func (r *repo) gitIn(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@x", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	return cmd.CombinedOutput()
}

func (r *repo) commit(msg string) string {
	r.t.Helper()
	if err := os.WriteFile(filepath.Join(r.dir, strings.ReplaceAll(msg, " ", "_")+".txt"), []byte(msg+"\n"), 0o644); err != nil {
		r.t.Fatal(err)
	}
	r.run("add", "-A")
	r.run("commit", "-q", "-m", msg)
	return r.run("rev-parse", "HEAD")
}

func (r *repo) plan(opt PlanOptions, lines ...string) *Plan {
	r.t.Helper()
	ups, err := ParsePushLines(strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		r.t.Fatal(err)
	}
	if opt.Remote == "" {
		opt.Remote = "origin"
	}
	p, err := PlanPush(context.Background(), r.dir, ups, opt)
	if err != nil {
		r.t.Fatal(err)
	}
	return p
}

func line(localRef, local, remoteRef, remote string) string {
	return localRef + " " + local + " " + remoteRef + " " + remote
}

func ranges(p *Plan) []string {
	var out []string
	for _, r := range p.Ranges {
		out = append(out, r.String())
	}
	return out
}

func TestPlanPush(t *testing.T) {
	r := newRepo(t)
	c1 := r.commit("one")
	c2 := r.commit("two")
	empty := r.run("hash-object", "-t", "tree", "/dev/null")

	// Whole history new: base is the empty tree.
	p := r.plan(PlanOptions{}, line("refs/heads/main", c2, "refs/heads/main", z40))
	if got := ranges(p); len(got) != 1 || got[0] != empty+".."+c2 || len(p.Commits) != 2 {
		t.Fatalf("first push: %v commits %v", got, p.Commits)
	}
	r.run("push", "-q", "--no-verify", "origin", "main")

	// Update: remote..local.
	c3 := r.commit("three")
	p = r.plan(PlanOptions{}, line("refs/heads/main", c3, "refs/heads/main", c2))
	if got := ranges(p); len(got) != 1 || got[0] != c2+".."+c3 || len(p.Commits) != 1 {
		t.Fatalf("update: %v", got)
	}

	// New branch off main: only its own commits, based where it forked.
	r.run("checkout", "-q", "-b", "feat", c2)
	f1 := r.commit("feat one")
	p = r.plan(PlanOptions{}, line("refs/heads/feat", f1, "refs/heads/feat", z40))
	if got := ranges(p); len(got) != 1 || got[0] != c2+".."+f1 {
		t.Fatalf("new branch: %v", got)
	}

	// Nothing new: a new branch name for a commit the remote has.
	p = r.plan(PlanOptions{}, line("refs/heads/same", c2, "refs/heads/same", z40))
	if len(p.Ranges) != 0 || len(p.Skipped) != 1 || !strings.HasPrefix(p.Skipped[0].Reason, "nothing new") ||
		!p.Skipped[0].OnRemote || p.Skipped[0].Head != c2 {
		t.Fatalf("nothing new: %+v", p)
	}

	// Deletion and tag skipped; tags reviewed when asked.
	r.run("tag", "-a", "-m", "v", "v1", f1)
	tagOID := r.run("rev-parse", "v1")
	p = r.plan(PlanOptions{}, line("(delete)", z40, "refs/heads/old", c1), line("refs/tags/v1", tagOID, "refs/tags/v1", z40))
	if len(p.Ranges) != 0 || len(p.Skipped) != 2 || p.Skipped[0].Reason != "deletion" || !strings.HasPrefix(p.Skipped[1].Reason, "tag") {
		t.Fatalf("skips: %+v", p)
	}
	// The skipped tag keeps the commits it brings, for the hook to name
	// (and to review after all when a push of them was blocked).
	if u := p.Skipped[1].Unreviewed; u == nil || u.String() != c2+".."+f1 || !slices.Equal(u.New, []string{f1}) {
		t.Fatalf("skipped tag's range: %+v", u)
	}
	p = r.plan(PlanOptions{Tags: true}, line("refs/tags/v1", tagOID, "refs/tags/v1", z40))
	if got := ranges(p); len(got) != 1 || got[0] != c2+".."+f1 {
		t.Fatalf("tag: %v", got)
	}

	// Two refs in one push: independent ranges, one plan; a range inside
	// another of an older head is kept (its ref's tree is gated on its
	// own), one of the same head folded into it.
	p = r.plan(PlanOptions{}, line("refs/heads/main", c3, "refs/heads/main", c2), line("refs/heads/feat", f1, "refs/heads/feat", z40))
	if got := ranges(p); len(got) != 2 || got[0] != c2+".."+c3 || got[1] != c2+".."+f1 || len(p.Commits) != 2 {
		t.Fatalf("two refs: %v", got)
	}
	f2 := r.commit("feat two")
	p = r.plan(PlanOptions{}, line("refs/heads/a", f1, "refs/heads/a", z40), line("refs/heads/feat", f2, "refs/heads/feat", z40))
	if got := ranges(p); len(got) != 2 || got[0] != c2+".."+f1 || got[1] != c2+".."+f2 || len(p.Commits) != 2 {
		t.Fatalf("an older head inside a newer one: %v %+v", got, p.Ranges)
	}
	// One head pushed to two refs (f1 counts as the remote's: an old oid of
	// this push): one range.
	p = r.plan(PlanOptions{}, line("refs/heads/a", f2, "refs/heads/a", f1), line("refs/heads/feat", f2, "refs/heads/feat", z40))
	if got := ranges(p); len(got) != 1 || got[0] != f1+".."+f2 || len(p.Ranges[0].Refs) != 2 {
		t.Fatalf("folded: %v refs %v", got, p.Ranges[0].Refs)
	}

	// Force-push over a rewritten commit the remote has: the new commits
	// start from the remote's history, not from the replaced tip.
	r.run("checkout", "-q", "main")
	r.run("push", "-q", "--no-verify", "origin", "main")
	r.run("commit", "-q", "--amend", "-m", "three amended")
	c3b := r.run("rev-parse", "HEAD")
	p = r.plan(PlanOptions{}, line("refs/heads/main", c3b, "refs/heads/main", c3))
	if got := ranges(p); len(got) != 1 || got[0] != c2+".."+c3b || len(p.Commits) != 1 {
		t.Fatalf("force-push: %v", got)
	}

	// An old remote oid we never fetched: fall back to the remote-tracking refs.
	unknown := "abcdefabcdefabcdefabcdefabcdefabcdefabcd"
	p = r.plan(PlanOptions{}, line("refs/heads/main", c3b, "refs/heads/main", unknown))
	if got := ranges(p); len(got) != 1 || got[0] != c2+".."+c3b {
		t.Fatalf("unknown remote oid: %v", got)
	}

	// Pushing to a URL (no remote-tracking refs): everything is new.
	p = r.plan(PlanOptions{Remote: "/some/url.git"}, line("refs/heads/main", c3b, "refs/heads/main", z40))
	if got := ranges(p); len(got) != 1 || got[0] != empty+".."+c3b || len(p.Commits) != 3 {
		t.Fatalf("url push: %v", got)
	}
}

func TestPlanPushSHA256(t *testing.T) {
	root := t.TempDir()
	r := &repo{t: t, dir: filepath.Join(root, "w")}
	r.git(root, "init", "-q", "--object-format=sha256", "-b", "main", "w")
	c1 := r.commit("one")
	if len(c1) != 64 {
		t.Skip("git without sha256 support")
	}
	p := r.plan(PlanOptions{}, line("refs/heads/main", c1, "refs/heads/main", z64))
	empty := r.run("hash-object", "-t", "tree", "/dev/null")
	if got := ranges(p); len(got) != 1 || got[0] != empty+".."+c1 || len(empty) != 64 {
		t.Fatalf("sha256: %v", got)
	}
}

func TestNewestFirst(t *testing.T) {
	r := newRepo(t)
	at := func(date, msg string) string {
		t.Setenv("GIT_COMMITTER_DATE", date)
		return r.commit(msg)
	}
	base := at("2024-01-01T10:00:00Z", "base")
	old := at("2024-01-01T11:00:00Z", "old")
	r.run("checkout", "-q", "-b", "new", base)
	newer := at("2024-01-01T12:00:00Z", "newer")
	r.run("checkout", "-q", "-b", "tie", base)
	tie := at("2024-01-01T11:00:00Z", "tie")

	in := []Range{{Base: base, Head: old}, {Base: base, Head: newer}, {Base: base, Head: tie}}
	got, err := NewestFirst(context.Background(), r.dir, in)
	if err != nil {
		t.Fatal(err)
	}
	// Newest first; old and tie share a time and keep their push order.
	want := []string{newer, old, tie}
	for i := range want {
		if got[i].Head != want[i] {
			t.Fatalf("order %v, want %v", heads(got), want)
		}
	}
	if in[0].Head != old {
		t.Fatal("NewestFirst reordered its input")
	}
	// Two ranges of one head (bases no fold joins): git shows the head
	// once, and both ranges are kept.
	two := []Range{{Base: base, Head: newer}, {Base: old, Head: newer}, {Base: base, Head: old}}
	if got, err := NewestFirst(context.Background(), r.dir, two); err != nil || len(got) != 3 || got[0].Head != newer || got[1].Head != newer || got[2].Head != old {
		t.Fatalf("one head twice: %v %v", heads(got), err)
	}
	if _, err := NewestFirst(context.Background(), r.dir, []Range{{Head: old}, {Head: strings.Repeat("f", 40)}}); err == nil {
		t.Fatal("no error for an unknown head")
	}
}

func heads(rs []Range) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Head)
	}
	return out
}

// TestVerdictsRecordLookup: a blocked verdict is found by any of its
// commits, survives a reload, and a passing review of a commit forgets it.
func TestVerdictsRecordLookup(t *testing.T) {
	r := newRepo(t)
	c1 := r.commit("one")
	c2 := r.commit("two")
	ctx := context.Background()
	v, err := LoadVerdicts(ctx, r.dir)
	if err != nil {
		t.Fatal(err)
	}
	if v.Lookup(c1) != nil {
		t.Fatal("empty record blocks")
	}
	blocked := &Blocked{Findings: []Finding{{ID: "a1", Severity: "critical", File: "db.go", Line: 3, Title: "sql"}}, Report: "r.md"}
	if err := v.Record([]string{c2, c1}, blocked); err != nil {
		t.Fatal(err)
	}
	v, err = LoadVerdicts(ctx, r.dir)
	if err != nil {
		t.Fatal(err)
	}
	if b := v.Lookup(c1); b == nil || b.Findings[0].ID != "a1" || b.Report != "r.md" {
		t.Fatalf("reloaded: %+v", b)
	}
	if err := v.Record([]string{c2}, nil); err != nil {
		t.Fatal(err)
	}
	if v.Lookup(c2) != nil || v.Lookup(c1) == nil {
		t.Fatalf("after a pass of %s: %+v", c2, v.Blocked)
	}
}

// A pushed object this repository lacks (a push line typed by hand) is
// named as such, not as a failed git command.
func TestPlanPushUnknownObject(t *testing.T) {
	r := newRepo(t)
	r.commit("one")
	missing := "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef"
	ups, err := ParsePushLines(strings.NewReader(line("refs/heads/x", missing, "refs/heads/x", z40)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = PlanPush(context.Background(), r.dir, ups, PlanOptions{Remote: "origin"})
	if err == nil || err.Error() != "the pushed object "+missing+" is not in this repository" {
		t.Fatalf("got %v", err)
	}
}
