package merge

import (
	"slices"
	"strings"
)

// This file is the dataflow link between two findings' anchored lines: one
// line assigns a name that the other line reads ("path = os.path.join(dir,
// name)" and "open(path)"). Two findings of one kind on such lines are the
// cause and the use of one value, so naming different identifiers there
// ("`os.path.join` does not stop `..`" against "user input flows into
// open()") does not make them two issues.

// definedNames are the names a line of code assigns, lower case, sorted:
// the left of its first assignment (`=`, `:=`, `+=`…, not a comparison or
// an arrow) and the names a `with … as x` or `for x in`/`for x := range`
// binds.
func definedNames(line string) []string {
	var lhs string
	for i := 0; i < len(line); i++ {
		if line[i] != '=' {
			continue
		}
		prev, next := byte(0), byte(0)
		if i > 0 {
			prev = line[i-1]
		}
		if i+1 < len(line) {
			next = line[i+1]
		}
		if next == '=' || next == '>' || prev == '=' || prev == '!' || prev == '<' || prev == '>' {
			i++ // ==, =>, !=, <=, >=: not an assignment
			continue
		}
		lhs = line[:i]
		break
	}
	low := strings.ToLower(line)
	if j := strings.Index(low, " as "); j >= 0 && strings.Contains(low, "with ") {
		lhs += " " + line[j+4:]
	}
	if strings.HasPrefix(strings.TrimSpace(low), "for ") {
		t := strings.TrimSpace(line)[4:]
		if j := strings.Index(t, " in "); j >= 0 {
			lhs += " " + t[:j]
		}
	}
	var out []string
	for _, n := range codeNames(lhs) {
		// `const`, `let`, `var`, `self` and the like are keywords, not names.
		if n != "let" && n != "const" && n != "var" && n != "self" && n != "this" {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// dataflow reports whether one finding's anchored line assigns a name the
// other's line uses.
func dataflow(a, b *node) bool {
	if ablate.dataflow || a.f.LineText == "" || b.f.LineText == "" || a.f.Line == b.f.Line {
		return false
	}
	return flowsTo(a, b) || flowsTo(b, a)
}

func flowsTo(from, to *node) bool {
	uses := codeNames(to.f.LineText)
	for _, n := range definedNames(from.f.LineText) {
		if has(uses, n) {
			return true
		}
	}
	return false
}
