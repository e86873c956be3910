package initcmd

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/panel"
)

// StarterInput is what the starter file is written from.
type StarterInput struct {
	Installed []review.ModelInfo // what the server lists; nil when unreachable
	ListErr   error
	Host      string
}

// pickPanel is the panel `quorum review` would pick by default
// (review/panel.Select), so the starter file writes down that choice.
func pickPanel(models []review.ModelInfo) []string {
	var out []string
	for _, m := range panel.Select(models, panel.DefaultMax) {
		out = append(out, m.Name)
	}
	return out
}

// Starter renders the commented starter file. Every setting is present,
// commented out at its default, so the file documents itself; only the
// panel is set, when models were found.
func Starter(in StarterInput) []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("# quorum configuration for this repository.")
	w("# Precedence: flags > QUORUM_* environment variables > this file >")
	w("# ~/.config/quorum/config.yaml > defaults. 'quorum config show' prints the")
	w("# effective value of every key and where it came from.")
	w("# quorum talks only to the Ollama server below, on this machine (loopback).")
	w("")
	chosen := pickPanel(in.Installed)
	w("# The review panel: each model reviews the diff on its own; their findings")
	w("# are merged. A model is a name, or {name, focus, num_ctx}.")
	switch {
	case in.ListErr != nil:
		w("# Ollama could not be reached at %s when this file was written, so no", in.Host)
		w("# panel is set: quorum picks from the installed models at review time.")
		w("# Install some (e.g. 'ollama pull qwen2.5-coder:7b') and list them here.")
		w("# models:")
		w("#   - qwen2.5-coder:7b")
		w("#   - name: llama3.1:8b")
		w("#     focus: security and error handling")
		w("#     num_ctx: 16384")
	case len(chosen) == 0:
		w("# Ollama at %s has no chat model installed; pull one", in.Host)
		w("# (e.g. 'ollama pull qwen2.5-coder:7b') and list it here.")
		w("# models:")
		w("#   - qwen2.5-coder:7b")
	default:
		var names []string
		for _, m := range in.Installed {
			names = append(names, safetext.OneLine(m.Name)) // a comment line: server text, sanitised
		}
		w("# Installed when this file was written: %s", strings.Join(names, ", "))
		w("models:")
		for i, name := range chosen {
			w("  - name: %s", yamlString(name))
			if i == 0 {
				w("    # focus: security and error handling   # optional text for this reviewer")
				w("    # num_ctx: 16384                       # optional context size (tokens)")
			}
		}
	}
	w("")
	w("# Ref to compare with; default: the branch's upstream, origin/<branch>, origin/HEAD, origin/main, main, master.")
	w("# base: origin/main")
	w("")
	w("# Paths never sent to a model (doublestar globs). Lockfiles, binaries,")
	w("# vendored and generated files are skipped already.")
	w("# ignore:")
	w("#   - 'docs/**'")
	w("#   - '**/*.pb.go'")
	w("")
	w("# Files with your team's review guidelines, added to every prompt.")
	w("# guidelines:")
	w("#   - CONTRIBUTING.md")
	w("")
	w("# Cap on every model's context window (tokens).")
	w("# max_context: 16384")
	w("# Code around each change the models see: none, signature (the enclosing")
	w("# function's signature in each hunk header) or function (its whole body).")
	w("# context: signature")
	w("# Requests run at once against one model, and models loaded at once.")
	w("# parallel: 1")
	w("# concurrent_models: 1")
	w("# How reviewers' severity votes become one: upper-median, max, majority.")
	w("# severity_policy: upper-median")
	w("")
	w("# A model that groups the reviewers' findings into issues, reading the code")
	w("# (one more request per review); none: quorum's rules of words, lines and")
	w("# kinds. 'quorum doctor' checks it is installed.")
	w("# merge:")
	w("#   judge: none")
	w("")
	w("# Saved reports (.git/quorum/reports): how many are kept, and their size")
	w("# cap in megabytes; 0 turns a limit off.")
	w("# reports:")
	w("#   keep: 50")
	w("#   max_mb: 200")
	w("")
	w("# 'quorum review' exits 1 on findings at or above fail_on (critical, important,")
	w("# suggestion, none) found by at least min_agreement reviewers.")
	w("# review:")
	w("#   fail_on: important")
	w("#   min_agreement: 1")
	w("")
	w("# The pre-push hook ('quorum hook install'). on_unavailable: allow or block")
	w("# when Ollama is down or a panel model is missing. tags: false skips the")
	w("# commits a pushed tag brings (a push once blocked is still reviewed). ahead:")
	w("# true makes 'quorum hook install' also review each commit in the background.")
	w("# Skip one push with QUORUM_SKIP=1 git push.")
	w("# hook:")
	w("#   fail_on: critical")
	w("#   min_agreement: 1")
	w("#   on_unavailable: allow")
	w("#   timeout: 10m")
	w("#   tags: true")
	w("#   ahead: false")
	w("")
	w("# Time limit for 'quorum review' (0 means none).")
	w("# timeout: 30m")
	w("")
	w("# Ollama server. This file may name only a loopback host: a cloned repository")
	w("# must not send your code to another machine. Only you can allow a remote")
	w("# host (allow_remote in ~/.config/quorum/config.yaml, or --allow-remote).")
	w("# ollama_host: http://127.0.0.1:11434")
	w("")
	w("# Reuse model answers for unchanged chunks.")
	w("# cache: true")
	return []byte(b.String())
}

// yamlString quotes a model name when YAML would otherwise read it as
// something else (names are usually plain, like qwen2.5-coder:7b).
func yamlString(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
		// Control, format (bidi) or other unprintable characters, a newline
		// included: a double-quoted YAML string with escapes keeps the name
		// exact, and the file free of them (strconv's escapes are YAML's).
		return strconv.Quote(s)
	}
	if s == "" || strings.ContainsAny(s, "#'\"{}[],&*!|>%@`") || strings.HasPrefix(s, "-") || strings.HasSuffix(s, ":") || strings.Contains(s, ": ") {
		return "'" + strings.ReplaceAll(s, "'", "''") + "'"
	}
	return s
}
