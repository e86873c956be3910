package config

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/quorum-review/quorum/review"
)

// value is one raw setting from any layer: a YAML node's scalar(s), an env
// variable, or a flag. Paths in it are relative to dir.
type value struct {
	scalar string
	list   []string // set for sequences, comma-separated env values and slice flags
	isList bool
	tag    string // YAML tag of a scalar ("!!int", "!!str", ...), "" outside YAML
	models []Model
	dir    string
}

// badValue is a value error without location; the caller adds file and line.
type badValue struct{ msg, hint string }

func (e *badValue) Error() string { return e.msg }

func bad(hint, format string, args ...any) error {
	return &badValue{msg: fmt.Sprintf(format, args...), hint: hint}
}

type field struct {
	key  string
	set  func(c *Config, v value) error
	show func(c *Config) string
}

var severities = []string{review.Critical, review.Important, review.Suggestion, SeverityNone}

// SeverityPolicies are the accepted severity_policy values, as
// review/report's Policy.Severity names them.
var SeverityPolicies = []string{"upper-median", "max", "majority"}

// fields lists every key in display order; it is the single source of truth
// for parsing (file, env, flags), config show and the unknown-key check.
var fields = []field{
	{"models", setModels, func(c *Config) string { return showModels(c.Models) }},
	{"base", str(func(c *Config) *string { return &c.Base }, nil), func(c *Config) string { return q(c.Base) }},
	{"ignore", globs(func(c *Config) *[]string { return &c.Ignore }), func(c *Config) string { return showList(c.Ignore) }},
	{"guidelines", files(func(c *Config) *[]string { return &c.Guidelines }), func(c *Config) string { return showList(c.Guidelines) }},
	{"max_context", posInt(func(c *Config) *int { return &c.MaxContext }, 512), func(c *Config) string { return strconv.Itoa(c.MaxContext) }},
	{"context", enum(func(c *Config) *string { return &c.Context }, []string{ContextNone, ContextSignature, ContextFunction}, "context level"), func(c *Config) string { return c.Context }},
	{"num_predict", posInt(func(c *Config) *int { return &c.NumPredict }, 1), func(c *Config) string { return strconv.Itoa(c.NumPredict) }},
	{"parallel", posInt(func(c *Config) *int { return &c.Parallel }, 1), func(c *Config) string { return strconv.Itoa(c.Parallel) }},
	{"concurrent_models", posInt(func(c *Config) *int { return &c.ConcurrentModels }, 1), func(c *Config) string { return strconv.Itoa(c.ConcurrentModels) }},
	{"severity_policy", enum(func(c *Config) *string { return &c.SeverityPolicy }, SeverityPolicies, "severity policy"), func(c *Config) string { return c.SeverityPolicy }},
	{"review.fail_on", enum(func(c *Config) *string { return &c.Review.FailOn }, severities, "severity"), func(c *Config) string { return c.Review.FailOn }},
	{"review.min_agreement", posInt(func(c *Config) *int { return &c.Review.MinAgreement }, 1), func(c *Config) string { return strconv.Itoa(c.Review.MinAgreement) }},
	{"hook.fail_on", enum(func(c *Config) *string { return &c.Hook.FailOn }, severities, "severity"), func(c *Config) string { return c.Hook.FailOn }},
	{"hook.min_agreement", posInt(func(c *Config) *int { return &c.Hook.MinAgreement }, 1), func(c *Config) string { return strconv.Itoa(c.Hook.MinAgreement) }},
	{"hook.on_unavailable", enum(func(c *Config) *string { return &c.Hook.OnUnavailable }, []string{OnUnavailableAllow, OnUnavailableBlock}, "on_unavailable action"), func(c *Config) string { return c.Hook.OnUnavailable }},
	{"hook.timeout", duration(func(c *Config) *time.Duration { return &c.Hook.Timeout }, false), func(c *Config) string { return c.Hook.Timeout.String() }},
	{"hook.tags", boolean(func(c *Config) *bool { return &c.Hook.Tags }), func(c *Config) string { return strconv.FormatBool(c.Hook.Tags) }},
	{"hook.ahead", boolean(func(c *Config) *bool { return &c.Hook.Ahead }), func(c *Config) string { return strconv.FormatBool(c.Hook.Ahead) }},
	{"timeout", duration(func(c *Config) *time.Duration { return &c.Timeout }, true), func(c *Config) string { return c.Timeout.String() }},
	{"allow_remote", boolean(func(c *Config) *bool { return &c.AllowRemote }), func(c *Config) string { return strconv.FormatBool(c.AllowRemote) }},
	{"api", enum(func(c *Config) *string { return &c.API }, []string{APIOllama, APIOpenAI}, "api"), func(c *Config) string { return c.API }},
	{"host", str(func(c *Config) *string { return &c.OllamaHost }, checkHost), func(c *Config) string { return c.OllamaHost }},
	{"ollama_host", str(func(c *Config) *string { return &c.OllamaHost }, checkHost), func(c *Config) string { return c.OllamaHost }},
	{"api_key_env", str(func(c *Config) *string { return &c.APIKeyEnv }, checkEnvName), func(c *Config) string { return q(c.APIKeyEnv) }},
	{"cache", boolean(func(c *Config) *bool { return &c.Cache }), func(c *Config) string { return strconv.FormatBool(c.Cache) }},
	{"reports.keep", posInt(func(c *Config) *int { return &c.Reports.Keep }, 0), func(c *Config) string { return strconv.Itoa(c.Reports.Keep) }},
	{"reports.max_mb", posInt(func(c *Config) *int { return &c.Reports.MaxMB }, 0), func(c *Config) string { return strconv.Itoa(c.Reports.MaxMB) }},
}

