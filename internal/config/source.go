package config

import (
	"encoding/json"
	"fmt"

	"github.com/quorum-review/quorum/internal/exitcode"
)

// SourceKind says which layer set a value.
type SourceKind int

// The layers, lowest precedence first.
const (
	FromDefault SourceKind = iota
	FromUser
	FromRepo
	FromEnv
	FromFlag
)

// Source is where one effective value came from.
type Source struct {
	Kind SourceKind
	File string // user and repo files, as shown to the user
	Line int    // line in File
	Name string // env variable or flag name
}

func (s Source) String() string {
	switch s.Kind {
	case FromUser:
		return fmt.Sprintf("user %s:%d", s.File, s.Line)
	case FromRepo:
		return fmt.Sprintf("repo %s:%d", s.File, s.Line)
	case FromEnv:
		return "env " + s.Name
	case FromFlag:
		return "flag --" + s.Name
	}
	return "default"
}

// MarshalJSON writes the source as its display string.
func (s Source) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// Error is a configuration error: where it is, what is wrong, and what to do.
type Error struct {
	File string // file as shown to the user, or "env QUORUM_X" / "flag --x"
	Line int    // 0 when not from a file or unknown
	// Column is the character on Line (from 1), when known; 0 otherwise.
	Column int
	Msg    string
	Hint   string
}

func (e *Error) Error() string {
	if e.Line > 0 && e.Column > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// wrap turns a config error into a user error with exit code 2 and its hint;
// errors.As still finds the *Error inside.
func wrap(e *Error) error {
	hint := e.Hint
	if hint == "" {
		hint = "fix the value, then run 'quorum config show' to check the effective configuration"
	}
	return exitcode.New(exitcode.Setup, e, hint)
}
