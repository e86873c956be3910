package config

import "testing"

// The judge runs as the panel's entry of its name (a tag-less name being
// the ":latest" one), on that entry's server; any other judge runs on the
// top-level server.
func TestJudgeEntry(t *testing.T) {
	c := Default()
	c.Models = []Model{{Name: "qwen2.5-coder:7b", Focus: "security"}, {Name: "llama3.1:70b", Host: "127.0.0.1:11500"}, {Name: "phi4", API: APIOpenAI, Host: "http://127.0.0.1:8000/v1"}}
	for judge, want := range map[string]Model{
		"none":             {},
		"llama3.1:70b":     {Name: "llama3.1:70b", Host: "127.0.0.1:11500"},
		"phi4:latest":      {Name: "phi4:latest", API: APIOpenAI, Host: "http://127.0.0.1:8000/v1"},
		"qwen2.5-coder:7b": {Name: "qwen2.5-coder:7b"},
		"gemma2:27b":       {Name: "gemma2:27b"},
		"llama3.1":         {Name: "llama3.1"},
	} {
		c.Merge.Judge = judge
		if got := c.JudgeEntry(); got != want {
			t.Errorf("judge %s: entry %+v, want %+v", judge, got, want)
		}
	}
	c.Merge.Judge = "phi4"
	if c.JudgeAPI() != APIOpenAI {
		t.Errorf("judge phi4 runs over %s", c.JudgeAPI())
	}
}
