// Package dismiss keeps the dismissal ledger and decides which report findings it, or an inline quorum:ignore, dismisses.
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
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/atomicfile"
	"github.com/quorum-review/quorum/review/merge"
	"github.com/quorum-review/quorum/review/report"
)

// The ledger's places: SharedFile under the work tree (committed, so the
// team shares it) and LocalFile under the git dir (--local, this clone only).
const (
	SharedFile = ".quorum/dismissed.yaml"
	LocalFile  = "quorum/dismissed.yaml"
)

// Sources of a dismissal, as report.Dismissal.Source says.
const (
	SourceShared = "ledger"
	SourceLocal  = "local"
	SourceInline = "inline"
)

// Entry is one dismissed finding. Fingerprint and Kinds decide what it
// matches; the rest says what it was, who dismissed it, when and why.
type Entry struct {
	Fingerprint string    `yaml:"fingerprint"`
	Kinds       []string  `yaml:"kinds,omitempty,flow"`
	ID          string    `yaml:"id,omitempty"`
	File        string    `yaml:"file,omitempty"`
	Title       string    `yaml:"title,omitempty"`
	Reason      string    `yaml:"reason"`
	Who         string    `yaml:"who,omitempty"`
	When        time.Time `yaml:"when,omitempty"`
	// Source is where it was read from (not stored).
	Source string `yaml:"-"`
}

// Ledger is a list of dismissals.
type Ledger struct {
	Entries []Entry `yaml:"dismissed"`
}

// SharedPath and LocalPath are the ledger files of a work tree and a git dir.
func SharedPath(root string) string  { return filepath.Join(root, filepath.FromSlash(SharedFile)) }
func LocalPath(gitDir string) string { return filepath.Join(gitDir, filepath.FromSlash(LocalFile)) }

// ErrLedger wraps a ledger file that cannot be read or parsed.
var ErrLedger = errors.New("dismissal ledger")

// ReadFile reads a ledger; a missing file is an empty ledger. Each entry's
// Source is set to source.
func ReadFile(path, source string) (*Ledger, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Ledger{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrLedger, err)
	}
	l := &Ledger{}
	// Strict, as the config is: a key quorum does not know would be dropped
	// at the next write, so it is an error now instead.
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(l); err != nil && !errors.Is(err, io.EOF) {
		// yaml's type errors are "yaml: unmarshal errors:" and one line per
		// problem below it; errors print one line, so they are joined.
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("%w %s: %s", ErrLedger, path, strings.Join(te.Errors, "; "))
		}
		return nil, fmt.Errorf("%w %s: %v", ErrLedger, path, err)
	}
	for i := range l.Entries {
		if strings.TrimSpace(l.Entries[i].Fingerprint) == "" {
			// An entry matches by fingerprint alone: without one it would
			// silently dismiss nothing.
			return nil, fmt.Errorf("%w %s: %s has no fingerprint, so it matches no finding", ErrLedger, path, entryPlace(data, i))
		}
		l.Entries[i].Source = source
	}
	return l, nil
}

// entryPlace names the i-th entry of a ledger for an error: by its line
// when the YAML says where it is.
func entryPlace(data []byte, i int) string {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) == nil && len(doc.Content) == 1 {
		m := doc.Content[0]
		for k := 0; k+1 < len(m.Content); k += 2 {
			if m.Content[k].Value == "dismissed" && i < len(m.Content[k+1].Content) {
				return fmt.Sprintf("line %d: entry %d", m.Content[k+1].Content[i].Line, i+1)
			}
		}
	}
	return fmt.Sprintf("entry %d", i+1)
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
	local, err := ReadFile(LocalPath(gitDir), SourceLocal)
	if err != nil {
		return nil, err
	}
	shared.Entries = append(shared.Entries, local.Entries...)
	return shared, nil
}

const header = "# Findings dismissed with 'quorum dismiss'; commit this file to share them.\n" +
	"# An entry matches a finding with the same fingerprint (its function and\n" +
	"# code line, see README \"Dismissing a finding\"); 'quorum undismiss' removes one.\n"

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
	return strings.Join([]string{e.Fingerprint, strings.Join(e.Kinds, ","), e.ID, e.File, e.Title, e.Reason, e.Who, e.When.UTC().Format(time.RFC3339Nano)}, "\x00")
}

