package merge

import "testing"

// TestCuesOnOrdinaryWords pins what the cues infer from everyday review
// wording that merely brushes a cue ("expected", "forgets", "unsigned
// conversion"): a misfired kind splits findings that are one issue and
// keeps a dismissal from matching. Each case names the kinds wanted, none
// for plain words.
func TestCuesOnOrdinaryWords(t *testing.T) {
	for _, tc := range []struct{ title, explanation, want string }{
		{"Returns wrong total", "The sum is 9 instead of the expected 10.", ""},
		{"Rename the helper", "Other callers of the package expect the old name.", ""},
		{"Function forgets to close the file", "The descriptor stays open.", "resource-leak"},
		{"Unsigned conversion wraps around", "A negative length becomes a large uint.", "integer-overflow"},
		{"Error wrapped with %v", "Callers cannot unwrap it with errors.Is.", ""},
		{"Rounding error in percentage", "Use integer cents instead of float for the price.", "float-money"},
		{"Migration is not idempotent", "Running it twice adds the column twice.", ""},
		{"Checksum not verified after download", "A corrupted file is installed.", ""},
		{"No such guarantee in the docs", "The ordering is not documented.", ""},
		{"Buffer grows", "The slice is appended in a loop.", ""},
		{"Token never expires", "A stolen token works forever.", ""},
		{"Short entries crash the loader", "Lines with two fields stop the program.", ""},
		{"Template rendered from user input", "jinja2.Environment(loader=BaseLoader()).from_string(body) runs it.", ""},
		// and the cues still name what they are for
		{"`unwrap()` on file read panics", "A missing file aborts the program.", "panic"},
		{"Unsigned token trusted", "The JWT signature is never checked.", "auth-bypass"},
		{"Stop isn't idempotent", "Closing the channel twice panics.", "double-close"},
		{"Floating promise from `fetch`", "The call is not awaited.", "missing-await"},
		{"Anyone can read anyone else's note", "There is no owner check.", "missing-authz"},
		{"Config parsing", "It passes Loader=yaml.Loader.", "unsafe-deserialization"},
		{"Config parsing", "It passes yaml.UnsafeLoader.", "unsafe-deserialization"},
		{"Unsafe `yaml.load`", "`yaml.load(data)` without an explicit Loader constructs whatever the tags say.", "unsafe-deserialization"},
		{"yaml.load without Loader", "Use yaml.safe_load instead.", "unsafe-deserialization"},
	} {
		if got := kindsJoined(inferKinds(tc.title, tc.explanation)); got != tc.want {
			t.Errorf("%q / %q: kinds %q, want %q", tc.title, tc.explanation, got, tc.want)
		}
	}
}
