package hook

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/atomicfile"
	"github.com/quorum-review/quorum/internal/safetext"
)

// Marker identifies a pre-push script written by quorum; only files
// carrying it are ever overwritten or removed.
const Marker = "# quorum-managed-hook v1"

// Names of the files kept beside the hook.
const (
	HookName    = "pre-push"
	ChainedName = HookName + chainedSuffix // the previous hook, run first (--chain)
	BackupName  = HookName + backupSuffix  // the previous hook, replaced (--force)
	// PostCommitName is the hook `quorum hook install --ahead` adds: it
	// starts a background review after each commit.
	PostCommitName = "post-commit"

	chainedSuffix = ".quorum-chained"
	backupSuffix  = ".quorum-backup"
)

// Mode says what to do with a pre-push hook that is not quorum's.
type Mode int

const (
	// Refuse leaves a foreign hook alone and fails with ErrForeignHook.
	Refuse Mode = iota
	// Chain keeps the foreign hook and runs it before quorum.
	Chain
	// Force replaces it, keeping a backup that uninstall restores.
	Force
)

var (
	// ErrForeignHook is returned when a hook quorum did not write is in the
	// way (Result.Path says which).
	ErrForeignHook = errors.New("a hook that quorum did not write is already installed")
	// ErrHooksDisabled is returned when core.hooksPath points at /dev/null.
	ErrHooksDisabled = errors.New("git hooks are disabled (core.hooksPath is /dev/null)")
	// ErrHooksPathEmpty is returned when core.hooksPath is set to an empty
	// value: git then runs no hooks from anywhere quorum could write.
	ErrHooksPathEmpty = errors.New("core.hooksPath is set to an empty value, so git runs no hooks")
	// ErrChainTaken is returned by a --chain install over a foreign hook
	// when another hook is chained already (Result.Kept): quorum runs one.
	ErrChainTaken = errors.New("another hook is chained already")
	// ErrNotInstalled is returned by Uninstall when there is no quorum hook.
	ErrNotInstalled = errors.New("no quorum hook is installed")
	// ErrNotRepository is returned (wrapped, with the directory) when the
	// directory is inside no git repository.
	ErrNotRepository = errors.New("not a git repository")
	// ErrBareRepository is returned (wrapped, with the directory) by Install
	// in a bare repository: it has no work tree whose pushes to review.
	ErrBareRepository = errors.New("a bare repository has no work tree to review")
)

// InstallOptions configures Install.
type InstallOptions struct {
	Dir  string // any directory inside the repository
	Mode Mode
	// Executable is the absolute path of the quorum binary the script runs
	// first; the script falls back to quorum on PATH when it is gone.
	Executable string
	// Ahead installs the post-commit hook too: a background review after
	// each commit, which the pre-push hook then joins or finds cached.
	Ahead bool
}

// Result says what Install or Uninstall did.
type Result struct {
	HooksDir string
	Path     string // the pre-push hook
	Action   string // installed, updated, chained, replaced, removed, restored
	Kept     string // the previous hook's new path (chain, backup) or the restored hook
	// Left is a hook quorum set aside earlier that stays where it is: a
	// chained one that still runs first after a --force install, the other
	// of a chained and a backed-up hook after an uninstall restored one,
	// or one beside a foreign hook that replaced quorum's.
	Left string
	// Ahead is what was done to the post-commit hook (nil: nothing).
	Ahead *Result
}

// absolute is dir as an absolute path, as the diff package's "not a git
// repository" names it; dir itself if that cannot be made.
func absolute(dir string) string {
	if abs, err := filepath.Abs(dir); err == nil {
		return abs
	}
	return dir
}

