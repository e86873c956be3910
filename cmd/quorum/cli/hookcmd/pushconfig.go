package hookcmd

import (
	"context"
	"fmt"
	"io"

	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/teamconfig"
)

// teamConfig is the configuration a push of updates is reviewed under
// (teamconfig.Resolve), with its note on w when the push's own file is set
// aside.
func teamConfig(ctx context.Context, w io.Writer, dir, remote, url string, updates []hook.Update, cfg *config.Config, getenv func(string) string) (*config.Config, error) {
	out, note, err := teamconfig.Resolve(ctx, dir, remote, url, updates, cfg, getenv)
	if err != nil {
		return nil, err
	}
	if note != "" {
		fmt.Fprintln(w, "quorum: "+note)
	}
	return out, nil
}
