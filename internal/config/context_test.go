package config

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/review/plan"
)

func TestContextLevel(t *testing.T) {
	dir, getenv := fixture(t, "", "", nil)
	c, err := Load(dir, getenv)
	must(t, err)
	if c.Context != ContextSignature {
		t.Fatalf("default context = %q", c.Context)
	}
	dir, getenv = fixture(t, "context: Function\n", "", nil)
	c, err = Load(dir, getenv)
	must(t, err)
	if c.Context != ContextFunction {
		t.Fatalf("context = %q", c.Context)
	}
	dir, getenv = fixture(t, "context: everything\n", "", nil)
	_, err = Load(dir, getenv)
	var cerr *Error
	if err == nil || !strings.Contains(err.Error(), `"everything" is not a valid context level`) || !errors.As(err, &cerr) || !strings.Contains(cerr.Hint, "none, signature, function") {
		t.Fatalf("bad context: %v", err)
	}
	// The levels are review/plan's.
	var levels []string
	for _, l := range plan.Contexts() {
		levels = append(levels, string(l))
	}
	if !slices.Equal(levels, []string{ContextNone, ContextSignature, ContextFunction}) {
		t.Fatalf("plan levels %v", levels)
	}
}
