package merge

import (
	"slices"
	"strings"
	"unicode"

	"github.com/quorum-review/quorum/review/anchor"
)

// This file is a closed, CWE-like taxonomy of issue kinds, and the cues that
// infer them from a finding's own words. Two findings of known, different
// kinds are never the same issue (an unchecked error and an injection in one
// call are two findings); two of one kind may be the same issue further
// apart than their wording alone would allow (the cause and the symptom of
// one bug). A finding whose words name no kind is left to the text and line
// rules.
//
// A kind the reviewer declares (RawFinding.Kind, which the schema requires)
// overrides the cues and is always known, even a kind whose words are weak
// evidence when only inferred. Two declared kinds conflict unless they are
// related (relatedKinds: cause and symptom, or two names models give one
// defect) or the words of one name the other's kind (a slip of the field).
// "other" declares nothing: such a finding is read by its words.

// Kinds, in a fixed order: a kindSet is a bit per kind.
var kindNames = []string{
	"unchecked-error", "sql-injection", "command-injection", "path-traversal", "xss",
	"open-redirect", "ssrf", "data-race", "deadlock", "resource-leak", "double-close",
	"nil-deref", "bounds", "division-by-zero", "unsafe-deserialization", "weak-crypto",
	"timing-attack", "missing-authz", "resource-exhaustion", "info-exposure", "http-status",
	"content-type", "session-fixation", "missing-record", "input-validation", "float-money", "hardcoded-secret", "integer-overflow",
	"auth-bypass", "missing-await", "panic",
	// Logic-bug kinds: without them half of what models file as "other"
	// is one of these, and "other" says nothing about which issue it is.
	"off-by-one", "missing-return", "blocking-call", "missing-transaction", "missing-cancellation",
}

type kindSet uint64

func kindBit(name string) kindSet {
	for i, k := range kindNames {
		if k == name {
			return 1 << i
		}
	}
	return 0
}

// A cue matches when every group has one alternative in the text; each
// alternative matches at the start of a word ("inject" matches
// "injection"), and may span words ("not closed").
type cue [][]string

// one is a cue of one group.
func one(alts ...string) cue { return cue{alts} }

// all is a cue that needs one alternative of each group.
func all(groups ...[]string) cue { return cue(groups) }

func alts(alts ...string) []string { return alts }

var (
	errWords    = alts("error", "errors", "err", "exception", "exceptions", "failure", "failures", "fails", "failed")
	ignoreWords = alts("ignor", "discard", "drop", "swallow", "unchecked", "not checked", "never checked", "isn't checked",
		"not check", "never check", "unhandled", "not handled", "silent", "thrown away", "blank identifier", "suppress",
		"hidden", "hide", "vanish", "lost", "unnoticed", "goes unnoticed", "not propagat", "not returned", "never returned", "is not consulted")
	queryWords = alts("sql", "query", "queries", "statement", "where clause", "database command", "select ")
	taintWords = alts("concatenat", "interpolat", "format", "f string", "string build", "user input", "user supplied",
		"untrusted", "verbatim", "directly into", "unescaped", "clauses", "attacker", "user controlled", "caller controlled")
)

