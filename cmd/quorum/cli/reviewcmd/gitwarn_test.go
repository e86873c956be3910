package reviewcmd

import (
	"context"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/ollamatest"
)

// A date past the reflog resolves, as to git, to its oldest entry: the
// review goes on over that range, and git's warning reaches stderr so that
// a review of a range the user did not mean does not pass in silence.
func TestReflogDateWarning(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	res := e.run(context.Background(), "--commits", "HEAD@{20.years.ago}..HEAD", "--format", "json")
	if res.code != 0 || e.srv.ModelCalls() == 0 {
		t.Fatalf("exit %d, %d model calls\n%s", res.code, e.srv.ModelCalls(), res.stderr)
	}
	if !strings.Contains(res.stderr, "quorum: warning: git: log for 'HEAD' only goes back to ") {
		t.Errorf("no git warning on stderr:\n%s", res.stderr)
	}
	// A revision git resolves without a warning gets none.
	res = e.run(context.Background(), "--commits", "HEAD~1..HEAD", "--format", "json")
	if res.code != 0 || strings.Contains(res.stderr, "warning: git") {
		t.Errorf("exit %d, stderr:\n%s", res.code, res.stderr)
	}
}

// An empty --head= (a script's unset variable) is refused before anything
// is read, exit 2 with a hint: read as the default, it would review HEAD.
func TestEmptyRevisionFlagRefused(t *testing.T) {
	e := newEnv(t, ollamatest.Config{})
	res := e.run(context.Background(), "--head=", "-q")
	if res.code != 2 || res.stderr != "error: --head is empty\nhint: give --head a revision, or leave the flag out for its default\n" || e.srv.ModelCalls() != 0 {
		t.Fatalf("exit %d, %d model calls, stderr:\n%s", res.code, e.srv.ModelCalls(), res.stderr)
	}
}
