package render

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"github.com/quorum-review/quorum/internal/golden"
	"github.com/quorum-review/quorum/internal/safetext"
)

// The terminal renderer's input is the Markdown report, so its tests read
// the Markdown golden of the full scenario, which TestGolden keeps current.
var reportGoldens = filepath.Join("..", "..", "testdata", "report")

func fullMarkdown(t testing.TB) []byte {
	t.Helper()
	md, err := os.ReadFile(filepath.Join(reportGoldens, "full.md"))
	if err != nil {
		t.Fatal(err)
	}
	return md
}

func TestTerminalGolden(t *testing.T) {
	got := renderTerminal(fullMarkdown(t), 80, false)
	golden.Check(t, filepath.Join(reportGoldens, "full.term.txt"), []byte(got))
}

// TestTerminalColorIsPlainStyled: color changes the styling, never the
// layout, so NO_COLOR users see the same report.
func TestTerminalColorIsPlainStyled(t *testing.T) {
	md := fullMarkdown(t)
	for _, width := range []int{40, 80, 100} {
		color, plain := renderTerminal(md, width, true), renderTerminal(md, width, false)
		if !strings.Contains(color, "\x1b[") {
			t.Fatalf("width %d: no styling in color output", width)
		}
		if strings.Contains(plain, "\x1b") {
			t.Fatalf("width %d: escape sequence without color", width)
		}
		if got := ansi.Strip(color); got != plain {
			t.Errorf("width %d: color output without its styling differs from the plain output:\n%s", width, got)
		}
		if again := renderTerminal(md, width, true); again != color {
			t.Errorf("width %d: two renderings differ", width)
		}
	}
}

var leadingSGR = regexp.MustCompile(`^ *\x1b\[([0-9;]*)m`)

// sgr returns the parameters of the style a line starts with.
func sgr(line string) []string {
	m := leadingSGR.FindStringSubmatch(line)
	if m == nil {
		return nil
	}
	return strings.Split(m[1], ";")
}

func TestTerminalDiffColors(t *testing.T) {
	// The code in a report is hunk lines: "--- x" is a deleted "-- x" (a
	// SQL or Lua comment), not a file header.
	md := "```diff\n@@ -1,3 +1,3 @@\n-\told()\n--- a comment\n+\tnew()\n+++ added\n context\n```\n"
	want := []struct {
		text, sgr string
	}{
		{"  @@ -1,3 +1,3 @@", "36"},
		{"  -    old()", "31"},
		{"  --- a comment", "31"},
		{"  +    new()", "32"},
		{"  +++ added", "32"},
		{"   context", ""},
	}
	lines := strings.Split(strings.TrimSuffix(renderTerminal([]byte(md), 80, true), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%q", len(lines), len(want), lines)
	}
	for i, w := range want {
		if got := ansi.Strip(lines[i]); got != w.text {
			t.Errorf("line %d = %q, want %q", i+1, got, w.text)
		}
		params := sgr(lines[i])
		if w.sgr == "" && params != nil || w.sgr != "" && !slices.Contains(params, w.sgr) {
			t.Errorf("line %d %q styled %v, want SGR %q", i+1, lines[i], params, w.sgr)
		}
	}

	// Every line of every diff in the report: + green, - red.
	var plus, minus int
	for _, line := range strings.Split(renderTerminal(fullMarkdown(t), 80, true), "\n") {
		switch text := ansi.Strip(line); {
		case strings.HasPrefix(text, "  +"):
			plus++
			if !slices.Contains(sgr(line), "32") {
				t.Errorf("added line not green: %q", line)
			}
		case strings.HasPrefix(text, "  -"):
			minus++
			if !slices.Contains(sgr(line), "31") {
				t.Errorf("deleted line not red: %q", line)
			}
		}
	}
	if plus < 10 || minus < 3 {
		t.Errorf("%d added and %d deleted lines in the report's diffs; the test proves nothing", plus, minus)
	}
}

func TestTerminalTableLayout(t *testing.T) {
	md := `| | |
|---|---|
| Branch | ` + "`main`" + ` |
| Verdict | **fail** — two findings at or above important |

| metric | value | by |
|---|--:|:-:|
| files | 2 | ✓ |
| lines added / deleted | +17 / −1 | – |
`
	want := `Branch   ` + "`main`" + `
Verdict  fail — two findings at or
         above important

metric                    value  by
─────────────────────  ────────  ──
files                         2  ✓
lines added / deleted  +17 / −1  –
`
	// The second table is 35 cells wide: it just fits, while the key-value
	// table wraps its long value under itself.
	if got := renderTerminal([]byte(md), 35, false); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// tables returns each GFM table in md with the text of its cells.
func tables(md string) (blocks []string, cells [][]string) {
	var block []string
	var text []string
	flush := func() {
		if block != nil {
			blocks = append(blocks, strings.Join(block, "\n")+"\n")
			cells = append(cells, text)
		}
		block, text = nil, nil
	}
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			flush()
			continue
		}
		block = append(block, line)
		if strings.Trim(line, "|-: ") == "" {
			continue // the delimiter row
		}
		line = strings.ReplaceAll(strings.Trim(line, "|"), `\|`, "\x00")
		for _, cell := range strings.Split(line, "|") {
			cell = strings.NewReplacer("**", "", "`", "", "\x00", "|").Replace(cell)
			text = append(text, cell)
		}
	}
	flush()
	return blocks, cells
}

