package diff

import (
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"diff --git a/a b/a\nindex 1..2 100644\n--- a/a\n+++ b/a\n@@ -1,2 +1,2 @@\n x\n-y\n+z\n",
	"diff --git a/x y b/x y\nnew file mode 100644\nindex 0000000..e69de29\n",
	"diff --git a/old b/new\nsimilarity index 100%\nrename from old\nrename to new\n",
	"diff --git \"a/t\\tb\" \"b/t\\tb\"\nnew file mode 100644\n--- /dev/null\n+++ \"b/t\\tb\"\n@@ -0,0 +1 @@\n+x\n\\ No newline at end of file\n",
	"diff --git a/b b/b\nindex 1..2 100644\nBinary files a/b and b/b differ\n",
	"diff --git a/m b/m\nold mode 100644\nnew mode 100755\nindex 1..2\nBinary files a/m and b/m differ\n",
	"diff --git a/c b/c\n--- a/c\n+++ b/c\n@@ -1 +1 @@\n-a\r\n\\ No newline at end of file\n+b\r\n",
	"--- a/plain\n+++ b/plain\n@@ -3,0 +4,2 @@ func x()\n+one\n+two\n",
	"diff --git a/s b/s\nindex 1..2 160000\n--- a/s\n+++ b/s\n@@ -1 +1 @@\n-Subproject commit 1\n+Subproject commit 2\n",
	"@@ -1 +1 @@\n-x\n+y\n",
	"diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,5 +1,1 @@\n-1\n+2\n",
	"diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -9999999999 +1 @@\n-1\n+2\n",
}

// FuzzParsePatch: no input may panic, and a patch that parses has lines
// whose numbers agree with their hunk headers.
func FuzzParsePatch(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, patch []byte) {
		files, err := ParsePatch(patch)
		if err != nil {
			return
		}
		for _, file := range files {
			if file.Path == "" || file.OldPath == "" {
				t.Fatalf("file without a name: %+v", file)
			}
			for _, h := range file.Hunks {
				oldN, newN := h.OldStart, h.NewStart
				var olds, news int
				for _, l := range h.Lines {
					switch l.Kind {
					case Context:
						if l.Old != oldN || l.New != newN {
							t.Fatalf("context numbers %+v, want %d/%d", l, oldN, newN)
						}
						oldN, newN, olds, news = oldN+1, newN+1, olds+1, news+1
					case Deleted:
						if l.Old != oldN || l.New != 0 {
							t.Fatalf("deleted numbers %+v", l)
						}
						oldN, olds = oldN+1, olds+1
					case Added:
						if l.New != newN || l.Old != 0 {
							t.Fatalf("added numbers %+v", l)
						}
						newN, news = newN+1, news+1
					default:
						t.Fatalf("kind %q", l.Kind)
					}
				}
				if olds != h.OldLines || news != h.NewLines {
					t.Fatalf("hunk counts %d/%d vs header %+v", olds, news, h)
				}
			}
		}
	})
}

func TestParsePatchErrors(t *testing.T) {
	for _, bad := range []string{
		"diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,5 +1,1 @@\n-1\n+2\n",
		"diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-1\n*2\n",
		"diff --git garbage\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-1\n+2\n",
		"diff --git \"a/bad\\q\" \"b/bad\\q\"\nnew file mode 100644\n",
		// A line past the @@ counts, before the next file.
		"diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n d\ndiff --git a/b b/b\n--- a/b\n+++ b/b\n@@ -1 +1 @@\n-x\n+y\n",
		// The same in a plain unified diff.
		"--- a/a\n+++ b/a\n@@ -1 +1 @@\n-b\n+c\n+d\n",
		// A combined diff, which quorum never asks git for.
		"diff --cc a\nindex 1,2..3\n--- a/a\n+++ b/a\n@@@ -1,1 -1,1 +1,1 @@@\n- a\n -b\n++c\n",
	} {
		if _, err := ParsePatch([]byte(bad)); err == nil {
			t.Errorf("no error for %q", bad)
		}
	}
	_, err := ParsePatch([]byte("diff --git a/a b/a\n--- a/a\n+++ b/a\n@@ -1 +1 @@\n-1\n*2\n"))
	if err == nil || !strings.Contains(err.Error(), `unexpected line "*2" in hunk`) {
		t.Errorf("error names the line wrongly: %v", err)
	}
}

// TestPlainUnifiedDiff: text between the files of a plain `diff -ru` is
// not part of any hunk, and a deleted line that reads "--- x" is counted.
func TestPlainUnifiedDiff(t *testing.T) {
	patch := "diff -ru a/x b/x\n--- a/x\t2024-01-01 10:00:00\n+++ b/x\t2024-01-01 10:00:01\n@@ -1,2 +1,2 @@\n--- x\n+y\n z\n" +
		"diff -ru a/y b/y\n--- a/y\n+++ b/y\n@@ -1 +1 @@\n-1\n+2\n"
	files, err := ParsePatch([]byte(patch))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Path != "x" || files[1].Path != "y" || files[0].Deleted != 1 || files[0].Hunks[0].Lines[0].Text != "-- x" {
		t.Errorf("files: %+v", files)
	}
}

func TestParsePatchNames(t *testing.T) {
	files, err := ParsePatch([]byte(fuzzSeeds[3] + fuzzSeeds[1] + fuzzSeeds[2] + fuzzSeeds[5]))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		path, old string
		status    Status
	}{{"t\tb", "t\tb", StatusAdded}, {"x y", "x y", StatusAdded}, {"new", "old", StatusRenamed}, {"m", "m", StatusModified}}
	if len(files) != len(want) {
		t.Fatalf("got %d files", len(files))
	}
	for i, w := range want {
		f := files[i]
		if f.Path != w.path || f.OldPath != w.old || f.Status != w.status {
			t.Errorf("file %d: %q %q %s, want %+v", i, f.Path, f.OldPath, f.Status, w)
		}
	}
	if !files[0].Hunks[0].Lines[0].NoNewline || !files[3].Binary || files[3].NewMode != "100755" {
		t.Errorf("details: %+v / %+v", files[0], files[3])
	}
}
