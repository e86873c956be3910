// Package config loads quorum's settings from defaults, the user file, the repo's .quorum.yaml, QUORUM_* env vars and flags, remembering where each value came from.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
)

// SeverityNone is the gate that never trips; the severities themselves are
// review.Critical, review.Important and review.Suggestion.
const SeverityNone = "none"

// What the hook does when Ollama is down or a panel model is missing.
const (
	OnUnavailableAllow = "allow"
	OnUnavailableBlock = "block"
)

// RepoFileName is the repo config file, read from the repository root.
const RepoFileName = ".quorum.yaml"

// Model is one reviewer of the panel: an Ollama model, an optional focus
// text added to its prompt, and an optional context size overriding the
// model's own.
type Model struct {
	Name   string `json:"name"`
	Focus  string `json:"focus,omitempty"`
	NumCtx int    `json:"num_ctx,omitempty"`
	// API and Host name this reviewer's own server ("" for the top-level
	// api and host), so one panel can span a laptop and a team server.
	API  string `json:"api,omitempty"`
	Host string `json:"host,omitempty"`
}

// APIs are the model server protocols quorum speaks.
const (
	APIOllama = "ollama"
	APIOpenAI = "openai"
)

// DefaultOpenAIHost is where llama.cpp's llama-server listens by default.
const DefaultOpenAIHost = "http://127.0.0.1:8080/v1"

// Server returns the API and host reviewer m talks to: its own, else the
// top-level api and host. An OpenAI-compatible server with no host given
// anywhere is llama-server's default address, not Ollama's.
func (c *Config) Server(m Model) (api, host string) {
	api, host, _ = c.server(m)
	return api, host
}

// HostOrigin names the setting that gave model m's server its address
// ("OLLAMA_HOST", "--host", "host: in .quorum.yaml"), for the hint of a
// server that does not answer; "" when the address is the default.
func (c *Config) HostOrigin(m Model) string {
	_, _, origin := c.server(m)
	return origin
}

// server is Server with HostOrigin's origin of the host.
func (c *Config) server(m Model) (api, host, origin string) {
	api = m.API
	if api == "" {
		api = c.API
	}
	if api == "" {
		api = APIOllama
	}
	host = m.Host
	if host != "" {
		origin = "host: in the models: entry of " + m.Name
	}
	if host == "" && (api == c.API || c.API == "" && api == APIOllama) {
		host, origin = c.OllamaHost, originOf(c.Source("host"))
		if src := c.Source("host"); api == APIOpenAI && (src.Kind == FromDefault || src.Name == "OLLAMA_HOST") {
			// OLLAMA_HOST names the ollama server (often 0.0.0.0, exported
			// for 'ollama serve'), not an OpenAI-compatible one.
			host, origin = DefaultOpenAIHost, ""
		}
	}
	if host == "" {
		host, origin = "http://127.0.0.1:11434", ""
		if api == APIOpenAI {
			host = DefaultOpenAIHost
		}
	}
	return api, host, origin
}

// originOf is how a hint names the setting src: the flag, the variable or
// the file's key; "" for the default.
func originOf(src Source) string {
	switch src.Kind {
	case FromFlag:
		return "--" + src.Name
	case FromEnv:
		return src.Name
	case FromUser, FromRepo:
		return "host: in " + src.File
	}
	return ""
}

// Gate decides which findings fail a run: severity at or above FailOn,
// found by at least MinAgreement reviewers.
type Gate struct {
	FailOn       string `json:"fail_on"`
	MinAgreement int    `json:"min_agreement"`
}

// Hook holds the pre-push hook's settings.
type Hook struct {
	Gate
	OnUnavailable string        `json:"on_unavailable"`
	Timeout       time.Duration `json:"timeout"`
	// Tags reviews the commits a pushed tag brings that the remote lacks
	// (on by default: a tag must not carry unreviewed code past the gate;
	// a tag of pushed commits brings none and costs nothing).
	Tags bool `json:"tags"`
	// Ahead makes `quorum hook install` add the post-commit hook that
	// reviews each commit in the background; set to false (in a file or
	// QUORUM_HOOK_AHEAD) it stops an installed one from starting reviews.
	Ahead bool `json:"ahead"`
}

