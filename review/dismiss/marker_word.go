package dismiss

// How a quorum:ignore marker's first word is read: as a filter (the kinds
// and categories it names) or as the start of a reason. A gate must not
// take a filter for a reason: a reason hides every finding on the line
// that is neither critical nor about security (markerAt keeps those), so
// a filter misspelt past this reading hides findings it did not name,
// though never a critical or a security one.

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
var filterAliases = map[string]string{
	"nit": "style", "nitpick": "style", "lint": "style", "formatting": "style", "formatted": "style",
	"naming": "style", "cosmetic": "style", "whitespace": "style", "typo": "style", "readability": "style",
	"styling": "style", "stylistic": "style", "spelling": "style", "indentation": "style",
	"perf": "performance", "optimization": "performance", "optimisation": "performance",
	"documentation": "docs", "docstring": "docs", "comment": "docs",
	"testing":  "tests",
	"errcheck": "error-handling",
	"vuln":     "security", "vulnerability": "security",
	"race": "concurrency",
}

// negations are words that, beside a name, say the finding is not of it
// ("non-security", "not-a-security-issue", "sql-injection-free"): such a
// word is a filter of nothing. It neither says which finding to hide nor
// gives a reason to hide them all.
var negations = []string{"non", "not", "no", "free", "safe", "irrelevant", "unrelated"}

// filterNames reads a marker's first word (next, the word after it):
// isFilter when it names a kind or a category, and names those. The word
// is read as a person means it, whatever marks, spelling and look it has:
//   - its parts between marks ("style/naming", "(style).", "`style`"), and
//     runs of its hyphenated words ("style-only");
//   - plurals, underscores and the aliases above ("styles",
//     "error_handling", "nits");
//   - compatibility-folded (NFKD), invisible characters and combining
//     marks dropped, and letters that look Latin read as Latin ("ＳＴＹＬＥ", a soft hyphen inside, a
//     Cyrillic "ѕ" or "Т", a small capital "ꜱ").
//
// A name beside a negation ("non-security", "not security",
// "nonsecurity") makes the word a filter of nothing: it hides no finding.
func filterNames(word, next string) (names []string, isFilter bool) {
	folded := foldWord(word)
	if slices.Contains(negations, folded) {
		if _, ok := filterNames(next, ""); ok {
			return nil, true // "not security": a negated name
		}
	}
	parts := strings.FieldsFunc(folded, func(r rune) bool {
		return !(r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r))
	})
	negated := false // a negation anywhere in the word, beside a name
	for _, part := range parts {
		words := strings.Split(strings.ReplaceAll(part, "_", "-"), "-")
		if slices.ContainsFunc(words, func(w string) bool { return slices.Contains(negations, w) }) {
			negated = true
		}
		for i := range words {
			// A name has at most three words (division-by-zero): longer
			// runs are never read, so a line of a thousand hyphens costs
			// what a short word does.
			for j := i + 1; j <= min(len(words), i+3); j++ {
				n, ok := filterName(strings.Join(words[i:j], "-"))
				if !ok {
					continue
				}
				if !slices.Contains(names, n) {
					names = append(names, n)
				}
			}
		}
	}
	if len(names) == 0 {
		for _, prefix := range []string{"non", "un"} {
			if rest, ok := strings.CutPrefix(folded, prefix); ok {
				if _, ok := filterName(rest); ok {
					return nil, true // "nonsecurity"
				}
			}
		}
	}
	if negated && len(names) > 0 {
		return nil, true
	}
	return names, len(names) > 0
}

// filterName is the kind or category w names, if any: itself, its
// singular or plural, or an alias of either. Not words a name begins
// like: "commented" is no command-injection, nor "intentional" an
// integer-overflow.
func filterName(w string) (string, bool) {
	// "other" is no filter word: it is every category a model spells
	// some other way, and the first word of many reasons ("other callers
	// escape it").
	isName := func(n string) bool { return merge.IsKind(n) || n != "other" && slices.Contains(categories, n) }
	for _, n := range []string{w, filterAliases[w], w + "s", strings.TrimSuffix(w, "s"), filterAliases[strings.TrimSuffix(w, "s")]} {
		if n != "" && isName(n) {
			return n, true
		}
	}
	return "", false
}

// categories are the reviewer schema's categories, read once.
var categories = prompts.Categories()

// foldWord is w lower-cased as it reads: compatibility-decomposed (NFKD:
// full-width letters are letters), invisible characters and combining
// marks dropped (a soft
// hyphen, a zero width joiner, a Hangul filler, a grapheme joiner), and
// letters of other scripts that look like Latin ones read as those.
func foldWord(w string) string {
	var b strings.Builder
	// Decomposed, so a combining accent is a mark of its own to drop
	// ("búg" is "bug"); what is left is composed again below.
	for _, r := range norm.NFKD.String(w) {
		if r == '\u115f' || r == '\u1160' || r == '\u3164' || r == '\uffa0' || unicode.Is(unicode.Pd, r) {
			b.WriteByte('-') // a dash of any kind, or a Hangul filler, which shows as a space: it parts words
			continue
		}
		if unicode.In(r, unicode.Cf, unicode.Mn, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector) {
			continue
		}
		r = unicode.ToLower(r)
		if l, ok := lookalikes[r]; ok {
			r = l
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// lookalikes are letters of other scripts, lower case, drawn like Latin
// ones: Cyrillic, Greek, and Latin small capitals.
var lookalikes = map[rune]rune{
	'а': 'a', 'в': 'b', 'е': 'e', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c', 'т': 't',
	'у': 'y', 'х': 'x', 'ѕ': 's', 'і': 'i', 'ј': 'j', 'ԁ': 'd', 'һ': 'h', 'ӏ': 'l', 'ԛ': 'q', 'ԝ': 'w',
	'ɡ': 'g', 'ο': 'o', 'ν': 'v', 'κ': 'k', 'ι': 'i', 'τ': 't', 'υ': 'u', 'ρ': 'p', 'α': 'a',
	'ᴀ': 'a', 'ʙ': 'b', 'ᴄ': 'c', 'ᴅ': 'd', 'ᴇ': 'e', 'ꜰ': 'f', 'ɢ': 'g', 'ʜ': 'h', 'ɪ': 'i', 'ᴊ': 'j',
	'ᴋ': 'k', 'ʟ': 'l', 'ᴍ': 'm', 'ɴ': 'n', 'ᴏ': 'o', 'ᴘ': 'p', 'ʀ': 'r', 'ꜱ': 's', 'ᴛ': 't', 'ᴜ': 'u',
	'ᴠ': 'v', 'ᴡ': 'w', 'ʏ': 'y', 'ᴢ': 'z', 'ı': 'i', 'ɑ': 'a', 'ꮪ': 's', 'ꓢ': 's',
}
