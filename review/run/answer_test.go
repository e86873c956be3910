package run

import (
	"strings"
	"testing"
)

const okAnswer = `{"summary":"fine","findings":[{"file":"x.go","line":12,"quote":"if b > 10 {","severity":"important","category":"bug","title":"Check bound","explanation":"off by one"}]}`

func TestParseAnswer(t *testing.T) {
	for name, in := range map[string]string{
		"plain":        okAnswer,
		"fenced":       "Here you go:\n```json\n" + okAnswer + "\n```\nthanks",
		"prose":        "Sure. " + okAnswer + " Done.",
		"extra fields": strings.Replace(okAnswer, `"summary"`, `"mood":"happy","summary"`, 1),
	} {
		t.Run(name, func(t *testing.T) {
			a, err := ParseAnswer(in)
			if err != nil {
				t.Fatal(err)
			}
			if a.Summary != "fine" || len(a.Findings) != 1 || a.Findings[0].Line != 12 || a.Findings[0].EndLine != 0 || a.Findings[0].Fix != "" {
				t.Fatalf("%+v", a)
			}
			if a.Strengths == nil || a.Untested == nil || len(a.Strengths) != 0 {
				t.Fatalf("missing optional lists should be empty, got %+v", a)
			}
		})
	}
}

func TestParseAnswerErrors(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"empty":        {"  ", "the answer was empty"},
		"no json":      {"I cannot review this.", "holds no JSON object"},
		"truncated":    {`{"summary":"fine","findings":[{"file":"x.go"`, "no JSON object"},
		"broken":       {`{"summary": "a" "findings": []}`, "not valid JSON"},
		"no summary":   {`{"findings":[]}`, "does not follow the schema"},
		"no findings":  {`{"summary":"fine"}`, "does not follow the schema"},
		"not a list":   {`{"summary":"fine","findings":{}}`, "at /findings"},
		"wrong type":   {strings.Replace(okAnswer, `"line":12`, `"line":"12"`, 1), "at /findings/0/line"},
		"no file":      {strings.Replace(okAnswer, `"file":"x.go",`, ``, 1), "at /findings/0"},
		"summary type": {`{"summary":3,"findings":[]}`, "at /summary"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseAnswer(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("multi-line error: %q", err)
			}
		})
	}
}

// TestParseAnswerFenceInsideStrings: a "fix" or explanation holding a ```
// fence (models write code blocks there) is part of the JSON, not the
// fence around it: the answer is read whole, plain, fenced or in prose
// (the fence search cut it at the inner fence: "holds no JSON object").
func TestParseAnswerFenceInsideStrings(t *testing.T) {
	withFence := strings.Replace(okAnswer, `"explanation":"off by one"`,
		`"explanation":"off by one; see `+"```"+`","fix":"`+"```go\\nif b >= 10 {\\n```"+`"`, 1)
	for name, in := range map[string]string{
		"plain":  withFence,
		"fenced": "```json\n" + withFence + "\n```",
		"prose":  "Sure. " + withFence + " Done.",
	} {
		t.Run(name, func(t *testing.T) {
			a, err := ParseAnswer(in)
			if err != nil {
				t.Fatal(err)
			}
			// The fence around the fix is dropped (normalize): the code is what is kept.
			if len(a.Findings) != 1 || a.Findings[0].Fix != "if b >= 10 {" {
				t.Fatalf("%+v", a)
			}
		})
	}
}

// TestUnknownKindIsDropped: a kind the schema does not list, or none at all
// (the schema requires one), becomes no kind (""), not a schema failure and
// not the declared "other" (which merge reads as evidence); a known one is
// kept.
func TestUnknownKindIsDropped(t *testing.T) {
	a, err := ParseAnswer(`{"summary":"s","findings":[
	  {"file":"a.go","line":1,"quote":"x := 1","severity":"important","category":"bug","kind":"made-up","title":"t","explanation":"e"},
	  {"file":"a.go","line":2,"quote":"y := 2","severity":"important","category":"bug","kind":"sql-injection","title":"t","explanation":"e"},
	  {"file":"a.go","line":3,"quote":"z := 3","severity":"important","category":"bug","kind":7,"title":"t","explanation":"e"},
	  {"file":"a.go","line":4,"quote":"w := 4","severity":"important","category":"bug","title":"t","explanation":"e"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	if got := []string{a.Findings[0].Kind, a.Findings[1].Kind, a.Findings[2].Kind, a.Findings[3].Kind}; got[0] != "" || got[1] != "sql-injection" || got[2] != "" || got[3] != "" {
		t.Fatalf("kinds = %q, want the unknown ones empty", got)
	}
}

// TestSchemaErrorIsAFunctionOfTheAnswer: an answer with several schema
// errors is described by the same one every time (the first place in the
// answer): the repair request and the saved error were one of two, by map
// order.
func TestSchemaErrorIsAFunctionOfTheAnswer(t *testing.T) {
	const answer = `{"summary":"8","findings":[{}],"untested":[{}]}`
	_, _, first := parseAnswer(answer)
	if first == nil {
		t.Fatal("no error")
	}
	for range 50 {
		if _, _, err := parseAnswer(answer); err == nil || err.Error() != first.Error() {
			t.Fatalf("error %v, then %v", first, err)
		}
	}
	if !strings.Contains(first.Error(), "at /findings/0:") {
		t.Errorf("error %v, want the findings' first", first)
	}
}

// TestKeysInAnotherCaseAreNotRead: a finding's "Line" or "Severity" beside
// its "line" and "severity" is an extra key the schema lets by, so it is
// never read into the field (Go's decoder matched it, unchecked: a line of
// 5,000,000,000, a severity "bogus"); a key repeated is read as the
// schema checked it (the last), whatever the order.
func TestKeysInAnotherCaseAreNotRead(t *testing.T) {
	a, _, err := parseAnswer(`{"summary":"s","findings":[{"file":"a.go","line":3,"Line":5000000000,"quote":"q","severity":"important","Severity":"bogus","category":"bug","kind":"","title":"t","explanation":"e"}]}`)
	if err != nil || len(a.Findings) != 1 || a.Findings[0].Line != 3 || a.Findings[0].Severity != "important" {
		t.Fatalf("%+v %v", a, err)
	}
	for _, lines := range []string{`"line":2.5,"line":3`, `"line":3,"line":3`} {
		a, _, err := parseAnswer(`{"summary":"s","findings":[{"file":"a.go",` + lines + `,"quote":"q","severity":"important","category":"bug","kind":"","title":"t","explanation":"e"}]}`)
		if err != nil || a.Findings[0].Line != 3 {
			t.Errorf("%s: %+v %v", lines, a, err)
		}
	}
}
