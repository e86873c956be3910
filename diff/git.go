package diff

// Running the git binary (through internal/gitexec). The patch comes from
// `git diff` because its line numbers are, by definition, what the user
// sees; quorum pins every setting that changes the patch's shape or syntax
// (prefixes, colour, quoting, external diff tools, textconv) so user config
// cannot break parsing.

import (
	"context"
	"io"
	"os"
	"strings"

	"github.com/quorum-review/quorum/internal/gitexec"
)

// gitCLI runs git against one repository, with the pinned settings and
// environment below.
type gitCLI struct{ *gitexec.Git }

// newGitCLI is git (nil: the one on PATH) bound to the repository at root
// with git dir gitDir, or nil when there is no git binary.
func newGitCLI(git *gitexec.Git, root, gitDir string) *gitCLI {
	p := git.Bin()
	if p == "" {
		return nil
	}
	g := git.In(root)
	g.Path = p
	g.Env = gitEnv(gitDir, root)
	g.Config = append(append([]string{}, g.Config...), pinned...)
	return &gitCLI{g}
}

// pinned are `-c` settings that keep the patch parseable whatever the
// user's config says.
var pinned = []string{
	"core.quotePath=false",
	"diff.noprefix=false",
	"diff.mnemonicPrefix=false",
	"diff.suppressBlankEmpty=false",
	"diff.external=",
	"color.ui=never",
	"color.diff=never",
	"diff.submodule=short",
	"core.pager=cat",
}

// diffFlags are the flags of every `git diff` quorum runs. Every setting a
// user's git config could change in the patch is pinned to git's default
// (diff.context, diff.interHunkContext, diff.algorithm,
// diff.indentHeuristic, diff.relative): the same commits must give every
// teammate the same hunks, so the same findings, fingerprints, dismissals
// and cached answers, and the go-git engine's patch.
var diffFlags = []string{
	"--no-color", "--no-ext-diff", "--no-textconv", "-M", "-C",
	"--src-prefix=a/", "--dst-prefix=b/", "--submodule=short",
	"--full-index", // full blob ids, for reading head blobs with cat-file
	"-U3", "--inter-hunk-context=0", "--diff-algorithm=myers", "--indent-heuristic", "--no-relative",
}

// gitEnv is the process environment with git's location pinned (a hook
// runs with GIT_DIR set relative to somewhere else) and messages in C.
func gitEnv(gitDir, root string) []string {
	env := make([]string, 0, len(os.Environ())+4)
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GIT_DIR", "GIT_WORK_TREE", "GIT_PREFIX", "LC_ALL", "LANGUAGE", "GIT_EXTERNAL_DIFF", "GIT_DIFF_OPTS", "GIT_PAGER":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GIT_DIR="+gitDir, "GIT_WORK_TREE="+root, "LC_ALL=C", "GIT_PAGER=cat")
}

// output runs git and returns stdout; a failure is a *gitexec.Error.
func (g *gitCLI) output(args ...string) ([]byte, error) {
	return g.Output(context.Background(), args...)
}

// streamDiff runs `git diff` with args and hands its stdout to read while
// git is still writing, so the patch is never held in memory twice.
func (g *gitCLI) streamDiff(ctx context.Context, args []string, read func(io.Reader) error) error {
	err := g.Stream(ctx, append(append([]string{"diff"}, diffFlags...), args...), read)
	if ge, ok := err.(*gitexec.Error); ok { // git failed (read's own errors pass through)
		// One line for the user: git's own first line of complaint.
		return &msgErr{msg: "git diff failed: " + ge.Msg, err: ge.Err}
	}
	return err
}
