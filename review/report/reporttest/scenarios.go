package reporttest

import (
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
)

// Scenario is a scripted review: a diff, the reviewers' raw answers, a policy.
type Scenario struct {
	Name     string
	Set      *diff.Set
	Raw      *review.Raw
	FailOn   string
	Severity string
}

// GeneratedAt is the reports' generation time, pinned so goldens are stable.
var GeneratedAt = time.Date(2026, 11, 27, 9, 2, 5, 0, time.UTC)

const (
	cacheGo   = "store/cache.go"
	handlerGo = "api/handler.go"
)

// The scripted findings, each as more than one reviewer might word it.
var (
	sqlAlice = F(handlerGo, 4, `q := "SELECT * FROM users WHERE name = '" + r.URL.Query().Get("name") + "'"`, "critical", "security",
		"SQL injection through the name query parameter",
		"The `name` parameter from `r.URL.Query()` is concatenated into the SQL text passed to `db.Query`, so a request can run arbitrary SQL.")
	sqlBob = F(handlerGo, 4, `q := "SELECT * FROM users WHERE name = '" + r.URL.Query().Get("name") + "'"`, "critical", "security",
		"User input concatenated into SQL query",
		"`r.URL.Query().Get(\"name\")` is spliced into the query string for `db.Query`: classic SQL injection. Use a placeholder.")
	sqlCarol = F("handler.go", 4, `q := "SELECT * FROM users WHERE name = '"`, "critical", "security",
		"SQL injection in Handle",
		"Handle builds the SQL for `db.Query` from the raw `name` query parameter; an attacker controls the query.")

	aliasAlice = F(cacheGo, 20, "return append(v, data...), nil", "critical", "bug",
		"append may write into the cached slice",
		"`append(v, data...)` reuses the backing array of `v` from `c.items` when it has spare capacity, so concurrent `Get` calls corrupt each other's results.")
	aliasBob = F(cacheGo, 20, "return append(v, data...), nil", "important", "bug",
		"Returned slice aliases the cache entry",
		"The result of `append(v, data...)` can share memory with the entry in `c.items`; callers that modify it change the cache.")
	aliasCarol = F(cacheGo, 0, "return append(v, data...), nil", "suggestion", "bug",
		"Copy v before appending",
		"`append(v, data...)` may alias `c.items[key]`; copying first makes `Get` safe for callers that mutate the slice.")

	queryAlice = F(handlerGo, 5, "rows, _ := db.Query(q)", "important", "error-handling",
		"Query error ignored; rows.Close panics on failure",
		"If `db.Query` fails, `rows` is nil and `defer rows.Close()` dereferences it.")
	queryBob = F(handlerGo, 0, "rows, _ := db.Query(q)", "important", "error-handling",
		"Unchecked error from db.Query leads to a nil pointer dereference",
		"The discarded error hides database failures, and the deferred `rows.Close()` then runs on a nil `rows`.")

	leakAlice = F(cacheGo, 17, "f, _ := os.Open(c.path(key))", "important", "bug",
		"File handle is never closed",
		"`os.Open` returns `f`, but nothing calls `f.Close()`, so every cache miss on disk leaks a descriptor.")
	leakBob = F(cacheGo, 17, "f, _ := os.Open(c.path(key))", "important", "bug",
		"Descriptor leak: missing f.Close()",
		"Each `Get` opens the entry file and never closes `f`; add `defer f.Close()` after checking the error.")
	readAlice = F(cacheGo, 18, "data, _ := io.ReadAll(f)", "important", "error-handling",
		"ReadAll error discarded",
		"A failed `io.ReadAll` returns partial `data` that `Get` then serves as a valid entry.")
	readBob = F(cacheGo, 18, "data, _ := io.ReadAll(f)", "important", "error-handling",
		"Partial reads are returned as success",
		"The error from `io.ReadAll` is dropped, so truncated `data` reaches callers without any signal.")

	// Findings on unchanged (context) lines: code the change did not touch.
	docAlice = F(cacheGo, 10, "func (c *Cache) Get(key string) ([]byte, error) {\n\tc.mu.RLock()", "suggestion", "docs",
		"Get has no doc comment",
		"`Get` is exported but says nothing about `ErrMiss` or who owns the returned slice.")
	lockBob = F(cacheGo, 11, "c.mu.RLock()", "important", "concurrency",
		"Read lock taken on a nil receiver",
		"A nil `*Cache` panics in `c.mu.RLock()` before any check.")

	unlockCarol = F(cacheGo, 13, "c.mu.RUnlock()", "suggestion", "concurrency",
		"Unlock before the disk read is deliberate but undocumented",
		"Releasing `c.mu` before `os.Open` avoids holding the lock over I/O; a comment would stop a later refactor from reintroducing the `defer`.")
)

func withFix(f review.RawFinding, fix string) review.RawFinding { f.Fix = fix; return f }

