package cache

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/atomicfile"
)

type entry struct {
	A string `json:"a"`
	N int    `json:"n"`
}

func TestPutGet(t *testing.T) {
	c := New(t.TempDir())
	k := Key("v1", "model", 3)
	var got entry
	if ok, err := c.Get("results", k, &got); ok || err != nil {
		t.Fatalf("empty cache: ok=%v err=%v", ok, err)
	}
	if err := c.Put("results", k, entry{"x", 2}); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.Get("results", k, &got); !ok || err != nil || got != (entry{"x", 2}) {
		t.Fatalf("got %+v ok=%v err=%v", got, ok, err)
	}
	// No temp files are left behind.
	matches, _ := filepath.Glob(filepath.Join(c.Dir, "results", k[:2], ".*"))
	if len(matches) != 0 {
		t.Fatalf("temp files left: %v", matches)
	}
}

func TestCorruptEntryIsAbsentAndRewritten(t *testing.T) {
	c := New(t.TempDir())
	k := Key("corrupt")
	p, _ := c.path("results", k)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(`{"a": "trunc`), 0o644); err != nil {
		t.Fatal(err)
	}
	var got entry
	if ok, err := c.Get("results", k, &got); ok || err != nil {
		t.Fatalf("corrupt entry: ok=%v err=%v", ok, err)
	}
	if err := c.Put("results", k, entry{"y", 1}); err != nil {
		t.Fatal(err)
	}
	if ok, _ := c.Get("results", k, &got); !ok || got.A != "y" {
		t.Fatalf("rewrite failed: %+v", got)
	}
}

func TestKeyDistinguishesParts(t *testing.T) {
	if Key("ab", "c") == Key("a", "bc") {
		t.Fatal("keys of different parts collide")
	}
	// The key is the SHA-256 of each part's JSON line: a change here would
	// leave every cached answer unread.
	if got := Key("a", 1); got != "5d5e06e867c8da8497b14e4649f65792cf92cc93c0825702088159cd37a9dd5c" {
		t.Fatalf("Key(\"a\", 1) = %s: the key's encoding changed", got)
	}
}

func TestBadKeyRefused(t *testing.T) {
	c := New(t.TempDir())
	if err := c.Put("results", "../../etc", entry{}); err == nil {
		t.Fatal("path traversal key accepted")
	}
}

func TestDefaultDir(t *testing.T) {
	d, err := DefaultDir(func(k string) string {
		if k == "QUORUM_CACHE_DIR" {
			return "/tmp/qc"
		}
		return ""
	})
	if err != nil || d != "/tmp/qc" {
		t.Fatalf("got %q %v", d, err)
	}
	d, err = DefaultDir(func(string) string { return "" })
	if err == nil && filepath.Base(d) != "quorum" {
		t.Fatalf("default dir %q", d)
	}
	// A relative directory would be made wherever the command runs (the
	// hook: the work tree's root).
	if d, err := DefaultDir(func(string) string { return "relcache" }); err == nil || err.Error() != `QUORUM_CACHE_DIR "relcache" is not an absolute path` {
		t.Fatalf("relative: %q %v", d, err)
	}
}

func TestNilCacheIsDisabled(t *testing.T) {
	var c *Cache
	if err := c.Put("results", Key("x"), entry{}); err != nil {
		t.Fatal(err)
	}
	var e entry
	if ok, err := c.Get("results", Key("x"), &e); ok || err != nil {
		t.Fatal("nil cache returned a hit")
	}
}

// Temp files a killed Put left (".<key>.json.tmpNNN") are removed by the
// next run's first Put once older than atomicfile.StaleAge; fresh ones,
// perhaps another process's write in progress, stay.
func TestPutRemovesStaleTempFiles(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "results", "ab")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(sub, ".abcdef.json.tmp4242")
	fresh := filepath.Join(sub, ".abcdef.json.tmp4343")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte(`{"half`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	then := time.Now().Add(-2 * atomicfile.StaleAge)
	if err := os.Chtimes(stale, then, then); err != nil {
		t.Fatal(err)
	}
	if err := New(dir).Put("other", Key("x"), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temp file still there (%v)", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh temp file removed: %v", err)
	}
}

// WriteErr keeps the first failed Put, so a caller that ignores each one
// can still report the loss once.
func TestWriteErrKeepsTheFirstFailure(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	ok := New(t.TempDir())
	if err := ok.Put("results", Key("a"), entry{}); err != nil || ok.WriteErr() != nil {
		t.Fatalf("put %v, WriteErr %v", err, ok.WriteErr())
	}
	c := New(file) // a file where the directory should be
	first := c.Put("results", Key("a"), entry{})
	second := c.Put("plans", Key("b"), entry{})
	if first == nil || second == nil || c.WriteErr() != first {
		t.Fatalf("puts %v, %v; WriteErr %v", first, second, c.WriteErr())
	}
	if (*Cache)(nil).WriteErr() != nil {
		t.Fatal("nil cache has a write error")
	}
}

// An answer quoting code with a bidi override or a C1 control is stored
// with them escaped (a terminal that shows the file would obey them raw),
// and reads back as it was.
func TestEntriesHoldNoRawBidi(t *testing.T) {
	c := New(t.TempDir())
	k := Key("v1", "model", 4)
	want := entry{"if ok \u202e{ } \u009b31m", 1}
	if err := c.Put("results", k, want); err != nil {
		t.Fatal(err)
	}
	p, err := c.path("results", k)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsRune(string(b), 0x202e) || strings.ContainsRune(string(b), 0x9b) || !strings.Contains(string(b), `\u202e`) {
		t.Fatalf("stored %q", b)
	}
	var got entry
	if ok, err := c.Get("results", k, &got); !ok || err != nil || got != want {
		t.Fatalf("got %+v ok=%v err=%v", got, ok, err)
	}
}
