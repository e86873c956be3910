package doctorcmd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/internal/cache"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/hook"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/panel"
	reviewrun "github.com/quorum-review/quorum/review/run"
)

// minFormatVersion is the first ollama release that accepts a JSON schema
// as "format" (structured outputs, v0.5.0); older servers cannot follow the
// reviewer contract.
var minFormatVersion = "0.5.0"

// checkOllama checks the server and the panel; it returns whether the
// server answered and whether every panel model is installed and can chat.
func (d *doctor) checkOllama(ctx context.Context) (reachable, panelReady bool) {
	ctx, cancel := context.WithTimeout(ctx, d.opts.Timeout)
	defer cancel()
	cfg := d.cfg
	client, err := cmdutil.Client(d.opts.Factory, cfg, d.opts.Resolver)
	if err != nil {
		d.r.add(d.serverLabel(), Fail, safetext.OneLine(err.Error()), errmap.Hint(err))
		d.skip(d.unchecked("panel", "context", "memory")...)
		return false, false
	}
	version, err := cmdutil.ServerVersion(ctx, client)
	if err != nil {
		d.r.add(d.serverLabel(), Fail, safetext.OneLine(err.Error()), errmap.Hint(errmap.WithHostOrigin(err, cfg)))
		d.skip(d.unchecked("panel", "context", "memory")...)
		return false, false
	}
	d.checkVersion(client.Host(), version)
	if cfg.AllowRemote && !isLoopbackName(client.Host()) {
		d.r.add(d.serverLabel(), Warn, fmt.Sprintf("allow_remote is on: reviewed code is sent to %s", client.Host()),
			"drop --allow-remote (and allow_remote from the configuration) unless that host is yours")
	}

	installed, err := client.List(ctx)
	if err != nil {
		d.r.add("panel", Fail, safetext.OneLine(err.Error()), errmap.Hint(err))
		d.skip(d.unchecked("context", "memory")...)
		return true, false
	}
	if len(d.opts.Models) > 0 {
		cfg.Models = nil
		for _, m := range d.opts.Models {
			cfg.Models = append(cfg.Models, config.Model{Name: strings.TrimSpace(m)})
		}
	}
	if d.opts.MaxContext > 0 {
		cfg.MaxContext = d.opts.MaxContext
	}
	servers := &serverLists{d: d, ctx: ctx, lists: map[pipeline.Spec]*serverList{}}
	servers.lists[pipeline.SpecFor(cfg, config.Model{}, d.opts.Factory.Getenv)] = &serverList{host: client.Host(), installed: installed, same: client.SameModel}
	var chosen []review.ModelInfo
	var source string
	var missing, local []string
	if len(cfg.Models) == 0 {
		chosen, source, missing = pipeline.ResolvePanel(cfg, installed, client.SameModel)
	} else {
		chosen, source, missing = pipeline.ResolvePanelOn(cfg, func(m config.Model) ([]review.ModelInfo, func(a, b string) bool) {
			l := servers.of(m)
			if l.host == client.Host() {
				local = append(local, m.Name)
			}
			return l.installed, l.same
		})
	}
	panelReady = d.checkPanel(ctx, chosen, source, missing, installed, servers.unreachable())
	d.checkContext(chosen)
	// This machine's memory holds only the models its own server runs.
	onThisMachine := slices.DeleteFunc(slices.Clone(chosen), func(m review.ModelInfo) bool {
		return len(cfg.Models) > 0 && !slices.ContainsFunc(local, func(n string) bool { return client.SameModel(m.Name, n) })
	})
	d.checkMemory(onThisMachine)
	// The judge asks after the reviewers answer: its lines come last.
	if cfg.JudgeModel() == "" {
		return true, panelReady
	}
	judgeServer := servers.of(cfg.JudgeEntry())
	if judgeServer.err != nil {
		d.r.add("judge", Warn, fmt.Sprintf("%s: its server %s cannot be asked, so quorum's rules will group the findings: %s", safetext.OneLine(cfg.JudgeModel()), judgeServer.host, safetext.OneLine(judgeServer.err.Error())), errmap.Hint(judgeServer.err))
		return true, panelReady
	}
	if judge, ok := d.checkJudge(judgeServer.installed, judgeServer.same); ok {
		d.checkJudgeContext(judge)
		if judgeServer.host == client.Host() {
			// This machine's memory says nothing of another server's.
			d.checkJudgeMemory(judge, onThisMachine)
		}
	}
	return true, panelReady
}

