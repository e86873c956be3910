package merge

import (
	"testing"

	"github.com/quorum-review/quorum/review/anchor"
)

// kinded is f with the kind its reviewer declared in the schema's field.
func kinded(f anchor.Finding, kind string) anchor.Finding {
	f.Raw.Kind = kind
	return f
}

// clusterCount is how many clusters the findings make, and how many with
// one ablation switched on: a rule's test must see a difference, or it
// tests nothing.
func clusterCount(t *testing.T, flag *bool, in ...anchor.Finding) (with, without int) {
	t.Helper()
	with = len(Clusters(in))
	*flag = true
	without = len(Clusters(in))
	*flag = false
	return with, without
}

const putSec = "func (c *LRU) Put(key string, val any) {"

func TestDeclaredKindIsolation(t *testing.T) {
	// The file-wide rule (TestFileWideKindIsolation) would link these
	// lone pairs too: off, so that what is measured is this rule.
	ablate.fileKind = true
	defer func() { ablate.fileKind = false }()
	// One deadlock, anchored at the Lock and at the early return eight
	// lines below, worded with no shared word.
	a := kinded(withLine(fnd("a", "lru.go", 46, "critical", "concurrency", "Mutex never released when the key exists", "The early return leaves it held."), putSec, "c.mu.Lock()"), "deadlock")
	b := kinded(withLine(fnd("b", "lru.go", 54, "important", "concurrency", "Every later call stalls", "After one update nothing else gets in."), putSec, "return"), "deadlock")
	// Reviewer a's finding of another kind in the function rules out the
	// kind-blind isolated pair; it does not rule out one deadlock.
	nit := kinded(withLine(fnd("a", "lru.go", 58, "suggestion", "bug", "Capacity 0 evicts at once", "Reject it in New."), putSec, "if len(c.items) > c.cap {"), "input-validation")
	if with, without := clusterCount(t, &ablate.kindIsolated, a, b, nit); with != 2 || without != 3 {
		t.Fatalf("lone deadlocks of two reviewers in one function: %d clusters (%d without the rule), want 2 (3)", with, without)
	}
	// A reviewer with a second deadlock in the function says there are two:
	// which one b means is the text's call, and the text does not say.
	a2 := kinded(withLine(fnd("a", "lru.go", 50, "important", "concurrency", "Callback runs under the lock", "onEvict may call back into the cache."), putSec, "c.onEvict(k)"), "deadlock")
	if got := Clusters([]anchor.Finding{a, a2, b}); len(got) != 3 {
		t.Fatalf("second deadlock of reviewer a: %d clusters, want 3:\n%s", len(got), signature(got))
	}
	// A per-call kind (each call can drop its own error) isolates only
	// within Window lines, not across the function.
	c := kinded(withLine(fnd("a", "lru.go", 46, "important", "error-handling", "Write error dropped", "The result is discarded."), putSec, "c.w.Write(buf)"), "unchecked-error")
	d := kinded(withLine(fnd("b", "lru.go", 54, "important", "error-handling", "Failures pass silently", "Nothing reports them."), putSec, "return"), "unchecked-error")
	if got := Clusters([]anchor.Finding{c, d, nit}); len(got) != 3 {
		t.Fatalf("unchecked errors eight lines apart: %d clusters, want 3:\n%s", len(got), signature(got))
	}
	// Two findings that declare "other" are not alike: other is every
	// logic bug the taxonomy has no name for.
	e := kinded(withLine(fnd("a", "lru.go", 47, "important", "bug", "Tokens are never capped", "The bucket grows without a ceiling."), putSec, "b.tokens += int(elapsed * rate)"), "other")
	f := kinded(withLine(fnd("b", "lru.go", 48, "important", "bug", "Fractions are thrown away", "Slow clients never earn a token."), putSec, "b.last = now"), "other")
	// Reviewer a's second finding nearby rules out the kind-blind isolated pair.
	g := kinded(withLine(fnd("a", "lru.go", 49, "important", "bug", "Negative rate accepted", "Reject it in New."), putSec, "rate := cfg.Rate"), "input-validation")
	if with, alike := clusterCount(t, &alt.kisoOther, e, f, g); with != 3 || alike != 2 {
		t.Fatalf("findings declaring other: %d clusters (%d if other were a kind), want 3 (2)", with, alike)
	}
}