func lookupField(key string) *field {
	for i := range fields {
		if fields[i].key == key {
			return &fields[i]
		}
	}
	return nil
}

func envName(key string) string {
	return "QUORUM_" + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

func q(s string) string {
	if s == "" {
		return `""`
	}
	return s
}

func showList(l []string) string { return "[" + strings.Join(l, ", ") + "]" }

func showModels(ms []Model) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		s := m.Name
		var extra []string
		if m.Focus != "" {
			extra = append(extra, "focus: "+strconv.Quote(m.Focus))
		}
		if m.NumCtx > 0 {
			extra = append(extra, "num_ctx: "+strconv.Itoa(m.NumCtx))
		}
		if m.API != "" {
			extra = append(extra, "api: "+m.API)
		}
		if m.Host != "" {
			extra = append(extra, "host: "+m.Host)
		}
		if len(extra) > 0 {
			s += " {" + strings.Join(extra, ", ") + "}"
		}
		parts[i] = s
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func scalarOf(v value) (string, error) {
	if v.isList {
		return "", bad("give a single value, not a list", "expected a single value, got a list")
	}
	return v.scalar, nil
}

func listOf(v value) []string {
	if v.isList {
		return v.list
	}
	if strings.TrimSpace(v.scalar) == "" {
		return []string{}
	}
	// A plain string is a one-item list in YAML, a comma-separated list from env.
	var out []string
	for _, p := range strings.Split(v.scalar, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func str(ptr func(*Config) *string, check func(string) error) func(*Config, value) error {
	return func(c *Config, v value) error {
		s, err := scalarOf(v)
		if err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if check != nil {
			if err := check(s); err != nil {
				return err
			}
		}
		*ptr(c) = s
		return nil
	}
}

func enum(ptr func(*Config) *string, allowed []string, what string) func(*Config, value) error {
	return func(c *Config, v value) error {
		s, err := scalarOf(v)
		if err != nil {
			return err
		}
		s = strings.ToLower(strings.TrimSpace(s))
		if !slices.Contains(allowed, s) {
			return bad("use one of: "+strings.Join(allowed, ", "), "%q is not a valid %s", v.scalar, what)
		}
		*ptr(c) = s
		return nil
	}
}

func posInt(ptr func(*Config) *int, min int) func(*Config, value) error {
	return func(c *Config, v value) error {
		s, err := scalarOf(v)
		if err != nil {
			return err
		}
		if v.tag != "" && v.tag != "!!int" {
			return bad(fmt.Sprintf("use a whole number of at least %d, without quotes", min), "%q is not a whole number", s)
		}
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return bad(fmt.Sprintf("use a whole number of at least %d", min), "%q is not a whole number", s)
		}
		if n < min {
			return bad(fmt.Sprintf("use a whole number of at least %d", min), "%d is below the minimum of %d", n, min)
		}
		*ptr(c) = n
		return nil
	}
}

func duration(ptr func(*Config) *time.Duration, zeroOK bool) func(*Config, value) error {
	return func(c *Config, v value) error {
		s, err := scalarOf(v)
		if err != nil {
			return err
		}
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return bad("use a duration with a unit, like 90s, 10m or 1h", "%q is not a duration", s)
		}
		if d < 0 || (d == 0 && !zeroOK) {
			hint := "use a positive duration, like 10m"
			if zeroOK {
				hint = "use a positive duration, or 0 for no limit"
			}
			return bad(hint, "%q must be positive", s)
		}
		*ptr(c) = d
		return nil
	}
}

func boolean(ptr func(*Config) *bool) func(*Config, value) error {
	return func(c *Config, v value) error {
		s, err := scalarOf(v)
		if err != nil {
			return err
		}
		if v.tag != "" && v.tag != "!!bool" {
			return bad("use true or false, without quotes", "%q is not true or false", s)
		}
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return bad("use true or false", "%q is not true or false", s)
		}
		*ptr(c) = b
		return nil
	}
}

