package hookcmd

import (
	"context"
	"fmt"
	"io"

	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/safetext"
)

// remoteConfig is the configuration a push that changes .quorum.yaml is
// reviewed under: the repository file as the remote has it (at the base
// of the first pushed range that changes it; none there is the defaults),
// so a push cannot ignore its own files or lower its own gate. The user's
// file and QUORUM_* variables still apply: they are the pusher's, as the
// hook is. cfg is returned unchanged when no range with a base on the
// remote changes the file; a note on w says when it is not.
func remoteConfig(ctx context.Context, w io.Writer, dir string, plan *hook.Plan, cfg *config.Config, getenv func(string) string) (*config.Config, error) {
	g := &gitexec.Git{Dir: dir}
	for _, r := range plan.Ranges {
		if r.Base == plan.EmptyTree {
			continue // nothing on the remote: no file of its own to keep
		}
		changed, err := g.Output(ctx, "diff", "--name-only", "--no-renames", r.Base, r.Head, "--", ":(top)"+config.RepoFileName)
		if err != nil {
			return nil, err
		}
		if len(changed) == 0 {
			continue
		}
		name := cmdutil.ShortOID(r.Base) + ":" + config.RepoFileName
		var data []byte
		if t, err := g.Output(ctx, "ls-tree", "--name-only", r.Base, "--", ":(top)"+config.RepoFileName); err != nil {
			return nil, err
		} else if len(t) > 0 {
			if data, err = g.Output(ctx, "cat-file", "blob", r.Base+":"+config.RepoFileName); err != nil {
				return nil, err
			}
		}
		remote, err := config.LoadWithRepoData(dir, getenv, config.RepoData{Data: data, Name: name})
		if err != nil {
			// The remote's own file does not load: the push may be its
			// fix, so the work tree's is kept, and said to be.
			fmt.Fprintf(w, "quorum: this push changes %s, and the remote's (%s) does not load: reviewed under yours (%s)\n",
				config.RepoFileName, name, safetext.OneLine(err.Error()))
			return cfg, nil
		}
		what := "the remote's (" + name + ")"
		if data == nil {
			what = "the defaults (the remote has no " + config.RepoFileName + " at " + cmdutil.ShortOID(r.Base) + ")"
		}
		fmt.Fprintf(w, "quorum: this push changes %s: reviewed under %s; the new settings apply once they are on the remote\n",
			config.RepoFileName, what)
		return remote, nil
	}
	return cfg, nil
}
