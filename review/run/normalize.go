package run

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/prompts"
	"github.com/quorum-review/quorum/review"
)

// This file reads what a model wrote outside the reviewer schema, where
// that can be done without inventing anything (DESIGN §5: "tolerant, but
// never invents data"). A server that enforces the schema never needs it;
// one that does not (or a model that ignores it) must not lose a whole
// answer, critical findings included, to one detail:
//
//   - severity, category, kind and risk are read in any case, with spaces
//     around them, and with "_" or spaces for the "-" of a name
//     ("Error_Handling" is "error-handling");
//   - a category the schema does not list is read as "other", and a note
//     quotes the model's own value; a missing one is "other";
//   - a kind the schema does not list, or none, is no kind (""), not the
//     declared "other" (which merge reads as evidence), and a note quotes
//     an unlisted value;
//   - a severity that is none of the three is read as the nearest one
//     when models commonly write it ("high", "minor": severitySynonyms),
//     else, or when missing, as "critical": a finding is never lost to its
//     severity's spelling, and the gate errs towards blocking; a note
//     quotes the model's value;
//   - a risk that is none of the three is kept as written (the report
//     reads it as "low", as it does any unknown risk);
//   - more findings than the schema's maxItems: all are kept, and a note
//     says so. Any cut here would come before anchoring, so findings that
//     quote invented code could push a real one out;
//   - more strengths, concerns, untested scenarios or docs notes than the
//     schema's maxItems: the first ones are kept, and a note says so;
//   - a fix holding one Markdown fenced block ("```diff ... ```", "~~~",
//     four backticks), alone or with words around it, is read as the
//     block's code: shown as code, fence lines and words would be code
//     to add;
//   - a line number that is no line of any file (not whole, or past
//     ±2^30: 1e20, 6.5) is read as none (0), and a note quotes it: the
//     quote places the finding, and with no quote it is about the file;
//     12.0 is 12;
//   - text longer than the schema's maxLength, and a negative line number
//     (a model's own number: anchoring places the finding by its quote,
//     and rejects it with none), are not errors here.
//
// Everything else the schema requires (an object with a summary and a list
// of findings, each with a file, line, quote, title and explanation of the
// right types) is still an error, which costs a repair request.

// schemaRules are the parts of the reviewer schema normalize applies itself.
type schemaRules struct {
	maxFindings int
	maxItems    map[string]int // strengths, concerns, untested, docs
	severities  map[string]bool
	categories  map[string]bool
	kinds       map[string]bool
	risks       map[string]bool
}

type enumProp struct {
	Enum []string `json:"enum"`
}

var rules = sync.OnceValue(func() schemaRules {
	var doc struct {
		Properties struct {
			Findings struct {
				MaxItems int `json:"maxItems"`
				Items    struct {
					Properties struct {
						Severity enumProp `json:"severity"`
					} `json:"properties"`
				} `json:"items"`
			} `json:"findings"`
			Strengths struct {
				MaxItems int `json:"maxItems"`
			} `json:"strengths"`
			Concerns struct {
				MaxItems int `json:"maxItems"`
			} `json:"concerns"`
			Docs struct {
				MaxItems int `json:"maxItems"`
			} `json:"docs"`
			Untested struct {
				MaxItems int `json:"maxItems"`
				Items    struct {
					Properties struct {
						Risk enumProp `json:"risk"`
					} `json:"properties"`
				} `json:"items"`
			} `json:"untested"`
		} `json:"properties"`
	}
	_ = json.Unmarshal(prompts.Schema(), &doc) // embedded; TestSchemaRules checks it decodes
	set := func(vs []string) map[string]bool {
		m := map[string]bool{}
		for _, v := range vs {
			m[v] = true
		}
		return m
	}
	p := doc.Properties
	return schemaRules{
		maxFindings: p.Findings.MaxItems,
		maxItems: map[string]int{
			"strengths": p.Strengths.MaxItems, "concerns": p.Concerns.MaxItems,
			"untested": p.Untested.MaxItems, "docs": p.Docs.MaxItems,
		},
		severities: set(p.Findings.Items.Properties.Severity.Enum),
		categories: set(prompts.Categories()),
		kinds:      set(prompts.Kinds()),
		risks:      set(p.Untested.Items.Properties.Risk.Enum),
	}
})