func TestDeclaredKindsAreKnown(t *testing.T) {
	// input-validation is weak when inferred from words (every kind of
	// finding may say "validate"), but a reviewer that declares it means it:
	// a spoofable client address and a dropped parse error on adjacent
	// lines, worded with no names and no quote, are two issues. (Were the
	// declared kind weak, nothing would keep this isolated pair apart.)
	a := kinded(fnd("a", "l.go", 47, "important", "security", "Client address can be chosen by the caller", "The header is taken as given."), "input-validation")
	b := kinded(fnd("b", "l.go", 48, "important", "error-handling", "Parse failure goes unnoticed", "Nothing reports it."), "unchecked-error")
	a.Section, b.Section = sec, sec
	if got := Clusters([]anchor.Finding{a, b}); len(got) != 2 {
		t.Fatalf("declared input-validation and unchecked-error: %d clusters, want 2:\n%s", len(got), signature(got))
	}
	// Without the declared kinds, the words name no kinds and the pair is
	// one issue by isolation: the declared kinds are what keeps them apart.
	a.Raw.Kind, b.Raw.Kind = "", ""
	if got := Clusters([]anchor.Finding{a, b}); len(got) != 1 {
		t.Fatalf("the same findings without kinds: %d clusters, want 1 (else the test tests nothing):\n%s", len(got), signature(got))
	}
}

func TestFunctionWideKindSpansPlaces(t *testing.T) {
	ablate.fileKind = true // as in TestDeclaredKindIsolation
	defer func() { ablate.fileKind = false }()
	// One lock-order deadlock, reported at the two places it spans, each
	// finding naming the code on its own line ten lines apart.
	const transfer = "func (b *Bank) Transfer(src, dst *Account, n int) {"
	a := kinded(withLine(fnd("a", "b.go", 10, "critical", "concurrency", "`src.mu` locked before `dst.mu`", "Opposite transfers take them in the other order."), transfer, "src.mu.Lock()"), "deadlock")
	b := kinded(withLine(fnd("b", "b.go", 20, "critical", "concurrency", "`audit` re-enters the bank", "It takes the locks again."), transfer, "b.audit(ctx)"), "deadlock")
	if with, without := clusterCount(t, &ablate.kindIsolated, a, b); with != 1 || without != 2 {
		t.Fatalf("a function-wide kind at two places: %d clusters (%d without the rule), want 1 (2)", with, without)
	}
	// The second deadlock of reviewer b, past b's own line, is still near
	// the pair: the window reaches KindWindow lines beyond both ends.
	b2 := kinded(withLine(fnd("b", "b.go", 48, "important", "concurrency", "Callback under the lock", "notify may call Transfer."), transfer, "b.notify(src)"), "deadlock")
	if got := Clusters([]anchor.Finding{a, b, b2}); len(got) != 3 {
		t.Fatalf("second deadlock of reviewer b beyond the pair: %d clusters, want 3:\n%s", len(got), signature(got))
	}
}

func TestWordsOverruleDeclaredKind(t *testing.T) {
	// Reviewer b declared data-race, but its words name a deadlock: the
	// declared kinds do not keep the two findings of one bug apart.
	a := kinded(withLine(fnd("a", "s.rs", 15, "critical", "concurrency", "Deadlock: remove re-locks inner", "The guard is still held."), "pub fn get(&self, token: &str) -> Session {", "self.remove(token);"), "deadlock")
	b := kinded(fnd("b", "s.rs", 13, "critical", "concurrency", "Recursive locking", "Taking the lock again while it is held deadlocks the thread."), "data-race")
	b.Section = a.Section
	if with, without := clusterCount(t, &ablate.wordsOverrule, a, b); with != 1 || without != 2 {
		t.Fatalf("declared kinds the words overrule: %d clusters (%d without the rule), want 1 (2)", with, without)
	}
}

