package render

import (
	"bytes"
	"fmt"
	"io"

	"github.com/charmbracelet/glamour"

	"github.com/quorum-review/quorum/review/report"
)

// Text writes the report for a terminal: the Markdown rendered by glamour on
// a TTY (without color when NO_COLOR is set), the Markdown itself when piped.
// Model text was already stripped of control sequences by report.Build.
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
	style := "dark"
	if opts.NoColor {
		style = "ascii"
	}
	tr, err := glamour.NewTermRenderer(glamour.WithStandardStyle(style), glamour.WithWordWrap(width))
	if err != nil {
		return fmt.Errorf("render text: %w", err)
	}
	// glamour counts a tab as one column when wrapping code; expand them.
	out, err := tr.RenderBytes(bytes.ReplaceAll(buf.Bytes(), []byte("\t"), []byte("    ")))
	if err != nil {
		return fmt.Errorf("render text: %w", err)
	}
	_, err = w.Write(out)
	return err
}
