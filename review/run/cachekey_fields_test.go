package run

import (
	"reflect"
	"testing"

	"github.com/quorum-review/quorum/prompts"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/plan"
)

// notInCacheKey are the prompt fields CacheKey leaves out on purpose (see
// its doc): what the prompt says about the rest of the change. Every other
// field of what a prompt is made of must change the key, so a new context
// source that forgets the cache fails here instead of serving stale answers.
var notInCacheKey = map[string]bool{
	"Data.Boundary": true, // fresh per review; a fence, not content
	"Data.Commits":  true, // an extra commit must not re-ask unchanged chunks
	"Data.Part":     true, // "part i of N" shifts when another chunk splits
	"Data.Parts":    true,
	"Data.Files":    true, // checked field by field below
}

func TestEveryPromptFieldJoinsTheCacheKey(t *testing.T) {
	file := prompts.File{Path: "a.go", OldPath: "a.go", Status: "modified", Part: 1, Parts: 2, Diff: "+x", Context: "func f() {"}
	base := func() (*plan.Plan, plan.Chunk) {
		return &plan.Plan{Guidelines: "g", Budget: plan.Budget{Focus: "security"}}, plan.Chunk{Files: []prompts.File{file}}
	}
	opts := review.Options{NumCtx: 8192, NumPredict: 1024, Seed: 42}
	pl, c := base()
	want := CacheKey("m", "sha256:d", opts, pl, c)

	// Each field of a chunk's file changes the key.
	ft := reflect.TypeOf(file)
	for i := 0; i < ft.NumField(); i++ {
		pl, c := base()
		v := reflect.ValueOf(&c.Files[0]).Elem().Field(i)
		switch v.Kind() {
		case reflect.String:
			v.SetString(v.String() + "'")
		case reflect.Int:
			v.SetInt(v.Int() + 1)
		default:
			t.Fatalf("File.%s: a %s; teach this test to change it", ft.Field(i).Name, v.Kind())
		}
		if CacheKey("m", "sha256:d", opts, pl, c) == want {
			t.Errorf("File.%s does not change the cache key", ft.Field(i).Name)
		}
	}
	// Every field of the prompt data is either in the key or left out on purpose.
	dt := reflect.TypeOf(prompts.Data{})
	for i := 0; i < dt.NumField(); i++ {
		name := "Data." + dt.Field(i).Name
		if notInCacheKey[name] {
			continue
		}
		pl, c := base()
		switch dt.Field(i).Name {
		case "Guidelines":
			pl.Guidelines += "'"
		case "Context":
			pl.Context = plan.ContextFunction
		default:
			t.Errorf("%s is new: add it to CacheKey (and here), or to notInCacheKey with the reason", name)
			continue
		}
		if CacheKey("m", "sha256:d", opts, pl, c) == want {
			t.Errorf("%s does not change the cache key", name)
		}
	}
	// The reviewer's focus, the options and the model's identity do too.
	pl, c = base()
	pl.Budget.Focus = "style"
	for what, key := range map[string]string{
		"focus":   CacheKey("m", "sha256:d", opts, pl, c),
		"options": CacheKey("m", "sha256:d", review.Options{NumCtx: 4096, NumPredict: 1024, Seed: 42}, func() *plan.Plan { p, _ := base(); return p }(), c),
		"digest":  CacheKey("m", "sha256:e", opts, func() *plan.Plan { p, _ := base(); return p }(), c),
	} {
		if key == want {
			t.Errorf("the %s does not change the cache key", what)
		}
	}
}