// serverList is what one server has, listed once.
type serverList struct {
	host      string
	installed []review.ModelInfo
	same      func(a, b string) bool
	err       error // it could not be opened or asked
	names     []string
}

// serverLists lists each server the panel and the judge name (a model
// entry's own host: and api:, else the top-level server's), each once.
type serverLists struct {
	d     *doctor
	ctx   context.Context
	lists map[pipeline.Spec]*serverList
	order []*serverList
}

// of is the listing of m's server; a server that cannot be asked lists
// nothing (m is then missing) and keeps why.
func (s *serverLists) of(m config.Model) *serverList {
	spec := pipeline.SpecFor(s.d.cfg, config.Model{Name: m.Name, API: m.API, Host: m.Host}, s.d.opts.Factory.Getenv)
	l, ok := s.lists[spec]
	if !ok {
		l = &serverList{host: spec.Host, same: func(a, b string) bool { return a == b }}
		open := spec
		open.Resolver = s.d.opts.Resolver
		b, err := pipeline.OpenBackend(open)
		if err == nil {
			l.host, l.same = b.Host(), b.SameModel
			l.installed, err = b.List(s.ctx)
		}
		l.err = err
		s.lists[spec] = l
		s.order = append(s.order, l)
	}
	if l.err != nil && !slices.Contains(l.names, m.Name) {
		l.names = append(l.names, m.Name)
	}
	return l
}

// unreachable maps each model whose own server could not be asked to why.
func (s *serverLists) unreachable() map[string]*serverList {
	out := map[string]*serverList{}
	for _, l := range s.order {
		for _, n := range l.names {
			out[n] = l
		}
	}
	return out
}

// checkJudge checks merge.judge's model: a judge that cannot answer
// leaves the grouping to quorum's rules, with a warning on every review.
// It returns the judge's model when one is configured, installed and can
// chat, so its context and memory are checked next.
func (d *doctor) checkJudge(installed []review.ModelInfo, same func(a, b string) bool) (review.ModelInfo, bool) {
	judge := d.cfg.JudgeModel()
	if judge == "" {
		return review.ModelInfo{}, false
	}
	name := safetext.OneLine(judge)
	for _, m := range installed {
		if !same(m.Name, judge) {
			continue
		}
		if !panel.ChatCapable(m) {
			d.r.add("judge", Warn, fmt.Sprintf("%s cannot chat, so quorum's rules will group the findings", name), "name a chat model in merge.judge (`quorum models` lists them)")
			return review.ModelInfo{}, false
		}
		d.r.add("judge", OK, fmt.Sprintf("%s groups the findings (merge.judge)", name), "")
		return m, true
	}
	fix := "ollama pull " + judge + ", or merge.judge: none"
	if d.cfg.JudgeAPI() == config.APIOpenAI {
		fix = "load " + judge + " in the server, or merge.judge: none"
	}
	d.r.add("judge", Warn, fmt.Sprintf("%s is not installed, so quorum's rules will group the findings", name), fix)
	return review.ModelInfo{}, false
}

// unchecked is names, and the judge when one is configured: what a server
// that cannot be asked leaves unchecked.
func (d *doctor) unchecked(names ...string) []string {
	if d.cfg.JudgeModel() != "" {
		names = append(names, "judge")
	}
	return names
}

func (d *doctor) skip(names ...string) {
	for _, n := range names {
		d.r.add(n, Info, "not checked: ollama is not available", "")
	}
}

// serverLabel names the server's lines: "ollama", or "server" for an
// OpenAI-compatible one (llama.cpp, vLLM, LM Studio).
func (d *doctor) serverLabel() string {
	if d.cfg != nil && d.cfg.API == config.APIOpenAI {
		return "server"
	}
	return "ollama"
}

