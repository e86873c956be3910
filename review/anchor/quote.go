package anchor

// A quote is evidence: the finding is about code the reviewer says is in the
// diff, so the quote must be found there. These are the rules, in order; a
// quote line matches a diff line when, after Normalize (whitespace runs to
// one space, trimmed, a leading "+ " or "- " diff marker dropped; a line whose
// own code starts with one also matches with it kept):
//
//  1. the two are equal;
//  2. the quote is a substring of the line and at least MinSubstring bytes
//     long (models shorten long lines); for rules 1 and 2, a ";" that ends
//     a quote line may be left off (models end statements with one), but
//     not after a control statement's head (`if (x);`); a part that leaves
//     off what turns the code around (`!`, not, defer, go before it) is
//     only a near copy (partOf);
//  3. the quote has at least MinSimilarWords words, its Similarity to the
//     line is at least SimilarThreshold (a model misspelling one identifier
//     of a long line), and the quote keeps the line's meaning where it
//     covers the line (sameMeaning: the same numbers, operators, literal
//     values, blank identifiers and called functions in the same order, and
//     at most one word changed, to a word new to the line: `len(xs)` is not
//     `len(xs)-1`, `i < n` is not `i <= n`, `return nil` is not `return
//     err`, `rows, err :=` is not `rows, _ :=`, `min(a, b)` is not
//     `max(a, b)`, `f(b, a)` is not `f(a, b)`). Neither may be longer than
//     maxWords words or maxTokens tokens: a long line is matched whole or
//     in part, never compared up to a cap.
//
// A quote line that fails rules 1 and 2 as written is tried with its line
// comment and the diff line's left out (comment.go): the code matching is
// rule 2, and outranks a near copy.
//
// A multi-line quote must match consecutive non-blank lines, line by line,
// each by the rules above, of one of three readings of a hunk: the diff as
// shown, the new side (the file as it now reads: deleted lines skipped) or
// the old side (as it read: added lines skipped); the best match wins.
// Unchanged lines that were adjacent only on the old side (code inserted
// between them) anchor to those unchanged lines up to the insertion. The
// lines must be of one hunk: two hunks are not adjacent in the file, and the
// lines between them were never shown to the reviewer. A quote line that is
// only an ellipsis ("...", "…", "// ...") stands for up to maxEllipsisGap
// skipped lines of the same hunk. A quote that matches nowhere as written is
// tried again without the prompt's line-number prefixes ("12+code"), then
// with one leading + or - dropped from each line whatever follows ("-}", as
// the prompt shows a deleted line). A one-line quote too short for rule 2
// places a finding only as a part of the line it names, and weighs as that
// line (shortPart); elsewhere it is "quote too short to place". Anything
// else is "quote not in the diff", whatever the finding's line says.
const (
	MinSubstring     = 8
	MinSimilarWords  = 4
	SimilarThreshold = 0.8
	maxEllipsisGap   = 40
	// maxWords bounds the words compared per line, so a minified line costs
	// a bounded amount of work; a line with more is read to maxWords+1,
	// which tells it is longer, and is never a near copy.
	maxWords = 64
	// maxQuoteLines is how many lines of a quote are matched (find).
	maxQuoteLines = 40
)
