package report

import (
	"encoding/json"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/safetext"
)

// A file path is bytes to git, and a JSON string holds UTF-8 only
// (encoding/json writes each invalid byte as U+FFFD). So each place in the
// report that names a file also carries, for a path that is not valid
// UTF-8, its exact bytes, base64, in a sibling field ("file_bytes" beside
// "file", "path_bytes" beside "path"), as the diff's JSON does. The string
// stays, lossy, for people; reading a saved report restores the exact path.
// Valid UTF-8 paths, nearly all, gain no field.
//
// Findings, their members, TODOs and API changes hold the path as the diff gives it, and
// their JSON methods below add the field. The coverage table and the
// skipped list hold it as shown (safetext.Path: control and invisible
// characters and bytes that are not UTF-8 escaped), so Build sets their
// PathBytes and FileBytes from the diff's path whenever the shown one
// differs: exactBytes.

// exactBytes is raw's bytes when shown differs from it (raw was escaped
// for printing), else nil: the field is omitted.
func exactBytes(raw, shown string) []byte {
	if raw == shown {
		return nil
	}
	return []byte(raw)
}

type (
	plainFinding   Finding
	plainMember    Member
	plainTODO      TODO
	plainAPIChange APIChange
)

type findingJSON struct {
	plainFinding
	FileBytes []byte `json:"file_bytes,omitempty"`
}

// MarshalJSON writes f's fields, then file_bytes for a path that is not UTF-8.
func (f Finding) MarshalJSON() ([]byte, error) {
	return safetext.MarshalNoHTML(findingJSON{plainFinding(f), diff.NonUTF8Bytes(f.File)})
}

// UnmarshalJSON reads what MarshalJSON writes, the exact path included.
func (f *Finding) UnmarshalJSON(b []byte) error {
	var v findingJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*f = Finding(v.plainFinding)
	f.File = diff.ExactPath(f.File, v.FileBytes)
	return nil
}

type memberJSON struct {
	plainMember
	FileBytes []byte `json:"file_bytes,omitempty"`
}

// MarshalJSON writes m's fields, then file_bytes for a path that is not UTF-8.
func (m Member) MarshalJSON() ([]byte, error) {
	return safetext.MarshalNoHTML(memberJSON{plainMember(m), diff.NonUTF8Bytes(m.File)})
}

// UnmarshalJSON reads what MarshalJSON writes, the exact path included.
func (m *Member) UnmarshalJSON(b []byte) error {
	var v memberJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*m = Member(v.plainMember)
	m.File = diff.ExactPath(m.File, v.FileBytes)
	return nil
}

type todoJSON struct {
	plainTODO
	FileBytes []byte `json:"file_bytes,omitempty"`
}

// MarshalJSON writes t's fields, then file_bytes for a path that is not UTF-8.
func (t TODO) MarshalJSON() ([]byte, error) {
	return safetext.MarshalNoHTML(todoJSON{plainTODO(t), diff.NonUTF8Bytes(t.File)})
}

// UnmarshalJSON reads what MarshalJSON writes, the exact path included.
func (t *TODO) UnmarshalJSON(b []byte) error {
	var v todoJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*t = TODO(v.plainTODO)
	t.File = diff.ExactPath(t.File, v.FileBytes)
	return nil
}

type apiChangeJSON struct {
	plainAPIChange
	FileBytes []byte `json:"file_bytes,omitempty"`
}

// MarshalJSON writes a's fields, then file_bytes for a path that is not UTF-8.
func (a APIChange) MarshalJSON() ([]byte, error) {
	return safetext.MarshalNoHTML(apiChangeJSON{plainAPIChange(a), diff.NonUTF8Bytes(a.File)})
}

// UnmarshalJSON reads what MarshalJSON writes, the exact path included.
func (a *APIChange) UnmarshalJSON(b []byte) error {
	var v apiChangeJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*a = APIChange(v.plainAPIChange)
	a.File = diff.ExactPath(a.File, v.FileBytes)
	return nil
}
