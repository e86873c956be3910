package anchor

import (
	"encoding/json"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/safetext"
)

type plainRejected Rejected

// rejectedJSON is Rejected's JSON form: its fields, then the exact bytes
// of a file name that is not UTF-8, as report.json names every file
// (file_bytes beside a finding's file).
type rejectedJSON struct {
	plainRejected
	FileBytes []byte `json:"file_bytes,omitempty"`
}

// MarshalJSON writes j's fields, then file_bytes for a path that is not UTF-8.
func (j Rejected) MarshalJSON() ([]byte, error) {
	return safetext.MarshalNoHTML(rejectedJSON{plainRejected(j), diff.NonUTF8Bytes(j.File)})
}

// UnmarshalJSON reads what MarshalJSON writes, the exact path included.
func (j *Rejected) UnmarshalJSON(b []byte) error {
	var v rejectedJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*j = Rejected(v.plainRejected)
	j.File = diff.ExactPath(j.File, v.FileBytes)
	return nil
}
