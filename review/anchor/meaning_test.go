package anchor

import "testing"

// TestSameMeaning pins both sides of the near copy's meaning rule: what a
// model changes when it imagines a bug (refused), and what it changes when
// it only copies loosely (kept). Every pair here scores at least
// SimilarThreshold on words, so sameMeaning alone decides.
func TestSameMeaning(t *testing.T) {
	for _, tt := range []struct {
		line, quote string
		want        bool
	}{
		// Refused: a number or an operator of the covered code changed.
		{"for i := 0; i < len(xs); i++ {", "for i := 0; i <= len(xs); i++ {", false},
		{"if err := check(total); err != nil {", "if err := check(total); err == nil {", false},
		{"return xs[len(xs)-1], nil", "return xs[len(xs)], nil", false},
		{"err = db.Exec(query, name, role)", "err := db.Exec(query, name, role)", false},
		{"name := user.profile.display || fallback", "name := user?.profile?.display || fallback", false},
		{"if value is not None and ready:", "if value is None and ready:", false},
		{"if value is not None and ready:", "if value is not None or ready:", false},
		{"if not done and retries > limit:", "if done and retries > limit:", false},
		// A quote that closes what the line closes later is held to what
		// the line has before it.
		{"return xs[len(xs)-1]", "return xs[len(xs)]", false},
		{"last := items[len(items)-1]", "last := items[len(items)]", false},
		{"buf := make([]byte, size+1)", "buf := make([]byte, size)", false},
		{"return arr[arr.length - 1];", "return arr[arr.length];", false},
		// A keyword that changes when code runs, a number in a literal, a
		// Rust lifetime that is no literal.
		{"defer f.Close() // release the handle", "f.Close() // release the handle", false},
		{"go process(ctx, job, results)", "process(ctx, job, results)", false},
		{"WHERE created_at > now() - INTERVAL '1 day'", "WHERE created_at > now() - INTERVAL '30 day'", false},
		{"fn first<'a>(items: &'a [Item], idx: usize) -> &'a Item { &items[idx + 1] }", "fn first<'a>(items: &'a [Item], idx: usize) -> &'a Item { &items[idx - 1] }", false},
		// Kept: spacing, a misspelt name, a comment, or a quote of the
		// line's start that leaves the rest of its operators out.
		{"total = -discount + shipping + handling", "total=-discount + shipping + handling", true},
		{"ready = !closed && hasToken && isValid", "ready=!closed && hasToken && isValid", true},
		{"*dst = *src + extraBytes + headerLen", "*dst=*src + extraBytes + headerLen", true},
		{"p = &buffers[index].header.next", "p=&buffers[index].header.next", true},
		{"std::vector<std::vector<int>> grid(rows, cols);", "std::vector<std::vector<int> > grid(rows, cols);", true},
		{"total := price * qty // price - discount applied later", "total := price * qty // price minus discount applied later", true},
		{"if err := db.Exec(query, userID, accountID); err != nil && !retry {", "if err := db.Exec(query, userID, acountID); err != nil", true},
		{"for i := 0; i < len(xs); i++ {", "for i := 0; i < len(ys); i++ {", true},
		{"#include <stdio.h> /* io */", "#include <stdio.h>", true},
		{`fmt.Printf("a-b=%d", n)`, `fmt.Printf("a-b=%d", n)`, true},
		{"// Deprecated: use NewClient instead; this will be removed", "// Deprecated: use NewClient instead, this will be removed", true},
		{"# TODO: remove this hack before the release goes out", "# TODO: remove this hack before the relase goes out", true},
		{"width := end \u2212 start + padding", "width := end - start + padding", true},
		{"fn first<'a>(items: &'a [Item], idx: usize) -> &'a Item { &items[idx + 1] }", "fn first<'a>(items: &'a [Item], ix: usize) -> &'a Item { &items[idx + 1] }", true},
	} {
		if w := Similarity(tt.quote, tt.line); w < SimilarThreshold {
			t.Errorf("%q: similarity %.2f is under the threshold, so words alone decide it", tt.quote, w)
		}
		if got := sameMeaning(tt.quote, tt.line); got != tt.want {
			t.Errorf("sameMeaning(%q, %q) = %v, want %v (tokens %q / %q)", tt.quote, tt.line, got, tt.want, codeTokens(tt.quote), codeTokens(tt.line))
		}
	}
}
