package hook

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// What a remote already has comes from what git knows here, never from
// asking the remote: the remote-tracking refs of every configured remote
// with the pushed-to URL, and the old oids of the push itself. So a push to
// a URL, or to a remote never fetched, reviews only what it brings, not
// the history the remote has had all along.
func TestPlanPushKnownByURL(t *testing.T) {
	r := newRepo(t)
	root := filepath.Dir(r.dir)
	originURL := filepath.Join(root, "origin.git")
	c1 := r.commit("one")
	r.run("push", "-q", "--no-verify", "origin", "main")
	c2 := r.commit("two")
	empty := r.run("hash-object", "-t", "tree", "/dev/null")
	newBranch := line("refs/heads/main", c2, "refs/heads/x", z40)

	// The same repository however git spells it: the URL as configured, a
	// relative path (from the top of the work tree, as git resolves it), a
	// trailing slash, a file:// URL, the name without ".git", a symlink.
	if err := os.Symlink(originURL, filepath.Join(root, "link.git")); err != nil {
		t.Fatal(err)
	}
	for _, url := range []string{originURL, "../origin.git", originURL + "/", "file://" + originURL, filepath.Join(root, "origin"), "../link.git"} {
		p := r.plan(PlanOptions{Remote: url, URL: url}, newBranch)
		if got := ranges(p); len(got) != 1 || got[0] != c1+".."+c2 || !slices.Equal(p.Commits, []string{c2}) {
			t.Errorf("push to %s: ranges %v commits %v, want %s..%s", url, got, p.Commits, c1, c2)
		}
		if !slices.Equal(p.Known, []string{"origin"}) {
			t.Errorf("push to %s: known remotes %v, want origin", url, p.Known)
		}
	}

	// A remote with the same URL that was never fetched has no tracking
	// refs of its own: origin's count.
	r.run("remote", "add", "mirror", "../origin.git")
	p := r.plan(PlanOptions{Remote: "mirror", URL: "../origin.git"}, newBranch)
	if got := ranges(p); len(got) != 1 || got[0] != c1+".."+c2 || !slices.Equal(p.Known, []string{"mirror", "origin"}) {
		t.Fatalf("never-fetched remote: %v known %v", got, p.Known)
	}
	// Without the URL (the background review asks by name), the remote's
	// own URLs find the same remotes, so both plan the same range.
	p = r.plan(PlanOptions{Remote: "mirror"}, newBranch)
	if got := ranges(p); len(got) != 1 || got[0] != c1+".."+c2 {
		t.Fatalf("never-fetched remote by name: %v", got)
	}
	// url.<base>.insteadOf is applied as git applies it.
	r.run("config", "url."+root+"/.insteadOf", "here:")
	r.run("remote", "add", "aliased", "here:origin.git")
	r.run("remote", "remove", "origin")
	r.run("remote", "add", "up", originURL)
	p = r.plan(PlanOptions{Remote: "up", URL: originURL}, newBranch)
	if got := ranges(p); len(got) != 1 || got[0] != empty+".."+c2 || !slices.Contains(p.Known, "aliased") {
		// origin's tracking refs went with it: nothing is known.
		t.Fatalf("after removing origin: %v known %v", got, p.Known)
	}

	// A URL no configured remote has: nothing known, all of it is new.
	other := filepath.Join(root, "other.git")
	p = r.plan(PlanOptions{Remote: other, URL: other}, newBranch)
	if got := ranges(p); len(got) != 1 || got[0] != empty+".."+c2 || len(p.Known) != 0 {
		t.Fatalf("unknown URL: %v known %v", got, p.Known)
	}
	// ...except what the push itself says the remote has: the old oid of
	// another ref of the same push.
	p = r.plan(PlanOptions{Remote: other, URL: other}, newBranch, line("refs/heads/main", c2, "refs/heads/main", c1))
	if got := ranges(p); len(got) != 1 || got[0] != c1+".."+c2 || len(p.Ranges[0].Refs) != 2 {
		t.Fatalf("unknown URL, old oid on stdin: %v %+v", got, p.Ranges)
	}
}

