package render

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/quorum-review/quorum/internal/safetext"

	"github.com/quorum-review/quorum/review/report"
)

// JSON writes the report model as quorum.report/v1, indented, HTML left
// unescaped, and C1 and bidi characters escaped (safetext.EscapeJSON).
func JSON(w io.Writer, r *report.Report, _ Options) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return err
	}
	_, err := w.Write(safetext.EscapeJSON(buf.Bytes()))
	return err
}
