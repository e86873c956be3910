package safetext

import (
	"bytes"
	"encoding/json"
)

// MarshalNoHTML is json.Marshal without HTML escaping, as every JSON writer
// of quorum sets it ("<" and "&" in code stay as they are): a type's
// MarshalJSON uses it, since an outer encoder cannot undo the escapes an
// inner json.Marshal wrote.
func MarshalNoHTML(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
