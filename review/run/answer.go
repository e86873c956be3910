package run

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/prompts"
	"github.com/quorum-review/quorum/review"
)

// compiled is the reviewer schema as answers are checked against it:
// relaxed where a value outside it can be read without inventing anything
// (see normalize), strict everywhere else.
var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(prompts.Schema()))
	if err != nil {
		return nil, err
	}
	relax(doc)
	c := jsonschema.NewCompiler()
	if err := c.AddResource("quorum-answer.json", doc); err != nil {
		return nil, err
	}
	return c.Compile("quorum-answer.json")
})

// ParseAnswer reads one model answer: the JSON document alone, or inside a
// ```json fence, or with prose around it. It validates the document against
// the reviewer schema; extra fields are ignored and missing optional fields
// stay empty. An answer whose shape is broken is an error that says where;
// a value outside the schema that can be read without guessing is read
// (see normalize) rather than costing the whole answer.
func ParseAnswer(content string) (*review.Answer, error) {
	a, _, err := parseAnswer(content)
	return a, err
}

// parseAnswer is ParseAnswer with the notes normalize made: what was read
// differently from what the model wrote, quoting the model's own values.
// Both are a pure function of content.
func parseAnswer(content string) (*review.Answer, []string, error) {
	doc := extractJSON(content)
	if doc == "" {
		if strings.TrimSpace(content) == "" {
			return nil, nil, errors.New("the answer was empty")
		}
		return nil, nil, errors.New("the answer holds no JSON object")
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		return nil, nil, fmt.Errorf("the answer is not valid JSON: %s", short(err.Error()))
	}
	sch, err := compiled()
	if err != nil {
		return nil, nil, fmt.Errorf("reviewer schema does not compile: %w", err)
	}
	notes, _ := normalize(v)
	dropShadows(v)
	// Decoded from what was checked: the original text would let a key
	// repeated ("line" twice) or spelled in another case ("Line") reach
	// the field the schema checked under its own name.
	if b, err := json.Marshal(v); err == nil {
		doc = string(b)
	}
	if err := sch.Validate(v); err != nil {
		return nil, nil, fmt.Errorf("the answer does not follow the schema: %s", describe(err))
	}
	var a review.Answer
	if err := json.Unmarshal([]byte(doc), &a); err != nil {
		return nil, nil, fmt.Errorf("the answer does not decode: %s", short(err.Error()))
	}
	// Empty lists rather than null, so raw.json reads the same whatever the model omitted.
	for _, s := range []*[]string{&a.Strengths, &a.Concerns, &a.Docs} {
		if *s == nil {
			*s = []string{}
		}
	}
	if a.Findings == nil {
		a.Findings = []review.RawFinding{}
	}
	if a.Untested == nil {
		a.Untested = []review.Untested{}
	}
	return &a, notes, nil
}

// extractJSON finds the JSON object in an answer: from the first '{' to the
// last '}' when that is valid JSON (a "fix" may itself hold a ``` fence: a
// plain answer is never cut at one), else a fenced block's content when
// there is a fence, else from the first '{' to the last '}'.
func extractJSON(s string) string {
	s = strings.TrimSpace(s)
	if start, end := strings.IndexByte(s, '{'), strings.LastIndexByte(s, '}'); start >= 0 && end > start && json.Valid([]byte(s[start:end+1])) {
		return s[start : end+1]
	}
	if i := strings.Index(s, "```"); i >= 0 {
		rest := s[i+3:]
		if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
			rest = rest[nl+1:] // drop the info string ("json")
		}
		if j := strings.Index(rest, "```"); j >= 0 {
			rest = rest[:j]
		}
		s = strings.TrimSpace(rest)
	}
	start, end := strings.IndexByte(s, '{'), strings.LastIndexByte(s, '}')
	if start < 0 || end < start {
		return ""
	}
	return s[start : end+1]
}

// firstCause is the innermost cause of ve at the first place in the
// answer (then the first message): the library lists causes in map order,
// and the repair request and the saved error must be a function of the
// answer.
func firstCause(ve *jsonschema.ValidationError) *jsonschema.ValidationError {
	for len(ve.Causes) > 0 {
		ve = slices.MinFunc(ve.Causes, func(a, b *jsonschema.ValidationError) int {
			return cmp.Or(slices.Compare(a.InstanceLocation, b.InstanceLocation), strings.Compare(fmt.Sprint(a.ErrorKind), fmt.Sprint(b.ErrorKind)))
		})
	}
	return ve
}

// describe turns a schema validation error into one line naming the first failing place.
func describe(err error) string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return short(err.Error())
	}
	ve = firstCause(ve)
	loc := "/" + strings.Join(ve.InstanceLocation, "/")
	msg := fmt.Sprint(ve.ErrorKind)
	if u := ve.BasicOutput(); u != nil && u.Error != nil {
		msg = u.Error.String()
	}
	return short(fmt.Sprintf("at %s: %s", loc, msg))
}

func short(s string) string {
	return safetext.Clip(strings.Join(strings.Fields(s), " "), 200)
}

// dropShadows removes the keys of an answer's objects that differ from one
// of its fields' names only in case ("Line" beside "line", "Severity"):
// the schema lets them by as extra keys, but Go's decoder would read them
// into the field, unchecked and unnormalised.
func dropShadows(v any) {
	doc, ok := v.(map[string]any)
	if !ok {
		return
	}
	dropShadowsIn(doc, jsonNames(reflect.TypeFor[review.Answer]()))
	for key, t := range map[string]reflect.Type{"findings": reflect.TypeFor[review.RawFinding](), "untested": reflect.TypeFor[review.Untested]()} {
		items, _ := doc[key].([]any)
		names := jsonNames(t)
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				dropShadowsIn(m, names)
			}
		}
	}
}

func dropShadowsIn(m map[string]any, names []string) {
	for k := range m {
		if slices.Contains(names, k) {
			continue
		}
		if slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, k) }) {
			delete(m, k)
		}
	}
}

// jsonNames are the JSON names of struct type t's fields.
func jsonNames(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		out = append(out, cmp.Or(name, f.Name))
	}
	return out
}
