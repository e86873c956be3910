package diff

// Running the git binary. The patch comes from `git diff` because its line
// numbers are, by definition, what the user sees; quorum pins every setting
// that changes the patch's shape or syntax (prefixes, colour, quoting,
// external diff tools, textconv) so user config cannot break parsing.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// LookPath finds the git binary; tests replace it to exercise the pure
// go-git engine (an empty result means "no git").
var LookPath = func() string {
	p, err := exec.LookPath("git")
	if err != nil {
		return ""
	}
	return p
}

// gitCLI runs git against one repository.
type gitCLI struct {
	path   string
	root   string
	gitDir string
}

// pinned are `-c` settings that keep the patch parseable whatever the
// user's config says.
var pinned = []string{
	"-c", "core.quotePath=false",
	"-c", "diff.noprefix=false",
	"-c", "diff.mnemonicPrefix=false",
	"-c", "diff.suppressBlankEmpty=false",
	"-c", "diff.external=",
	"-c", "color.ui=never",
	"-c", "color.diff=never",
	"-c", "diff.submodule=short",
	"-c", "core.pager=cat",
}

// diffFlags are the flags of every `git diff` quorum runs.
var diffFlags = []string{
	"--no-color", "--no-ext-diff", "--no-textconv", "-M", "-C",
	"--src-prefix=a/", "--dst-prefix=b/", "--submodule=short",
	"--full-index", // full blob ids, for reading head blobs with cat-file
}

func (g *gitCLI) cmd(ctx context.Context, args ...string) *exec.Cmd {
	if ctx == nil {
		ctx = context.Background()
	}
	full := append(append([]string{}, pinned...), args...)
	c := exec.CommandContext(ctx, g.path, full...)
	c.Dir = g.root
	c.Env = gitEnv(g.gitDir, g.root)
	return c
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

// output runs git and returns stdout; stderr goes into the error.
func (g *gitCLI) output(stdin []byte, args ...string) ([]byte, error) {
	c := g.cmd(context.Background(), args...)
	if stdin != nil {
		c.Stdin = bytes.NewReader(stdin)
	}
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		return out, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// streamDiff runs `git diff` with args and hands its stdout to read while
// git is still writing, so the patch is never held in memory twice.
func (g *gitCLI) streamDiff(ctx context.Context, args []string, read func(io.Reader) error) error {
	full := append(append([]string{"diff"}, diffFlags...), args...)
	c := g.cmd(ctx, full...)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := startPiped(c)
	if err != nil {
		return err
	}
	defer out.Close()
	perr := read(out)
	if perr != nil {
		// Drain so git can exit, then report the parse error.
		_, _ = io.Copy(io.Discard, out)
	}
	werr := c.Wait()
	if werr != nil {
		// One line for the user: git's own first line of complaint.
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if msg == "" {
			msg = werr.Error()
		}
		return &msgErr{msg: "git diff failed: " + msg, err: werr}
	}
	return perr
}

// startPiped starts c with its stdout on a pipe (enlarged by growPipe) and
// returns the read end, which the caller closes.
func startPiped(c *exec.Cmd) (*os.File, error) {
	out, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	growPipe(w)
	c.Stdout = w
	err = c.Start()
	w.Close() // git holds its own copy; ours would keep EOF from ever coming
	if err != nil {
		out.Close()
		return nil, err
	}
	return out, nil
}
