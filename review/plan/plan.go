// Package plan splits a diff into chunks that fit each reviewer's context budget, with their own context.
package plan

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/prompts"
)

// Defaults used when Input leaves them zero.
const (
	DefaultBytesPerToken = 3.5
	DefaultContextLines  = 20
	DefaultMaxBlock      = 150
	// MaxCommits caps the commit subjects put in every prompt.
	MaxCommits = 50
	// guidelineShare is the share of the prompt budget guidelines may take.
	guidelineShare = 0.2
	// commitShare is the share of the prompt budget kept for the commit
	// subjects, at most maxCommitBytes, whatever they take: the room for
	// files does not depend on how many there are (see Build).
	commitShare    = 0.025
	maxCommitBytes = 1024
)

// Input is what planning reads: the diff, head-side file content for context,
// and the repository's guidelines.
type Input struct {
	Set *diff.Set
	// ReadNew returns a file's content at head; nil or an error means no context.
	ReadNew func(path string) ([]byte, error)
	// Guidelines is the repository's review guidance, untrimmed.
	Guidelines string
	// ContextLines is N in "N lines around each hunk" when no enclosing block is found.
	ContextLines int
	// MaxBlock caps the size of an enclosing block used as context.
	MaxBlock int
	// Context is how much surrounding code to show ("" is DefaultContext).
	Context Context
}

// Prepared is the diff rendered once, shared by every reviewer's plan.
type Prepared struct {
	files   []fileUnits
	commits []string
	// moreCommits counts the earliest commits, left out past MaxCommits.
	moreCommits int
	guidelines  string
	context     Context
	id          string
}

// ID is a hash of everything prepared: equal IDs plan to equal chunks under equal budgets.
func (p *Prepared) ID() string { return p.id }

type fileUnits struct {
	f     diff.File
	src   []string // head-side lines, nil when unavailable
	hunks []hunkUnit
}

type hunkUnit struct {
	h     diff.Hunk
	lines []diff.Line
	// section follows "@@ ... @@" in the hunk header: the enclosing
	// signature, or git's own guess.
	section string
	// ctx is the enclosing block (ContextFunction), window the plain
	// lines around the hunk it falls back to; both exclude the hunk's own.
	ctx, window []span
	shown       span // the new-side lines the hunk shows
}

