package cmdutil

import (
	"fmt"
	"io"
	"slices"

	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/safetext"
)

// Bytes formats a size for people: "4.7 GB", "274 MB".
func Bytes(n int64) string {
	switch {
	case n <= 0:
		return "-"
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.0f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.0f KB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// ShortOID is the first 12 characters of an object id, as quorum prints them.
func ShortOID(oid string) string {
	if len(oid) > 12 {
		return oid[:12]
	}
	return oid
}

// Plural is "s" unless n is 1.
func Plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Warn prints a problem that does not fail the command (a report or cache
// entry not kept): "quorum: warning: [what: ]err" and its hint line, each
// one clean line.
func Warn(w io.Writer, what string, err error) {
	msg := safetext.OneLine(err.Error())
	if what != "" {
		msg = what + ": " + msg
	}
	fmt.Fprintf(w, "quorum: warning: %s\n", msg)
	if h := exitcode.HintOf(err); h != "" {
		fmt.Fprintf(w, "hint: %s\n", safetext.OneLine(h))
	}
}

// CommandSpan is base..head as a command line gives it: short object
// names, but the empty tree's in full (git resolves a short name only of
// an object it has, and the empty tree is often not stored).
func CommandSpan(base, head, emptyTree string) string {
	if base != emptyTree {
		base = ShortOID(base)
	}
	return base + ".." + ShortOID(head)
}

// RangeWarnings prints what resolving the range warned about (a date past
// the reflog, a --commits base that is not an ancestor of its head), so a
// review of another range than the one meant does not pass in silence.
func RangeWarnings(w io.Writer, warnings []string) {
	for _, m := range warnings {
		fmt.Fprintf(w, "quorum: warning: %s\n", safetext.OneLine(m))
	}
}

// AppendNew appends s to list unless it is empty or there already.
func AppendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

// MinAgreementFlag is the --min-agreement a suggested 'quorum review'
// carries to be judged as a gate of n is: none for 1, the default.
func MinAgreementFlag(n int) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf(" --min-agreement %d", n)
}
