package diff

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
)

func load(t *testing.T, opts Options) *Set {
	t.Helper()
	set, err := Load(context.Background(), opts)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return set
}

// branchCase builds main with base content, a feature branch with change,
// loads the default range and checks it against git.
func branchCase(t *testing.T, base, change func(r *difftest.Repo)) (*difftest.Repo, *Set) {
	t.Helper()
	r := difftest.NewIsolated(t)
	r.Write("README", "readme\n")
	if base != nil {
		base(r)
	}
	mb := r.Commit("base")
	r.Git("checkout", "-q", "-b", "feature")
	change(r)
	head := r.Commit("change")
	set := load(t, Options{Dir: r.Dir})
	if set.MergeBase != mb || set.Head.Commit != head || set.Base.Ref != "main" {
		t.Fatalf("range: base %+v merge-base %s head %+v, want main %s %s", set.Base, set.MergeBase, set.Head, mb, head)
	}
	checkAgainstGit(t, r, set, mb, head)
	return r, set
}

func only(t *testing.T, set *Set, status Status, path string) File {
	t.Helper()
	for _, f := range set.Files {
		if f.Path == path {
			if f.Status != status {
				t.Fatalf("%s: status %s, want %s", path, f.Status, status)
			}
			return f
		}
	}
	t.Fatalf("no file %q in\n%s", path, describe(set))
	return File{}
}

type fixtureCase struct {
	name   string
	base   func(r *difftest.Repo)
	change func(r *difftest.Repo)
	check  func(t *testing.T, set *Set)
}

var body = difftest.Lines("line", 40)