// Prepare renders hunks and finds their context. Files whose head content
// cannot be read are reviewed without context, never dropped.
func Prepare(in Input) *Prepared {
	n, maxBlock := in.ContextLines, in.MaxBlock
	if n <= 0 {
		n = DefaultContextLines
	}
	if maxBlock <= 0 {
		maxBlock = DefaultMaxBlock
	}
	mode := in.Context
	if mode == "" {
		mode = DefaultContext
	}
	p := &Prepared{guidelines: strings.TrimSpace(in.Guidelines), context: mode}
	if in.Set == nil {
		return p
	}
	// The newest MaxCommits, oldest first: the last commits of a push (a
	// fix on top of a blocked branch) are the ones to keep.
	cs := in.Set.Commits
	if len(cs) > MaxCommits {
		p.moreCommits = len(cs) - MaxCommits
		cs = cs[len(cs)-MaxCommits:]
	}
	for _, c := range cs {
		p.commits = append(p.commits, sanitizeLine(c.Subject))
	}
	for _, f := range in.Set.Reviewable() {
		fu := fileUnits{f: f}
		code := mode != ContextNone && !isProse(f.Path)
		if code && in.ReadNew != nil && f.Status != diff.StatusDeleted {
			if b, err := in.ReadNew(f.Path); err == nil {
				fu.src = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			}
		}
		for _, h := range f.Hunks {
			first, last := newRange(h)
			hu := hunkUnit{h: h, lines: h.Lines, shown: span{first, last}, section: h.Section}
			if sig := signature(fu.src, first, maxBlock); sig != "" {
				hu.section = sig
			}
			if mode == ContextFunction {
				hu.ctx = contextSpans(fu.src, h, n, maxBlock)
				hu.window = windowSpans(fu.src, h, n)
			}
			fu.hunks = append(fu.hunks, hu)
		}
		p.files = append(p.files, fu)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%q\x00%q\x00%d\x00", p.context, p.guidelines, p.commits, p.moreCommits)
	for _, fu := range p.files {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%q\x00", fu.f.Path, fu.f.OldPath, fu.f.Status, fu.src)
		for _, hu := range fu.hunks {
			fmt.Fprintf(h, "%+v\x00", hu.h)
		}
	}
	p.id = hex.EncodeToString(h.Sum(nil))[:16]
	return p
}

func sanitizeLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// Budget is one reviewer's room: its context window, the tokens kept for the
// answer, and how many bytes one token of its tokenizer takes.
type Budget struct {
	NumCtx        int
	AnswerTokens  int
	BytesPerToken float64
	// Focus is the reviewer's focus text; it lengthens the system prompt.
	Focus string
}

// PromptTokens is what a prompt may use: num_ctx minus the answer budget.
func (b Budget) PromptTokens() int { return b.NumCtx - b.AnswerTokens }

func (b Budget) bpt() float64 {
	if b.BytesPerToken <= 0 {
		return DefaultBytesPerToken
	}
	return b.BytesPerToken
}

// Tokens estimates the tokens of n bytes of prompt.
func (b Budget) Tokens(n int) int { return int(math.Ceil(float64(n) / b.bpt())) }

// Chunk is one request's worth of the diff.
type Chunk struct {
	// ID is a stable hash of the chunk's content: each file's path, old
	// path, status, part, diff and context; never the commits or the
	// chunk's place in the plan.
	ID string
	// Index is 1-based; Count is the number of chunks in the plan.
	Index, Count int
	Files        []prompts.File
	// Paths are the distinct files the chunk shows, in patch order.
	Paths []string
	// Bytes and Tokens estimate the whole prompt, system prompt included.
	Bytes, Tokens int
	// srcs says where each of Files comes from, so Split can halve the chunk.
	srcs []source
}

// source is the file (an index into Prepared.files) and the group of its
// hunks one prompts.File of a chunk renders.
type source struct {
	file int
	g    group
}

// Plan is one reviewer's chunks and coverage.
type Plan struct {
	Budget Budget
	// Context is the level of surrounding code the files carry.
	Context    Context
	Guidelines string // trimmed to budget
	Commits    []string
	Chunks     []Chunk
	// Covered lists files shown in full; NotCovered, files some part of which
	// could not fit even alone (nothing is dropped silently).
	Covered, NotCovered []string
	// Overhead is the estimated bytes of everything but the files.
	Overhead int
	// Room is the bytes a chunk has for files beside Overhead.
	Room int
	prep *Prepared

	fenceOnce sync.Once
	fenceStr  string
}

// Chunk boundaries are content-defined, so an edit re-asks only the chunks
// that hold it: a chunk ends after a piece when the piece is a cut point,
// which depends on the piece alone (its path, part and size), never on what
// came before it. A chunk also ends early when the next piece would not fit;
// such a forced cut only moves boundaries up to the next cut point, so an
// edit stays local to the run of pieces between two cut points. Greedy
// packing instead shifted every later boundary when a file was added early
// in path order (issue 12). BENCHMARKS.md has the comparison.
//
// chunkTarget is the mean run between cut points, as a share of the room
// for files: a piece is a cut point with probability cost/(chunkTarget·room).
// Smaller targets cut more often: more chunks on a first review, and no
// fewer re-asked after an edit (measured).
const chunkTarget = 1.0

// overheadStep is the granularity of the room reserved for the prompt's
// fixed text: a power of two near 1/32 of the prompt's room, between 64
// bytes and 2 KiB, so small contexts lose little to the rounding.
func overheadStep(promptBytes int) int {
	step := 64
	for step < 2048 && step*2 <= promptBytes/32 {
		step *= 2
	}
	return step
}

func roundUp(n, step int) int { return (n + step - 1) / step * step }

// cutAfter reports whether a chunk ends after pc: with probability
// cost/target, drawn from a hash of the piece's path and part so that the
// same piece decides the same way in every review.
func cutAfter(pc piece, target int) bool {
	if target <= 0 {
		return true
	}
	sum := sha256.Sum256(fmt.Appendf(nil, "cut\x00%s\x00%d/%d", pc.f.Path, pc.f.Part, pc.f.Parts))
	u := float64(binary.BigEndian.Uint64(sum[:8])>>11) / (1 << 53)
	return u < float64(pc.cost)/float64(target)
}

// placeholder stands in for the boundary while measuring: same length.
var placeholder = strings.Repeat("B", prompts.BoundaryLen)

// Build packs the prepared diff into chunks that fit b: whole files first, in
// patch order; a file that does not fit alone is split into groups of hunks,
// a hunk that does not fit with its context goes without it, and one that
// still does not fit is split into windows of lines.
func Build(p *Prepared, b Budget) (*Plan, error) {
	pl := &Plan{Budget: b, Context: p.context, prep: p}
	promptBytes := int(float64(b.PromptTokens()) * b.bpt())
	pl.Guidelines = trimText(p.guidelines, int(float64(promptBytes)*guidelineShare))
	commitBytes := min(int(float64(promptBytes)*commitShare), maxCommitBytes)
	pl.Commits = fitCommits(p.commits, p.moreCommits, commitBytes)
	sys, err := prompts.System(b.Focus)
	if err != nil {
		return nil, err
	}
	// The fixed text is measured with the commit list's frame and its
	// whole reserve, not the subjects themselves: one more commit (a fix
	// pushed on a blocked branch) must not move where large files are cut
	// into parts, which would change those parts and re-ask them (issue
	// 12). The room moves in steps too, for a change of guidelines.
	empty, err := pl.fixedText(nil)
	if err != nil {
		return nil, err
	}
	pl.Overhead = len(sys) + len(empty)
	if len(pl.Commits) > 0 {
		framed, err := pl.fixedText([]string{""})
		if err != nil {
			return nil, err
		}
		pl.Overhead += len(framed) - len(empty) + commitBytes
	}
	avail := promptBytes - roundUp(pl.Overhead, overheadStep(promptBytes))
	pl.Room = avail

	var chunks [][]piece
	var cur []piece
	curBytes := 0
	flush := func() {
		if len(cur) > 0 {
			chunks = append(chunks, cur)
			cur, curBytes = nil, 0
		}
	}
	target := int(float64(avail) * chunkTarget)
	add := func(pc piece) {
		if curBytes+pc.cost > avail {
			flush()
		}
		cur = append(cur, pc)
		curBytes += pc.cost
		if cutAfter(pc, target) {
			flush()
		}
	}
	notCovered := map[string]bool{}
	for i, fu := range p.files {
		pieces, dropped, err := splitFile(fu, avail)
		if err != nil {
			return nil, err
		}
		if dropped || len(pieces) == 0 && len(fu.hunks) > 0 {
			notCovered[fu.f.Path] = true
		}
		if len(fu.hunks) == 0 {
			// A change with no hunks (mode change, empty file, pure rename): show it as such.
			pf := noContent(fu.f)
			cost, err := fileCost(pf)
			if err != nil {
				return nil, err
			}
			if cost > avail {
				notCovered[fu.f.Path] = true
				continue
			}
			pieces = []piece{{f: pf, cost: cost}}
		}
		for _, pc := range pieces {
			pc.file = i
			add(pc)
		}
	}
	flush()
	seen := map[string]bool{}
	for i, pieces := range chunks {
		c := pl.chunk(pieces, i+1, len(chunks))
		for _, p := range c.Paths {
			seen[p] = true
		}
		pl.Chunks = append(pl.Chunks, c)
	}
	for _, fu := range p.files {
		switch {
		case notCovered[fu.f.Path]:
			pl.NotCovered = append(pl.NotCovered, fu.f.Path)
		case seen[fu.f.Path]:
			pl.Covered = append(pl.Covered, fu.f.Path)
		}
	}
	return pl, nil
}

// chunk makes the chunk that shows pieces, numbered index of count.
func (pl *Plan) chunk(pieces []piece, index, count int) Chunk {
	c := Chunk{Index: index, Count: count}
	h := sha256.New()
	size := pl.Overhead
	for _, pc := range pieces {
		f := pc.f
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d/%d\x00%s\x00%s\x00", f.Path, f.OldPath, f.Status, f.Part, f.Parts, f.Diff, f.Context)
		size += pc.cost
		path := f.Path // as shown; coverage wants the diff's own path
		if pl.prep != nil && pc.file < len(pl.prep.files) {
			path = pl.prep.files[pc.file].f.Path
		}
		if len(c.Paths) == 0 || c.Paths[len(c.Paths)-1] != path {
			c.Paths = append(c.Paths, path)
		}
		c.Files = append(c.Files, f)
		c.srcs = append(c.srcs, source{file: pc.file, g: pc.g})
	}
	c.ID = hex.EncodeToString(h.Sum(nil))[:16]
	c.Bytes, c.Tokens = size, pl.Budget.Tokens(size)
	return c
}

// Render returns the system and user prompts of chunk c. Everything before
// the chunk's own files is the same for every chunk of the plan, byte for
// byte (system prompt, guidelines, commits, instructions and the fence), so
// a server that keeps the previous request's cache evaluates it once per
// model, not once per chunk (issue 12).
func (pl *Plan) Render(c Chunk) (system, user string, err error) {
	system, err = prompts.System(pl.Budget.Focus)
	if err != nil {
		return "", "", err
	}
	d := pl.data(pl.fence())
	d.Files = c.Files
	if c.Count > 1 {
		d.Part, d.Parts = c.Index, c.Count
	}
	user, err = prompts.User(d)
	return system, user, err
}

// FunctionContext reports whether the prompt explains a "context" section
// (the ContextFunction level); it is part of every answer's cache key.
func (pl *Plan) FunctionContext() bool { return pl.Context == ContextFunction }

// data is what every chunk's user prompt shares.
func (pl *Plan) data(boundary string) prompts.Data {
	return prompts.Data{Boundary: boundary, Guidelines: pl.Guidelines, Commits: pl.Commits,
		Context: pl.FunctionContext()}
}

// fence is the one boundary of the whole review: a hash of the prepared
// diff's ID (itself a hash of every file, hunk, head-side line, commit and
// guideline) and the guidelines this plan kept. It is derived rather than
// drawn at random so the same input renders byte-identical prompts (seeded
// sampling stays reproducible), and it stays unpredictable to whoever wrote
// the text: to forge the fence inside, say, a rename's old path they would
// have to know a hash of that very path. It is checked against every
// repository string the prompt prints raw, and drawn again on the
// (hash-collision) chance one contains it.
func (pl *Plan) fence() string {
	pl.fenceOnce.Do(func() {
		id := ""
		if pl.prep != nil {
			id = pl.prep.id
		}
		b := prompts.Boundary(id + "\x00" + pl.Guidelines)
		for pl.printsRaw(b) {
			b = prompts.Boundary(b)
		}
		pl.fenceStr = b
	})
	return pl.fenceStr
}

// printsRaw reports whether any repository string the prompt may show contains s.
func (pl *Plan) printsRaw(s string) bool {
	if strings.Contains(pl.Guidelines, s) {
		return true
	}
	for _, c := range pl.Commits {
		if strings.Contains(c, s) {
			return true
		}
	}
	if pl.prep == nil {
		return false
	}
	for _, fu := range pl.prep.files {
		for _, t := range []string{fu.f.Path, fu.f.OldPath, string(fu.f.Status)} {
			if strings.Contains(t, s) {
				return true
			}
		}
		for _, l := range fu.src {
			if strings.Contains(l, s) {
				return true
			}
		}
		for _, hu := range fu.hunks {
			if strings.Contains(hu.section, s) {
				return true
			}
			for _, l := range hu.lines {
				if strings.Contains(l.Text, s) {
					return true
				}
			}
		}
	}
	return false
}

// fixedText is the user prompt with no file, with commits as its commit
// list and the largest part numbers: what every chunk's prompt holds
// besides its files.
func (pl *Plan) fixedText(commits []string) (string, error) {
	d := pl.data(placeholder)
	d.Commits = commits
	d.Part, d.Parts = 9999, 9999
	return prompts.User(d)
}

// fitCommits keeps the newest commit subjects (commits are oldest first)
// that fit in n bytes as the prompt lists them ("- subject\n"), after a
// first line saying how many earlier ones there were (more, before the
// MaxCommits kept, and those left out here) when there were: the newest
// are a push's own latest work, a fix among them.
func fitCommits(commits []string, more, n int) []string {
	const earlierLine = "- (and 99999 earlier)\n"
	room := n
	if more > 0 {
		room -= len(earlierLine)
	}
	used, from := 0, 0
	for i := len(commits) - 1; i >= 0; i-- {
		used += len("- \n") + len(commits[i])
		if used > room || used+len(earlierLine) > n && i > 0 {
			from = i + 1
			break
		}
	}
	out := commits[from:]
	if left := more + from; left > 0 && n >= len(earlierLine) {
		out = append([]string{fmt.Sprintf("(and %d earlier)", left)}, out...)
	}
	return out
}

// trimText cuts s to at most n bytes at a line boundary and says so.
func trimText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const note = "\n[... guidelines trimmed to fit the context budget]"
	if n <= len(note) {
		return ""
	}
	cut := s[:n-len(note)]
	if i := strings.LastIndexByte(cut, '\n'); i > 0 {
		cut = cut[:i]
	}
	return cut + note
}

func fileHeader(f diff.File) prompts.File {
	pf := prompts.File{Path: shownPath(f.Path), Status: string(f.Status)}
	if f.OldPath != "" && f.OldPath != f.Path {
		pf.OldPath = shownPath(f.OldPath)
	}
	return pf
}

// shownPath is a path as the prompt's "file:" line prints it: quoted, as
// git quotes it, when it holds a control character, so a newline in a
// file name cannot start a line of its own inside the fence, or a byte
// that is not UTF-8, so the model can name the file back.
func shownPath(p string) string {
	if !utf8.ValidString(p) {
		return strconv.Quote(p) // "caf\xe9.go": JSON would make each byte U+FFFD
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r == 0x2028 || r == 0x2029 {
			return strconv.Quote(p)
		}
	}
	return p
}

// noContent is the piece of a file with no hunks.
func noContent(f diff.File) prompts.File {
	pf := fileHeader(f)
	pf.Diff = "(no content change)\n"
	return pf
}

func fileCost(f prompts.File) (int, error) {
	s, err := prompts.FileBlock(placeholder, f)
	return len(s), err
}
