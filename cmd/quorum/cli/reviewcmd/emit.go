package reviewcmd

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/gitexec"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/report"
)

// Version is the tool version recorded in reports; the CLI root sets it.
var Version = "dev"

// policyOf is the gate and severity policy of `quorum review`.
func policyOf(cfg *config.Config) report.Policy {
	return report.Policy{Severity: cfg.SeverityPolicy, FailOn: cfg.Review.FailOn, MinAgreement: cfg.Review.MinAgreement}
}

// Consolidated is a built report and where it was saved ("" when not saved).
type Consolidated struct {
	Report *report.Report
	Dir    string
}

// request is the pipeline request of this command over set; save says
// whether the report is saved in the repository's git dir.
func request(opts *ReviewOptions, cfg *config.Config, set *diff.Set, policy report.Policy, save bool) (pipeline.Request, error) {
	req := pipeline.Request{
		Set:    set,
		Policy: policy,
		Meta: report.Meta{
			Branch:      cmp.Or(set.Branch, branchOf(opts.Diff.Git, set.Root)), // the loaded diff knows it; a replayed one does not
			ToolVersion: Version,
			Options:     reportOptions(cfg, policy),
		},
		Now: opts.Now,
	}
	if save {
		var err error
		if req.GitDir, err = diff.GitDir(set.Root); err != nil {
			return req, err
		}
	}
	return req, nil
}

// consolidate reruns the pure part of the pipeline over saved or empty raw
// answers: no model call.
func consolidate(ctx context.Context, opts *ReviewOptions, cfg *config.Config, set *diff.Set, raw *review.Raw, policy report.Policy) (*Consolidated, error) {
	req, err := request(opts, cfg, set, policy, false)
	if err != nil {
		return nil, err
	}
	req.Raw = raw
	res, err := pipeline.Review(ctx, nil, req)
	if err != nil {
		return nil, err
	}
	return &Consolidated{Report: res.Report}, nil
}

// emit writes a consolidated report in the chosen format, says where it was
// saved, and returns FindingsError when the gate tripped.
func emit(opts *ReviewOptions, c *Consolidated) error {
	view := cmdutil.ReportView{Format: opts.Format, Full: opts.Full, NoPager: opts.NoPager, WorkDir: opts.WorkDir}
	if c.Dir != "" {
		view.SavedIn = filepath.Join(relative(opts.WorkDir, c.Dir), "report.md")
	}
	if err := cmdutil.ShowReport(opts.IO, c.Report, view); err != nil {
		return err
	}
	text := opts.Format == "text"
	// The text format's footer already says where the report is.
	if c.Dir != "" && !opts.Quiet && !(text && opts.IO.StdoutTTY) {
		fmt.Fprintf(opts.IO.ErrOut, "quorum: report saved in %s\n", relative(opts.WorkDir, c.Dir))
	}
	if c.Report.GateTripped() {
		return exitcode.FindingsError
	}
	return nil
}

// reportOptions are the settings shown in the report header and JSON.
func reportOptions(cfg *config.Config, p report.Policy) map[string]string {
	return map[string]string{
		"max_context":       strconv.Itoa(cfg.MaxContext),
		"context":           cfg.Context,
		"parallel":          strconv.Itoa(cfg.Parallel),
		"concurrent_models": strconv.Itoa(cfg.ConcurrentModels),
		"severity_policy":   p.Severity,
		"fail_on":           p.FailOn,
		"min_agreement":     strconv.Itoa(p.MinAgreement),
	}
}

// branchOf names the checked-out branch, or "" on a detached HEAD. It does
// not use the command's context: after Ctrl-C the partial report still
// names its branch.
func branchOf(git *gitexec.Git, root string) string {
	if root == "" {
		return ""
	}
	out, err := git.In(root).Output(context.Background(), "symbolic-ref", "--short", "-q", "HEAD")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func relative(base, p string) string { return cmdutil.Relative(base, p) }

// emitRaw writes the outcome of the model-calling stage as it is: the
// debugging view of `--raw`.
func emitRaw(opts *ReviewOptions, raw *review.Raw) error {
	if opts.Format == "json" {
		// Names stay exact; C1 and bidi characters are \u escapes.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(raw); err != nil {
			return err
		}
		_, err := opts.IO.Out.Write(safetext.EscapeJSON(buf.Bytes()))
		return err
	}
	return writeRawText(opts.IO.Out, raw)
}

// writeRawText prints the raw results for people: per reviewer its status,
// metrics, and each chunk's findings exactly as the model gave them.
func writeRawText(w io.Writer, raw *review.Raw) error {
	var b strings.Builder
	if raw.Interrupted {
		b.WriteString("(interrupted: partial results)\n\n")
	}
	for _, r := range raw.Results {
		m := r.Metrics
		fmt.Fprintf(&b, "%s (%s): %s", clean(r.Reviewer.Name), clean(r.Reviewer.Model), r.Status)
		if r.Error != "" {
			fmt.Fprintf(&b, ": %s", clean(r.Error))
		}
		b.WriteString("\n")
		if r.Hint != "" {
			fmt.Fprintf(&b, "  hint: %s\n", clean(r.Hint))
		}
		if r.Status == review.StatusMissing {
			b.WriteString("\n")
			continue
		}
		fmt.Fprintf(&b, "  num_ctx %d, %d chunks, %d requests, %d retries, %d cached\n", r.Options.NumCtx, len(r.Chunks), m.Requests, m.Retries, m.CacheHits)
		fmt.Fprintf(&b, "  wall %s, load %s, generation %s, tokens in %d / out %d, %.1f tokens/s\n",
			m.Wall.Round(1e6), m.LoadDuration.Round(1e6), m.EvalDuration.Round(1e6), m.PromptTokens, m.EvalTokens, m.TokensPerSecond())
		if len(r.NotCovered) > 0 {
			fmt.Fprintf(&b, "  not covered: %s\n", clean(strings.Join(r.NotCovered, ", ")))
		}
		for _, c := range r.Chunks {
			fmt.Fprintf(&b, "  chunk %s (%s)", c.Chunk, clean(strings.Join(c.Files, ", ")))
			if c.Cached {
				b.WriteString(" [cached]")
			}
			if c.Answer == nil {
				fmt.Fprintf(&b, ": failed: %s\n", clean(c.Error))
				continue
			}
			b.WriteString("\n")
			if s := strings.TrimSpace(c.Answer.Summary); s != "" {
				fmt.Fprintf(&b, "    summary: %s\n", clean(s))
			}
			for _, f := range c.Answer.Findings {
				fmt.Fprintf(&b, "    - [%s/%s] %s:%d %s\n", clean(f.Severity), clean(f.Category), clean(f.File), f.Line, clean(f.Title))
			}
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// clean makes model and repository text safe for one terminal line: the
// report's own sanitiser (escape sequences, control characters, bidi
// overrides), then newlines and tabs as spaces.
func clean(s string) string {
	return strings.NewReplacer("\n", " ", "\t", " ").Replace(safetext.Sanitize(s))
}
