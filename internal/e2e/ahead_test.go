package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestAheadPush is issue 12's target, on the real server: with the hooks
// installed by `quorum hook install --ahead`, a commit starts a background
// review; once it has finished, `git push` to a local bare remote reviews
// from the cache: no chat request reaches the server (counted by the proxy
// and by the server's own request log) and the push goes through.
func TestAheadPush(t *testing.T) {
	s := start(t)
	bin := quorum(t)
	needs(t, bin, "hook", "install")
	proxy := NewProxy(t, s)
	fx := newFixture(t)
	cache := t.TempDir()
	remote := filepath.Join(t.TempDir(), "remote.git")
	fx.git(t, "init", "-q", "--bare", "-b", "main", remote)
	fx.git(t, "checkout", "-q", "main")
	fx.git(t, "remote", "add", "origin", remote)
	fx.git(t, "push", "-q", "-u", "origin", "main")
	gitDir := filepath.Join(fx.Dir, ".git")
	t.Cleanup(func() { stopBackground(t, gitDir) })

	env := append(fx.quorumCmd(t, bin, proxy.Host, cache).Env,
		"QUORUM_MODELS="+strings.Join(terseNames(), ","),
		"QUORUM_AHEAD_DEBOUNCE=500ms",
	)
	run := func(name string, args ...string) run {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = fx.Dir, env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		begin := time.Now()
		err := cmd.Run()
		r := run{Stdout: stdout.String(), Stderr: stderr.String(), Wall: time.Since(begin)}
		if ee, ok := err.(*exec.ExitError); ok {
			r.Code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("%s %v: %v", name, args, err)
		}
		t.Logf("%s %s: exit %d in %v", name, strings.Join(args, " "), r.Code, r.Wall.Round(time.Millisecond))
		return r
	}
	if r := run(bin, "hook", "install", "--ahead"); r.Code != 0 || !strings.Contains(r.Stdout, "post-commit") {
		t.Fatalf("install: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}

	fx.write(t, "calc.go", "package calc\n\n// Add returns a+b.\nfunc Add(a, b int) int { return a + b }\n\n"+
		"// Mul returns a*b.\nfunc Mul(a, b int) int {\n\treturn a * b\n}\n")
	proxy.Reset()
	serverChats := strings.Count(s.Log(), `"/api/chat"`)
	if r := run("git", "commit", "-q", "-am", "calc: add Mul"); r.Code != 0 {
		t.Fatalf("commit: exit %d\n%s", r.Code, r.Stderr)
	}
	head := strings.TrimSpace(run("git", "rev-parse", "HEAD").Stdout)

	// The background review: wait for its outcome (generous: a loaded
	// machine and three models).
	deadline := time.Now().Add(10 * time.Minute)
	var st struct{ Status, Head, Verdict, Reason, Report string }
	for {
		b, err := os.ReadFile(filepath.Join(gitDir, "quorum", "ahead", "state.json"))
		if err == nil && json.Unmarshal(b, &st) == nil && st.Head == head && st.Status != "running" {
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(gitDir, "quorum", "ahead.log"))
			t.Fatalf("no background review outcome within 10m; state %+v; log:\n%s", st, log)
		}
		time.Sleep(200 * time.Millisecond)
	}
	log, _ := os.ReadFile(filepath.Join(gitDir, "quorum", "ahead.log"))
	t.Logf("background review: %+v\n%s", st, log)
	if st.Status != "done" {
		t.Fatalf("background review %s (%s), want done", st.Status, st.Reason)
	}
	bgChats := proxy.Hits("/api/chat")
	if bgChats == 0 {
		t.Fatalf("the background review asked the server nothing; proxy saw %s", proxy.Summary())
	}
	if n := strings.Count(s.Log(), `"/api/chat"`) - serverChats; n != bgChats {
		t.Fatalf("the server logged %d chat requests during the background review, the proxy %d", n, bgChats)
	}
	rep, err := os.ReadFile(filepath.Join(st.Report, "report.json"))
	if err != nil || !strings.Contains(string(rep), `"trigger": "ahead"`) {
		t.Fatalf("the background report is not marked as one (%v)", err)
	}
	if r := run(bin, "status"); r.Code != 0 || !strings.Contains(r.Stdout, "reviewed by a background review") {
		t.Fatalf("status: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}

	// The push: everything from the cache.
	proxy.Reset()
	serverChats = strings.Count(s.Log(), `"/api/chat"`)
	push := run("git", "push", "origin", "main")
	if push.Code != 0 {
		t.Fatalf("push: exit %d\n%s", push.Code, push.Stderr)
	}
	if n := proxy.Hits("/api/chat") + proxy.Hits("/api/generate"); n != 0 {
		t.Fatalf("the push made %d model requests, want 0; proxy saw %s\n%s", n, proxy.Summary(), push.Stderr)
	}
	if n := strings.Count(s.Log(), `"/api/chat"`) - serverChats; n != 0 {
		t.Fatalf("the server logged %d chat requests during the push, want 0", n)
	}
	t.Logf("push from the cache: the server saw %s\n%s", proxy.Summary(), push.Stderr)
	if !strings.Contains(push.Stderr, "quorum: reviewed 1 commit") {
		t.Fatalf("the push was not reviewed:\n%s", push.Stderr)
	}

	// What the hook adds: the same push of another commit with the review
	// skipped, for the baseline.
	fx.write(t, "notes.txt", "baseline\n")
	run("git", "add", "notes.txt")
	reviewEnv := env
	env = append(slices.Clone(env), "QUORUM_SKIP=1")
	run("git", "commit", "-q", "-m", "notes")
	base := run("git", "push", "-q", "origin", "main")
	env = reviewEnv
	added := push.Wall - base.Wall
	t.Logf("ahead: background review %d chat requests; push %d model requests, %v (a push without review %v): the hook added %v",
		bgChats, 0, push.Wall.Round(time.Millisecond), base.Wall.Round(time.Millisecond), added.Round(time.Millisecond))
	if os.Getenv("QUORUM_TIMING_TESTS") == "1" && added > time.Second {
		t.Errorf("the hook added %v to a push whose review was done ahead, want < 1s", added)
	}

	// A push while the background review of its commit is in flight joins
	// it: the models are asked once, by the background review.
	fx.write(t, "calc.go", "package calc\n\n// Add returns a+b.\nfunc Add(a, b int) int { return a + b }\n\n"+
		"// Sub returns a-b.\nfunc Sub(a, b int) int {\n\treturn a - b\n}\n")
	proxy.Reset()
	if r := run("git", "commit", "-q", "-am", "calc: add Sub"); r.Code != 0 {
		t.Fatalf("commit: exit %d\n%s", r.Code, r.Stderr)
	}
	head = strings.TrimSpace(run("git", "rev-parse", "HEAD").Stdout)
	deadline = time.Now().Add(5 * time.Minute)
	for {
		b, _ := os.ReadFile(filepath.Join(gitDir, "quorum", "ahead", "lock"))
		if strings.Contains(string(b), `"head":"`+head+`"`) {
			break // the background review of head holds the lock
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(gitDir, "quorum", "ahead.log"))
			t.Fatalf("no background review of %s started within 5m; log:\n%s", head, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	join := run("git", "push", "origin", "main")
	if join.Code != 0 {
		t.Fatalf("push: exit %d\n%s", join.Code, join.Stderr)
	}
	total := proxy.Hits("/api/chat")
	t.Logf("joined push: %v, %d chat requests in all (background review and push)\n%s", join.Wall.Round(time.Millisecond), total, join.Stderr)
	if !strings.Contains(join.Stderr, "a background review of these commits is in flight") ||
		!strings.Contains(join.Stderr, "the background review finished; its answers are in the cache") {
		t.Fatalf("the push did not join the background review:\n%s", join.Stderr)
	}
	if total != bgChats {
		t.Fatalf("%d chat requests for the commit and its push, want %d (one review's)", total, bgChats)
	}
}

// stopBackground kills the background runs the post-commit hook started
// (their pids are in the log) and waits until they are gone.
func stopBackground(t *testing.T, gitDir string) {
	b, _ := os.ReadFile(filepath.Join(gitDir, "quorum", "ahead.log"))
	var pids []int
	for _, line := range strings.Split(string(b), "\n") {
		if _, rest, ok := strings.Cut(line, "started the background review (pid "); ok {
			if pid, err := strconv.Atoi(strings.TrimSuffix(rest, ")")); err == nil && pid > 1 {
				pids = append(pids, pid)
			}
		}
	}
	slices.Sort(pids)
	for _, pid := range slices.Compact(pids) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) && syscall.Kill(pid, 0) == nil {
			stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
			if _, rest, _ := strings.Cut(string(stat), ") "); err != nil || strings.HasPrefix(rest, "Z") {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}