var kindCues = map[string][]cue{
	"unchecked-error": {
		all(errWords, ignoreWords),
		one("unhandled rejection", "unhandled promise rejection", "try catch", "try/catch", "without try", "no try", "reports success", "treated as data", "without a trace", "broad except", "except exception", "catch exception", "catching exception", "only catches", "not retried", "bare except", "except pass", "catches all", "catch all", "blank identifier", "return value is discarded",
			"return value of", "result is ignored", "error check", "error handling"),
	},
	"sql-injection": {
		one("spliced into", "pasted into", "pasted straight into", "raw sql", "sql inject", "sqli", "parameteriz", "parameterised", "unparameteri", "placeholder", "prepared statement",
			"bind it", "bind the", "bound param", "bind param"),
		all(alts("inject"), queryWords),
		all(queryWords, taintWords),
	},
	"command-injection": {
		one("run programs", "run other programs", "run arbitrary", "arbitrary command", "arbitrary program", "command interpreter", "shell string", "break out of the command", "execsync", "child process", "os.system", "popen", "shell metacharacter", "command inject", "shell inject", "os system", "shell true", "subprocess"),
		all(alts("shell", "command"), alts("inject", "untrusted", "user input", "attacker")),
	},
	"path-traversal": {
		one("untrusted filename", "tar slip", "zip slip", "traversal", "path inject", "secure filename", "safe join", "arbitrary file", "../", "..\\", "dot dot",
			"outside the upload", "outside the output", "outside the directory", "outside the base"),
		all(alts("path", "file", "directory", "folder", "filename"), alts("escape", "outside", "unsanitis", "unsanitiz", "client controlled", "user controlled", "client decides")),
	},
	"xss":           {one("markup", "raw html", "html raw", "html injection", "unescaped html", "run script", "runs script", "inject script", "injected script", "in other readers", "browsers", "xss", "cross site script", "innerhtml", "html escap", "dangerouslysetinnerhtml", "script injection")},
	"open-redirect": {one("to any site", "redirects anywhere", "return url", "returnurl", "redirect goes wherever", "open redirect", "unvalidated redirect"), all(alts("redirect"), alts("attacker", "phishing", "untrusted", "arbitrary", "external", "user controlled", "query string", "relative path"))},
	"ssrf":          {one("ssrf", "server side request")},
	"data-race": {
		one("unsynchroniz", "unsynchronis", "unguarded", "without a lock", "without locking", "without holding", "not locked", "check then act", "toctou", "lost update", "data race", "race condition", "concurren", "synchroniz", "synchronis", "thread safe", "not safe for concurrent",
			"goroutine", "rlock", "read lock", "shared lock", "atomic", "simultaneous", "at the same time", "at once"),
		all(alts("race", "racy"), alts("goroutine", "thread", "lock", "mutex", "concurrent")),
	},
	"deadlock": {
		one("block each other", "nested monitor", "nested lock", "lock order", "opposite order", "recursive lock", "relock", "locked forever", "left locked", "stays locked", "remains locked", "deadlock", "blocks forever", "block forever", "hang", "hangs", "never unlock", "not unlock", "never released",
			"still holding", "holding the lock", "holds the lock", "keeps it while", "stays held", "while waiting", "lock is held", "without unlock"),
	},
	"resource-leak": {
		one("never stopped", "not stopped", "isn't stopped", "pile up", "piles up", "never pruned", "defer close", "rollback", "left open", "held after", "nothing releases", "never freed", "temp files", "temporary files", "leak", "not closed", "never closed", "never close", "not close", "isn't closed", "without closing", "missing close",
			"context manager", "with open", "with block", "descriptor", "cleanup", "clean up", "released", "never release",
			"not release", "connection pool", "never removed", "not removed", "nor deleted", "not deleted", "flushed", "left behind"),
	},
	"double-close":           {one("twice crashes", "shutting down twice", "close of closed", "stop twice", "closing twice", "double close", "closed twice", "close twice", "already closed", "twice panics", "sync once"), all(alts("idempotent"), alts("close", "stop", "shut"))},
	"nil-deref":              {one("nil map", "never allocated", "never initialized", "never initialised", "not initialized", "not initialised", "uninitialized", "uninitialised", "none has no attribute", "of undefined", "of null", "nil pointer", "nil deref", "null pointer", "dereferenc", "may be nil", "is nil", "be nil", "may be null", "is null", "be null", "resolves to null", "returns null", "undefined", "nonetype", "optional chaining", "typeerror", "cannot read propert", "attributeerror", "null check", "nil check", "without a guard")},
	"bounds":                 {one("indexerror", "index error", "arrayindexoutofbounds", "slice bounds", "assumed present", "empty list", "empty array", "second element", "off by one", "one too many", "one past", "past the end", "out of bounds", "out of range", "index out", "fencepost", "length check", "fewer than", "first row", "first element", "last element", "starts at index", "begins at", "never added", "i < ", "<=", "skipped", "iterates one", "omits one", "omits the first", "omits the last", "one fewer", "one too few", "misses the first", "misses the last")},
	"division-by-zero":       {one("arithmeticexception", "by zero", "infinity", "divisor", "division by zero", "divide by zero", "divided by zero", "zerodivision", "zero division", "divide by len", "len rows 0")},
	"unsafe-deserialization": {one("deserializ", "deserialis", "yaml load", "safe load", "safe_load", "pickle", "arbitrary object", "arbitrary python object", "code execution", "yaml.load", "yaml.safe_load", "yaml.unsafe_load", "yaml.full_load", "loader=yaml.", "unsafeloader", "fullloader", "yaml.unsafeloader", "yaml.fullloader", "yaml loader")},
	"weak-crypto":            {one("predictable", "guessable", "insufficiently random", "not cryptographically", "cryptographically secure", "random.randint", "math.random", "random module", "without encryption", "starttls", "plaintext", "cleartext", "unencrypted", "secrets module", "md5", "sha1", "weak hash", "weak password", "bcrypt", "argon", "scrypt", "pbkdf", "unsalted", "brute forc", "digest", "cracked", "fast hash")},
	"timing-attack":          {one("timing", "constant time", "hmac equal", "constanttimecompare", "leading bytes", "subtle")},
	"missing-authz":          {one("anyone can", "anyone who", "any customer", "somebody else", "someone else", "other people", "other users", "anyone else", "no authz", "unauthenticated", "no login", "login required", "anonymous", "owner check", "not the owner", "authoriz", "authoris", "permission", "access control", "idor", "ownership", "owns the", "another user", "any user", "privilege", "any caller")},
	"resource-exhaustion":    {one("into ram", "into memory", "whole file", "entire file", "never evicted", "grows forever", "only ever grows", "grows without", "unbounded growth", "memory grows", "denial of service", "unbounded", "upper bound", "no limit", "exhaust", "huge", "enormous", "fill the disk", "fills the disk", "rate limit", "clamp", "memory exhaustion", "max content length", "too large")},
	"info-exposure":          {one("disclos", "localstorage", "to logs", "in the logs", "log files", "in logs", "error body", "tell attackers", "shared between users", "credentials sent", "secrets in", "expose", "exposed", "reveal", "internal error", "error details", "stack trace", "sensitive information", "raw error")},
	"http-status":            {one("raise for status", "status check", "non ok", "not ok", "status code", "response status", "res ok", "response ok", "4xx", "5xx", "2xx", "http error", "non 2xx", "status is not", "status is never", "network failure", "rejects on")},
	"missing-record":         {one("unknown id", "unknown address", "unknown user", "missing account", "absent row", "no such record", "no such user", "no row", "doesn't exist", "doesnotexist", "does not exist", "nonexistent", "non existent", "no row matches", "no such row", "not found", "404", "get object or 404", "no matching record")},
	"input-validation":       {one("url encod", "encodeuricomponent", "quote plus", "trusted blindly", "spoof", "x forwarded for", "forwarded header", "header injection", "crlf", "not checked for", "unchecked cast", "not defaulted", "no default", "range check", "sanity check", "validat", "unvalidated", "sanitiz", "sanitis", "malformed", "any string")},
	"content-type":           {one("content type", "content-type", "mime type")},
	"session-fixation":       {one("session fixation", "regenerat", "session identifier", "session id")},
	"float-money":            {one("quantiz", "rounding error"), all(alts("float", "floating"), alts("currency", "money", "price", "cents", "amount"))},
	"hardcoded-secret":       {one("hardcoded secret", "hard coded secret", "hardcoded password", "hardcoded key", "hardcoded credential", "secret in source", "api key in")},
	"integer-overflow":       {one("integer overflow", "overflows", "wraps around", "int32 overflow")},
	"off-by-one": {one("one byte short", "one byte too", "less than asked", "less than configured", "fewer than configured", "too many retr", "one retry too many", "starts at 0", "starts at 1", "start at 0", "start at 1", "loop starts", "last chunk", "last page", "final page", "partial page", "header row", "off by one", "one too many", "one too few", "one fewer", "one extra", "one less", "one more than",
		"fencepost", "first row", "first element", "last element", "starts at index", "omits one", "omits the first",
		"omits the last", "misses the first", "misses the last", "iterates one", "drops the last")},
	"missing-return": {one("still publishes", "still uploaded", "still sent", "still written", "after an error was", "doesn't stop", "does not stop", "no early return", "early return missing", "missing return", "no return", "without returning", "keeps going", "keeps running", "continues after",
		"carries on", "falls through", "still served", "still runs", "still executes", "still proceeds", "execution continues")},
	"blocking-call": {one("sleep", "synchronous", "sync i/o", "slow i/o", "inline in the request", "blocks the loop", "blocks the thread", "blocks the whole", "blocking", "blocks the event loop", "event loop", "stalls the loop", "inside async", "in an async",
		"synchronous call", "time sleep")},
	"missing-transaction": {one("never saved", "never actually saved", "rollback", "transaction", "commit", "committed", "not atomic", "partially applied", "half written")},
	"auth-bypass": {
		one("auth bypass", "authentication bypass", "bypass authentication", "signature bypass", "forged", "forgery", "forging",
			"none algorithm", "alg none", "algorithm none", "impersonat", "claim to be", "session expiration", "expired token",
			"signature is not verified", "signature not verified", "signature is never verified", "skips verification"),
		all(alts("unsigned", "unverified", "not verified", "never verified", "without verif"), alts("token", "jwt", "cookie", "signature", "claims", "webhook", "identity", "credential")),
	},
	"missing-await": {one("missing await", "not awaited", "unawaited", "without await", "floating promise", "fire and forget",
		"waituntil", "does not wait", "doesn't wait", "not waited", "never waited", "before it finishes", "before they finish",
		"before the work is finished", "async callback")},
	"panic": {
		one("panic", "aborts the", "aborts startup", "crashes the process", "crash the process"),
		all(alts("unwrap", "expect"), alts("panic", "crash", "abort")),
	},
	"missing-cancellation": {one("goroutine leak", "never exits", "never stops", "runs forever", "cancel", "cancellation", "context is not", "ctx is not", "not propagat", "no timeout",
		"without a timeout", "deadline")},
}

