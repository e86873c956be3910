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
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/atomicfile"
	"github.com/quorum-review/quorum/prompts"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/anchor"
	"github.com/quorum-review/quorum/review/merge"
	"github.com/quorum-review/quorum/review/report"
)

// The ledger's places: SharedFile under the work tree (committed, so the
// team shares it) and LocalFile under the git dir (--local, this clone only).
const (
	SharedFile = diff.LedgerPath
	LocalFile  = "quorum/dismissed.yaml"
)

// Sources of a dismissal, as report.Dismissal.Source says.
const (
	SourceShared = "ledger"
	SourceLocal  = "local"
	SourceInline = "inline"
)

// Entry is one dismissed finding. Fingerprint, Kinds and Severity decide
// what it matches; the rest says what it was, who dismissed it, when and why.
type Entry struct {
	Fingerprint string `yaml:"fingerprint"`
	// Kinds are the dismissed finding's issue kinds (merge's taxonomy), or
	// [other] when it had none: a finding of a known kind the entry does not
	// name is a different issue. None (an entry written by hand, or by
	// quorum before "other" was recorded) agrees with every kind.
	Kinds []string `yaml:"kinds,omitempty,flow"`
	// Severity is the severity of the finding that was dismissed: the entry
	// covers findings at its place up to that severity, never a more severe
	// one (a new opinion of the code, not the one dismissed). "" (an entry
	// written by hand, or by quorum before entries recorded it) covers
	// every severity, as entries always did.
	Severity string `yaml:"severity,omitempty"`
	// Places is how many places the dismissed finding's members pointed
	// at, as quorum recorded it before it recorded which
	// (PlaceFingerprints). A count says nothing of where: a finding of as
	// many places, one of them never checked, would be covered. So an
	// entry with a count only is read as one made for one place: it covers
	// a finding of one place, and a finding of several is not dismissed
	// until it is dismissed again. quorum no longer writes it; 0 is one.
	Places int `yaml:"places,omitempty"`
	// PlaceFingerprints are the places checked when the dismissed finding
	// pointed at several (quorum dismiss --all-places): the fingerprint of
	// each of its members' lines, made as a finding's is (places.go), so
	// they survive code moving and change with the code. The entry covers
	// a finding of several places only when each of its places has a
	// member at one of them. With none, it covers a finding of one place.
	PlaceFingerprints []string `yaml:"place_fingerprints,omitempty,flow"`
	// Span is a short hash of each line the dismissed finding quoted
	// beyond its first (spanOf): the entry does not cover the finding once
	// one of them changes. None: a one-line quote, or an entry written
	// before quorum recorded spans.
	Span []string `yaml:"span,omitempty,flow"`
	// Copies is how many lines of its file held the dismissed finding's
	// code in the diff its report was made from (report.Finding.Copies),
	// when more than one (dismissed with --all-places). The entry covers none of a review's
	// findings at more: a copy of the line added to the function (a second
	// handler's closure) was never judged.
	Copies int       `yaml:"copies,omitempty"`
	ID     string    `yaml:"id,omitempty"`
	File   string    `yaml:"file,omitempty"`
	Title  string    `yaml:"title,omitempty"`
	Reason string    `yaml:"reason"`
	Who    string    `yaml:"who,omitempty"`
	When   time.Time `yaml:"when,omitempty"`
	// Source is where it was read from (not stored).
	Source string `yaml:"-"`
	// legacy is the v1 fingerprint of the finding a new entry is made for
	// (NewEntry): Add replaces an entry written with it.
	legacy string
}

// Ledger is a list of dismissals.
type Ledger struct {
	Entries []Entry `yaml:"dismissed"`
}

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

