package render_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
	"github.com/quorum-review/quorum/review/report/reporttest"
)

func compile(t *testing.T, url string, schema []byte) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, data []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	return s.Validate(inst)
}

// TestSARIFSchema validates every scenario's SARIF against the official
// SARIF 2.1.0 schema, and checks the validator does reject a broken log.
func TestSARIFSchema(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(goldenDir, "sarif-2.1.0-rtm.5.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	s := compile(t, "sarif-2.1.0.json", raw)
	for _, sc := range reporttest.Scenarios() {
		var buf bytes.Buffer
		if err := render.Write(&buf, "sarif", build(t, sc), render.Options{}); err != nil {
			t.Fatal(err)
		}
		if err := validate(t, s, buf.Bytes()); err != nil {
			t.Errorf("%s: SARIF fails the 2.1.0 schema: %v", sc.Name, err)
		}
		if bytes.Contains(buf.Bytes(), []byte(": null")) {
			t.Errorf("%s: SARIF has a null field, which the schema's types refuse", sc.Name)
		}
		if sc.Name == "full" {
			// Dismissed findings are written too, suppressed.
			r := build(t, sc)
			r.Dismissed = append(r.Dismissed, r.Findings[0], r.Findings[1])
			r.Dismissed[0].Dismissal = &report.Dismissal{Reason: "checked by the caller", Source: "inline", Line: r.Dismissed[0].Line - 1}
			r.Dismissed[1].Dismissal = &report.Dismissal{Reason: "logged", Who: "Ada <a@x>", When: "2026-01-02T03:04:05Z", Source: "ledger"}
			r.Findings = r.Findings[2:]
			var dis bytes.Buffer
			if err := render.Write(&dis, "sarif", r, render.Options{}); err != nil {
				t.Fatal(err)
			}
			if err := validate(t, s, dis.Bytes()); err != nil || !bytes.Contains(dis.Bytes(), []byte(`"kind": "inSource"`)) || !bytes.Contains(dis.Bytes(), []byte(`"kind": "external"`)) {
				t.Errorf("SARIF with dismissed findings: %v\n%s", err, dis.Bytes())
			}
			broken := bytes.Replace(buf.Bytes(), []byte(`"level": "error"`), []byte(`"level": "fatal"`), 1)
			if validate(t, s, broken) == nil {
				t.Error("schema accepted an invalid level; the validation proves nothing")
			}
		}
	}
}

// rdfSubset is reviewdog's Diagnostic format restricted to the fields quorum
// writes and tightened to what reviewdog needs to post a comment: reviewdog's
// own schema (testdata/report/reviewdog-Diagnostic.json) checks the types and
// values but requires no field.
const rdfSubset = `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["message", "location", "severity", "source"],
  "properties": {
    "message": {"type": "string", "minLength": 1},
    "location": {
      "type": "object", "required": ["path"],
      "properties": {
        "path": {"type": "string", "minLength": 1},
        "range": {"$ref": "#/$defs/range"}
      }
    },
    "severity": {"enum": ["UNKNOWN_SEVERITY", "ERROR", "WARNING", "INFO"]},
    "source": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "url": {"type": "string"}}},
    "code": {"type": "object", "required": ["value"], "properties": {"value": {"type": "string"}, "url": {"type": "string"}}}
  },
  "$defs": {
    "position": {"type": "object", "required": ["line"], "properties": {"line": {"type": "integer", "minimum": 1}, "column": {"type": "integer", "minimum": 1}}},
    "range": {"type": "object", "required": ["start"], "properties": {"start": {"$ref": "#/$defs/position"}, "end": {"$ref": "#/$defs/position"}}}
  }
}`

func TestRDJSONL(t *testing.T) {
	s := compile(t, "rdf.json", []byte(rdfSubset))
	official, err := os.ReadFile(filepath.Join(goldenDir, "reviewdog-Diagnostic.json"))
	if err != nil {
		t.Fatal(err)
	}
	rd := compile(t, "Diagnostic.json", official)
	r := build(t, scenarioByName(t, "full"))
	var buf bytes.Buffer
	if err := render.Write(&buf, "rdjsonl", r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	n := 0
	for sc.Scan() {
		if err := validate(t, s, sc.Bytes()); err != nil {
			t.Errorf("line %d: %v\n%s", n+1, err, sc.Bytes())
		}
		if err := validate(t, rd, sc.Bytes()); err != nil {
			t.Errorf("line %d fails reviewdog's schema: %v\n%s", n+1, err, sc.Bytes())
		}
		if n == 0 {
			broken := bytes.Replace(sc.Bytes(), []byte(`"severity":"`), []byte(`"severity":"FATAL`), 1)
			if bytes.Equal(broken, sc.Bytes()) || validate(t, rd, broken) == nil {
				t.Error("reviewdog's schema accepted an unknown severity; the validation proves nothing")
			}
		}
		var d struct {
			Location struct {
				Path  string
				Range struct{ Start, End struct{ Line int } }
			}
		}
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		f := r.Findings[n]
		if d.Location.Path != f.File || d.Location.Range.Start.Line != f.Line {
			t.Errorf("line %d at %s:%d, want %s:%d", n+1, d.Location.Path, d.Location.Range.Start.Line, f.File, f.Line)
		}
		n++
	}
	if n != len(r.Findings) {
		t.Errorf("%d lines for %d findings", n, len(r.Findings))
	}
}

func scenarioByName(t *testing.T, name string) reporttest.Scenario {
	for _, sc := range reporttest.Scenarios() {
		if sc.Name == name {
			return sc
		}
	}
	t.Fatalf("no scenario %s", name)
	return reporttest.Scenario{}
}

// hostile is a report whose model text tries to drive the terminal.
func hostile(t *testing.T) *report.Report {
	sc := scenarioByName(t, "agree")
	for i := range sc.Raw.Results {
		a := sc.Raw.Results[i].Chunks[0].Answer
		a.Summary = "clear \x1b[2J\x1b[H screen and set title \x1b]0;owned\x07 done"
		a.Findings[0].Title = "SQL \x1b[31minjection\x1b[0m \u202eevil"
	}
	return build(t, sc)
}

func TestTextStripsControlSequences(t *testing.T) {
	r := hostile(t)
	for _, opts := range []render.Options{{}, {TTY: true, NoColor: true, Width: 80}} {
		for _, format := range []string{"text", "markdown", "json", "sarif", "rdjsonl"} {
			var buf bytes.Buffer
			if err := render.Write(&buf, format, r, opts); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			if strings.ContainsAny(out, "\x1b\x07\u202e") {
				t.Errorf("%s %+v: control sequence in output:\n%q", format, opts, out)
			}
			if !strings.Contains(out, "injection") {
				t.Errorf("%s %+v: text lost with the escapes", format, opts)
			}
		}
	}
}

// TestSavedReportIsSanitizedAgain: a report.json edited by hand never went
// through Build; the terminal formats strip it again.
func TestSavedReportIsSanitizedAgain(t *testing.T) {
	r := build(t, scenarioByName(t, "agree"))
	r.Findings[0].Title = "evil \x1b]52;c;cGF5bG9hZA==\x07 title"
	r.Findings[0].Code[0].Text = "code \x1b[2J"
	for _, format := range []string{"markdown", "text"} {
		var buf bytes.Buffer
		if err := render.Write(&buf, format, r, render.Options{TTY: format == "text", NoColor: true}); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(buf.String(), "\x1b\x07") {
			t.Errorf("%s: escape sequence survived", format)
		}
	}
}

func TestText(t *testing.T) {
	r := build(t, scenarioByName(t, "full"))
	var piped, md bytes.Buffer
	if err := render.Write(&piped, "text", r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := render.Write(&md, "markdown", r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	// Piped text is plain: no escape sequences and no Markdown syntax but
	// the backticks of inline code, which tell identifiers from prose.
	if strings.Contains(piped.String(), "\x1b") {
		t.Error("piped text has escape sequences")
	}
	for _, syntax := range []string{"```", "**", "\n#", "|---", "](", "\n- "} {
		if strings.Contains(piped.String(), syntax) {
			t.Errorf("piped text has Markdown syntax %q", syntax)
		}
	}
	if !strings.Contains(piped.String(), "The `name` parameter from `r.URL.Query()` is concatenated") {
		t.Errorf("piped text lost the backticks of the explanation's code spans:\n%s", piped.String())
	}
	if !strings.HasPrefix(piped.String(), "FAIL  ") || !strings.Contains(piped.String(), "SQL injection") {
		t.Errorf("piped text should lead with the verdict and keep the findings:\n%s", piped.String())
	}

	var color bytes.Buffer
	if err := render.Write(&color, "text", r, render.Options{TTY: true, Width: 80}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(color.String(), "\x1b[") {
		t.Error("TTY text has no styling")
	}
	if !strings.Contains(color.String(), "SQL injection") {
		t.Error("TTY text lost the findings")
	}

	var plain bytes.Buffer
	if err := render.Write(&plain, "text", r, render.Options{TTY: true, NoColor: true, Width: 80}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b") {
		t.Error("NO_COLOR text has escape sequences")
	}
	if !strings.Contains(plain.String(), "SQL injection") || bytes.Equal(plain.Bytes(), md.Bytes()) {
		t.Errorf("NO_COLOR text should be rendered, not raw Markdown:\n%s", plain.String()[:400])
	}
}

func TestUnknownFormat(t *testing.T) {
	err := render.Write(&bytes.Buffer{}, "html", build(t, scenarioByName(t, "agree")), render.Options{})
	if err == nil || !strings.Contains(err.Error(), `unknown format "html"`) {
		t.Errorf("err = %v", err)
	}
}

// TestJSONSchema validates every scenario's JSON against quorum.report/v1.
func TestJSONSchema(t *testing.T) {
	s := compile(t, "report.json", report.JSONSchema)
	for _, sc := range reporttest.Scenarios() {
		var buf bytes.Buffer
		if err := render.Write(&buf, "json", build(t, sc), render.Options{}); err != nil {
			t.Fatal(err)
		}
		if err := validate(t, s, buf.Bytes()); err != nil {
			t.Errorf("%s: %v", sc.Name, err)
		}
	}
	bad := []byte(`{"schema":"quorum.report/v1"}`)
	if validate(t, s, bad) == nil {
		t.Error("schema accepted a report with no fields")
	}
}

// TestSARIFURIs: artifactLocation.uri is a URI reference, so a path with a
// space, a non-ASCII letter, '#', '?', '%' or a ':' in its first segment is
// percent-encoded (and "./"-prefixed) and resolves back to the repository
// path; written raw, "a:b.go" would read as the scheme "a" and a space makes
// no valid URI.
func TestSARIFURIs(t *testing.T) {
	paths := []string{"dir with space/a b.go", "ünï/ç:colon.go", "a:b.go", "x#y?.go", "100%.go", "store/cache.go"}
	r := &report.Report{}
	for i, p := range paths {
		r.Findings = append(r.Findings, report.Finding{ID: "Q" + strings.Repeat("0", 9) + string(rune('0'+i)), Severity: "important",
			Category: "bug", Title: "t", File: p, Line: 1, EndLine: 1, Reviewers: []string{"alice"}, SeenBy: 1, Fingerprint: "f"})
	}
	var buf bytes.Buffer
	if err := render.Write(&buf, "sarif", r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("file:///repo/")
	for i, res := range log.Runs[0].Results {
		uri := res.Locations[0].PhysicalLocation.ArtifactLocation.URI
		u, err := url.Parse(uri)
		if err != nil {
			t.Errorf("%q: uri %q does not parse: %v", paths[i], uri, err)
			continue
		}
		if u.Scheme != "" || strings.ContainsAny(uri, " #?") || strings.ContainsFunc(uri, func(c rune) bool { return c > 0x7e }) {
			t.Errorf("%q: uri %q is no relative URI reference (scheme %q)", paths[i], uri, u.Scheme)
			continue
		}
		if got := base.ResolveReference(u).Path; got != "/repo/"+paths[i] {
			t.Errorf("%q: uri %q resolves to %q", paths[i], uri, got)
		}
	}
	if got := log.Runs[0].Results[len(paths)-1].Locations[0].PhysicalLocation.ArtifactLocation.URI; got != "store/cache.go" {
		t.Errorf("a plain path changed: %q", got)
	}
}
