package render

import (
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// gfm parses Markdown as GitHub does (tables, strikethrough, task lists,
// footnotes), which is where --format markdown is read; bare URLs, which
// GitHub links whatever quorum writes, are left out.
var gfm = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.TaskList, extension.Footnote))

// structure lists the kinds of the nodes under n other than the ones model
// text may make (paragraphs, text, code spans).
func structure(src []byte) []string {
	doc := gfm.Parser().Parse(text.NewReader(src))
	var out []string
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.Document, *ast.Paragraph, *ast.Text, *ast.String, *ast.CodeSpan:
		default:
			out = append(out, n.Kind().String())
		}
		return ast.WalkContinue, nil
	})
	return out
}

// plainText is what the terminal view shows for Markdown, without color and
// wide enough not to wrap.
func plainText(md string) string {
	return strings.TrimRight(renderTerminal([]byte(md), 1000, false), "\n")
}

// TestEscapeKeepsText: text a reviewer would write stays as it is, code
// spans stay code, and what is escaped reads the same once rendered.
func TestEscapeKeepsText(t *testing.T) {
	for _, c := range []struct {
		in, md, shown string
	}{
		{"Close the file.", "Close the file.", "Close the file."},
		{"`os.Open` leaks the handle", "`os.Open` leaks the handle", "`os.Open` leaks the handle"},
		{"use ``a ` b`` here", "use ``a ` b`` here", "use ``a ` b`` here"},
		{"`tick` in a title", "`tick` in a title", "`tick` in a title"},
		{"snake_case and my_var_name stay", "snake_case and my_var_name stay", "snake_case and my_var_name stay"},
		{"a * b and x - y", "a * b and x - y", "a * b and x - y"},
		{"arr[i] and m[k] are fine", "arr[i] and m[k] are fine", "arr[i] and m[k] are fine"},
		{"if a && b -> c >= d", "if a && b -> c >= d", "if a && b -> c >= d"},
		{"C:\\path\\file", "C:\\path\\file", "C:\\path\\file"},
		{"café — naïve 日本", "café — naïve 日本", "café — naïve 日本"},
		{"2024.01 was the release", "2024.01 was the release", "2024.01 was the release"},
		{"  spaced   out\ttext  ", "spaced out text", "spaced out text"},
		{"`a` then ``b", "`a` then \\`\\`b", "`a` then ``b"},
		// Escaped, and shown as written.
		{"x < y", "x &lt; y", "x < y"},
		{"a || b", `a \|\| b`, "a || b"},
		{"__init__.py", `\_\_init\_\_.py`, "__init__.py"},
		{"*ptr = 0", `\*ptr = 0`, "*ptr = 0"},
		{"~/.config", `\~/.config`, "~/.config"},
		{"&amp; and &#60;", "&amp;amp; and &amp;#60;", "&amp; and &#60;"},
		{"a trailing \\", `a trailing \\`, `a trailing \`},
		{"\\*not emphasis\\*", `\\\*not emphasis\\\*`, `\*not emphasis\*`},
	} {
		md := mdText(c.in)
		if md != c.md {
			t.Errorf("mdText(%q) = %q, want %q", c.in, md, c.md)
		}
		if s := structure([]byte(md)); len(s) > 0 {
			t.Errorf("mdText(%q) = %q makes %v", c.in, md, s)
		}
		if got := plainText(md); got != c.shown {
			t.Errorf("mdText(%q) is shown as %q, want %q", c.in, got, c.shown)
		}
	}
}

// TestEscapeNeutralises: every mark of Markdown structure model text could
// use is escaped, on one line and in blocks, and shown as the characters it is.
func TestEscapeNeutralises(t *testing.T) {
	for _, c := range []struct {
		in, md string
		// shown is what the terminal view shows, when it is not the text
		// as written: a bare URL is made code, and shown as code.
		shown string
	}{
		{"# Heading", `\# Heading`, ""},
		{"## Suggestions (0)", `\## Suggestions (0)`, ""},
		{"##[error]forged", `\##\[error]forged`, ""},
		{"see ##[warning]title", `see ##\[warning]title`, ""},
		{"> quoted", `\> quoted`, ""},
		{"> [!WARNING]", `\> [!WARNING]`, ""},
		{"- item", `\- item`, ""},
		{"+ item", `\+ item`, ""},
		{"* item", `\* item`, ""},
		{"1. first", `1\. first`, ""},
		{"12) twelfth", `12\) twelfth`, ""},
		{"- [ ] task", `\- [ ] task`, ""},
		{"---", `\---`, ""},
		{"***", `\*\*\*`, ""},
		{"___", `\_\_\_`, ""},
		{"===", `\===`, ""},
		{"| a | b |", `\| a \| b \|`, ""},
		{":--|--:", `\:--\|--:`, ""},
		{"```", "\\`\\`\\`", ""},
		{"```go", "\\`\\`\\`go", ""},
		{"~~~", `\~\~\~`, ""},
		{"<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>", ""},
		{"<!-- hidden -->", "&lt;!-- hidden -->", ""},
		{"<https://evil.example>", "&lt;`https://evil.example`>", "<`https://evil.example`>"},
		{"[click](https://evil.example)", "\\[click\\](`https://evil.example`)", "[click](`https://evil.example`)"},
		{"see [click](https://evil.example)", "see [click\\](`https://evil.example`)", "see [click](`https://evil.example`)"},
		{"![img](https://evil.example/x.png)", "![img\\](`https://evil.example/x.png`)", "![img](`https://evil.example/x.png`)"},
		{"see [ref][r]", `see [ref\][r]`, ""},
		{"[r]: https://evil.example", "\\[r]: `https://evil.example`", "[r]: `https://evil.example`"},
		{"[^1]: a footnote", `\[^1]: a footnote`, ""},
		{"**Critical** · bug", `\*\*Critical\*\* · bug`, ""},
		{"_em_ and ~~struck~~", `\_em\_ and \~\~struck\~\~`, ""},
		{"&lt;b&gt;", "&amp;lt;b&amp;gt;", ""},
		{"unclosed `code", "unclosed \\`code", ""},
		{"then ``b", "then \\`\\`b", ""},
	} {
		md := mdText(c.in)
		if md != c.md {
			t.Errorf("mdText(%q) = %q, want %q", c.in, md, c.md)
		}
		// Alone, after a paragraph line, inside a list item and in a table cell.
		for _, doc := range []string{md, "Text before.\n" + md, "- " + md, "| h |\n|---|\n| " + mdCell(c.in) + " |"} {
			s := structure([]byte(doc + "\n"))
			if strings.HasPrefix(doc, "- ") {
				s = without(s, "List", "ListItem", "TextBlock")
			}
			if strings.HasPrefix(doc, "| h |") {
				s = without(s, "Table", "TableHeader", "TableRow", "TableCell")
			}
			if len(s) > 0 {
				t.Errorf("%q in %q makes %v", c.in, doc, s)
			}
		}
		want := inline(c.in)
		if c.shown != "" {
			want = c.shown
		}
		if got := plainText(md); got != want {
			t.Errorf("mdText(%q) is shown as %q, want %q", c.in, got, want)
		}
	}
}

func without(kinds []string, drop ...string) []string {
	var out []string
	for _, k := range kinds {
		keep := true
		for _, d := range drop {
			keep = keep && k != d
		}
		if keep {
			out = append(out, k)
		}
	}
	return out
}

// TestMDCellPipes: a pipe in a code span would split a table cell; in a
// cell it is escaped, and the cell still shows the code.
func TestMDCellPipes(t *testing.T) {
	md := mdCell("use `a|b` or c|d")
	if want := "use `a\\|b` or c\\|d"; md != want {
		t.Fatalf("mdCell = %q, want %q", md, want)
	}
	doc := "| title | reason |\n|---|---|\n| " + md + " | x |\n"
	got := plainText(doc)
	if !strings.Contains(got, "use `a|b` or c|d") || strings.Count(got, "x") != 1 {
		t.Errorf("the cell is not one cell showing the text:\n%s", got)
	}
}

// TestMDBlock: paragraphs and line breaks are kept, every line escaped,
// indentation dropped (it would make a code block).
func TestMDBlock(t *testing.T) {
	for _, c := range []struct{ in, md string }{
		{"One line.", "One line."},
		{"First.\n\nSecond.", "First.\n\nSecond."},
		{"\n\nFirst.\n\n\n\nSecond.\n\n", "First.\n\nSecond."},
		{"Steps:\n- close it\n- check err", "Steps:\\\n\\- close it\\\n\\- check err"},
		{"Code:\n\n    rm -rf /", "Code:\n\nrm -rf /"},
		{"Title\n===", "Title\\\n\\==="},
		{"Title\n---", "Title\\\n\\---"},
		{"a\r\nb\rc", "a\\\nb\\\nc"},
		{"ends in \\\nnext", "ends in \\\\\\\nnext"},
	} {
		md := mdBlock(c.in)
		if md != c.md {
			t.Errorf("mdBlock(%q) = %q, want %q", c.in, md, c.md)
		}
		if s := without(structure([]byte(md+"\n")), "HardLineBreak"); len(s) > 0 {
			t.Errorf("mdBlock(%q) makes %v", c.in, s)
		}
	}
	got := plainText(mdBlock("Steps:\n- close `f`\n- check err\n\nDone."))
	if want := "Steps:\n- close `f`\n- check err\n\nDone."; got != want {
		t.Errorf("shown as\n%s\nwant\n%s", got, want)
	}
}

// reproduction is the explanation that made fake sections of the report.
const reproduction = "Looks fine.\n\n## Suggestions (0)\n\nNone.\n\n## Fake section\n\n| reviewer | status |\n|---|---|\n| all | ok |\n\n```\nclose"

// TestMDBlockReproduction: the tester's explanation is paragraphs only, and
// shown line for line.
func TestMDBlockReproduction(t *testing.T) {
	md := mdBlock(reproduction)
	if s := without(structure([]byte(md+"\n")), "HardLineBreak"); len(s) > 0 {
		t.Fatalf("makes %v:\n%s", s, md)
	}
	want := "Looks fine.\n\n## Suggestions (0)\n\nNone.\n\n## Fake section\n\n| reviewer | status |\n|---|---|\n| all | ok |\n\n```\nclose"
	if got := plainText(md); got != want {
		t.Errorf("shown as\n%s\nwant\n%s", got, want)
	}
}

// TestFenceFor: a fence is longer than every backtick run in its body, so no
// line of the body closes it.
func TestFenceFor(t *testing.T) {
	for _, c := range []struct{ body, fence string }{
		{"+x := 1\n", "```"},
		{"+`x`\n", "```"},
		{"+```\n", "````"},
		{"```\n+a\n`````\n", "``````"},
		{"+s := \"``\" + \"```\"\n", "````"},
	} {
		fence := fenceFor(c.body)
		if fence != c.fence {
			t.Errorf("fenceFor(%q) = %q, want %q", c.body, fence, c.fence)
		}
		doc := fence + "diff\n" + c.body + fence + "\nafter\n"
		n := gfm.Parser().Parse(text.NewReader([]byte(doc)))
		block, ok := n.FirstChild().(*ast.FencedCodeBlock)
		if !ok || block.Lines().Len() != strings.Count(c.body, "\n") || n.FirstChild().NextSibling() == nil {
			t.Errorf("body %q is not one code block followed by the text after it", c.body)
		}
	}
}

// FuzzEscape: whatever a model writes, mdText and mdCell make one paragraph
// of text and code spans, and mdBlock paragraphs of it, in GFM and in the
// terminal renderer alike.
func FuzzEscape(f *testing.F) {
	for _, s := range []string{reproduction, "<script>x</script>", "`a` ``b", "# h\n> q\n- l\n1. n\n| a |\n|---|", "[a](b) ![c](d) <e@f.g>", "&amp; &#x41;", "***\n___\n~~~", "\\", "a\\\n\\b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if s := structure([]byte(mdText(s) + "\n")); len(s) > 0 {
			t.Errorf("mdText makes %v", s)
		}
		if s := without(structure([]byte("| h |\n|---|\n| "+mdCell(s)+" |\n")), "Table", "TableHeader", "TableRow", "TableCell"); len(s) > 0 {
			t.Errorf("mdCell makes %v", s)
		}
		if s := without(structure([]byte(mdBlock(s)+"\n")), "HardLineBreak"); len(s) > 0 {
			t.Errorf("mdBlock makes %v", s)
		}
	})
}

