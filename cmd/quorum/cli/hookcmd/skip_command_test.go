package hookcmd

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/hook"
)

// The skip command a blocked push prints is that push again: a branch's
// first push (no upstream, where a plain `git push` fails), a forced one,
// a tag moved, a push of HEAD to another name and a deletion each run as
// printed and leave the remote as the push would have.
func TestSkipCommandRunsAsPrinted(t *testing.T) {
	root := t.TempDir()
	git := func(dir string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@x", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git(root, "init", "-q", "--bare", "-b", "main", "remote.git")
	work := filepath.Join(root, "work")
	git(root, "init", "-q", "-b", "main", "work")
	git(work, "remote", "add", "origin", filepath.Join(root, "remote.git"))
	commit := func(msg string) string {
		if err := os.WriteFile(filepath.Join(work, msg+".txt"), []byte(msg), 0o644); err != nil {
			t.Fatal(err)
		}
		git(work, "add", ".")
		git(work, "commit", "-q", "-m", msg)
		return git(work, "rev-parse", "HEAD")
	}
	one := commit("one")
	git(work, "push", "-q", "origin", "main", "refs/heads/main:refs/heads/gone")
	git(work, "tag", "v1")
	git(work, "push", "-q", "origin", "v1")
	zero := strings.Repeat("0", len(one))
	git(work, "checkout", "-q", "-b", "feat")
	feat := commit("feat")
	git(work, "branch", "x$(touch${IFS}PWNED);id")
	git(work, "checkout", "-q", "main")
	git(work, "commit", "-q", "--amend", "-m", "one, amended")
	amended := git(work, "rev-parse", "HEAD")
	git(work, "tag", "-f", "v1")
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		update hook.Update
		want   string
		ref    string // the remote ref checked after, and the commit it must hold
		holds  string
	}{
		{"a branch's first push", hook.Update{LocalRef: "refs/heads/feat", LocalOID: feat, RemoteRef: "refs/heads/feat", RemoteOID: zero},
			"QUORUM_SKIP=1 git push origin " + feat + ":refs/heads/feat", "refs/heads/feat", feat},
		{"a forced update", hook.Update{LocalRef: "refs/heads/main", LocalOID: amended, RemoteRef: "refs/heads/main", RemoteOID: one},
			"QUORUM_SKIP=1 git push --force-with-lease=refs/heads/main:" + one + " origin " + amended + ":refs/heads/main", "refs/heads/main", amended},
		{"a tag moved", hook.Update{LocalRef: "refs/tags/v1", LocalOID: amended, RemoteRef: "refs/tags/v1", RemoteOID: one},
			"QUORUM_SKIP=1 git push --force-with-lease=refs/tags/v1:" + one + " origin " + amended + ":refs/tags/v1", "refs/tags/v1", amended},
		{"HEAD to another name", hook.Update{LocalRef: "HEAD", LocalOID: feat, RemoteRef: "refs/heads/other", RemoteOID: zero},
			"QUORUM_SKIP=1 git push origin " + feat + ":refs/heads/other", "refs/heads/other", feat},
		{"a deletion", hook.Update{LocalRef: "(delete)", LocalOID: zero, RemoteRef: "refs/heads/gone", RemoteOID: one},
			"QUORUM_SKIP=1 git push origin :refs/heads/gone", "refs/heads/gone", ""},
		// A branch name is anyone's text (a checked-out PR branch): quoted,
		// it is pushed, not run (helper 242).
		{"a branch named like shell code", hook.Update{LocalRef: "refs/heads/x$(touch${IFS}PWNED);id", LocalOID: feat, RemoteRef: "refs/heads/x$(touch${IFS}PWNED);id", RemoteOID: zero},
			"QUORUM_SKIP=1 git push origin '" + feat + ":refs/heads/x$(touch${IFS}PWNED);id'", "refs/heads/x$(touch${IFS}PWNED);id", feat},
		// A branch named like an option is no option: the line names the
		// ref in full (helper 249).
		{"a branch named like an option", hook.Update{LocalRef: "refs/heads/--mirror", LocalOID: feat, RemoteRef: "refs/heads/--mirror", RemoteOID: zero},
			"QUORUM_SKIP=1 git push origin " + feat + ":refs/heads/--mirror", "refs/heads/--mirror", feat},
		// The remote's main moved on to a commit never fetched here (a
		// teammate's push): the forced update leases on it (helper 249).
		{"over a commit never fetched", hook.Update{LocalRef: "refs/heads/feat", LocalOID: feat, RemoteRef: "refs/heads/feat", RemoteOID: strings.Repeat("e", len(one))},
			"QUORUM_SKIP=1 git push --force-with-lease=refs/heads/feat:" + strings.Repeat("e", len(one)) + " origin " + feat + ":refs/heads/feat", "", ""},
	} {
		got := skipCommand(ctx, work, "origin", []hook.Update{tc.update})
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
			continue
		}
		if tc.ref == "" {
			continue // the remote has moved on from the lease: git refuses it, as it should
		}
		sh := exec.Command("sh", "-c", got+" 2>&1")
		sh.Dir = work
		if out, err := sh.Output(); err != nil {
			t.Errorf("%s: %q failed: %v\n%s", tc.name, got, err, out)
		}
		if now, _ := exec.Command("git", "-C", filepath.Join(root, "remote.git"), "rev-parse", "--verify", "--quiet", tc.ref).Output(); strings.TrimSpace(string(now)) != tc.holds {
			t.Errorf("%s: after %q the remote's %s is %q, want %q", tc.name, got, tc.ref, now, tc.holds)
		}
	}
	if _, err := os.Stat(filepath.Join(work, "PWNED")); err == nil {
		t.Error("a branch name ran as shell code")
	}
	// After Ctrl-C (a cancelled context) a fast-forward is still no force.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	ff := hook.Update{LocalRef: "refs/heads/feat", LocalOID: feat, RemoteRef: "refs/heads/feat", RemoteOID: amended}
	git(work, "checkout", "-q", "feat")
	git(work, "reset", "-q", "--hard", amended)
	ahead := commit("ahead")
	ff.LocalOID = ahead
	if got := skipCommand(cancelled, work, "origin", []hook.Update{ff}); got != "QUORUM_SKIP=1 git push origin "+ahead+":refs/heads/feat" {
		t.Errorf("a fast-forward after Ctrl-C: %q", got)
	}
	// More refs than a line spells (--all, --mirror): a placeholder that
	// runs nothing, never a plain push of the checked-out branch.
	many := make([]hook.Update, maxSpelled+1)
	for i := range many {
		many[i] = hook.Update{LocalRef: fmt.Sprintf("refs/heads/b%d", i), LocalOID: feat, RemoteRef: fmt.Sprintf("refs/heads/b%d", i), RemoteOID: zero}
	}
	if got := skipCommand(ctx, work, "origin", many); got != genericSkip {
		t.Errorf("%d refs: %q", len(many), got)
	}
	if got := skipCommand(ctx, work, "", nil); got != genericSkip {
		t.Errorf("no remote: %q", got)
	}
	if got := skipCommand(ctx, work, "/tmp/my remote.git", []hook.Update{{LocalRef: "refs/heads/feat", LocalOID: feat, RemoteRef: "refs/heads/feat", RemoteOID: zero}}); got != "QUORUM_SKIP=1 git push '/tmp/my remote.git' "+feat+":refs/heads/feat" {
		t.Errorf("a URL with a space: %q", got)
	}
	// A URL with a token would print it into a CI log: a placeholder.
	for _, u := range []string{"https://x-access-token:s3cr3t@github.com/o/r.git", "https://s3cr3t@github.com/o/r.git",
		"https://ghp_abc%zz@github.com/o/r.git", "https://github.com/o/r.git?access_token=s3cr3t"} {
		if got := skipCommand(ctx, work, u, []hook.Update{{LocalRef: "refs/heads/feat", LocalOID: feat, RemoteRef: "refs/heads/feat", RemoteOID: zero}}); got != genericSkip {
			t.Errorf("%s: %q", u, got)
		}
	}
}