// runeCounts counts the runes of s that are not space or a table rule.
func runeCounts(s string) map[rune]int {
	n := map[rune]int{}
	for _, r := range s {
		if !unicode.IsSpace(r) && r != '─' {
			n[r]++
		}
	}
	return n
}

// TestTerminalTablesKeepEveryCell renders each of the report's tables alone
// at widths from roomy to too narrow for columns: however the cells wrap,
// are cut or are shown row by row, every character of every cell is there.
func TestTerminalTablesKeepEveryCell(t *testing.T) {
	blocks, cells := tables(string(fullMarkdown(t)))
	if len(blocks) < 8 {
		t.Fatalf("found %d tables in the report", len(blocks))
	}
	for i, block := range blocks {
		want := runeCounts(strings.Join(cells[i], " "))
		for _, width := range []int{20, 40, 60, 80, 100, 140} {
			out := renderTerminal([]byte(block), width, false)
			got := runeCounts(out)
			for r, n := range want {
				if got[r] < n {
					t.Errorf("table %d at width %d: %d of %d %q:\n%s", i+1, width, got[r], n, r, out)
					break
				}
			}
			for _, line := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(line); w > width {
					t.Errorf("table %d at width %d: line %d wide: %q", i+1, width, w, line)
				}
			}
		}
	}
}

// TestTerminalWraps: every line fits the terminal, code lines too, folded
// between tokens with a ↪ mark.
func TestTerminalWraps(t *testing.T) {
	md := fullMarkdown(t)
	for _, width := range []int{30, 40, 60, 80, 100, 120} {
		for _, color := range []bool{false, true} {
			folded := 0
			for _, line := range strings.Split(renderTerminal(md, width, color), "\n") {
				if ansi.StringWidth(line) > width {
					t.Errorf("width %d, color %v: line %d wide: %q", width, color, ansi.StringWidth(line), line)
				}
				if strings.HasPrefix(ansi.Strip(line), "↪") {
					folded++
				}
			}
			if width == 40 && folded == 0 {
				t.Errorf("no code line folded at 40; are code lines still in the output?")
			}
		}
	}
}