// HooksDir asks git where hooks live (core.hooksPath, linked worktrees).
func HooksDir(ctx context.Context, dir string) (string, error) {
	out, err := git{dir: dir}.output(ctx, "rev-parse", "--git-path", "hooks")
	if err != nil {
		// git's own answer decides (bare repositories, GIT_DIR); only when
		// it fails does quorum's repository discovery say whether the
		// directory is in no repository at all, rather than git's message.
		if _, derr := diff.GitDir(dir); derr != nil {
			var de *diff.Error
			if errors.As(derr, &de) && de.Env != "" {
				return "", derr // GIT_DIR or GIT_WORK_TREE names nothing: say which
			}
			return "", fmt.Errorf("%w: %s", ErrNotRepository, safetext.Path(absolute(dir)))
		}
		return "", err
	}
	if out == os.DevNull {
		return "", ErrHooksDisabled
	}
	// core.hooksPath set to "" makes --git-path answer the work tree's
	// root, where git runs no hook from: treat it as hooks disabled.
	if v, err := (git{dir: dir}).output(ctx, "config", "--get", "core.hooksPath"); err == nil && strings.TrimSpace(v) == "" {
		if out == "." || out == "./" || out == "" {
			return "", ErrHooksPathEmpty
		}
	}
	if !filepath.IsAbs(out) {
		out = filepath.Join(dir, out)
	}
	if st, err := os.Stat(out); err == nil && !st.IsDir() {
		return "", fmt.Errorf("hooks path %s is not a directory", out)
	}
	return out, nil
}

// IsQuorumHook reports whether the file at path was written by quorum.
func IsQuorumHook(path string) (bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	return strings.Contains(string(data), Marker), nil
}

