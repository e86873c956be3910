package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/eval"
)

// evalFixture is newFixture's repository with a history eval can use: two
// fix commits (bug cases) and a chore commit (a clean case).
func evalFixture(t *testing.T) *fixture {
	fx := newFixture(t)
	fx.write(t, "calc.go", "package calc\n\n// Add returns a+b.\nfunc Add(a, b int) int { return a + b }\n\n"+
		"// Div returns a/b, or 0 when b is 0.\nfunc Div(a, b int) int {\n\tif b == 0 {\n\t\treturn 0\n\t}\n\treturn a / b\n}\n")
	fx.git(t, "commit", "-q", "-am", "calc: fix division by zero in Div")
	fx.write(t, "mul.go", "package calc\n\n// Mul returns a*b.\nfunc Mul(a, b int) int { return a + b }\n")
	fx.git(t, "add", "mul.go")
	fx.git(t, "commit", "-q", "-m", "calc: add Mul")
	fx.write(t, "mul.go", "package calc\n\n// Mul returns a*b.\nfunc Mul(a, b int) int { return a * b }\n")
	fx.git(t, "commit", "-q", "-am", "calc: fix Mul, which added")
	fx.write(t, "mul.go", "package calc\n\n// Mul returns the product of a and b.\nfunc Mul(a, b int) int { return a * b }\n")
	fx.git(t, "commit", "-q", "-am", "chore: reword the comment of Mul")
	return fx
}

// gate is a loopback proxy in front of another that, once closed, holds
// every chat request until its client goes away: an eval is caught mid-case
// however fast the models answer.
type gate struct {
	Host   string
	mu     sync.Mutex
	closed bool
	held   int
}

func newGate(t *testing.T, upstream string) *gate {
	t.Helper()
	g := &gate{}
	target, _ := url.Parse("http://" + upstream)
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.FlushInterval = -1
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	g.Host = ln.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.mu.Lock()
		hold := g.closed && r.URL.Path == "/api/chat"
		if hold {
			g.held++
		}
		g.mu.Unlock()
		if hold {
			<-r.Context().Done()
			return
		}
		rp.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return g
}

func (g *gate) close() {
	g.mu.Lock()
	g.closed = true
	g.mu.Unlock()
}

func (g *gate) holding() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.held
}

// repoState is what an eval must leave as it was.
func repoState(t *testing.T, fx *fixture) string {
	t.Helper()
	var b strings.Builder
	for _, args := range [][]string{{"status", "--porcelain=v2", "--branch", "--untracked-files=all"}, {"for-each-ref"}, {"stash", "list"}, {"worktree", "list"}, {"rev-parse", "HEAD"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = fx.Dir, fx.env
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v", args, err)
		}
		b.Write(out)
	}
	return b.String()
}

