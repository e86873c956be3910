// This file reads and writes the dismissal ledger: where it lives, its
// errors and their hints, and its entries kept in order.

package dismiss

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/atomicfile"
	"github.com/quorum-review/quorum/review"
)

// SharedPath is the shared ledger of the work tree at root.
func SharedPath(root string) string { return filepath.Join(root, filepath.FromSlash(SharedFile)) }

// LocalPath is the local ledger of the clone whose git dir is gitDir. It is
// the clone's, not one work tree's: a linked work tree (git worktree add)
// reads and writes the main git dir's, as --local promises ("this clone
// only").
func LocalPath(gitDir string) string {
	return filepath.Join(diff.CommonDirOf(gitDir), filepath.FromSlash(LocalFile))
}

// LocalPaths are the local ledgers a review reads: the clone's, and a
// linked work tree's own from before the ledger was the clone's (quorum
// once wrote it there), so its dismissals keep applying.
func LocalPaths(gitDir string) []string {
	paths := []string{LocalPath(gitDir)}
	if own := filepath.Join(gitDir, filepath.FromSlash(LocalFile)); own != paths[0] {
		if _, err := os.Stat(own); err == nil {
			paths = append(paths, own)
		}
	}
	return paths
}

// ErrLedger wraps a ledger file that cannot be read or parsed.
var ErrLedger = errors.New("dismissal ledger")

// LedgerError is a ledger file quorum cannot use: which file, the line at
// fault when there is one, and what is wrong in the file's own terms (no
// Go type names). errors.Is(err, ErrLedger) holds for it.
type LedgerError struct {
	Path string
	Line int
	Msg  string
	// fault says whether the file's content is wrong (the zero value) or
	// it cannot be read at all, which Hint answers differently.
	fault readFault
}

type readFault int

const (
	contentFault   readFault = iota
	notAFile                 // a directory where the ledger file should be
	unreadable               // permissions, I/O
	badFingerprint           // content, and the value to put there comes from a report
	conflicted               // content: a git merge left its conflict markers
	locked                   // another command held its lock for the whole wait
	unlockable               // its lock file cannot be made
)

// FileAtFault names the ledger file err is about as a user would type it
// from the work tree at root (the shared ledger when err does not say).
func FileAtFault(root string, err error) string {
	var le *LedgerError
	if !errors.As(err, &le) {
		return SharedFile
	}
	if rel, rerr := filepath.Rel(root, le.Path); rerr == nil && filepath.IsLocal(rel) {
		return filepath.ToSlash(rel)
	}
	return le.Path
}

// Hint says how to get past err, a ledger that cannot be used, naming the
// file as FileAtFault does.
func Hint(root string, err error) string {
	file := FileAtFault(root, err)
	var le *LedgerError
	errors.As(err, &le)
	switch {
	case le != nil && le.fault == notAFile:
		return "move " + file + " aside: the ledger is a YAML file that 'quorum dismiss' writes"
	case le != nil && le.fault == unreadable:
		return "check that " + file + " can be read (its permissions, and that its directories are directories), or remove it"
	case le != nil && (le.fault == locked || le.fault == unlockable):
		return lockHint(file, le.fault)
	case le != nil && le.fault == conflicted:
		return "edit " + file + ": keep the entries of both sides of the merge and delete the <<<<<<<, ======= and >>>>>>> lines (removing the file drops every dismissal); 'quorum dismiss --list' checks it"
	case le != nil && le.fault == badFingerprint:
		return "fix " + file + ": copy the finding's \"fingerprint\" from 'quorum report show --format json', or let 'quorum dismiss ID --reason TEXT' write the entry; 'quorum dismiss --list' checks it"
	}
	return "fix " + file + " (a 'dismissed:' list; each entry needs 'fingerprint:' and 'reason:') or remove it; 'quorum dismiss --list' checks it"
}

func (e *LedgerError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%v %s: line %d: %s", ErrLedger, e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%v %s: %s", ErrLedger, e.Path, e.Msg)
}

func (e *LedgerError) Is(target error) bool { return target == ErrLedger }

