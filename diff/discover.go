package diff

// Finding the repository: the work tree and git dir of a directory, as git
// does (GIT_DIR, GIT_WORK_TREE, gitdir: files, core.bare, core.worktree).

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"
)

// GitDir returns the git directory of the repository containing dir: ".git"
// of the main work tree, or ".git/worktrees/<name>" of a linked work tree.
// It follows "gitdir:" files and needs no git binary.
func GitDir(dir string) (string, error) {
	_, gitDir, err := findRoot(dir)
	return gitDir, err
}

// WorkTree returns the root of the work tree containing dir, as git finds
// it: GIT_DIR and GIT_WORK_TREE when set, else the first directory from
// dir up holding .git.
func WorkTree(dir string) (string, error) {
	root, _, err := findRoot(dir)
	return root, err
}

// Locate returns both WorkTree and GitDir of the repository containing
// dir, found once, for callers that need the two.
func Locate(dir string) (workTree, gitDir string, err error) {
	return findRoot(dir)
}

// CommonDir returns the git directory shared by all work trees of the
// repository containing dir (the main ".git"); it equals GitDir outside
// linked work trees.
func CommonDir(dir string) (string, error) {
	gd, err := GitDir(dir)
	if err != nil {
		return "", err
	}
	return commonDirOf(gd), nil
}

// CommonDirOf is the common git directory of the git dir gd: the one its
// "commondir" file names (a linked work tree's), else gd itself. What a
// clone keeps once for all its work trees lives there.
func CommonDirOf(gd string) string { return commonDirOf(gd) }

// commonDirOf is the common git directory of gitDir: the one its
// "commondir" file names (a linked work tree's), else gitDir itself.
func commonDirOf(gd string) string {
	b, err := os.ReadFile(filepath.Join(gd, "commondir"))
	if err != nil {
		return gd
	}
	c := strings.TrimSpace(string(b))
	if !filepath.IsAbs(c) {
		c = filepath.Join(gd, c)
	}
	return filepath.Clean(c)
}

// findRoot finds the work tree root and git dir of the repository
// containing dir, as git does: GIT_DIR and GIT_WORK_TREE when set (see
// fromEnv), else the first directory from dir up holding .git.
func findRoot(dir string) (root, gitDir string, err error) {
	gd, gdSet := os.LookupEnv("GIT_DIR")
	wt, wtSet := os.LookupEnv("GIT_WORK_TREE")
	// Set but empty is no repository to git ("not a git repository: ''",
	// "the empty string is not a valid path"), not unset.
	if gdSet && gd == "" {
		return "", "", envError("GIT_DIR", gd, "is empty, which names no git repository")
	}
	if wtSet && wt == "" {
		return "", "", envError("GIT_WORK_TREE", wt, "is empty, which names no directory")
	}
	if gd != "" {
		return fromEnv(gd, wt)
	}
	root, gitDir, err = discover(dir)
	if wt == "" {
		return root, gitDir, err
	}
	// GIT_WORK_TREE alone: the repository is found from dir as usual (a
	// bare one too), the work tree is GIT_WORK_TREE.
	var de *Error
	switch {
	case err == nil:
	case errors.As(err, &de) && de.Kind == BareRepo:
		gitDir = de.Dir
	default:
		return "", "", err
	}
	if root, err = envWorkTree(wt); err != nil {
		return "", "", err
	}
	return root, gitDir, nil
}

// fromEnv is the repository GIT_DIR names (absolute, or relative to the
// current directory; a "gitdir: <path>" file is followed) and its work
// tree, chosen as git chooses it: GIT_WORK_TREE when set; else none when
// the repository's config says core.bare = true; else core.worktree
// (relative to the git dir); else the current directory.
func fromEnv(gd, wt string) (root, gitDir string, err error) {
	gitDir, err = filepath.Abs(gd)
	if err != nil {
		return "", "", envError("GIT_DIR", gd, "is not a git repository")
	}
	if g, ok := gitdirFile(gitDir); ok {
		gitDir = g
	}
	gitDir = filepath.Clean(resolved(gitDir))
	if !isGitDir(gitDir, commonDirOf(gitDir)) {
		return "", "", envError("GIT_DIR", gd, "is not a git repository")
	}
	if wt != "" {
		root, err = envWorkTree(wt)
		return root, gitDir, err
	}
	// A linked work tree's git dir ignores core.bare and core.worktree of
	// the shared config, as git does.
	var bare bool
	var cfgWT string
	if _, err := os.Stat(filepath.Join(gitDir, "commondir")); err != nil {
		bare, cfgWT = coreConfig(gitDir)
	}
	switch {
	case bare:
		return "", "", bareRepoError(gitDir)
	case cfgWT != "":
		if !filepath.IsAbs(cfgWT) {
			cfgWT = filepath.Join(gitDir, cfgWT)
		}
		root = filepath.Clean(cfgWT)
	default:
		if root, err = os.Getwd(); err != nil {
			return "", "", envError("GIT_DIR", gd, "is set, and the current directory is unreadable")
		}
	}
	root = resolved(root)
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return "", "", envError("core.worktree", root, "is not a directory")
	}
	return root, gitDir, nil
}

