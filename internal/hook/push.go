// Package hook implements quorum's git pre-push hook: the stdin protocol, the ranges a push introduces, and installing the hook script.
package hook

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Update is one line git writes to a pre-push hook's stdin:
// "<local ref> <local oid> <remote ref> <remote oid>".
type Update struct {
	LocalRef, LocalOID, RemoteRef, RemoteOID string
}

// IsDelete reports a deletion of the remote ref (local oid all zeroes).
func (u Update) IsDelete() bool { return isZero(u.LocalOID) }

// IsNew reports a ref the remote does not have yet (remote oid all zeroes).
func (u Update) IsNew() bool { return isZero(u.RemoteOID) }

// IsTag reports an update of a tag.
func (u Update) IsTag() bool {
	return strings.HasPrefix(u.RemoteRef, "refs/tags/") || strings.HasPrefix(u.LocalRef, "refs/tags/")
}

// IsNotes reports an update of git notes (refs/notes/*) from notes:
// metadata about commits, whose history names files by the commits they
// annotate; it holds no source. Both sides must be notes, so a branch
// pushed to refs/notes/x (or notes pushed to a branch) is still reviewed.
// Other namespaces such as refs/for/* and refs/changes/* (Gerrit) carry
// code for review and stay reviewed.
func (u Update) IsNotes() bool {
	return strings.HasPrefix(u.RemoteRef, "refs/notes/") && strings.HasPrefix(u.LocalRef, "refs/notes/")
}

// maxLine bounds one stdin line: two refs and two oids; refs are short in practice.
const maxLine = 64 * 1024

// ParsePushLines reads the hook's stdin. Blank lines are ignored; anything
// else must be four space-separated fields with object names of 40 (SHA-1)
// or 64 (SHA-256) hex digits, both of the same length.
func ParsePushLines(r io.Reader) ([]Update, error) {
	var out []Update
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, " ")
		if len(f) != 4 {
			return nil, fmt.Errorf("pre-push input line %d: want 4 space-separated fields, got %d", n, len(f))
		}
		u := Update{LocalRef: f[0], LocalOID: f[1], RemoteRef: f[2], RemoteOID: f[3]}
		for _, ref := range []string{u.LocalRef, u.RemoteRef} {
			if !validRef(ref) {
				return nil, fmt.Errorf("pre-push input line %d: %q is not a ref name", n, ref)
			}
		}
		for _, oid := range []string{u.LocalOID, u.RemoteOID} {
			if !validOID(oid) {
				return nil, fmt.Errorf("pre-push input line %d: %q is not an object name", n, oid)
			}
		}
		if len(u.LocalOID) != len(u.RemoteOID) {
			return nil, fmt.Errorf("pre-push input line %d: object names of different lengths", n)
		}
		out = append(out, u)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("pre-push input line %d: %w", n+1, err)
	}
	return out, nil
}

func validOID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func isZero(oid string) bool { return oid != "" && strings.Trim(oid, "0") == "" }

// validRef is deliberately loose (git already validated the names): it only
// rejects what could be mistaken for an option or an empty name, and control
// characters, since refs are passed to git as arguments and shown to users.
// "(delete)" is what git sends as the local ref of a deletion.
func validRef(s string) bool {
	if s == "" || strings.HasPrefix(s, "-") {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}
