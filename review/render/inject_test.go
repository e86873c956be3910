package render_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"

	"github.com/quorum-review/quorum/review/render"
	"github.com/quorum-review/quorum/review/report"
)

// modelText is what the models wrote, put into every field of a report
// that holds model text.
type modelText struct {
	title, explanation, note, proseFix, codeFix, err string
}

var (
	cleanText = modelText{
		title:       "Plain title",
		explanation: "Plain explanation.",
		note:        "Plain note.",
		proseFix:    "Check the error first",
		codeFix:     "if err != nil {\n\treturn err\n}",
		err:         "plain error",
	}
	// hostileText is the tester's reproduction and its kin.
	hostileText = modelText{
		title:       "`tick` <script>alert(1)</script> [x](https://evil.example) **bold** | cell",
		explanation: "Looks fine.\n\n## Suggestions (0)\n\nNone.\n\n## Fake section\n\n| reviewer | status |\n|---|---|\n| all | ok |\n\n```\nclose",
		note:        "<script>alert(1)</script>\n## Strength heading\n| a | b |\n> quote",
		proseFix:    "- Check the error first\n1. Then close the file",
		codeFix:     "```\n+x := 1\n````\n~~~\n</pre><script>x</script>",
		err:         "model said:\n# Heading\n```",
	}
)

// withModelText copies r and puts t into every field that holds model text.
func withModelText(t *testing.T, r *report.Report, mt modelText) *report.Report {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var c report.Report
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	for i := range c.Findings {
		f := &c.Findings[i]
		f.Title, f.Explanation, f.Fix = mt.title, mt.explanation, ""
		for j := range f.Others {
			f.Others[j].Title = mt.title
		}
	}
	c.Findings[0].Fix = mt.codeFix
	c.Findings[1].Fix = mt.proseFix
	d := c.Findings[len(c.Findings)-1]
	d.Dismissal = &report.Dismissal{Reason: mt.note, Who: mt.note, Source: "ledger"}
	c.Dismissed = []report.Finding{d}
	note := []report.Note{{Text: mt.note, Reviewers: []string{"alice"}}}
	c.Strengths, c.Concerns, c.Docs = note, note, note
	c.Untested = []report.UntestedNote{{Scenario: mt.note, Risk: "high", Reviewers: []string{"alice"}}}
	for i := range c.Summary.Reviewers {
		c.Summary.Reviewers[i].Text = mt.note
	}
	for i := range c.Reviewers {
		c.Reviewers[i].Error = mt.err
		c.Reviewers[i].Failures = []string{mt.err, mt.note}
	}
	for i := range c.Rejected {
		c.Rejected[i].Title = mt.title
	}
	return &c
}

var gfmParser = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList, extension.Footnote)).Parser()

// blockOutline is the structure of a Markdown document as GitHub reads it:
// every heading (the text of levels 1 and 2, quorum's section names), table,
// row, list, item, fence, emphasis, the "Suggested fix" labels, and any
// HTML, link, image or quote; not the text, code spans and line breaks
// model text may hold.
func blockOutline(md []byte) []string {
	doc := gfmParser.Parse(text.NewReader(md))
	var out []string
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Document, *ast.Text, *ast.String, *ast.CodeSpan, *ast.TextBlock:
		case *ast.Paragraph:
			if fixLabel.Match(n.Lines().Value(md)) {
				out = append(out, "fix label")
			}
		case *ast.Heading:
			h := fmt.Sprintf("h%d", n.Level)
			if n.Level <= 2 {
				h += " " + string(n.Lines().Value(md))
			}
			out = append(out, h)
		case *ast.Emphasis:
			out = append(out, fmt.Sprintf("emphasis %d", n.Level))
		case *extast.TableCell:
		default:
			out = append(out, n.Kind().String())
		}
		return ast.WalkContinue, nil
	})
	return out
}

