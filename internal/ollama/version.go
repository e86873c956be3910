package ollama

import (
	"strconv"
	"strings"
)

// truncateSince is the first release whose /api/chat honours "truncate"
// (ollama PR #12582, merged 2025-10-11, after v0.12.5 shipped on 2025-10-10).
var truncateSince = [3]int{0, 12, 6}

// SupportsTruncate reports whether to send truncate:false, which makes a
// server refuse (400) a prompt longer than num_ctx instead of silently
// dropping its front.
//
// The policy: false only for a release known to predate the field; true for
// that release and later, and for versions we cannot place — "0.0.0" (a
// `go install` build has no version stamped), "", dev or unparseable strings.
// Sending the field to a server that does not know it is harmless, since
// ollama's request binding ignores unknown JSON fields; not sending it to one
// that does would lose the protection. quorum also checks prompt_eval_count,
// so an old server's silent truncation is still detected.
func SupportsTruncate(version string) bool {
	v, ok := parseVersion(version)
	if !ok || v == [3]int{} {
		return true
	}
	for i := range v {
		if v[i] != truncateSince[i] {
			return v[i] > truncateSince[i]
		}
	}
	return true
}

// parseVersion reads "v1.2.3", "1.2.3-rc1", "1.2.3+dirty"; missing parts are 0.
func parseVersion(s string) ([3]int, bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	if i := strings.IndexAny(s, "-+ "); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, ".")
	if s == "" || len(parts) > 3 {
		return [3]int{}, false
	}
	var v [3]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 {
			return [3]int{}, false
		}
		v[i] = n
	}
	return v, true
}
