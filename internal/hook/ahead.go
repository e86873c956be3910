package hook

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrDetached is returned by PlanBranch when HEAD is on no branch.
var ErrDetached = errors.New("HEAD is detached (on no branch)")

// ErrNoRemote is returned by PlanBranch when the branch has nowhere to be pushed.
var ErrNoRemote = errors.New("the branch has no remote to push to")

// UnknownRemoteError is returned by PlanBranch when the setting git
// pushes the branch by (Key) names a remote this repository does not have,
// nor a URL or a path: `git push` fails there.
type UnknownRemoteError struct {
	Key, Remote string
}

func (e *UnknownRemoteError) Error() string {
	if e.Remote == "." {
		return fmt.Sprintf("%s is \".\", so git pushes into this repository itself", e.Key)
	}
	return fmt.Sprintf("%s names %q, which is no remote of this repository", e.Key, e.Remote)
}

// Branch is the push `git push` would make of the current branch.
type Branch struct {
	Ref    string // refs/heads/<name>
	Head   string // HEAD's commit
	Remote string // the remote it would be pushed to
	// RemoteRef is the ref it would update there; RemoteOID what the
	// remote-tracking ref says the remote has (all zeroes: nothing).
	RemoteRef, RemoteOID string
}

// Update is the line git would write to the pre-push hook for this push.
func (b Branch) Update() Update {
	return Update{LocalRef: b.Ref, LocalOID: b.Head, RemoteRef: b.RemoteRef, RemoteOID: b.RemoteOID}
}

// PlanBranch works out what a plain `git push` of the current branch would
// review, the way the pre-push hook will (PlanPush), so a background
// review asks the models exactly what the push will ask them:
//   - the remote is branch.<name>.pushRemote, else remote.pushDefault,
//     else branch.<name>.remote, else origin, else the only remote;
//   - the remote ref is the upstream's (branch.<name>.merge) when the
//     branch is pushed to its upstream's remote and push.default is
//     upstream (or tracking), or simple (git's default) with an upstream
//     of the same name; else refs/heads/<name>: under simple, a branch
//     made from origin/main is pushed as 'git push origin <name>', git's
//     plain push refusing the name mismatch;
//   - what the remote has is its remote-tracking ref (as of the last fetch
//     or push).
func PlanBranch(ctx context.Context, dir string) (*Plan, Branch, error) {
	g := git{dir: dir}
	var b Branch
	ref, err := g.output(ctx, "symbolic-ref", "-q", "HEAD")
	if err != nil {
		if exitedNonZero(err) {
			return nil, b, ErrDetached
		}
		return nil, b, err
	}
	b.Ref = ref
	if b.Head, err = g.output(ctx, "rev-parse", "--verify", "HEAD^{commit}"); err != nil {
		return nil, b, err
	}
	name := strings.TrimPrefix(ref, "refs/heads/")
	cfg := func(key string) string {
		v, _ := g.output(ctx, "config", "--get", key)
		return v
	}
	upstreamRemote := cfg("branch." + name + ".remote")
	key := ""
	for _, k := range []string{"branch." + name + ".pushRemote", "remote.pushDefault", "branch." + name + ".remote"} {
		if v := cfg(k); v != "" {
			b.Remote, key = v, k
			break
		}
	}
	if b.Remote == "." && !strings.HasSuffix(key, ".remote") {
		// A push remote of "." (not a branch's local upstream, which
		// git push passes over for the default remote): nowhere to send.
		return nil, b, &UnknownRemoteError{Key: key, Remote: b.Remote}
	}
	if b.Remote != "" && b.Remote != "." && cfg("remote."+b.Remote+".url") == "" && cfg("remote."+b.Remote+".pushurl") == "" && !urlOrPath(dir, b.Remote) {
		return nil, b, &UnknownRemoteError{Key: key, Remote: b.Remote}
	}
	if b.Remote == "" || b.Remote == "." {
		remotes, _ := g.output(ctx, "remote")
		rs := lines(remotes)
		switch {
		case contains(rs, "origin"):
			b.Remote = "origin"
		case len(rs) == 1:
			b.Remote = rs[0]
		default:
			return nil, b, ErrNoRemote
		}
	}
	b.RemoteRef = ref
	if merge := cfg("branch." + name + ".merge"); merge != "" && upstreamRemote == b.Remote {
		switch strings.ToLower(cfg("push.default")) {
		case "upstream", "tracking":
			b.RemoteRef = merge
		case "", "simple":
			// Same name: the upstream is refs/heads/<name> anyway.
		}
	}
	b.RemoteOID = strings.Repeat("0", len(b.Head))
	tracking := "refs/remotes/" + b.Remote + "/" + strings.TrimPrefix(b.RemoteRef, "refs/heads/")
	if oid, err := g.output(ctx, "rev-parse", "--verify", "--quiet", tracking+"^{commit}"); err == nil && oid != "" {
		b.RemoteOID = oid
	}
	plan, err := PlanPush(ctx, dir, []Update{b.Update()}, PlanOptions{Remote: b.Remote})
	if err != nil {
		return nil, b, err
	}
	return plan, b, nil
}

// Spans are the plan's ranges as "base..head".
func (p *Plan) Spans() []string {
	out := make([]string, len(p.Ranges))
	for i, r := range p.Ranges {
		out[i] = r.String()
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// urlOrPath reports whether git would push to remote as a URL or a path,
// not as a remote's name: it has a scheme or an scp-like host part, or
// names a place on disk.
func urlOrPath(dir, remote string) bool {
	if strings.Contains(remote, "://") || strings.Contains(remote, ":") {
		return true
	}
	p := remote
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	_, err := os.Stat(p)
	return err == nil
}