// weakKinds are named by words findings of other kinds use too: a finding
// of only weak kinds conflicts with no other kind.
var weakKinds = map[string]bool{"input-validation": true}

var weakMask = func() kindSet {
	var m kindSet
	for n := range weakKinds {
		m |= kindBit(n)
	}
	return m
}()

// conflict reports whether two kind sets are known and different.
func (k kindSet) conflict(o kindSet) bool {
	return k&^weakMask != 0 && o&^weakMask != 0 && k&o == 0
}

// relatedKinds are pairs of kinds that one bug is often given by two
// reviewers: the cause and the consequence ("the error is dropped" and "rows
// is nil"), or the defect and the check that would stop it. Two findings of
// related kinds do not conflict; they are not one kind either, so what links
// them is their text or their place, never the kind.
var relatedKinds = append([][2]string{
	{"unchecked-error", "panic"},
	{"nil-deref", "panic"},
	{"bounds", "panic"},
	{"input-validation", "resource-exhaustion"},
	{"input-validation", "bounds"},
	{"input-validation", "division-by-zero"},
	{"input-validation", "integer-overflow"},
	{"input-validation", "panic"},
	{"resource-leak", "resource-exhaustion"},
	{"bounds", "off-by-one"},
	{"unchecked-error", "missing-return"},
	{"blocking-call", "deadlock"},
	{"missing-cancellation", "resource-exhaustion"},
}, causeSymptom...)