// relax edits the decoded reviewer schema into the one answers are
// validated against, after normalize: no enum on severity or risk (an
// unknown value is kept, see above), severity, category, kind and risk not
// required (normalize fills them), no maxLength, no minimum on lines.
// Category keeps its enum: normalize only ever leaves a listed value
// there; kind loses it for "" (no kind). maxItems stays, but for the findings: normalize has cut
// every other list to it.
func relax(schema any) {
	walk(schema, func(m map[string]any) {
		delete(m, "maxLength")
		props, _ := m["properties"].(map[string]any)
		if f, ok := props["findings"].(map[string]any); ok {
			delete(f, "maxItems")
		}
		for _, name := range []string{"severity", "risk", "kind"} {
			if p, ok := props[name].(map[string]any); ok {
				delete(p, "enum")
			}
		}
		for _, name := range []string{"line", "end_line"} {
			if p, ok := props[name].(map[string]any); ok {
				delete(p, "minimum")
			}
		}
		if req, ok := m["required"].([]any); ok {
			m["required"] = slices.DeleteFunc(req, func(r any) bool {
				return r == "severity" || r == "category" || r == "kind" || r == "risk"
			})
		}
	})
}

// walk calls f on every object of a decoded JSON document, parents first.
func walk(v any, f func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		f(x)
		for _, k := range slices.Sorted(maps.Keys(x)) {
			walk(x[k], f)
		}
	case []any:
		for _, e := range x {
			walk(e, f)
		}
	}
}

// normalize reads the decoded answer v in place as described at the top of
// this file. It returns one note per change that a reader of the report
// should be able to trace back to the model's own words, and whether it
// changed anything at all.
func normalize(v any) (notes []string, changed bool) {
	doc, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	r := rules()
	set := func(m map[string]any, key string, val any) {
		if old, ok := m[key]; !ok || old != val {
			m[key] = val
			changed = true
		}
	}
	if fs, ok := doc["findings"].([]any); ok {
		for _, f := range fs {
			fm, ok := f.(map[string]any)
			if !ok {
				continue
			}
			if note := normalizeFinding(fm, r, set); note != "" {
				notes = append(notes, fmt.Sprintf("finding %s: %s", titleOf(fm), note))
			}
		}
		// Every finding is kept, however many: a cut here would come before
		// anchoring, so findings of invented code could push a real one out.
		// Anchoring judges each on its own.
		if r.maxFindings > 0 && len(fs) > r.maxFindings {
			notes = append(notes, fmt.Sprintf("%d findings, over the schema's limit of %d: all kept, each anchored on its own", len(fs), r.maxFindings))
		}
	}
	if us, ok := doc["untested"].([]any); ok {
		for _, u := range us {
			if um, ok := u.(map[string]any); ok {
				switch risk := um["risk"].(type) {
				case string:
					if c := canon(risk); r.risks[c] {
						set(um, "risk", c)
					}
				case nil:
					set(um, "risk", "")
				default:
					set(um, "risk", jsonText(risk))
				}
			}
		}
	}
	for _, key := range []string{"strengths", "concerns", "untested", "docs"} {
		xs, ok := doc[key].([]any)
		if max := r.maxItems[key]; ok && max > 0 && len(xs) > max {
			doc[key], changed = xs[:max], true
			notes = append(notes, fmt.Sprintf("%d %s, over the schema's limit of %d: left out the last %d", len(xs), listNames[key], max, len(xs)-max))
		}
	}
	return notes, changed
}

var listNames = map[string]string{"strengths": "strengths", "concerns": "concerns", "untested": "untested scenarios", "docs": "docs notes"}

// severitySynonyms are the severities models write instead of the
// schema's three, read as the nearest one. Any other value is read as
// "critical": a finding is never lost to its severity's spelling, and a
// gate errs towards blocking.
var severitySynonyms = map[string]string{
	"blocker": review.Critical, "severe": review.Critical, "high": review.Critical, "fatal": review.Critical, "error": review.Critical, "urgent": review.Critical,
	"major": review.Important, "medium": review.Important, "moderate": review.Important, "warning": review.Important, "warn": review.Important, "normal": review.Important,
	"minor": review.Suggestion, "low": review.Suggestion, "info": review.Suggestion, "informational": review.Suggestion, "nit": review.Suggestion, "trivial": review.Suggestion, "note": review.Suggestion, "optional": review.Suggestion,
}

