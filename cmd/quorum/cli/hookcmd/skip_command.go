package hookcmd

import (
	"context"
	"net/url"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/hook"
)

// genericSkip is the skip line when the push cannot be spelled out (more
// refs than maxSpelled, no remote name): a placeholder that runs nothing
// as printed, since a plain `git push` would push another branch, the
// checked-out one, unreviewed (helper 243).
const genericSkip = skipPush + " <the push's own arguments>"

// skipPush is the command a skip line spells the push after.
const skipPush = "QUORUM_SKIP=1 git push"

// maxSpelled is the most refs a skip line spells out.
const maxSpelled = 20

// skipCommand spells out the blocked push again with QUORUM_SKIP=1: its
// remote and, per update, the commit pushed and the ref it goes to
// (`OID:refs/heads/x`: exactly what was blocked, whatever the branch holds
// by the time the line is run, never mapped by remote.<name>.push, and
// never read as an option or an ambiguous name), each word quoted for the
// shell. An update that is not a fast-forward gets --force-with-lease
// naming the commit the remote had: the same update git was about to
// make, refused if a teammate pushed since, where a plain force would
// drop their work. A push of more than maxSpelled refs (--all, --mirror),
// one whose remote is not known, or one to a URL carrying credentials
// (which the line would print into a log) gets genericSkip. It reads git
// with a context no Ctrl-C cancels: a failed check would otherwise read
// as a forced update.
func skipCommand(ctx context.Context, dir, remote string, updates []hook.Update) string {
	if remote == "" || len(updates) == 0 || len(updates) > maxSpelled || hasCredentials(remote) {
		return genericSkip
	}
	ctx = context.WithoutCancel(ctx)
	g := &gitexec.Git{Dir: dir}
	var leases, specs []string
	for _, u := range updates {
		spec, lease := refspec(ctx, g, u)
		specs = append(specs, cmdutil.ShellWord(spec))
		if lease != "" {
			leases = append(leases, cmdutil.ShellWord("--force-with-lease="+lease))
		}
	}
	return strings.Join(slices.Concat([]string{skipPush}, leases, []string{cmdutil.ShellWord(remote)}, specs), " ")
}

// refspec is the refspec that makes update u again, and the lease
// ("REF:OLD") a forced update needs.
func refspec(ctx context.Context, g *gitexec.Git, u hook.Update) (spec, lease string) {
	if u.IsDelete() {
		return ":" + u.RemoteRef, ""
	}
	if !u.IsNew() && !fastForward(ctx, g, u) {
		lease = u.RemoteRef + ":" + u.RemoteOID
	}
	return u.LocalOID + ":" + u.RemoteRef, lease
}

// fastForward reports whether u moves its ref forward: its old commit is
// here and in the new one's history. A tag moved, a branch rewritten, or
// an old commit never fetched (a teammate's push since) needs force. A
// check git itself fails otherwise reads as a fast-forward: the line then
// asks no force, and git refuses it if one was needed.
func fastForward(ctx context.Context, g *gitexec.Git, u hook.Update) bool {
	if u.IsTag() {
		return false
	}
	if _, err := g.Output(ctx, "cat-file", "-e", u.RemoteOID+"^{commit}"); gitexec.ExitedWith(err, 128) || gitexec.ExitedWith(err, 1) {
		return false
	}
	_, err := g.Output(ctx, "merge-base", "--is-ancestor", u.RemoteOID, u.LocalOID)
	return err == nil || !gitexec.ExitedWith(err, 1)
}

// hasCredentials reports whether a remote given as a URL carries a
// password or token: any user part of an http(s) URL
// (https://TOKEN@host/..., https://user:TOKEN@host/...), a password in
// any other (ssh://git@host/... names a user, no secret).
func hasCredentials(remote string) bool {
	u, err := url.Parse(remote)
	if err != nil {
		// Unreadable as a URL: a user part or a query may still hold one.
		return strings.Contains(remote, "://") && (strings.Contains(remote, "@") || strings.Contains(remote, "?"))
	}
	if u.RawQuery != "" {
		return true // ?access_token=…
	}
	if u.User == nil {
		return false
	}
	_, set := u.User.Password()
	return set || u.Scheme == "http" || u.Scheme == "https"
}
