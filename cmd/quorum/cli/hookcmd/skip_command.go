package hookcmd

import (
	"context"
	"errors"
	"os/exec"
	"slices"
	"strings"

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
// remote and one refspec per update, each quoted for the shell (a branch
// may be named `a;id`), so that it runs as printed (a plain `git push`
// fails on a branch's first push, which has no upstream yet). An update
// that is not a fast-forward gets --force-with-lease naming the commit the
// remote had: the same update git was about to make, refused if a
// teammate pushed since, where a plain force would drop their work. A
// push of many refs (--all, --mirror), or one whose remote is not known,
// gets genericSkip. It reads git with a context no Ctrl-C cancels: a
// failed ancestry check would otherwise read as a forced update.
func skipCommand(ctx context.Context, dir, remote string, updates []hook.Update) string {
	if remote == "" || len(updates) == 0 || len(updates) > maxSpelled {
		return genericSkip
	}
	ctx = context.WithoutCancel(ctx)
	g := &gitexec.Git{Dir: dir}
	var leases, specs []string
	for _, u := range updates {
		spec, lease := refspec(ctx, g, u, short(ctx, g, u))
		specs = append(specs, shellWord(spec))
		if lease != "" {
			leases = append(leases, shellWord("--force-with-lease="+lease))
		}
	}
	return strings.Join(slices.Concat([]string{skipPush}, leases, []string{shellWord(remote)}, specs), " ")
}

// short reports whether u, a branch pushed to its own name, may be
// spelled by that name: not when a tag has it too, which git would find
// ambiguous.
func short(ctx context.Context, g *gitexec.Git, u hook.Update) bool {
	name, ok := strings.CutPrefix(u.LocalRef, "refs/heads/")
	if !ok || u.LocalRef != u.RemoteRef {
		return false
	}
	_, err := g.Output(ctx, "rev-parse", "--verify", "--quiet", "refs/tags/"+name)
	return err != nil
}

// refspec is the refspec that makes update u again (a branch by its short
// name when short), and the lease ("REF:OLD") a forced update needs.
func refspec(ctx context.Context, g *gitexec.Git, u hook.Update, short bool) (spec, lease string) {
	if u.IsDelete() {
		return ":" + u.RemoteRef, ""
	}
	src := u.LocalOID
	switch {
	case short:
		src = strings.TrimPrefix(u.LocalRef, "refs/heads/") // git pushes a branch to its own name
	case strings.HasPrefix(u.LocalRef, "refs/"):
		src = u.LocalRef
	}
	spec = src
	if src != u.RemoteRef && !(short && src == strings.TrimPrefix(u.RemoteRef, "refs/heads/")) {
		spec = src + ":" + u.RemoteRef
	}
	if !u.IsNew() && !fastForward(ctx, g, u) {
		lease = u.RemoteRef + ":" + u.RemoteOID
	}
	return spec, lease
}

// fastForward reports whether u moves its ref forward: its old commit is
// here and in the new one's history. A tag moved, or a branch rewritten,
// needs force. A check that fails otherwise than by saying "no" (git
// missing) reads as a fast-forward: the command then asks no force, and
// git refuses it if one was needed.
func fastForward(ctx context.Context, g *gitexec.Git, u hook.Update) bool {
	if u.IsTag() {
		return false
	}
	_, err := g.Output(ctx, "merge-base", "--is-ancestor", u.RemoteOID, u.LocalOID)
	var exit *exec.ExitError
	return err == nil || !errors.As(err, &exit) || exit.ExitCode() != 1
}

// shellWord quotes s for a POSIX shell when it needs it.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