// Scenarios are the golden report cases of issue 4.
func Scenarios() []Scenario {
	set := Set()
	all := Files(set)
	cache := []string{cacheGo}
	handler := []string{handlerGo}
	one := func(name string, i int, fs ...review.RawFinding) review.RawResult {
		return Result(name, i, Chunk("c1", all, review.Answer{Summary: name + " reviewed the change.", Findings: fs}))
	}
	return []Scenario{
		{Name: "agree", Set: set, Raw: Raw(
			one("alice", 0, sqlAlice), one("bob", 1, sqlBob), one("carol", 2, sqlCarol))},
		{Name: "dispute", Set: set, Raw: Raw(
			one("alice", 0, aliasAlice), one("bob", 1, aliasBob), one("carol", 2, aliasCarol))},
		{Name: "reworded", Set: set, Raw: Raw(
			one("alice", 0, queryAlice), one("bob", 1, queryBob))},
		{Name: "adjacent", Set: set, Raw: Raw(
			one("alice", 0, leakAlice, readAlice), one("bob", 1, readBob, leakBob))},
		{Name: "rejected", Set: set, Raw: Raw(
			one("alice", 0, leakAlice, F("store/disk_cache.go", 12, "if err := c.flush(); err != nil {", "critical", "bug",
				"flush error swallowed", "The error from `c.flush` is logged and dropped.")),
			one("bob", 1, leakBob, F(cacheGo, 40, "c.evict(key)", "important", "bug",
				"evict called without the lock", "`c.evict` mutates `c.items` without holding `c.mu`.")))},
		{Name: "failed", Set: set, Raw: Raw(
			one("alice", 0, sqlAlice, leakAlice), one("bob", 1, sqlBob),
			Result("carol", 2, Failed("c1", all, "timed out after 5m0s waiting for the model")))},
		{Name: "repeat", Set: set, Raw: Raw(
			Result("alice", 0,
				Chunk("c1", cache, review.Answer{Summary: "The cache change.", Findings: []review.RawFinding{leakAlice}}),
				Chunk("c2", append(cache, handler...), review.Answer{Summary: "The cache and handler.", Findings: []review.RawFinding{
					leakAlice, sqlAlice}})),
			one("bob", 1, sqlBob))},
		{Name: "unchanged", Set: set, Raw: Raw(
			one("alice", 0, docAlice, leakAlice), one("bob", 1, lockBob, leakBob))},
		{Name: "empty", Set: EmptySet(), Raw: Raw(Result("alice", 0), Result("bob", 1))},
		{Name: "full", Set: set, Raw: Raw(
			Result("alice", 0,
				Chunk("c1", cache, review.Answer{
					Summary:   "The cache now reads entries from disk and releases its lock before I/O; the new handler is unsafe.",
					Findings:  []review.RawFinding{withFix(aliasAlice, "out := make([]byte, 0, len(v)+len(data))\nout = append(out, v...)\nreturn append(out, data...), nil"), leakAlice, readAlice},
					Strengths: []string{"Releasing the read lock before disk I/O keeps Get from blocking writers."},
					Concerns:  []string{"Errors from the disk path are dropped throughout Get."},
					Untested:  []review.Untested{{Scenario: "Get when the entry file is missing or unreadable", Risk: "high"}},
				}),
				Chunk("c2", handler, review.Answer{
					Summary:  "Handle is new and unsafe.",
					Findings: []review.RawFinding{withFix(sqlAlice, "-\tq := \"SELECT * FROM users WHERE name = '\" + r.URL.Query().Get(\"name\") + \"'\"\n-\trows, _ := db.Query(q)\n+\trows, err := db.Query(\"SELECT * FROM users WHERE name = ?\", r.URL.Query().Get(\"name\"))\n+\tif err != nil {\n+\t\thttp.Error(w, \"lookup failed\", http.StatusInternalServerError)\n+\t\treturn\n+\t}"), queryAlice},
					Docs:     []string{"Handle has no doc comment describing the query parameter."},
				})),
			Result("bob", 1, Chunk("c1", all, review.Answer{
				Summary:   "Two real problems: SQL injection in the handler and a leaked file in the cache.\x1b[31m",
				Findings:  []review.RawFinding{sqlBob, queryBob, aliasBob, leakBob, readBob, F("store/disk_cache.go", 3, "", "critical", "bug", "Hallucinated file", "This file is not in the diff.")},
				Strengths: []string{"releasing the read lock before disk I/O keeps Get from blocking writers."},
				Untested:  []review.Untested{{Scenario: "Handle with a name containing a quote", Risk: "high"}, {Scenario: "Concurrent Get calls on one key", Risk: "medium"}},
			})),
			Result("carol", 2,
				Chunk("c1", cache, review.Answer{Summary: "The cache change is mostly fine.", Findings: []review.RawFinding{aliasCarol, unlockCarol}}),
				Failed("c2", handler, "invalid JSON twice: unexpected end of input")),
		)},
	}
}
