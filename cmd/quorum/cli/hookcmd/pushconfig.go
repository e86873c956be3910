package hookcmd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/safetext"
)

// teamConfig is the configuration a push is reviewed under when one of
// its refs carries a .quorum.yaml (a symlink in its tree followed) other
// than the remote's: the file the remote's default branch has (its
// tracking ref: <remote>/HEAD, else main, else master), or the defaults
// when it has none or that file does not load. With no default branch
// known (a first push, a URL no remote has) the work tree's stands. So no push
// sets its own gate, ignores its own files or skips its own tags, and every
// ref of one push is reviewed under one file. A push that carries the
// remote's file is reviewed under the work tree's as ever (local edits
// not pushed are the pusher's, as the user file and QUORUM_* variables
// are). A note on w says when the push's file is set aside.
func teamConfig(ctx context.Context, w io.Writer, dir, remote, url string, updates []hook.Update, cfg *config.Config, getenv func(string) string) (*config.Config, error) {
	known, err := hook.KnownRemotes(ctx, dir, remote, url)
	if err != nil {
		return nil, err
	}
	g := &gitexec.Git{Dir: dir}
	ref, commit := defaultBranch(ctx, g, known)
	if commit == "" {
		// A first push, or one to a URL no configured remote has: the
		// remote has no file here to keep, and the work tree's is the
		// team's first.
		return cfg, nil
	}
	team, err := committedRepoFile(ctx, g, commit)
	if err != nil {
		return nil, err
	}
	carried := false
	for _, u := range updates {
		if u.IsDelete() {
			continue
		}
		head, err := g.Output(ctx, "rev-parse", "-q", "--verify", u.LocalOID+"^{commit}")
		if err != nil || len(bytes.TrimSpace(head)) == 0 {
			continue // a tree or a blob: no file of its own
		}
		theirs, err := committedRepoFile(ctx, g, string(bytes.TrimSpace(head)))
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(theirs, team) {
			carried = true
			break
		}
	}
	if !carried {
		return cfg, nil
	}
	what := fmt.Sprintf("the defaults (%s at %s has no %s)", ref, cmdutil.ShortOID(commit), config.RepoFileName)
	repo := config.RepoData{Name: ref + ":" + config.RepoFileName}
	if team != nil {
		what, repo.Data = fmt.Sprintf("%s's (at %s)", ref, cmdutil.ShortOID(commit)), team
	}
	out, err := config.LoadWithRepoData(dir, getenv, repo)
	if err != nil {
		// The remote's own file does not load (the push may be its fix):
		// the defaults, never the push's file.
		what = fmt.Sprintf("the defaults (%s does not load: %s)", repo.Name, safetext.OneLine(err.Error()))
		if out, err = config.LoadWithRepoData(dir, getenv, config.RepoData{Name: "defaults"}); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(w, "quorum: this push changes %s: it is reviewed under %s; the change applies once it is on the remote's default branch\n",
		config.RepoFileName, what)
	return out, nil
}

// defaultBranch is the remote's default branch as its tracking refs here
// name it (the first of known with one), and its commit; "" when none.
func defaultBranch(ctx context.Context, g *gitexec.Git, known []string) (ref, commit string) {
	for _, r := range known {
		for _, b := range []string{"HEAD", "main", "master"} {
			name := "refs/remotes/" + r + "/" + b
			out, err := g.Output(ctx, "rev-parse", "-q", "--verify", name+"^{commit}")
			if err == nil && len(bytes.TrimSpace(out)) > 0 {
				short := r + "/" + b
				if b == "HEAD" {
					if sym, err := g.Output(ctx, "symbolic-ref", "-q", "--short", name); err == nil && len(bytes.TrimSpace(sym)) > 0 {
						short = string(bytes.TrimSpace(sym))
					}
				}
				return short, string(bytes.TrimSpace(out))
			}
		}
	}
	return "", ""
}

// committedRepoFile is commit's .quorum.yaml, a symlink in its tree
// followed there (to a path inside the tree); nil when it has none, or the
// link leads out of the tree or nowhere.
func committedRepoFile(ctx context.Context, g *gitexec.Git, commit string) ([]byte, error) {
	p := config.RepoFileName
	for range 8 {
		out, err := g.Output(ctx, "ls-tree", "-z", commit, "--", ":(top)"+p)
		if err != nil {
			return nil, err
		}
		entry := string(bytes.TrimSuffix(out, []byte{0}))
		meta, _, ok := strings.Cut(entry, "\t")
		if !ok {
			return nil, nil // no such file
		}
		fields := strings.Fields(meta) // mode, type, object
		if len(fields) != 3 || fields[1] != "blob" {
			return nil, nil
		}
		data, err := g.Output(ctx, "cat-file", "blob", fields[2])
		if err != nil {
			return nil, err
		}
		if fields[0] != "120000" {
			return data, nil
		}
		target := string(data)
		if path.IsAbs(target) {
			return nil, nil
		}
		p = path.Join(path.Dir(p), target)
		if p == ".." || strings.HasPrefix(p, "../") {
			return nil, nil
		}
	}
	return nil, nil // a loop of links
}
