package cmdutil

import "strings"

// ShellWord quotes s for a POSIX shell when it needs it, so a command
// printed for the user to run (a file name, a branch, a URL in it) runs as
// printed and never as shell code.
func ShellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@%+=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