// Reports bounds the reports saved under the git dir: after each save the
// oldest are removed until at most Keep remain and they take at most MaxMB
// megabytes (the report just saved is always kept). 0 turns a limit off.
type Reports struct {
	Keep  int `json:"keep"`
	MaxMB int `json:"max_mb"`
}

// Context levels (review/plan's Contexts, which a test keeps in step).
const (
	ContextNone      = "none"
	ContextSignature = "signature"
	ContextFunction  = "function"
)

// Config is the effective configuration.
type Config struct {
	// Models is the panel; empty means "pick from what Ollama has".
	Models []Model
	// Base is the ref to diff against; empty means upstream, origin/<branch>, origin/HEAD, origin/main, main/master.
	Base string
	// Ignore are doublestar globs of paths never sent to a model.
	Ignore []string
	// Guidelines are files (absolute paths) whose text is added to every prompt.
	Guidelines []string
	// MaxContext caps num_ctx for every model (tokens).
	MaxContext int
	// Context is how much code around each hunk the prompt carries: none,
	// signature (the default) or function.
	Context string
	// NumPredict bounds each answer (tokens); it is also kept under half of num_ctx.
	NumPredict int
	// Parallel is how many requests run at once against one model.
	Parallel int
	// ConcurrentModels is how many models may be loaded at once (1 = model by model).
	ConcurrentModels int
	// SeverityPolicy turns reviewers' severity votes into one severity.
	SeverityPolicy string
	// Review is the gate of `quorum review`.
	Review Gate
	// Hook configures `quorum hook run`.
	Hook Hook
	// Timeout bounds a whole `quorum review` run; 0 means no limit.
	Timeout time.Duration
	// AllowRemote permits a non-loopback Ollama host.
	AllowRemote bool
	// API is the default server's protocol: "ollama" or "openai".
	API string
	// OllamaHost is the default server's address (the keys host and
	// ollama_host both set it; the name is kept from when it was Ollama only).
	OllamaHost string
	// APIKeyEnv names the environment variable holding an API key for
	// OpenAI-compatible servers. Only the user's own config may set it.
	APIKeyEnv string
	// Cache enables the result cache.
	Cache bool
	// Reports bounds the saved reports under the git dir.
	Reports Reports
	// Eval configures `quorum eval` (eval.go).
	Eval Eval
	// Merge configures how findings are grouped (judge.go).
	Merge Merge

	// Root is the repository root the repo file was looked for in.
	Root string
	// RepoFile and UserFile are the files that were looked for ("" when not applicable).
	RepoFile, UserFile string

	sources map[string]Source
	// lenientFiles is set while a commit's .quorum.yaml is applied
	// (LoadWithRepoData): the guideline files it names are read at each
	// change's base, so the work tree's (missing, a link, a device) is no
	// reason to refuse one, and a push cannot make the file fail to load.
	// They must still lie inside the repository by name. missingFilesOK
	// is set for the work tree's own .quorum.yaml: a guideline file it
	// names may be missing there (a branch that moves or deletes it; its
	// base still has it), but one that is there is checked as ever.
	lenientFiles, missingFilesOK bool
}

// RepoGuidelineFiles are the repository's own guideline files, read from
// its root when present, in the order the prompts quote them.
var RepoGuidelineFiles = []string{"AGENTS.md", "CONTRIBUTING.md", ".quorum/guidelines.md"}

// MaxGuidelineBytes caps what is read of one guideline file; planning
// trims the total further to each model's budget.
const MaxGuidelineBytes = 64 << 10

// RepoNamedGuidelines reports whether the guideline files in Guidelines
// are the repository file's (.quorum.yaml, of the work tree or a commit),
// not the user's, the environment's or a flag's.
func (c *Config) RepoNamedGuidelines() bool { return c.Source("guidelines").Kind == FromRepo }

