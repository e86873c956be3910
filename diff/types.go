// Package diff finds what quorum reviews: the repository, the base and head, the commits, and the parsed patch.
package diff

// This file is the contract of `quorum diff --format json` and of every later
// stage: reviewers see new-side line numbers from here, and anchoring resolves
// findings against these hunks.

// LineKind says whether a hunk line is context, added or deleted.
type LineKind string

const (
	Context LineKind = "context"
	Added   LineKind = "added"
	Deleted LineKind = "deleted"
)

// Status is a file's change status, as git reports it.
type Status string

const (
	StatusAdded       Status = "added"
	StatusModified    Status = "modified"
	StatusDeleted     Status = "deleted"
	StatusRenamed     Status = "renamed"
	StatusCopied      Status = "copied"
	StatusTypeChanged Status = "type-changed"
)

// Skip reasons, listed in `skipped` and in the report's coverage section.
const (
	SkipBinary = "binary"
	// SkipBinaryAttr: a gitattribute (binary, or -diff) makes git treat the
	// file as binary, whatever its content.
	SkipBinaryAttr = "binary-attribute"
	SkipLockfile   = "lockfile"
	// SkipLedger marks quorum's own dismissal ledger: its entries are
	// quorum's, not code, and its reasons (free text) would only be read
	// by the models as text to review.
	SkipLedger    = "quorum-ledger"
	SkipVendored  = "vendored"
	SkipGenerated = "generated"
	SkipTooLarge  = "too-large"
	// SkipDeletedLarge marks a deleted file whose patch is over the size
	// limit: a removal brings no code to read, so unlike SkipTooLarge it
	// leaves nothing unread.
	SkipDeletedLarge = "deleted-too-large"
	SkipIgnored      = "ignored"
	SkipSubmodule    = "submodule"
	// SkipSymlink marks a symbolic link: what git holds of it is the path
	// it points to, no code (the file it points to is reviewed where it
	// changes).
	SkipSymlink = "symlink"
	// SkipLFSPointer marks a Git LFS pointer: three lines naming a stored
	// object by its hash and size, the file's content kept elsewhere.
	SkipLFSPointer = "lfs-pointer"
	// SkipUntracked marks a new file git does not track yet: `git diff`
	// (and so --worktree) does not show it until `git add -N` or `git add`.
	SkipUntracked = "untracked"
)

// Ref is a resolved revision: what the user (or the default) named, and the commit.
type Ref struct {
	Ref    string `json:"ref"`
	Commit string `json:"commit"`
}

// Commit is one commit of the reviewed range, oldest first in Set.Commits.
type Commit struct {
	SHA     string   `json:"sha"`
	Subject string   `json:"subject"`
	Body    string   `json:"body,omitempty"`
	Author  string   `json:"author,omitempty"`
	Parents []string `json:"parents,omitempty"`
}

// IsMerge reports whether the commit has more than one parent.
func (c Commit) IsMerge() bool { return len(c.Parents) > 1 }

// Line is one line of a hunk. Old is 0 on added lines, New is 0 on deleted lines.
type Line struct {
	Kind LineKind `json:"kind"`
	Old  int      `json:"old"`
	New  int      `json:"new"`
	Text string   `json:"text"`
	// NoNewline marks a line followed by "\ No newline at end of file".
	NoNewline bool `json:"no_newline,omitempty"`
}

// Hunk is one @@ block of the patch.
type Hunk struct {
	OldStart int    `json:"old_start"`
	OldLines int    `json:"old_lines"`
	NewStart int    `json:"new_start"`
	NewLines int    `json:"new_lines"`
	Section  string `json:"section"`
	// Enclosing are the definition lines (IsDefinition) open at the hunk's
	// first line in the file as it now reads, outermost first: a definition
	// closes where a later one starts at its indentation or less. Empty when
	// there is none or the file could not be read. They give the section of
	// a line whose definition the hunk does not show, whatever git's heading
	// is (a Python method's heading is its class; a Go label's the label).
	Enclosing []string `json:"enclosing,omitempty"`
	// EnclosingIn is the delimiter of a multi-line string the hunk's
	// first line is inside (`"""`, a Go raw string's backtick): its lines
	// are the string's, and close nothing; or "{" when the last of
	// Enclosing is a signature whose block has not opened yet (`type ID
	// string` just above: it closes unless the hunk opens its block).
	// "" for neither.
	EnclosingIn string `json:"enclosing_in,omitempty"`
	Lines       []Line `json:"lines"`
}

// File is one changed file. Paths carry no a/ b/ prefix. A skipped file keeps
// its path and status but carries no hunks, and Skip says why.
type File struct {
	Path    string `json:"path"`
	OldPath string `json:"old_path"`
	Status  Status `json:"status"`
	Binary  bool   `json:"binary"`
	OldMode string `json:"old_mode,omitempty"`
	NewMode string `json:"new_mode,omitempty"`
	// Similarity is git's rename/copy similarity index in percent.
	Similarity int    `json:"similarity,omitempty"`
	Added      int    `json:"added"`
	Deleted    int    `json:"deleted"`
	Skip       string `json:"skip,omitempty"`
	// Scoped says the definitions open above each hunk (Hunk.Enclosing)
	// were read from the file itself: a hunk none is open at is top-level
	// code, whose section is none, not git's heading (a nearby line of
	// whatever shape git's funcname rule found, which an unrelated edit
	// changes). Unset, a hunk past line 1 has only git's heading.
	Scoped bool   `json:"scoped,omitempty"`
	Hunks  []Hunk `json:"hunks"`

	// newBlob is the head-side blob id from the patch's index line.
	newBlob string
}

// Skipped is a file left out of the review, with the reason.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Set is everything one review looks at.
type Set struct {
	// Mode is how the range was chosen: "range", "commits", "staged" or "worktree".
	Mode      string    `json:"mode"`
	Base      Ref       `json:"base"`
	Head      Ref       `json:"head"`
	MergeBase string    `json:"merge_base"`
	Commits   []Commit  `json:"commits"`
	Files     []File    `json:"files"`
	Skipped   []Skipped `json:"skipped"`
	// Warnings are what resolving the range warned about: git's own
	// warnings, "git: " and its words without "warning: " ("log for 'HEAD'
	// only goes back to ...": a date past the reflog resolved to its oldest
	// entry), and a --commits base that is not an ancestor of its head. The
	// commands print them on stderr.
	Warnings []string `json:"warnings,omitempty"`
	// Root is the repository's work tree, used to read head-side context.
	Root string `json:"-"`
	// Branch labels what is checked out: the branch's name, or "detached
	// at <short sha>" on a detached HEAD ("" when Load did not make the Set).
	Branch string `json:"-"`

	// src is what Load resolved (repository handle, head), for ReadNew.
	src *source
}

// TooLarge lists the changed files left out for their size, in the
// skipped list's order: changed code no model will read.
func (s *Set) TooLarge() []string {
	var out []string
	for _, sk := range s.Skipped {
		if sk.Reason == SkipTooLarge {
			out = append(out, sk.Path)
		}
	}
	return out
}

// Reviewable returns the files that are not skipped, in patch order.
func (s *Set) Reviewable() []File {
	var out []File
	for _, f := range s.Files {
		if f.Skip == "" {
			out = append(out, f)
		}
	}
	return out
}

// Empty reports whether there is nothing to review.
func (s *Set) Empty() bool { return len(s.Reviewable()) == 0 }
