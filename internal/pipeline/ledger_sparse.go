// This file reads the shared dismissal ledger a sparse checkout leaves
// out of the work tree.

package pipeline

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"

	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/review/dismiss"
)

// SparseLedger is the shared ledger's content as the index holds it, when
// a sparse checkout (git sparse-checkout) leaves the file out of the work
// tree at root: git marks it skip-worktree, and the file that is not there
// is the team's ledger all the same, not "no dismissals" (helper 243).
// ok is false when the work tree has the file, or git does not hold one.
func SparseLedger(ctx context.Context, root string) (data []byte, ok bool) {
	if root == "" {
		return nil, false
	}
	if _, err := os.Lstat(dismiss.SharedPath(root)); !errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	g := (*gitexec.Git)(nil).In(root)
	out, err := g.Output(ctx, "ls-files", "-t", "--", dismiss.SharedFile)
	if err != nil || !strings.HasPrefix(string(out), "S ") {
		return nil, false
	}
	data, err = g.Output(ctx, "show", ":"+dismiss.SharedFile)
	if err != nil {
		return nil, false
	}
	return data, true
}

// workTreeLedger is the shared ledger of the work tree at root: the file,
// else what a sparse checkout left out of it (SparseLedger); nil for none.
func workTreeLedger(ctx context.Context, root string) []byte {
	if data, ok := SparseLedger(ctx, root); ok {
		return data
	}
	data, _ := os.ReadFile(dismiss.SharedPath(root))
	return data
}
