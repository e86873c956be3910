// Package archtest checks the import boundaries of DESIGN §3 and issue 13:
// domain packages return typed errors and know nothing of the command line.
package archtest

import (
	"errors"
	"go/build"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/quorum-review/quorum/"

// domain are the trees that must not depend on the command line.
var domain = []string{"diff", "review", "internal/ollama", "internal/loopback", "internal/openai"}

// forbidden says whether a dependency belongs to the command line: exit
// codes and hints, the command helpers, cobra and pflag, or a command.
func forbidden(dep string) bool {
	switch dep {
	case module + "internal/exitcode", module + "internal/cmdutil", module + "internal/cmdtest",
		"github.com/spf13/cobra", "github.com/spf13/pflag":
		return true
	}
	return strings.HasPrefix(dep, module+"cmd/")
}

// allowed are the dependencies still to be removed, package → dependency.
// Shrink it: the test fails when an entry is no longer needed.
var allowed = map[string]string{}

// TestDomainImportsNoCLI fails if a package under diff/, review/ or
// internal/ollama depends, directly or through other packages of the
// module, on a CLI package. Imports are read from the source with go/build
// (not go list), so go test's cache sees every file it depends on.
func TestDomainImportsNoCLI(t *testing.T) {
	const root = "../.."
	var roots []string
	for _, tree := range domain {
		err := filepath.WalkDir(filepath.Join(root, tree), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			if d.IsDir() {
				rel, _ := filepath.Rel(root, p)
				roots = append(roots, filepath.ToSlash(rel))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	imports := map[string][]string{} // module package → its imports (nil: no Go files)
	var load func(pkg string) []string
	load = func(pkg string) []string {
		if imps, ok := imports[pkg]; ok {
			return imps
		}
		imports[pkg] = nil
		bp, err := build.ImportDir(filepath.Join(root, filepath.FromSlash(pkg)), 0)
		if err != nil {
			var noGo *build.NoGoError
			if !errors.As(err, &noGo) {
				t.Fatalf("%s: %v", pkg, err)
			}
			return nil
		}
		imports[pkg] = bp.Imports
		return bp.Imports
	}
	used := map[string]bool{}
	var bad []string
	for _, pkg := range roots {
		// Everything pkg reaches inside the module, and what those import.
		seen := map[string]bool{pkg: true}
		queue := []string{pkg}
		for len(queue) > 0 {
			cur := queue[0]
			queue = queue[1:]
			for _, dep := range load(cur) {
				if forbidden(dep) {
					d := strings.TrimPrefix(dep, module)
					if allowed[pkg] == d {
						used[pkg] = true
					} else if imports[pkg] != nil {
						bad = append(bad, pkg+" → "+d+" (via "+cur+")")
					}
					continue
				}
				if in, ok := strings.CutPrefix(dep, module); ok && !seen[in] {
					seen[in] = true
					queue = append(queue, in)
				}
			}
		}
	}
	sort.Strings(bad)
	bad = slices.Compact(bad)
	for _, b := range bad {
		t.Errorf("%s: a domain package must return typed errors and leave codes, hints and flags to cmd/quorum/cli/errmap", b)
	}
	for pkg, dep := range allowed {
		if !used[pkg] {
			t.Errorf("allowed[%q] = %q is no longer needed: remove it", pkg, dep)
		}
	}
}
