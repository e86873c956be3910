package cache

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// answer is the shape of the runner's cached answer that matters here: a
// damaged entry decoded into it would be an answer with no findings.
type answer struct {
	Answer *struct {
		Findings []string `json:"findings"`
	} `json:"answer"`
}

func putAnswer(t *testing.T, c *Cache, key string, findings ...string) string {
	t.Helper()
	a := answer{Answer: &struct {
		Findings []string `json:"findings"`
	}{findings}}
	if err := c.Put("results", key, a); err != nil {
		t.Fatal(err)
	}
	p, err := c.path("results", key)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// A cached answer is taken as the model's verdict: an entry whose content
// is not what Put wrote for its key must be a miss (so the chunk is asked
// again), never an answer with no findings; and it is removed.
func TestDamagedEntryIsAMiss(t *testing.T) {
	c := New(t.TempDir())
	other := Key("other")
	otherPath := putAnswer(t, c, other, "the other key's finding")
	copied, err := os.ReadFile(otherPath)
	if err != nil {
		t.Fatal(err)
	}
	k := Key("v1", "model", 1)
	good := func() []byte {
		b, err := os.ReadFile(putAnswer(t, c, k, "SQL injection"))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}()
	for name, damaged := range map[string][]byte{
		"empty object":            []byte(`{}`),
		"null":                    []byte(`null`),
		"null answer":             []byte(`{"answer":null}`),
		"empty file":              nil,
		"truncated":               good[:len(good)/2],
		"copied from another key": copied,
		"finding edited away":     []byte(strings.Replace(string(good), `["SQL injection"]`, `[]`, 1)),
		"value removed":           []byte(strings.Replace(string(good), `"value":`, `"v":`, 1)),
		"null value":              seal("results/"+k, []byte("null")),
	} {
		t.Run(name, func(t *testing.T) {
			p := putAnswer(t, c, k, "SQL injection")
			if err := os.WriteFile(p, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			var got answer
			if ok, err := c.Get("results", k, &got); ok || err != nil {
				t.Fatalf("damaged entry %q: hit=%v err=%v answer=%+v; want a miss", damaged, ok, err, got.Answer)
			}
			if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("damaged entry not removed: %v", err)
			}
		})
	}
	// The entry that was copied from is still its own key's answer.
	var got answer
	if ok, err := c.Get("results", other, &got); !ok || err != nil || got.Answer == nil || len(got.Answer.Findings) != 1 {
		t.Fatalf("good entry: hit=%v err=%v answer=%+v", ok, err, got.Answer)
	}
}

// An entry written by quorum before entries recorded their key (the bare
// value, "<key>.json") is not read, since nothing says which key it
// answers, and the miss removes it.
func TestBareEntryIsAMiss(t *testing.T) {
	c := New(t.TempDir())
	k := Key("legacy")
	p := putAnswer(t, c, k, "x")
	bare := filepath.Join(filepath.Dir(p), k+".json")
	if err := os.Rename(p, bare); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bare, []byte(`{"answer":{"findings":[]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var got answer
	if ok, err := c.Get("results", k, &got); ok || err != nil {
		t.Fatalf("bare entry: hit=%v err=%v", ok, err)
	}
	// It is removed too: it quotes reviewed code and nothing reads it.
	if _, err := os.Stat(bare); !os.IsNotExist(err) {
		t.Errorf("the bare entry is still there: %v", err)
	}
}

// A good entry is a hit with its findings, including after being damaged
// and written again by the next Put.
func TestGoodEntryIsAHit(t *testing.T) {
	c := New(t.TempDir())
	k := Key("v1", "model", 2)
	p := putAnswer(t, c, k, "a", "b")
	if err := os.WriteFile(p, []byte(`{}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var got answer
	if ok, _ := c.Get("results", k, &got); ok {
		t.Fatal("damaged entry was a hit")
	}
	putAnswer(t, c, k, "a", "b")
	got = answer{}
	if ok, err := c.Get("results", k, &got); !ok || err != nil || got.Answer == nil || strings.Join(got.Answer.Findings, ",") != "a,b" {
		t.Fatalf("hit=%v err=%v answer=%+v", ok, err, got.Answer)
	}
}
