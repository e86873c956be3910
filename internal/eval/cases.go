package eval

import (
	"context"
	"slices"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/gitexec"
)

// Case is one review eval runs: a diff between two commits, read from git
// objects only, and for a bug case the lines that hold the truth.
type Case struct {
	// ID is the kind and the commit's short hash, e.g. "bug:1a2b3c4d".
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Commit  string `json:"commit"`
	Subject string `json:"subject"`
	// Base and Head are the commits diffed. A bug case diffs the fix commit
	// (base) against the fix's parent (head): the fix reversed on top of
	// the fixed tree, whose files are exactly the parent's. A clean case
	// diffs the commit's parent against the commit.
	Base  string   `json:"base"`
	Head  string   `json:"head"`
	Files []string `json:"files"`
	// Truth maps each file of a bug case to the lines the fix touched, on
	// the new side of the reversed diff: the lines it re-adds, and where the
	// lines the fix added are deleted again (as anchoring places a deletion).
	Truth map[string][]int `json:"truth,omitempty"`
	// Set is the diff the panel reviews.
	Set *diff.Set `json:"-"`
}

// Build makes a case of c: the diff of its two commits (git diff, so the
// same files, hunks and skip rules as `quorum review`), cut to the
// candidate's code files. It returns a skip reason instead when nothing
// reviewable (or, for a bug, nothing to score against) is left.
func Build(ctx context.Context, g *gitexec.Git, dir string, ignore []string, c Candidate) (*Case, string, error) {
	if len(c.Commit.Parents) == 0 {
		return nil, SkipRoot, nil
	}
	parent := c.Commit.Parents[0]
	cs := &Case{ID: c.Kind + ":" + short(c.Commit.SHA), Kind: c.Kind, Commit: c.Commit.SHA, Subject: c.Commit.Subject}
	if c.Kind == KindBug {
		cs.Base, cs.Head = c.Commit.SHA, parent
	} else {
		cs.Base, cs.Head = parent, c.Commit.SHA
	}
	set, err := diff.Load(ctx, diff.Options{Dir: dir, Git: g, Commits: cs.Base + ".." + cs.Head, Reversed: true, Ignore: ignore})
	if err != nil {
		return nil, "", err
	}
	keep := func(p, old string) bool {
		return slices.Contains(c.Files, p) || (old != "" && slices.Contains(c.Files, old))
	}
	files := set.Files[:0:0]
	for _, f := range set.Files {
		if keep(f.Path, f.OldPath) {
			files = append(files, f)
		}
	}
	skipped := set.Skipped[:0:0]
	for _, s := range set.Skipped {
		if keep(s.Path, "") {
			skipped = append(skipped, s)
		}
	}
	set.Files, set.Skipped = files, skipped
	// Neither kind shows its commit message: a bug case has none (its
	// range holds no commit), and a clean case's would tell it apart.
	set.Commits = []diff.Commit{}
	if set.Empty() {
		return nil, SkipEmpty, nil
	}
	for _, f := range set.Reviewable() {
		cs.Files = append(cs.Files, f.Path)
	}
	if c.Kind == KindBug {
		cs.Truth = Truth(set)
		if len(cs.Truth) == 0 {
			return nil, SkipNoTruth, nil
		}
	}
	cs.Set = set
	return cs, "", nil
}

func short(sha string) string {
	if len(sha) > 10 {
		return sha[:10]
	}
	return sha
}

// Truth returns, for each reviewable file of set, its added lines and the
// new-side positions of its deleted lines (where anchoring puts a finding
// about deleted code: the line the deletion sits before, or the last line
// when it ends the file), sorted and without repeats.
func Truth(set *diff.Set) map[string][]int {
	out := map[string][]int{}
	for _, f := range set.Reviewable() {
		newLines := map[int]bool{}
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				if l.Kind != diff.Deleted {
					newLines[l.New] = true
				}
			}
		}
		var lines []int
		for _, h := range f.Hunks {
			next := h.NewStart
			for _, l := range h.Lines {
				switch l.Kind {
				case diff.Added:
					lines = append(lines, l.New)
					next = l.New + 1
				case diff.Context:
					next = l.New + 1
				case diff.Deleted:
					at := next
					if !newLines[at] && newLines[at-1] {
						at--
					}
					if at > 0 {
						lines = append(lines, at)
					}
				}
			}
		}
		if len(lines) == 0 {
			continue
		}
		slices.Sort(lines)
		out[f.Path] = slices.Compact(lines)
	}
	return out
}

// Hits says whether a finding at file, lines line..end (end 0: line)
// lies within window lines of a truth line of the same file. File-level
// findings (line 0) never hit.
func (c *Case) Hits(file string, line, end, window int) bool {
	if line <= 0 {
		return false
	}
	end = max(end, line)
	for _, t := range c.Truth[file] {
		if t >= line-window && t <= end+window {
			return true
		}
	}
	return false
}
