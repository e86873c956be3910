// Package teamconfig decides which .quorum.yaml a push is reviewed under: the remote's default branch's when a pushed ref carries another.
package teamconfig

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
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
		if !files[h].same(team) {
			carried = true
			break
		}
	}
	if !carried {
		return withGuidance(ctx, g, cfg, ref, commit, heads[1:], "")
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
	return withGuidance(ctx, g, out, ref, commit, heads[1:], fmt.Sprintf("the push carries a %s other than %s's: it is reviewed under %s; a change to the file applies once it is on that branch",
		config.RepoFileName, ref, what))
}

// withGuidance is cfg with the repository's guideline files
// (config.RepoGuidelineFiles, then those its .quorum.yaml names)
// as the default branch's commit has them, so a push does not reword the
// guidance its own review gets. note, the caller's, gains a word when a
// head the push carries has them otherwise. When they cannot be read,
// cfg stands (the work tree's files), said so.
func withGuidance(ctx context.Context, g *gitexec.Git, cfg *config.Config, ref, commit string, heads []string, note string) (*config.Config, string, error) {
	names := slices.Clone(config.RepoGuidelineFiles)
	for _, p := range cfg.Guidelines {
		if !cfg.RepoNamedGuidelines() || !config.InsideByName(cfg.Root, p) {
			continue // the user's own (their config, QUORUM_GUIDELINES), read from disk
		}
		rel, err := filepath.Rel(cfg.Root, p)
		if name := filepath.ToSlash(rel); err == nil && !slices.Contains(names, name) && !strings.ContainsAny(name, "\n\x00") {
			names = append(names, name)
		}
	}
	var specs []string
	for _, c := range append([]string{commit}, heads...) {
		for _, n := range names {
			specs = append(specs, c+":"+n)
		}
	}
	got, err := readAt(ctx, g, specs)
	if err != nil {
		return cfg, joinNotes(note, fmt.Sprintf("the guideline files at %s could not be read (%s): the models get the work tree's", ref, safetext.OneLine(err.Error()))), nil
	}
	guidance := &config.Guidance{Ref: ref, Root: cfg.Root, Names: names}
	var changed []string
	for i, n := range names {
		team := got[i]
		if team.state == found {
			text := team.data[:min(len(team.data), config.MaxGuidelineBytes)]
			guidance.Files = append(guidance.Files, config.GuidelineText{Name: n, Text: string(text)})
		}
		for h := range heads {
			theirs := got[(h+1)*len(names)+i]
			if !theirs.same(team) && (theirs.state != unresolved || team.state != unresolved) {
				changed = append(changed, safetext.Path(n))
				break
			}
		}
	}
	out := *cfg
	out.RepoGuidance = guidance
	if len(changed) > 0 {
		note = joinNotes(note, fmt.Sprintf("the push changes the guidance in %s: the models get %s's; a change applies once it is on that branch",
			strings.Join(changed, ", "), ref))
	}
	return &out, note, nil
}

func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
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

// repoFiles reads each commit's .quorum.yaml (readAt).
func repoFiles(ctx context.Context, g *gitexec.Git, commits []string) (map[string]committedFile, error) {
	specs := make([]string, len(commits))
	for i, c := range commits {
		specs[i] = c + ":" + config.RepoFileName
	}
	got, err := readAt(ctx, g, specs)
	if err != nil {
		return nil, err
	}
	files := make(map[string]committedFile, len(commits))
	for i, c := range commits {
		files[c] = got[i]
	}
	return files, nil
}

// readAt reads each <commit>:<path> of specs with one `git cat-file
// --batch --follow-symlinks`, which resolves every symlink on the path (a
// directory's, "..") as the file system does, inside the commit's tree.
// A link out of the tree, to nothing, round in a loop or through a file is
// unresolved; no path there is absent.
func readAt(ctx context.Context, g *gitexec.Git, specs []string) ([]committedFile, error) {
	var in bytes.Buffer
	for _, s := range specs {
		in.WriteString(s + "\n")
	}
	cmd := g.Command(ctx, "cat-file", "--batch", "--follow-symlinks")
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	files := make([]committedFile, len(specs))
	for i, s := range specs {
		line, rest, ok := bytes.Cut(out, []byte("\n"))
		if !ok {
			return nil, fmt.Errorf("git cat-file: short answer for %s", s)
		}
		f := strings.Fields(string(line))
		var size int
		switch {
		case bytes.HasSuffix(line, []byte(" missing")) || bytes.HasSuffix(line, []byte(" ambiguous")):
			// "<spec> missing": the spec as asked, spaces and all.
			files[i] = committedFile{state: absent}
			out = rest
			continue
		case len(f) == 3 && f[1] == "blob":
			size, err = strconv.Atoi(f[2])
		case len(f) == 3 && f[1] == "tree": // a directory by that name: no file
			size, err = strconv.Atoi(f[2])
		case len(f) == 2: // dangling, loop, symlink (out of the tree), notdir
			size, err = strconv.Atoi(f[1])
		default:
			return nil, fmt.Errorf("git cat-file: unexpected answer %q", line)
		}
		if err != nil || size < 0 || size+1 > len(rest) {
			return nil, fmt.Errorf("git cat-file: bad answer %q", line)
		}
		switch f[1] {
		case "blob":
			files[i] = committedFile{state: found, data: rest[:size:size]}
		case "tree":
			files[i] = committedFile{state: absent}
		default:
			files[i] = committedFile{state: unresolved}
		}
		out = rest[size+1:]
	}
	return files, nil
}
