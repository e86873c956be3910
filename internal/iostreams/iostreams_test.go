package iostreams

import (
	"strings"
	"testing"
)

// TestPage runs an injected pager (tr, which shouts what it pages): only a
// terminal's long output goes through it.
func TestPage(t *testing.T) {
	long := strings.Repeat("line\n", 30)
	for _, c := range []struct {
		name   string
		tty    bool
		height int
		pager  string
		in     string
		paged  bool
	}{
		{"long on a terminal", true, 24, "tr a-z A-Z", long, true},
		{"height unknown: the pager decides", true, 0, "tr a-z A-Z", "short\n", true},
		{"fits the screen", true, 24, "tr a-z A-Z", "short\n", false},
		{"piped", false, 24, "tr a-z A-Z", long, false},
		{"no pager", true, 24, "", long, false},
		{"cat", true, 24, "cat", long, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, _, out, _ := Test()
			s.StdoutTTY, s.TerminalHeight, s.Pager = c.tty, c.height, c.pager
			if err := s.Page([]byte(c.in)); err != nil {
				t.Fatal(err)
			}
			want := c.in
			if c.paged {
				want = strings.ToUpper(c.in)
			}
			if out.String() != want {
				t.Errorf("got %q, want %q", out.String(), want)
			}
		})
	}
}

// TestPageFailingPager: a pager that exits with an error is not an error of the command.
func TestPageFailingPager(t *testing.T) {
	for _, pager := range []string{"exit 3", "false", "nonexistent-pager-for-quorum"} {
		s, _, out, errOut := Test()
		s.StdoutTTY, s.Pager = true, pager
		if err := s.Page([]byte("report\n")); err != nil {
			t.Fatal(err)
		}
		// The report is never lost to a broken pager.
		if out.String() != "report\n" || !strings.Contains(errOut.String(), "warning: the pager") {
			t.Errorf("%s: out %q, err %q", pager, out.String(), errOut.String())
		}
	}
}
