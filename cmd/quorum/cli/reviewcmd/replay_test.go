package reviewcmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/ollamatest"
)

// savedReview runs one review that finds one important issue and returns
// its saved report directory.
func savedReview(t *testing.T, e *env, args ...string) string {
	t.Helper()
	res := e.run(context.Background(), append([]string{"--models", "qwen2.5-coder:7b", "-q"}, args...)...)
	if res.code != exitcode.Findings {
		t.Fatalf("review: exit %d\n%s", res.code, res.stderr)
	}
	dirs, _ := filepath.Glob(filepath.Join(e.repo.Dir, ".git", "quorum", "reports", "*"))
	if len(dirs) != 1 {
		t.Fatalf("saved reports: %v", dirs)
	}
	return dirs[0]
}

func findingReply(model, prompt string) string {
	return `{"summary":"Double changed.","findings":[{"file":"calc.go","line":4,"quote":"return n * 3","severity":"important","category":"bug","title":"Double triples its input","explanation":"n*3 is not double"}]}`
}

// A replayed review that stopped early (or that nobody answered) is never a
// pass: exit 2, as when it ran, whatever gate the replay applies.
func TestReplayOfAnIncompleteReviewIsNotAPass(t *testing.T) {
	e := newEnv(t, ollamatest.Config{Reply: findingReply})
	dir := savedReview(t, e)
	path := filepath.Join(dir, "raw.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	raw["interrupted"] = true
	if b, err = json.Marshal(raw); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	savedBeforeSums(t, dir) // else the edit is refused (TestReplayRefusesChangedFiles)
	for _, gate := range [][]string{nil, {"--fail-on", "none"}} {
		res := e.run(context.Background(), append([]string{"--replay", dir, "-q", "--format", "json"}, gate...)...)
		lines := strings.Split(strings.TrimSpace(checkedless(t, res.stderr)), "\n")
		if res.code != exitcode.Setup || !strings.Contains(res.stdout, `"status": "incomplete"`) || len(lines) != 2 ||
			!strings.HasPrefix(lines[0], "error: the replayed review is not a pass: incomplete: the review stopped before the end") ||
			lines[1] != "hint: a replay shows the saved answers as they were; run 'quorum review' on the same commits for a whole review" {
			t.Fatalf("%v: exit %d\n%s", gate, res.code, res.stderr)
		}
	}
	// --raw shows the answers, and exits 2 all the same.
	res := e.run(context.Background(), "--replay", dir, "-q", "--raw", "--format", "json")
	if res.code != exitcode.Setup || !strings.Contains(res.stdout, `"interrupted": true`) ||
		!strings.HasPrefix(checkedless(t, res.stderr), "error: the replayed review is not a pass: it stopped before the end, or nobody answered\n") {
		t.Fatalf("--raw: exit %d\n%s", res.code, res.stderr)
	}
}

// A saved review without diff.json is replayed against its own commits,
// taken again from git, never against the current checkout; a review of
// the index or work tree cannot be, and says so.
func TestReplayWithoutSavedDiff(t *testing.T) {
	e := newEnv(t, ollamatest.Config{Reply: findingReply})
	dir := savedReview(t, e, "--format", "json")
	saved, err := os.ReadFile(filepath.Join(dir, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "diff.json")); err != nil {
		t.Fatal(err)
	}
	savedBeforeSums(t, dir)
	// The checkout moves on: a replay must not review this commit.
	e.repo.Write("later.go", "package calc\n\nfunc Later() int { return 1 }\n")
	e.repo.Commit("later")
	res := e.run(context.Background(), "--replay", dir, "--format", "json", "-q")
	if res.code != exitcode.Findings || res.stdout != string(saved) ||
		!strings.HasPrefix(checkedless(t, res.stderr), "quorum: warning: "+dir+" has no diff.json; its diff was taken again from git (") {
		t.Fatalf("exit %d\n%s", res.code, res.stderr)
	}

	e.repo.Write("util.go", "package calc\n\nfunc Zero() int { return 0 }\n\nfunc One() int { return 1 }\n")
	e.repo.Git("add", "util.go")
	if res := e.run(context.Background(), "--models", "qwen2.5-coder:7b", "-q", "--staged"); res.code != exitcode.OK {
		t.Fatalf("staged review: exit %d\n%s", res.code, res.stderr)
	}
	var staged string
	dirs, _ := filepath.Glob(filepath.Join(e.repo.Dir, ".git", "quorum", "reports", "*"))
	for _, d := range dirs {
		if d != dir {
			staged = d
		}
	}
	if err := os.Remove(filepath.Join(staged, "diff.json")); err != nil {
		t.Fatal(err)
	}
	savedBeforeSums(t, staged)
	res = e.run(context.Background(), "--replay", staged, "-q")
	lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
	if res.code != exitcode.Setup || len(lines) != 2 || lines[0] != "error: "+staged+" has no diff.json, and a staged review cannot be taken from git again" ||
		lines[1] != "hint: run 'quorum review --staged' again for a review of the current code" {
		t.Fatalf("staged: exit %d\n%s", res.code, res.stderr)
	}
}

// A flag --replay cannot honour (the diff, the models, the server) is
// refused, not silently ignored; the gate and output flags apply.
func TestReplayRefusesFlagsItIgnores(t *testing.T) {
	e := newEnv(t, ollamatest.Config{Reply: findingReply})
	savedReview(t, e)
	for _, tc := range []struct {
		args []string
		flag string
	}{
		{[]string{"--staged"}, "staged"},
		{[]string{"--models", "other:1b"}, "models"},
		{[]string{"--timeout", "1m", "--base", "main"}, "base"}, // the first in name order
		{[]string{"--max-context", "100"}, "max-context"},       // not "too small": it would be ignored anyway
	} {
		res := e.run(context.Background(), append([]string{"--replay", "latest", "-q"}, tc.args...)...)
		lines := strings.Split(strings.TrimSpace(res.stderr), "\n")
		if res.code != exitcode.Setup || len(lines) != 2 ||
			lines[0] != "error: --replay replays the saved review's diff and answers, so --"+tc.flag+" has no effect" ||
			lines[1] != "hint: drop --"+tc.flag+"; with --replay only --fail-on, --min-agreement, --severity-policy and the output flags apply" {
			t.Errorf("%v: exit %d\n%s", tc.args, res.code, res.stderr)
		}
	}
	calls := e.srv.ModelCalls()
	res := e.run(context.Background(), "--replay", "", "-q")
	if res.code != exitcode.Setup || e.srv.ModelCalls() != calls ||
		res.stderr != "error: --replay needs a report\nhint: pass a report id, a report directory or latest ('quorum report list' shows them)\n" {
		t.Fatalf("--replay '': exit %d, %d model calls\n%s", res.code, e.srv.ModelCalls()-calls, res.stderr)
	}
	res = e.run(context.Background(), "--replay", "latest", "-q", "--fail-on", "none", "--format", "json", "--min-agreement", "1", "--severity-policy", "max")
	if res.code != exitcode.OK {
		t.Fatalf("gate and output flags: exit %d\n%s", res.code, res.stderr)
	}
}

// savedBeforeSums makes the saved review in dir one saved before sums.json
// existed, whose files nothing checks.
func savedBeforeSums(t *testing.T, dir string) {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, "sums.json")); err != nil {
		t.Fatal(err)
	}
}

