package merge

import "strings"

// KindNames is the closed list of kinds, for the reviewer schema.
func KindNames() []string { return append([]string(nil), kindNames...) }

// String lists the kinds, for tests and debugging.
func (k kindSet) String() string {
	var out []string
	for i, n := range kindNames {
		if k&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return strings.Join(out, ",")
}
