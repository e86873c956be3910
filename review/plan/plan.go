// Package plan splits a diff into chunks that fit each reviewer's context budget, with their own context.
package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strings"

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
}

// Prepared is the diff rendered once, shared by every reviewer's plan.
type Prepared struct {
	files      []fileUnits
	commits    []string
	guidelines string
	id         string
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
	ctx   []span // head-side context lines, excluding the hunk's own
	shown span   // the new-side lines the hunk shows
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
	p := &Prepared{guidelines: strings.TrimSpace(in.Guidelines)}
	if in.Set == nil {
		return p
	}
	for i, c := range in.Set.Commits {
		if i == MaxCommits {
			p.commits = append(p.commits, fmt.Sprintf("(and %d more)", len(in.Set.Commits)-MaxCommits))
			break
		}
		p.commits = append(p.commits, sanitizeLine(c.Subject))
	}
	for _, f := range in.Set.Reviewable() {
		fu := fileUnits{f: f}
		if in.ReadNew != nil && f.Status != diff.StatusDeleted {
			if b, err := in.ReadNew(f.Path); err == nil {
				fu.src = strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			}
		}
		for _, h := range f.Hunks {
			first, last := newRange(h)
			fu.hunks = append(fu.hunks, hunkUnit{h: h, lines: h.Lines, shown: span{first, last}, ctx: contextSpans(fu.src, h, n, maxBlock)})
		}
		p.files = append(p.files, fu)
	}
	h := sha256.New()
	fmt.Fprintf(h, "%q\x00%q\x00", p.guidelines, p.commits)
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
	Budget     Budget
	Guidelines string // trimmed to budget
	Commits    []string
	Chunks     []Chunk
	// Covered lists files shown in full; NotCovered, files some part of which
	// could not fit even alone (nothing is dropped silently).
	Covered, NotCovered []string
	// Overhead is the estimated bytes of everything but the files.
	Overhead int
	prep     *Prepared
}

// placeholder stands in for the boundary while measuring: same length.
var placeholder = strings.Repeat("B", prompts.BoundaryLen)

// Build packs the prepared diff into chunks that fit b: whole files first, in
// patch order; a file that does not fit alone is split into groups of hunks,
// a hunk that does not fit with its context goes without it, and one that
// still does not fit is split into windows of lines.
func Build(p *Prepared, b Budget) (*Plan, error) {
	pl := &Plan{Budget: b, Commits: p.commits, prep: p}
	promptBytes := int(float64(b.PromptTokens()) * b.bpt())
	pl.Guidelines = trimText(p.guidelines, int(float64(promptBytes)*guidelineShare))
	sys, err := prompts.System(b.Focus)
	if err != nil {
		return nil, err
	}
	empty, err := prompts.User(prompts.Data{Boundary: placeholder, Guidelines: pl.Guidelines, Commits: pl.Commits, Part: 99, Parts: 99})
	if err != nil {
		return nil, err
	}
	pl.Overhead = len(sys) + len(empty)
	avail := promptBytes - pl.Overhead

	var chunks [][]piece
	var cur []piece
	curBytes := 0
	add := func(pc piece) {
		if len(cur) > 0 && curBytes+pc.cost > avail {
			chunks = append(chunks, cur)
			cur, curBytes = nil, 0
		}
		cur = append(cur, pc)
		curBytes += pc.cost
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
	if len(cur) > 0 {
		chunks = append(chunks, cur)
	}
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
		if len(c.Paths) == 0 || c.Paths[len(c.Paths)-1] != f.Path {
			c.Paths = append(c.Paths, f.Path)
		}
		c.Files = append(c.Files, f)
		c.srcs = append(c.srcs, source{file: pc.file, g: pc.g})
	}
	c.ID = hex.EncodeToString(h.Sum(nil))[:16]
	c.Bytes, c.Tokens = size, pl.Budget.Tokens(size)
	return c
}

// Render returns the system and user prompts of chunk c, fenced by a
// boundary derived from everything the user prompt prints from the
// repository (see boundary).
func (pl *Plan) Render(c Chunk) (system, user string, err error) {
	system, err = prompts.System(pl.Budget.Focus)
	if err != nil {
		return "", "", err
	}
	d := prompts.Data{Boundary: pl.boundary(c), Guidelines: pl.Guidelines, Commits: pl.Commits, Files: c.Files}
	if c.Count > 1 {
		d.Part, d.Parts = c.Index, c.Count
	}
	user, err = prompts.User(d)
	return system, user, err
}

// boundary hashes every repository-controlled string the user prompt prints
// raw: guidelines, commit subjects, and each file's path, old path, status,
// diff and context. It is derived from that content rather than drawn at
// random so the same input renders byte-identical prompts (seeded sampling
// stays reproducible), and it stays unpredictable to whoever wrote the text:
// to forge the fence inside, say, a rename's old path they would have to
// know a hash of that very path. Any field left out of the hash could carry a
// precomputed fence, which is why OldPath and Status are in it.
func (pl *Plan) boundary(c Chunk) string {
	var b strings.Builder
	field := func(s string) { b.WriteString(s); b.WriteByte(0) }
	field(pl.Guidelines)
	for _, s := range pl.Commits {
		field(s)
	}
	for _, f := range c.Files {
		field(f.Path)
		field(f.OldPath)
		field(f.Status)
		field(f.Diff)
		field(f.Context)
	}
	return prompts.Boundary(b.String())
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
	pf := prompts.File{Path: f.Path, Status: string(f.Status)}
	if f.OldPath != "" && f.OldPath != f.Path {
		pf.OldPath = f.OldPath
	}
	return pf
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
