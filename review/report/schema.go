package report

import _ "embed"

// JSONSchema is the JSON Schema of report.json / --format json
// (quorum.report/v1); tests validate every rendering against it.
//
//go:embed schema.json
var JSONSchema []byte
