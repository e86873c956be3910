package diff

// An oracle independent of go-diff and of parse.go: statuses, names and
// modes from `git diff --raw -z`, counts from `--numstat -z`, and line
// numbers from walking git's patch text byte by byte.

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
)

type rawEntry struct {
	status           byte
	oldMode, newMode string
	oldPath, path    string
}

func rawEntries(t *testing.T, r *difftest.Repo, args ...string) []rawEntry {
	t.Helper()
	out := r.Git(append([]string{"-c", "core.quotePath=false", "diff", "--raw", "-z", "--no-abbrev", "-M", "-C", "--no-ext-diff"}, args...)...)
	fields := strings.Split(out, "\x00")
	var es []rawEntry
	for i := 0; i < len(fields); {
		meta := fields[i]
		if meta == "" {
			i++
			continue
		}
		if meta[0] != ':' {
			t.Fatalf("raw: unexpected %q", meta)
		}
		parts := strings.Fields(meta[1:])
		e := rawEntry{status: parts[4][0], oldMode: parts[0], newMode: parts[1]}
		if e.status == 'R' || e.status == 'C' {
			e.oldPath, e.path = fields[i+1], fields[i+2]
			i += 3
		} else {
			e.oldPath, e.path = fields[i+1], fields[i+1]
			i += 2
		}
		es = append(es, e)
	}
	return es
}

type oracleLine struct {
	kind     LineKind
	old, new int
	text     string
}

// patchSections walks `git diff` output: one section per "diff --git"
// line, each with its hunk lines numbered from the @@ headers.
func patchSections(t *testing.T, patch []byte) [][]oracleLine {
	t.Helper()
	var secs [][]oracleLine
	var oldN, newN, oldLeft, newLeft int
	lines := bytes.Split(patch, []byte("\n"))
	for _, l := range lines {
		s := string(l)
		switch {
		case oldLeft > 0 || newLeft > 0:
			if len(s) == 0 {
				t.Fatalf("oracle: empty line inside a hunk")
			}
			cur := &secs[len(secs)-1]
			switch s[0] {
			case ' ':
				*cur = append(*cur, oracleLine{Context, oldN, newN, s[1:]})
				oldN++
				newN++
				oldLeft--
				newLeft--
			case '-':
				*cur = append(*cur, oracleLine{Deleted, oldN, 0, s[1:]})
				oldN++
				oldLeft--
			case '+':
				*cur = append(*cur, oracleLine{Added, 0, newN, s[1:]})
				newN++
				newLeft--
			case '\\':
			default:
				t.Fatalf("oracle: bad hunk line %q", s)
			}
		case strings.HasPrefix(s, "diff --git "):
			secs = append(secs, nil)
		case strings.HasPrefix(s, "@@ "):
			var a, b, c, d int
			hdr := strings.SplitN(s, " ", 4)
			a, b = rangeOf(t, hdr[1][1:])
			c, d = rangeOf(t, hdr[2][1:])
			oldN, oldLeft, newN, newLeft = a, b, c, d
		}
	}
	return secs
}

func rangeOf(t *testing.T, s string) (int, int) {
	start, count, ok := strings.Cut(s, ",")
	a, err := strconv.Atoi(start)
	if err != nil {
		t.Fatalf("oracle: bad range %q", s)
	}
	if !ok {
		return a, 1
	}
	b, err := strconv.Atoi(count)
	if err != nil {
		t.Fatalf("oracle: bad range %q", s)
	}
	return a, b
}

var statusOf = map[byte]Status{'A': StatusAdded, 'D': StatusDeleted, 'M': StatusModified, 'R': StatusRenamed, 'C': StatusCopied, 'T': StatusTypeChanged}

