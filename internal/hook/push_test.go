package hook

import (
	"strings"
	"testing"
)

const (
	a40 = "1111111111111111111111111111111111111111"
	b40 = "2222222222222222222222222222222222222222"
	z40 = "0000000000000000000000000000000000000000"
	a64 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	z64 = "0000000000000000000000000000000000000000000000000000000000000000"
)

func TestParsePushLines(t *testing.T) {
	in := "refs/heads/main " + a40 + " refs/heads/main " + b40 + "\n" +
		"\n" +
		"(delete) " + z40 + " refs/heads/old " + a40 + "\r\n" +
		"refs/heads/new " + a64 + " refs/heads/new " + z64
	got, err := ParsePushLines(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d updates: %+v", len(got), got)
	}
	if got[0].IsDelete() || got[0].IsNew() || got[0].IsTag() {
		t.Errorf("update 0 = %+v", got[0])
	}
	if !got[1].IsDelete() || got[1].RemoteRef != "refs/heads/old" {
		t.Errorf("update 1 = %+v", got[1])
	}
	if !got[2].IsNew() || got[2].IsDelete() {
		t.Errorf("update 2 = %+v", got[2])
	}
	tag := Update{LocalRef: "refs/tags/v1", RemoteRef: "refs/tags/v1"}
	if !tag.IsTag() {
		t.Error("tag not detected")
	}
}

func TestParsePushLinesErrors(t *testing.T) {
	for _, in := range []string{
		"refs/heads/main " + a40 + " refs/heads/main",
		"refs/heads/main " + a40 + " refs/heads/main " + b40 + " extra",
		"refs/heads/main " + a40 + "  refs/heads/main " + b40,
		"refs/heads/main XYZ refs/heads/main " + b40,
		"refs/heads/main " + strings.ToUpper("abcdef1111111111111111111111111111111111") + " refs/heads/main " + b40,
		"refs/heads/main " + a40 + " refs/heads/main " + z64,
		"--upload-pack=x " + a40 + " refs/heads/main " + b40,
		"refs/heads/m\x01 " + a40 + " refs/heads/main " + b40,
		strings.Repeat("x", maxLine+10),
	} {
		if _, err := ParsePushLines(strings.NewReader(in)); err == nil {
			t.Errorf("no error for %.60q", in)
		} else if !strings.HasPrefix(err.Error(), "pre-push input line 1: ") {
			t.Errorf("error %q lacks line number", err)
		}
	}
}

func FuzzParsePushLines(f *testing.F) {
	f.Add("refs/heads/main " + a40 + " refs/heads/main " + b40 + "\n")
	f.Add("(delete) " + z40 + " refs/heads/x " + a40 + "\n")
	f.Add("refs/tags/v1 " + a64 + " refs/tags/v1 " + z64 + "\r\n\n")
	f.Add("a b c d\n")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParsePushLines(strings.NewReader(in))
		if err != nil {
			if got != nil {
				t.Fatalf("updates returned with error")
			}
			return
		}
		pos := 0
		for _, u := range got {
			// Every accepted update is well-formed, so later git calls
			// never see an option-like or malformed argument.
			if !validOID(u.LocalOID) || !validOID(u.RemoteOID) || len(u.LocalOID) != len(u.RemoteOID) {
				t.Fatalf("bad oid accepted: %+v", u)
			}
			if !validRef(u.LocalRef) || !validRef(u.RemoteRef) || strings.ContainsAny(u.LocalRef+u.RemoteRef, " \n") {
				t.Fatalf("bad ref accepted: %+v", u)
			}
			line := strings.Join([]string{u.LocalRef, u.LocalOID, u.RemoteRef, u.RemoteOID}, " ")
			// Updates come from the input, in order (searched from the
			// previous match, so the check stays linear on big inputs).
			i := strings.Index(in[pos:], line)
			if i < 0 {
				t.Fatalf("update %q not in input after offset %d", line, pos)
			}
			pos += i + len(line)
		}
	})
}
