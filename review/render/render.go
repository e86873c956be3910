// Package render writes a report.Report in one of quorum's output formats; each format is one small writer.
package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/quorum-review/quorum/review/report"
)

// Options describe the destination of the output.
type Options struct {
	TTY     bool // writing to a terminal
	NoColor bool // NO_COLOR is set, or color is otherwise unwanted
	Width   int  // terminal width for wrapping; 0 means 100
	// Full shows every section in the text format, not only the verdict
	// and the findings (the Markdown and JSON always have everything).
	Full bool
	// SavedIn is where the report was saved, for the text format's footer.
	SavedIn string
	// FromRoot is the working directory relative to the repository root
	// ("" at the root). reviewdog reads an rdjsonl path from where it runs,
	// so rdjsonl paths are written from there (`../base.go` in sub/).
	FromRoot string
}

// Formats lists the accepted format names, in help order.
var Formats = []string{"text", "markdown", "json", "sarif", "rdjsonl"}

// Writer renders a report to w.
type Writer func(w io.Writer, r *report.Report, opts Options) error

var writers = map[string]Writer{
	"markdown": Markdown,
	"md":       Markdown,
	"text":     Text,
	"json":     JSON,
	"sarif":    SARIF,
	"rdjsonl":  RDJSONL,
}

// Known reports whether format names a renderer.
func Known(format string) bool { _, ok := writers[strings.ToLower(format)]; return ok }

// Write renders r to w in format.
func Write(w io.Writer, format string, r *report.Report, opts Options) error {
	wr, ok := writers[strings.ToLower(format)]
	if !ok {
		return fmt.Errorf("unknown format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	if r == nil {
		return fmt.Errorf("render %s: no report", format)
	}
	return wr(w, r, opts)
}
