package cmdutil

import (
	"bytes"
	"cmp"
	"path/filepath"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
)

// ReportView is how a command shows a report: `quorum review` and
// `quorum report show` share it, so a saved report reads like a fresh one.
type ReportView struct {
	Format string
	// Full shows every section in the text format.
	Full bool
	// NoPager writes the text format straight to stdout even on a terminal.
	NoPager bool
	// SavedIn is where the report is saved, for the text format's footer.
	SavedIn string
	// WorkDir is the command's working directory: rdjsonl paths are
	// written from it, as reviewdog reads them ("" is the process's).
	WorkDir string
}

// ShowReport renders r to ios.Out as v says; the text format goes through
// the pager (ios.Page: $PAGER, else less -FRX, only when stdout is a
// terminal and the report is longer than it) unless v.NoPager.
func ShowReport(ios *iostreams.IOStreams, r *report.Report, v ReportView) error {
	var buf bytes.Buffer
	opts := render.Options{
		TTY: ios.StdoutTTY, NoColor: ios.NoColor, Width: ios.TerminalWidth, Full: v.Full, SavedIn: v.SavedIn,
	}
	if strings.EqualFold(v.Format, "rdjsonl") {
		opts.FromRoot = fromRoot(v.WorkDir)
	}
	err := render.Write(&buf, v.Format, r, opts)
	if err != nil {
		return err
	}
	if strings.EqualFold(v.Format, "text") && !v.NoPager {
		return ios.Page(buf.Bytes())
	}
	_, err = ios.Out.Write(buf.Bytes())
	return err
}

// Relative is p relative to base (the command's working directory; "" is
// the process's) when p is inside it, else p as it is.
func Relative(base, p string) string {
	if base == "" {
		base = "."
	}
	abs, err := filepath.Abs(base)
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(abs, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}

// fromRoot is dir (the process's working directory when "") relative to
// the root of the work tree holding it, "" at the root or outside one.
func fromRoot(dir string) string {
	abs, err := filepath.Abs(cmp.Or(dir, "."))
	if err != nil {
		return ""
	}
	root, _, err := diff.Locate(abs)
	if err != nil {
		return ""
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return ""
	}
	return rel
}
