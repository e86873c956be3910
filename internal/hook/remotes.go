package hook

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// KnownRemotes are the configured remotes a push to remote (a name or a
// URL) at url reaches, as PlanPush reads them (remotesOf): the first is
// the one whose tracking refs name the remote's branches.
func KnownRemotes(ctx context.Context, dir, remote, url string) ([]string, error) {
	return remotesOf(ctx, git{dir: dir}, remote, url)
}

// remotesOf returns the configured remotes whose remote-tracking refs
// (refs/remotes/<name>/*) tell what the pushed-to remote has: remote itself
// when it is the name of a configured remote, and every configured remote
// with a URL (fetch or push, as `git remote get-url` expands it) naming the
// same repository as url or as remote's own URLs. git passes a push to a
// URL ("git push ../remote.git ...") as that URL for both the name and the
// URL: then the remotes configured with that URL are what the hook knows
// of the remote. Nothing here asks the remote itself.
func remotesOf(ctx context.Context, g git, remote, url string) ([]string, error) {
	out, err := g.output(ctx, "remote")
	if err != nil {
		return nil, err
	}
	names := slices.DeleteFunc(lines(out), func(n string) bool { return !plainRemoteName(n) })
	var known []string
	configured := slices.Contains(names, remote)
	if configured {
		known = append(known, remote)
	}
	if len(names) == 0 || configured && len(names) == 1 {
		return known, nil // no other remote could share the URL
	}
	keys := newURLKeys(ctx, g)
	want := map[string]bool{}
	if url != "" {
		want[keys.key(url)] = true
	} else if !configured && remote != "" {
		want[keys.key(remote)] = true // a URL passed as the only argument
	}
	if configured {
		us, err := remoteURLs(ctx, g, remote)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			want[keys.key(u)] = true
		}
	}
	delete(want, "")
	if len(want) == 0 {
		return known, nil
	}
	for _, n := range names {
		if n == remote {
			continue
		}
		us, err := remoteURLs(ctx, g, n)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(us, func(u string) bool { return want[keys.key(u)] }) {
			known = append(known, n)
		}
	}
	return known, nil
}

// remoteURLs are a configured remote's fetch and push URLs, with
// url.<base>.insteadOf and pushInsteadOf applied as git applies them.
func remoteURLs(ctx context.Context, g git, name string) ([]string, error) {
	var out []string
	for _, args := range [][]string{{"remote", "get-url", "--all", name}, {"remote", "get-url", "--push", "--all", name}} {
		s, err := g.output(ctx, args...)
		if err != nil {
			if exitedNonZero(err) || exitedWith(err, 2) {
				continue // a remote with no URL
			}
			return nil, err
		}
		out = append(out, lines(s)...)
	}
	return out, nil
}

// nestedRemotes are the --exclude options that keep --remotes=name to
// name's own tracking refs: git reads it as refs/remotes/name/*, which
// also holds the refs of a remote named "name/fork" (another repository,
// whose commits would count as already on name).
func nestedRemotes(name string, remotes []string) []string {
	var out []string
	for _, r := range remotes {
		if strings.HasPrefix(r, name+"/") && plainRemoteName(r) {
			out = append(out, "--exclude="+r+"/*")
		}
	}
	return out
}

// plainRemoteName reports a remote name usable in --remotes=<name>: no
// glob character (it would match other remotes' refs), not an option.
func plainRemoteName(s string) bool {
	return s != "" && !strings.HasPrefix(s, "-") && !strings.ContainsAny(s, "*?[\\")
}

// urlKeys compares remote URLs: two URLs naming the same repository get
// the same key. A local path (or file:// URL) is made absolute from the
// top of the work tree, where git resolves it, then resolved to the
// repository git would open there (localRepo: "repo" and "repo/.git" are
// one repository; "repo" that does not exist is "repo.git"), with symlinks
// resolved; two existing directories are two repositories, whatever their
// names ("shared" and "shared.git" are not the same). A URL (scheme:// or
// scp-like host:path) is compared as written, but for a trailing "/" or
// ".git", which the server resolves ("host:team/repo" is
// "host:team/repo.git").
type urlKeys struct {
	top func() string
}

func newURLKeys(ctx context.Context, g git) *urlKeys {
	var top string
	return &urlKeys{top: func() string {
		if top == "" {
			top = g.dir
			if t, err := g.output(ctx, "rev-parse", "--show-toplevel"); err == nil && t != "" {
				top = t
			}
		}
		return top
	}}
}