func TestCauseAndSymptomKinds(t *testing.T) {
	// A lookup that may find nothing (missing-record) and the dereference
	// a line below (nil-deref) are one bug.
	const login = "async function login(req, res) {"
	a := kinded(withLine(fnd("a", "l.ts", 22, "important", "bug", "Unknown address not handled", "No user row matches."), login, "const user = await db.findUser(email);"), "missing-record")
	b := kinded(withLine(fnd("b", "l.ts", 23, "important", "bug", "Crash reading hash", "It can be null here."), login, "const ok = await verify(user.hash, password);"), "nil-deref")
	// Reviewer b's second finding nearby, of another kind, rules out the
	// kind-blind isolated pair.
	md5 := kinded(withLine(fnd("b", "l.ts", 24, "critical", "security", "MD5 password hashes", "Use a slow hash."), login, "const digest = md5(password);"), "weak-crypto")
	if with, without := clusterCount(t, &ablate.causeSymptom, a, b, md5); with != 2 || without != 3 {
		t.Fatalf("cause and symptom kinds: %d clusters (%d without the rule), want 2 (3)", with, without)
	}
	// On one line, two such kinds are two bugs found by different reviewers.
	c := kinded(withLine(fnd("a", "l.ts", 24, "important", "bug", "Short writes go unnoticed", "Truncated files look complete."), login, "io.Copy(out, rc)"), "unchecked-error")
	d := kinded(withLine(fnd("b", "l.ts", 24, "important", "bug", "Damaged entry crashes the worker", "The reader is nil."), login, "io.Copy(out, rc)"), "nil-deref")
	if got := Clusters([]anchor.Finding{c, d}); len(got) != 2 {
		t.Fatalf("cause/symptom kinds on one line: %d clusters, want 2:\n%s", len(got), signature(got))
	}
}

func TestPerCallKindsFarApartNeedNamedEvidence(t *testing.T) {
	// Both lines call p.fail(job, err): that the lines share names says
	// nothing about which of the function's unchecked errors each means.
	const run = "func (p *Pool) run(job Job) {"
	a := kinded(withLine(fnd("a", "p.go", 64, "important", "error-handling", "Error from `cmd.Run` not returned", "The job carries on."), run, "p.fail(job, err)"), "unchecked-error")
	b := kinded(withLine(fnd("b", "p.go", 70, "important", "error-handling", "Missing return after fail", "A nil file is used next."), run, "p.fail(job, err)"), "unchecked-error")
	// Reviewer c's two findings in the function rule out the isolated pair.
	c1 := kinded(withLine(fnd("c", "p.go", 60, "suggestion", "style", "Long function", "Split run."), run, "start := time.Now()"), "other")
	c2 := kinded(withLine(fnd("c", "p.go", 75, "suggestion", "style", "Log the duration", "Nobody sees it."), run, "p.done(job)"), "other")
	if with, without := clusterCount(t, &ablate.perCallFar, a, b, c1, c2); with != 4 || without != 3 {
		t.Fatalf("per-call kind six lines apart on lines sharing names: %d clusters (%d without the rule), want 4 (3)", with, without)
	}
}

