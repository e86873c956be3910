package dismiss_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/diff/difftest"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
	rt "github.com/quorum-review/quorum/review/report/reporttest"
)

// TestCopiesCountTheFile: a copy of a dismissed line added to its
// function counts with the old one even where the diff does not show the
// old one (it sits far above the change), so the dismissal no longer covers
// either; an unrelated edit beside the old copy, once both were dismissed,
// changes nothing (the count is the file's, not the diff's reach).
func TestCopiesCountTheFile(t *testing.T) {
	r := difftest.New(t)
	pad := strings.Repeat("\tlog(\"step\")\n", 20)
	admin := "\tmux.HandleFunc(\"/admin/run\", func(w http.ResponseWriter, req *http.Request) {\n\t\texec.Command(\"sh\", \"-c\", req.FormValue(\"cmd\")).Run()\n\t})\n"
	public := strings.Replace(admin, "/admin/run", "/public/run", 1)
	r.Write("h.go", "package h\n\nfunc routes(mux *http.ServeMux) {\n"+admin+pad+"}\n")
	base := r.Commit("admin route")
	r.Write("h.go", "package h\n\nfunc routes(mux *http.ServeMux) {\n"+admin+pad+public+"}\n")
	head := r.Commit("public route")
	set, err := diff.Load(context.Background(), diff.Options{Dir: r.Dir, Commits: base + ".." + head})
	if err != nil {
		t.Fatal(err)
	}
	const quote = "exec.Command(\"sh\", \"-c\", req.FormValue(\"cmd\")).Run()"
	exe := rt.F("h.go", 27, quote, review.Critical, "security", "Command from the request", "The request's cmd runs in a shell (command injection).")
	got := only(t, consolidate(t, set, rawOf(set, exe), nil))
	if got.Copies != 2 || len(got.CopyLines) != 2 || got.CopyLines[0] != 5 {
		t.Fatalf("the new copy: copies %d at %v, want 2 (the old one at 5, outside the diff)", got.Copies, got.CopyLines)
	}
	// Dismissed for both: an edit beside the old copy keeps it dismissed.
	l := &dismiss.Ledger{Entries: []dismiss.Entry{dismiss.NewEntry(got, "both behind the admin proxy", "", time.Time{})}}
	r.Write("h.go", "package h\n\nfunc routes(mux *http.ServeMux) {\n\t// routes\n"+admin+pad+public+"}\n")
	head2 := r.Commit("a comment")
	set2, err := diff.Load(context.Background(), diff.Options{Dir: r.Dir, Commits: base + ".." + head2})
	if err != nil {
		t.Fatal(err)
	}
	exe.Line = 28
	if rep := consolidate(t, set2, rawOf(set2, exe), l); len(rep.Dismissed) != 1 {
		t.Errorf("after an edit beside the old copy: kept %+v", rep.Findings)
	}
}

// TestDeletedCopiesCount: two identical guards deleted from one function
// are two copies: a dismissal of one does not cover the other.
func TestDeletedCopiesCount(t *testing.T) {
	f := rt.File("h.go", diff.StatusModified, 1, 1, " func h(w http.ResponseWriter, r *http.Request) {", "-\tmustAuthorize(r)", " \tlist(w)", "-\tmustAuthorize(r)", " \tsave(w)", " }")
	set := &diff.Set{Mode: "range", Base: diff.Ref{Commit: "b"}, Head: diff.Ref{Commit: "h"}, Files: []diff.File{f}}
	guard := rt.F("h.go", 2, "-\tmustAuthorize(r)", review.Critical, "security", "Authorization check removed", "The handler no longer checks the caller (missing authorization).")
	rep := consolidate(t, set, rawOf(set, guard), nil)
	all := append(rep.Findings, rep.Dismissed...)
	if len(all) != 1 || !all[0].Deleted || all[0].Copies != 2 {
		t.Fatalf("deleted guard: %+v", all)
	}
}
