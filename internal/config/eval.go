package config

import (
	"regexp"
	"strconv"
	"strings"
)

// Eval holds the settings of `quorum eval`: which commits become cases and
// how they are scored. Its keys live under eval: and are registered here.
type Eval struct {
	// Cases is how many cases to score (half bug, half clean).
	Cases int
	// FixPattern matches a fix commit's subject or body; CleanPattern a
	// clean commit's subject (Go regular expressions).
	FixPattern, CleanPattern string
	// MaxFiles and MaxLines cap a case's code files and changed lines.
	MaxFiles, MaxLines int
	// CleanWindow: a commit no later fix touches within this many commits is clean.
	CleanWindow int
	// Window is how many lines from a truth line a finding may be and hit.
	Window int
	// MaxCleanBlockRate bounds the recommended rule's clean-case block rate.
	MaxCleanBlockRate float64
}

// DefaultEval is the eval defaults.
func DefaultEval() Eval {
	return Eval{
		Cases:             20,
		FixPattern:        `(?i)\b(fix(e[sd])?|bug(fix)?|regression|cve-\d+)\b`,
		CleanPattern:      `(?i)^(refactor|rename|tests?|chore)\b`,
		MaxFiles:          3,
		MaxLines:          40,
		CleanWindow:       20,
		Window:            3,
		MaxCleanBlockRate: 0.10,
	}
}

func init() {
	sections["eval"] = true
	fields = append(fields,
		field{"eval.cases", posInt(func(c *Config) *int { return &c.Eval.Cases }, 1), func(c *Config) string { return strconv.Itoa(c.Eval.Cases) }},
		field{"eval.fix_pattern", pattern(func(c *Config) *string { return &c.Eval.FixPattern }), func(c *Config) string { return c.Eval.FixPattern }},
		field{"eval.clean_pattern", pattern(func(c *Config) *string { return &c.Eval.CleanPattern }), func(c *Config) string { return c.Eval.CleanPattern }},
		field{"eval.max_files", posInt(func(c *Config) *int { return &c.Eval.MaxFiles }, 1), func(c *Config) string { return strconv.Itoa(c.Eval.MaxFiles) }},
		field{"eval.max_lines", posInt(func(c *Config) *int { return &c.Eval.MaxLines }, 1), func(c *Config) string { return strconv.Itoa(c.Eval.MaxLines) }},
		field{"eval.clean_window", posInt(func(c *Config) *int { return &c.Eval.CleanWindow }, 1), func(c *Config) string { return strconv.Itoa(c.Eval.CleanWindow) }},
		field{"eval.window", posInt(func(c *Config) *int { return &c.Eval.Window }, 0), func(c *Config) string { return strconv.Itoa(c.Eval.Window) }},
		field{"eval.max_clean_block_rate", fraction(func(c *Config) *float64 { return &c.Eval.MaxCleanBlockRate }), func(c *Config) string {
			return strconv.FormatFloat(c.Eval.MaxCleanBlockRate, 'g', -1, 64)
		}},
	)
}

// pattern sets a non-empty Go regular expression.
func pattern(ptr func(*Config) *string) func(*Config, value) error {
	return func(c *Config, v value) error {
		s, err := scalarOf(v)
		if err != nil {
			return err
		}
		if strings.TrimSpace(s) == "" {
			return bad("give a regular expression, like (?i)\\bfix\\b", "the pattern is empty")
		}
		if _, err := regexp.Compile(s); err != nil {
			return bad("fix the regular expression (Go syntax, like (?i)\\bfix\\b)", "%q is not a valid regular expression: %v", s, err)
		}
		*ptr(c) = s
		return nil
	}
}

// fraction sets a number from 0 to 1.
func fraction(ptr func(*Config) *float64) func(*Config, value) error {
	return func(c *Config, v value) error {
		s, err := scalarOf(v)
		if err != nil {
			return err
		}
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || x < 0 || x > 1 {
			return bad("give a fraction between 0 and 1, like 0.1", "%q is not a fraction between 0 and 1", s)
		}
		*ptr(c) = x
		return nil
	}
}