// ReadFile reads a ledger; a missing file is an empty ledger. Each entry's
// Source is set to source.
func ReadFile(path, source string) (*Ledger, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Ledger{}, nil
	}
	if err != nil {
		if fi, serr := os.Stat(path); serr == nil && fi.IsDir() {
			return nil, &LedgerError{Path: path, Msg: "is a directory, not a file", fault: notAFile}
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // LedgerError names the path once
		}
		return nil, &LedgerError{Path: path, Msg: err.Error(), fault: unreadable}
	}
	return Parse(data, path, source)
}

// Parse reads a ledger's content, as ReadFile does the file at path (the
// name its errors give).
func Parse(data []byte, path, source string) (*Ledger, error) {
	if n := conflictLine(data); n > 0 {
		// Two branches' first dismissals meet in a merge: said as such,
		// not as a YAML error whose fix could be deleting the file.
		return nil, &LedgerError{Path: path, Line: n, Msg: "has git merge conflict markers", fault: conflicted}
	}
	lines, err := checkShape(data)
	if err != nil {
		return nil, located(path, err)
	}
	l := &Ledger{}
	// Strict, as the config is: a key quorum does not know would be dropped
	// at the next write, so it is an error now instead. checkShape has
	// already refused what yaml would word in Go types; this is the backstop.
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(l); err != nil && !errors.Is(err, io.EOF) {
		return nil, located(path, err)
	}
	for i := range l.Entries {
		e := &l.Entries[i]
		place := fmt.Sprintf("entry %d", i+1)
		switch {
		case strings.TrimSpace(e.Fingerprint) == "":
			// An entry matches by fingerprint alone: without one it would
			// silently dismiss nothing.
			return nil, &LedgerError{Path: path, Line: lines[i].entry, Msg: place + " has no fingerprint, so it matches no finding"}
		case strings.TrimSpace(e.Reason) == "":
			// 'quorum dismiss' requires --reason: the report shows it beside
			// the dismissed finding, and a dismissal nobody can explain is
			// one nobody can safely keep or take back.
			return nil, &LedgerError{Path: path, Line: lines[i].entry, Msg: place + " has no reason; add 'reason:' saying why the finding is dismissed"}
		case !IsFingerprint(e.Fingerprint):
			// "*", a typo or an upper-case copy would match no finding:
			// the dismissal its author meant would silently not happen.
			return nil, &LedgerError{Path: path, Line: cmp.Or(lines[i].fingerprint, lines[i].entry), fault: badFingerprint,
				Msg: fmt.Sprintf("%s: fingerprint: %s is not a fingerprint (16 lower-case hex digits, like 0123456789abcdef), so it matches no finding", place, describe(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: e.Fingerprint}))}
		}
		e.Source = source
	}
	return l, nil
}

// Load reads both ledgers of a repository: the work tree's and, when
// gitDir is not "", the git dir's. It is the one place reviews load them.
func Load(root, gitDir string) (*Ledger, error) {
	shared, err := ReadFile(SharedPath(root), SourceShared)
	if err != nil {
		return nil, err
	}
	if gitDir == "" {
		return shared, nil
	}
	for _, p := range LocalPaths(gitDir) {
		local, err := ReadFile(p, SourceLocal)
		if err != nil {
			return nil, err
		}
		shared.Entries = append(shared.Entries, local.Entries...)
	}
	return shared, nil
}

const header = "# Findings dismissed with 'quorum dismiss'; commit this file to share them.\n" +
	"# An entry matches a finding with the same fingerprint (its function and\n" +
	"# code line) and kinds, up to its severity (see README \"Dismissing a\n" +
	"# finding\"); 'quorum undismiss' removes one.\n"

// WriteFile writes a ledger atomically, entries in a stable order. The
// file's own comments (above the list and on entries still in it) are
// kept: an entry read from the file and unchanged is written back as it was.
func WriteFile(path string, l *Ledger) error {
	entries := slices.Clone(l.Entries)
	sortEntries(entries)
	doc, seq := existingDoc(path)
	if doc == nil {
		var fresh yaml.Node
		if err := fresh.Encode(Ledger{}); err != nil {
			return err
		}
		doc = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{&fresh}, HeadComment: strings.TrimSuffix(header, "\n")}
		seq = fresh.Content[1]
	}
	old := map[string][]*yaml.Node{} // an entry's identity -> its nodes in the file, in order
	for _, n := range seq.Content {
		var e Entry
		if n.Decode(&e) == nil {
			old[entryKey(e)] = append(old[entryKey(e)], n)
		}
	}
	seq.Kind, seq.Tag, seq.Style, seq.Content = yaml.SequenceNode, "!!seq", 0, nil
	for _, e := range entries {
		if ns := old[entryKey(e)]; len(ns) > 0 {
			seq.Content, old[entryKey(e)] = append(seq.Content, ns[0]), ns[1:]
			continue
		}
		var n yaml.Node
		if err := n.Encode(e); err != nil {
			return err
		}
		seq.Content = append(seq.Content, &n)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes(), 0o644)
}