// TestCodeFoldKeepsTokens: a long code line folds at 80 columns between
// tokens, never inside an identifier, number or word, and loses nothing.
func TestCodeFoldKeepsTokens(t *testing.T) {
	line := `+    if err := validateConfigurationValues(ctx, userSuppliedConfiguration, defaultConfigurationValues, 1234567890); err != nil { return fmt.Errorf("validate: %w", err) }`
	md := "```diff\n" + line + "\n```\n"
	out := strings.TrimRight(renderTerminal([]byte(md), 80, false), "\n")
	lines := strings.Split(out, "\n")
	if len(lines) < 2 {
		t.Fatalf("not folded:\n%s", out)
	}
	var joined strings.Builder
	for i, l := range lines {
		if ansi.StringWidth(l) > 80 {
			t.Errorf("line %d is %d wide: %q", i+1, ansi.StringWidth(l), l)
		}
		prefix := "  "
		if i > 0 {
			prefix = "↪   "
		}
		if !strings.HasPrefix(l, prefix) {
			t.Fatalf("line %d %q does not start with %q", i+1, l, prefix)
		}
		joined.WriteString(strings.TrimPrefix(l, prefix))
	}
	if joined.String() != line {
		t.Errorf("folded line joined is\n%q\nwant\n%q", joined.String(), line)
	}
	word := regexp.MustCompile(`[A-Za-z0-9_]+`)
	tokens := map[string]bool{}
	for _, w := range word.FindAllString(line, -1) {
		tokens[w] = true
	}
	for i, l := range lines {
		for _, w := range word.FindAllString(strings.TrimPrefix(strings.TrimPrefix(l, "↪"), " "), -1) {
			if !tokens[w] {
				t.Errorf("line %d splits a token: %q in %q", i+1, w, l)
			}
		}
	}
}

func TestTerminalDecodesAndCleans(t *testing.T) {
	md := "a \\*literal\\* &amp; &lt;tag&gt; &#x1b;[31mred &#27;]0;title&#7; `\\*raw\\*` [link](https://example.com) <https://example.org>\n"
	got := renderTerminal([]byte(md), 200, false)
	// The decoded escape sequences go whole, as report.Sanitize takes them.
	want := "a *literal* & <tag> 31mred `\\*raw\\*` link (https://example.com) https://example.org\n"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

func FuzzTerminal(f *testing.F) {
	f.Add(string(fullMarkdown(f)), uint8(80))
	for _, seed := range []string{
		"# a\n\nb **c** `d`\n\n- e\n  - f\n\n1. g\n10. h\n",
		"| a | b |\n|--:|:-:|\n| 1 | 2 | 3 |\n| \\| | `x\\|y` |\n",
		"| |\n|-|\n",
		"> quote\n> > nested\n\n---\n\n<div>\nhtml\n</div>\n",
		"```diff\n+\tadded\n-removed\n@@ x @@\n```\n\n    indented\n",
		"*a **b** c* [l](u) ![i](j) <k@l.m> &#0; &#xFFFFFF; &bogus;",
		"line  \nbreak\\\nagain",
		"\x1b[2J\x9b31m \u202e ＷＩＤＥ 👩‍👩‍👧 e\u0301 \xff",
	} {
		f.Add(seed, uint8(20))
	}
	f.Fuzz(func(t *testing.T, md string, width uint8) {
		w := int(width)
		plain := renderTerminal([]byte(md), w, false)
		color := renderTerminal([]byte(md), w, true)
		if strings.Contains(plain, "\x1b") {
			t.Fatalf("escape sequence without color: %q", plain)
		}
		if !utf8.ValidString(color) || safetext.Sanitize(plain) != plain {
			t.Fatalf("unsafe text in the output: %q", plain)
		}
		if ansi.Strip(color) != plain {
			t.Fatalf("color changes the layout:\n%q\n%q", ansi.Strip(color), plain)
		}
	})
}

// TestTerminalLinkIsOneRun: a link is styled as one run, so a grapheme
// cluster in it is never split by escape sequences.
func TestTerminalLinkIsOneRun(t *testing.T) {
	out := renderTerminal([]byte("See [the docs 👩‍👩‍👧 é](https://example.com/x)\n"), 100, true)
	if !strings.Contains(out, "the docs 👩‍👩‍👧 é") {
		t.Errorf("link text split by styling: %q", out)
	}
}
