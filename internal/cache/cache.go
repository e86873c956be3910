// Package cache is a content-addressed store of raw model results under the user cache dir.
package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/quorum-review/quorum/internal/safetext"

	"github.com/quorum-review/quorum/internal/atomicfile"
)

// Cache stores JSON values by key in files under Dir. Entries are written
// atomically (temp file + rename), so a reader never sees half a value. An
// entry that is not what Put wrote for its key (truncated, emptied, edited
// by hand or a disk fault, copied from another key) is treated as absent,
// removed, and written again by the next Put: a cached answer is used as
// a model's verdict, so a damaged one must never read as "no findings".
type Cache struct {
	Dir string

	sweep sync.Once
	mu    sync.Mutex
	// writeErr is the first failed Put: the caller ignores each one (a lost
	// entry only costs a future call) and reports this once at the end.
	writeErr error
}

// DefaultDir is $QUORUM_CACHE_DIR, else os.UserCacheDir()/quorum. A
// relative QUORUM_CACHE_DIR is refused, as XDG refuses relative paths: the
// hook runs from the repository's root, and would litter the work tree.
func DefaultDir(getenv func(string) string) (string, error) {
	if getenv != nil {
		if d := getenv("QUORUM_CACHE_DIR"); d != "" {
			if !filepath.IsAbs(d) {
				return "", fmt.Errorf("QUORUM_CACHE_DIR %q is not an absolute path", d)
			}
			return d, nil
		}
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no user cache directory: %w", err)
	}
	return filepath.Join(d, "quorum"), nil
}

// New returns a cache rooted at dir; the directory is created on first write.
func New(dir string) *Cache { return &Cache{Dir: dir} }

// Key hashes its parts (each JSON-encoded, so field boundaries are unambiguous)
// into a hex key.
func Key(parts ...any) string {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, p := range parts {
		if err := enc.Encode(p); err != nil {
			// Only unencodable values (channels, funcs) fail; callers pass data.
			fmt.Fprintf(h, "%#v\n", p)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (c *Cache) path(ns, key string) (string, error) {
	if ns == "" || filepath.Base(ns) != ns || len(key) < 3 || filepath.Base(key) != key {
		return "", fmt.Errorf("cache: bad key %q/%q", ns, key)
	}
	return filepath.Join(c.Dir, ns, key[:2], key+entryExt), nil
}

// entryExt ends an entry's file name. Entries are envelopes (see seal);
// quorum before them stored the bare value as "<key>.json", which is never
// read now: it cannot say which key it was written for. The new name also
// keeps an older quorum sharing the directory from reading an envelope as
// a bare value, where every field, an answer's findings too, would be empty.
const entryExt = ".v2.json"

// envelope is an entry file: the value as Put encoded it, the key it was
// written under (ns/key) and the SHA-256 of the value's bytes.
type envelope struct {
	Key    string          `json:"key"`
	SHA256 string          `json:"sha256"`
	Value  json.RawMessage `json:"value"`
}

// seal is the entry file of value under id. It is built by hand, not by
// json.Marshal, which would re-encode value: the digest must be of exactly
// the bytes on disk.
func seal(id string, value []byte) []byte {
	k, _ := json.Marshal(id) // a string always encodes
	var b bytes.Buffer
	b.WriteString(`{"key":`)
	b.Write(safetext.EscapeJSON(k))
	b.WriteString(`,"sha256":"` + digest(value) + `","value":`)
	b.Write(value)
	b.WriteString("}")
	return b.Bytes()
}

// unseal returns the value of entry file b if it is what seal wrote for id:
// the key matches (not an entry copied from another key), the digest
// matches (not edited or damaged), and there is a value (a file of {},
// null, or an envelope whose value is null holds no answer).
func unseal(b []byte, id string) (json.RawMessage, bool) {
	var e envelope
	if json.Unmarshal(b, &e) != nil || e.Key != id || e.SHA256 != digest(e.Value) {
		return nil, false
	}
	if v := bytes.TrimSpace(e.Value); len(v) == 0 || string(v) == "null" {
		return nil, false
	}
	return e.Value, true
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Get decodes the entry ns/key into v. It reports false when the entry is
// missing, damaged or not ns/key's (see unseal: a damaged entry is removed),
// or does not decode into v; only an unreadable cache directory is an error.
func (c *Cache) Get(ns, key string, v any) (bool, error) {
	if c == nil {
		return false, nil
	}
	p, err := c.path(ns, key)
	if err != nil {
		return false, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		// An entry of the format before envelopes is never read: it goes
		// (it quotes reviewed code), and the next Put writes the new one.
		_ = os.Remove(strings.TrimSuffix(p, entryExt) + ".json")
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read cache: %w", err)
	}
	value, ok := unseal(b, ns+"/"+key)
	if !ok {
		// Removed, so that it is gone even if the chunk is never asked
		// again; a failure leaves it to the next Put to overwrite. (A good
		// entry another process renamed in since the read goes too: that
		// costs one model call, never a wrong answer.)
		_ = os.Remove(p)
		return false, nil
	}
	if err := json.Unmarshal(value, v); err != nil {
		return false, nil // not v's shape: ignore, the next Put rewrites it
	}
	return true, nil
}

// Put stores v as ns/key atomically.
func (c *Cache) Put(ns, key string, v any) error {
	if c == nil {
		return nil
	}
	p, err := c.path(ns, key)
	if err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode cache entry: %w", err)
	}
	b = safetext.EscapeJSON(b) // answers quote code: no raw bidi or C1 characters on disk
	c.sweep.Do(func() { _, _ = c.RemoveStaleTemps(time.Now()) })
	// 0600 as before: cached answers quote the code under review.
	if err := atomicfile.Write(p, seal(ns+"/"+key, b), 0o600); err != nil {
		err = fmt.Errorf("write cache: %w", err)
		c.mu.Lock()
		if c.writeErr == nil {
			c.writeErr = err
		}
		c.mu.Unlock()
		return err
	}
	return nil
}

// Writable checks that entries can be written under Dir, creating the
// directory as the first Put would, and removes its probe file: for
// `quorum doctor`.
func (c *Cache) Writable() error {
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(c.Dir, ".probe-*")
	if err != nil {
		return err
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// WriteErr is the first write that failed on c (a read-only or full disk,
// a file where the directory should be), or nil.
func (c *Cache) WriteErr() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writeErr
}

// RemoveStaleTemps removes the temp files that writes killed mid-way (SIGKILL,
// power loss) left anywhere under Dir, once older than atomicfile.StaleAge
// at now. Put calls it once per Cache, so each run cleans up after earlier
// ones; a fresh temp file may be another process's write and is kept.
func (c *Cache) RemoveStaleTemps(now time.Time) (int, error) {
	if c == nil {
		return 0, nil
	}
	cutoff := now.Add(-atomicfile.StaleAge)
	n := 0
	err := filepath.WalkDir(c.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == c.Dir && errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipDir
			}
			return nil // an unreadable corner does not stop the sweep
		}
		if !d.IsDir() {
			return nil
		}
		removed, _ := atomicfile.RemoveStale(p, func(name string) bool {
			return atomicfile.IsTemp(name) && filepath.Ext(name) != ".json"
		}, cutoff)
		n += removed
		return nil
	})
	return n, err
}