// TestOtherIsNotAnyKind: a reviewer that declared "other" found no kind of
// the taxonomy for its defect, so a finding of a declared kind there is
// another defect, unless the first one's words name that kind.
func TestOtherIsNotAnyKind(t *testing.T) {
	const sec = "def write_report(rows, path):"
	header := kinded(withLine(fnd("a", "report.py", 13, "important", "bug", "CSV header derived from the first record only", "Rows with extra keys lose their columns: build the header from every row."), sec, "w = csv.DictWriter(f, fieldnames=fields)"), "other")
	empty := kinded(withLine(fnd("b", "report.py", 12, "important", "bug", "`IndexError` when `rows` is empty", "`rows[0]` blows up on an empty report; return early."), sec, "fieldnames=rows[0].keys()"), "bounds")
	if with, without := clusterCount(t, &ablate.otherNoKind, header, empty); with != 2 || without != 1 {
		t.Fatalf("other beside bounds a line apart: %d clusters (%d if other were no kind), want 2 (1)", with, without)
	}
	// The same defect: the words of the "other" finding name the kind.
	crash := kinded(withLine(fnd("a", "report.py", 12, "important", "bug", "Crash on an empty report", "rows[0] raises an IndexError: index out of range when there are no rows."), sec, "fieldnames=rows[0].keys()"), "other")
	if got := Clusters([]anchor.Finding{crash, empty}); len(got) != 1 {
		t.Fatalf("other whose words name bounds: %d clusters, want 1:\n%s", len(got), signature(got))
	}
}

func TestFileWideKindIsolation(t *testing.T) {
	// One data race, reported at the shared field's declaration and at the
	// write in a worker sixty lines below, in another function, worded with
	// no shared name: each reviewer has one race in the file, so one issue.
	const worker = "func (r *Restorer) writeFiles(jobs <-chan job) {"
	a := kinded(withLine(fnd("a", "x.go", 25, "important", "concurrency", "`stats` is shared with no lock", "Every writer goroutine mutates it."), "type Restorer struct {", "stats    Stats"), "data-race")
	b := kinded(withLine(fnd("b", "x.go", 96, "important", "concurrency", "Totals can come out wrong", "Several writers update the counters at once."), worker, "r.stats.Files++"), "data-race")
	if with, without := clusterCount(t, &ablate.fileKind, a, b); with != 1 || without != 2 {
		t.Fatalf("lone races of two reviewers in one file: %d clusters (%d without the rule), want 1 (2)", with, without)
	}
	// A reviewer with a second race in the file says there are two.
	a2 := kinded(withLine(fnd("a", "x.go", 72, "important", "concurrency", "`Skipped` appended from two goroutines", "append is not safe."), "func (r *Restorer) Restore() error {", "r.stats.Skipped = append(r.stats.Skipped, name)"), "data-race")
	if got := Clusters([]anchor.Finding{a, a2, b}); len(got) != 3 {
		t.Fatalf("second race of reviewer a: %d clusters, want 3:\n%s", len(got), signature(got))
	}
	// So does a finding of no declared kind whose words name the kind.
	a3 := withLine(fnd("a", "x.go", 72, "important", "concurrency", "Data race on `Skipped`", "Two goroutines append to it."), "func (r *Restorer) Restore() error {", "r.stats.Skipped = append(r.stats.Skipped, name)")
	if got := Clusters([]anchor.Finding{a, a3, b}); len(got) != 3 {
		t.Fatalf("second race of reviewer a, kind from its words: %d clusters, want 3:\n%s", len(got), signature(got))
	}
	// Per-call kinds (each dropped error its own) and "other" stay apart
	// across functions.
	for _, kind := range []string{"unchecked-error", "other"} {
		c, d := kinded(a, kind), kinded(b, kind)
		if with, perCall := clusterCount(t, &alt.fileKindPerCall, c, d); with != 2 || kind == "unchecked-error" && perCall != 1 {
			t.Fatalf("%s in two functions: %d clusters (%d with per-call kinds file-wide), want 2", kind, with, perCall)
		}
	}
	// The same race in two files is two places: no link across files.
	bOther := b
	bOther.File = "y.go"
	if got := Clusters([]anchor.Finding{a, bOther}); len(got) != 2 {
		t.Fatalf("races in two files: %d clusters, want 2:\n%s", len(got), signature(got))
	}
}