func (d *doctor) checkVersion(host, v string) {
	switch {
	case d.serverLabel() == "server":
		d.r.add("server", OK, fmt.Sprintf("OpenAI-compatible API at %s (it reports no version to check)", host), "")
	case v == "" || v == "0.0.0":
		d.r.add(d.serverLabel(), OK, fmt.Sprintf("reachable at %s, version unknown (%q: a source build has none stamped)", host, v), "")
	case !atLeast(v, minFormatVersion):
		d.r.add(d.serverLabel(), Fail, fmt.Sprintf("version %s at %s cannot follow a JSON schema (needs %s or later)", safetext.OneLine(v), host, minFormatVersion),
			"upgrade ollama (https://ollama.com/download), then restart it")
	case !ollama.SupportsTruncate(v):
		d.r.add(d.serverLabel(), Warn, fmt.Sprintf("version %s at %s silently cuts prompts longer than the context (truncate:false needs 0.12.6); quorum detects it from token counts", safetext.OneLine(v), host),
			"upgrade ollama (https://ollama.com/download) so over-long prompts are refused instead")
	default:
		d.r.add(d.serverLabel(), OK, fmt.Sprintf("version %s at %s", safetext.OneLine(v), host), "")
	}
}

// atLeast compares dotted versions numerically.
func atLeast(v, min string) bool {
	var a, b [3]int
	fmt.Sscanf(strings.TrimPrefix(v, "v"), "%d.%d.%d", &a[0], &a[1], &a[2])
	fmt.Sscanf(min, "%d.%d.%d", &b[0], &b[1], &b[2])
	for i := range a {
		if a[i] != b[i] {
			return a[i] > b[i]
		}
	}
	return true
}

func (d *doctor) checkPanel(ctx context.Context, chosen []review.ModelInfo, source string, missing []string, installed []review.ModelInfo, unreachable map[string]*serverList) bool {
	ready := len(missing) == 0
	var usable []string
	for _, m := range chosen {
		if !panel.ChatCapable(m) {
			ready = false
			d.r.add("panel", Fail, fmt.Sprintf("%s cannot chat (capabilities: %s)", safetext.OneLine(m.Name), safetext.OneLine(strings.Join(m.Capabilities, ","))),
				"remove it from the panel and pick a chat model from `quorum models`")
			continue
		}
		usable = append(usable, safetext.OneLine(m.Name))
	}
	// One set of weights named twice would agree with itself (review and
	// the hook refuse it: cmdutil.CheckDistinctModels).
	i, j := panel.SameWeights(chosen)
	twice := i >= 0
	if twice {
		ready = false
		a, b := safetext.OneLine(chosen[i].Name), safetext.OneLine(chosen[j].Name)
		what := fmt.Sprintf("%s and %s are one model (ID %s)", a, b, panel.ShortID(chosen[i].Digest))
		if a == b {
			what = fmt.Sprintf("%s is named twice, under two spellings", a)
		}
		d.r.add("panel", Fail, what+": as two reviewers they would agree with themselves", cmdutil.SameWeightsHint)
	}
	for _, m := range missing {
		// A name from the configuration, printed.
		m = safetext.OneLine(m)
		status := Warn // the other reviewers still run
		if len(usable) == 0 {
			status = Fail
		}
		if l, ok := unreachable[m]; ok {
			d.r.add("panel", status, fmt.Sprintf("model %s: its server %s cannot be asked: %s", m, l.host, safetext.OneLine(l.err.Error())), errmap.Hint(l.err))
			continue
		}
		d.r.add("panel", status, fmt.Sprintf("model %s is not installed", m), "ollama pull "+m)
	}
	d.partial = len(missing) > 0 && len(usable) > 0 && len(usable) == len(chosen) && !twice
	d.usable, d.panelSize = len(usable), len(usable)+len(missing)
	what := "default selection"
	if source == "config" {
		what = "from the configuration"
		if len(d.opts.Models) > 0 {
			what = "from --models"
		}
	}
	switch {
	case len(usable) == 0 && len(missing) == 0 && len(chosen) == 0:
		d.r.add("panel", Fail, "no chat-capable model is installed", "ollama pull qwen2.5-coder:7b (any chat model works; two or three of different families are better)")
	case len(usable) == 0, twice:
		// already reported above
	case len(usable) == 1:
		d.r.add("panel", Warn, fmt.Sprintf("%s (%s): a single reviewer, so no finding can be corroborated", usable[0], what),
			secondReviewerHint(usable[0], installed))
	default:
		d.r.add("panel", OK, fmt.Sprintf("%s (%s)", strings.Join(usable, ", "), what), "")
	}
	ready = d.checkAgreement(ctx) && ready
	return ready && len(usable) > 0
}

