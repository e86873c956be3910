package reportstore

import "strings"

// ShortBranch is a report's branch as people read it: "main", not
// "refs/heads/main". A report made by the pre-push hook records the pushed
// refs in full, comma-separated ("refs/heads/main, refs/heads/fix"), one
// made by quorum review the short name; both show the same. Each ref loses
// refs/heads/, refs/remotes/ or refs/tags/ as git's --short does, and a
// name both ways is shown once. Only for display: reports on disk keep what
// they recorded.
func ShortBranch(b string) string {
	if !strings.Contains(b, "refs/") {
		return b
	}
	parts := strings.Split(b, ", ")
	out := parts[:0]
	seen := map[string]bool{}
	for _, p := range parts {
		for _, prefix := range []string{"refs/heads/", "refs/remotes/", "refs/tags/"} {
			if s, ok := strings.CutPrefix(p, prefix); ok && s != "" {
				p = s
				break
			}
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}