// relatedMask[i] is the set of kinds related to kind i.
var relatedMask = pairMasks(relatedKinds)

// pairMasks turns pairs of kinds into, for each kind, the set of kinds it
// is paired with.
func pairMasks(pairs [][2]string) []kindSet {
	m := make([]kindSet, len(kindNames))
	for _, r := range pairs {
		a, b := kindBit(r[0]), kindBit(r[1])
		if a == 0 || b == 0 {
			panic("merge: unknown kind in a kind pair: " + r[0] + ", " + r[1])
		}
		for i := range kindNames {
			if a&(1<<i) != 0 {
				m[i] |= b
			}
			if b&(1<<i) != 0 {
				m[i] |= a
			}
		}
	}
	return m
}

// related reports whether a kind of k is related to a kind of o.
func (k kindSet) related(o kindSet) bool {
	for i := range kindNames {
		if k&(1<<i) != 0 && relatedMask[i]&o != 0 {
			return true
		}
	}
	return false
}

// kindConflict reports whether two findings' kinds say they are two issues:
// both are known and none is shared or related. A kind the reviewer
// declared (the schema's field) is always known; inferred weak kinds are not,
// since words every kind of finding uses inferred them.
func kindConflict(a, b *node) bool {
	known := func(n *node) kindSet {
		if n.declared {
			return n.kinds
		}
		return n.kinds &^ weakMask
	}
	if !ablate.otherNoKind && otherAgainstKind(a, b) {
		return true
	}
	if known(a) == 0 || known(b) == 0 || a.kinds&b.kinds != 0 {
		return false
	}
	// A declared kind can be a slip: words that name the other's kind
	// (strong kinds only) overrule it, unless they name its own too: an
	// unchecked error "in a query built from user input" is still an
	// unchecked error, and the injection in that query another issue.
	if !ablate.wordsOverrule && (slip(a, b) || slip(b, a)) {
		return false
	}
	if ablate.related || !a.kinds.related(b.kinds) {
		return true
	}
	// Related kinds are one bug told two ways, unless each finding's
	// words hold to its own kind: "the body is never closed" and "the
	// whole body is read into memory" of one io.ReadAll are two fixes.
	// A cause and its symptom (causeSymptom) are told in words of their
	// own by nature, and stay related.
	return !alt.relatedOwnWords && !causeAndSymptom(a.decl, b.decl) && ownWordsOnly(a, b) && ownWordsOnly(b, a)
}

