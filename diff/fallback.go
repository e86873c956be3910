package diff

// The pure go-git engine, used when no git binary is on PATH. It diffs two
// commit trees with go-git's rename detection, prints the patch with
// go-git's unified encoder and parses it with the same parser as git's
// output. Known differences from `git diff` (asserted in tests): no copy
// detection, no similarity index, go-git's Myers hunks without git's indent
// heuristic can group changed lines differently, and names are not quoted.

import (
	"bytes"
	"context"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	fdiff "github.com/go-git/go-git/v5/plumbing/format/diff"
	"github.com/go-git/go-git/v5/plumbing/format/gitattributes"
	"github.com/go-git/go-git/v5/plumbing/object"
)

func (rp *repo) tree(h plumbing.Hash) (*object.Tree, error) {
	if h.String() == EmptyTree {
		return &object.Tree{}, nil
	}
	c, err := rp.r.CommitObject(h)
	if err != nil {
		return nil, rp.readErr(err, h)
	}
	return c.Tree()
}

// goGitFiles computes the changes between two commits without the git binary.
func goGitFiles(ctx context.Context, rp *repo, from, to plumbing.Hash) ([]File, error) {
	ta, err := rp.tree(from)
	if err != nil {
		return nil, err
	}
	tb, err := rp.tree(to)
	if err != nil {
		return nil, err
	}
	changes, err := object.DiffTreeWithOptions(ctx, ta, tb, object.DefaultDiffTreeOptions)
	if err != nil {
		return nil, diffUnreadable(EngineGoGit, "cannot diff %s..%s: %w", shortHash(from), shortHash(to), err)
	}
	// git orders the patch by path (a rename sits at its new name).
	sort.SliceStable(changes, func(i, j int) bool { return changeName(changes[i]) < changeName(changes[j]) })
	patch, err := changes.PatchContext(ctx)
	if err != nil {
		return nil, diffUnreadable(EngineGoGit, "cannot diff %s..%s: %w", shortHash(from), shortHash(to), err)
	}
	var buf bytes.Buffer
	if err := fdiff.NewUnifiedEncoder(&buf, fdiff.DefaultContextLines).Encode(patch); err != nil {
		return nil, err
	}
	files, err := ParsePatch(buf.Bytes())
	if err != nil {
		return nil, &Error{Kind: Corrupt, Op: OpDiff, Engine: EngineGoGit, Err: err}
	}
	// go-git calls an empty file binary; git does not.
	for i := range files {
		f := &files[i]
		if f.Binary && emptyBlob(ta, f.OldPath, f.Status == StatusAdded) && emptyBlob(tb, f.Path, f.Status == StatusDeleted) {
			f.Binary = false
		}
	}
	return files, nil
}

// emptyBlob reports whether p is empty in t (absent counts as empty).
func emptyBlob(t *object.Tree, p string, absent bool) bool {
	if absent {
		return true
	}
	f, err := t.File(p)
	return err == nil && f.Size == 0
}

func changeName(c *object.Change) string {
	if c.To.Name != "" {
		return c.To.Name
	}
	return c.From.Name
}

// goGitAttributes reads the work tree's .gitattributes files along each
// path (root first, so deeper files win) with go-git's matcher.
func goGitAttributes(rp *repo, files []File) map[string]attrs {
	out := map[string]attrs{}
	loaded := map[string][]gitattributes.MatchAttribute{}
	load := func(dir string) []gitattributes.MatchAttribute {
		if m, ok := loaded[dir]; ok {
			return m
		}
		var domain []string
		if dir != "." {
			domain = strings.Split(dir, "/")
		}
		var m []gitattributes.MatchAttribute
		if b, err := os.ReadFile(filepath.Join(rp.root, filepath.FromSlash(dir), ".gitattributes")); err == nil {
			m, _ = gitattributes.ReadAttributes(bytes.NewReader(b), domain, dir == ".")
		}
		loaded[dir] = m
		return m
	}
	names := []string{"linguist-generated", "linguist-vendored", "binary", "diff"}
	for _, f := range files {
		var stack []gitattributes.MatchAttribute
		dirs := []string{"."}
		if d := path.Dir(f.Path); d != "." {
			parts := strings.Split(d, "/")
			for i := range parts {
				dirs = append(dirs, strings.Join(parts[:i+1], "/"))
			}
		}
		for _, d := range dirs {
			stack = append(stack, load(d)...)
		}
		if len(stack) == 0 {
			continue
		}
		res, _ := gitattributes.NewMatcher(stack).Match(strings.Split(f.Path, "/"), names)
		var a attrs
		if v, ok := res["linguist-generated"]; ok {
			a.generated = v.IsSet() || v.Value() == "true"
		}
		if v, ok := res["linguist-vendored"]; ok {
			a.vendored = v.IsSet() || v.Value() == "true"
		}
		if v, ok := res["binary"]; ok && v.IsSet() {
			a.binary = true
		}
		if v, ok := res["diff"]; ok && v.IsUnset() {
			a.binary = true
		}
		out[f.Path] = a
	}
	return out
}