// checkAgreement fails a min_agreement the panel is too small for: no
// finding could ever be found by that many, so 'quorum review' and the
// hook refuse to run (exit 2) rather than pass everything.
func (d *doctor) checkAgreement(ctx context.Context) bool {
	if d.cfg == nil || d.panelSize == 0 {
		return true
	}
	fix := func(key string) string {
		return fmt.Sprintf("lower %s to at most %d, or add models to models: (.quorum.yaml or the user config)", key, d.panelSize)
	}
	ok := true
	// A gate turned off (fail_on: none) asks no agreement of anyone.
	if n := d.cfg.Review.MinAgreement; n > d.panelSize && d.cfg.Review.FailOn != config.SeverityNone {
		ok = false
		d.r.add("gate", Fail, fmt.Sprintf("review.min_agreement %d needs more reviewers than the panel's %d: 'quorum review' stops (exit 2)", n, d.panelSize), fix("review.min_agreement"))
	}
	if c, _ := d.pushConfig(ctx); c != nil && c.Hook.MinAgreement > d.panelSize && c.Hook.FailOn != config.SeverityNone {
		n := c.Hook.MinAgreement
		ok = false
		d.hookGate = fmt.Sprintf("hook.min_agreement %d needs more reviewers than the panel's %d: every push is refused (exit 2)", n, d.panelSize)
	}
	return ok
}

// numCtx is what a review would plan for (reviewrun.PlannedContext): the
// model's context capped by the model's own num_ctx setting and
// max_context, and where the server says none, what a review assumes.
func (d *doctor) numCtx(m review.ModelInfo) int {
	own := 0
	for _, c := range d.cfg.Models {
		if ollama.SameModel(c.Name, m.Name) && c.NumCtx > 0 && (own == 0 || c.NumCtx < own) {
			own = c.NumCtx
		}
	}
	return reviewrun.PlannedContext(m.ContextLength, own, d.cfg.MaxContext, !d.overOpenAI(m))
}

// overOpenAI reports whether m is reviewed over an OpenAI-compatible API
// (its entry's api:, else the top-level one), which cannot set num_ctx.
func (d *doctor) overOpenAI(m review.ModelInfo) bool {
	api := d.cfg.API
	for _, c := range d.cfg.Models {
		if ollama.SameModel(c.Name, m.Name) && c.API != "" {
			api = c.API
		}
	}
	return api == config.APIOpenAI
}

func (d *doctor) checkContext(chosen []review.ModelInfo) {
	// A model that can read nothing stops a review only when it is the
	// whole panel, or leaves fewer readers than min_agreement: beside
	// enough others the review rests on them (and a push under the hook is
	// partly reviewed), so it is a warning then.
	var noRoom []int // the indexes of such models' checks
	chat := 0
	for _, m := range chosen {
		if !panel.ChatCapable(m) {
			continue
		}
		chat++
		n := d.numCtx(m)
		name := safetext.OneLine(m.Name)
		if at, ok := d.checkedContext(m, n); ok {
			// A review found the server runs the model at less than it
			// asks for (an OpenAI-compatible server sets its own): that is
			// the context a review gets, and only the server raises it.
			if d.noRoom(m, at, serverContextHint) {
				noRoom = append(noRoom, len(d.r.checks)-1)
			} else {
				d.r.add("context", Warn, fmt.Sprintf("%s: the server runs it at %d tokens, under the num_ctx %d quorum asks for (a review measured it); large diffs are split into smaller chunks", name, at, n), serverContextHint)
			}
			continue
		}
		if d.noRoom(m, n, "") {
			noRoom = append(noRoom, len(d.r.checks)-1)
			continue
		}
		switch {
		case m.ContextLength == 0 && d.ownNumCtx(m):
			d.r.add("context", OK, fmt.Sprintf("%s: num_ctx %d, yours (the server reports no context length)", name, n), "")
		case m.ContextLength == 0 && d.overOpenAI(m):
			d.r.add("context", Warn, fmt.Sprintf("%s: the server reports no context length, and this API cannot set one; quorum plans for %d tokens, and a review checks what the server runs it at", name, n),
				"set num_ctx for this model in .quorum.yaml to the context the server runs it at (models: - name: ... num_ctx: 8192)")
		case m.ContextLength == 0:
			d.r.add("context", Warn, fmt.Sprintf("%s: the server reports no context length; quorum will ask for %d tokens, what it sets on every request", name, n),
				"set num_ctx for this model in .quorum.yaml (models: - name: ... num_ctx: 8192)")
		case n < 4096:
			d.r.add("context", Warn, fmt.Sprintf("%s: num_ctx %d of %d; large diffs will be split into many small chunks", name, n, m.ContextLength),
				"prefer a model with a longer context, or raise max_context")
		default:
			d.r.add("context", OK, fmt.Sprintf("%s: num_ctx %d (model max %d)", name, n, m.ContextLength), "")
		}
	}
	// Beside enough others: as many as a gate asks to agree, or no
	// finding could trip it (helper 249).
	need := max(1, d.cfg.Review.MinAgreement, d.cfg.Hook.MinAgreement)
	if chat-len(noRoom) >= need {
		for _, i := range noRoom {
			c := &d.r.checks[i]
			c.Status = Warn
			c.Detail += "; a review rests on the other models, and under the pre-push hook every push is partly reviewed"
		}
	}
}

