package review

// The form of a suggested fix (RawFinding.Fix): a unified diff, replacement
// code or words. The report shows a diff as it is, code as a diff against
// the finding's lines and words as a sentence; merging compares what a
// fix's code changes.

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FixIsDiff reports whether a fix is written as a unified diff: every
// non-empty line is a header ("@@", "--- ", "+++ "), a "+" or "-" line, a
// context line (a leading space) or git's "\ No newline at end of file",
// and at least one is "+" or "-" (a diff that only deletes is a diff too).
func FixIsDiff(s string) bool {
	plus, minus := false, false
	for _, l := range strings.Split(s, "\n") {
		switch {
		case strings.HasPrefix(l, "@@"), strings.HasPrefix(l, "--- "), strings.HasPrefix(l, "+++ "):
			return true
		case strings.HasPrefix(l, "+"):
			plus = true
		case strings.HasPrefix(l, "- "):
			// A list item (YAML, Markdown) as often as a removed line
			// indented by one space: it makes no diff of removals alone.
		case strings.HasPrefix(l, "-"):
			minus = true
		case l == "" || strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\\ "):
		default:
			return false
		}
	}
	return plus || minus
}

// codeChars are characters that sentences about a fix rarely hold outside
// backticks, and code almost always does.
const codeChars = "(){}[];=<>:+*&|!\"'#$\\"

// sentencePunctuation drops what sentences use and code rarely does in the
// same way: a colon before a space ("Note: check it"), an apostrophe
// inside a word ("don't", "caller's").
var sentencePunctuation = strings.NewReplacer(": ", " ", "n't", "nt", "'s ", "s ", "'re ", "re ", "'ll ", "ll ", "'ve ", "ve ", "'d ", "d ")

// leadingKeywords start a line of code that has no punctuation ("return
// err", "defer cancel"): such a fix is code, not words. They are matched
// as written: code spells them in lower case, and "Pass a list" is advice.
var leadingKeywords = map[string]bool{
	"return": true, "defer": true, "go": true, "break": true, "continue": true, "goto": true, "fallthrough": true,
	"var": true, "const": true, "let": true, "await": true, "yield": true, "raise": true, "throw": true,
	"pass": true, "del": true, "import": true, "from": true, "package": true, "type": true, "func": true, "def": true,
	"if": true, "else": true, "for": true, "while": true, "switch": true, "case": true, "select": true, "try": true,
	"assert": true, "with": true, "print": true, "echo": true, "sudo": true, "export": true, "unset": true, "cd": true,
	"rm": true, "mv": true, "cp": true, "mkdir": true, "git": true, "npm": true, "pip": true,
	"class": true, "except": true, "elif": true, "struct": true, "enum": true, "impl": true, "async": true,
	"match": true, "finally": true, "loop": true, "fn": true, "pub": true, "interface": true, "default": true,
	"nonlocal": true, "unsafe": true,
	// Dockerfile instructions.
	"FROM": true, "RUN": true, "COPY": true, "ADD": true, "WORKDIR": true, "USER": true, "ENV": true, "ARG": true,
	"EXPOSE": true, "CMD": true, "ENTRYPOINT": true, "LABEL": true, "VOLUME": true, "HEALTHCHECK": true, "SHELL": true,
	// SQL, as it is usually written.
	"SELECT": true, "INSERT": true, "UPDATE": true, "DELETE": true, "DROP": true, "CREATE": true, "ALTER": true,
	"GRANT": true, "REVOKE": true, "WITH": true, "SET": true, "BEGIN": true, "COMMIT": true, "ROLLBACK": true, "GO": true,
	"WHERE": true, "ORDER": true, "GROUP": true, "HAVING": true, "LIMIT": true, "JOIN": true, "LEFT": true, "INNER": true,
	"ON": true, "AND": true, "OR": true, "VALUES": true, "UNION": true, "RETURNING": true,
}

