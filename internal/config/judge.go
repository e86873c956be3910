package config

import (
	"strings"
	"unicode"
)

// Merge configures how findings are grouped into issues. Its keys live
// under merge: and are registered here.
type Merge struct {
	// Judge is the model that groups the findings, reading the code ("" or
	// "none": the merge's own rules of words, lines and kinds).
	Judge string
}

// JudgeModel is the configured judge, "" for none.
func (c *Config) JudgeModel() string {
	if strings.EqualFold(c.Merge.Judge, "none") {
		return ""
	}
	return c.Merge.Judge
}

// JudgeEntry is the model entry the judge runs as: the panel's entry of
// the judge's name (the first, when one model is named on two servers),
// so a judge that is one of the reviewers runs on that reviewer's server
// (host, api); else an entry of the name alone, which runs on the
// top-level server. A tag-less name is the ":latest" one, as
// for ollama. The zero Model when no judge is configured.
func (c *Config) JudgeEntry() Model {
	judge := c.JudgeModel()
	if judge == "" {
		return Model{}
	}
	for _, m := range c.Models {
		if latest(m.Name) == latest(judge) {
			return Model{Name: judge, API: m.API, Host: m.Host}
		}
	}
	return Model{Name: judge}
}

// latest is a model name with ollama's default tag made explicit.
func latest(name string) string {
	if strings.Contains(name, ":") {
		return name
	}
	return name + ":latest"
}

func init() {
	sections["merge"] = true
	fields = append(fields,
		field{"merge.judge", str(func(c *Config) *string { return &c.Merge.Judge }, judgeName), func(c *Config) string {
			if c.JudgeModel() == "" {
				return "none"
			}
			return c.Merge.Judge
		}},
	)
}

// judgeName refuses what no model is called: a name with spaces or control
// characters (a pasted line break would cut every message that names it).
func judgeName(s string) error {
	if s == "" {
		// `--judge "$JUDGE"` with JUDGE unset: say none to mean none.
		return bad("name one model, like qwen2.5-coder:14b, or none", "empty judge name")
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return bad("name one model, like qwen2.5-coder:14b, or none", "%q is not a model name", s)
	}
	return nil
}

// JudgeAPI is the protocol of the judge's server (JudgeEntry's): what the
// remedy for a judge that is not installed names.
func (c *Config) JudgeAPI() string {
	api, _ := c.Server(c.JudgeEntry())
	return api
}