// TestEval runs `quorum eval --cases 3` with the tiny models: the plumbing,
// the JSON schema, an interrupt and its resume, and a re-run that makes no
// model request. The tiny models' answers are noise; no score is checked.
func TestEval(t *testing.T) {
	s := start(t)
	bin := quorum(t)
	needs(t, bin, "eval", "--cases", "--seed", "--format", "--models")
	proxy := NewProxy(t, s)
	fx := evalFixture(t)
	fx.write(t, "calc.go", "package calc\n// uncommitted work\n")
	fx.write(t, "notes.txt", "untracked\n")
	before := repoState(t, fx)
	cache := t.TempDir()
	panel := strings.Join(terseNames(), ",")
	args := []string{"eval", "--cases", "3", "--models", panel, "--format", "json"}

	t.Run("interrupted mid-case, it exits 2 and keeps the answers", func(t *testing.T) {
		g := newGate(t, proxy.Host)
		cmd := fx.quorumCmd(t, bin, g.Host, cache, args...)
		var stdout bytes.Buffer
		cmd.Stdout = &stdout
		errPipe, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		scanned := make(chan struct{})
		go func() {
			defer close(scanned)
			sc := bufio.NewScanner(errPipe)
			for sc.Scan() {
				stderr.WriteString(sc.Text() + "\n")
				if strings.Contains(sc.Text(), "quorum: eval: case 2/3:") {
					g.close() // case 1 is answered; hold case 2
				}
			}
		}()
		deadline := time.Now().Add(5 * time.Minute)
		for g.holding() == 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if g.holding() == 0 {
			_ = cmd.Process.Kill()
			<-scanned
			_ = cmd.Wait()
			t.Fatalf("no request of case 2 reached the server\n%s", stderr.String())
		}
		if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
			t.Fatal(err)
		}
		<-scanned
		err = cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 2 {
			t.Fatalf("exit %v after SIGINT\n%s", err, stderr.String())
		}
		if !strings.Contains(stderr.String(), "error: eval interrupted after 1 of 3 cases") || !strings.Contains(stderr.String(), "hint: run the same command again to resume") || stdout.Len() != 0 {
			t.Fatalf("stdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
		}
		if after := repoState(t, fx); after != before {
			t.Fatalf("the interrupted eval changed the repository:\n%s\nwas:\n%s", after, before)
		}
	})

	var first eval.Result
	t.Run("the next run resumes and prints quorum.eval/v1", func(t *testing.T) {
		proxy.Reset()
		r := fx.quorum(t, bin, proxy.Host, cache, args...)
		if r.Code != 0 {
			t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
		}
		checkEvalSchema(t, r.Stdout)
		if err := json.Unmarshal([]byte(r.Stdout), &first); err != nil {
			t.Fatal(err)
		}
		if first.Counts.Bug != 2 || first.Counts.Clean != 1 || len(first.Cases) != 3 || len(first.Models) != 3 {
			t.Fatalf("counts %+v, %d cases, %d models", first.Counts, len(first.Cases), len(first.Models))
		}
		for _, m := range first.Models {
			// Case 1 came from the cache; cases 2 and 3 were asked now.
			if m.Digest == "" || m.CacheHits < 1 || m.Requests < 1 || m.Bugs != 2 || m.Clean != 1 {
				t.Errorf("%s: %+v", m.Name, m)
			}
		}
		if first.Recommendation == nil && first.NoRecommendation == "" {
			t.Error("neither a recommendation nor why there is none")
		}
		if !strings.Contains(r.Stderr, "quorum: eval: case 3/3:") {
			t.Errorf("no progress:\n%s", r.Stderr)
		}
	})

	t.Run("the same cases again make no model request", func(t *testing.T) {
		proxy.Reset()
		r := fx.quorum(t, bin, proxy.Host, cache, args...)
		if r.Code != 0 || proxy.ModelCalls() != 0 {
			t.Fatalf("exit %d, %d model requests (%s)\n%s", r.Code, proxy.ModelCalls(), proxy.Summary(), r.Stderr)
		}
		var again eval.Result
		if err := json.Unmarshal([]byte(r.Stdout), &again); err != nil {
			t.Fatal(err)
		}
		for i, m := range again.Models {
			f := first.Models[i]
			if m.Requests != 0 || m.Recall != f.Recall || m.Precision != f.Precision || m.TokensIn != f.TokensIn || m.TokensOut != f.TokensOut || m.WallS != f.WallS || f.TokensIn == 0 {
				t.Errorf("%s: %+v, first %+v", m.Name, m, first.Models[i])
			}
		}
		if after := repoState(t, fx); after != before {
			t.Fatalf("eval changed the repository:\n%s\nwas:\n%s", after, before)
		}
	})
}

// checkEvalSchema checks the documented keys of quorum.eval/v1.
func checkEvalSchema(t *testing.T, out string) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if doc["schema"] != "quorum.eval/v1" {
		t.Fatalf("schema %v", doc["schema"])
	}
	has := func(where string, m map[string]any, keys ...string) {
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Errorf("%s has no %q: %v", where, k, m)
			}
		}
	}
	has("document", doc, "settings", "counts", "cases", "skipped", "models", "rules", "recommendation", "caveats")
	each := func(key string, keys ...string) {
		list, ok := doc[key].([]any)
		if !ok || len(list) == 0 {
			t.Fatalf("%s is not a non-empty list: %v", key, doc[key])
		}
		for _, x := range list {
			has(key, x.(map[string]any), keys...)
		}
	}
	each("cases", "id", "kind", "commit", "base", "head", "files", "found", "flagged", "findings")
	each("models", "name", "digest", "recall", "precision", "findings_per_clean_case", "wall_s", "tokens_in", "tokens_out")
	each("rules", "panel", "min_agreement", "fail_on", "recall", "bug_block_rate", "clean_block_rate")
}