// checkAgainstGit asserts that set's files, statuses, modes, counts and every
// line's kind, numbers and text equal what git reports for diffArgs.
func checkAgainstGit(t *testing.T, r *difftest.Repo, set *Set, diffArgs ...string) {
	t.Helper()
	raw := rawEntries(t, r, diffArgs...)
	if len(raw) != len(set.Files) {
		t.Fatalf("files: got %d, git has %d\n%s", len(set.Files), len(raw), describe(set))
	}
	patch := r.Git(append([]string{"-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff", "-M", "-C", "--src-prefix=a/", "--dst-prefix=b/"}, diffArgs...)...)
	secs := patchSections(t, []byte(patch))
	si := 0
	for i, e := range raw {
		f := set.Files[i]
		want := statusOf[e.status]
		if f.Status != want || f.Path != e.path || f.OldPath != e.oldPath {
			t.Errorf("file %d: got %s %q <- %q, git has %s %q <- %q", i, f.Status, f.Path, f.OldPath, want, e.path, e.oldPath)
		}
		if e.status != 'A' && f.OldMode != e.oldMode {
			t.Errorf("%s: old mode %q, git has %q", f.Path, f.OldMode, e.oldMode)
		}
		if e.status != 'D' && f.NewMode != e.newMode {
			t.Errorf("%s: new mode %q, git has %q", f.Path, f.NewMode, e.newMode)
		}
		var want2 []oracleLine
		want2 = append(want2, secs[si]...)
		si++
		if e.status == 'T' {
			want2 = append(want2, secs[si]...)
			si++
		}
		if f.Skip != "" {
			if len(f.Hunks) != 0 {
				t.Errorf("%s: skipped (%s) but has hunks", f.Path, f.Skip)
			}
			continue
		}
		var got []oracleLine
		add, del := 0, 0
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				got = append(got, oracleLine{l.Kind, l.Old, l.New, l.Text})
				switch l.Kind {
				case Added:
					add++
				case Deleted:
					del++
				}
			}
		}
		if len(got) != len(want2) {
			t.Errorf("%s: %d lines, git has %d", f.Path, len(got), len(want2))
			continue
		}
		for k := range got {
			if got[k] != want2[k] {
				t.Errorf("%s line %d: got %+v, git has %+v", f.Path, k, got[k], want2[k])
				break
			}
		}
		if add != f.Added || del != f.Deleted {
			t.Errorf("%s: counts +%d -%d but lines say +%d -%d", f.Path, f.Added, f.Deleted, add, del)
		}
	}
	if si != len(secs) {
		t.Errorf("git printed %d patch sections, matched %d", len(secs), si)
	}
	checkNumstat(t, r, set, diffArgs...)
}

// checkNumstat compares +/- counts with `git diff --numstat -z`.
func checkNumstat(t *testing.T, r *difftest.Repo, set *Set, diffArgs ...string) {
	t.Helper()
	out := r.Git(append([]string{"diff", "--numstat", "-z", "-M", "-C"}, diffArgs...)...)
	fields := strings.Split(out, "\x00")
	counts := map[string][2]string{}
	for i := 0; i < len(fields); {
		meta := fields[i]
		if meta == "" {
			i++
			continue
		}
		parts := strings.SplitN(meta, "\t", 3)
		var p string
		if len(parts) == 3 && parts[2] != "" {
			p = parts[2]
			i++
		} else {
			p = fields[i+2] // rename: "" then old NUL new
			i += 3
		}
		counts[p] = [2]string{parts[0], parts[1]}
	}
	for _, f := range set.Files {
		c, ok := counts[f.Path]
		if !ok {
			t.Errorf("numstat has no %q", f.Path)
			continue
		}
		if c[0] == "-" {
			if !f.Binary {
				t.Errorf("%s: git says binary", f.Path)
			}
			continue
		}
		if f.Status == StatusTypeChanged {
			continue // numstat shows one half of a type change
		}
		if c[0] != strconv.Itoa(f.Added) || c[1] != strconv.Itoa(f.Deleted) {
			t.Errorf("%s: +%d -%d, numstat has +%s -%s", f.Path, f.Added, f.Deleted, c[0], c[1])
		}
	}
}

func describe(set *Set) string {
	var b strings.Builder
	for _, f := range set.Files {
		fmt.Fprintf(&b, "  %s %q <- %q skip=%s\n", f.Status, f.Path, f.OldPath, f.Skip)
	}
	return b.String()
}