// fixtureCases are the cases that must be right; each builds main plus a
// feature branch with real git.
var fixtureCases = []fixtureCase{
	{"rename without edits", func(r *difftest.Repo) { r.Write("old.txt", body) },
		func(r *difftest.Repo) { r.Git("mv", "old.txt", "new.txt") },
		func(t *testing.T, set *Set) {
			f := only(t, set, StatusRenamed, "new.txt")
			if f.OldPath != "old.txt" || f.Similarity != 100 || len(f.Hunks) != 0 {
				t.Errorf("rename: %+v", f)
			}
		}},
	{"rename with edits", func(r *difftest.Repo) { r.Write("old.go", body) },
		func(r *difftest.Repo) {
			os.MkdirAll(filepath.Join(r.Dir, "dir"), 0o755)
			r.Git("mv", "old.go", "dir/new.go")
			r.Write("dir/new.go", strings.Replace(body, "line 20\n", "line twenty\n", 1))
		},
		func(t *testing.T, set *Set) {
			f := only(t, set, StatusRenamed, "dir/new.go")
			if f.OldPath != "old.go" || f.Similarity == 0 || f.Added != 1 || f.Deleted != 1 {
				t.Errorf("rename: %+v", f)
			}
		}},
	{"copy", func(r *difftest.Repo) { r.Write("src.c", body) },
		func(r *difftest.Repo) {
			r.Write("src.c", body+"extra\n")
			r.Write("copy.c", strings.Replace(body, "line 3\n", "line three\n", 1))
		},
		func(t *testing.T, set *Set) {
			f := only(t, set, StatusCopied, "copy.c")
			if f.OldPath != "src.c" {
				t.Errorf("copy: %+v", f)
			}
			only(t, set, StatusModified, "src.c")
		}},
	{"delete", func(r *difftest.Repo) { r.Write("gone.txt", body) },
		func(r *difftest.Repo) { r.Git("rm", "-q", "gone.txt") },
		func(t *testing.T, set *Set) {
			f := only(t, set, StatusDeleted, "gone.txt")
			if f.Deleted != 40 || f.Hunks[0].Lines[39].Old != 40 {
				t.Errorf("delete: %+v", f.Hunks)
			}
		}},
	{"new empty file", nil,
		func(r *difftest.Repo) { r.Write("empty.txt", "") },
		func(t *testing.T, set *Set) {
			f := only(t, set, StatusAdded, "empty.txt")
			if len(f.Hunks) != 0 || f.NewMode != "100644" {
				t.Errorf("empty: %+v", f)
			}
		}},
	{"mode change only", func(r *difftest.Repo) { r.Write("run.sh", "echo hi\n") },
		func(r *difftest.Repo) { os.Chmod(filepath.Join(r.Dir, "run.sh"), 0o755) },
		func(t *testing.T, set *Set) {
			f := only(t, set, StatusModified, "run.sh")
			if f.OldMode != "100644" || f.NewMode != "100755" || len(f.Hunks) != 0 {
				t.Errorf("mode: %+v", f)
			}
		}},
	{"binary and gitattributes binary", func(r *difftest.Repo) {
		r.Write(".gitattributes", "*.dat binary\n")
		r.Write("img.bin", "\x00\x01\x02")
	},
		func(r *difftest.Repo) {
			r.Write("img.bin", "\x00\x01\x03\x04")
			r.Write("table.dat", "plain text\nbut binary\n")
			r.Write("blob.dat", "\x00\x01binary content\n")
		},
		func(t *testing.T, set *Set) {
			// Binary content, and text an attribute calls binary: each
			// says which.
			// (blob.dat: binary content under the attribute is binary.)
			for p, want := range map[string]string{"img.bin": SkipBinary, "table.dat": SkipBinaryAttr, "blob.dat": SkipBinary} {
				f := set.Files[indexOf(set, p)]
				if !f.Binary || f.Skip != want {
					t.Errorf("%s: skip %q, want %q: %+v", p, f.Skip, want, f)
				}
			}
		}},
	{"text hidden by -diff", nil,
		func(r *difftest.Repo) {
			r.Write(".gitattributes", "evil.go -diff\n")
			r.Write("evil.go", "package evil\n\nfunc Wipe() { os.RemoveAll(\"/\") }\n")
		},
		func(t *testing.T, set *Set) {
			if f := set.Files[indexOf(set, "evil.go")]; f.Skip != SkipBinaryAttr {
				t.Errorf("evil.go: skip %q, want %q", f.Skip, SkipBinaryAttr)
			}
		}},
	{"names with spaces unicode quotes", nil,
		func(r *difftest.Repo) {
			r.Write("with space.txt", "a\n")
			r.Write("ünïcödé/日本.txt", "b\n")
			r.Write(`quo"te.txt`, "c\n")
			r.Write("tab\tname.txt", "d\n")
			r.Write(`back\slash.txt`, "e\n")
			r.Write("a b/c d.txt", "f\n")
		},
		func(t *testing.T, set *Set) {
			for _, p := range []string{"with space.txt", "ünïcödé/日本.txt", `quo"te.txt`, "tab\tname.txt", `back\slash.txt`, "a b/c d.txt"} {
				only(t, set, StatusAdded, p)
			}
		}},
	{"rename of quoted name", func(r *difftest.Repo) { r.Write(`"odd" name.txt`, body) },
		func(r *difftest.Repo) { r.Git("mv", `"odd" name.txt`, "tab\there ü.txt") },
		func(t *testing.T, set *Set) {
			f := only(t, set, StatusRenamed, "tab\there ü.txt")
			if f.OldPath != `"odd" name.txt` {
				t.Errorf("old path %q", f.OldPath)
			}
		}},
	{"missing newline at end of file", func(r *difftest.Repo) {
		r.Write("lose.txt", "a\nb\n")
		r.Write("gain.txt", "a\nb")
		r.Write("both.txt", "a\nb")
	},
		func(r *difftest.Repo) {
			r.Write("lose.txt", "a\nb")
			r.Write("gain.txt", "a\nb\n")
			r.Write("both.txt", "a\nc")
			r.Write("new.txt", "x\ny")
		},
		func(t *testing.T, set *Set) {
			lose := set.Files[indexOf(set, "lose.txt")].Hunks[0].Lines
			if n := len(lose); n != 3 || lose[1].NoNewline || !lose[2].NoNewline || lose[2].Kind != Added {
				t.Errorf("lose: %+v", lose)
			}
			gain := set.Files[indexOf(set, "gain.txt")].Hunks[0].Lines
			if !gain[1].NoNewline || gain[1].Kind != Deleted || gain[2].NoNewline {
				t.Errorf("gain: %+v", gain)
			}
			both := set.Files[indexOf(set, "both.txt")].Hunks[0].Lines
			if !both[1].NoNewline || !both[2].NoNewline {
				t.Errorf("both: %+v", both)
			}
		}},
	{"CRLF lines", func(r *difftest.Repo) { r.Write("win.txt", "one\r\ntwo\r\nthree\r\n") },
		func(r *difftest.Repo) { r.Write("win.txt", "one\r\nTWO\r\nthree\r\nfour\r\n") },
		func(t *testing.T, set *Set) {
			f := only(t, set, StatusModified, "win.txt")
			if f.Hunks[0].Lines[0].Text != "one\r" {
				t.Errorf("CR lost: %q", f.Hunks[0].Lines[0].Text)
			}
		}},
	{"non-UTF-8 content", func(r *difftest.Repo) { r.Write("latin1.txt", "caf\xe9\nna\xefve\n") },
		func(r *difftest.Repo) { r.Write("latin1.txt", "caf\xe9\nna\xefve!\n\xff\xfe\n") },
		func(t *testing.T, set *Set) {
			f := only(t, set, StatusModified, "latin1.txt")
			if f.Skip != "" || f.Hunks[0].Lines[0].Text != "caf\xe9" {
				t.Errorf("latin1: %+v", f)
			}
		}},
	{"symlink", func(r *difftest.Repo) { os.Symlink("README", filepath.Join(r.Dir, "link")) },
		func(r *difftest.Repo) {
			os.Remove(filepath.Join(r.Dir, "link"))
			os.Symlink("elsewhere", filepath.Join(r.Dir, "link"))
			os.Symlink("some/where/else", filepath.Join(r.Dir, "link2"))
		},
		func(t *testing.T, set *Set) {
			// A link's one line is a path, not code a model should read:
			// skipped, its patch (the old and new target) dropped.
			f := only(t, set, StatusModified, "link")
			if f.NewMode != "120000" || f.Added != 1 || f.Deleted != 1 || f.Skip != SkipSymlink || len(f.Hunks) != 0 {
				t.Errorf("retargeted symlink: %+v", f)
			}
			if f := only(t, set, StatusAdded, "link2"); f.Skip != SkipSymlink {
				t.Errorf("added symlink: skip %q, want %q", f.Skip, SkipSymlink)
			}
		}},
	{"deleted symlink", func(r *difftest.Repo) { os.Symlink("README", filepath.Join(r.Dir, "link")) },
		func(r *difftest.Repo) { os.Remove(filepath.Join(r.Dir, "link")) },
		func(t *testing.T, set *Set) {
			if f := only(t, set, StatusDeleted, "link"); f.Skip != SkipSymlink {
				t.Errorf("deleted symlink: skip %q, want %q", f.Skip, SkipSymlink)
			}
		}},
	{"type change symlink to file", func(r *difftest.Repo) { os.Symlink("README", filepath.Join(r.Dir, "thing")) },
		func(r *difftest.Repo) {
			os.Remove(filepath.Join(r.Dir, "thing"))
			r.Write("thing", "package thing\n")
		},
		func(t *testing.T, set *Set) {
			// The file that replaces the link is new code: reviewed.
			f := only(t, set, StatusTypeChanged, "thing")
			if f.OldMode != "120000" || f.NewMode != "100644" || f.Skip != "" {
				t.Errorf("symlink replaced by a file: %+v", f)
			}
		}},
	{"type change file to symlink", func(r *difftest.Repo) { r.Write("thing", "content\n") },
		func(r *difftest.Repo) {
			os.Remove(filepath.Join(r.Dir, "thing"))
			os.Symlink("README", filepath.Join(r.Dir, "thing"))
		},
		func(t *testing.T, set *Set) {
			f := only(t, set, StatusTypeChanged, "thing")
			if f.OldMode != "100644" || f.NewMode != "120000" || f.Added != 1 || f.Deleted != 1 || f.Skip != SkipSymlink {
				t.Errorf("typechange: %+v", f)
			}
		}},
	{"very long lines", func(r *difftest.Repo) { r.Write("long.txt", strings.Repeat("x", 200000)+"\n") },
		func(r *difftest.Repo) {
			r.Write("long.txt", strings.Repeat("x", 199999)+"y\n"+strings.Repeat("z", 300000)+"\n")
		},
		func(t *testing.T, set *Set) {
			f := only(t, set, StatusModified, "long.txt")
			if f.Skip != "" || len(f.Hunks[0].Lines[1].Text) != 200000 {
				t.Errorf("long: skip=%q", f.Skip)
			}
		}},
	{"10k-line file", func(r *difftest.Repo) { r.Write("big.txt", difftest.Lines("row", 10000)) },
		func(r *difftest.Repo) {
			s := difftest.Lines("row", 10000)
			for _, n := range []string{"row 7\n", "row 2500\n", "row 5000\n", "row 9999\n"} {
				s = strings.Replace(s, n, strings.TrimSuffix(n, "\n")+" changed\nrow inserted\n", 1)
			}
			r.Write("big.txt", s)
			r.Write("huge-new.txt", difftest.Lines("new", 10000))
		},
		func(t *testing.T, set *Set) {
			f := only(t, set, StatusModified, "big.txt")
			if len(f.Hunks) != 4 || f.Added != 8 || f.Deleted != 4 {
				t.Errorf("big: %d hunks +%d -%d", len(f.Hunks), f.Added, f.Deleted)
			}
			if n := only(t, set, StatusAdded, "huge-new.txt"); n.Added != 10000 {
				t.Errorf("huge-new: +%d", n.Added)
			}
		}},
	{"skip rules", nil,
		func(r *difftest.Repo) {
			r.Write(".gitattributes", "gen/** linguist-generated\nthird/** linguist-vendored=true\n")
			r.Write("go.sum", "x v1 h1:abc\n")
			r.Write("web/package-lock.json", "{}\n")
			r.Write("vendor/lib/x.go", "package x\n")
			r.Write("app/node_modules/m/index.js", "x\n")
			r.Write("gen/api.go", "package api\n")
			r.Write("third/y.c", "int y;\n")
			r.Write("pb/x.pb.go", "// Code generated by protoc-gen-go. DO NOT EDIT.\n\npackage pb\n")
			r.Write("docs/skip.md", "# skip\n")
			r.Write("main.go", "package main\n")
			r.Write(".quorum/dismissed.yaml", "dismissed: []\n")
		},
		func(t *testing.T, set *Set) {
			want := map[string]string{
				".quorum/dismissed.yaml": SkipLedger,
				"go.sum":                 SkipLockfile, "web/package-lock.json": SkipLockfile,
				"vendor/lib/x.go": SkipVendored, "app/node_modules/m/index.js": SkipVendored,
				"gen/api.go": SkipGenerated, "third/y.c": SkipVendored, "pb/x.pb.go": SkipGenerated,
			}
			for p, reason := range want {
				if f := set.Files[indexOf(set, p)]; f.Skip != reason {
					t.Errorf("%s: skip %q, want %q", p, f.Skip, reason)
				}
			}
			if f := set.Files[indexOf(set, "main.go")]; f.Skip != "" {
				t.Errorf("main.go skipped: %s", f.Skip)
			}
			if len(set.Skipped) != len(want) {
				t.Errorf("skipped: %+v", set.Skipped)
			}
		}},
}

func TestCases(t *testing.T) {
	for _, tc := range fixtureCases {
		t.Run(tc.name, func(t *testing.T) {
			_, set := branchCase(t, tc.base, tc.change)
			tc.check(t, set)
		})
	}
}

func indexOf(set *Set, path string) int {
	for i, f := range set.Files {
		if f.Path == path {
			return i
		}
	}
	return -1
}
