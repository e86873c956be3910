package reviewcmd

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/ollamatest"
)

// The server dies mid-review (as when ollama is killed): the reviewer whose
// answer was streaming is cut off, and the next one meets a refused
// connection. quorum notices at once, not after --request-timeout, and the
// report says which reviewers were cut off and why.
func TestServerKilledMidReview(t *testing.T) {
	models := ollamatest.DefaultModels()
	models[1].TokensPerSecond = 2 // llama3.1:8b streams slowly: it is mid-answer when the server dies
	e := newEnv(t, ollamatest.Config{Models: models, TimeScale: 1})
	killed := make(chan struct{})
	go func() {
		defer close(killed)
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			for _, r := range e.srv.Chats() {
				if r.Model == "llama3.1:8b" && len(r.Format) > 0 && r.End.IsZero() { // a review chat, not the tokenizer probe
					time.Sleep(500 * time.Millisecond) // a token or so into the answer
					e.srv.Close()                      // drops the streaming answer, refuses what follows
					return
				}
			}
		}
	}()
	start := time.Now()
	res := e.run(context.Background(), "--models", "qwen2.5-coder:7b,llama3.1:8b,gemma2:9b", "-q", "--format", "json")
	took := time.Since(start)
	<-killed
	t.Logf("exit %d after %s\nstderr:\n%s", res.code, took, res.stderr)
	// The default --request-timeout is 10 minutes; a dead server is seen
	// in well under one.
	if took > time.Minute {
		t.Fatalf("took %s to notice the dead server", took)
	}
	saved, _ := filepath.Glob(filepath.Join(e.repo.Dir, ".git", "quorum", "reports", "*", "report.json"))
	if len(saved) != 1 {
		t.Fatalf("%d reports saved, want 1", len(saved))
	}
	data, err := os.ReadFile(saved[0])
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Reviewers []struct {
			Name, Status, Error string
		} `json:"reviewers"`
		Verdict struct{ Status string } `json:"verdict"`
	}
	if err := json.Unmarshal(data, &rep); err != nil {
		t.Fatal(err)
	}
	t.Logf("reviewers %+v verdict %s", rep.Reviewers, rep.Verdict.Status)
	want := map[string]string{"qwen2.5-coder:7b": "ok", "llama3.1:8b": "failed", "gemma2:9b": "failed"}
	for _, rv := range rep.Reviewers {
		if rv.Status != want[rv.Name] {
			t.Errorf("%s: status %s, want %s (%s)", rv.Name, rv.Status, want[rv.Name], rv.Error)
		}
		if rv.Status != "ok" && rv.Error == "" {
			t.Errorf("%s: cut off with no reason", rv.Name)
		}
		// The one streaming when the server died says its answer was cut
		// short: as a dropped connection, or, when the close lands between
		// two stream lines, as an answer that ended before it was complete;
		// on a loaded machine its first line may not have reached quorum
		// yet, and then the connection was closed before any answer (which
		// of these depends on the scheduler). The one after it says the
		// server is gone.
		if rv.Name == "llama3.1:8b" && !strings.Contains(rv.Error, "chat with llama3.1:8b: ollama closed the connection") &&
			!strings.Contains(rv.Error, "ollama ended the answer before it was complete") {
			t.Errorf("%s: reason %q does not say it was cut off mid-answer", rv.Name, rv.Error)
		}
		if rv.Name == "gemma2:9b" && !strings.Contains(rv.Error, "connection refused") {
			t.Errorf("%s: reason %q does not say the server is gone", rv.Name, rv.Error)
		}
	}
	if len(rep.Reviewers) != 3 {
		t.Errorf("%d reviewers in the report", len(rep.Reviewers))
	}
}
