package dismiss

// How a quorum:ignore marker's first word is read: as a filter (the kinds
// and categories it names) or as the start of a reason. A gate must not
// take a filter for a reason: that would hide every finding on the line,
// a critical security one among them.

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/quorum-review/quorum/prompts"
	"github.com/quorum-review/quorum/review/merge"
)

// filterAliases are words people write for a category that are not its
// name: a marker saying "nit" or "perf" is a filter of that category.
// Words a reason often starts with ("err is never nil here", "slow path")
// are left out: read as a filter, such a reason would hide nothing.
var filterAliases = map[string]string{
	"nit": "style", "nitpick": "style", "lint": "style", "formatting": "style",
	"naming": "style", "cosmetic": "style", "whitespace": "style", "typo": "style",
	"perf":          "performance",
	"documentation": "docs",
	"errcheck":      "error-handling",
	"vuln":          "security",
}

// negations are words that, before a name, say the finding is not of it:
// "non-security" or "no-sql-injection-here" is no filter of security or
// sql-injection, and no reason to hide every finding either.
var negations = []string{"non", "not", "no"}

// filterNames reads a marker's first word: isFilter when it names a kind
// or a category, and names those. The word is read as a person means it,
// whatever marks, spelling and look it has:
//   - its parts between marks ("style/naming", "(style).", "`style`"), and
//     runs of its hyphenated words ("style-only");
//   - plurals, underscores and the aliases above ("styles",
//     "error_handling", "nit");
//   - NFKC-folded, invisible characters dropped and letters that look
//     Latin read as Latin ("ＳＴＹＬＥ", a soft hyphen inside, a Cyrillic
//     "ѕ"), so a word that reads as a filter is one.
//
// A name after a negation ("non-security") makes the word a filter of
// nothing: it hides no finding, where read as a reason it hid them all.
func filterNames(word string) (names []string, isFilter bool) {
	parts := strings.FieldsFunc(foldWord(word), func(r rune) bool {
		return !(r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r))
	})
	negated := false
	for _, part := range parts {
		words := strings.Split(strings.ReplaceAll(part, "_", "-"), "-")
		for i := range words {
			for j := i + 1; j <= len(words); j++ {
				n, ok := filterName(strings.Join(words[i:j], "-"))
				if !ok {
					continue
				}
				isFilter = true
				if i > 0 && slices.Contains(negations, words[i-1]) {
					negated = true
				}
				if !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		}
	}
	if negated {
		return nil, true
	}
	return names, isFilter
}

// filterName is the kind or category w names, if any.
func filterName(w string) (string, bool) {
	isName := func(n string) bool { return merge.IsKind(n) || slices.Contains(prompts.Categories(), n) }
	for _, n := range []string{w, filterAliases[w], w + "s", strings.TrimSuffix(w, "s")} {
		if n != "" && isName(n) {
			return n, true
		}
	}
	return "", false
}

// foldWord is w lower-cased as it reads: NFKC-folded (full-width letters
// are letters), invisible format characters dropped (a soft hyphen, a zero
// width joiner), and letters of other scripts that look like Latin ones
// read as those.
func foldWord(w string) string {
	var b strings.Builder
	for _, r := range norm.NFKC.String(w) {
		if unicode.Is(unicode.Cf, r) {
			continue
		}
		if l, ok := lookalikes[unicode.ToLower(r)]; ok {
			r = l
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// lookalikes are Cyrillic and Greek lower-case letters drawn like Latin
// ones.
var lookalikes = map[rune]rune{
	'а': 'a', 'е': 'e', 'о': 'o', 'р': 'p', 'с': 'c', 'у': 'y', 'х': 'x', 'ѕ': 's', 'і': 'i', 'ј': 'j',
	'ԁ': 'd', 'һ': 'h', 'ӏ': 'l', 'ԛ': 'q', 'ԝ': 'w', 'ɡ': 'g', 'ο': 'o', 'ν': 'v', 'κ': 'k', 'ι': 'i',
	'τ': 't', 'υ': 'u', 'ρ': 'p', 'α': 'a',
}
