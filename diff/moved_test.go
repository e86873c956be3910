package diff

import (
	"strings"
	"testing"

	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/internal/gitexec"
)

// TestMovedOutOfVendorIsReviewedWhole: a file moved (with an edit) from a
// vendored directory, or from an ignored path, into the project's own code
// is reviewed whole, as an added file: code no review read (it was
// vendored) becomes the project's own, and its patch would otherwise show
// only the edited line. A move within the project stays a rename.
func TestMovedOutOfVendorIsReviewedWhole(t *testing.T) {
	body := "package lib\n\nimport \"os\"\n\nfunc Wipe() { os.RemoveAll(\"/\") }\n\nfunc A() int { return 1 }\n"
	for _, tc := range []struct {
		name, from, to string
		ignore         []string
		whole          bool
	}{
		{"out of vendor", "vendor/lib/x.go", "lib/x.go", nil, true},
		{"out of an ignored path", "third_party/x.go", "lib/x.go", []string{"third_party/"}, true},
		{"within the project", "old/x.go", "lib/x.go", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := difftest.NewIsolated(t)
			r.Write("README", "r\n")
			r.Write(tc.from, body)
			r.Commit("base")
			r.Git("checkout", "-q", "-b", "feature")
			r.Git("rm", "-q", tc.from)
			r.Write(tc.to, strings.Replace(body, "return 1", "return 2", 1)) // git sees the rename
			r.Commit("move")
			for _, g := range []*gitexec.Git{{}, nil} { // the git engine and go-git's
				set, err := Load(t.Context(), Options{Dir: r.Dir, Git: g, Ignore: tc.ignore})
				if err != nil {
					t.Fatal(err)
				}
				f := set.Files[indexOf(set, tc.to)]
				if tc.whole {
					if f.Status != StatusAdded || f.Skip != "" || f.Added != 7 || f.Deleted != 0 || len(f.Hunks) != 1 || f.Hunks[0].Lines[4].Text != `func Wipe() { os.RemoveAll("/") }` {
						t.Errorf("git %v: %+v", g != nil, f)
					}
				} else if f.Status != StatusRenamed || f.Added != 1 || f.Deleted != 1 {
					t.Errorf("git %v: a move within the project: %+v", g != nil, f)
				}
			}
		})
	}
}