// serverContextHint says what raises the context a server runs a model at.
const serverContextHint = "raise the context the server runs it at (llama-server -c, OLLAMA_CONTEXT_LENGTH, PARAMETER num_ctx in its Modelfile)"

// ownNumCtx reports whether the configuration sets num_ctx for m.
func (d *doctor) ownNumCtx(m review.ModelInfo) bool {
	for _, c := range d.cfg.Models {
		if ollama.SameModel(c.Name, m.Name) && c.NumCtx > 0 {
			return true
		}
	}
	return false
}

// checkedContext is the context a review found the server runs m at,
// below the n it asks for (reviewrun.CheckedContext), if the cache says.
func (d *doctor) checkedContext(m review.ModelInfo, n int) (int, bool) {
	dir, err := cache.DefaultDir(d.opts.Factory.Getenv)
	if err != nil || !d.cfg.Cache {
		return 0, false
	}
	return reviewrun.CheckedContext(cache.New(dir), m.Name, m.Digest, n)
}

// noRoom fails the context check of a model whose num_ctx n leaves no room
// for a one-line change beside quorum's prompt and an answer, planned as a
// review plans it (reviewrun.ReadsASmallChange), and reports whether it
// did. The tokenizer is the one a review measured (the cache), else the
// most compact any model has: the check fails only when no review of the
// model could read a line.
func (d *doctor) noRoom(m review.ModelInfo, n int, serverHint string) bool {
	if n <= 0 {
		return false
	}
	bpt, measured, probeCut := reviewrun.OptimisticBytesPerToken, false, false
	if dir, err := cache.DefaultDir(d.opts.Factory.Getenv); err == nil && d.cfg.Cache {
		c := cache.New(dir)
		if v, ok := reviewrun.MeasuredBytesPerToken(c, m.Name, m.Digest); ok {
			bpt, measured = v, true
		} else if reviewrun.ProbeWasCut(c, m.Name, m.Digest) {
			// A review's probe was cut and measured nothing: every review
			// plans the model at one token a byte, so judge it so.
			bpt, probeCut = reviewrun.ConservativeBytesPerToken, true
		}
	}
	if reads, err := reviewrun.ReadsASmallChange(n, d.cfg.NumPredict, bpt); err != nil || reads {
		return false
	}
	how := "at any tokenizer's"
	switch {
	case measured:
		how = fmt.Sprintf("at its measured %.2f bytes a token", bpt)
	case probeCut:
		how = "at one token a byte: the server cut quorum's tokenizer probe, so a review cannot measure it"
	}
	// The cap that binds says what raises it.
	hint := "raise num_ctx for it under models: in .quorum.yaml"
	switch {
	case serverHint != "":
		hint = serverHint
	case probeCut:
		hint = serverContextHint
	case m.ContextLength > 0 && n >= m.ContextLength:
		lower := 0
		if measured { // at any tokenizer's figure, a lower value may still not fit the model's own
			lower = reviewrun.LowerNumPredict(n, d.cfg.NumPredict, bpt)
		}
		hint = reviewrun.OwnContextHint(lower)
	case n >= d.cfg.MaxContext:
		hint = "raise max_context in .quorum.yaml (--max-context for one review)"
	}
	d.r.add("context", Fail, fmt.Sprintf("%s: num_ctx %d holds quorum's prompt and an answer's room but not a one-line change (%s); a review of it reads nothing", safetext.OneLine(m.Name), n, how), hint)
	return true
}

