package cmdutil

import "testing"

func TestWithTypos(t *testing.T) {
	const typos = "did you mean terse instead of tersee? ('quorum models' lists the installed models)"
	for _, c := range []struct{ hint, typos, want string }{
		{"ollama pull tersee", typos, typos + "; else ollama pull tersee"},
		{"raise the context", typos, "raise the context; also, " + typos},
		{"ollama pull tersee", "", "ollama pull tersee"},
	} {
		if got := WithTypos(c.hint, c.typos); got != c.want {
			t.Errorf("WithTypos(%q, %q) = %q, want %q", c.hint, c.typos, got, c.want)
		}
	}
}
