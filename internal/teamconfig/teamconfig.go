// Package teamconfig decides which .quorum.yaml a push is reviewed under: the remote's default branch's when a pushed ref carries another.
package teamconfig

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/safetext"
)

// Resolve is the configuration a push of updates to remote (at url, ""
// when pushing by name) is reviewed under. When one of its refs, or the
// checkout's HEAD, carries a .quorum.yaml (symlinks in its tree followed)
// other than the remote's
// default branch's, it is that branch's file (its tracking ref:
// <remote>/HEAD, else main, master, develop or trunk, else the tracking
// ref of a pushed ref), or the defaults when that branch has none or it
// does not load; note then says so, for the pusher. So no push sets its
// own gate, ignores its own files or skips its own tags, and every ref of
// one push is reviewed under one file. With no such branch known (a first
// push, a URL no remote has), and when they all carry the remote's file,
// cfg (the work tree's: uncommitted edits, the user file and QUORUM_*
// variables are the pusher's) stands.
func Resolve(ctx context.Context, dir, remote, url string, updates []hook.Update, cfg *config.Config, getenv func(string) string) (out *config.Config, note string, err error) {
	known, err := hook.KnownRemotes(ctx, dir, remote, url)
	if err != nil {
		return nil, "", err
	}
	g := &gitexec.Git{Dir: dir}
	ref, commit := defaultBranch(ctx, g, known, updates)
	if commit == "" {
		return cfg, "", nil
	}
	team, err := repoFile(ctx, g, commit)
	if err != nil {
		return nil, "", err
	}
	seen := map[string]bool{}
	carried := false
	// The checkout's own commit too: the work tree's file is the pusher's
	// only for uncommitted edits, never another branch's committed file
	// (HEAD on a coworker's branch, pushing feat).
	heads := []string{"HEAD"}
	for _, u := range updates {
		if !u.IsDelete() {
			heads = append(heads, u.LocalOID)
		}
	}
	for _, oid := range heads {
		head, err := g.Output(ctx, "rev-parse", "-q", "--verify", oid+"^{commit}")
		h := string(bytes.TrimSpace(head))
		if err != nil || h == "" || seen[h] {
			continue // a tree or a blob (no file of its own), an unborn HEAD, or asked already
		}
		seen[h] = true
		theirs, err := repoFile(ctx, g, h)
		if err != nil {
			return nil, "", err
		}
		if !theirs.same(team) {
			carried = true
			break
		}
	}
	if !carried {
		return cfg, "", nil
	}
	what := fmt.Sprintf("the defaults (%s at %s has no %s)", ref, cmdutil.ShortOID(commit), config.RepoFileName)
	repo := config.RepoData{Name: ref + ":" + config.RepoFileName}
	if team.state == found {
		what, repo.Data = fmt.Sprintf("%s's (at %s)", ref, cmdutil.ShortOID(commit)), team.data
	}
	out, err = config.LoadWithRepoData(dir, getenv, repo)
	if err != nil {
		// The remote's own file does not load (the push may be its fix):
		// the defaults, never the push's file.
		what = fmt.Sprintf("the defaults (%s does not load: %s)", repo.Name, safetext.OneLine(err.Error()))
		if out, err = config.LoadWithRepoData(dir, getenv, config.RepoData{Name: "defaults"}); err != nil {
			return nil, "", err
		}
	}
	return out, fmt.Sprintf("the push carries a %s other than %s's: it is reviewed under %s; a change to the file applies once it is on that branch",
		config.RepoFileName, ref, what), nil
}

// defaultBranch is the remote's default branch as its tracking refs here
// name it, and its commit: of the first of known with one, <remote>/HEAD
// (what it points at), else main, master, develop or trunk, else the
// tracking ref of a ref the push updates; "" when none.
func defaultBranch(ctx context.Context, g *gitexec.Git, known []string, updates []hook.Update) (ref, commit string) {
	resolve := func(name string) string {
		out, err := g.Output(ctx, "rev-parse", "-q", "--verify", name+"^{commit}")
		if err != nil {
			return ""
		}
		return string(bytes.TrimSpace(out))
	}
	for _, r := range known {
		for _, b := range []string{"HEAD", "main", "master", "develop", "trunk"} {
			name := "refs/remotes/" + r + "/" + b
			c := resolve(name)
			if c == "" {
				continue
			}
			short := r + "/" + b
			if b == "HEAD" {
				if sym, err := g.Output(ctx, "symbolic-ref", "-q", "--short", name); err == nil && len(bytes.TrimSpace(sym)) > 0 {
					short = string(bytes.TrimSpace(sym))
				}
			}
			return short, c
		}
	}
	for _, r := range known {
		for _, u := range updates {
			if b, ok := strings.CutPrefix(u.RemoteRef, "refs/heads/"); ok {
				if c := resolve("refs/remotes/" + r + "/" + b); c != "" {
					return r + "/" + b, c
				}
			}
		}
	}
	return "", ""
}

// fileState is what a commit's .quorum.yaml is.
type fileState int

const (
	absent     fileState = iota // no such file
	found                       // a file, data its content
	unresolved                  // a symlink leading out of the tree, nowhere, or round in a loop
)

type committedFile struct {
	state fileState
	data  []byte
}

// same reports whether two commits' files read alike. An unresolved link
// never does: the work tree would read what it leads to, outside the
// commit.
func (a committedFile) same(b committedFile) bool {
	return a.state == b.state && a.state != unresolved && bytes.Equal(a.data, b.data)
}

// repoFile is commit's .quorum.yaml, every symlink on its path (the file,
// or a directory above it) followed inside the commit's tree.
func repoFile(ctx context.Context, g *gitexec.Git, commit string) (committedFile, error) {
	parts := []string{config.RepoFileName}
	for hops := 0; hops < 16; {
		var done []string
		for i, part := range parts {
			p := path.Join(append(done, part)...)
			out, err := g.Output(ctx, "ls-tree", "-z", commit, "--", ":(top,literal)"+p)
			if err != nil {
				return committedFile{}, err
			}
			meta, _, ok := strings.Cut(string(bytes.TrimSuffix(out, []byte{0})), "\t")
			fields := strings.Fields(meta) // mode, type, object
			if !ok || len(fields) != 3 {
				return committedFile{state: absent}, nil
			}
			last := i == len(parts)-1
			switch {
			case fields[0] == "120000":
				target, err := g.Output(ctx, "cat-file", "blob", fields[2])
				if err != nil {
					return committedFile{}, err
				}
				hops++
				t := string(target)
				if path.IsAbs(t) {
					return committedFile{state: unresolved}, nil
				}
				joined := path.Join(path.Join(done...), t)
				if joined == ".." || strings.HasPrefix(joined, "../") {
					return committedFile{state: unresolved}, nil
				}
				parts = append(strings.Split(joined, "/"), parts[i+1:]...)
			case last && fields[1] == "blob":
				data, err := g.Output(ctx, "cat-file", "blob", fields[2])
				if err != nil {
					return committedFile{}, err
				}
				return committedFile{state: found, data: data}, nil
			case !last && fields[1] == "tree":
				done = append(done, part)
				continue
			default:
				return committedFile{state: absent}, nil
			}
			break // a link replaced parts: walk them again
		}
	}
	return committedFile{state: unresolved}, nil // a loop of links
}
