// Package reportstore saves each review's report and raw reviewer results under the git dir, and finds them again.
package reportstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/quorum-review/quorum/internal/safetext"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/atomicfile"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
)

// Layout: <common git dir>/quorum/reports/<id>/{report.md,report.json,raw.json,diff.json},
// where id is <UTC time>-<short head>, so names sort by time. Each directory
// is written under a temporary name and renamed into place, so a reader
// never sees half a report. diff.json is a hard link to the one copy of
// those bytes in <common git dir>/quorum/diffs/ (see DiffsDir); after each save the oldest reports
// are pruned to the bundle's Limits (see Prune).
const (
	ReportsDir = "quorum/reports"
	ReportMD   = "report.md"
	ReportJSON = "report.json"
	RawJSON    = "raw.json"
	DiffJSON   = "diff.json"
	// SumsJSON holds the SHA-256 of raw.json and diff.json as saved, so a
	// replay never consolidates answers or a diff changed since (Verify).
	SumsJSON   = "sums.json"
	RawSchema  = "quorum.raw/v1"
	timeLayout = "20060102-150405"
)

const listHint = "run 'quorum report list' to see saved reports"

// ErrNotFound is returned (wrapped) when no saved report matches an id.
var ErrNotFound = errors.New("report not found")

// Entry is one saved report.
type Entry struct {
	ID       string    `json:"id"`
	Dir      string    `json:"dir"`
	Time     time.Time `json:"time"`
	Head     string    `json:"head"`
	Branch   string    `json:"branch,omitempty"`
	Verdict  string    `json:"verdict,omitempty"`
	Findings int       `json:"findings"`
	// Err says why report.json could not be read, if it could not.
	Err string `json:"error,omitempty"`
	// generated is the report's own time, to the nanosecond: two reviews
	// saved within one second (their directory names tie) still order.
	generated time.Time
}

// Root returns the directory reports are saved in. It is under the common
// git dir, not a linked work tree's own (git worktree add): every work tree
// of the clone lists the reports the others saved (the hook's verdicts and
// the local ledger are the clone's too), and removing a work tree does not
// take with it the report a blocked push names.
func Root(gitDir string) string {
	return filepath.Join(diff.CommonDirOf(gitDir), filepath.FromSlash(ReportsDir))
}

// roots are the directories reports are read from: Root, then a linked work
// tree's own reports directory, where quorum once saved that work tree's
// reports, so they are still listed, shown, replayed and dismissed.
func roots(gitDir string) []string {
	rs := []string{Root(gitDir)}
	if own := filepath.Join(gitDir, filepath.FromSlash(ReportsDir)); filepath.Clean(own) != filepath.Clean(rs[0]) {
		rs = append(rs, own)
	}
	return rs
}

// Bundle is everything one saved review holds. Raw and Diff are optional;
// with both, `quorum review --replay` reproduces the review exactly even
// after the branch has moved on.
type Bundle struct {
	Report *report.Report
	Raw    *review.Raw
	Diff   *diff.Set
	// Limits bound the saved reports after this one is saved; nil is
	// DefaultLimits.
	Limits *Limits
	// Keep are reports saved before this one by the same run (a push
	// reviewed in parts), which pruning keeps as it keeps this one.
	Keep []string
}

