package diff

import (
	"context"
	"strings"

	"github.com/quorum-review/quorum/internal/gitexec"
)

// Options say which changes to load.
type Options struct {
	Dir      string // where to start repo discovery (any subdirectory, linked worktree ok)
	Base     string // --base REF ("" = default resolution: upstream, origin/<branch>, origin/HEAD, origin/main, main, master)
	Head     string // --head REF (default HEAD)
	Staged   bool   // index vs HEAD
	Worktree bool   // uncommitted changes (work tree incl. index) vs HEAD
	Commits  string // "A..B": exactly A..B, no merge-base
	// Reversed lets Commits name B..A where A is an ancestor of B: the
	// change undone, on purpose (eval's bug cases). A user's --commits
	// in that order is refused as a swap.
	Reversed bool
	Ignore   []string // user ignore globs (doublestar)
	// MaxFileBytes is the per-file patch size limit (0 = DefaultMaxFileBytes).
	MaxFileBytes int64
	// Git runs the git binary (the command's Factory gives it); nil is the
	// one gitexec.LookPath finds, and no binary means the go-git engine.
	Git *gitexec.Git
}

// Modes of Set.Mode.
const (
	ModeRange    = "range"
	ModeCommits  = "commits"
	ModeStaged   = "staged"
	ModeWorktree = "worktree"
)

// Pseudo refs of Set.Head for the staged and worktree modes.
const (
	RefIndex    = "index"
	RefWorktree = "worktree"
)

// Validate reports conflicting options.
func (o Options) Validate() error {
	switch {
	case o.Staged && o.Worktree:
		return usageErr("--staged and --worktree cannot be used together")
	case o.Commits != "" && (o.Base != "" || o.Head != "" || o.Staged || o.Worktree):
		return usageErr("--commits cannot be combined with --base, --head, --staged or --worktree")
	case (o.Staged || o.Worktree) && (o.Base != "" || o.Head != ""):
		return usageErr("--staged and --worktree compare with HEAD; they cannot be combined with --base or --head")
	case o.MaxFileBytes < 0:
		return usageErr("the size limit must not be negative")
	}
	if o.Commits != "" {
		if _, _, err := splitCommits(o.Commits); err != nil {
			return err
		}
	}
	return nil
}

func splitCommits(s string) (string, string, error) {
	// The ".." outside braces: HEAD@{1.day.ago}..HEAD is a range.
	i, depth := -1, 0
	for j := 0; j < len(s) && i < 0; j++ {
		switch {
		case s[j] == '{':
			depth++
		case s[j] == '}' && depth > 0:
			depth--
		case depth == 0 && strings.HasPrefix(s[j:], ".."):
			i = j
		}
	}
	if i < 0 {
		return "", "", usageErr("--commits takes a range A..B, got %q", s)
	}
	a, b := s[:i], s[i+2:]
	switch {
	case a != "" && strings.HasPrefix(b, ".") && len(b) > 1 && !strings.Contains(stripBraces(b[1:]), ".."):
		// git's A...B: B's own commits since it left A.
		return "", "", usageErr("--commits takes a range A..B, got %q: for the commits of %s since it left %s, use --base %s --head %s", s, b[1:], a, a, b[1:])
	case a != "" && b == "":
		return "", "", usageErr("--commits takes a range A..B, got %q: for the commits since %s, use --base %s", s, a, a)
	case a == "" || b == "" || strings.HasPrefix(b, ".") || strings.Contains(stripBraces(b), ".."):
		return "", "", usageErr("--commits takes a range A..B, got %q", s)
	}
	return a, b, nil
}

// stripBraces is s without its {...} parts (reflog dates, ^{type}).
func stripBraces(s string) string {
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '{':
			depth++
		case r == '}' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Load resolves the range described by opts and returns the parsed changes
// with skip rules applied. Errors a user can cause or fix are *Error.
func Load(ctx context.Context, opts Options) (*Set, error) {
	var files []File
	set, err := Stream(ctx, opts, nil, func(f *File) error {
		files = append(files, *f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if files != nil {
		set.Files = files
	}
	return set, nil
}

// Stream is Load for output that can be written file by file: it resolves
// the range, calls begin with the Set before any file is read (range and
// commits filled, Files empty), then each with every file, skip rules
// applied, in patch order, while git is still printing the patch. The
// returned Set has Skipped filled and Files empty. A large diff is never
// held in memory whole. begin may be nil.
func Stream(ctx context.Context, opts Options, begin func(*Set) error, each func(*File) error) (*Set, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	ign, err := newIgnoreSet(opts.Ignore)
	if err != nil {
		return nil, err
	}
	rg, err := resolveRange(opts)
	if err != nil {
		return nil, err
	}
	if begin != nil {
		if err := begin(rg.set); err != nil {
			return nil, err
		}
	}
	if err := streamFiles(ctx, rg, ign, opts.MaxFileBytes, each); err != nil {
		return nil, err
	}
	if rg.set.Mode == ModeWorktree {
		listUntracked(rg.set, rg.src.git)
	}
	return rg.set, nil
}
