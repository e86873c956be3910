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
