package statuscmd

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/ahead"
	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir,
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@x", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@x")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v %s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

func commit(t *testing.T, dir, name string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(name+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "add", name)
	git(t, dir, "commit", "-q", "-m", name)
}

// repo is a work tree whose main tracks origin/main and is one commit ahead.
func repo(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "work")
	git(t, root, "init", "-q", "--bare", "-b", "main", filepath.Join(root, "remote.git"))
	git(t, root, "init", "-q", "-b", "main", dir)
	git(t, dir, "remote", "add", "origin", filepath.Join(root, "remote.git"))
	commit(t, dir, "one")
	git(t, dir, "push", "-q", "-u", "origin", "main")
	commit(t, dir, "two")
	return dir
}

func status(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	f, out, errOut := cmdtest.NewFactory(dir, nil)
	f.Now = func() time.Time { return time.Date(2026, 12, 3, 12, 0, 30, 0, time.UTC) }
	code := cmdtest.Execute(context.Background(), NewCmdStatus(f, nil), f.IOStreams, args)
	return code, out.String(), errOut.String()
}

func TestStatusStates(t *testing.T) {
	dir := repo(t)
	gitDir := filepath.Join(dir, ".git")
	code, out, errOut := status(t, dir)
	if code != 0 || !strings.Contains(out, "a push to origin sends 1 commit (") || !strings.Contains(out, "not reviewed yet") ||
		!strings.Contains(out, "background reviews are off; 'quorum hook install --ahead' turns them on") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}

	// In flight: a background run of these commits holds the lock.
	head := git(t, dir, "rev-parse", "HEAD")
	base := git(t, dir, "rev-parse", "origin/main")
	key := ahead.Key([]string{base + ".." + head})
	l, err := ahead.TryLock(gitDir)
	if err != nil {
		t.Fatal(err)
	}
	since := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	if err := l.SetOwner(ahead.Owner{PID: 4321, Trigger: ahead.TriggerAhead, Head: head, Key: key, Since: since}); err != nil {
		t.Fatal(err)
	}
	_, out, _ = status(t, dir)
	if !strings.Contains(out, "in flight: a background review (pid 4321, since ") || !strings.Contains(out, "30s so far") {
		t.Fatalf("in flight:\n%s", out)
	}
	_, out, _ = status(t, dir, "--format", "json")
	var st Status
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.State != InFlight || st.PID != 4321 || st.Commits != 1 {
		t.Fatalf("json %+v %v\n%s", st, err, out)
	}
	l.Unlock()

	// Stale: the last background run reviewed an older HEAD of this branch.
	if err := ahead.WriteState(gitDir, ahead.State{Status: ahead.StatusDone, Head: base, Branch: "refs/heads/main", Key: "x..y", Verdict: "passed"}); err != nil {
		t.Fatal(err)
	}
	_, out, _ = status(t, dir)
	if !strings.Contains(out, "stale: the last background review was of "+base[:12]+" (passed)") {
		t.Fatalf("stale:\n%s", out)
	}

	// Queued: just committed, the background run waits out its debounce.
	// Only a live run started moments ago counts: a marker left by a run
	// killed in its debounce, or one from long ago, says nothing.
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	queuedAt := time.Date(2026, 12, 3, 12, 0, 29, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		q      ahead.Queued
		queued bool
	}{
		{"live", ahead.Queued{PID: os.Getpid(), Head: head, Since: queuedAt, Debounce: 2 * time.Second}, true},
		{"other commit", ahead.Queued{PID: os.Getpid(), Head: base, Since: queuedAt, Debounce: 2 * time.Second}, false},
		{"dead", ahead.Queued{PID: dead.Process.Pid, Head: head, Since: queuedAt, Debounce: 2 * time.Second}, false},
		{"long ago", ahead.Queued{PID: os.Getpid(), Head: head, Since: queuedAt.Add(-time.Hour), Debounce: 2 * time.Second}, false},
	} {
		if err := ahead.WriteQueued(gitDir, tc.q); err != nil {
			t.Fatal(err)
		}
		_, out, _ = status(t, dir)
		if got := strings.Contains(out, fmt.Sprintf("queued: a background review of this commit starts in a moment (pid %d", tc.q.PID)); got != tc.queued {
			t.Fatalf("%s: queued %v, want %v:\n%s", tc.name, got, tc.queued, out)
		}
		if !tc.queued && !strings.Contains(out, "stale: the last background review was of ") {
			t.Fatalf("%s: the stale state is lost:\n%s", tc.name, out)
		}
	}
	if err := ahead.ClearQueued(gitDir, os.Getpid()); err != nil {
		t.Fatal(err)
	}

	// Nothing to push.
	git(t, dir, "push", "-q", "origin", "main")
	_, out, _ = status(t, dir)
	if !strings.Contains(out, "sends 0 commits") || !strings.Contains(out, "nothing to review") {
		t.Fatalf("pushed:\n%s", out)
	}
}

