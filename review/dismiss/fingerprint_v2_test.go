package dismiss_test

import (
	"testing"
	"time"

	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
	rt "github.com/quorum-review/quorum/review/report/reporttest"
)

var runners = []string{
	"+class AdminRunner:",
	"+    def run(self, cmd):",
	"+        return subprocess.exec(cmd)",
	"+",
	"+class GuestRunner:",
	"+    def run(self, cmd):",
	"+        return subprocess.exec(cmd)",
}

// TestTwoClassesMethodsAreTwoPlaces: the same line in a method of the same
// name in two classes of one file. Dismissing the admin runner's (its
// command comes from config) must not dismiss the guest runner's.
func TestTwoClassesMethodsAreTwoPlaces(t *testing.T) {
	s := set("app/runners.py", 1, runners...)
	admin := kinded(review.RawFinding{Line: 3, Quote: "return subprocess.exec(cmd)", Severity: review.Critical, Category: "security", Title: "Command injection", Explanation: "cmd runs in a shell"}, "command-injection")
	guest := admin
	guest.Line = 7
	a := only(t, consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": admin}), nil))
	g := only(t, consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": guest}), nil))
	if a.Fingerprint == g.Fingerprint {
		t.Fatalf("both methods have fingerprint %s", a.Fingerprint)
	}
	l := &dismiss.Ledger{}
	l.Add(dismiss.NewEntry(a, "the admin's command comes from config", "", time.Time{}))
	// Two reviewers, each reporting both.
	admin.File, guest.File = "app/runners.py", "app/runners.py"
	both := &review.Raw{}
	for i, name := range []string{"alpha", "beta"} {
		both.Results = append(both.Results, rt.Result(name, i, rt.Chunk("c1", []string{"app/runners.py"}, review.Answer{Findings: []review.RawFinding{admin, guest}})))
	}
	r := consolidate(t, s, both, l)
	if len(r.Dismissed) != 1 || len(r.Findings) != 1 || r.Findings[0].Line != 7 || !r.Verdict.GateTripped {
		t.Fatalf("dismissed %d, findings %+v", len(r.Dismissed), r.Findings)
	}
}

// TestFormatterKeepsTheFingerprint: gofmt re-spacing the function's line
// and the finding's line keeps the dismissal.
func TestFormatterKeepsTheFingerprint(t *testing.T) {
	before := set("tool/run.go", 1, "+func Run(cmd string)(string,error){", "+	out,err:=exec.Command(\"sh\",\"-c\",cmd).Output()", "+	return string(out), err", "+}")
	after := set("tool/run.go", 1, "+func Run(cmd string) (string, error) {", "+	out, err := exec.Command(\"sh\", \"-c\", cmd).Output()", "+	return string(out), err", "+}")
	f := func(q string) review.RawFinding {
		return kinded(review.RawFinding{Line: 2, Quote: q, Severity: review.Critical, Category: "security", Title: "Shell command from input", Explanation: "x"}, "command-injection")
	}
	b := only(t, consolidate(t, before, raw(before, map[string]review.RawFinding{"alpha": f(`out,err:=exec.Command("sh","-c",cmd).Output()`)}), nil))
	l := &dismiss.Ledger{}
	l.Add(dismiss.NewEntry(b, "cmd is a constant", "", time.Time{}))
	r := consolidate(t, after, raw(after, map[string]review.RawFinding{"alpha": f(`out, err := exec.Command("sh", "-c", cmd).Output()`)}), l)
	if len(r.Dismissed) != 1 || len(r.Findings) != 0 {
		t.Fatalf("after gofmt: dismissed %d, findings %+v", len(r.Dismissed), r.Findings)
	}
}

// TestLegacyEntryStillMatches: a ledger written with v1 fingerprints keeps
// its dismissals, and dismissing the finding again replaces the entry.
func TestLegacyEntryStillMatches(t *testing.T) {
	want := base(t)
	if want.LegacyFingerprint == "" || want.LegacyFingerprint == want.Fingerprint {
		t.Fatalf("fingerprint %s, legacy %q", want.Fingerprint, want.LegacyFingerprint)
	}
	old := dismiss.Entry{Fingerprint: want.LegacyFingerprint, Kinds: want.Kinds, File: want.File, Reason: "written by an older quorum"}
	l := &dismiss.Ledger{Entries: []dismiss.Entry{old}}
	s := set("store/load.go", 1, body...)
	if r := consolidate(t, s, raw(s, map[string]review.RawFinding{"alpha": dropped}), l); len(r.Dismissed) != 1 {
		t.Fatalf("a v1 entry no longer dismisses: findings %+v", r.Findings)
	}
	if got := l.Add(dismiss.NewEntry(want, "again", "", time.Time{})); len(got) != 1 || len(l.Entries) != 1 || l.Entries[0].Fingerprint != want.Fingerprint {
		t.Fatalf("dismissing again: replaced %+v, ledger %+v", got, l.Entries)
	}
}