// FixIsProse reports whether a model's fix is words rather than code. Models
// are asked for code, but some answer in words; shown as a diff, the words
// would read as a line of code to add. A line is words when it is
//   - a sentence: a capital first, a full stop last, three or more words,
//     and none of the marks of code (braces, semicolons, assignments,
//     calls, quotes, flags), though it may hold a colon, an apostrophe or
//     a parenthesis; or
//   - a phrase: two or more words with no punctuation of code at all, not
//     starting with a keyword ("check err", but not "return err").
func FixIsProse(fix string) bool {
	lines, words, bullets := 0, 0, 0
	for _, l := range strings.Split(strings.TrimSpace(fix), "\n") {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		lines++
		item, bulleted := listItem(l)
		if bulleted {
			bullets++
			l = item
		}
		l = stripBackticks(l)
		if isSentence(l) || isPhrase(l) {
			words++
		}
	}
	// A list of advice ("- Pass a list of arguments\n- Drop shell=True")
	// is words even when an item quotes code, as long as half its items read
	// as words; a diff's "-" lines do not.
	return lines > 0 && (words == lines || bullets == lines && 2*words >= lines)
}

// FixMixesWords reports whether a fix that is not all words (FixIsProse)
// holds words beside its code: a Markdown fence line (a fix of several
// fenced blocks, which normalising leaves as written, or a fence left
// open), or, at the left margin, a sentence ("This avoids the panic.") or
// a lead-in ending in a colon ("Use a placeholder:", "Replace with:").
// Shown as a diff, or applied as an edit, the words would become code.
// Indented lines are left out: they are code, or a docstring's words.
func FixMixesWords(fix string) bool {
	if FixIsProse(fix) {
		return false
	}
	for _, l := range strings.Split(fix, "\n") {
		t := strings.TrimSpace(l)
		if isFenceLine(t) {
			return true
		}
		if t == "" || t != strings.TrimRightFunc(l, unicode.IsSpace) {
			continue // blank, or indented
		}
		if marginWords(stripBackticks(t), strings.Contains(fix, "/*")) {
			return true
		}
	}
	return false
}

// marginWords reports whether a line of a fix at the left margin is words:
// a sentence, advice ("Use errors.New() here."), a lead-in ("Fix:",
// "Fix (return an error):"), or a phrase ("Option A - return an error",
// "Then update every caller"). A comment is code's own words.
// A list item ("- Then call mu.Unlock()") is read by its words; "* " is
// a block comment's line only in a fix that opens one (blockComment).
func marginWords(t string, blockComment bool) bool {
	if item, ok := listItem(t); ok && !(blockComment && strings.HasPrefix(t, "*")) {
		t = item
	} else if isComment(t) {
		return false
	}
	if key, _, _ := strings.Cut(t, ":"); yamlKey.MatchString(t) && !leadWords[strings.ToLower(key)] {
		return false // key: value, not "Note: …"
	}
	return isSentence(t) || isAdvice(t) || isLeadIn(t) || marginPhrase(withoutAsides(t)) || wordy(t)
}

// yamlKey is a YAML (or config) line "key: value", a key of no spaces.
var yamlKey = regexp.MustCompile(`^[A-Za-z_][\w.-]*: \S`)

// wordy is a line of prose that holds a mark of code: a capital first,
// four or more words, and four in five of them plain words ("Use a
// context manager; never leave the file open", "Note that data = None if
// the file is missing.").
func wordy(t string) bool {
	fields := strings.Fields(t)
	first, _ := utf8.DecodeRuneInString(t)
	if len(fields) < 4 || !unicode.IsUpper(first) || leadingKeywords[fields[0]] {
		return false
	}
	plain := 0
	for _, f := range fields {
		if plainWord.MatchString(f) {
			plain++
		}
	}
	return 5*plain >= 4*len(fields)
}

// plainWord is a word of prose, with the punctuation that may follow it.
var plainWord = regexp.MustCompile(`^[A-Za-z][a-z]*('[a-z]+)?[,.;:!?]?$`)

// marginPhrase is a phrase that reads as prose: three or more words
// starting with a capital ("Then update every caller"), or four or more
// ("then update every caller"). Two words ("exit 1", "global counter") and
// three lower-case ones ("trap cleanup EXIT") are as often a line of code.
func marginPhrase(t string) bool {
	if !isPhrase(t) {
		return false
	}
	first, _ := utf8.DecodeRuneInString(t)
	n := len(strings.Fields(sentencePunctuation.Replace(t)))
	return n >= 4 || n >= 3 && unicode.IsUpper(first)
}