func renderBoth(t *testing.T, r *report.Report) (md, term string) {
	t.Helper()
	var m, tv bytes.Buffer
	if err := render.Write(&m, "markdown", r, render.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := render.Write(&tv, "text", r, render.Options{TTY: true, NoColor: true, Width: 100, Full: true}); err != nil {
		t.Fatal(err)
	}
	return m.String(), tv.String()
}

var (
	mdHeading  = regexp.MustCompile(`^ {0,3}#{1,6}(\s|$)`)
	mdFence    = regexp.MustCompile("^ {0,3}(```|~~~)")
	mdTableRow = regexp.MustCompile(`^ {0,3}\|`)
	underline  = regexp.MustCompile(`^[─═]+$`)
)

// fixLabel is "Suggested fix:", or "Suggested fix, as written (not a diff:
// why):" for a fix shown as its author wrote it.
var fixLabel = regexp.MustCompile(`^Suggested fix(, as written \(not a diff: [^)]*\))?:`)

// linesLike returns the lines of s that match re, each with the line
// before it (a heading's underline names the heading).
func linesLike(s string, re *regexp.Regexp, withPrevious bool) []string {
	lines := strings.Split(s, "\n")
	var out []string
	for i, l := range lines {
		if !re.MatchString(l) {
			continue
		}
		if withPrevious && i > 0 {
			l = lines[i-1] + " / " + l
		}
		out = append(out, l)
	}
	return out
}

// TestModelTextMakesNoStructure feeds the tester's reproduction (and the
// same tricks in titles, notes, fixes and reviewer errors) through the
// Markdown and terminal writers: the report has the same headings, tables,
// fences and labels as one whose model text is plain, and the text is
// shown as written.
func TestModelTextMakesNoStructure(t *testing.T) {
	base := build(t, scenarioByName(t, "full"))
	clean, hostile := withModelText(t, base, cleanText), withModelText(t, base, hostileText)
	cleanMD, cleanTerm := renderBoth(t, clean)
	md, term := renderBoth(t, hostile)

	// The Markdown, as GitHub parses it.
	if got, want := blockOutline([]byte(md)), blockOutline([]byte(cleanMD)); !equal(got, want) {
		t.Errorf("model text changed the Markdown's structure:\n got %q\nwant %q\n%s", got, want, md)
	}
	// Line by line: headings are quorum's; rows and fences as many as quorum writes.
	h3 := regexp.MustCompile(`^(### \d+\.) .*`)
	headings := func(s string) []string {
		var out []string
		for _, l := range linesLike(s, mdHeading, false) {
			out = append(out, h3.ReplaceAllString(l, "$1"))
		}
		return out
	}
	if got, want := headings(md), headings(cleanMD); !equal(got, want) {
		t.Errorf("Markdown headings:\n got %q\nwant %q", got, want)
	}
	if got, want := fenceLines(md), fenceLines(cleanMD); len(got) != len(want) {
		t.Errorf("%d fence lines, want %d:\n%q", len(got), len(want), got)
	}
	if got, want := len(linesLike(md, mdTableRow, false)), len(linesLike(cleanMD, mdTableRow, false)); got != want {
		t.Errorf("%d lines like %s, want %d:\n%q", got, mdTableRow, want, linesLike(md, mdTableRow, false))
	}
	// Raw, outside the fix's code block (where "<script>x" is code).
	for _, raw := range []string{"<script>alert", "[x](https://evil", "**bold**"} {
		if strings.Contains(md, raw) {
			t.Errorf("Markdown holds %q", raw)
		}
	}
	if !strings.Contains(md, "### 1. `tick` &lt;script>") {
		t.Errorf("a title's code span is not kept in its heading:\n%s", md)
	}

	// The terminal view: the same headings (each with its underline) and
	// "▸" titles, no quote bars, and the model's marks shown as text.
	if got, want := linesLike(term, underline, true), linesLike(cleanTerm, underline, true); !equal(got, want) {
		t.Errorf("terminal headings:\n got %q\nwant %q", got, want)
	}
	for _, re := range []*regexp.Regexp{regexp.MustCompile("^▸ "), regexp.MustCompile("^│"), fixLabel, regexp.MustCompile("^• ")} {
		if got, want := len(linesLike(term, re, false)), len(linesLike(cleanTerm, re, false)); got != want {
			t.Errorf("terminal: %d lines like %s, want %d", got, re, want)
		}
	}
	for _, shown := range []string{"## Fake section", "| all | ok |", "<script>alert(1)</script>", "[x](`https://evil.example`) **bold** | cell", "```", "close"} {
		if !strings.Contains(term, shown) {
			t.Errorf("terminal does not show %q as text:\n%s", shown, term)
		}
	}

	// Deterministic: the same report, the same bytes.
	if md2, term2 := renderBoth(t, hostile); md2 != md || term2 != term {
		t.Error("two renderings of the same report differ")
	}
}

// fenceLines are the lines of md that open or close a fenced block, as
// CommonMark reads them: inside a block, a line closes it only with the
// same character, at least as many times, and nothing after (a fix shown
// as written may hold the model's own fence lines, read as its code).
func fenceLines(md string) []string {
	var out []string
	open := ""
	for _, l := range strings.Split(md, "\n") {
		if !mdFence.MatchString(l) {
			continue
		}
		t := strings.TrimSpace(l)
		run := t[:len(t)-len(strings.TrimLeft(t, t[:1]))]
		switch {
		case open == "":
			open = run
		case run[0] == open[0] && len(run) >= len(open) && run == t:
			open = ""
		default:
			continue
		}
		out = append(out, l)
	}
	return out
}

func equal(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

// linkText is model text with every kind of link GitHub makes of bare
// text, and HTML that would hide or restyle a comment.
const linkText = "see https://a.example/x, HTTPS://B.EXAMPLE/, www.c.example, Www.d.example, ftp://e.example/f, " +
	"mailto:g@h.example, xmpp:i@j.example, k.l+m@n.example, [o](https://p.example) ![q](https://r.example/s.png) " +
	"<details><summary>x</summary> <!-- hide the rest @octocat #12"

// TestRDJSONLMessagesAreInertMarkdown: reviewdog posts a diagnostic's
// message as the Markdown of a pull request comment, so model text there
// makes no link, image, HTML, heading, list, table or fence (it did: a
// model's <!-- hid the rest of the comment, dismissal hint included).
func TestRDJSONLMessagesAreInertMarkdown(t *testing.T) {
	base := build(t, scenarioByName(t, "full"))
	messages := func(r *report.Report) []string {
		var buf bytes.Buffer
		if err := render.Write(&buf, "rdjsonl", r, render.Options{}); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			var d struct {
				Message string `json:"message"`
			}
			if err := json.Unmarshal([]byte(line), &d); err != nil {
				t.Fatal(err)
			}
			out = append(out, d.Message)
		}
		return out
	}
	hostile := hostileText
	hostile.title += " " + linkText
	hostile.explanation += "\n\n" + linkText
	// The hostile code fix mixes words with code, so the message shows it
	// (no suggestion can carry it): the plain one compared with it must be
	// such a fix too, not one reviewdog posts as a suggestion.
	plain := cleanText
	plain.codeFix = "Check it first:\nif err != nil {\n\treturn err\n}"
	clean, bad := messages(withModelText(t, base, plain)), messages(withModelText(t, base, hostile))
	if len(clean) != len(bad) {
		t.Fatalf("%d messages, want %d", len(bad), len(clean))
	}
	for i := range bad {
		if got, want := blockOutline([]byte(bad[i])), blockOutline([]byte(clean[i])); !equal(got, want) {
			t.Errorf("message %d: model text changed its Markdown:\n got %q\nwant %q\n%s", i, got, want, bad[i])
		}
		if links := linkified([]byte(bad[i])); len(links) > 0 {
			t.Errorf("message %d links %q:\n%s", i, links, bad[i])
		}
		if !strings.Contains(bad[i], "quorum dismiss ") {
			t.Errorf("message %d lost its dismissal hint:\n%s", i, bad[i])
		}
	}
}

// TestMarkdownMakesNoLinkOfModelText: the report's Markdown, read with
// GitHub's autolinks, links nothing a model wrote.
func TestMarkdownMakesNoLinkOfModelText(t *testing.T) {
	hostile := cleanText
	hostile.title, hostile.explanation, hostile.note = linkText, linkText, linkText
	md, _ := renderBoth(t, withModelText(t, build(t, scenarioByName(t, "full")), hostile))
	if links := linkified([]byte(md)); len(links) > 0 {
		t.Errorf("the Markdown links %q", links)
	}
}

var linkifyParser = goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()

// linkified lists the links, images and HTML a Markdown document holds as
// GitHub reads it, bare URLs and e-mail addresses included.
func linkified(md []byte) []string {
	doc := linkifyParser.Parse(text.NewReader(md))
	var out []string
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			out = append(out, "link "+string(n.Destination))
		case *ast.AutoLink:
			out = append(out, "autolink "+string(n.URL(md)))
		case *ast.Image:
			out = append(out, "image "+string(n.Destination))
		case *ast.RawHTML, *ast.HTMLBlock:
			out = append(out, n.Kind().String())
		}
		return ast.WalkContinue, nil
	})
	return out
}

// TestFileNamesShownWhole: a file name with an escape sequence, a line
// break or an invisible character is shown with each escaped, never with
// it dropped ("escred.go" would name another file).
func TestFileNamesShownWhole(t *testing.T) {
	for name, want := range map[string]string{
		"esc\x1b[31mred.go":  `esc\x1b[31mred.go:3`,
		"new\nline.go":       `new\nline.go:3`,
		"zero\u200bwidth.go": "zero<U+200B>width.go:3",
	} {
		r := &report.Report{Findings: []report.Finding{{ID: "q1", Title: "T", Severity: "important", Category: "bug", File: name, Line: 3, EndLine: 3, Evidence: "quote", Support: 1, Reviewers: []string{"x"}, SeenBy: 1}}}
		r.Checks.SourceWithoutTests = []string{name}
		md, term := renderBoth(t, r)
		if shown := "- `" + strings.TrimSuffix(want, ":3") + "`\n"; !strings.Contains(md, shown) {
			t.Errorf("testing assessment: %q not listed as %q:\n%s", name, shown, md)
		}
		for format, out := range map[string]string{"markdown": md, "text": term} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: %q not shown as %q:\n%s", format, name, want, out)
			}
		}
	}
}
