package run

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
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
//   - a kind the schema does not list, or none, is "other" ("other" is no
//     evidence: merge infers the kind from the wording);
//   - a severity that is none of the three is kept as written, so that
//     anchoring rejects that finding alone, naming the value ("unknown
//     severity"), and the report lists it under the reviewer's rejected
//     findings; a missing one is "";
//   - a risk that is none of the three is kept as written (the report
//     reads it as "low", as it does any unknown risk);
//   - more findings than the schema's maxItems: the most severe are kept
//     (in the order the model gave them; among equally severe ones, the
//     first), and a note names those left out. The prompt asks for the most
//     important first, but a model that ignores the limit may ignore that
//     too: dropping by position could drop its only critical finding;
//   - more strengths, concerns, untested scenarios or docs notes than the
//     schema's maxItems: the first ones are kept, and a note says so;
//   - text longer than the schema's maxLength, and a negative line number
//     (anchoring rejects that finding), are not errors here.
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
						Category enumProp `json:"category"`
						Kind     enumProp `json:"kind"`
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
		categories: set(p.Findings.Items.Properties.Category.Enum),
		kinds:      set(p.Findings.Items.Properties.Kind.Enum),
		risks:      set(p.Untested.Items.Properties.Risk.Enum),
	}
})

// relax edits the decoded reviewer schema into the one answers are
// validated against, after normalize: no enum on severity or risk (an
// unknown value is kept, see above), severity, category, kind and risk not
// required (normalize fills them), no maxLength, no minimum on lines.
// Category and kind keep their enums: normalize only ever leaves a listed
// value there. maxItems stays: normalize has cut every list to it.
func relax(schema any) {
	walk(schema, func(m map[string]any) {
		delete(m, "maxLength")
		props, _ := m["properties"].(map[string]any)
		for _, name := range []string{"severity", "risk"} {
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
		for i, f := range fs {
			fm, ok := f.(map[string]any)
			if !ok {
				continue
			}
			if note := normalizeFinding(fm, r, set); note != "" {
				notes = append(notes, fmt.Sprintf("finding %d (%s): %s", i+1, titleOf(fm), note))
			}
		}
		if r.maxFindings > 0 && len(fs) > r.maxFindings {
			kept, note := mostSevere(fs, r.maxFindings)
			doc["findings"], changed = kept, true
			notes = append(notes, note)
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

// normalizeFinding reads one finding's severity, category and kind, and
// returns a note when the model's category had to be replaced.
func normalizeFinding(m map[string]any, r schemaRules, set func(map[string]any, string, any)) (note string) {
	switch sev := m["severity"].(type) {
	case string:
		if c := canon(sev); r.severities[c] {
			set(m, "severity", c)
		} // else kept as written: anchoring rejects this finding alone, naming it
	case nil:
		set(m, "severity", "")
	default:
		set(m, "severity", jsonText(sev))
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
	kind, _ := m["kind"].(string)
	if c := canon(kind); r.kinds[c] {
		set(m, "kind", c)
	} else {
		set(m, "kind", "other")
	}
	return note
}

// mostSevere keeps max of the findings fs: the most severe ones, in answer
// order; among equally severe ones the first. The note names those left out.
func mostSevere(fs []any, max int) ([]any, string) {
	rank := func(i int) int {
		m, ok := fs[i].(map[string]any)
		if !ok {
			return -1
		}
		s, _ := m["severity"].(string)
		return review.SeverityRank(canon(s))
	}
	order := make([]int, len(fs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rank(b), rank(a)) })
	keep, drop := slices.Clone(order[:max]), slices.Clone(order[max:])
	slices.Sort(keep)
	slices.Sort(drop)
	kept := make([]any, 0, max)
	for _, i := range keep {
		kept = append(kept, fs[i])
	}
	var names []string
	for j, i := range drop {
		if j == 3 {
			names = append(names, fmt.Sprintf("and %d more", len(drop)-3))
			break
		}
		m, _ := fs[i].(map[string]any)
		sev, _ := m["severity"].(string)
		names = append(names, fmt.Sprintf("finding %d (%s, %s)", i+1, titleOf(m), quoted(sev)))
	}
	return kept, fmt.Sprintf("%d findings, over the schema's limit of %d: left out the %d least severe: %s",
		len(fs), max, len(drop), strings.Join(names, ", "))
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
