package doctorcmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/cmdtest"
	"github.com/quorum-review/quorum/internal/ollamatest"
	"github.com/quorum-review/quorum/review"
)

// judgeModels are the default models and three candidate judges: one with
// a short context, a large one and a mid-sized one.
func judgeModels() []ollamatest.Model {
	return append(ollamatest.DefaultModels(),
		ollamatest.Model{Name: "short:3b", Family: "phi3", ParameterSize: "3.8B", ContextLength: 4096, Capabilities: []string{"completion"}, Size: 2_200_000_000},
		ollamatest.Model{Name: "huge:70b", Family: "llama", ParameterSize: "70.6B", ContextLength: 131072, Capabilities: []string{"completion"}, Size: 42_500_000_000},
		ollamatest.Model{Name: "mid:14b", Family: "qwen2", ParameterSize: "14.8B", ContextLength: 32768, Capabilities: []string{"completion"}, Size: 9_000_000_000},
	)
}

// judgeLines are the output's judge lines and their fixes.
func judgeLines(out string) string {
	var b strings.Builder
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if strings.Contains(l, "  judge  ") {
			b.WriteString(l + "\n")
			if i+1 < len(lines) && strings.Contains(lines[i+1], "fix: ") && strings.HasPrefix(lines[i+1], "      ") {
				b.WriteString(lines[i+1] + "\n")
			}
		}
	}
	return b.String()
}

// The judge's context and memory are checked after the panel's: each
// problem warns with a fix, and none fails doctor, since a judge that
// cannot answer leaves the grouping to the rules and the review stands.
func TestJudgeContextAndMemory(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{Models: judgeModels()})
	repo := gitRepo(t)
	roomy := writeMeminfo(t, 64*gb, 48*gb)
	tests := []struct {
		name  string
		judge string
		mem   string
		args  []string
		want  []string // each in the judge lines
		warn  bool     // some judge line warns
	}{
		{name: "fits", judge: "gemma2:9b", mem: roomy, want: []string{
			"ok    judge       gemma2:9b groups the findings (merge.judge)",
			"ok    judge       gemma2:9b: num_ctx up to 8192 (model max 8192), sized to each prompt; a typical review's judge prompt needs ~6144 tokens",
			"ok    judge       gemma2:9b fits beside the panel: ~",
			"(num_ctx 8192) and the 2 other reviewers' models, 51.5 GB available of 68.7 GB"}},
		{name: "context too small for the model", judge: "short:3b", mem: roomy, warn: true, want: []string{
			"warn  judge       short:3b: num_ctx up to 4096 (model max 4096); a typical review's judge prompt (~28 findings) needs ~6144 tokens, so quorum's rules, not the judge, will group such a review's findings",
			"fix: name a judge with a longer context in merge.judge (`quorum models`), or merge.judge: none"}},
		{name: "context capped by max_context", judge: "mid:14b", mem: roomy, args: []string{"--max-context", "4096"}, warn: true, want: []string{
			"warn  judge       mid:14b: num_ctx up to 4096 (model max 32768); a typical review's judge prompt (~28 findings) needs ~6144 tokens",
			"fix: raise max_context to 6144 or more (max_context: in .quorum.yaml, or --max-context), or merge.judge: none"}},
		{name: "fits once the reviewers are done", judge: "mid:14b", mem: writeMeminfo(t, 40*gb, 30*gb), want: []string{
			"ok    judge       mid:14b fits once the reviewers are done: ~",
			"ollama unloads idle reviewers to load it (beside all of them it would need ~"}},
		{name: "does not fit beside the panel, nor alone", judge: "huge:70b", mem: roomy, warn: true, want: []string{
			"ok    judge       huge:70b: num_ctx up to 16384 (model max 131072)",
			"warn  judge       huge:70b needs ~", "as judge (num_ctx 16384) but only 51.5 GB is available now (68.7 GB total), even with the reviewers unloaded",
			"fix: close memory-hungry programs, name a smaller judge in merge.judge (`quorum models`), or merge.judge: none"}},
		{name: "larger than the machine", judge: "huge:70b", mem: writeMeminfo(t, 32*gb, 30*gb), warn: true, want: []string{
			"warn  judge       huge:70b needs ~", "but this machine has 34.4 GB in all: it cannot load, so quorum's rules will group the findings",
			"fix: name a smaller judge in merge.judge (`quorum models`), or merge.judge: none"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := env{dir: repo, meminfo: tt.mem, vars: map[string]string{"OLLAMA_HOST": srv.Host, "QUORUM_MERGE_JUDGE": tt.judge}}
			// The default panel would pick a candidate judge.
			args := append([]string{"--models", "qwen2.5-coder:7b,gemma2:9b,llama3.1:8b"}, tt.args...)
			out, errOut, code := run(t, e, args...)
			if code != 0 || errOut != "" || !strings.Contains(out, "ready to review") {
				t.Fatalf("exit %d: a judge never blocks a review\n%s%s", code, out, errOut)
			}
			got := judgeLines(out)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("judge lines lack %q:\n%s", w, got)
				}
			}
			if warns := strings.Contains(got, "warn  judge"); warns != tt.warn {
				t.Errorf("warns %v, want %v:\n%s", warns, tt.warn, got)
			}
			// Every warning carries its fix on the next line.
			lines := strings.Split(got, "\n")
			for i, l := range lines {
				if strings.HasPrefix(l, "warn") && (i+1 >= len(lines) || !strings.Contains(lines[i+1], "fix: ")) {
					t.Errorf("no fix for %q", l)
				}
			}
			// The judge's lines come after the panel's memory line.
			if strings.Index(out, "  judge  ") < strings.Index(out, "  memory  ") {
				t.Errorf("judge lines before the memory line:\n%s", out)
			}
			if srv.ModelCalls() != 0 {
				t.Errorf("doctor made %d model calls", srv.ModelCalls())
			}
		})
	}
}