// conflictLine is the line of the first git conflict marker in data
// ("<<<<<<< ", "=======", ">>>>>>> " at a line's start), 0 for none.
func conflictLine(data []byte) int {
	for i, l := range bytes.Split(data, []byte("\n")) {
		l = bytes.TrimRight(l, "\r")
		if bytes.HasPrefix(l, []byte("<<<<<<< ")) || bytes.Equal(l, []byte("<<<<<<<")) || bytes.Equal(l, []byte("=======")) || bytes.HasPrefix(l, []byte(">>>>>>> ")) {
			return i + 1
		}
	}
	return 0
}

// fingerprintShape is report.Fingerprint's: 16 lower-case hex digits.
var fingerprintShape = regexp.MustCompile(`^[0-9a-f]{16}$`)

// IsFingerprint reports whether s has a fingerprint's shape (what
// report.Fingerprint makes): the only values a finding can match.
func IsFingerprint(s string) bool { return fingerprintShape.MatchString(s) }

// kindShape is the shape of an issue kind's name: lower-case words joined
// by hyphens (sql-injection, other). A name quorum may learn later keeps
// this shape; "SQL-Injection" or "sql injection" would match no finding.
var kindShape = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// spanShape is a span line's hash as spanOf writes it.
var spanShape = regexp.MustCompile(`^[0-9a-f]{8}$`)

// entryKeys are an entry's keys in the file, from Entry's yaml tags.
var entryKeys = func() []string {
	var keys []string
	t := reflect.TypeFor[Entry]()
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}()

// checkShape refuses, with its line, whatever in a ledger is not a
// 'dismissed:' list of entries of known keys and plain values: yaml's own
// errors for these name Go types ("cannot unmarshal !!int `5` into
// []dismiss.Entry"). It returns each entry's lines.
func checkShape(data []byte) ([]entryLines, error) {
	var doc, more yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	// A second document (after `---`) would be read by nobody: its
	// entries silently dismiss nothing.
	if err := dec.Decode(&more); err == nil {
		if len(more.Content) > 0 && !isNull(deref(more.Content[0])) {
			return nil, lineError(more.Content[0].Line, "a second YAML document (after ---); keep every entry in one dismissed: list")
		}
	} else if !errors.Is(err, io.EOF) {
		return nil, err
	}
	if len(doc.Content) == 0 {
		return nil, nil // empty, or only comments
	}
	root := deref(doc.Content[0])
	if isNull(root) {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, lineError(root.Line, "expected 'dismissed:' and a list of entries, got %s", describe(root))
	}
	var list *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := root.Content[i]
		switch {
		case k.Value != "dismissed":
			return nil, lineError(k.Line, "unknown key %q; the file has one key, dismissed:", k.Value)
		case list != nil:
			return nil, lineError(k.Line, "dismissed: appears twice; keep one list")
		}
		list = deref(root.Content[i+1])
	}
	if list == nil || isNull(list) {
		return nil, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, lineError(list.Line, "dismissed: must be a list of entries, got %s", describe(list))
	}
	lines := make([]entryLines, len(list.Content))
	for i, item := range list.Content {
		item = deref(item)
		lines[i].entry = item.Line
		place := fmt.Sprintf("entry %d", i+1)
		if item.Kind != yaml.MappingNode {
			return nil, lineError(item.Line, "%s must be keys like 'fingerprint:' and 'reason:', got %s", place, describe(item))
		}
		seen := map[string]int{}
		for j := 0; j+1 < len(item.Content); j += 2 {
			k, v := item.Content[j], deref(item.Content[j+1])
			if first, dup := seen[k.Value]; dup {
				return nil, lineError(k.Line, "%s: %s: repeats line %d; keep one", place, k.Value, first)
			}
			seen[k.Value] = k.Line
			if k.Value == "fingerprint" {
				lines[i].fingerprint = v.Line
			}
			if err := checkValue(place, k, v); err != nil {
				return nil, err
			}
		}
	}
	return lines, nil
}

// entryLines are where an entry, and its fingerprint, are in the file.
type entryLines struct{ entry, fingerprint int }