func globs(ptr func(*Config) *[]string) func(*Config, value) error {
	return func(c *Config, v value) error {
		l := listOf(v)
		for _, g := range l {
			if !doublestar.ValidatePattern(g) {
				return bad("fix the pattern; globs use doublestar syntax, like vendor/** or **/*.pb.go", "%q is not a valid glob", g)
			}
		}
		*ptr(c) = l
		return nil
	}
}

// files resolves each path against the directory of the layer that named it
// (the config file's directory, or the working directory for env and flags)
// and requires it to exist, so a typo fails now rather than silently
// reviewing without the team's guidelines.
func files(ptr func(*Config) *[]string) func(*Config, value) error {
	return func(c *Config, v value) error {
		l := listOf(v)
		out := make([]string, 0, len(l))
		for _, p := range l {
			abs := p
			if !filepath.IsAbs(p) {
				abs = filepath.Join(v.dir, p)
			}
			if c.lenientFiles || c.missingFilesOK && !exists(abs) {
				out = append(out, filepath.Clean(abs)) // read at the change's base: the work tree cannot make it fail
				continue
			}
			if st, err := os.Stat(abs); err == nil && st.IsDir() {
				return bad("name a file in the directory, not the directory", "guidelines file %q is a directory", p)
			}
			if !fileExists(abs) {
				return bad("create the file or fix the path (relative paths start at the config file's directory)", "guidelines file %q not found", p)
			}
			if !regularFile(abs) {
				return bad("name a regular file; quorum does not read devices, FIFOs or sockets", "guidelines file %q is not a regular file", p)
			}
			out = append(out, abs)
		}
		*ptr(c) = out
		return nil
	}
}

func setModels(c *Config, v value) error {
	var ms []Model
	switch {
	case v.models != nil:
		ms = v.models
	default:
		for _, name := range listOf(v) {
			ms = append(ms, Model{Name: name})
		}
		// "," names no model, as --models , does not: not the default panel.
		if !v.isList && len(ms) == 0 && strings.TrimSpace(v.scalar) != "" {
			return bad("give model names separated by commas, like qwen2.5-coder:7b,llama3.1:8b", "no model name in %q", v.scalar)
		}
	}
	seen := map[string]bool{}
	for _, m := range ms {
		if err := checkModel(m); err != nil {
			return err
		}
		id := m.Name + "@" + m.API + "@" + m.Host
		if seen[id] {
			return bad("list each model once; give one model several focuses in one focus text", "model %q is listed twice", m.Name)
		}
		seen[id] = true
	}
	if ms == nil {
		ms = []Model{}
	}
	c.Models = ms
	return nil
}

func checkModel(m Model) error {
	if strings.TrimSpace(m.Name) == "" {
		return bad("give each model a name, like qwen2.5-coder:7b", "model without a name")
	}
	if strings.ContainsAny(m.Name, " \t,") {
		return bad("use the name as 'ollama list' shows it, like qwen2.5-coder:7b", "model name %q contains a space or comma", m.Name)
	}
	if m.NumCtx != 0 && m.NumCtx < 512 {
		return bad("use a context size of at least 512 tokens, or leave num_ctx out", "num_ctx %d is below the minimum of 512", m.NumCtx)
	}
	if m.API != "" && m.API != APIOllama && m.API != APIOpenAI {
		return bad("use api: ollama or api: openai", "model %q: unknown api %q", m.Name, m.API)
	}
	if m.Host != "" {
		if err := checkHost(m.Host); err != nil {
			return err
		}
	}
	return nil
}

// checkEnvName accepts an environment variable name (not its value: a key
// never belongs in a config file).
func checkEnvName(s string) error {
	if s == "" {
		return nil
	}
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return bad("give the name of an environment variable, like OPENAI_API_KEY, not the key itself", "api_key_env %q is not an environment variable name", s)
		}
	}
	return nil
}

// checkHost accepts what OLLAMA_HOST accepts: host, host:port, or a URL.
// Whether a host is allowed (loopback or allow_remote) is decided where the
// client is built, since allow_remote may come from a later layer.
func checkHost(s string) error {
	hint := "use a URL like http://127.0.0.1:11434"
	if s == "" {
		return bad(hint, "the host is empty")
	}
	raw := s
	if !strings.Contains(raw, "://") {
		raw = "http://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return bad(hint, "%q is not a valid server address", s)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return bad(hint, "%q has an invalid port", s)
		}
	}
	if h := u.Hostname(); h == "" || strings.ContainsAny(h, " /") {
		return bad(hint, "%q is not a valid server address", s)
	}
	return nil
}

// exists reports whether anything is at p, a dangling link included.
func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}
