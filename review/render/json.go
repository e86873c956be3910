package render

import (
	"encoding/json"
	"io"

	"github.com/quorum-review/quorum/review/report"
)

// JSON writes the report model as quorum.report/v1, indented, HTML left unescaped.
func JSON(w io.Writer, r *report.Report, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
