// Package prompts holds the embedded reviewer prompts and output schema, and renders them.
package prompts

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"
	"text/template"
)

//go:embed system.tmpl user.tmpl repair.tmpl schema.json
var files embed.FS

// File is one file (or one part of a file) of a chunk, already rendered by
// review/plan: the diff with new-side line numbers and any head-side context.
type File struct {
	Path    string
	OldPath string
	Status  string
	// Part and Parts say which piece of a split file this is (0 when whole).
	Part, Parts int
	Diff        string
	Context     string
}

// Data fills the user template for one chunk.
type Data struct {
	// Boundary fences the repository's text; see Boundary.
	Boundary   string
	Guidelines string
	Commits    []string
	// Context says the files carry a "context" section (surrounding code).
	Context bool
	// Part and Parts number the chunk when the change is split. Everything
	// the template prints before them is the same for every chunk of a
	// review, so servers reuse it from the previous request's cache.
	Part, Parts int
	Files       []File
}

var (
	loadOnce sync.Once
	tmpl     *template.Template
	schema   json.RawMessage
	version  string
	loadErr  error
)

func load() {
	loadOnce.Do(func() {
		funcs := template.FuncMap{
			// file pairs the boundary with one file for the "file" sub-template.
			"file": func(b string, f File) fileData { return fileData{Boundary: b, File: f} },
			// chomp drops the final newline of rendered lines, so fences sit right below them.
			"chomp": func(s string) string { return strings.TrimSuffix(s, "\n") },
		}
		tmpl, loadErr = template.New("prompts").Funcs(funcs).ParseFS(files, "*.tmpl")
		if loadErr != nil {
			return
		}
		var raw []byte
		raw, loadErr = files.ReadFile("schema.json")
		if loadErr != nil {
			return
		}
		var buf bytes.Buffer
		if loadErr = json.Compact(&buf, raw); loadErr != nil {
			return
		}
		schema = buf.Bytes()
		version, loadErr = hashAll()
	})
	if loadErr != nil {
		// The templates are compiled into the binary; failing here is a build bug.
		panic(fmt.Sprintf("prompts: embedded templates are broken: %v", loadErr))
	}
}

type fileData struct {
	Boundary string
	File     File
}

// hashAll hashes every embedded file, name and content, in name order.
func hashAll() (string, error) {
	names, err := fs.Glob(files, "*")
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := files.ReadFile(n)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// Version is a hash of every template and the schema: it changes whenever
// what the models are asked changes, so it is part of every cache key.
func Version() string { load(); return version }

// Schema is the reviewer output JSON schema, sent as Ollama's `format`. It is
// bounded (maxItems, maxLength) so even a runaway model's answer stays finite.
func Schema() json.RawMessage {
	load()
	return append(json.RawMessage(nil), schema...)
}

// Kinds are the values the reviewer schema allows for a finding's "kind",
// in schema order.
func Kinds() []string { return slices.Clone(findingEnum().Kind.Enum) }

// Categories are the values the reviewer schema allows for a finding's
// "category", in schema order.
func Categories() []string { return slices.Clone(findingEnum().Category.Enum) }

type enum struct {
	Enum []string `json:"enum"`
}

// findingEnum is the enums of a finding's properties, decoded from the
// embedded schema once (dismissals ask for them per finding).
var findingEnum = sync.OnceValue(decodeFindingEnum)

func decodeFindingEnum() (p struct{ Kind, Category enum }) {
	var doc struct {
		Properties struct {
			Findings struct {
				Items struct {
					Properties struct {
						Kind     enum `json:"kind"`
						Category enum `json:"category"`
					} `json:"properties"`
				} `json:"items"`
			} `json:"findings"`
		} `json:"properties"`
	}
	load()
	_ = json.Unmarshal(schema, &doc) // embedded; TestSchemaKinds checks it decodes
	p.Kind, p.Category = doc.Properties.Findings.Items.Properties.Kind, doc.Properties.Findings.Items.Properties.Category
	return p
}

// System renders the system prompt with the reviewer's focus text.
func System(focus string) (string, error) {
	load()
	var b strings.Builder
	err := tmpl.ExecuteTemplate(&b, "system.tmpl", struct{ Focus string }{strings.TrimSpace(focus)})
	return b.String(), err
}

// User renders the user prompt of one chunk.
func User(d Data) (string, error) {
	load()
	var b strings.Builder
	err := tmpl.ExecuteTemplate(&b, "user.tmpl", d)
	return b.String(), err
}

// FileBlock renders the part of the user prompt one file takes, so planning
// can add up sizes without rendering whole prompts.
func FileBlock(boundary string, f File) (string, error) {
	load()
	var b strings.Builder
	err := tmpl.ExecuteTemplate(&b, "file", fileData{Boundary: boundary, File: f})
	return b.String(), err
}

// Repair renders the instruction appended to the user prompt when an answer
// was invalid (truncated=false) or cut off at the length limit (truncated=true).
func Repair(reason string, truncated bool) (string, error) {
	load()
	var b strings.Builder
	err := tmpl.ExecuteTemplate(&b, "repair.tmpl", struct {
		Reason    string
		Truncated bool
	}{reason, truncated})
	return b.String(), err
}

// BoundaryLen is the length of every boundary string.
const BoundaryLen = len("QUORUM-") + 20

// Boundary derives the fence string from the chunk's own content. It is not
// random per run on purpose: a hash of the content cannot be predicted by
// whoever wrote that content (it would have to contain its own hash), so it
// fences as well as a random string, and it keeps prompts byte-identical for
// an unchanged chunk, so the cache and seeded sampling stay reproducible.
func Boundary(content string) string {
	sum := sha256.Sum256([]byte("quorum-boundary\x00" + content))
	b := "QUORUM-" + strings.ToUpper(hex.EncodeToString(sum[:10]))
	for strings.Contains(content, b) { // cannot happen short of a hash collision; stay safe anyway
		sum = sha256.Sum256(sum[:])
		b = "QUORUM-" + strings.ToUpper(hex.EncodeToString(sum[:10]))
	}
	return b
}
