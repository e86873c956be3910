package safetext_test

import (
	"encoding/json"
	"testing"

	"github.com/quorum-review/quorum/internal/safetext"
)

// encoding/json leaves C1 controls, DEL and bidi characters raw; EscapeJSON
// writes them as \uXXXX, and the JSON still decodes to the exact strings.
func TestEscapeJSON(t *testing.T) {
	in := map[string]string{"path": "src/\u202egnp\u009b.go", "branch": "feat\u2066\x7f", "plain": "caf\u00e9 \u2014 ok", "ctl": "a\x1b[2J"}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	got := string(safetext.EscapeJSON(b))
	want := `{"branch":"feat\u2066\u007f","ctl":"a\u001b[2J","path":"src/\u202egnp\u009b.go","plain":"café — ok"}`
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	var back map[string]string
	if err := json.Unmarshal([]byte(got), &back); err != nil || back["path"] != in["path"] || back["branch"] != in["branch"] {
		t.Fatalf("does not decode to the same strings: %v %q", err, back)
	}
	if s := string(safetext.EscapeJSON([]byte("{\"raw\":\"\x9b\"}"))); s != `{"raw":"\ufffd"}` {
		t.Errorf("invalid UTF-8: %s", s)
	}
	plain := []byte(`{"a":"b"}`)
	if out := safetext.EscapeJSON(plain); &out[0] != &plain[0] {
		t.Error("clean JSON is copied")
	}
}