// Default returns the built-in defaults, each marked as such.
func Default() *Config {
	c := &Config{
		Models:           []Model{},
		Ignore:           []string{},
		Guidelines:       []string{},
		MaxContext:       16384,
		Context:          ContextSignature,
		NumPredict:       4096,
		Parallel:         1,
		ConcurrentModels: 1,
		SeverityPolicy:   "upper-median",
		Review:           Gate{FailOn: review.Important, MinAgreement: 1},
		Hook: Hook{
			Gate:          Gate{FailOn: review.Critical, MinAgreement: 1},
			OnUnavailable: OnUnavailableAllow,
			Timeout:       10 * time.Minute,
			Tags:          true,
		},
		Timeout:    30 * time.Minute,
		API:        APIOllama,
		OllamaHost: "http://127.0.0.1:11434",
		Cache:      true,
		Reports:    Reports{Keep: 50, MaxMB: 200},
		Eval:       DefaultEval(),
		sources:    map[string]Source{},
	}
	for _, f := range fields {
		c.sources[f.key] = Source{Kind: FromDefault}
	}
	return c
}

// Load returns the effective configuration for a command run in dir:
// defaults, then the user file, then the repo's .quorum.yaml (found at the
// root of the repository containing dir), then QUORUM_* variables read
// through getenv. OLLAMA_HOST sets the host only when none of those did
// (applyOllamaHost). Flags are applied afterwards with ApplyFlags. Any
// unknown key or bad value is an error naming its file and line (exit code 2).
func Load(dir string, getenv func(string) string) (*Config, error) {
	return load(dir, getenv, fromWorkTree)
}

// LoadWithoutRepoFile is Load without the repository's .quorum.yaml: what
// `quorum init --force` starts from when that file is the broken one, so
// the user file and QUORUM_*/OLLAMA_HOST variables still apply.
func LoadWithoutRepoFile(dir string, getenv func(string) string) (*Config, error) {
	return load(dir, getenv, &RepoData{})
}

// RepoData is a repository's .quorum.yaml as a commit holds it: Data (nil
// when the commit has none), named Name in messages ("abc123:.quorum.yaml").
type RepoData struct {
	Data []byte
	Name string
}

// fromWorkTree: the repository file is read from the work tree.
var fromWorkTree *RepoData

// LoadWithRepoData is Load with repo standing for the work tree's
// .quorum.yaml: the pre-push hook reviews a push that changes the file
// under the one the remote has.
func LoadWithRepoData(dir string, getenv func(string) string, repo RepoData) (*Config, error) {
	return load(dir, getenv, &repo)
}

func load(dir string, getenv func(string) string, repo *RepoData) (*Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c := Default()
	c.Root = RepoRoot(abs)
	c.UserFile = UserFile(getenv)
	c.RepoFile = filepath.Join(c.Root, RepoFileName)
	for _, f := range []struct {
		path string
		kind SourceKind
	}{{c.UserFile, FromUser}, {c.RepoFile, FromRepo}} {
		if f.path == "" {
			continue
		}
		if f.kind == FromRepo && repo != fromWorkTree {
			if repo.Data != nil {
				// Its guideline files are the commit's (teamconfig reads
				// them there): what the work tree has under their names is
				// never a reason to set the whole file aside.
				c.lenientFiles = true
				err := c.applyFile(repo.Data, f.path, repo.Name, f.kind)
				c.lenientFiles = false
				if err != nil {
					return nil, err
				}
			}
			continue
		}
		data, err := os.ReadFile(f.path)
		if errors.Is(err, os.ErrNotExist) {
			if target, lerr := os.Readlink(f.path); lerr == nil {
				// A link to nothing (a shared file not checked out) is
				// not "no config": the team's gate and ignores would go
				// unapplied without a word.
				return nil, wrap(&Error{File: displayPath(abs, f.path), Msg: fmt.Sprintf("a symlink to %q, which does not exist", target),
					Hint: "restore the file it points to, or remove the link to use the defaults"})
			}
			continue
		}
		if err != nil {
			hint := "check the file's permissions"
			if fi, serr := os.Stat(f.path); serr == nil && !fi.Mode().IsRegular() {
				hint = "move it aside: the configuration is a YAML file ('quorum init' writes one)"
			} else if file := fileInPath(f.path); file != "" {
				hint = notDirHint(file, getenv)
			}
			return nil, wrap(&Error{File: displayPath(abs, f.path), Msg: fmt.Sprintf("cannot read config: %v", unwrapPath(err)), Hint: hint})
		}
		// The repository's guideline files are read as each change's base
		// has them (internal/pipeline), so the work tree lacking one (a
		// branch that moves or deletes it) is no error: 'quorum doctor'
		// names one neither the work tree nor HEAD has. The user's own must
		// exist: they are read from disk.
		c.missingFilesOK = f.kind == FromRepo
		err = c.applyFile(data, f.path, displayPath(abs, f.path), f.kind)
		c.missingFilesOK = false
		if err != nil {
			return nil, err
		}
	}
	if err := c.applyEnv(getenv, abs); err != nil {
		return nil, err
	}
	if err := c.applyOllamaHost(getenv, abs); err != nil {
		return nil, err
	}
	return c, nil
}