// SaveBundle writes report.md, report.json, raw.json when b.Raw is set and
// diff.json (the reviewed diff.Set) when b.Diff is set into a new directory,
// and returns its path. A diff.json with the same bytes as an earlier one is
// stored once. Then the oldest reports are pruned to b.Limits; this report
// is always kept, and a failure to prune is not the save's.
func SaveBundle(gitDir string, now time.Time, shortHead string, b Bundle) (string, error) {
	r, raw := b.Report, b.Raw
	if r == nil {
		return "", errors.New("save report: no report")
	}
	root := Root(gitDir)
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("save report: %w", err)
	}
	RemoveStaleTemps(gitDir, time.Now())
	files := map[string][]byte{}
	var md, js bytes.Buffer
	if err := render.Markdown(&md, r, render.Options{}); err != nil {
		return "", fmt.Errorf("save report: %w", err)
	}
	if err := render.JSON(&js, r, render.Options{}); err != nil {
		return "", fmt.Errorf("save report: %w", err)
	}
	files[ReportMD], files[ReportJSON] = md.Bytes(), js.Bytes()
	if raw != nil {
		j, err := json.MarshalIndent(raw, "", "  ")
		if err != nil {
			return "", fmt.Errorf("save raw results: %w", err)
		}
		files[RawJSON] = append(safetext.EscapeJSON(j), '\n')
	}
	if b.Diff != nil {
		d, err := json.MarshalIndent(b.Diff, "", "  ")
		if err != nil {
			return "", fmt.Errorf("save diff: %w", err)
		}
		files[DiffJSON] = append(safetext.EscapeJSON(d), '\n')
	}

	if sums := checksums(files); len(sums) > 0 {
		j, err := json.MarshalIndent(sums, "", "  ")
		if err != nil {
			return "", fmt.Errorf("save report: %w", err)
		}
		files[SumsJSON] = append(j, '\n')
	}

	tmp, err := os.MkdirTemp(root, ".tmp-")
	if err != nil {
		return "", fmt.Errorf("save report: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := writeFile(filepath.Join(tmp, name), files[name]); err != nil {
			return "", fmt.Errorf("save report: %w", err)
		}
	}
	if d, ok := files[DiffJSON]; ok {
		shareDiff(DiffsRoot(gitDir), filepath.Join(tmp, DiffJSON), d)
	}
	lim := DefaultLimits
	if b.Limits != nil {
		lim = *b.Limits
	}
	base := now.UTC().Format(timeLayout) + "-" + sanitizeHead(shortHead)
	for n := 1; n < 100; n++ {
		id := base
		if n > 1 {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		dir := filepath.Join(root, id)
		if _, err := os.Lstat(dir); err == nil {
			continue
		}
		if err := os.Rename(tmp, dir); err != nil {
			if errors.Is(err, fs.ErrExist) || isNotEmpty(err) {
				continue
			}
			return "", fmt.Errorf("save report: %w", err)
		}
		atomicfile.SyncDir(root)
		_, _ = PruneKeeping(gitDir, lim, append(slices.Clone(b.Keep), dir), false)
		return dir, nil
	}
	return "", fmt.Errorf("save report: too many reports named %s", base)
}

// RemoveStaleTemps removes the ".tmp-*" directories that saves killed
// mid-way (SIGKILL, power loss) left in the reports directory, once older
// than atomicfile.StaleAge at now (the wall clock, not a report's time); a
// fresh one may be another process's save in progress and is kept. Each save
// calls it first, so the next run cleans up after a killed one.
func RemoveStaleTemps(gitDir string, now time.Time) int {
	total := 0
	for _, root := range roots(gitDir) {
		n, _ := atomicfile.RemoveStale(root, func(name string) bool {
			return strings.HasPrefix(name, ".tmp-")
		}, now.Add(-atomicfile.StaleAge))
		total += n
	}
	return total
}

// isNotEmpty reports a rename onto an existing report directory (ENOTEMPTY
// on Linux; EEXIST on some other systems).
func isNotEmpty(err error) bool {
	return errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST)
}

func writeFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func sanitizeHead(h string) string {
	h = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return -1
	}, h)
	if h == "" {
		return "nohead"
	}
	return h
}