// A ref of a tree or a blob has no commits: skipped with what it is,
// whether tags are reviewed or not.
func TestPlanPushNotACommit(t *testing.T) {
	r := newRepo(t)
	r.commit("one")
	tree := r.run("rev-parse", "HEAD^{tree}")
	blob := r.run("rev-parse", "HEAD:one.txt")
	r.run("tag", "-a", "-m", "b", "blobtag", blob)
	blobTag := r.run("rev-parse", "blobtag")
	for _, tags := range []bool{true, false} {
		p := r.plan(PlanOptions{Tags: tags},
			line("refs/tags/treetag", tree, "refs/tags/treetag", z40),
			line("refs/tags/blobtag", blobTag, "refs/tags/blobtag", z40))
		if len(p.Ranges) != 0 || len(p.Skipped) != 2 {
			t.Fatalf("tags %v: %+v", tags, p)
		}
		if sk := p.Skipped[0]; sk.NotCommit != "tree" || sk.Object != tree || sk.Ref != "refs/tags/treetag" {
			t.Errorf("tags %v: tree tag skipped as %+v", tags, sk)
		}
		if sk := p.Skipped[1]; sk.NotCommit != "blob" || sk.Object != blob {
			t.Errorf("tags %v: annotated blob tag skipped as %+v", tags, sk)
		}
	}
}

// Git notes are metadata, not source: a push of refs/notes/* is skipped
// with its reason, not diffed from the empty tree as code; a branch pushed
// to a notes ref, and Gerrit's refs/for/*, are still reviewed.
func TestPlanPushNotes(t *testing.T) {
	r := newRepo(t)
	c1 := r.commit("one")
	r.run("notes", "add", "-m", "note BUG", "HEAD")
	notes := r.run("rev-parse", "refs/notes/commits")
	empty := r.run("hash-object", "-t", "tree", "/dev/null")
	p := r.plan(PlanOptions{}, line("refs/notes/commits", notes, "refs/notes/commits", z40))
	if len(p.Ranges) != 0 || len(p.Skipped) != 1 {
		t.Fatalf("notes push planned %v, skipped %+v", ranges(p), p.Skipped)
	}
	if sk := p.Skipped[0]; sk.Ref != "refs/notes/commits" || sk.Reason != ReasonNotes {
		t.Errorf("notes skipped as %+v", sk)
	}
	for _, l := range []string{
		line("refs/heads/main", c1, "refs/notes/commits", z40),
		line("refs/heads/main", c1, "refs/for/main", z40),
		line("refs/heads/main", c1, "refs/changes/01/1/1", z40),
	} {
		if got := ranges(r.plan(PlanOptions{}, l)); len(got) != 1 || got[0] != empty+".."+c1 {
			t.Errorf("%s: ranges %v, want it reviewed", l, got)
		}
	}
	// A code commit put under a notes ref is code, whatever the ref's name
	// (helper 243): reviewed. So are notes whose history brings one.
	r.run("update-ref", "refs/notes/code", c1)
	if got := ranges(r.plan(PlanOptions{}, line("refs/notes/code", c1, "refs/notes/code", z40))); len(got) != 1 || got[0] != empty+".."+c1 {
		t.Errorf("code under refs/notes: ranges %v, want it reviewed", got)
	}
	r.run("notes", "--ref", "code", "add", "-m", "a note on top", c1)
	onTop := r.run("rev-parse", "refs/notes/code")
	if got := ranges(r.plan(PlanOptions{}, line("refs/notes/code", onTop, "refs/notes/code", z40))); len(got) != 1 {
		t.Errorf("notes brought with code: ranges %v, want it reviewed", got)
	}
}