// Install writes quorum's pre-push hook, overwriting only its own. A
// foreign hook is refused, chained, or replaced according to opt.Mode.
// With opt.Ahead it writes the post-commit hook too (PostCommitScript),
// handling a foreign post-commit hook the same way; a refused one is
// reported before anything is written.
func Install(ctx context.Context, opt InstallOptions) (*Result, error) {
	dir, err := HooksDir(ctx, opt.Dir)
	if err != nil {
		return nil, err
	}
	if de := diff.BareRepoAt(opt.Dir); de != nil {
		return nil, fmt.Errorf("%w: %s", ErrBareRepository, de.Dir)
	}
	if de := diff.UnsupportedAt(opt.Dir); de != nil {
		return nil, de // a hook here could only fail every push
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if opt.Ahead {
		// Refused before anything is written: the pre-push hook is not
		// changed for a post-commit hook that cannot be.
		pc := filepath.Join(dir, PostCommitName)
		if ours, err := IsQuorumHook(pc); err == nil && !ours {
			switch chained := pc + chainedSuffix; {
			case opt.Mode == Refuse:
				return &Result{HooksDir: dir, Path: pc}, ErrForeignHook
			case opt.Mode == Chain && exists(chained):
				return &Result{HooksDir: dir, Path: pc, Kept: chained}, ErrChainTaken
			case opt.Mode == Force && exists(pc+backupSuffix):
				return nil, fmt.Errorf("%s already exists; move it away first so it is not lost", pc+backupSuffix)
			}
		}
	}
	res, err := installScript(dir, HookName, Script(opt.Executable), opt.Mode)
	if err != nil || !opt.Ahead {
		return res, err
	}
	res.Ahead, err = installScript(dir, PostCommitName, PostCommitScript(opt.Executable), opt.Mode)
	if err != nil {
		return res.Ahead, err
	}
	return res, nil
}

// installScript writes one hook script named name in the hooks directory dir.
func installScript(dir, name string, script []byte, mode Mode) (*Result, error) {
	res := &Result{HooksDir: dir, Path: filepath.Join(dir, name)}
	chained := filepath.Join(dir, name+chainedSuffix)
	if _, err := os.Lstat(res.Path); err == nil {
		ours, err := IsQuorumHook(res.Path)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
		switch {
		case ours:
			res.Action = "updated"
		case mode == Chain:
			if exists(chained) {
				res.Kept = chained
				return res, ErrChainTaken
			}
			if err := os.Rename(res.Path, chained); err != nil {
				return nil, err
			}
			res.Action, res.Kept = "chained", chained
		case mode == Force:
			backup := filepath.Join(dir, name+backupSuffix)
			if exists(backup) {
				return nil, fmt.Errorf("%s already exists; move it away first so it is not lost", backup)
			}
			if err := os.Rename(res.Path, backup); err != nil {
				return nil, err
			}
			res.Action, res.Kept = "replaced", backup
			if exists(chained) {
				res.Left = chained // the script runs it whenever it is there
			}
		default:
			return res, ErrForeignHook
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	} else {
		res.Action = "installed"
	}
	// The chained hook is run whenever it is there, so an update of a
	// chained install keeps chaining.
	if err := atomicfile.Write(res.Path, script, 0o755); err != nil {
		return nil, err
	}
	if res.Action == "updated" && exists(chained) {
		res.Kept = chained
	}
	return res, nil
}

// Uninstall removes quorum's hooks (pre-push, and post-commit when it is
// there) and puts back what they displaced. Result.Ahead says what became
// of the post-commit hook (nil: quorum had none); a foreign post-commit
// hook is left alone.
func Uninstall(ctx context.Context, dir string) (*Result, error) {
	hooks, err := HooksDir(ctx, dir)
	if err != nil {
		return nil, err
	}
	ahead, aerr := uninstallScript(hooks, PostCommitName)
	if aerr != nil && !errors.Is(aerr, ErrNotInstalled) && !errors.Is(aerr, ErrForeignHook) {
		return nil, aerr
	}
	if aerr != nil {
		ahead = nil
	}
	res, err := uninstallScript(hooks, HookName)
	if res != nil {
		res.Ahead = ahead
	}
	return res, err
}

// UninstallAhead removes only the post-commit hook (`quorum hook uninstall
// --ahead`): pushes are still reviewed, commits no longer start a
// background review.
func UninstallAhead(ctx context.Context, dir string) (*Result, error) {
	hooks, err := HooksDir(ctx, dir)
	if err != nil {
		return nil, err
	}
	return uninstallScript(hooks, PostCommitName)
}

// AheadInstalled reports whether quorum's post-commit hook is installed.
func AheadInstalled(ctx context.Context, dir string) bool {
	hooks, err := HooksDir(ctx, dir)
	if err != nil {
		return false
	}
	ours, err := IsQuorumHook(filepath.Join(hooks, PostCommitName))
	return err == nil && ours
}

func uninstallScript(hooks, name string) (*Result, error) {
	res := &Result{HooksDir: hooks, Path: filepath.Join(hooks, name)}
	ours, err := IsQuorumHook(res.Path)
	if errors.Is(err, os.ErrNotExist) {
		return res, ErrNotInstalled
	}
	if err != nil {
		return nil, err
	}
	if !ours {
		for _, suffix := range []string{chainedSuffix, backupSuffix} {
			if prev := filepath.Join(hooks, name+suffix); exists(prev) {
				res.Left = prev
				break
			}
		}
		return res, ErrForeignHook
	}
	if err := os.Remove(res.Path); err != nil {
		return nil, err
	}
	res.Action = "removed"
	// The chained hook is the one that ran (before quorum); a backup is
	// one a --force install set aside, which stays, and is named.
	for _, suffix := range []string{chainedSuffix, backupSuffix} {
		prev := filepath.Join(hooks, name+suffix)
		if !exists(prev) {
			continue
		}
		if res.Kept != "" {
			res.Left = prev
			break
		}
		if err := os.Rename(prev, res.Path); err != nil {
			return nil, err
		}
		res.Action, res.Kept = "restored", prev
	}
	return res, nil
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// Script is the pre-push hook. It runs the quorum that installed it, or
// quorum from PATH when that binary has moved; a chained previous hook runs
// first with the same arguments and the same stdin (saved to a temp file,
// since both need all of it); the push goes on only if both succeed. The
// temp file lives in the repository's git dir, never in $TMPDIR (DESIGN
// §8: quorum writes only there and in its cache), and is removed on exit,
// also when the hook is interrupted.
func Script(executable string) []byte {
	return []byte(`#!/bin/sh
` + Marker + `
# Installed by 'quorum hook install'; 'quorum hook uninstall' removes it and
# restores any hook it displaced. It reviews the commits being pushed with
# local models; nothing leaves this machine.
# Skip once: QUORUM_SKIP=1 git push   (or: git push --no-verify)

quorum=` + shellQuote(executable) + `
if [ -z "$quorum" ] || [ ! -x "$quorum" ]; then
	quorum=$(command -v quorum 2>/dev/null) || quorum=
fi

chained="$(dirname "$0")/` + ChainedName + `"
gitdir=$(git rev-parse --git-dir) || exit 1
input=$(mktemp "$gitdir/quorum-pre-push.XXXXXX") || exit 1
trap 'rm -f "$input"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
cat >"$input"
status=0
if [ -x "$chained" ]; then
	"$chained" "$@" <"$input" || status=$?
fi
if [ "$status" -eq 0 ]; then
	if [ -n "$quorum" ]; then
		"$quorum" hook run "$@" <"$input" || status=$?
	else
		# hook.on_unavailable: block holds without the binary too: read
		# from the environment, the repository's .quorum.yaml and the user
		# config as plain text (no YAML parser here), erring towards block.
		blockset=
		case $(printf '%s' "$QUORUM_HOOK_ON_UNAVAILABLE" | tr '[:upper:]' '[:lower:]' | tr -d '[:space:]') in block) blockset=1 ;; esac
		top=$(git rev-parse --show-toplevel 2>/dev/null) || top=
		for f in ${top:+"$top/.quorum.yaml"} "${XDG_CONFIG_HOME:-$HOME/.config}/quorum/config.yaml"; do
			if [ -f "$f" ] && grep -v '^[[:space:]]*#' "$f" | grep -Eiq '(^|[{,[:space:]])["'"'"']?on_unavailable["'"'"']?[[:space:]]*:[[:space:]]*["'"'"']?block'; then
				blockset=1
			fi
		done
		# QUORUM_SKIP skips as quorum itself reads it (hookcmd.skipped).
		case $(printf '%s' "$QUORUM_SKIP" | tr '[:upper:]' '[:lower:]' | tr -d '[:space:]') in
			"" | 0 | false | no | off) ;;
			*) blockset= ;;
		esac
		if [ -n "$blockset" ]; then
			echo "error: push blocked: the quorum binary was not found (hook.on_unavailable: block)" >&2
			echo "hint: reinstall quorum, or run 'quorum hook uninstall'; to push once unreviewed: the push again with QUORUM_SKIP=1 in front (or with --no-verify)" >&2
			status=2
		else
			echo "quorum: warning: quorum binary not found; push not reviewed (reinstall it or run 'quorum hook uninstall')" >&2
		fi
	fi
fi
exit "$status"
`)
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// PostCommitScript is the post-commit hook of `quorum hook install
// --ahead`. A chained previous hook runs first; then `quorum hook
// post-commit` is started in the background, and the script exits without
// waiting for it: git commit never waits for quorum, not even for its
// start-up (tens of milliseconds of package initialisation on a loaded
// machine). That command checks for a rebase, reads HEAD and spawns the
// detached review. Its output goes nowhere (the background run logs to
// <git dir>/quorum/ahead.log), and the script's exit status is the chained
// hook's: a post-commit hook cannot undo the commit, and quorum never makes
// it look failed.
func PostCommitScript(executable string) []byte {
	return []byte(`#!/bin/sh
` + Marker + `
# Installed by 'quorum hook install --ahead'; 'quorum hook uninstall --ahead'
# removes it (and 'quorum hook uninstall' removes both hooks), restoring any
# hook it displaced. After each commit it starts a background review of the
# branch at low priority, so that the push finds the answers cached. It
# returns at once; the review's log is .git/quorum/ahead.log.
# Skip once: QUORUM_SKIP=1 git commit ...

quorum=` + shellQuote(executable) + `
if [ -z "$quorum" ] || [ ! -x "$quorum" ]; then
	quorum=$(command -v quorum 2>/dev/null) || quorum=
fi

chained="$(dirname "$0")/` + PostCommitName + chainedSuffix + `"
status=0
if [ -x "$chained" ]; then
	"$chained" "$@" || status=$?
fi
if [ -n "$quorum" ]; then
	"$quorum" hook post-commit </dev/null >/dev/null 2>&1 &
fi
exit "$status"
`)
}
