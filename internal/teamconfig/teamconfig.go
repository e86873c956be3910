// Package teamconfig decides which .quorum.yaml a push is reviewed under: the remote's default branch's when a pushed ref carries another.
package teamconfig

import (
	"bytes"
	"context"
	"fmt"
	"slices"
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
// other than the remote's default branch's, it is that branch's file (its
// tracking ref: <remote>/HEAD, else main, master, develop or trunk, else
// the tracking ref of a pushed ref), or the defaults when that branch has
// none or it does not load; note then says so, for the pusher. So no push
// sets its own gate, ignores its own files or skips its own tags, and
// every ref of one push is reviewed under one file. With no such branch
// known (a first push, a URL no remote has), and when they all carry the
// remote's file, cfg (the work tree's: uncommitted edits, the user file
// and QUORUM_* variables are the pusher's) stands.
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
	// The checkout's own commit too: the work tree's file is the pusher's
	// only for uncommitted edits, never another branch's committed file
	// (HEAD on a coworker's branch, pushing feat).
	oids := []string{"HEAD"}
	for _, u := range updates {
		if !u.IsDelete() {
			oids = append(oids, u.LocalOID+"^{commit}")
		}
	}
	heads := []string{commit}
	for _, oid := range oids {
		out, err := g.Output(ctx, "rev-parse", "-q", "--verify", oid)
		h := string(bytes.TrimSpace(out))
		if err != nil || h == "" || slices.Contains(heads, h) {
			continue // a tree or a blob (no file of its own), an unborn HEAD, or asked already
		}
		heads = append(heads, h)
	}
	files, err := repoFiles(ctx, g, heads)
	if err != nil {
		// Objects this clone cannot read (a partial clone offline): no
		// reason to stop every push; the work tree's file, said so.
		return cfg, fmt.Sprintf("the %s of the pushed commits could not be read (%s): the push is reviewed under the work tree's", config.RepoFileName, safetext.OneLine(err.Error())), nil
	}
	team := files[commit]
	carried := false
	for _, h := range heads[1:] {
		if !files[h].Same(team) {
			carried = true
			break
		}
	}
	if !carried {
		return cfg, "", nil
	}
	what := fmt.Sprintf("the defaults (%s at %s has no %s)", ref, cmdutil.ShortOID(commit), config.RepoFileName)
	repo := config.RepoData{Name: ref + ":" + config.RepoFileName}
	if team.State == gitexec.Found {
		what, repo.Data = fmt.Sprintf("%s's (at %s)", ref, cmdutil.ShortOID(commit)), team.Data
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

// Instead is the configuration a push is reviewed under when the work
// tree's does not load: the remote's default branch's (Resolve), with its
// note, when the push carries a file other than that branch's. ok is false
// when the push would be reviewed under the work tree's after all (or the
// remote's cannot be read): the work tree's error then stands.
func Instead(ctx context.Context, dir, remote, url string, updates []hook.Update, getenv func(string) string) (cfg *config.Config, note string, ok bool) {
	cfg, note, err := Resolve(ctx, dir, remote, url, updates, nil, getenv)
	if err != nil || cfg == nil {
		return nil, "", false
	}
	return cfg, note, true
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

// repoFiles reads each commit's .quorum.yaml (gitexec.ReadBlobs: symlinks
// on its path followed inside the commit).
func repoFiles(ctx context.Context, g *gitexec.Git, commits []string) (map[string]gitexec.Blob, error) {
	specs := make([]string, len(commits))
	for i, c := range commits {
		specs[i] = c + ":" + config.RepoFileName
	}
	got, err := g.ReadBlobs(ctx, specs)
	if err != nil {
		return nil, err
	}
	files := make(map[string]gitexec.Blob, len(commits))
	for i, c := range commits {
		files[c] = got[i]
	}
	return files, nil
}
