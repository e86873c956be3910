// Package corpus loads labelled merge corpora, reviews whose findings carry the issue they are about, and scores a grouping of those findings against the labels.
package corpus

import (
	"cmp"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
)

// The built-in corpora ship in the binary so that `quorum eval merge`
// measures a judge model on a machine that has only quorum: the format is
// sets/README.md.
//
//go:embed sets
var builtin embed.FS

// Builtin is the corpora quorum's merge was measured on: one directory per
// set, one .txtar per review.
func Builtin() fs.FS {
	sub, err := fs.Sub(builtin, "sets")
	if err != nil {
		panic(err) // the embedded directory is there at build time
	}
	return sub
}

// labelled is one finding of a corpus: a reviewer's finding as the answer
// schema gives it, the reviewer who made it and the issue it is about.
type labelled struct {
	Issue string `json:"issue"`
	review.RawFinding
	Reviewer string `json:"reviewer"`
}

// Review is one labelled review: its diff, its findings anchored as a
// review anchors them, and each finding's issue label by Key.
type Review struct {
	// Name is the set and archive, like "blind21/go.txtar".
	Name     string
	Files    []diff.File
	Findings []anchor.Finding
	Issue    map[string]string
}

// Key names a finding within its review: its reviewer and its place in
// that reviewer's answer.
func Key(f anchor.Finding) string { return f.Reviewer + "#" + strconv.Itoa(f.Seq) }

// Sets lists the sets of fsys: each directory holding at least one .txtar
// (the root itself is the set "." when it holds archives), dev first, then
// by name with the numbers they end with in order (blind2 before blind10).
func Sets(fsys fs.FS) ([]string, error) {
	var sets []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".txtar") && !slices.Contains(sets, path.Dir(p)) {
			sets = append(sets, path.Dir(p))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(sets, compareSets)
	return sets, nil
}

func compareSets(a, b string) int {
	if (a == "dev") != (b == "dev") {
		if a == "dev" {
			return -1
		}
		return 1
	}
	na, nb := strings.TrimRight(a, "0123456789"), strings.TrimRight(b, "0123456789")
	if c := strings.Compare(na, nb); c != 0 {
		return c
	}
	ia, _ := strconv.Atoi(a[len(na):])
	ib, _ := strconv.Atoi(b[len(nb):])
	return cmp.Compare(ia, ib)
}

// MaxReviewBytes bounds one review archive: the largest built-in one is
// under 40 KB, so a file this large is not a review (a stray dump, a link
// to a device).
const MaxReviewBytes = 8 << 20

// ErrRejected is wrapped by Load's error for a finding the anchor rejects.
var ErrRejected = errors.New("rejected")

// Load reads the reviews of one set (its .txtar files, in name order),
// anchoring every finding by the real anchor.Index. A finding the index
// rejects (its quote is not in the diff) is an error wrapping ErrRejected:
// a corpus whose findings could not come out of a review measures nothing.
// A .txtar that is not a regular file, or is over MaxReviewBytes, is an
// error too, read no further.
func Load(fsys fs.FS, set string) ([]Review, error) {
	entries, err := fs.ReadDir(fsys, set)
	if err != nil {
		return nil, err
	}
	var out []Review
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".txtar") {
			continue
		}
		name := path.Join(set, e.Name())
		if e.IsDir() {
			continue
		}
		info, err := fs.Stat(fsys, name) // through a link, to what it names
		if err != nil {
			return nil, err
		}
		if !info.Mode().IsRegular() {
			return nil, fmt.Errorf("%s is not a regular file", name)
		}
		if info.Size() > MaxReviewBytes {
			return nil, fmt.Errorf("%s is %d bytes, over the %d a review may be", name, info.Size(), MaxReviewBytes)
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		r, err := parse(name, txtar.Parse(data))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no .txtar review", set)
	}
	return out, nil
}