func (d *doctor) checkMemory(chosen []review.ModelInfo) {
	var models []review.ModelInfo
	for _, m := range chosen {
		if panel.ChatCapable(m) {
			models = append(models, m)
		}
	}
	if len(models) == 0 {
		return
	}
	mem, err := d.meminfo()
	if err != nil {
		d.r.add("memory", Info, fmt.Sprintf("cannot read system memory (%v); fit not checked", err), "")
		return
	}
	fit := Fit(models, mem, d.numCtx)
	d.r.add("memory", fit.Status, fit.Detail, fit.Fix)
}

// checkHook says what `git push` would do right now.
// checkHookUnconfigured is the hook's line when the configuration does not
// load: an installed hook refuses every push until it does.
func (d *doctor) checkHookUnconfigured(ctx context.Context) {
	installed, hookActive := d.hookState(ctx)
	if hookActive {
		d.r.add("hook", Fail, installed+"a push now is REFUSED: the configuration does not load",
			"fix the configuration above, or push with `git push --no-verify` (or QUORUM_SKIP=1)")
		return
	}
	d.r.add("hook", Info, installed+"what a push would do depends on the configuration, which does not load (above)", "")
}

// hookState says whether quorum's pre-push hook is installed (active),
// and how, as the start of the hook line.
func (d *doctor) hookState(ctx context.Context) (installed string, hookActive bool) {
	if dir, err := hook.HooksDir(ctx, d.dir()); err == nil {
		if ok, _ := hook.IsQuorumHook(filepath.Join(dir, "pre-push")); ok {
			installed, hookActive = "installed; ", true
		} else if _, err := os.Stat(filepath.Join(dir, "pre-push")); err == nil {
			installed = "another pre-push hook is installed (quorum's is not); "
		} else {
			installed = "not installed (`quorum hook install`); "
		}
	} else if errors.Is(err, hook.ErrHooksDisabled) {
		installed = "hooks are disabled (core.hooksPath=/dev/null); "
	}
	return installed, hookActive
}

// checkAhead says whether commits are reviewed in the background: the
// post-commit hook `quorum hook install --ahead` adds, unless hook.ahead
// set to false stops it (the default leaves an installed hook on).
func (d *doctor) checkAhead(ctx context.Context) {
	dir, err := hook.HooksDir(ctx, d.dir())
	if err != nil {
		return
	}
	if ok, _ := hook.IsQuorumHook(filepath.Join(dir, "post-commit")); !ok {
		return
	}
	if d.cfg != nil && !d.cfg.Hook.Ahead && d.cfg.Source("hook.ahead").Kind != config.FromDefault {
		d.r.add("ahead", Info, fmt.Sprintf("the post-commit hook is installed, but hook.ahead is false (%s): commits are not reviewed in the background", d.cfg.Source("hook.ahead")), "")
		return
	}
	d.r.add("ahead", Info, "the post-commit hook is installed: each commit is reviewed in the background, so a push of it reads the cache ('quorum status' says how far it got)", "")
}