func (k *urlKeys) key(u string) string {
	s := strings.TrimSpace(u)
	if s == "" {
		return ""
	}
	local := false
	if p, ok := strings.CutPrefix(s, "file://"); ok {
		s, local = p, true
		if rest, ok := strings.CutPrefix(s, "localhost/"); ok {
			s = "/" + rest // file://localhost/path is file:///path
		}
	} else if !strings.Contains(s, "://") && !scpLike(s) {
		local = true
	}
	if local {
		if !filepath.IsAbs(s) {
			s = filepath.Join(k.top(), s)
		}
		return "file://" + filepath.ToSlash(localRepo(filepath.Clean(s)))
	}
	return hostPath(s)
}

// hostPath is a network URL's host and repository path, which a server
// names the same repository by over any protocol: "git@github.com:org/repo.git",
// "ssh://git@github.com/org/repo", "https://github.com/org/repo.git/" are
// all "github.com/org/repo" (the hosting services' shared user "git"
// names no home). A path in a user's home ("alice@host:repo",
// "ssh://alice@host/~/repo") keeps the user: bob's is another repository;
// so does one relative to whoever connects ("host:repo"). A port other
// than ssh's is kept (another server may listen there).
func hostPath(s string) string {
	var user, host, port, p string
	if scheme, rest, ok := strings.Cut(s, "://"); ok {
		host, p, _ = strings.Cut(rest, "/")
		p = "/" + p
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			user, host = host[:at], host[at+1:]
		}
		host, port = splitPort(host)
		if port == "22" && strings.HasPrefix(strings.ToLower(scheme), "ssh") {
			port = ""
		}
		if strings.HasPrefix(p, "/~/") || p == "/~" { // ssh://alice@host/~/repo: alice's home
			p = "/~" + user + strings.TrimPrefix(p, "/~")
		}
	} else { // scp-like [user@]host:path
		host, p, _ = strings.Cut(s, ":")
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			user, host = host[:at], host[at+1:]
		}
		switch {
		case strings.HasPrefix(p, "/"):
		case strings.HasPrefix(p, "~"):
			if rest, ok := strings.CutPrefix(p, "~/"); ok || p == "~" {
				p = "/~" + user + "/" + rest
			} else {
				p = "/" + p // ~bob/repo
			}
		case user == "git":
			p = "/" + p // a hosting service: the path is the repository's
		default:
			p = "/~" + user + "/" + p // the connecting user's home
		}
	}
	p = strings.TrimRight(p, "/")
	p = strings.TrimSuffix(p, ".git")
	p = strings.TrimRight(p, "/")
	if port != "" {
		host += ":" + port
	}
	return strings.ToLower(host) + p
}

// splitPort splits "host:port" and "[v6]:port" (no port: "").
func splitPort(host string) (string, string) {
	if strings.HasPrefix(host, "[") {
		if end := strings.IndexByte(host, ']'); end > 0 {
			h, rest := host[:end+1], host[end+1:]
			return h, strings.TrimPrefix(rest, ":")
		}
		return host, ""
	}
	h, port, _ := strings.Cut(host, ":")
	return h, port
}

// localRepo is the repository git opens for the local path p (an absolute,
// clean path), as git's enter_repo looks for it: p/.git, p, p.git/.git,
// then p.git, the first that is a git directory (a ".git" file, a linked
// work tree's or a submodule's, counts as one). The result has symlinks
// resolved, and a git directory named ".git" stands for the directory
// above it: a work tree and its git directory are one repository, and
// only that ".git" is ever dropped (never a ".git" ending a name). A path
// where git finds no repository is kept as it is (symlinks resolved), so
// it matches only itself.
func localRepo(p string) string {
	for _, dir := range []string{filepath.Join(p, ".git"), p, filepath.Join(p+".git", ".git"), p + ".git"} {
		if !isGitDir(dir) {
			continue
		}
		r := resolved(dir)
		if filepath.Base(r) == ".git" {
			r = filepath.Dir(r)
		}
		return r
	}
	return resolved(p)
}

// isGitDir reports a git directory (HEAD, objects/ and refs/, as git checks
// it), or a ".git" file pointing to one.
func isGitDir(d string) bool {
	fi, err := os.Stat(d)
	if err != nil {
		return false
	}
	if !fi.IsDir() {
		return filepath.Base(d) == ".git" && fi.Mode().IsRegular()
	}
	for _, sub := range []string{"HEAD", "objects", "refs"} {
		if _, err := os.Stat(filepath.Join(d, sub)); err != nil {
			return false
		}
	}
	return true
}