// ownWordsOnly reports whether a declared a kind its words name, and
// name none of b's.
func ownWordsOnly(a, b *node) bool {
	return a.declared && a.inferred&a.kinds != 0 && a.inferred&b.kinds == 0
}

// slip reports whether a's declared kind reads as a slip for b's: its
// words name b's kind (a strong one), and when that is an injection, not
// its own kind too. An unchecked error "in a query built from user input"
// names the injection's words for where the error happens; words of a
// missed await that name the unhandled rejection it causes name one
// issue (the corpora's cause-and-symptom pairs).
func slip(a, b *node) bool {
	named := a.inferred &^ weakMask & b.kinds
	return named != 0 && (alt.slipOwnWords || named&injectionMask == 0 || a.inferred&a.kinds == 0)
}

// injectionMask: the kinds of untrusted input reaching a sink.
var injectionMask = kindBit("sql-injection") | kindBit("command-injection") | kindBit("xss") | kindBit("path-traversal") | kindBit("ssrf") | kindBit("open-redirect")

// normText lower-cases s and turns every run of non-word characters except
// a few meaningful ones into one space, with a space at both ends.
func normText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte(' ')
	space := true
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '<' || r == '=' || r == '/' || r == '.' || r == '\\' {
			b.WriteRune(r)
			space = false
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	if !space {
		b.WriteByte(' ')
	}
	return b.String()
}

// An alternative matches at a word of the text: a one-word alternative is a
// prefix of the word ("inject" matches "injection"); a longer one matches
// its first words exactly and its last as a prefix ("not close" matches
// "not closed"). Alternatives are indexed by the first bytes of their first
// word, so a text is matched word by word, not alternative by alternative.
type altRef struct {
	group int // index into the flat list of groups
	words []string
}

type cueRef struct {
	kind   int
	groups []int
}

var (
	cueRefs  []cueRef
	nGroups  int
	altIndex = map[string][]altRef{}
)

func altKey(w string) string { return w[:min(len(w), 3)] }

func init() {
	for i, k := range kindNames {
		for _, c := range kindCues[k] {
			ref := cueRef{kind: i}
			for _, g := range c {
				ref.groups = append(ref.groups, nGroups)
				for _, a := range g {
					words := strings.Fields(normText(a))
					if len(words) == 0 {
						continue
					}
					altIndex[altKey(words[0])] = append(altIndex[altKey(words[0])], altRef{group: nGroups, words: words})
				}
				nGroups++
			}
			cueRefs = append(cueRefs, ref)
		}
	}
}

// matchGroups marks in hit every group with an alternative in text.
func matchGroups(text string, hit []bool) {
	words := strings.Fields(normText(text))
	for p, w := range words {
		for _, a := range altIndex[altKey(w)] {
			if hit[a.group] || p+len(a.words) > len(words) {
				continue
			}
			ok := true
			last := len(a.words) - 1
			for k, aw := range a.words {
				tw := words[p+k]
				if k < last && tw != aw || k == last && !strings.HasPrefix(tw, aw) {
					ok = false
					break
				}
			}
			if ok {
				hit[a.group] = true
			}
		}
	}
}