// RepoRoot returns the work tree GIT_DIR and GIT_WORK_TREE name when set,
// else the nearest directory at or above dir holding a .git entry (a
// directory, or a file in linked worktrees), else dir itself.
//
// Only the environment case is diff.WorkTree's. The walk is its own, not
// a duplicate of diff's discovery: it keeps dir's path as given, where
// diff resolves symlinks (at the top of a symlinked checkout, messages
// would name the link's target instead of ".quorum.yaml"), and outside a
// repository, or in a bare one, it is dir, where diff has an error.
func RepoRoot(dir string) string {
	root, _ := FindRepoRoot(dir)
	return root
}

// FindRepoRoot is RepoRoot, and whether dir is in a repository at all
// (else root is dir itself).
func FindRepoRoot(dir string) (root string, ok bool) {
	// The work tree GIT_DIR and GIT_WORK_TREE name, as the diff finds it,
	// so the .quorum.yaml read is the one of the repository reviewed.
	if os.Getenv("GIT_DIR") != "" || os.Getenv("GIT_WORK_TREE") != "" {
		if root, err := diff.WorkTree(dir); err == nil && root != "" {
			return root, true
		}
	}
	for d := dir; ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d, true
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir, false
		}
		d = parent
	}
}

// fileInPath is the directory of path's that is a file ("" if none is):
// what made reading path fail with "not a directory".
func fileInPath(path string) string {
	for dir := filepath.Dir(path); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if fi, err := os.Stat(dir); err == nil {
			if fi.IsDir() {
				return ""
			}
			return dir
		}
	}
	return ""
}

// notDirHint is the hint for a config path through file, which is no
// directory: not a permissions problem. When XDG_CONFIG_HOME names the
// file, the variable is what to fix.
func notDirHint(file string, getenv func(string) string) string {
	if x := getenv("XDG_CONFIG_HOME"); x != "" && filepath.Clean(x) == file {
		return "XDG_CONFIG_HOME=" + x + " is a file, not a directory: point XDG_CONFIG_HOME at a directory, or unset it to use ~/.config"
	}
	return file + " is a file, not a directory: move it aside"
}

// UserFile returns $XDG_CONFIG_HOME/quorum/config.yaml, falling back to
// ~/.config when XDG_CONFIG_HOME is unset or relative (as the XDG spec asks).
func UserFile(getenv func(string) string) string {
	if x := getenv("XDG_CONFIG_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "quorum", "config.yaml")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "quorum", "config.yaml")
	}
	return ""
}

// Source returns where the value of key came from.
func (c *Config) Source(key string) Source { return c.sources[key] }

// aliases are keys that set one value: its source is the last one set.
var aliases = map[string]string{"host": "ollama_host", "ollama_host": "host"}

// setSource records where key's value came from, for its alias too.
func (c *Config) setSource(key string, src Source) {
	c.sources[key] = src
	if a, ok := aliases[key]; ok {
		c.sources[a] = src
	}
}

// Entry is one effective setting for display.
type Entry struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source Source `json:"source"`
}

// Entries lists every setting in a fixed order with its value and origin.
func (c *Config) Entries() []Entry {
	out := make([]Entry, 0, len(fields))
	for _, f := range fields {
		out = append(out, Entry{Key: f.key, Value: f.show(c), Source: c.sources[f.key]})
	}
	return out
}

func displayPath(dir, p string) string {
	if rel, err := filepath.Rel(dir, p); err == nil && filepath.IsLocal(rel) {
		return rel
	}
	return p
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