// List returns the saved reports of every root (see roots), newest first.
func List(gitDir string) ([]Entry, error) {
	var out []Entry
	for _, root := range roots(gitDir) {
		des, err := os.ReadDir(root)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			// Not a directory, or not readable: the user's setup, not a bug.
			return nil, exitcode.New(exitcode.Setup, fmt.Errorf("cannot read the saved reports: %w", err),
				fmt.Sprintf("%s must be a directory quorum can read: move it aside or fix its permissions", root))
		}
		for _, de := range des {
			if !de.IsDir() || strings.HasPrefix(de.Name(), ".") {
				continue
			}
			out = append(out, entry(root, de.Name()))
		}
	}
	slices.SortFunc(out, func(a, b Entry) int {
		// A directory not named like a report (someone's own) sorts last:
		// it is never "latest".
		if az, bz := a.Time.IsZero(), b.Time.IsZero(); az != bz {
			if az {
				return 1
			}
			return -1
		}
		if a.Time.Equal(b.Time) {
			if c := b.generated.Compare(a.generated); c != 0 {
				return c
			}
		}
		return strings.Compare(b.ID, a.ID)
	})
	return out, nil
}

func entry(root, id string) Entry {
	e := Entry{ID: id, Dir: filepath.Join(root, id)}
	parts := strings.SplitN(id, "-", 3)
	if len(parts) == 3 {
		if t, err := time.Parse(timeLayout, parts[0]+"-"+parts[1]); err == nil {
			e.Time = t
		}
		// Without the "-2" of a second report saved in the same second
		// (SaveBundle): the name's head has no dash of its own.
		e.Head, _, _ = strings.Cut(parts[2], "-")
	}
	r, err := readReport(e.Dir)
	if err != nil {
		e.Err = err.Error()
		return e
	}
	// The reviewed commit as the report recorded it, and the branch as
	// report list shows it: a hook's report of refs/heads/main reads as a
	// review's of main.
	if r.Head.Commit != "" {
		e.Head = r.Head.Commit
	}
	e.Branch, e.Verdict, e.Findings = ShortBranch(r.Branch), r.Verdict.Status, len(r.Findings)
	e.generated = r.GeneratedAt
	return e
}

func readReport(dir string) (*report.Report, error) {
	b, err := readSaved(filepath.Join(dir, ReportJSON))
	if err != nil {
		return nil, err
	}
	var r report.Report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", ReportJSON, err)
	}
	if r.Schema != report.Schema {
		return nil, fmt.Errorf("%s: schema %q, want %q", ReportJSON, r.Schema, report.Schema)
	}
	if r.Grouping.By == "" {
		r.Grouping.By = report.GroupedByRules // saved before reports said what grouped the findings
	}
	r.ExactUnread()
	return &r, nil
}