// checkedless drops the warning every replay of a review with no
// sums.json gives (TestReplayWithoutSumsWarns), asserting it is there.
func checkedless(t *testing.T, stderr string) string {
	t.Helper()
	warning := regexp.MustCompile(`(?m)^quorum: warning: saved review \S+ has no sums\.json, so its raw\.json and diff\.json cannot be checked against what was saved\nhint: trust this replay only if nobody changed the report's files; 'quorum review' on the same commits makes a checked one\n`)
	if !warning.MatchString(stderr) {
		t.Fatalf("no unchecked-replay warning:\n%s", stderr)
	}
	return warning.ReplaceAllString(stderr, "")
}

// A saved review whose raw.json or diff.json changed since it was saved
// (edited, emptied, deleted; diff.json is shared by hard link, so one edit
// reaches every report holding it) is refused, exit 2 with a hint, never
// replayed as another review: an emptied diff would replay as "nothing to
// review", an edited one as a pass.
func TestReplayRefusesChangedFiles(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		damage     func(p string) error
		msg        string
	}{
		{"diff emptied", "diff.json", func(p string) error { return os.WriteFile(p, []byte("{}"), 0o644) }, "diff.json changed since it was saved (its SHA-256 no longer matches sums.json)"},
		{"answers emptied", "raw.json", func(p string) error {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(p, []byte(strings.ReplaceAll(string(b), `"important"`, `"suggestion"`)), 0o644)
		}, "raw.json changed since it was saved (its SHA-256 no longer matches sums.json)"},
		{"diff deleted", "diff.json", os.Remove, "lost its diff.json since it was saved"},
		{"sums emptied", "sums.json", func(p string) error { return os.WriteFile(p, []byte("{}"), 0o644) }, "sums.json does not list its raw.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, ollamatest.Config{Reply: findingReply})
			dir := savedReview(t, e)
			if err := tc.damage(filepath.Join(dir, tc.file)); err != nil {
				t.Fatal(err)
			}
			res := e.run(context.Background(), "--replay", dir, "-q", "--format", "json")
			want := "error: saved review " + filepath.Base(dir) + ": " + tc.msg + "\n"
			if strings.HasPrefix(tc.msg, "lost") {
				want = "error: saved review " + filepath.Base(dir) + " " + tc.msg + "\n"
			}
			want += "hint: replay another saved review ('quorum report list'), or run 'quorum review' again on the same commits\n"
			if res.code != exitcode.Setup || res.stderr != want || res.stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s\nwant:\n%s", res.code, res.stdout, res.stderr, want)
			}
		})
	}
}

// A replay describes the review it replays: the options the models ran
// with (context, panel settings), not the current config's; only the gate
// is the replay's own.
func TestReplayKeepsTheReviewsOptions(t *testing.T) {
	e := newEnv(t, ollamatest.Config{Reply: findingReply})
	dir := savedReview(t, e)
	e.repo.Write(".quorum.yaml", "context: none\nmax_context: 8192\n")
	res := e.run(context.Background(), "--replay", dir, "-q", "--format", "json", "--fail-on", "critical")
	var rep struct {
		Options map[string]string `json:"options"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil || res.code != 0 {
		t.Fatalf("exit %d (%v)\n%s", res.code, err, res.stderr)
	}
	if rep.Options["context"] != "signature" || rep.Options["max_context"] != "16384" || rep.Options["fail_on"] != "critical" {
		t.Errorf("options %v: want the review's context and max_context, and the replay's fail_on", rep.Options)
	}
}