// checkValue refuses an entry's key quorum does not know, or a value of the
// wrong shape for its key.
func checkValue(place string, k, v *yaml.Node) error {
	switch {
	case !slices.Contains(entryKeys, k.Value):
		return lineError(k.Line, "%s: unknown key %q; an entry takes %s", place, k.Value, strings.Join(entryKeys, ", "))
	case isNull(v):
		return nil // an empty fingerprint or reason is refused once decoded
	case k.Value == "kinds":
		if v.Kind != yaml.SequenceNode {
			return lineError(v.Line, "%s: kinds: must be a list like [unchecked-error], got %s", place, describe(v))
		}
		for _, it := range v.Content {
			if it = deref(it); it.Kind != yaml.ScalarNode {
				return lineError(it.Line, "%s: kinds: each kind must be a plain name, got %s", place, describe(it))
			}
			if !kindShape.MatchString(it.Value) {
				return lineError(it.Line, "%s: kinds: %s is not a kind: kinds are lower-case names like sql-injection, or other", place, describe(it))
			}
		}
	case k.Value == "place_fingerprints":
		if v.Kind != yaml.SequenceNode {
			return lineError(v.Line, "%s: place_fingerprints: must be a list like [0123456789abcdef, fedcba9876543210], got %s", place, describe(v))
		}
		for _, it := range v.Content {
			if it = deref(it); it.Kind != yaml.ScalarNode || !IsFingerprint(it.Value) {
				return lineError(it.Line, "%s: place_fingerprints: %s is not a fingerprint (16 lower-case hex digits, like 0123456789abcdef)", place, describe(it))
			}
		}
	case k.Value == "span":
		if v.Kind != yaml.SequenceNode {
			return lineError(v.Line, "%s: span: must be a list like [0123abcd, 4567ef01], got %s", place, describe(v))
		}
		for _, it := range v.Content {
			if it = deref(it); it.Kind != yaml.ScalarNode || !spanShape.MatchString(it.Value) {
				return lineError(it.Line, "%s: span: %s is not a line's hash (8 lower-case hex digits, like 0123abcd)", place, describe(it))
			}
		}
	case v.Kind != yaml.ScalarNode:
		return lineError(v.Line, "%s: %s: must be a plain value, got %s", place, k.Value, describe(v))
	case k.Value == "places" || k.Value == "copies":
		var n int
		if v.Decode(&n) != nil || n < 1 {
			return lineError(v.Line, "%s: %s: must be a number, 1 or more, got %s", place, k.Value, describe(v))
		}
	case k.Value == "severity":
		if review.SeverityRank(v.Value) == 0 {
			return lineError(v.Line, "%s: severity: must be critical, important or suggestion, got %s", place, describe(v))
		}
	case k.Value == "when":
		var t time.Time
		if v.Decode(&t) != nil {
			return lineError(v.Line, "%s: when: must be a time like 2026-12-03T18:04:09Z, got %s", place, describe(v))
		}
	}
	return nil
}

func deref(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// describe names a YAML value for an error: a scalar as written, else its shape.
func describe(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.MappingNode:
		return "keys"
	case isNull(n):
		return "nothing"
	}
	v := n.Value
	if r := []rune(v); len(r) > 40 {
		v = string(r[:40]) + "…"
	}
	if n.Tag == "!!str" {
		return strconv.Quote(v)
	}
	return v
}

// shapeError is a problem checkShape found, at its line.
type shapeError struct {
	line int
	msg  string
}

func (e *shapeError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func lineError(line int, format string, args ...any) error {
	return &shapeError{line, fmt.Sprintf(format, args...)}
}

// yamlLine and goTypes reword yaml's own errors, for what checkShape does
// not catch: the line moves into LedgerError.Line (as internal/config does
// for .quorum.yaml) and Go type names go ("… into []dismiss.Entry",
// "… in type dismiss.Ledger").
var (
	yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)
	goTypes  = regexp.MustCompile(` (?:into|in type) [\w.\[\]*]+`)
)

