package render

import (
	"bytes"
	"io"

	"github.com/quorum-review/quorum/review/report"
)

// Text writes the report for a terminal: the Markdown laid out and styled
// for the terminal on a TTY (the same layout without color when NO_COLOR is
// set), the Markdown itself when piped. Model text was already stripped of
// control sequences by report.Build.
func Text(w io.Writer, r *report.Report, opts Options) error {
	var buf bytes.Buffer
	if err := Markdown(&buf, r, opts); err != nil {
		return err
	}
	if !opts.TTY {
		_, err := w.Write(buf.Bytes())
		return err
	}
	width := opts.Width
	if width <= 0 {
		width = 100
	}
	_, err := io.WriteString(w, forTerminal(buf.Bytes(), width, !opts.NoColor))
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
