// Package nearest finds the names a mistyped one may have meant, for
// "did you mean" hints.
package nearest

// Distance is the Levenshtein distance between a and b, in bytes.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// Names are the candidates nearest word, in the order given, when the
// nearest is fewer than limit edits away; nil when none is.
func Names(word string, candidates []string, limit int) []string {
	var near []string
	best := limit
	for _, c := range candidates {
		switch d := Distance(word, c); {
		case d < best:
			best, near = d, []string{c}
		case d == best && d < limit:
			near = append(near, c)
		}
	}
	return near
}