// inferKinds names the kinds a finding's title and explanation describe: the
// kinds with the most cue hits (a hit in the title counts twice), and any
// other with at least half as many, so the cause and symptom of one bug
// ("the error is dropped, so rows is nil") carry both kinds.
func inferKinds(title, explanation string) kindSet {
	inTitle := make([]bool, 2*nGroups)
	inTitle, inAny := inTitle[:nGroups], inTitle[nGroups:]
	matchGroups(pythonNone(title), inTitle)
	matchGroups(pythonNone(explanation), inAny)
	for g, h := range inTitle {
		inAny[g] = inAny[g] || h
	}
	scores := make([]int, len(kindNames))
	top := 0
	for _, c := range cueRefs {
		t, e := true, true
		for _, g := range c.groups {
			t = t && inTitle[g]
			e = e && inAny[g]
		}
		switch {
		case t:
			scores[c.kind] += 2
		case e:
			scores[c.kind]++
		}
	}
	// A weak kind (one whose words every kind of finding may use) counts
	// only when no other kind does.
	strong := false
	for i, n := range kindNames {
		if scores[i] > 0 && !weakKinds[n] {
			strong = true
		}
	}
	for i, n := range kindNames {
		if strong && weakKinds[n] {
			scores[i] = 0
		}
		top = max(top, scores[i])
	}
	var ks kindSet
	if top == 0 {
		return 0
	}
	for i, s := range scores {
		if 2*s >= top {
			ks |= 1 << i
		}
	}
	return ks
}

// kindOf is the finding's kind set: its own kind when it names one of the
// taxonomy, else the inferred kinds.
func kindOf(kind, title, explanation string) kindSet {
	k, _ := kindsOf(kind, title, explanation)
	return k
}

// otherBit marks a finding whose reviewer declared the kind "other": none of
// the taxonomy fits. It is no kind for conflicts, and two findings declaring
// it are not alike (kindIsolated skips them): other is every logic bug the
// taxonomy has no name for.
const otherBit kindSet = 1 << 63

func init() {
	if len(kindNames) >= 63 {
		panic("merge: kindNames outgrew kindSet (bit 63 is otherBit)")
	}
}

// declaredKind is the kind the reviewer declared: its bit, otherBit for
// "other", 0 for none or an unknown name.
func declaredKind(kind string) kindSet {
	k := strings.ToLower(strings.TrimSpace(kind))
	if k == "other" {
		return otherBit
	}
	return kindBit(k)
}

// kindsOf is kindOf, and whether the reviewer declared the kind.
func kindsOf(kind, title, explanation string) (kindSet, bool) {
	if b := kindBit(strings.ToLower(strings.TrimSpace(kind))); b != 0 {
		return b, true
	}
	return inferKinds(title, explanation), false
}

// Kinds names the kinds of a finding (its own kind when it names one of the
// taxonomy, else the kinds its words describe), in taxonomy order; nil when
// none. Dismissals use them so a dismissal of one kind of issue never
// hides another kind on the same line.
func Kinds(f anchor.Finding) []string {
	return kindList(kindOf(f.Raw.Kind, f.Raw.Title, f.Raw.Explanation))
}

// kindList names the kinds of a set, in taxonomy order; nil when none.
func kindList(ks kindSet) []string {
	var out []string
	for i, n := range kindNames {
		if ks&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// IsKind reports whether name is a kind of the taxonomy.
func IsKind(name string) bool { return kindBit(name) != 0 }

// KindNames is the closed list of kinds, in taxonomy order.
func KindNames() []string { return slices.Clone(kindNames) }

// pythonNone spells Python's `None` (the capitalised word) as "nonetype" so
// the nil-deref cue finds it, while the English "none" ("none is ever
// removed") stays a plain word.
func pythonNone(s string) string {
	if !strings.Contains(s, "None") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "None")
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		j += i
		e := j + len("None")
		b.WriteString(s[i:j])
		if (j == 0 || !isWordRune(rune(s[j-1]))) && (e == len(s) || !isWordRune(rune(s[e]))) {
			b.WriteString("nonetype")
		} else {
			b.WriteString("None")
		}
		i = e
	}
	return b.String()
}

// otherAgainstKind reports whether one finding declared "other" and the
// other a kind of the taxonomy that the first one's words do not name: a
// reviewer that found no kind for its defect did not mean that one.
func otherAgainstKind(a, b *node) bool {
	x, y := a, b
	if y.decl == otherBit {
		x, y = y, x
	}
	if x.decl != otherBit || y.decl == 0 || y.decl == otherBit {
		return false
	}
	// x declared other, which is no kind of the taxonomy: its kinds are the
	// ones its words name (kindsOf).
	return x.kinds&y.decl == 0
}