func sortEntries(es []Entry) {
	slices.SortStableFunc(es, func(a, b Entry) int {
		return cmp.Or(strings.Compare(a.File, b.File), strings.Compare(a.Fingerprint, b.Fingerprint),
			a.When.Compare(b.When), strings.Compare(a.ID, b.ID), strings.Compare(a.Reason, b.Reason), strings.Compare(a.Who, b.Who))
	})
}

// Matches reports whether e dismisses f: the same fingerprint, and kinds
// that do not contradict (either side names none, or they share one).
func (e Entry) Matches(f report.Finding) bool {
	return e.Fingerprint == f.Fingerprint && kindsAgree(e.Kinds, f.Kinds)
}

func kindsAgree(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, k := range a {
		if slices.Contains(b, k) {
			return true
		}
	}
	return false
}

// Matcher is the pipeline's dismissal stage: it returns report.Input's
// Dismiss for a ledger (nil for none) and the reviewed diff, where inline
// quorum:ignore comments are read. It is a pure function of its inputs; the
// ledger's order does not matter.
func Matcher(l *Ledger, set *diff.Set) func(report.Finding) (report.Dismissal, bool) {
	var entries []Entry
	if l != nil {
		entries = slices.Clone(l.Entries)
		sortEntries(entries)
		// The shared ledger first, so a team's reason wins over a local one.
		rank := func(e Entry) int {
			if e.Source == SourceLocal {
				return 1
			}
			return 0
		}
		slices.SortStableFunc(entries, func(a, b Entry) int { return cmp.Compare(rank(a), rank(b)) })
	}
	lines := lineIndex(set)
	return func(f report.Finding) (report.Dismissal, bool) {
		for _, e := range entries {
			if e.Matches(f) {
				d := report.Dismissal{Reason: e.Reason, Who: e.Who, Source: cmp.Or(e.Source, SourceShared)}
				if !e.When.IsZero() {
					d.When = e.When.UTC().Format(time.RFC3339)
				}
				return d, true
			}
		}
		if reason, ok := inline(lines, f); ok {
			return report.Dismissal{Reason: reason, Source: SourceInline}, true
		}
		return report.Dismissal{}, false
	}
}

// Marker is the inline suppression comment.
const Marker = "quorum:ignore"

// lineIndex maps path and new-side line number to the text of the diff's
// added and context lines: the only lines a review sees.
func lineIndex(set *diff.Set) map[string]map[int]string {
	idx := map[string]map[int]string{}
	if set == nil {
		return idx
	}
	for _, f := range set.Files {
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				if l.Kind == diff.Deleted || !strings.Contains(l.Text, Marker) {
					continue
				}
				if idx[f.Path] == nil {
					idx[f.Path] = map[int]string{}
				}
				idx[f.Path][l.New] = l.Text
			}
		}
	}
	return idx
}

// inline finds a quorum:ignore comment on the finding's first line or the
// line above. "quorum:ignore KIND" applies only to findings of that kind
// (or category); any other text after the marker is the reason.
func inline(lines map[string]map[int]string, f report.Finding) (string, bool) {
	if f.Line == 0 || f.Deleted {
		return "", false
	}
	for _, n := range []int{f.Line, f.Line - 1} {
		text, ok := lines[f.File][n]
		if !ok {
			continue
		}
		rest := text[strings.Index(text, Marker)+len(Marker):]
		rest = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(rest), "*/->#"))
		word, more, _ := strings.Cut(rest, " ")
		w := strings.ToLower(strings.Trim(word, ":,;"))
		if merge.IsKind(w) || (w != "" && w == strings.ToLower(f.Category)) {
			if !slices.Contains(f.Kinds, w) && w != strings.ToLower(f.Category) {
				continue
			}
			rest = strings.TrimSpace(more)
		}
		reason := "inline " + Marker
		if rest = strings.TrimSpace(strings.TrimLeft(rest, ":-— ")); rest != "" {
			reason += ": " + rest
		}
		return reason, true
	}
	return "", false
}

// Remove drops the entries whose id or fingerprint is one of keys, and
// returns how many it dropped.
func (l *Ledger) Remove(keys []string) int {
	n := 0
	l.Entries = slices.DeleteFunc(l.Entries, func(e Entry) bool {
		if slices.Contains(keys, e.ID) || slices.Contains(keys, e.Fingerprint) {
			n++
			return true
		}
		return false
	})
	return n
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