func (d *doctor) checkHook(ctx context.Context, reachable, panelReady bool) {
	defer d.checkAhead(ctx)
	onUnavailable := config.OnUnavailableAllow
	failOn := review.Critical
	if c, note := d.pushConfig(ctx); c != nil {
		onUnavailable, failOn = c.Hook.OnUnavailable, c.Hook.FailOn
		if note != "" {
			d.r.add("hook", Info, safetext.OneLine(note), "")
		}
	}
	installed, hookActive := d.hookState(ctx)
	if v, err := hook.LoadVerdicts(ctx, d.dir()); err == nil && v.Damaged() != nil {
		d.r.add("hook", Warn, safetext.OneLine(v.Damaged().Error())+": which earlier pushes were blocked is unknown, so a push the hook cannot review whole is refused",
			safetext.OneLine(v.DamagedHint()))
	}
	if d.hookGate != "" {
		d.r.add("hook", Fail, installed+d.hookGate, fmt.Sprintf("lower hook.min_agreement to at most %d, or add models to models: (.quorum.yaml or the user config)", d.panelSize))
		return
	}
	down := "if ollama is down, a push is allowed with a warning (hook.on_unavailable: allow)"
	if onUnavailable == config.OnUnavailableBlock {
		down = "if ollama is down, a push is blocked (hook.on_unavailable: block)"
	}
	switch {
	case reachable && panelReady && !hookActive:
		// Nothing runs on push: say what would happen once it is installed.
		d.r.add("hook", OK, fmt.Sprintf("%sonce installed, a push would be reviewed and blocked on %s findings; %s", installed, failOn, down), "")
	case reachable && panelReady:
		d.r.add("hook", OK, fmt.Sprintf("%sa push is reviewed and blocked on %s findings; %s", installed, failOn, down), "")
	case reachable && d.partial && onUnavailable == config.OnUnavailableBlock:
		d.r.add("hook", Warn, installed+fmt.Sprintf("a push now would be BLOCKED: %d of the %d panel models %s missing (hook.on_unavailable: block)", d.panelSize-d.usable, d.panelSize, map[bool]string{true: "is", false: "are"}[d.panelSize-d.usable == 1]),
			"pull the missing models above, or push with `git push --no-verify` (or QUORUM_SKIP=1)")
	case reachable && d.partial && hookActive:
		d.r.add("hook", Warn, installed+fmt.Sprintf("a push now would be reviewed by %d of %d panel models, with a warning, and blocked on %s findings (hook.on_unavailable: allow)", d.usable, d.panelSize, failOn),
			"pull the missing models above")
	case reachable && d.partial:
		d.r.add("hook", Warn, installed+fmt.Sprintf("once installed, a push would be reviewed by %d of %d panel models, with a warning (hook.on_unavailable: allow)", d.usable, d.panelSize),
			"pull the missing models above")
	case onUnavailable == config.OnUnavailableBlock:
		d.r.add("hook", Warn, installed+"a push now would be BLOCKED: the panel cannot run (hook.on_unavailable: block)",
			"fix the ollama/panel problems above, or push with `git push --no-verify` (or QUORUM_SKIP=1)")
	default:
		d.r.add("hook", Warn, installed+"a push now would go through UNREVIEWED with a warning (hook.on_unavailable: allow)",
			"fix the ollama/panel problems above")
	}
}

// isLoopbackName reports whether hostport is plainly this machine, without
// any lookup.
func isLoopbackName(hostport string) bool {
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = hostport
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	return host == "localhost"
}

// familySuggestions are small chat models of distinct families, in the
// order doctor suggests them.
var familySuggestions = []string{"qwen2.5-coder:7b", "llama3.1:8b", "gemma2:9b", "mistral:7b", "deepseek-coder-v2:16b"}

// family is a model name's family: the letters its base name starts with
// ("qwen2.5-coder:7b" → "qwen", "library/llama3.1" → "llama").
func family(name string) string {
	name = strings.ToLower(name)
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	end := strings.IndexFunc(name, func(r rune) bool { return r < 'a' || r > 'z' })
	if end < 0 {
		return name
	}
	return name[:end]
}

// secondReviewerHint tells a one-model panel how to get a second opinion:
// --models with chat models already installed (of another family first),
// and else a model to pull whose family is not installed at all.
func secondReviewerHint(only string, installed []review.ModelInfo) string {
	// Installed models are told apart by the family the server reports
	// (panel.Family: codellama is a llama), as `quorum models` and the
	// panel do; models to pull, by the letters of their names.
	have := map[string]bool{family(only): true}
	haveFamily := map[string]bool{}
	// A copy of the model under another name (`ollama cp`) is the same
	// weights: review refuses it as a second reviewer.
	digest := ""
	for _, m := range installed {
		if review.ModelName(m.Name) == review.ModelName(only) {
			digest = m.Digest
			haveFamily[panel.Family(m)] = true
		}
	}
	var other []string
	for _, m := range installed {
		if digest != "" && m.Digest == digest {
			continue
		}
		if m.Name != only && panel.ChatCapable(m) && !have[family(m.Name)] && !haveFamily[panel.Family(m)] {
			other = append(other, safetext.OneLine(m.Name))
		}
		have[family(m.Name)] = true
		haveFamily[panel.Family(m)] = true
	}
	pull := ""
	for _, s := range familySuggestions {
		if !have[family(s)] {
			pull = s
			break
		}
	}
	switch {
	case len(other) > 0 && pull != "":
		return fmt.Sprintf("add an installed model of another family with `--models %s,%s` (or models: in .quorum.yaml), or `ollama pull %s`", only, other[0], pull)
	case len(other) > 0:
		return fmt.Sprintf("add an installed model of another family with `--models %s,%s` (or models: in .quorum.yaml)", only, other[0])
	case pull != "":
		return fmt.Sprintf("install a chat model of another family, e.g. `ollama pull %s`", pull)
	}
	return "install a chat model of another family (`quorum models` lists what is installed)"
}
