package dismisscmd

import (
	"testing"

	"github.com/quorum-review/quorum/review/report"
)

// A judged finding is recorded as each rules finding it holds, all under
// its id; any other finding as itself.
func TestPartsOf(t *testing.T) {
	plain := report.Finding{ID: "Q1", Fingerprint: "fp1", File: "a.go", Line: 3}
	if got := partsOf(plain); len(got) != 1 || got[0].Fingerprint != "fp1" {
		t.Fatalf("plain: %+v", got)
	}
	judged := report.Finding{ID: "Q2", Fingerprint: "fpA", Parts: []report.Part{
		{Fingerprint: "fpA", Kinds: []string{"sql-injection"}, Severity: "critical", File: "a.go", Line: 4, Title: "SQL"},
		{Fingerprint: "fpB", Kinds: []string{"unchecked-error"}, Severity: "important", File: "b.go", Line: 9, Title: "err"},
	}}
	got := partsOf(judged)
	if len(got) != 2 || got[0].ID != "Q2" || got[1].ID != "Q2" || got[1].Fingerprint != "fpB" || got[1].Severity != "important" || got[1].Kinds[0] != "unchecked-error" {
		t.Fatalf("judged: %+v", got)
	}
}