// envWorkTree is the work tree GIT_WORK_TREE names (relative to the
// current directory), which must be a directory.
func envWorkTree(wt string) (string, error) {
	root, err := filepath.Abs(wt)
	if err != nil {
		return "", envError("GIT_WORK_TREE", wt, "is not a directory")
	}
	root = resolved(root)
	if fi, err := os.Stat(root); err != nil || !fi.IsDir() {
		return "", envError("GIT_WORK_TREE", wt, "is not a directory")
	}
	return filepath.Clean(root), nil
}

// envError is the NotRepo error for a repository or work tree named by
// the environment variable (or setting) name that does not hold one.
func envError(name, val, what string) error {
	e := errorf(NotRepo, "%s=%s %s", name, val, what)
	e.Dir, e.Env = val, name
	return e
}

// isGitDir reports whether d is a git directory: HEAD in it, objects/ and
// refs/ in common. GIT_DIR may name a linked work tree's git dir, whose
// objects/ and refs/ are in its common dir (commonDirOf); a bare
// repository found by walking up holds them itself (common == d).
func isGitDir(d, common string) bool {
	if fi, err := os.Stat(filepath.Join(d, "HEAD")); err != nil || fi.IsDir() {
		return false
	}
	for _, sub := range []string{"objects", "refs"} {
		if fi, err := os.Stat(filepath.Join(common, sub)); err != nil || !fi.IsDir() {
			return false
		}
	}
	return true
}

// coreConfig reads core.bare and core.worktree from gitDir's config; an
// unreadable config sets neither (go-git reports it when opening).
func coreConfig(gitDir string) (bare bool, worktree string) {
	f, err := os.Open(filepath.Join(gitDir, "config"))
	if err != nil {
		return false, ""
	}
	defer f.Close()
	cfg := gitconfig.New()
	if err := gitconfig.NewDecoder(f).Decode(cfg); err != nil {
		return false, ""
	}
	core := cfg.Section("core")
	switch strings.ToLower(core.Option("bare")) {
	case "true", "yes", "on", "1":
		bare = true
	}
	return bare, core.Option("worktree")
}

// discover walks up from dir to the first directory holding .git (a
// directory, or a file "gitdir: <path>" as in linked work trees).
func discover(dir string) (root, gitDir string, err error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", "", notRepoError(dir)
	}
	abs = resolved(abs)
	for d := abs; ; {
		p := filepath.Join(d, ".git")
		if fi, err := os.Stat(p); err == nil {
			if fi.IsDir() {
				return d, p, nil
			}
			if g, ok := gitdirFile(p); ok {
				return d, filepath.Clean(g), nil
			}
		}
		parent := filepath.Dir(d)
		if parent == d {
			if bare := bareAbove(abs); bare != "" {
				return "", "", bareRepoError(bare)
			}
			return "", "", notRepoError(dir)
		}
		d = parent
	}
}

// UnsupportedAt is the UnsupportedFormat error when the repository dir is
// in names its objects by a hash other than SHA-1 (`git init
// --object-format=sha256`), which go-git, and so quorum, cannot read;
// else nil (no repository there included).
func UnsupportedAt(dir string) *Error {
	root, gitDir, err := findRoot(dir)
	if err != nil {
		return nil
	}
	return unsupportedFormat(root, commonDirOf(gitDir))
}

func unsupportedFormat(root, commonDir string) *Error {
	f, err := os.Open(filepath.Join(commonDir, "config"))
	if err != nil {
		return nil
	}
	defer f.Close()
	cfg := gitconfig.New()
	if err := gitconfig.NewDecoder(f).Decode(cfg); err != nil {
		return nil
	}
	format := strings.ToLower(cfg.Section("extensions").Option("objectformat"))
	if format == "" || format == "sha1" {
		return nil
	}
	name := strings.ToUpper(format)
	if format == "sha256" {
		name = "SHA-256"
	}
	e := errorf(UnsupportedFormat, "%s is a %s repository (extensions.objectFormat), and quorum reads SHA-1 repositories only", root, name)
	e.Dir = root
	return e
}

// BareRepoAt is the BareRepo error when dir is in no work tree but in a
// bare repository (a mirror), else nil: for commands that must tell a bare
// repository from any other problem before doing their work.
func BareRepoAt(dir string) *Error {
	var de *Error
	if _, err := GitDir(dir); errors.As(err, &de) && de.Kind == BareRepo {
		return de
	}
	return nil
}

// bareAbove is the bare repository dir is in (dir or an ancestor holding
// HEAD, objects/ and refs/ itself, as `git clone --mirror` makes), or "".
// It is asked only when no work tree holds dir, so a work tree's own .git
// directory is never taken for one.
func bareAbove(dir string) string {
	for d := dir; ; {
		if isGitDir(d, d) {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// gitdirFile is the git dir a "gitdir: <path>" file at p names (a linked
// work tree's .git, or what GIT_DIR names), relative paths taken from p's
// directory; ok is false when p is no such file.
func gitdirFile(p string) (gitDir string, ok bool) {
	b, err := os.ReadFile(p)
	if err != nil || !strings.HasPrefix(string(b), "gitdir:") {
		return "", false
	}
	g := strings.TrimSpace(strings.TrimPrefix(string(b), "gitdir:"))
	if !filepath.IsAbs(g) {
		g = filepath.Join(filepath.Dir(p), g)
	}
	return g, true
}

// resolved is p with its symlinks resolved, or p unchanged when they
// cannot be (a missing path is for the caller's next stat to report).
func resolved(p string) string {
	if real, err := filepath.EvalSymlinks(p); err == nil {
		return real
	}
	return p
}