// No judge, no judge lines: the healthy golden stays as it was.
func TestNoJudgeNoLines(t *testing.T) {
	srv := ollamatest.New(t, ollamatest.Config{})
	out, _, _ := run(t, env{dir: gitRepo(t), meminfo: writeMeminfo(t, 64*gb, 48*gb), vars: map[string]string{"OLLAMA_HOST": srv.Host, "QUORUM_MERGE_JUDGE": "none"}})
	if strings.Contains(out, "judge") {
		t.Errorf("judge none:\n%s", out)
	}
}

func TestJudgeFit(t *testing.T) {
	ctx := func(review.ModelInfo) int { return 8192 }
	a := review.ModelInfo{Name: "a", Digest: "da", SizeBytes: 4 * gb, ParameterSize: "7B"}
	b := review.ModelInfo{Name: "b", Digest: "db", SizeBytes: 5 * gb, ParameterSize: "8B"}
	j := review.ModelInfo{Name: "j", Digest: "dj", SizeBytes: 9 * gb, ParameterSize: "14B"}
	needJ := Need(j, 16384)
	all := needJ + Need(a, 8192) + Need(b, 8192)
	tests := []struct {
		judge  review.ModelInfo
		mem    Meminfo
		status Status
		want   string
	}{
		{j, Meminfo{Total: 64 * gb, Available: all}, OK, "fits beside the panel"},
		{j, Meminfo{Total: 64 * gb, Available: all - 1}, OK, "fits once the reviewers are done"},
		{j, Meminfo{Total: 64 * gb, Available: needJ}, OK, "fits once the reviewers are done"},
		{j, Meminfo{Total: 64 * gb, Available: needJ - 1}, Warn, "even with the reviewers unloaded"},
		{j, Meminfo{Total: needJ - 1, Available: needJ - 1}, Warn, "this machine has"},
		// A panel model as judge reloads in its own place: a's room counts once.
		{a, Meminfo{Total: 64 * gb, Available: Need(a, 16384) + Need(b, 8192)}, OK, "beside the panel: ~"},
		{review.ModelInfo{Name: "remote"}, Meminfo{Total: 64 * gb, Available: 48 * gb}, Info, "reports no size"},
	}
	for _, tt := range tests {
		got := JudgeFit(tt.judge, tt.judge.Name, 16384, []review.ModelInfo{a, b}, tt.mem, ctx)
		if got.Status != tt.status || !strings.Contains(got.Detail, tt.want) || (got.Status == Warn) != (got.Fix != "") {
			t.Errorf("JudgeFit(%s, %+v) = %+v, want %v %q", tt.judge.Name, tt.mem, got, tt.status, tt.want)
		}
	}
	if got := JudgeFit(j, "j", 16384, nil, Meminfo{Total: 64 * gb, Available: 48 * gb}, ctx); got.Status != OK || !strings.Contains(got.Detail, "j fits: ~") {
		t.Errorf("no panel: %+v", got)
	}
}

// A judge's name from the configuration and the server reaches the
// terminal sanitised in the new lines too.
func TestJudgeTextIsSanitized(t *testing.T) {
	// The configuration refuses control characters in merge.judge, not a
	// right-to-left override; the server's context length is its own.
	name := "ev\u202eil:7b"
	m := ollamatest.Model{Name: name, Family: "qwen2", ParameterSize: "70B", ContextLength: 2048, Capabilities: []string{"completion"}, Size: 60 * gb}
	srv := ollamatest.New(t, ollamatest.Config{Models: append(ollamatest.DefaultModels(), m)})
	dir := gitRepo(t)
	if err := os.WriteFile(filepath.Join(dir, ".quorum.yaml"), []byte("merge:\n  judge: \""+name+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, env{vars: map[string]string{"OLLAMA_HOST": srv.Host}, dir: dir, meminfo: writeMeminfo(t, 64*gb, 48*gb)})
	got := judgeLines(out)
	if code != 0 || strings.Count(got, "warn  judge") != 2 {
		t.Fatalf("exit %d, want a context and a memory warning:\n%s%s", code, out, errOut)
	}
	if bad := cmdtest.Unsafe(out + errOut); bad != "" {
		t.Errorf("output has %s", bad)
	}
}