// resolved is p with symlinks resolved, or p when it does not exist.
func resolved(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// scpLike reports git's scp-like syntax, "host:path": a colon before any
// slash (and not a Windows drive letter).
func scpLike(s string) bool {
	i := strings.IndexByte(s, ':')
	return i > 1 && !strings.Contains(s[:i], "/")
}

// staleRefs maps the tracking refs a push says are out of date to what
// the remote's branch is now: the update's old commit.
type staleRefs map[string]string

// staleTracking finds, for each update of a branch whose old commit is
// here, the known remotes' tracking refs of that branch that point
// elsewhere. An old oid never fetched says nothing usable, and a branch
// the push creates (a remote that deleted it, or a push line written by
// hand) is left to what is known: its tracking ref stays what it is. A
// remote that pushes to a fork (remote.<name>.pushurl, the pushed-to URL)
// and fetches its upstream tracks another repository, whose branches
// differ from the fork's by design: it is left out. Any other remote
// counts, one whose fetch and push URLs are spelled apart included
// (pushInsteadOf, an ssh alias for an https fetch): leaving a stale ref
// in would let the commits it drops through unreviewed.
func staleTracking(ctx context.Context, g git, known []string, url string, updates []Update, olds []string) (staleRefs, error) {
	stale := staleRefs{}
	var fetched []string // the known remotes whose tracking refs describe url
	keys := newURLKeys(ctx, g)
	for _, k := range known {
		fork, err := pushesToAFork(ctx, g, keys, k, url)
		if err != nil {
			return nil, err
		}
		if !fork {
			fetched = append(fetched, k)
		}
	}
	for i, u := range updates {
		branch, ok := strings.CutPrefix(u.RemoteRef, "refs/heads/")
		if !ok || u.IsDelete() || olds[i] == "" {
			continue
		}
		for _, k := range fetched {
			ref := "refs/remotes/" + k + "/" + branch
			oid, err := g.output(ctx, "rev-parse", "--verify", "--quiet", ref+"^{commit}")
			switch {
			case err != nil && !exitedNonZero(err):
				return nil, err
			case err == nil && oid != "" && oid != olds[i]:
				stale[ref] = olds[i]
			}
		}
	}
	return stale, nil
}

// pushesToAFork reports whether remote k is configured to push to url
// (remote.<k>.pushurl) while it fetches from elsewhere: a fork pushed to,
// its upstream fetched.
func pushesToAFork(ctx context.Context, g git, keys *urlKeys, k, url string) (bool, error) {
	if url == "" {
		return false, nil
	}
	pushURLs, err := g.output(ctx, "config", "--get-all", "remote."+k+".pushurl")
	if err != nil && !exitedNonZero(err) {
		return false, err
	}
	if pushURLs == "" {
		return false, nil
	}
	fetchURLs, err := g.output(ctx, "remote", "get-url", "--all", k)
	if err != nil && !exitedNonZero(err) && !exitedWith(err, 2) {
		return false, err
	}
	is := func(u string) bool { return keys.key(u) == keys.key(url) }
	return slices.ContainsFunc(lines(pushURLs), is) && !slices.ContainsFunc(lines(fetchURLs), is), nil
}

// now is what ref (a tracking ref, or a remote's HEAD naming one) stands
// for on the remote when the push says its tracking ref is out of date.
func (s staleRefs) now(ctx context.Context, g git, ref string) (string, bool) {
	if len(s) == 0 {
		return "", false
	}
	if oid, ok := s[ref]; ok {
		return oid, true
	}
	if target, err := g.output(ctx, "symbolic-ref", "-q", ref); err == nil {
		oid, ok := s[target]
		return oid, ok
	}
	return "", false
}

// excludes are the --exclude patterns that keep remote's out-of-date
// tracking refs (and a HEAD naming one) out of the next --remotes=remote.
func (s staleRefs) excludes(remote string) []string {
	var out []string
	for ref := range s {
		if short, ok := strings.CutPrefix(ref, "refs/remotes/"+remote+"/"); ok {
			out = append(out, "--exclude="+remote+"/"+short)
		}
	}
	if len(out) > 0 {
		out = append(out, "--exclude="+remote+"/HEAD")
	}
	slices.Sort(out)
	return out
}