// Find resolves id to a saved report: "" or "latest" is the newest, else an
// exact id or a unique prefix of one.
func Find(gitDir, id string) (Entry, error) {
	entries, err := List(gitDir)
	if err != nil {
		return Entry{}, err
	}
	if len(entries) == 0 {
		return Entry{}, exitcode.New(exitcode.Setup, fmt.Errorf("no saved reports in %s", Root(gitDir)), "run 'quorum review' to make one")
	}
	if id == "" || id == "latest" {
		return entries[0], nil
	}
	var matches []Entry
	for _, e := range entries {
		if e.ID == id {
			return e, nil
		}
		if strings.HasPrefix(e.ID, id) {
			matches = append(matches, e)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return Entry{}, exitcode.New(exitcode.Setup, fmt.Errorf("%w: %s", ErrNotFound, id), listHint)
	}
	return Entry{}, exitcode.New(exitcode.Setup, fmt.Errorf("report id %s is ambiguous: it matches %d reports", id, len(matches)), listHint)
}

// Load reads the saved report named by id (see Find).
func Load(gitDir, id string) (*report.Report, Entry, error) {
	e, err := Find(gitDir, id)
	if err != nil {
		return nil, Entry{}, err
	}
	r, err := readReport(e.Dir)
	if err != nil {
		// Reports are written atomically, so a damaged one was damaged from
		// outside: name it, and the way past it.
		return nil, e, exitcode.New(exitcode.Setup, fmt.Errorf("read report %s: %w", e.ID, err),
			fmt.Sprintf("move %s aside (or delete it), or pick another report from 'quorum report list'", e.Dir))
	}
	return r, e, nil
}

// NewestWhere is the newest of the last limit saved reports (readable
// ones) for which match holds, and its entry.
func NewestWhere(gitDir string, limit int, match func(*report.Report) bool) (Entry, *report.Report, bool) {
	var found Entry
	var rep *report.Report
	Newest(gitDir, limit, func(e Entry, r *report.Report) bool {
		if match(r) {
			found, rep = e, r
			return true
		}
		return false
	})
	return found, rep, rep != nil
}

// Newest calls visit with the last limit saved reports (readable ones),
// newest first, until it returns true.
func Newest(gitDir string, limit int, visit func(Entry, *report.Report) (stop bool)) {
	entries, err := List(gitDir)
	if err != nil {
		return
	}
	for _, e := range entries[:min(len(entries), limit)] {
		if e.Err != "" {
			continue
		}
		if r, err := readReport(e.Dir); err == nil && r != nil && visit(e, r) {
			return
		}
	}
}

// LoadReport reads report.json from a saved report directory.
func LoadReport(dir string) (*report.Report, error) { return readReport(dir) }

// LoadRaw reads raw.json from a saved report directory, for --replay.
func LoadRaw(dir string) (*review.Raw, error) {
	b, err := readSaved(filepath.Join(dir, RawJSON))
	if errors.Is(err, fs.ErrNotExist) {
		if _, rerr := os.Stat(filepath.Join(dir, ReportJSON)); rerr == nil {
			// A saved report without the reviewers' answers: nothing to
			// consolidate again, but a new review saves them.
			return nil, exitcode.New(exitcode.Setup, fmt.Errorf("report %s has no %s: its reviewers' answers were not saved", filepath.Base(dir), RawJSON),
				"run 'quorum review' again to make a report that can be replayed, or pick another one from 'quorum report list'")
		}
		return nil, exitcode.New(exitcode.Setup, fmt.Errorf("no %s in %s", RawJSON, dir), "pass a report id or directory from 'quorum report list'")
	}
	if err != nil {
		return nil, damaged(dir, fmt.Errorf("read raw results: %w", err))
	}
	var raw review.Raw
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, exitcode.New(exitcode.Setup, fmt.Errorf("%s in %s is not valid: %w", RawJSON, dir, err), "pass a report directory saved by 'quorum review'")
	}
	if raw.Schema != RawSchema {
		return nil, exitcode.New(exitcode.Setup, fmt.Errorf("%s in %s has schema %q, want %q", RawJSON, dir, raw.Schema, RawSchema), "pass a report directory saved by this version of quorum")
	}
	return &raw, nil
}

// damaged is the error for a file of a saved report that exists but cannot
// be read (a directory, no permission). Reports are written atomically, so
// it was changed from outside: exit 2, and the way past it.
func damaged(dir string, err error) error {
	return exitcode.New(exitcode.Setup, err,
		fmt.Sprintf("move %s aside (or delete it) and run 'quorum review' again, or pick another report from 'quorum report list'", dir))
}

// LoadDiff reads diff.json from a saved report directory: the diff the
// review ran on. It returns (nil, nil) when the review saved no diff, and
// the caller should then load the diff from git again.
func LoadDiff(dir string) (*diff.Set, error) {
	b, err := readSaved(filepath.Join(dir, DiffJSON))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, damaged(dir, fmt.Errorf("read saved diff: %w", err))
	}
	var set diff.Set
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, exitcode.New(exitcode.Setup, fmt.Errorf("%s in %s is not valid: %w", DiffJSON, dir, err), "pass a report directory saved by 'quorum review'")
	}
	return &set, nil
}

// ResolveDir turns what a user passed to --replay into a report directory:
// a directory path as it is, else a report id or unique id prefix (see Find).
func ResolveDir(gitDir, arg string) (string, error) {
	if fi, err := os.Stat(arg); err == nil && fi.IsDir() {
		return arg, nil
	}
	if strings.ContainsRune(arg, filepath.Separator) {
		return "", exitcode.New(exitcode.Setup, fmt.Errorf("no report directory %s", arg), listHint)
	}
	e, err := Find(gitDir, arg)
	if err != nil {
		return "", err
	}
	return e.Dir, nil
}