// Upto cuts a blocked push's ranges at a commit pushed again: an older,
// clean commit of a blocked range is reviewed up to itself, not with the
// blocked commits above it; and Fresh keeps out of a blocked verdict the
// commits the remote already had.
func TestUptoAndFresh(t *testing.T) {
	r := newRepo(t)
	c1 := r.commit("one")
	c2 := r.commit("two")
	c3 := r.commit("three")
	empty := r.run("hash-object", "-t", "tree", "/dev/null")
	ctx := context.Background()
	blocked := []Range{{Base: empty, Head: c3, Refs: []string{"refs/heads/x"}, New: []string{c3, c2, c1}}}

	got, err := Upto(ctx, r.dir, c2, empty, blocked)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].String() != empty+".."+c2 || !slices.Equal(got[0].New, []string{c2, c1}) {
		t.Fatalf("upto %s: %+v", c2, got)
	}
	if got, _ := Upto(ctx, r.dir, c3, empty, blocked); len(got) != 1 || got[0].String() != empty+".."+c3 {
		t.Fatalf("upto the head: %+v", got)
	}
	// Two blocked ranges (a branch and its fix, pushed together) clipped
	// to one commit are one range, with both refs.
	two := []Range{blocked[0], {Base: empty, Head: c3, Refs: []string{"refs/heads/y"}, New: []string{c3, c2, c1}}}
	if got, _ := Upto(ctx, r.dir, c2, empty, two); len(got) != 1 || !slices.Equal(got[0].Refs, []string{"refs/heads/x", "refs/heads/y"}) {
		t.Fatalf("two ranges to one commit: %+v", got)
	}
	if !slices.Equal(two[0].Refs, []string{"refs/heads/x"}) {
		t.Fatalf("the blocked ranges were changed: %+v", two)
	}
	other := Range{Base: c1, Head: c2, New: []string{c2}}
	if got, _ := Upto(ctx, r.dir, c2, empty, []Range{{Base: c2, Head: c3, New: []string{c3}}, other}); len(got) != 1 || got[0].String() != other.String() {
		t.Fatalf("only the ranges holding the commit: %+v", got)
	}

	// A push of c3 to the remote, which has c1: c2 and c3 are fresh; a
	// range restored from a verdict adds c1, which is not.
	r.run("push", "-q", "--no-verify", "origin", c1+":refs/heads/main")
	r.run("fetch", "-q", "origin")
	p := r.plan(PlanOptions{}, line("refs/heads/main", c3, "refs/heads/x", z40))
	if err := p.Review(ctx, r.dir, "refs/heads/x", blocked); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Commits, []string{c3, c2, c1}) {
		t.Fatalf("restored plan commits %v", p.Commits)
	}
	if got := p.Fresh(p.Commits, nil); !slices.Equal(got, []string{c3, c2}) {
		t.Fatalf("fresh %v, want %v", got, []string{c3, c2})
	}
	// A commit an earlier push was blocked on stays blocked.
	v, err := LoadVerdicts(ctx, r.dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Record([]string{c1}, &Blocked{Findings: []Finding{{ID: "a"}}}); err != nil {
		t.Fatal(err)
	}
	if got := p.Fresh(p.Commits, v); !slices.Equal(got, []string{c3, c2, c1}) {
		t.Fatalf("fresh with c1 blocked before: %v", got)
	}
	// A blocked verdict on no commit is not recorded.
	if err := v.Record(nil, &Blocked{Findings: []Finding{{ID: "b"}}}); err != nil {
		t.Fatal(err)
	}
	if len(v.Blocked) != 1 {
		t.Fatalf("a verdict on no commit was recorded: %+v", v.Blocked)
	}
}

