package reviewcmd

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/review"
)

// emit writes the outcome of the model-calling stage. Until consolidation is
// wired in, it prints the raw results; --raw keeps this view afterwards.
func emit(opts *ReviewOptions, set *diff.Set, raw *review.Raw) error {
	_ = set
	if opts.Format == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(raw)
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

// clean drops control characters from model and repository text, so nothing
// a model wrote can drive the terminal.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}