// existingDoc is the ledger file at path as a YAML document and its list of
// entries, or nil when there is none to keep (no file, or not one quorum
// can read: then it is written afresh).
func existingDoc(path string) (*yaml.Node, *yaml.Node) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "dismissed" {
			if v := m.Content[i+1]; v.Kind == yaml.SequenceNode || v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				return &doc, v
			}
			return nil, nil
		}
	}
	// No list yet: add one, keeping the rest.
	key := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "dismissed"}
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	m.Content = append(m.Content, key, seq)
	return &doc, seq
}

// entryKey identifies an entry for keeping its node: every stored field.
func entryKey(e Entry) string {
	return strings.Join([]string{e.Fingerprint, strings.Join(e.Kinds, ","), e.Severity, strconv.Itoa(e.Places), strings.Join(e.PlaceFingerprints, ","),
		strings.Join(e.Span, ","), strconv.Itoa(e.Copies), e.ID, e.File, e.Title, e.Reason, e.Who, e.When.UTC().Format(time.RFC3339Nano)}, "\x00")
}

func sortEntries(es []Entry) {
	slices.SortStableFunc(es, func(a, b Entry) int {
		return cmp.Or(strings.Compare(a.File, b.File), strings.Compare(a.Fingerprint, b.Fingerprint),
			a.When.Compare(b.When), strings.Compare(a.ID, b.ID), strings.Compare(a.Reason, b.Reason), strings.Compare(a.Who, b.Who),
			strings.Compare(strings.Join(a.Kinds, ","), strings.Join(b.Kinds, ",")), cmp.Compare(review.SeverityRank(a.Severity), review.SeverityRank(b.Severity)))
	})
}

// Add records e in l in place of the entries it supersedes, which it
// returns: those of e's fingerprint and file whose kinds agree with e's
// (the same issue, dismissed again). An entry of another issue at that
// place (a kind e does not name), or of the same code in another file,
// stays.
func (l *Ledger) Add(e Entry) []Entry {
	var replaced []Entry
	l.Entries = slices.DeleteFunc(l.Entries, func(old Entry) bool {
		same := old.Fingerprint == e.Fingerprint || e.legacy != "" && old.Fingerprint == e.legacy
		if same && (old.File == "" || old.File == e.File) && kindsAgree(old.Kinds, e.Kinds) {
			replaced = append(replaced, old)
			return true
		}
		return false
	})
	l.Entries = append(l.Entries, e)
	return replaced
}

// Remove drops the entries whose id or fingerprint is one of keys (and,
// when kind is set, whose kinds are that set: "a,b" in any order), and
// returns them.
func (l *Ledger) Remove(keys []string, kind string) []Entry {
	return l.RemoveWhere(func(e Entry) bool {
		return e.Named(keys) && (kind == "" || e.KindKey() == KindKey(strings.Split(kind, ",")))
	})
}

// RemoveWhere removes the entries named returns true for, and returns them.
func (l *Ledger) RemoveWhere(named func(Entry) bool) []Entry {
	var out []Entry
	l.Entries = slices.DeleteFunc(l.Entries, func(e Entry) bool {
		if named(e) {
			out = append(out, e)
			return true
		}
		return false
	})
	return out
}

// WorkTree is the work tree of a git dir, where the shared ledger lives:
// the parent of a ".git" directory, or a linked work tree's (its gitdir
// file names the work tree's .git file); "" when it cannot tell.
func WorkTree(gitDir string) string {
	if filepath.Base(gitDir) == ".git" {
		return filepath.Dir(gitDir)
	}
	if b, err := os.ReadFile(filepath.Join(gitDir, "gitdir")); err == nil {
		return filepath.Dir(strings.TrimSpace(string(b)))
	}
	return ""
}
