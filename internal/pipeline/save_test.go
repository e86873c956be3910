package pipeline

import (
	"context"
	"testing"
	"time"

	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/reportstore"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/dismiss"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

func TestInterruptedBeforeAnyAnswerSavesNothing(t *testing.T) {
	set := reporttest.Set()
	files := reporttest.Files(set)
	for _, tt := range []struct {
		name     string
		result   review.RawResult
		wantSave bool
	}{
		{"no answer", review.RawResult{Reviewer: review.Reviewer{Name: "alice", Model: "alice:7b"}, Status: review.StatusFailed, Error: "interrupted before its chunks were planned"}, false},
		{"one answer", reporttest.Result("alice", 0, reporttest.Chunk("c1", files[:1], review.Answer{})), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw := reporttest.Raw(tt.result)
			raw.Interrupted = true
			gitDir := t.TempDir()
			res, err := Review(context.Background(), nil, Request{
				Set: set, Raw: raw, GitDir: gitDir, SaveUnanswered: true,
				Now: func() time.Time { return reporttest.GeneratedAt }, Dismissals: &dismiss.Ledger{},
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Dir != ""; got != tt.wantSave || res.SaveErr != nil {
				t.Errorf("saved=%v (dir %q, err %v), want saved=%v", got, res.Dir, res.SaveErr, tt.wantSave)
			}
		})
	}
}

// Every save prunes the saved reports to the session's reports.keep.
func TestSavePrunesToConfig(t *testing.T) {
	set := reporttest.Set()
	files := reporttest.Files(set)
	cfg := config.Default()
	cfg.Reports.Keep = 2
	s := &Session{opts: Options{Config: cfg}}
	gitDir := t.TempDir()
	var dirs []string
	for i := 0; i < 4; i++ {
		raw := reporttest.Raw(reporttest.Result("alice", 0, reporttest.Chunk("c1", files[:1], review.Answer{})))
		res, err := Review(context.Background(), s, Request{
			Set: set, Raw: raw, GitDir: gitDir, Dismissals: &dismiss.Ledger{},
			Meta: report.Meta{GeneratedAt: reporttest.GeneratedAt.Add(time.Duration(i) * time.Minute)},
		})
		if err != nil || res.SaveErr != nil {
			t.Fatal(err, res.SaveErr)
		}
		dirs = append(dirs, res.Dir)
	}
	entries, err := reportstore.List(gitDir)
	if err != nil || len(entries) != 2 || entries[0].Dir != dirs[3] || entries[1].Dir != dirs[2] {
		t.Errorf("kept %+v, %v; want the last two of %v", entries, err, dirs)
	}
}
