// This file names a finding across reviews (its fingerprints) and applies
// the dismissals that match one.

package report

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"strconv"
	"strings"

	"github.com/quorum-review/quorum/review/anchor"
)

// Fingerprint identifies a finding across runs: a hash of the enclosing
// section (function or class, from the diff) and the anchored code line,
// whitespace-normalised. It leaves out the line number (code added above
// moves it), the path (a rename), the wording, severity and category
// (rewording, another reviewer) and the commit (a rebase). It deliberately
// changes when the anchored code line or its function's definition line
// changes: a dismissal is about that code. A file-level finding (no line)
// hashes the file's base name and its category instead. The same code
// line in a function of the same name in another file has the same
// fingerprint; dismissals also compare kinds (Finding.Kinds), so a
// dismissal of one kind of issue never hides another kind there.
//
// v2 also hashes the definitions around the section (outer, outermost
// first: a method's class), so two classes' methods of one name are two
// places, and reads the code and definition lines with their layout left
// out (anchor.Flowed), so gofmt or prettier re-spacing a line keeps it.
func Fingerprint(file string, line int, outer []string, section, lineText, category string) string {
	code := anchor.Flowed(lineText)
	if code == "" && (section != "" || len(outer) > 0) {
		// A blank line in a definition (a finding that gave a line and no
		// quote) is placed by the definition, not the file: a dismissal of
		// one such finding in Admin must not hide one in Public.
		code = "\x00blank"
	}
	key := "code\x00" + anchor.Flowed(section) + "\x00" + code
	for _, o := range outer {
		key += "\x00in\x00" + anchor.Flowed(o)
	}
	return fingerprintHash("v2", file, line, code, category, key)
}

// fingerprintHash is a fingerprint of version v: of key, or for a
// file-level finding (no line, or no code) of the file's base name and the
// category.
func fingerprintHash(v, file string, line int, code, category, key string) string {
	if line == 0 || code == "" {
		key = "file\x00" + path.Base(file) + "\x00" + strings.ToLower(category)
	}
	h := sha256.Sum256([]byte("quorum.fingerprint/" + v + "\x00" + key))
	return hex.EncodeToString(h[:])[:16]
}

// IssueFingerprint is a finding's fingerprint in SARIF
// (partialFingerprints' quorumFingerprint/v3) and reviewdog (its rule
// code): its Fingerprint and its kinds (sorted, as Finding.Kinds is), and
// nth when it is the nth finding of a report alike in both. Fingerprint
// names a line's code, so two issues of one line (an overflow and a wrong
// factor) share it, and code scanning, which keys an alert by it, would
// show them as one; the ledger tells them apart by their kinds (a
// dismissal of the overflow there is none of the wrong factor), and so
// does this. Line drift, a rename and a rewording keep it wherever they
// keep the ledger's match (the fingerprint and the kinds). Findings alike
// in both, which a dismissal cannot tell apart either, get nth 2, 3 so
// each result of a report still has its own.
func IssueFingerprint(fingerprint string, kinds []string, nth int) string {
	key := fingerprint + "\x00" + strings.Join(kinds, ",")
	if nth > 1 {
		key += "\x00" + strconv.Itoa(nth)
	}
	h := sha256.Sum256([]byte("quorum.issue/v3\x00" + key))
	return hex.EncodeToString(h[:])[:16]
}

// LegacyFingerprint is the v1 fingerprint, what ledgers written before v2
// name: the section and the code line whitespace-normalised, no outer
// definitions.
func LegacyFingerprint(file string, line int, section, lineText, category string) string {
	code := anchor.NormalizeV1(lineText)
	return fingerprintHash("v1", file, line, code, category, "code\x00"+anchor.NormalizeV1(section)+"\x00"+code)
}

// maxCopyLines is how many of a finding's copies the report lists.
const maxCopyLines = 20

// dismissed moves the findings dismiss matches out of fs, keeping order;
// fs itself becomes the kept findings.
func dismissed(fs []Finding, decisions []judgedDismissal, dismiss func(Finding) (Dismissal, bool), whyNot func(Finding) string) (kept, out []Finding) {
	// kept reuses fs's array: each finding is read before its slot is written.
	kept, out = fs[:0], []Finding{}
	for i, f := range fs {
		if d := decisions[i]; d.decided {
			// A judge's group: dismissed only when every part of it is
			// (judged.go).
			if d.dismissal != nil {
				f.Dismissal = d.dismissal
				out = append(out, f)
			} else {
				f.NotDismissed = d.whyNot
				if f.NotDismissed == "" && whyNot != nil {
					f.NotDismissed = whyNot(f)
				}
				kept = append(kept, f)
			}
			continue
		}
		if dismiss != nil {
			if d, ok := dismiss(f); ok {
				f.Dismissal = &d
				out = append(out, f)
				continue
			}
		}
		if whyNot != nil {
			f.NotDismissed = whyNot(f)
		}
		kept = append(kept, f)
	}
	return kept, out
}
