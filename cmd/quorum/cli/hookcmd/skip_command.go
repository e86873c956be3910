package hookcmd

import (
	"context"
	"strings"

	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/hook"
)

// genericSkip is the skip command when the push cannot be spelled out: a
// plain `git push` repeats a push to the upstream.
const genericSkip = "QUORUM_SKIP=1 git push"

// skipCommand spells out the blocked push again with QUORUM_SKIP=1: its
// remote and one refspec per update, forced ("+") where the update is not
// a fast-forward, so that it runs as printed (a plain `git push` fails on
// a branch's first push, which has no upstream yet). A push of many refs
// (--all, --mirror), or one whose remote is not known, gets genericSkip.
func skipCommand(ctx context.Context, dir, remote string, updates []hook.Update) string {
	if remote == "" || len(updates) == 0 || len(updates) > 4 {
		return genericSkip
	}
	g := &gitexec.Git{Dir: dir}
	words := []string{genericSkip, shellWord(remote)}
	for _, u := range updates {
		words = append(words, refspec(ctx, g, u))
	}
	return strings.Join(words, " ")
}

// refspec is the refspec that makes update u again.
func refspec(ctx context.Context, g *gitexec.Git, u hook.Update) string {
	if u.IsDelete() {
		return ":" + u.RemoteRef
	}
	src := u.LocalOID
	switch {
	case u.LocalRef == u.RemoteRef && strings.HasPrefix(u.LocalRef, "refs/heads/"):
		src = strings.TrimPrefix(u.LocalRef, "refs/heads/") // git pushes a branch to its own name
	case strings.HasPrefix(u.LocalRef, "refs/"):
		src = u.LocalRef
	}
	spec := src
	if src != strings.TrimPrefix(u.RemoteRef, "refs/heads/") {
		spec = src + ":" + u.RemoteRef
	}
	if !u.IsNew() && !fastForward(ctx, g, u) {
		spec = "+" + spec
	}
	return spec
}

// fastForward reports whether u moves its ref forward: its old commit is
// here and in the new one's history. A tag moved, or a branch rewritten,
// needs force.
func fastForward(ctx context.Context, g *gitexec.Git, u hook.Update) bool {
	if u.IsTag() {
		return false
	}
	_, err := g.Output(ctx, "merge-base", "--is-ancestor", u.RemoteOID, u.LocalOID)
	return err == nil
}

// shellWord quotes s for a POSIX shell when it needs it.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
