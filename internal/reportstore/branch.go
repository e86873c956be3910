package reportstore

import "strings"

// ShortBranch is a report's branch as people read it: "main", not
// "refs/heads/main". A report made by the pre-push hook records the pushed
// refs in full, comma-separated ("refs/heads/main, refs/heads/fix"), one
// made by quorum review the short name; both show the same. Each ref loses
// refs/heads/ or refs/remotes/ as git's --short does, a tag reads
// "tag v1", and a name given twice is shown once. Only for the table: the
// JSON and the reports on disk keep what they recorded.
func ShortBranch(b string) string {
	if !strings.Contains(b, "refs/") {
		return b
	}
	parts := strings.Split(b, ", ")
	out := parts[:0]
	seen := map[string]bool{}
	for _, p := range parts {
		for _, short := range [][2]string{{"refs/heads/", ""}, {"refs/remotes/", ""}, {"refs/tags/", "tag "}} {
			if s, ok := strings.CutPrefix(p, short[0]); ok && s != "" {
				p = short[1] + s // a tag v1 stays apart from a branch v1
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