// located is err as path's LedgerError: one line, no Go type names.
func located(path string, err error) error {
	var se *shapeError
	if errors.As(err, &se) {
		return &LedgerError{Path: path, Line: se.line, Msg: se.msg}
	}
	msgs, prefix := []string{err.Error()}, "invalid YAML: "
	var te *yaml.TypeError
	if errors.As(err, &te) {
		// "yaml: unmarshal errors:" and one indented line per problem below.
		msgs, prefix = slices.Clone(te.Errors), ""
	}
	e := &LedgerError{Path: path}
	for i, m := range msgs {
		m = goTypes.ReplaceAllString(strings.TrimPrefix(strings.TrimSpace(m), "yaml: "), "")
		if sub := yamlLine.FindStringSubmatch(m); sub != nil && i == 0 {
			e.Line, _ = strconv.Atoi(sub[1])
			m = sub[2]
		}
		msgs[i] = m
	}
	e.Msg = prefix + strings.Join(msgs, "; ")
	return e
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

// OtherKind is what an entry records as its kinds when the dismissed
// finding had none of the taxonomy (its reviewers said "other", or named
// none): the entry then covers findings of no known kind at its place,
// and a finding of a known kind there is a different issue.
const OtherKind = "other"

// NewEntry is the entry that dismisses f: its fingerprint, its kinds
// ([other] when it has none) and its severity, which decide what the
// entry covers, and what it was, why, who and when. For a finding of
// several places it covers them only once their PlaceFingerprints (read
// from the reviewed diff) are set: until then, a finding of one place.
func NewEntry(f report.Finding, reason, who string, when time.Time) Entry {
	e := Entry{Fingerprint: f.Fingerprint, legacy: f.LegacyFingerprint, Kinds: slices.Clone(f.Kinds), ID: f.ID, File: f.File, Title: f.Title,
		Reason: strings.TrimSpace(reason), Who: who, When: when, Span: spanOf(f), Copies: f.Copies}
	if len(e.Kinds) == 0 {
		e.Kinds = []string{OtherKind}
	}
	if review.SeverityRank(f.Severity) > 0 {
		e.Severity = f.Severity
	}
	return e
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

// Matches reports whether e dismisses f, without the diff f was found in:
// the same fingerprint, kinds the entry covers (kindsCovered: it names
// none, or every one of f's, a finding of no known kind counting as
// "other"), a severity the entry covers (f is no more severe than the
// finding that was dismissed), the quoted lines it recorded, its copies,
// and one place. Whether a finding of several
// places is at places the entry checked is read from the diff (Matcher);
// without it such a finding is not dismissed.
func (e Entry) Matches(f report.Finding) bool { return e.matches(f, (*placer)(nil).of(f)) }

// matches is Matches, with f's places (and, read from the diff, their
// fingerprints).
func (e Entry) matches(f report.Finding, at findingPlaces) bool {
	return e.at(f) && e.inFile(at) && kindsCovered(e.Kinds, f.Kinds) && e.covers(f.Severity) && e.spanAgrees(f) && e.coversCopies(f) && e.coversPlaces(at)
}

// coversCopies reports whether the entry covers f's copies: no more lines
// of its file hold its code than did when it was dismissed.
func (e Entry) coversCopies(f report.Finding) bool { return f.Copies <= max(e.Copies, 1) }

// at reports whether the entry names f's place: its fingerprint, or the
// v1 fingerprint an entry written before v2 has (report.LegacyFingerprint).
func (e Entry) at(f report.Finding) bool {
	return e.Fingerprint == f.Fingerprint || f.LegacyFingerprint != "" && e.Fingerprint == f.LegacyFingerprint
}

// inFile reports whether the entry covers code in the file of a finding
// at places at: its own file, or the path that file had before a rename
// the reviewed diff shows. The same code in another file is another
// place: a copy of a dismissed line elsewhere (a production manifest
// beside a dev one, a second handler) may well be the bug the first was
// not. An entry that names no file (written by hand) covers any.
func (e Entry) inFile(at findingPlaces) bool {
	// A hand-written `./a.go` or `a//b.go` names the repository path.
	file := strings.TrimPrefix(path.Clean(filepath.ToSlash(e.File)), "./")
	return e.File == "" || file == at.file || at.renamedFrom != "" && file == at.renamedFrom
}

// coversPlaces reports whether the entry covers a finding at places at:
// one place (the fingerprint names it), or places each of which has a
// member at a place the dismissal checked. A count of places alone
// (Places, from before quorum recorded which) covers one place only.
func (e Entry) coversPlaces(at findingPlaces) bool {
	if len(at.places) <= 1 {
		return true
	}
	return at.known && len(e.PlaceFingerprints) > 0 && len(at.unchecked(e.PlaceFingerprints)) == 0
}

// covers reports whether the entry covers a finding of severity sev: up
// to its own severity, every severity when it records none.
func (e Entry) covers(sev string) bool {
	return e.Severity == "" || review.SeverityRank(sev) <= review.SeverityRank(e.Severity)
}

// kindsCovered reports whether the entry kinds a cover every kind of a
// finding's kinds b: a names none (a ledger written before entries
// recorded kinds), or each of b is one of a (b naming none is "other").
// A finding that now also names a kind the dismissal did not (another
// reviewer's SQL injection merged into a dismissed unchecked error) is
// not covered: that issue was never judged a false positive.
func kindsCovered(a, b []string) bool {
	return len(a) == 0 || len(uncoveredKinds(a, b)) == 0
}

// uncoveredKinds are the kinds of b (a finding's; none is "other") that
// the entry kinds a do not name.
func uncoveredKinds(a, b []string) []string {
	if len(b) == 0 {
		b = []string{OtherKind}
	}
	var out []string
	for _, k := range b {
		if !slices.Contains(a, k) {
			out = append(out, k)
		}
	}
	return out
}

// kindsAgree reports whether kinds b (a finding's, or a new entry's) are
// an issue the entry kinds a covers: a names none (a ledger written before
// entries recorded kinds), or they share one. Kinds b that name none are
// "other": an entry of a known kind does not cover a finding of no known
// kind there (it may be any other defect), nor an "other" entry one of a
// known kind.
func kindsAgree(a, b []string) bool {
	if len(a) == 0 {
		return true
	}
	if len(b) == 0 {
		b = []string{OtherKind}
	}
	for _, k := range a {
		if slices.Contains(b, k) {
			return true
		}
	}
	return false
}

// Why says why no entry of l dismisses f although one is at its place
// (the same fingerprint): "not dismissed: critical, the dismissal covered
// suggestion" when f is more severe than what was dismissed there (said
// first: it is what a reader weighs), else "not dismissed:
// sql-injection, the dismissal covered other" when it is another kind of
// issue, else why its places are not the dismissal's. It is "" when an
// entry dismisses f, or none is at its place. It does not read the diff f
// was found in (WhyNot does), so it cannot name which of f's places the
// dismissal did not check.
func (l *Ledger) Why(f report.Finding) string { return l.why(f, (*placer)(nil).of(f)) }

// WhyNot is Why for the findings of a review of set: a finding of several
// places names the places the dismissal did not check.
func WhyNot(l *Ledger, set *diff.Set) func(report.Finding) string {
	return whyNot(l, newPlacer(set))
}

func whyNot(l *Ledger, p *placer) func(report.Finding) string {
	return func(f report.Finding) string {
		if l == nil || len(l.Entries) == 0 {
			return "" // no entry: no place's code to read
		}
		return l.why(f, p.of(f))
	}
}

// Stage is the pipeline's dismissal stage for a review of set with ledger
// l: report.Input's Dismiss (Matcher), WhyNot and Copies, over one reading
// of the diff.
type Stage struct {
	Dismiss func(report.Finding) (report.Dismissal, bool)
	WhyNot  func(report.Finding) string
	Copies  func(report.Finding) []int
}

// NewStage is the Stage of a review of set with ledger l (nil for none).
// ix is set's anchor index when the caller has one (the pipeline's, which
// anchored the findings), else nil.
func NewStage(l *Ledger, set *diff.Set, ix *anchor.Index) Stage {
	p := newPlacerOf(set, ix)
	return Stage{Dismiss: matcher(l, set, p), WhyNot: whyNot(l, p), Copies: copies(set, p)}
}

func (l *Ledger) why(f report.Finding, at findingPlaces) string {
	if l == nil {
		return ""
	}
	var below, otherKind, placed, otherFile, changed, copied, member *Entry
	for i := range l.Entries {
		e := &l.Entries[i]
		switch {
		case !e.at(f) && at.names(e.Fingerprint) && e.inFile(at):
			// It names a member's line, not the one the finding is named
			// after: the merge joined another reviewer's finding to the
			// dismissed one. The same issue, or another one nearby (in
			// another function, even): checked, not assumed.
			member = e
		case !e.at(f):
		case e.matches(f, at):
			return ""
		case !e.inFile(at):
			if otherFile == nil || e.File < otherFile.File {
				otherFile = e
			}
		case kindsCovered(e.Kinds, f.Kinds) && e.covers(f.Severity) && !e.spanAgrees(f):
			changed = e
		case kindsCovered(e.Kinds, f.Kinds) && e.covers(f.Severity) && !e.coversCopies(f):
			copied = e
		case kindsCovered(e.Kinds, f.Kinds) && e.covers(f.Severity):
			// Only the places differ: the entry that checked the most of
			// them says the most.
			if placed == nil || len(at.unchecked(e.PlaceFingerprints)) < len(at.unchecked(placed.PlaceFingerprints)) {
				placed = e
			}
		case !e.covers(f.Severity):
			// The entry of this issue (kinds that agree) first, then the
			// one that covered the most.
			if below == nil || cmp.Or(compareBool(kindsCovered(e.Kinds, f.Kinds), kindsCovered(below.Kinds, f.Kinds)),
				cmp.Compare(review.SeverityRank(e.Severity), review.SeverityRank(below.Severity))) > 0 {
				below = e
			}
		case otherKind == nil || strings.Join(e.Kinds, ",") < strings.Join(otherKind.Kinds, ","):
			otherKind = e
		}
	}
	switch {
	case member != nil && placed == nil && below == nil && otherKind == nil && changed == nil && copied == nil:
		return fmt.Sprintf("not dismissed: the dismissal covers one of its reviewers' lines only; it now groups %s, named after line %d: check it, then dismiss it again", reviewerLines(f), f.Line)
	case changed != nil && placed == nil:
		return "not dismissed: the code it quotes changed since it was dismissed"
	case copied != nil && placed == nil:
		return fmt.Sprintf("not dismissed: the same code is now on %d lines of %s, and the dismissal covered %d; check each, then dismiss it again with --all-places", f.Copies, f.File, max(copied.Copies, 1))
	case otherFile != nil && placed == nil && below == nil && otherKind == nil && changed == nil && copied == nil:
		return fmt.Sprintf("not dismissed: the dismissal is of the same code in %s; this is another place", otherFile.File)
	case placed != nil:
		return placed.whyPlaces(at)
	case below != nil:
		return fmt.Sprintf("not dismissed: %s, the dismissal covered %s", f.Severity, below.Severity)
	case otherKind != nil:
		return fmt.Sprintf("not dismissed: %s, the dismissal covered %s", strings.Join(uncoveredKinds(otherKind.Kinds, f.Kinds), ", "), strings.Join(otherKind.Kinds, ", "))
	}
	return ""
}

// whyPlaces says why the entry, of the finding's issue, does not cover a
// finding at places at.
func (e *Entry) whyPlaces(at findingPlaces) string {
	n := len(at.places)
	switch {
	case len(e.PlaceFingerprints) > 0 && !at.known:
		return fmt.Sprintf("not dismissed: it groups reviewers' findings at %d places, and the dismissal covers only the places it checked", n)
	case len(e.PlaceFingerprints) > 0:
		return fmt.Sprintf("not dismissed: it now points at %s too, which the dismissal did not check", placeNames(at.unchecked(e.PlaceFingerprints)))
	case e.Places > 1:
		return fmt.Sprintf("not dismissed: it groups reviewers' findings at %d places, and the dismissal recorded how many places it covered (%d), not which; check each and dismiss it again with --all-places", n, e.Places)
	}
	return fmt.Sprintf("not dismissed: it now groups reviewers' findings at %d places, the dismissal covered 1", n)
}

// reviewerLines names f's members' lines, as "gemma2:9b at 8, qwen at 6".
func reviewerLines(f report.Finding) string {
	var out []string
	for _, m := range f.Members {
		line := m.Line
		if line == 0 {
			line = m.OldLine
		}
		if s := fmt.Sprintf("%s at %d", m.Reviewer, line); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return strings.Join(out, ", ")
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// Matcher is the pipeline's dismissal stage: it returns report.Input's
// Dismiss for a ledger (nil for none) and the reviewed diff, where inline
// quorum:ignore comments and the code of a finding's places are read
// (without it, a finding of several places is never dismissed). It is a pure function of its inputs; the
// ledger's order does not matter.
func Matcher(l *Ledger, set *diff.Set) func(report.Finding) (report.Dismissal, bool) {
	return matcher(l, set, newPlacer(set))
}

func matcher(l *Ledger, set *diff.Set, places *placer) func(report.Finding) (report.Dismissal, bool) {
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
		var at findingPlaces
		if len(entries) > 0 {
			at = places.of(f) // its places' code, read only for a ledger
		}
		for _, e := range entries {
			if e.matches(f, at) {
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

// diffLines is what inline suppression reads of the reviewed diff: the
// lines holding the marker, by path and new-side line number (only added
// and context lines: the only lines a review sees), and the added lines.
type diffLines struct {
	markers map[string]map[int]markerLine
	added   map[string]map[int]bool
}

func lineIndex(set *diff.Set) diffLines {
	idx := diffLines{markers: map[string]map[int]markerLine{}, added: map[string]map[int]bool{}}
	if set == nil {
		return idx
	}
	for _, f := range set.Files {
		if !holdsMarker(f) {
			// Nothing of the file is ever read: a finding or member
			// there needs a marker first (markerAt).
			continue
		}
		syn := syntaxOf(f.Path)
		for _, h := range f.Hunks {
			// Each line is read from what the hunk's lines above it leave
			// open (a multi-line string, a block comment): the new side's,
			// so deleted lines are not read. The hunk's first line is read
			// as code: what is above it is not in the diff.
			var st lexState
			for _, l := range h.Lines {
				if l.Kind == diff.Deleted {
					continue
				}
				if l.Kind == diff.Added {
					if idx.added[f.Path] == nil {
						idx.added[f.Path] = map[int]bool{}
					}
					idx.added[f.Path][l.New] = true
				}
				if strings.Contains(l.Text, Marker) {
					if idx.markers[f.Path] == nil {
						idx.markers[f.Path] = map[int]markerLine{}
					}
					idx.markers[f.Path][l.New] = markerLine{text: l.Text, added: l.Kind == diff.Added, comment: markerInComment(syn, st, l.Text)}
				}
				st, _ = scan(syn, st, l.Text, -1)
			}
		}
	}
	return idx
}

// holdsMarker reports whether a new-side line of f holds the marker: most
// files hold none, and lexing every line of a large diff for comments
// costs more than the rest of the stage.
func holdsMarker(f diff.File) bool {
	for _, h := range f.Hunks {
		for _, l := range h.Lines {
			if l.Kind != diff.Deleted && strings.Contains(l.Text, Marker) {
				return true
			}
		}
	}
	return false
}

// addedIn reports whether one of lines first..last of path is added.
func (d diffLines) addedIn(path string, first, last int) bool {
	for n := first; n <= last; n++ {
		if d.added[path][n] {
			return true
		}
	}
	return false
}

// markerLine is a diff line holding the inline marker, whether the change
// added it, and whether its marker is in a comment (markerInComment): one
// in a string is data, not a dismissal.
type markerLine struct {
	text    string
	added   bool
	comment bool
}

// inline finds a quorum:ignore comment on the finding's first line or the
// line above. "quorum:ignore KIND" applies only to findings of that kind
// (or category); any other text after the marker is the reason. A finding
// merged from findings at several places is dismissed only when a marker
// covers each of them: a comment written above one statement never
// vouches for another that a reviewer reported elsewhere and the merge
// joined to it (two injections of one kind, in two functions).
func inline(lines diffLines, f report.Finding) (string, bool) {
	if f.Deleted {
		return "", false
	}
	reason, ok := markerAt(lines, f.Kinds, f.Category, f.File, f.Line, f.Line, f.LineKind == string(diff.Added))
	if !ok {
		return "", false
	}
	for _, m := range f.Members {
		file := cmp.Or(m.File, f.File)
		if m.Line == 0 {
			return "", false // a member with no line: no comment can be above it
		}
		// Each member by its own lines and its own kinds: an old comment
		// above the representative's unchanged line never covers a member
		// the change added, and "quorum:ignore unchecked-error" never
		// covers the injection a reviewer saw in the same call.
		// A member with no kind of its own is covered by a marker with
		// no kind, or one naming its category: never by the kind another
		// reviewer's finding has.
		last := max(m.EndLine, m.Line)
		if _, ok := markerAt(lines, m.Kinds, cmp.Or(m.Category, f.Category), file, m.Line, last, lines.addedIn(file, m.Line, last)); !ok {
			return "", false
		}
	}
	return reason, true
}

// markerAt finds a quorum:ignore comment for kinds (or category) on the
// line above lines first..last of file, or on one of them; added says the
// change added one of those lines.
func markerAt(lines diffLines, kinds []string, category, file string, first, last int, added bool) (string, bool) {
	if first == 0 {
		return "", false
	}
	for n := first - 1; n <= last; n++ {
		ml, ok := lines.markers[file][n]
		if !ok || !ml.comment {
			continue
		}
		// A comment the change did not touch was written for the code that
		// was there: it does not vouch for a line the change added below it.
		if !ml.added && added {
			continue
		}
		text := ml.text
		rest := text[strings.Index(text, Marker)+len(Marker):]
		rest = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(rest), "*/->#"))
		word, more, _ := strings.Cut(rest, " ")
		w := strings.ToLower(strings.Trim(word, ":,;"))
		// A first word that names a kind or a category is a filter, never
		// a reason: "quorum:ignore style" keeps a security finding there.
		if merge.IsKind(w) || slices.Contains(prompts.Categories(), w) {
			if !slices.Contains(kinds, w) && w != strings.ToLower(category) {
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

// KindsAgree reports whether an entry of kinds a is of the issue of kinds
// b: a names none, or they share one (none in b is "other").
func KindsAgree(a, b []string) bool { return kindsAgree(a, b) }

// KindKey names the entry's kinds as a set: sorted, comma-separated, ""
// for none (an entry written by hand).
func (e Entry) KindKey() string { return KindKey(e.Kinds) }

// KindKey names a set of kinds: sorted, comma-separated, blanks dropped.
func KindKey(kinds []string) string {
	var ks []string
	for _, k := range kinds {
		if k = strings.TrimSpace(k); k != "" {
			ks = append(ks, k)
		}
	}
	slices.Sort(ks)
	return strings.Join(slices.Compact(ks), ",")
}

// Named reports whether one of keys is the entry's finding id or its
// fingerprint.
func (e Entry) Named(keys []string) bool {
	return slices.Contains(keys, e.ID) || slices.Contains(keys, e.Fingerprint)
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
