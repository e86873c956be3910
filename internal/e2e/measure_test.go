package e2e

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ollama/ollama/api"
)

// The measures for BENCHMARKS.md. They run only with QUORUM_E2E_MEASURE=1:
//
//	QUORUM_OLLAMA_BIN=$(scripts/ollama-server.sh) QUORUM_E2E_MEASURE=1 \
//	  go test -count=1 -v -run TestMeasure ./internal/e2e/

const measureTrials = 3

func measuring(t *testing.T) {
	t.Helper()
	if os.Getenv("QUORUM_E2E_MEASURE") != "1" {
		t.Skip("set QUORUM_E2E_MEASURE=1 to measure")
	}
}

// unloadAll empties the server, so every trial pays the loads it would on a
// cold server.
func unloadAll(t *testing.T, c *api.Client) {
	t.Helper()
	ctx := context.Background()
	ps, err := c.ListRunning(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ps.Models {
		err := c.Generate(ctx, &api.GenerateRequest{Model: m.Name, KeepAlive: &api.Duration{}}, func(api.GenerateResponse) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		ps, err := c.ListRunning(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps.Models) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("models still loaded: %+v", ps.Models)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type sample struct {
	wall, serverSum, critical, load, warm time.Duration
}

func median(xs []sample) sample {
	slices.SortFunc(xs, func(a, b sample) int { return int(a.wall - b.wall) })
	return xs[len(xs)/2]
}

// TestMeasureAPI: three terse models, one review-shaped chat each, from a
// cold server: one after the other versus all three at once.
func TestMeasureAPI(t *testing.T) {
	measuring(t)
	s := start(t)
	c := client(s)
	names := terseNames()
	once := func(model string) api.ChatResponse {
		resp, err := chat(context.Background(), c, model, 4096, nil)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	var seq, conc []sample
	for trial := 0; trial < measureTrials; trial++ {
		unloadAll(t, c)
		var sm sample
		t0 := time.Now()
		for _, m := range names {
			r := once(m)
			sm.serverSum += r.TotalDuration
			sm.load += r.LoadDuration
		}
		sm.wall = time.Since(t0)
		sm.critical = sm.serverSum
		seq = append(seq, sm)

		unloadAll(t, c)
		var cm sample
		var mu sync.Mutex
		var wg sync.WaitGroup
		t0 = time.Now()
		for _, m := range names {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := once(m)
				mu.Lock()
				cm.serverSum += r.TotalDuration
				cm.load += r.LoadDuration
				cm.critical = max(cm.critical, r.TotalDuration)
				mu.Unlock()
			}()
		}
		wg.Wait()
		cm.wall = time.Since(t0)
		conc = append(conc, cm)
	}
	logTable(t, "API: 3 terse models x 1 chat, cold (median of 3)", map[string]sample{
		"one after the other": median(seq),
		"all three at once":   median(conc),
	})
}

// TestMeasureReview: `quorum review` over the three terse models, model by
// model (the default) versus --concurrent-models 3, with --no-cache.
// quorum's overhead is its wall-clock minus the server's total durations
// along the critical path (all requests in a row when model by model; the
// longest model's requests when concurrent).
func TestMeasureReview(t *testing.T) {
	measuring(t)
	s := start(t)
	bin := quorum(t)
	needs(t, bin, "review", "--models", "--format", "--no-cache", "--concurrent-models", "--raw")
	proxy := NewProxy(t, s)
	c := client(s)
	fx := newFixture(t)
	cache := t.TempDir()
	panel := strings.Join(terseNames(), ",")
	modes := map[string][]string{
		"model by model":        nil,
		"--concurrent-models 3": {"--concurrent-models", "3"},
	}
	results := map[string][]sample{}
	var overheadMS []int64
	var processWall []time.Duration
	for trial := 0; trial < measureTrials; trial++ {
		for _, mode := range []string{"model by model", "--concurrent-models 3"} {
			unloadAll(t, c)
			proxy.Reset()
			args := append([]string{"review", "--models", panel, "--format", "json", "--raw", "--no-cache", "--quiet"}, modes[mode]...)
			r := fx.quorum(t, bin, proxy.Host, cache, args...)
			if r.Code != 0 {
				t.Fatalf("%s: exit %d\n%s", mode, r.Code, r.Stderr)
			}
			raw := parseRaw(t, r)
			// Server time: each chat's own total_duration, plus each load
			// request (/api/generate) as timed at the proxy, since v0.6.5
			// reports no duration for a load.
			sm := sample{wall: raw.Wall}
			processWall = append(processWall, r.Wall)
			perModel := map[string]time.Duration{}
			for _, ch := range proxy.Chats() {
				sm.serverSum += ch.TotalDuration
				sm.load += ch.LoadDuration
				perModel[strings.TrimSuffix(ch.Model, ":latest")] += ch.TotalDuration
			}
			for _, g := range proxy.Records("/api/generate") {
				d := g.End.Sub(g.Start)
				sm.serverSum += d
				sm.warm += d
				perModel[strings.TrimSuffix(g.Model, ":latest")] += d
			}
			if mode == "model by model" {
				sm.critical = sm.serverSum
				overheadMS = append(overheadMS, (raw.Wall - sm.critical).Milliseconds())
			} else {
				for _, d := range perModel {
					sm.critical = max(sm.critical, d)
				}
			}
			results[mode] = append(results[mode], sm)
		}
	}
	table := map[string]sample{}
	for mode, xs := range results {
		table[mode] = median(xs)
	}
	logTable(t, "quorum review, 3 terse models, --no-cache, cold (median of 3; wall-clock is the run's own wall_ns)", table)
	t.Logf("process wall-clock of every run (both modes, in order): %v", processWall)
	t.Logf("quorum's own overhead, model by model (its raw wall_ns minus the server's time along the critical path), per trial: %v ms", overheadMS)
}

func logTable(t *testing.T, title string, rows map[string]sample) {
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s\n\n| schedule | wall-clock | server time (sum) | of which load requests | load_duration in chats | critical path | overhead (wall - critical) |\n|---|---|---|---|---|---|---|\n", title)
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		r := rows[k]
		fmt.Fprintf(&b, "| %s | %v | %v | %v | %v | %v | %v |\n", k, r.wall.Round(time.Millisecond), r.serverSum.Round(time.Millisecond),
			r.warm.Round(time.Millisecond), r.load.Round(time.Millisecond), r.critical.Round(time.Millisecond), (r.wall - r.critical).Round(time.Millisecond))
	}
	t.Log(b.String())
}