// Every user-facing error: a one-line message, a hint, exit 2.
func TestStatusErrors(t *testing.T) {
	detached := repo(t)
	git(t, detached, "checkout", "-q", "--detach")
	noRemote := t.TempDir()
	git(t, noRemote, "init", "-q", "-b", "main")
	commit(t, noRemote, "one")
	empty := t.TempDir()
	git(t, empty, "init", "-q", "-b", "main")
	orphan := repo(t)
	git(t, orphan, "checkout", "-q", "--orphan", "fresh")
	orphanNoRemote := t.TempDir()
	git(t, orphanNoRemote, "init", "-q", "-b", "main")
	commit(t, orphanNoRemote, "one")
	git(t, orphanNoRemote, "checkout", "-q", "--orphan", "other")
	commit(t, orphanNoRemote, "other")
	unknownRemote := repo(t)
	git(t, unknownRemote, "config", "branch.main.pushRemote", "nosuchremote")
	pushesHere := repo(t)
	git(t, pushesHere, "config", "remote.pushDefault", ".")
	rebasing := repo(t)
	if err := os.MkdirAll(filepath.Join(rebasing, ".git", "rebase-merge"), 0o755); err != nil {
		t.Fatal(err)
	}
	notRepo := t.TempDir()
	for _, c := range []struct {
		name, dir string
		args      []string
		msg, hint string
	}{
		{"not a repository", notRepo, nil, "not a git repository: " + notRepo, "run quorum inside a git work tree, or 'git init' one"},
		{"detached", detached, nil, "HEAD is detached (on no branch)", "check out a branch ('git switch NAME'); quorum status is about the branch you would push"},
		{"no remote", noRemote, nil, "main has no remote to push to", "add one ('git remote add origin URL') or set branch.<name>.pushRemote; 'quorum review' reviews against the base without one"},
		{"push remote that is none", unknownRemote, nil, `main pushes to nowhere: branch.main.pushRemote names "nosuchremote", which is no remote of this repository`, "add it ('git remote add nosuchremote URL') or set branch.main.pushRemote to a remote 'git remote' lists"},
		{"push remote that is the repository", pushesHere, nil, `main pushes to nowhere: remote.pushDefault is ".", so git pushes into this repository itself`, "set remote.pushDefault to a remote 'git remote' lists, or unset it ('git config --unset remote.pushDefault')"},
		{"no commits", empty, nil, "the repository has no commits yet", "commit first; quorum status is about the commits you would push"},
		{"orphan branch, no commit yet", orphan, nil, "branch fresh has no commits yet (an orphan branch)", "commit on it first ('git commit'); 'quorum review --staged' reviews what is staged"},
		{"orphan branch, no remote", orphanNoRemote, nil, "other has no remote to push to and shares no history with main (an orphan branch)", "review it against a related commit with 'quorum review --base REV', or all of it with 'quorum review --commits 4b825dc642cb6eb9a060e54bf8d69288fbee4904..HEAD'"},
		{"rebase", rebasing, nil, "a rebase is in progress", "finish it first ('git status' says how to continue or abort), then run 'quorum status' again"},
		{"bad format", noRemote, []string{"--format", "yaml"}, `unknown format "yaml"`, "use --format text or --format json"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := status(t, c.dir, c.args...)
			if code != exitcode.Setup || out != "" || errOut != "error: "+c.msg+"\nhint: "+c.hint+"\n" {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s", code, out, errOut)
			}
		})
	}
}