// normalizeFinding reads one finding's severity, category and kind, and
// returns a note when the model's value had to be replaced.
func normalizeFinding(m map[string]any, r schemaRules, set func(map[string]any, string, any)) (note string) {
	var sevNote string
	switch sev := m["severity"].(type) {
	case string:
		c := canon(sev)
		switch {
		case r.severities[c]:
			set(m, "severity", c)
		case severitySynonyms[c] != "":
			set(m, "severity", severitySynonyms[c])
			sevNote = fmt.Sprintf("severity %s is not one of the schema's; read as %q", quoted(sev), severitySynonyms[c])
		default:
			set(m, "severity", review.Critical)
			sevNote = fmt.Sprintf("severity %s is not one of the schema's; read as \"critical\", the most severe, so the finding is not lost", quoted(sev))
		}
	case nil:
		set(m, "severity", review.Critical)
		sevNote = "no severity; read as \"critical\", the most severe, so the finding is not lost"
	default:
		set(m, "severity", review.Critical)
		sevNote = fmt.Sprintf("severity %s is not one of the schema's; read as \"critical\", the most severe, so the finding is not lost", safetext.Clip(jsonText(sev), 40))
	}
	switch cat := m["category"].(type) {
	case string:
		c := canon(cat)
		switch {
		case r.categories[c]:
			set(m, "category", c)
		case c == "":
			set(m, "category", "other")
		default:
			set(m, "category", "other")
			note = fmt.Sprintf("category %s is not one of the schema's; read as \"other\"", quoted(cat))
		}
	case nil:
		set(m, "category", "other")
	default:
		set(m, "category", "other")
		note = fmt.Sprintf("category %s is not one of the schema's; read as \"other\"", safetext.Clip(jsonText(cat), 40))
	}
	// A kind the model did not give, or one the schema does not list, is
	// no kind (""), not "other": "other" is the model saying that no kind
	// fits, which merge reads as evidence (a declared other is not any
	// declared kind), while no kind leaves merge to the wording.
	kind, _ := m["kind"].(string)
	if c := canon(kind); r.kinds[c] {
		set(m, "kind", c)
	} else {
		set(m, "kind", "")
		if c != "" {
			note = strings.TrimPrefix(note+"; ", "; ") + fmt.Sprintf("kind %s is not one of the schema's; read as no kind", quoted(kind))
		}
	}
	if fix, ok := m["fix"].(string); ok {
		if inner, fenced := unfence(fix); fenced {
			set(m, "fix", inner)
		}
	}
	for _, name := range []string{"line", "end_line"} {
		if n, ok := m[name].(json.Number); ok {
			if v, fits := lineNumber(n); fits {
				set(m, name, v)
			} else {
				// Not a line of any file: read as none (0), as the
				// note says, rather than losing the answer. The quote
				// places the finding; with no quote it is about the
				// file, which counts ½ in the gate.
				set(m, name, json.Number("0"))
				note = strings.TrimPrefix(note+"; ", "; ") + fmt.Sprintf("%s %s is not a line number; read as none", name, safetext.Clip(string(n), 24))
			}
		}
	}
	if sevNote != "" {
		note = strings.TrimSuffix(sevNote+"; "+note, "; ")
	}
	return note
}

// unfence is the code of a fix a model wrapped in a Markdown fence
// ("```diff ... ```", "~~~ ... ~~~", four backticks), and whether it had
// one: shown as code, the fence lines would read as code to add. A fix
// with one fenced block and words around it ("Use a placeholder:" before,
// "This avoids the injection." after) is the block's code. A fix with no
// fence, or with several blocks, is left as written (the reports then show
// the latter as written, never as an edit: review.FixMixesWords).
func unfence(fix string) (string, bool) {
	lines := strings.Split(fix, "\n")
	open, close := -1, -1
	var marker string
	for i, l := range lines {
		t := strings.TrimSpace(l)
		fence := fenceOpen(t)
		switch {
		case open < 0 && fence != "":
			open, marker = i, fence
		case open >= 0 && close < 0 && strings.HasPrefix(t, marker) && strings.Trim(t, marker[:1]) == "":
			close = i
		case close >= 0 && fence != "":
			return fix, false // a second block
		}
	}
	if open < 0 || close < 0 {
		return fix, false
	}
	return strings.Join(lines[open+1:close], "\n"), true
}

// fenceOpen is the fence a line opens ("```", "~~~~"), "" when none: three
// or more backticks or tildes, then at most an info word ("go", "diff").
func fenceOpen(line string) string {
	if len(line) < 3 || line[0] != '`' && line[0] != '~' {
		return ""
	}
	n := len(line) - len(strings.TrimLeft(line, line[:1]))
	if n < 3 || strings.ContainsAny(strings.TrimSpace(line[n:]), " `~") {
		return ""
	}
	return line[:n]
}

// maxLine bounds the line numbers an answer may hold: far past any file
// quorum reviews, and inside every int.
const maxLine = 1 << 30

// lineNumber is n as a line number's JSON ("12" for 12 or 12.0), and
// whether it is a whole number within ±maxLine.
func lineNumber(n json.Number) (json.Number, bool) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return n, i > -maxLine && i < maxLine
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f != math.Trunc(f) || f <= -maxLine || f >= maxLine {
		return n, false
	}
	return json.Number(strconv.FormatInt(int64(f), 10)), true
}

// canon is an enum value as the schema spells it: lower case, trimmed,
// "-" between words.
func canon(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == '_' || r == '-' || r == '\t' || r == '\n' || r == '\r'
	}), "-")
}

func titleOf(m map[string]any) string {
	t, _ := m["title"].(string)
	return quoted(t)
}

// quoted is s for a one-line note: Go-quoted (control characters escaped)
// and clipped.
func quoted(s string) string {
	return fmt.Sprintf("%q", safetext.Clip(strings.Join(strings.Fields(s), " "), 40))
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