// parse reads one archive: a section per diff file, findings.json and the
// optional model-kinds.json and model-fixes.json (sets/README.md).
func parse(name string, ar *txtar.Archive) (Review, error) {
	set := &diff.Set{}
	var raw []labelled
	var modelKinds, modelFixes []string
	for _, f := range ar.Files {
		var into any
		switch f.Name {
		case "kinds.json", "model-subjects.json":
			continue // labels of the issues, for reading; not measured
		case "model-kinds.json":
			into = &modelKinds
		case "model-fixes.json":
			into = &modelFixes
		case "findings.json":
			into = &raw
		}
		if into != nil {
			if err := json.Unmarshal(f.Data, into); err != nil {
				return Review{}, fmt.Errorf("%s: %s: %v", name, f.Name, err)
			}
			continue
		}
		df, err := parseHunks(f.Name, f.Data)
		if err != nil {
			return Review{}, fmt.Errorf("%s: %v", name, err)
		}
		set.Files = append(set.Files, df)
	}
	if len(raw) == 0 {
		return Review{}, fmt.Errorf("%s: no findings.json, or no finding in it", name)
	}
	if modelFixes != nil && len(modelFixes) != len(raw) {
		return Review{}, fmt.Errorf("%s: model-fixes.json has %d fixes for %d findings", name, len(modelFixes), len(raw))
	}
	if modelKinds != nil && len(modelKinds) != len(raw) {
		return Review{}, fmt.Errorf("%s: model-kinds.json has %d kinds for %d findings", name, len(modelKinds), len(raw))
	}
	ix := anchor.NewIndex(set)
	r := Review{Name: name, Files: set.Files, Issue: map[string]string{}}
	var rejected []error
	for i, lf := range raw {
		if lf.Reviewer == "" || lf.Issue == "" {
			rejected = append(rejected, fmt.Errorf("%s: finding %d (%s) has no reviewer or no issue label", name, i+1, lf.Title))
			continue
		}
		if lf.Kind == "" && modelKinds != nil {
			lf.Kind = modelKinds[i]
		}
		if lf.Fix == "" && modelFixes != nil {
			lf.Fix = modelFixes[i]
		}
		f, rej := ix.Anchor(lf.Reviewer, "c1", i+1, lf.RawFinding)
		if rej != nil {
			rejected = append(rejected, fmt.Errorf("%s: finding %d (%s) %w: %s", name, i+1, lf.Title, ErrRejected, rej.Reason))
			continue
		}
		r.Findings = append(r.Findings, f)
		r.Issue[Key(f)] = lf.Issue
	}
	return r, errors.Join(rejected...)
}

// maxLine bounds a hunk's first line number (a line count no source file
// reaches, far from overflowing as lines are counted on).
const maxLine = 1 << 30

// parseHunks reads a file section of an archive into a diff.File: hunks
// headed "@@ N @@ section", N numbering both sides, then lines prefixed
// '+', '-' or ' ' as in a unified diff.
func parseHunks(name string, data []byte) (diff.File, error) {
	f := diff.File{Path: name, OldPath: name, Status: diff.StatusModified}
	var h *diff.Hunk
	var oldN, newN int
	for i, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		if rest, ok := strings.CutPrefix(l, "@@ "); ok {
			end := strings.Index(rest, " @@")
			if end < 0 {
				return f, fmt.Errorf("%s:%d: bad hunk header", name, i+1)
			}
			n, err := strconv.Atoi(rest[:end])
			if err != nil || n < 1 || n > maxLine {
				return f, fmt.Errorf("%s:%d: hunk header wants a line number from 1 to %d, got %q", name, i+1, maxLine, rest[:end])
			}
			f.Hunks = append(f.Hunks, diff.Hunk{OldStart: n, NewStart: n, Section: strings.TrimSpace(rest[end+3:])})
			h = &f.Hunks[len(f.Hunks)-1]
			oldN, newN = n, n
			continue
		}
		if h == nil || l == "" {
			return f, fmt.Errorf("%s:%d: line outside a hunk or without a prefix", name, i+1)
		}
		text := l[1:]
		switch l[0] {
		case '+':
			h.Lines = append(h.Lines, diff.Line{Kind: diff.Added, New: newN, Text: text})
			newN++
			h.NewLines++
			f.Added++
		case '-':
			h.Lines = append(h.Lines, diff.Line{Kind: diff.Deleted, Old: oldN, Text: text})
			oldN++
			h.OldLines++
			f.Deleted++
		case ' ':
			h.Lines = append(h.Lines, diff.Line{Kind: diff.Context, Old: oldN, New: newN, Text: text})
			oldN++
			newN++
			h.OldLines++
			h.NewLines++
		default:
			return f, fmt.Errorf("%s:%d: bad line prefix %q", name, i+1, l[0])
		}
	}
	if len(f.Hunks) == 0 {
		return f, fmt.Errorf("%s: no hunk", name)
	}
	return f, nil
}