// Bare URLs, mentions and issue references in model text become code, so
// a PR description shows them and GitHub neither links nor pings; the
// same characters inside words stay as they are.
func TestEscapeAutolinks(t *testing.T) {
	for in, want := range map[string]string{
		"see https://evil.example/login now.":                       "see `https://evil.example/login` now.",
		"visit www.evil.example":                                    "visit `www.evil.example`",
		"cc @octocat and #1":                                        "cc `@octocat` and `#1`",
		"mail a@b.com about C#1 and x#2":                            "mail `a@b.com` about C#1 and x#2",
		"user.name+tag@mail.example.org.":                           "`user.name+tag@mail.example.org`.",
		"HTTPS://EVIL.EXAMPLE/ and Www.x.io":                        "`HTTPS://EVIL.EXAMPLE/` and `Www.x.io`",
		"ftp://evil.example/f and s3://b/k":                         "`ftp://evil.example/f` and `s3://b/k`",
		"mailto:x@y.z or XMPP:foo@bar.baz":                          "`mailto:x@y.z` or `XMPP:foo@bar.baz`",
		"key: value, a:b, 12:30, user@host":                         "key: value, a:b, 12:30, user@host",
		"map[string]int and a.b@c":                                  "map[string]int and a.b@c",
		"1https://a.example/x and _http://b.example":                "1`https://a.example/x` and \\_`http://b.example`",
		"x/https://c.example/ and a/bob@d.example":                  "x/`https://c.example/` and a/`bob@d.example`",
		"x&bob@e.example, GH-12, gh-3 and org/repo#45":              "x&`bob@e.example`, `GH-12`, `gh-3` and `org/repo#45`",
		"GH-1a, org/repo#x and a.b#1 stay":                          "GH-1a, org/repo#x and a.b#1 stay",
		"fixed in a5c3785e, evil/repo@0a1b2c3d4 and user@deadbee1.": "fixed in a5c3785e, `evil/repo@0a1b2c3d4` and `user@deadbee1`.",
		"words: deadbeef 1234567 and user@cafe12":                   "words: deadbeef 1234567 and user@cafe12",
		"mail aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@evil.example": "mail `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@evil.example`",
		"(https://x.example/a)":   "(`https://x.example/a`)",
		"`https://in.code` stays": "`https://in.code` stays",
	} {
		if got := mdText(in); got != want {
			t.Errorf("mdText(%q) = %q, want %q", in, got, want)
		}
	}
}