// commentPrefixes start a comment line in the languages quorum reads.
var commentPrefixes = []string{"//", "/*", "*", "#", "--", ";", "<!--"}

func isComment(t string) bool {
	for _, p := range commentPrefixes {
		if strings.HasPrefix(t, p) {
			return true
		}
	}
	return false
}

// isAdvice is a sentence that names code: a capital first, a full stop
// last, three or more words, and no braces, semicolons or assignments,
// though it may hold a call ("Use errors.New() here.").
func isAdvice(l string) bool {
	first, _ := utf8.DecodeRuneInString(l)
	return unicode.IsUpper(first) && strings.HasSuffix(l, ".") && len(strings.Fields(l)) >= 3 &&
		!strings.ContainsAny(l, "{};=") && !leadingKeywords[strings.Fields(l)[0]]
}

// withoutAsides drops parenthesised words set off by a space ("Fix
// (return an error)") from a line, so the words around them are read as
// they are; a call's parentheses ("make(map[string]int)") stay.
var asides = regexp.MustCompile(`\s+\([^()]*\)`)

func withoutAsides(l string) string { return asides.ReplaceAllString(l, "") }

// leadWords are the one-word lead-ins a fix opens with ("Fix:", "After:").
var leadWords = map[string]bool{
	"fix": true, "fixed": true, "before": true, "after": true, "instead": true, "example": true, "solution": true,
	"suggestion": true, "replacement": true, "change": true, "corrected": true, "alternatively": true, "then": true, "note": true,
}

// isFenceLine reports whether a line opens or closes a Markdown fence:
// three or more backticks or tildes, then at most an info word ("go").
func isFenceLine(l string) bool {
	if !strings.HasPrefix(l, "```") && !strings.HasPrefix(l, "~~~") {
		return false
	}
	info := strings.TrimSpace(strings.TrimLeft(l, l[:1]))
	return !strings.ContainsAny(info, " `~")
}

// isLeadIn reports whether a line is words ending in a colon, introducing
// code ("and check the error:"); a block's opening line of code ("class
// Foo:", "except ValueError:") starts with a keyword.
func isLeadIn(l string) bool {
	words, ok := strings.CutSuffix(l, ":")
	if !ok {
		return false
	}
	words = withoutAsides(words)
	return isPhrase(words) || leadWords[strings.ToLower(words)]
}

// listItem strips a list marker ("- ", "* ", "• ", "1. ", "2) ") from a
// line and reports whether it had one.
func listItem(l string) (string, bool) {
	for _, m := range []string{"- ", "* ", "• "} {
		if strings.HasPrefix(l, m) {
			return strings.TrimSpace(l[len(m):]), true
		}
	}
	i := 0
	for i < len(l) && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(l) && (l[i] == '.' || l[i] == ')') && l[i+1] == ' ' {
		return strings.TrimSpace(l[i+2:]), true
	}
	return l, false
}

// callOrIndex is an identifier directly followed by "(" or "[": code.
var callOrIndex = regexp.MustCompile(`[\w.]\(|\w\[`)

// flag is a command-line option: " -x" or " --xy".
var flag = regexp.MustCompile(`(^|\s)--?\w`)

func isSentence(l string) bool {
	first, _ := utf8.DecodeRuneInString(l)
	return unicode.IsUpper(first) && strings.HasSuffix(l, ".") && len(strings.Fields(l)) >= 3 &&
		!strings.ContainsAny(l, "{};=<>\"`$\\|&*#") && !callOrIndex.MatchString(l) && !flag.MatchString(l)
}

func isPhrase(l string) bool {
	text := sentencePunctuation.Replace(l)
	words := strings.Fields(text)
	return len(words) >= 2 && !leadingKeywords[words[0]] && !strings.ContainsAny(text, codeChars) && !flag.MatchString(text)
}

// stripBackticks drops `code spans` (a sentence may quote code) and keeps
// a placeholder word in their place.
func stripBackticks(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '`':
			if in {
				b.WriteString("code")
			}
			in = !in
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}
