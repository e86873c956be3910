package merge

import "strings"

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
