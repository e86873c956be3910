package diff

import (
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/quorum-review/quorum/internal/safetext"
)

// Kind says what went wrong when loading a diff. The diff package names
// the problem; the command line decides the exit code and the hint (which
// may name its flags).
type Kind int

// Kinds of Error.
const (
	_                 Kind = iota
	Usage                  // conflicting or malformed options (--staged with --worktree, --commits A..B syntax, a negative size limit)
	BadPattern             // an ignore glob that does not parse (Pattern)
	NotRepo                // the directory is in no git work tree (Dir)
	Unreadable             // the repository, HEAD, a revision, a commit or the patch cannot be read (Op says which; Rev, Engine)
	NoCommits              // HEAD is unborn: no commit yet
	DetachedNoBase         // HEAD is detached, no base was given and there is no origin/HEAD, main or master
	NoBase                 // no default base: no upstream, origin/HEAD, main or master
	BadRev                 // a revision does not resolve to a commit (Rev)
	Unrelated              // base and head have no common history (Rev is the base, Head the head)
	Shallow                // a shallow clone's history stops before what is needed
	NeedsGit               // the mode (Mode) needs the git binary, which is not on PATH
	Corrupt                // the patch was read but does not parse (Engine says whose patch)
	Interrupted            // cancelled by the user (Ctrl-C) or a deadline
	BareRepo               // the directory is a bare repository: history, no work tree (Dir)
	Unmerged               // --staged or --worktree while the index has unresolved conflicts (Mode)
	Reversed               // --commits A..B where B is an ancestor of A: no commits, the change undone (Rev is A, Head B)
	UnsupportedFormat      // the repository's objects are named by a hash quorum cannot read (SHA-256) (Dir)
)

var kindNames = [...]string{
	Usage: "usage", BadPattern: "bad-pattern", NotRepo: "not-repo", Unreadable: "unreadable",
	NoCommits: "no-commits", DetachedNoBase: "detached-no-base", NoBase: "no-base", BadRev: "bad-rev",
	Unrelated: "unrelated", Shallow: "shallow", NeedsGit: "needs-git", Corrupt: "corrupt", Interrupted: "interrupted",
	BareRepo: "bare-repo", Unmerged: "unmerged", Reversed: "reversed", UnsupportedFormat: "unsupported-format",
}

func (k Kind) String() string {
	if k > 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Op is what was being read when an Unreadable or Corrupt error happened.
type Op string

// Ops of Error.Op.
const (
	OpOpen      Op = "open"      // opening the repository
	OpExtension Op = "extension" // opening a repository with a git extension go-git cannot read
	OpHead      Op = "head"      // reading HEAD
	OpResolve   Op = "resolve"   // resolving a revision (Rev)
	OpCommit    Op = "commit"    // reading a commit or computing the merge-base
	OpDiff      Op = "diff"      // computing or reading the patch
)

// Engines of Error.Engine.
const (
	EngineGit   = "git"    // the git binary
	EngineGoGit = "go-git" // the pure go-git fallback
)

// Error is an error a user can cause or fix while loading a diff. Its
// message is one line; Err is the cause (errors.Is/As see through it).
type Error struct {
	Kind Kind
	Op   Op     // Unreadable, Corrupt: what was being read
	Rev  string // BadRev, Unreadable (OpResolve): the revision as given; Unrelated, Shallow: the base's name
	Head string // Unrelated, Shallow: the head's name
	// Mode is the mode that needs git (NeedsGit).
	Mode string
	// Pattern is the ignore glob that does not parse (BadPattern).
	Pattern string
	// Dir is where discovery started (NotRepo), or the value of Env.
	Dir string
	// Env names the environment variable (GIT_DIR, GIT_WORK_TREE) or
	// setting (core.worktree) whose value is not a repository or work tree
	// (NotRepo); "" when discovery started from a directory.
	Env string
	// Engine is which engine made the patch (Corrupt, Unreadable with
	// OpDiff): EngineGit or EngineGoGit.
	Engine string
	// Err is the whole message, wrapping the cause when there is one.
	Err error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, &Error{Kind: k}) match any Error of kind k.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Err == nil && t.Kind == e.Kind
}

// errorf builds an Error of kind k; %w in format wraps a cause.
func errorf(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Err: fmt.Errorf(format, args...)}
}

func usageErr(format string, args ...any) error { return errorf(Usage, format, args...) }

// notRepoError names dir as an absolute path: "." in a message says
// nothing about where quorum looked.
func notRepoError(dir string) error {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	// Escaped as a path: a line break or control byte in it must neither
	// cut the message short nor reach the terminal.
	e := errorf(NotRepo, "not a git repository: %s", safetext.Path(dir))
	e.Dir = dir
	return e
}

func bareRepoError(dir string) error {
	e := errorf(BareRepo, "%s is a bare repository: it has no work tree to review", dir)
	e.Dir = dir
	return e
}

func unreadable(op Op, format string, args ...any) *Error {
	e := errorf(Unreadable, format, args...)
	e.Op = op
	return e
}

// diffUnreadable is the error for a patch that could not be computed or
// read by engine (EngineGit or EngineGoGit).
func diffUnreadable(engine, format string, args ...any) error {
	e := unreadable(OpDiff, format, args...)
	e.Engine = engine
	return e
}

// errNoRev marks a revision that names no commit, as opposed to one that
// could not be read.
var errNoRev = errors.New("no such commit")

// noRevError is errNoRev with what git said about the revision, or what it
// names instead of a commit ("it names a tree"); why may be "".
type noRevError struct{ why string }

func (e *noRevError) Error() string {
	if e.why == "" {
		return errNoRev.Error()
	}
	return errNoRev.Error() + ": " + e.why
}

func (e *noRevError) Is(target error) bool { return target == errNoRev }

// badRev is the error for a revision that failed to resolve: BadRev when it
// names no commit, Unreadable when reading the repository failed. An error
// that is already an *Error (NeedsGit) is returned as it is.
func badRev(rev string, err error) error {
	var de *Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, errNoRev) {
		msg := fmt.Sprintf("base or head %q does not resolve to a commit", rev)
		var nr *noRevError
		if errors.As(err, &nr) && nr.why != "" {
			msg += ": " + nr.why
		}
		e := &Error{Kind: BadRev, Rev: rev, Err: &msgErr{msg: msg, err: err}}
		return e
	}
	e := unreadable(OpResolve, "cannot resolve %q: %w", rev, err)
	e.Rev = rev
	return e
}

// readFailure reports whether a go-git error is a failure to read the
// repository (files, compressed objects, packs) rather than a name or
// object that is not there.
func readFailure(err error) bool {
	var pe *fs.PathError
	var pk *packfile.Error
	return errors.As(err, &pe) || errors.As(err, &pk) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, zlib.ErrChecksum) || errors.Is(err, zlib.ErrHeader) ||
		errors.Is(err, object.ErrMalformedCommit)
}

// msgErr is a message that stands on its own (the cause would only repeat
// it for the user) but keeps the cause for errors.Is and errors.As.
type msgErr struct {
	msg string
	err error
}

func (e *msgErr) Error() string { return e.msg }
func (e *msgErr) Unwrap() error { return e.err }

// interruptedError is the error for a diff cut short by Ctrl-C or a
// deadline: a user action, not a bug.
func interruptedError(ctx context.Context) error {
	return errorf(Interrupted, "interrupted while reading the diff: %w", context.Cause(ctx))
}
