package hook

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
)

// BenchmarkPlanPush measures the hook's own overhead before any review: a
// push of a 10-commit branch off a 2000-commit history the remote has.
//
//	go test ./internal/hook -run '^$' -bench PlanPush -benchtime 20x
func BenchmarkPlanPush(b *testing.B) {
	dir := b.TempDir()
	gitIn := func(stdin string, args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Stdin = strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git %v: %v %s", args, err, out)
		}
	}
	gitIn("", "init", "-q", "-b", "main")
	// fast-import builds the history in one process: 2000 commits on main,
	// then 10 on feature.
	var s strings.Builder
	mark := 0
	commit := func(ref string, i int, from int) {
		mark++
		fmt.Fprintf(&s, "commit %s\nmark :%d\ncommitter A <a@x> %d +0000\ndata 2\nc\n", ref, mark, 1700000000+mark)
		if from > 0 {
			fmt.Fprintf(&s, "from :%d\n", from)
		}
		content := fmt.Sprintf("line %d\n", i)
		fmt.Fprintf(&s, "M 644 inline f%d.txt\ndata %d\n%s\n", i%50, len(content), content)
	}
	for i := 0; i < 2000; i++ {
		commit("refs/heads/main", i, 0)
	}
	base := mark
	commit("refs/heads/feature", 0, base)
	for i := 1; i < 10; i++ {
		commit("refs/heads/feature", i, 0)
	}
	gitIn(s.String(), "fast-import", "--quiet")
	gitIn("", "update-ref", "refs/remotes/origin/main", "refs/heads/main")
	out, err := git{dir: dir}.output(context.Background(), "rev-parse", "refs/heads/feature")
	if err != nil {
		b.Fatal(err)
	}
	ups := []Update{{LocalRef: "refs/heads/feature", LocalOID: out, RemoteRef: "refs/heads/feature", RemoteOID: strings.Repeat("0", len(out))}}
	b.ResetTimer()
	for b.Loop() {
		p, err := PlanPush(context.Background(), dir, ups, PlanOptions{Remote: "origin"})
		if err != nil || len(p.Ranges) != 1 || len(p.Commits) != 10 {
			b.Fatalf("%+v %v", p, err)
		}
	}
}
