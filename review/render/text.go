package render

import (
	"io"

	"github.com/quorum-review/quorum/review/report"
)

// Text writes the report for people: the terminal view (terminalView),
// styled on a TTY unless NO_COLOR is set, and the same layout as plain text,
// with no Markdown syntax but the backticks of inline code and no escape
// sequences, when piped. Model text was already stripped of control
// sequences by report.Build.
func Text(w io.Writer, r *report.Report, opts Options) error {
	width := opts.Width
	if width <= 0 {
		width = 100
	}
	_, err := io.WriteString(w, terminalView(r, opts, width, opts.TTY && !opts.NoColor))
	return err
}

// forTerminal renders markdown with renderTerminal. Layout is cosmetic and
// the report is not: should the renderer ever panic on some input (the fuzz
// test says it does not), the user still gets the report, as the Markdown,
// which is sanitized.
func forTerminal(markdown []byte, width int, color bool) (out string) {
	defer func() {
		if recover() != nil {
			out = string(markdown)
		}
	}()
	return renderTerminal(markdown, width, color)
}
