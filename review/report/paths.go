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
// Every file the model holds (findings, their members, TODOs, API
// changes, coverage rows, skipped files, the verdict's unread list) is the
// path as the diff gives it, so one file is spelled one way all through
// report.json, as in quorum diff's JSON, and a tool can join them. Text
// escapes it for printing (safetext.Path, ShownPaths); the JSON methods
// below add the exact bytes.

// ShownPaths are paths as text shows them (safetext.Path): on one line,
// with no control character or byte that is not UTF-8.
func ShownPaths(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i] = safetext.Path(p)
	}
	return out
}

type (
	plainFinding      Finding
	plainMember       Member
	plainTODO         TODO
	plainAPIChange    APIChange
	plainFileCoverage FileCoverage
	plainSkipped      Skipped
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

type fileCoverageJSON struct {
	plainFileCoverage
	PathBytes []byte `json:"path_bytes,omitempty"`
}

// MarshalJSON writes c's fields, then path_bytes for a path that is not UTF-8.
func (c FileCoverage) MarshalJSON() ([]byte, error) {
	return safetext.MarshalNoHTML(fileCoverageJSON{plainFileCoverage(c), diff.NonUTF8Bytes(c.Path)})
}

// UnmarshalJSON reads what MarshalJSON writes, the exact path included
// (an older report's path_bytes too, beside a path it escaped).
func (c *FileCoverage) UnmarshalJSON(b []byte) error {
	var v fileCoverageJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*c = FileCoverage(v.plainFileCoverage)
	c.Path = diff.ExactPath(c.Path, v.PathBytes)
	return nil
}

type skippedJSON struct {
	plainSkipped
	FileBytes []byte `json:"file_bytes,omitempty"`
}

// MarshalJSON writes s's fields, then file_bytes for a path that is not UTF-8.
func (s Skipped) MarshalJSON() ([]byte, error) {
	return safetext.MarshalNoHTML(skippedJSON{plainSkipped(s), diff.NonUTF8Bytes(s.File)})
}

// UnmarshalJSON reads what MarshalJSON writes, the exact path included
// (an older report's file_bytes too, beside a path it escaped).
func (s *Skipped) UnmarshalJSON(b []byte) error {
	var v skippedJSON
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*s = Skipped(v.plainSkipped)
	s.File = diff.ExactPath(s.File, v.FileBytes)
	return nil
}

// ExactUnread spells the verdict's unread files as the coverage and the
// skipped files do. A report saved before report.json spelled a file one
// way kept them escaped for printing (safetext.Path): read back, they are
// the files' own names again, so the two lists join and Read counts right.
func (r *Report) ExactUnread() {
	exact := map[string]string{}
	for _, f := range r.Coverage.Files {
		exact[safetext.Path(f.Path)] = f.Path
	}
	for _, s := range r.Skipped {
		exact[safetext.Path(s.File)] = s.File
	}
	own := map[string]bool{}
	for _, e := range exact {
		own[e] = true
	}
	for i, u := range r.Verdict.Unread {
		if e, ok := exact[u]; ok && !own[u] { // a name already exact stays
			r.Verdict.Unread[i] = e
		}
	}
}
