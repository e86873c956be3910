package config

import "strings"

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
		field{"merge.judge", str(func(c *Config) *string { return &c.Merge.Judge }, nil), func(c *Config) string {
			if c.JudgeModel() == "" {
				return "none"
			}
			return c.Merge.Judge
		}},
	)
}