// saveCovering saves scenario name's report, decided by policy, as a
// background review of the branch's unpushed commits in dir.
func saveCovering(t *testing.T, dir, name string, policy report.Policy) {
	t.Helper()
	head := git(t, dir, "rev-parse", "HEAD")
	base := git(t, dir, "rev-parse", "origin/main")
	var sc reporttest.Scenario
	for _, s := range reporttest.Scenarios() {
		if s.Name == name {
			sc = s
		}
	}
	if sc.Raw == nil {
		t.Fatalf("no scenario %q", name)
	}
	r, err := pipeline.Consolidate(sc.Set, sc.Raw, policy, report.Meta{GeneratedAt: reporttest.GeneratedAt,
		Options: map[string]string{"ranges": base + ".." + head, "trigger": ahead.TriggerAhead, "context": ""}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reportstore.SaveBundle(filepath.Join(dir, ".git"), reporttest.GeneratedAt, head[:7], reportstore.Bundle{Report: r, Raw: sc.Raw}); err != nil {
		t.Fatal(err)
	}
}

// TestStatusReviewedWithOtherSettings: a report of these commits made with
// another context level or panel than the config now names does not mean
// the push finds every answer cached.
func TestStatusReviewedWithOtherSettings(t *testing.T) {
	dir := repo(t)
	saveCovering(t, dir, "agree", report.Policy{})
	write := func(cfg string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct{ cfg, want string }{
		{"models: [alice, bob:latest, carol]\n", "a push now asks the models nothing: every answer is cached, for the models as they were (one pulled or re-created since is asked again; the model server must still be running)"},
		{"models: [alice]\n", "the models changed since: a push asks the models again"},
		{"models: [alice, bob, carol]\ncontext: function\n", "the context changed since: a push asks the models again"},
	} {
		write(tt.cfg)
		code, out, errOut := status(t, dir)
		if code != 0 || !strings.Contains(out, "reviewed by a background review") || !strings.Contains(out, tt.want) {
			t.Errorf("%q: exit %d\n%s%s", tt.cfg, code, out, errOut)
		}
	}
}

// TestStatusReviewedWithAFailedReviewer: a covering report in which a
// reviewer failed is no "every answer is cached": a failed chunk is never
// cached, so the push asks that reviewer again.
func TestStatusReviewedWithAFailedReviewer(t *testing.T) {
	dir := repo(t)
	saveCovering(t, dir, "failed", report.Policy{})
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("models: [alice, bob, carol]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := status(t, dir)
	if code != 0 || !strings.Contains(out, "a push asks carol again (failed in that review); the other answers are cached\n") || strings.Contains(out, "asks the models nothing") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// TestStatusUsesTheHooksSeverityPolicy: a review decided with another
// severity policy than the config's is judged as the push would decide it:
// votes critical, important and suggestion are important by upper-median
// and critical by max.
func TestStatusUsesTheHooksSeverityPolicy(t *testing.T) {
	dir := repo(t)
	saveCovering(t, dir, "dispute", report.Policy{Severity: report.PolicyUpperMedian, FailOn: "critical"})
	for _, tt := range []struct{ cfg, want string }{
		{"models: [alice, bob, carol]\nseverity_policy: max\nhook:\n  fail_on: critical\n", "by the pre-push hook's gate (fail_on critical, min agreement 1, severity policy max) a push blocks on 1 finding\n"},
		{"models: [alice, bob, carol]\nhook:\n  fail_on: critical\n", ": pass\n"},
	} {
		if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte(tt.cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := status(t, dir)
		if code != 0 || !strings.Contains(out, tt.want) {
			t.Errorf("%q: exit %d, want %q in\n%s%s", tt.cfg, code, tt.want, out, errOut)
		}
	}
}

// TestStatusOrphanBranch: an orphan branch with commits and a remote has a
// push to report (its whole history), and status says what to run to
// review it, since it shares no history with the base.
func TestStatusOrphanBranch(t *testing.T) {
	dir := repo(t)
	git(t, dir, "checkout", "-q", "--orphan", "other")
	commit(t, dir, "other")
	code, out, errOut := status(t, dir)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	want := "other shares no history with origin/main (an orphan branch): review it against a related commit with 'quorum review --base REV', or all of it with 'quorum review --commits 4b825dc642cb6eb9a060e54bf8d69288fbee4904..HEAD'\n"
	if !strings.Contains(out, "a push to origin sends 1 commit (") || !strings.Contains(out, want) {
		t.Fatalf("stdout:\n%s", out)
	}
	_, out, _ = status(t, dir, "--format", "json")
	if !strings.Contains(out, `"unrelated_to": "origin/main"`) {
		t.Fatalf("json:\n%s", out)
	}
	// A branch that shares history says nothing of the kind.
	git(t, dir, "checkout", "-q", "main")
	if _, out, _ := status(t, dir); strings.Contains(out, "shares no history") {
		t.Fatalf("related branch:\n%s", out)
	}
}

// A 'quorum review' of exactly the commits a push would send counts: status
// says so (its answers are what the push reuses), and a review of staged
// changes, which are not those commits, does not.
func TestStatusReviewedByQuorumReview(t *testing.T) {
	dir := repo(t)
	gitDir := filepath.Join(dir, ".git")
	head := git(t, dir, "rev-parse", "HEAD")
	base := git(t, dir, "rev-parse", "origin/main")
	sc := reporttest.Scenarios()[0]
	save := func(mode string, at time.Time) {
		t.Helper()
		r, err := pipeline.Consolidate(sc.Set, sc.Raw, report.Policy{}, report.Meta{GeneratedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		r.Mode, r.MergeBase, r.Head.Commit = mode, base, head
		if _, err := reportstore.SaveBundle(gitDir, at, head[:7], reportstore.Bundle{Report: r, Raw: sc.Raw}); err != nil {
			t.Fatal(err)
		}
	}
	save("staged", reporttest.GeneratedAt)
	if _, out, _ := status(t, dir); !strings.Contains(out, "not reviewed yet") {
		t.Fatalf("a staged review counted:\n%s", out)
	}
	save("range", reporttest.GeneratedAt.Add(time.Minute))
	code, out, errOut := status(t, dir)
	if code != 0 || !strings.Contains(out, "reviewed by 'quorum review' at ") || !strings.Contains(out, "a push asks the models only what that review did not cache") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	// That review was judged by the review gate (fail_on important); the
	// hook blocks at critical: status says what the hook's gate makes of it.
	r, err := pipeline.Consolidate(sc.Set, sc.Raw, report.Policy{}, report.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	hook, _ := report.Policy{FailOn: "critical", MinAgreement: 1}.Normalize()
	n := 0
	for _, f := range r.Findings {
		if hook.Blocks(f) {
			n++
		}
	}
	want := "by the pre-push hook's gate (fail_on critical, min agreement 1) a push passes"
	if n > 0 {
		want = fmt.Sprintf("by the pre-push hook's gate (fail_on critical, min agreement 1) a push blocks on %d finding", n)
	}
	if !strings.Contains(out, want) || r.Policy.FailOn == "critical" {
		t.Fatalf("status lacks %q (the review's gate: %s)\n%s", want, r.Policy.FailOn, out)
	}
}

// hookReport saves, as the pre-push hook would, a review of what a push
// of dir's main sends: the "agree" scenario (one critical finding, by
// three reviewers), judged by the hook's default gate with ledger l
// applied. It returns the finding.
func hookReport(t *testing.T, dir string, at time.Time, l *dismiss.Ledger) report.Finding {
	t.Helper()
	gitDir := filepath.Join(dir, ".git")
	head := git(t, dir, "rev-parse", "HEAD")
	base := git(t, dir, "rev-parse", "origin/main")
	sc := agreeScenario(t)
	if l == nil {
		l = &dismiss.Ledger{}
	}
	res, err := pipeline.Review(t.Context(), nil, pipeline.Request{Set: sc.Set, Raw: sc.Raw, Policy: report.Policy{FailOn: "critical"}, Dismissals: l,
		Meta: report.Meta{GeneratedAt: at, Options: map[string]string{"ranges": base + ".." + head, "trigger": ahead.TriggerPrePush}}})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Report
	if _, err := reportstore.SaveBundle(gitDir, at, head[:7], reportstore.Bundle{Report: r, Raw: sc.Raw}); err != nil {
		t.Fatal(err)
	}
	all := append(slices.Clone(r.Findings), r.Dismissed...)
	if len(all) != 1 || all[0].Severity != "critical" {
		t.Fatalf("fixture: findings %+v", all)
	}
	return all[0]
}

func writeLedger(t *testing.T, dir string, es ...dismiss.Entry) {
	t.Helper()
	if err := dismiss.WriteFile(dismiss.SharedPath(dir), &dismiss.Ledger{Entries: es}); err != nil {
		t.Fatal(err)
	}
}

func statusJSON(t *testing.T, dir string) Status {
	t.Helper()
	code, out, errOut := status(t, dir, "--format", "json")
	var st Status
	if err := json.Unmarshal([]byte(out), &st); code != 0 || err != nil {
		t.Fatalf("json: exit %d, %v\n%s%s", code, err, out, errOut)
	}
	return st
}

// TestStatusAppliesTheLedger: status judges the saved report with the
// dismissal ledger as it is now, as a push does. It used to ignore the
// ledger: after 'quorum dismiss' it said a push blocks though the push
// passes, and after 'quorum undismiss' that it passes though it blocks.
func TestStatusAppliesTheLedger(t *testing.T) {
	dir := repo(t)
	at := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	f := hookReport(t, dir, at, nil)
	code, out, errOut := status(t, dir)
	if code != 0 || !strings.Contains(out, ": fail\n") || strings.Contains(out, "a push passes") ||
		strings.Contains(out, "dismissals changed") {
		t.Fatalf("blocked review: exit %d\n%s%s", code, out, errOut)
	}

	// Dismissed since: a push passes.
	writeLedger(t, dir, dismiss.NewEntry(f, "name is an enum", "", at))
	code, out, errOut = status(t, dir)
	for _, want := range []string{
		": fail\n", // the review's own verdict
		"\ndismissals changed since that review: 1 finding dismissed\n",
		"\nby the pre-push hook's gate (fail_on critical, min agreement 1) a push passes\n",
	} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("after dismiss: exit %d, stdout lacks %q:\n%s%s", code, want, out, errOut)
		}
	}
	if st := statusJSON(t, dir); st.DismissedSince != 1 || st.UndismissedSince != 0 || st.HookBlocking == nil || *st.HookBlocking != 0 {
		t.Errorf("after dismiss: json %+v", st)
	}

	// The other direction: the push's review had it dismissed; the
	// dismissal is taken back, so a push blocks on it.
	hookReport(t, dir, at.Add(time.Minute), &dismiss.Ledger{Entries: []dismiss.Entry{dismiss.NewEntry(f, "name is an enum", "", at)}})
	code, out, _ = status(t, dir)
	if code != 0 || !strings.Contains(out, ": pass\n") || strings.Contains(out, "dismissals changed") || strings.Contains(out, "a push blocks") {
		t.Fatalf("dismissed at review time, ledger unchanged:\n%s", out)
	}
	if err := os.Remove(dismiss.SharedPath(dir)); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = status(t, dir)
	for _, want := range []string{
		": pass\n",
		"\ndismissals changed since that review: 1 no longer dismissed\n",
		"\nby the pre-push hook's gate (fail_on critical, min agreement 1) a push blocks on 1 finding\n",
	} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("after undismiss: exit %d, stdout lacks %q:\n%s%s", code, want, out, errOut)
		}
	}
	if st := statusJSON(t, dir); st.DismissedSince != 0 || st.UndismissedSince != 1 || st.HookBlocking == nil || *st.HookBlocking != 1 {
		t.Errorf("after undismiss: json %+v", st)
	}
}

// TestStatusSaysWhyNotDismissed: a dismissal of a suggestion at the
// finding's place does not cover the critical finding there; status says
// a push blocks on it, and why it is not dismissed.
func TestStatusSaysWhyNotDismissed(t *testing.T) {
	dir := repo(t)
	at := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)
	f := hookReport(t, dir, at, nil)
	nit := f
	nit.Severity, nit.Kinds = "suggestion", nil
	writeLedger(t, dir, dismiss.NewEntry(nit, "style noise", "", at))
	code, out, errOut := status(t, dir)
	want := fmt.Sprintf("\n  %s critical %s:%d: not dismissed: critical, the dismissal covered suggestion\n", f.ID, f.File, f.Line)
	if code != 0 || !strings.Contains(out, want) || strings.Contains(out, "a push passes") || strings.Contains(out, "dismissals changed") {
		t.Fatalf("exit %d, stdout lacks %q:\n%s%s", code, want, out, errOut)
	}
	st := statusJSON(t, dir)
	if len(st.NotDismissed) != 1 || st.NotDismissed[0].ID != f.ID || st.NotDismissed[0].Why != "not dismissed: critical, the dismissal covered suggestion" {
		t.Errorf("json %+v", st.NotDismissed)
	}
	// A dismissal of that severity covers it: nothing to explain.
	writeLedger(t, dir, dismiss.NewEntry(f, "name is an enum", "", at))
	if st := statusJSON(t, dir); len(st.NotDismissed) != 0 || st.HookBlocking == nil || *st.HookBlocking != 0 {
		t.Errorf("covered: json %+v", st)
	}
}

// An inline quorum:ignore is in the reviewed commits: status keeps it
// dismissed whatever the ledger says.
func TestStatusKeepsInlineDismissals(t *testing.T) {
	dir := repo(t)
	gitDir := filepath.Join(dir, ".git")
	head := git(t, dir, "rev-parse", "HEAD")
	base := git(t, dir, "rev-parse", "origin/main")
	r := &report.Report{Schema: report.Schema, Policy: report.Policy{Severity: "upper-median", FailOn: "critical", MinAgreement: 1},
		Options:  map[string]string{"ranges": base + ".." + head, "trigger": ahead.TriggerPrePush},
		Verdict:  report.Verdict{Status: report.VerdictPass, Text: "passed: no findings at or above critical", RestsOn: 1},
		Findings: []report.Finding{},
		Dismissed: []report.Finding{{ID: "Qaaaaaaaaaa", Severity: "critical", File: "a.go", Line: 3, Support: 1, Reviewers: []string{"m"},
			Fingerprint: "0123456789abcdef", Dismissal: &report.Dismissal{Reason: "inline quorum:ignore", Source: dismiss.SourceInline}}}}
	if _, err := reportstore.SaveBundle(gitDir, reporttest.GeneratedAt, head[:7], reportstore.Bundle{Report: r}); err != nil {
		t.Fatal(err)
	}
	if st := statusJSON(t, dir); st.State != Reviewed || st.UndismissedSince != 0 || st.HookBlocking != nil {
		t.Fatalf("json %+v", st)
	}
}

// A ledger a push cannot read stops the push (exit 2): status says so the
// same way, naming the file and line, with the hint, instead of predicting
// a push that cannot happen.
func TestStatusBadLedger(t *testing.T) {
	dir := repo(t)
	path := dismiss.SharedPath(dir)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("dismissed:\n  - fingerprint: NOT-A-HASH\n    reason: r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := status(t, dir)
	want := "error: dismissal ledger " + path + ": line 2: entry 1: fingerprint: \"NOT-A-HASH\" is not a fingerprint (16 lower-case hex digits, like 0123456789abcdef), so it matches no finding\n" +
		"hint: fix .quorum/dismissed.yaml: copy the finding's \"fingerprint\" from 'quorum report show --format json', or let 'quorum dismiss ID --reason TEXT' write the entry; 'quorum dismiss --list' checks it\n"
	if code != exitcode.Setup || out != "" || errOut != want {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s\nwant exit 2 and:\n%s", code, out, errOut, want)
	}
	// Nothing to push: a push reviews nothing, and status has nothing to judge.
	git(t, dir, "push", "-q", "origin", "main")
	if code, out, errOut := status(t, dir); code != 0 || !strings.Contains(out, "nothing to review") {
		t.Fatalf("nothing to push: exit %d\n%s%s", code, out, errOut)
	}
}

// TestStatusSaysTheVerdictsAreDamaged: a push warns that the hook's saved
// verdicts cannot be read (and refuses what it cannot review whole);
// status says so before the push does, with what to do.
func TestStatusSaysTheVerdictsAreDamaged(t *testing.T) {
	dir := repo(t)
	path := filepath.Join(dir, ".git", "quorum", "hook-verdicts.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"blocked": [`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := status(t, dir)
	if code != 0 || !strings.Contains(out, "warning: the hook's saved verdicts "+path+" are damaged") || !strings.Contains(out, "hint: look at "+path) {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	_, out, _ = status(t, dir, "--format", "json")
	var st Status
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.VerdictsDamaged == "" || st.VerdictsHint == "" {
		t.Fatalf("json %+v %v", st, err)
	}
}

// TestStatusReadsTheLedgerAPushReads: where the work tree has no ledger
// (a checkout of another branch) and the pushed commits carry one, a push
// reads theirs
// (pipeline.LoadDismissals), so status judges with it too; where the work
// tree has one, it decides. Status used to read the work tree's only, and
// predicted a block the push then let through.
func TestStatusReadsTheLedgerAPushReads(t *testing.T) {
	dir := repo(t)
	gitDir := filepath.Join(dir, ".git")
	base := git(t, dir, "rev-parse", "origin/main")
	committed := dismiss.Entry{Fingerprint: "0123456789abcdef", File: "two", Reason: "committed with the code"}
	writeLedger(t, dir, committed)
	git(t, dir, "add", ".quorum")
	git(t, dir, "commit", "-q", "-m", "dismissal")
	head := git(t, dir, "rev-parse", "HEAD")
	git(t, dir, "checkout", "-q", "-b", "other", "origin/main") // a checkout without the ledger
	set, err := diff.Load(t.Context(), diff.Options{Dir: dir, Commits: base + ".." + head})
	if err != nil {
		t.Fatal(err)
	}
	here, err := dismiss.Load(dir, gitDir)
	if err != nil || len(here.Entries) != 0 {
		t.Fatalf("work tree ledger: %+v %v", here, err)
	}
	if l := pushLedger(set, dir, gitDir, here); len(l.Entries) != 1 || l.Entries[0].Reason != committed.Reason {
		t.Errorf("no ledger in the work tree: got %+v, want the commits' entry", l)
	}
	if l := pushLedger(nil, dir, gitDir, here); l != here {
		t.Errorf("no saved diff: got %+v, want the work tree's ledger", l)
	}
	writeLedger(t, dir) // this checkout's own, empty: not the pushed commits'
	here, _ = dismiss.Load(dir, gitDir)
	if l := pushLedger(set, dir, gitDir, here); len(l.Entries) != 1 {
		t.Errorf("with another checkout's ledger: got %+v, want the commits' entry", l.Entries)
	}
}

// TestSpansFromNothing: a range a remote has none of starts at the empty
// tree, which is no commit: the text names the history, not that hash.
func TestSpansFromNothing(t *testing.T) {
	head := "daa40d200648aaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	got := shortSpans([]string{"4b825dc642cb6eb9a060e54bf8d69288fbee4904.." + head, "1111111111111111111111111111111111111111.." + head})
	if got != "its whole history up to daa40d200648, 111111111111..daa40d200648" {
		t.Errorf("spans %q", got)
	}
}

// TestCompleteReportsAtTheHooksAgreement: a saved review in which a file
// was read by one reviewer only is whole for a hook of min agreement 1,
// not for one of 2 (no finding there could have tripped it); one in which
// a reviewer read nothing is whole for neither.
func TestCompleteReportsAtTheHooksAgreement(t *testing.T) {
	dir := repo(t)
	set := &diff.Set{Files: []diff.File{
		reporttest.File("a.go", diff.StatusModified, 1, 1, "+\tx := 1"),
		reporttest.File("b.go", diff.StatusModified, 1, 1, "+\ty := 2"),
	}}
	save := func(raw *review.Raw) {
		t.Helper()
		r, err := pipeline.Consolidate(set, raw, report.Policy{}, report.Meta{GeneratedAt: reporttest.GeneratedAt, Options: map[string]string{"ranges": "a..b"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := reportstore.SaveBundle(filepath.Join(dir, ".git"), reporttest.GeneratedAt, "abc1234", reportstore.Bundle{Report: r, Raw: raw}); err != nil {
			t.Fatal(err)
		}
	}
	alice := reporttest.Result("alice", 0, reporttest.Chunk("c1", []string{"a.go", "b.go"}, review.Answer{Summary: "ok"}))
	bob := reporttest.Result("bob", 1, reporttest.Chunk("c2", []string{"a.go"}, review.Answer{Summary: "ok"}))
	bob.NotCovered = []string{"b.go"}
	save(reporttest.Raw(alice, bob))
	gitDir := filepath.Join(dir, ".git")
	if complete, _ := savedReviews(gitDir, 1); len(complete) != 1 {
		t.Errorf("min agreement 1: %d whole reports, want 1", len(complete))
	}
	complete, newest := savedReviews(gitDir, 2)
	if len(complete) != 0 || len(newest) != 1 {
		t.Fatalf("min agreement 2: %d whole reports of %d, want 0 of 1 (b.go read by one)", len(complete), len(newest))
	}
	for _, r := range newest {
		if why := notWhole(r.rep, 2); why != "b.go read by fewer reviewers than min agreement 2 there" {
			t.Errorf("why not whole: %q", why)
		}
	}
}

// A push the review since does not clear (a panel model failed there too)
// says so, with why and the report, beside the review to run: running it
// again as it is would change nothing.
func TestUnreviewedSaysWhyTheReviewSinceDoesNotClearIt(t *testing.T) {
	span := strings.Repeat("a", 40) + ".." + strings.Repeat("b", 40)
	var b strings.Builder
	printUnreviewed(&b, []UnreviewedPush{{Commits: 1, Ranges: []string{span}, Partial: true, Reason: "small failed",
		Review: []string{"quorum review --commits " + span}, NotClearedBy: "20261206-004945-12cc780", NotClearedWhy: "small failed there; every panel model must answer"}})
	want := "the review of it saved since does not clear it: small failed there; every panel model must answer ('quorum report show 20261206-004945-12cc780'; 'quorum doctor' checks the panel)\n"
	if !strings.Contains(b.String(), want) {
		t.Errorf("%s\nlacks\n%s", b.String(), want)
	}
}

// TestUnreviewedCommandCarriesTheAgreement: the text's suggested review is
// the one that clears the push, with the hook's --min-agreement.
func TestUnreviewedCommandCarriesTheAgreement(t *testing.T) {
	span := strings.Repeat("a", 40) + ".." + strings.Repeat("b", 40)
	var b strings.Builder
	printUnreviewed(&b, []UnreviewedPush{{Commits: 1, Ranges: []string{span}, Partial: true, Reason: "x read by one",
		Review: []string{"quorum review --commits " + span + " --min-agreement 2"}, agreement: " --min-agreement 2"}})
	if !strings.Contains(b.String(), "--min-agreement 2") {
		t.Errorf("%s", b.String())
	}
}

// A teammate pushed to the branch since: git refuses the push (not a
// fast-forward) before any hook runs, and status says so rather than
// predict a review (helper 252).
func TestStatusSaysAPushWouldBeRefused(t *testing.T) {
	dir := repo(t)
	if code, out, _ := status(t, dir); code != 0 || strings.Contains(out, "git refuses the push") {
		t.Fatalf("a fast-forward: exit %d\n%s", code, out)
	}
	// The remote's main moves on in another clone; this one fetches it.
	other := filepath.Join(filepath.Dir(dir), "other")
	git(t, filepath.Dir(dir), "clone", "-q", filepath.Join(filepath.Dir(dir), "remote.git"), other)
	commit(t, other, "theirs")
	git(t, other, "push", "-q", "origin", "main")
	git(t, dir, "fetch", "-q", "origin")
	code, out, errOut := status(t, dir)
	if code != 0 || !strings.Contains(out, "main on origin has 1 commit this branch lacks: git refuses the push until you pull it (or force the push)\n") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if code, out, _ := status(t, dir, "--format", "json"); code != 0 || !strings.Contains(out, `"behind": 1`) {
		t.Fatalf("json: exit %d\n%s", code, out)
	}
}
