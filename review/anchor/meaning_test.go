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
		// SQL spells them in capitals; Ruby inverts a condition with a word.
		{"DELETE FROM sessions WHERE user_id = $1 AND expired_at IS NOT NULL;", "DELETE FROM sessions WHERE user_id = $1 OR expired_at IS NOT NULL;", false},
		{"DELETE FROM sessions WHERE user_id = $1 AND expired_at IS NOT NULL;", "DELETE FROM sessions WHERE user_id = $1 AND expired_at IS NULL;", false},
		{"  raise AuthError, 'token expired' unless session.valid?", "  raise AuthError, 'token expired' if session.valid?", false},
		{"  retry_request(client, payload) until response.ok?", "  retry_request(client, payload) while response.ok?", false},
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
		// A literal value spelt as a word, in any language: the near copy
		// of the bug a model imagines inverts the line.
		{"cfg := &tls.Config{InsecureSkipVerify: false}", "cfg := &tls.Config{InsecureSkipVerify: true}", false},
		{"if err != nil { return err }", "if err != nil { return nil }", false},
		{"if err != nil { return nil }", "if err != nil { return err }", false},
		{"if user.token is None: return default_token", "if user.token is None: return None", false},
		{"self.verify_ssl = settings.get('verify', True)", "self.verify_ssl = settings.get('verify', False)", false},
		{"const ok = options.strict === undefined ? fallback : options.strict;", "const ok = options.strict === null ? fallback : options.strict;", false},
		{"if (result.value == NaN) { result.value = defaultValue; }", "if (result.value == total) { result.value = defaultValue; }", false},
		{"Connection conn = pool.acquire(timeout, null, handler);", "Connection conn = pool.acquire(timeout, nil, handler);", false},
		{"$this->cache = $options['cache'] ?? FALSE;", "$this->cache = $options['cache'] ?? TRUE;", false},
		{"let cached: Option<Entry> = lookup(key).unwrap_or(None);", "let cached: Option<Entry> = lookup(key).unwrap_or(fallback);", false},
		// A called function's name: `min` is not `max`, `Some` not `Ok`.
		{"size := max(len(data), limit)", "size := min(len(data), limit)", false},
		// A string literal is data, and a name with a digit names a size
		// or an algorithm.
		{`url := fmt.Sprintf("https://%s/api", host)`, `url := fmt.Sprintf("http://%s/api", host)`, false},
		{`cmd := exec.Command("git", "status", dir)`, `cmd := exec.Command("git", "push", dir)`, false},
		{"mac := hmac.New(sha256.New, secret)", "mac := hmac.New(md5.New, secret)", false},
		{"var n int32 = int32(len(buf))", "var n int64 = int32(len(buf))", false},
		{"return Some(entry.value.clone()) // cached", "return Ok(entry.value.clone()) // cached", false},
		{"if err := os.RemoveAll(dir); err != nil {", "if err := os.Remove(dir); err != nil {", false},
		// The blank identifier discards what a name in its place keeps: the
		// error a model imagines handled, or the count it imagines dropped.
		{`rows, _ := db.Query("SELECT * FROM users WHERE name = '" + name + "'")`, `rows, err := db.Query("SELECT * FROM users WHERE name = '" + name + "'")`, false},
		{"n, err := io.Copy(dst, resp.Body)", "_, err := io.Copy(dst, resp.Body)", false},
		{"for _, item := range pending.items {", "for idx, item := range pending.items {", false},
		// Names in another order are other code, even when every strict
		// token is aligned: operands swapped, a name repeated in place of
		// another, operators swapped around the same names.
		{"ratio := float64(used) / float64(total) // share of the quota in use", "ratio := float64(total) / float64(used) // share of the quota in use", false},
		{"n := copy(dst[offset:], src) // bytes moved into place for the next frame", "n := copy(src[offset:], dst) // bytes moved into place for the next frame", false},
		{"n := copy(dst[offset:], src) // bytes moved into place for the next frame", "n := copy(dst[offset:], dst) // bytes moved into place for the next frame", false},
		{"if low < value && value > high { clamp(value) }", "if low > value && value < high { clamp(value) }", false},
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
		// A literal or a call kept while a plain name is misspelt, a name
		// misspelt once and copied right where it recurs, a name dropped,
		// a comment reworded.
		{"cfg := &tls.Config{InsecureSkipVerify: false}", "cfg := &tls.Config{InsecureSkipVerfy: false}", true},
		{"size := max(len(data), limit)", "size := max(len(data), limt)", true},
		{"if err != nil { return nil }", "if er != nil { return nil }", true},
		{"ratio := float64(used) / float64(total) // share of the quota in use", "ratio := float64(usd) / float64(total) // share of the quota in use", true},
		{"f, _ := os.Open(c.path(key))", "f, _ := os.Open(path(key))", true},
		{"f, _ := os.Open(c.path(key))", "f, _ := os.Open(c.path(name))", true},
		{"if err := db.Exec(query, userID, accountID); err != nil { return err } // retried", "if err := db.Exec(query, userID, accountID); err != nil { return err } // retried twice", true},
	} {
		if w := Similarity(tt.quote, tt.line); w < SimilarThreshold {
			t.Errorf("%q: similarity %.2f is under the threshold, so words alone decide it", tt.quote, w)
		}
		if got := sameMeaning(tt.quote, tt.line); got != tt.want {
			t.Errorf("sameMeaning(%q, %q) = %v, want %v (tokens %q / %q)", tt.quote, tt.line, got, tt.want, codeTokens(tt.quote), codeTokens(tt.line))
		}
	}
}