// Two local repositories are two remotes, whatever their names: "shared"
// and "shared.git" side by side are not one repository, so a push to the
// other one is not planned from what origin has. What git itself opens as
// one repository stays one: a work tree and its ".git", a missing "repo"
// that git finds as "repo.git", a symlink. URLs still drop ".git".
func TestURLKeysLocalRepos(t *testing.T) {
	r := newRepo(t)
	root := filepath.Dir(r.dir)
	r.git(root, "init", "-q", "--bare", "-b", "main", "shared")
	r.git(root, "init", "-q", "--bare", "-b", "main", "shared.git")
	r.git(root, "init", "-q", "-b", "main", "tree")
	if err := os.Symlink(filepath.Join(root, "shared"), filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	k := newURLKeys(context.Background(), git{dir: r.dir})
	same := [][2]string{
		{"../shared", filepath.Join(root, "shared")},
		{"../shared", "../shared/"},
		{"../shared", "file://" + filepath.Join(root, "shared")},
		{"../shared", "../link"},
		{"../shared.git", "../shared.git/"},
		{"../tree", "../tree/.git"},
		{"../tree/", "file://" + filepath.Join(root, "tree", ".git")},
		{"../origin", "../origin.git"}, // no "origin": git opens origin.git
		{"host:team/repo", "host:team/repo.git"},
		{"ssh://host/team/repo.git/", "ssh://host/team/repo"},
	}
	for _, p := range same {
		if a, b := k.key(p[0]), k.key(p[1]); a != b {
			t.Errorf("%s and %s: keys %q and %q, want the same", p[0], p[1], a, b)
		}
	}
	differ := [][2]string{
		{"../shared", "../shared.git"},
		{"../link", "../shared.git"},
		{"../shared", "../shared.git/.git"}, // no such repository
		{"../tree", "../tree.git"},
		{"host:team/shared", "host:team/other"},
	}
	for _, p := range differ {
		if a, b := k.key(p[0]), k.key(p[1]); a == b {
			t.Errorf("%s and %s: both keyed %q, want different repositories", p[0], p[1], a)
		}
	}

	// The push: origin is ../shared; a push to ../shared.git (empty, another
	// repository) knows nothing of what it has and reviews all of it, while
	// a push to ../shared/ is origin's.
	r.run("remote", "set-url", "origin", "../shared")
	c1 := r.commit("one")
	r.run("push", "-q", "--no-verify", "origin", "main")
	c2 := r.commit("two")
	empty := r.run("hash-object", "-t", "tree", "/dev/null")
	push := line("refs/heads/main", c2, "refs/heads/main", z40)
	p := r.plan(PlanOptions{Remote: "../shared.git", URL: "../shared.git"}, push)
	if got := ranges(p); len(got) != 1 || got[0] != empty+".."+c2 || len(p.Known) != 0 {
		t.Errorf("push to ../shared.git: ranges %v known %v, want %s..%s and no known remote", got, p.Known, empty, c2)
	}
	p = r.plan(PlanOptions{Remote: "../shared/", URL: "../shared/"}, push)
	if got := ranges(p); len(got) != 1 || got[0] != c1+".."+c2 || !slices.Equal(p.Known, []string{"origin"}) {
		t.Errorf("push to ../shared/: ranges %v known %v, want %s..%s known from origin", got, p.Known, c1, c2)
	}
}

// A remote named "origin/fork" (another repository) keeps its tracking
// refs under refs/remotes/origin/fork/, which git's --remotes=origin also
// reads: its commits counted as already on origin, and a branch made only
// of them was pushed to origin with no review.
func TestPlanPushNestedRemoteName(t *testing.T) {
	r := newRepo(t)
	root := filepath.Dir(r.dir)
	originURL := filepath.Join(root, "origin.git")
	c1 := r.commit("one")
	r.run("push", "-q", "--no-verify", "origin", "main")
	fork := filepath.Join(root, "fork.git")
	r.run("init", "-q", "--bare", fork)
	r.run("checkout", "-q", "-b", "wip")
	c2 := r.commit("fork only")
	r.run("push", "-q", "--no-verify", fork, "wip")
	r.run("checkout", "-q", "main")
	r.run("branch", "-q", "-D", "wip")
	r.run("remote", "add", "origin/fork", fork)
	r.run("fetch", "-q", "origin/fork")
	p := r.plan(PlanOptions{Remote: "origin", URL: originURL}, line("refs/heads/feat", c2, "refs/heads/feat", z40))
	if got := ranges(p); len(got) != 1 || got[0] != c1+".."+c2 || !slices.Equal(p.Commits, []string{c2}) {
		t.Fatalf("ranges %v commits %v, want %s..%s: the fork's commit is not on origin", got, p.Commits, c1, c2)
	}
}

// One network repository however its URL is spelled: scp-like, ssh:// or
// https://, with or without a user, a trailing slash or ".git", the host
// in any case. A push to https://… from a clone of git@… knows the remote.
func TestURLKeysNetworkSpellings(t *testing.T) {
	k := &urlKeys{top: func() string { return "/w" }}
	same := []string{
		"git@github.com:org/repo.git", "ssh://git@github.com/org/repo.git",
		"ssh://git@github.com:22/org/repo", "https://github.com/org/repo.git/", "https://user@GitHub.com/org/repo",
		"git://github.com/org/repo",
	}
	for _, u := range same {
		if got, want := k.key(u), k.key(same[0]); got != want {
			t.Errorf("key(%q) = %q, want %q", u, got, want)
		}
	}
	for _, u := range []string{"https://github.com/org/other", "https://gitlab.com/org/repo", "https://github.com:8443/org/repo", "git@github.com:org/repo2"} {
		if k.key(u) == k.key(same[0]) {
			t.Errorf("key(%q) is another repository's", u)
		}
	}
	if k.key("file://localhost/srv/r.git") != k.key("/srv/r.git") {
		t.Errorf("file://localhost/srv/r.git: %q", k.key("file://localhost/srv/r.git"))
	}
}

// Users' homes and relative paths stay apart: alice's "repo" is not bob's,
// nor an absolute /srv/repo one relative to whoever connects.
func TestURLKeysHomesApart(t *testing.T) {
	k := &urlKeys{top: func() string { return "/w" }}
	for _, pair := range [][2]string{
		{"alice@host:repo", "bob@host:repo"},
		{"ssh://alice@host/~/repo", "ssh://bob@host/~/repo"},
		{"host:/srv/repo", "host:srv/repo"},
		{"ssh://[::1]:2222/x", "ssh://[::1]/x"},
	} {
		if k.key(pair[0]) == k.key(pair[1]) {
			t.Errorf("%q and %q: one key %q", pair[0], pair[1], k.key(pair[0]))
		}
	}
	for _, pair := range [][2]string{
		{"alice@host:repo", "ssh://alice@host/~/repo"},
		{"ssh://[::1]:22/x", "ssh://[::1]/x"},
		{"host:/srv/repo.git", "ssh://host/srv/repo"},
	} {
		if k.key(pair[0]) != k.key(pair[1]) {
			t.Errorf("%q and %q: keys %q and %q", pair[0], pair[1], k.key(pair[0]), k.key(pair[1]))
		}
	}
}
