package diffcmd

import (
	"testing"
)

// Every selection-flag conflict names quorum diff's own help.
func TestSelectionFlagConflictHintNamesDiff(t *testing.T) {
	for _, tc := range []struct{ args, msg string }{
		{"--staged --worktree", "--staged and --worktree cannot be used together"},
		{"--commits a..b --base main", "--commits cannot be combined with --base, --head, --staged or --worktree"},
		{"--worktree --base main", "--staged and --worktree compare with HEAD; they cannot be combined with --base or --head"},
		{"--commits A...B", `--commits takes a range A..B, got "A...B": for the commits of B since it left A, use --base A --head B`},
	} {
		_, stderr, code := run(t, t.TempDir(), tc.args)
		assertErr(t, stderr, code, "error: "+tc.msg, "hint: run 'quorum diff --help' for the flags")
	}
}
