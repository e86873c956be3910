// Package modelscmd implements `quorum models`: the installed Ollama models and the panel quorum would use.
package modelscmd

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
)

// ModelsOptions are the parsed flags of `quorum models`.
type ModelsOptions struct {
	IO      *iostreams.IOStreams
	Factory *cmdutil.Factory
	Context context.Context

	Conn    cmdutil.Connection
	Format  string
	Timeout time.Duration

	// Resolver is injected by tests of the loopback guard; nil means DNS.
	Resolver ollama.Resolver
}

// NewCmdModels builds `quorum models`. runF replaces the run function in
// tests of flag parsing; nil means the real one.
func NewCmdModels(f *cmdutil.Factory, runF func(*ModelsOptions) error) *cobra.Command {
	opts := &ModelsOptions{IO: f.IOStreams, Factory: f}
	cmd := &cobra.Command{
		Use:   "models",
		Short: "List the installed Ollama models and the panel quorum would use",
		Long: `List the models installed in the local Ollama with family, parameter size,
quantization, context length and capabilities. Models marked * form the panel:
the models configured in .quorum.yaml, else the default selection (up to three
chat models of distinct families, coder models first, then larger ones).`,
		Example: `  quorum models
  quorum models --format json
  quorum models --ollama-host 127.0.0.1:11500`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Context = cmd.Context()
			switch opts.Format {
			case "text", "json":
			default:
				return exitcode.Setupf("use --format text or --format json", "unknown format %q", opts.Format)
			}
			if opts.Timeout <= 0 {
				return exitcode.Setupf("use a positive duration such as --timeout 1m", "--timeout must be positive")
			}
			if runF != nil {
				return runF(opts)
			}
			return modelsRun(opts)
		},
	}
	opts.Conn.AddFlags(cmd.Flags())
	cmd.Flags().StringVar(&opts.Format, "format", "text", "output format: text or json")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", time.Minute, "give up on Ollama after `DURATION`")
	return cmd
}

// Listing is the JSON shape of `quorum models --format json`.
type Listing struct {
	Host    string  `json:"host"`
	Version string  `json:"version"`
	Models  []Entry `json:"models"`
	// Panel names the reviewers a review would use, in order.
	Panel []string `json:"panel"`
	// PanelSource is "default" (chosen from what is installed) or "config".
	PanelSource string `json:"panel_source"`
	// Missing are configured panel models that are not installed.
	Missing []string `json:"missing,omitempty"`
	// Elsewhere are configured panel models on servers of their own
	// (models: with a host), which this listing of one server does not
	// show: "name at host".
	Elsewhere []string `json:"elsewhere,omitempty"`
}

// Entry is one installed model.
type Entry struct {
	review.ModelInfo
	Panel bool `json:"panel"`
}

func modelsRun(opts *ModelsOptions) error {
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()

	cfg, err := opts.Conn.Effective(opts.Factory)
	if err != nil {
		return err
	}
	client, err := cmdutil.Client(opts.Factory, cfg, opts.Resolver)
	if err != nil {
		return err
	}
	version, err := cmdutil.ServerVersion(ctx, client)
	if err != nil {
		return errmap.WithHostOrigin(err, cfg)
	}
	installed, err := client.List(ctx)
	if err != nil {
		return err
	}
	l := Listing{Host: client.Host(), Version: version, Models: []Entry{}, Panel: []string{}}
	chosen, source, missing := pipeline.ResolvePanel(cfg, installed, client.SameModel)
	l.PanelSource = source
	for _, name := range missing {
		// A model with a host of its own is looked for there, not here:
		// "not installed, pull it" would send the user to pull a model
		// they have ('quorum doctor' checks each on its server).
		if host := ownHost(cfg, name, client.Host()); host != "" {
			l.Elsewhere = append(l.Elsewhere, name+" at "+host)
			continue
		}
		l.Missing = append(l.Missing, name)
	}
	inPanel := map[string]bool{}
	for _, m := range chosen {
		inPanel[m.Name] = true
		l.Panel = append(l.Panel, m.Name)
	}
	for _, m := range installed {
		l.Models = append(l.Models, Entry{ModelInfo: m, Panel: inPanel[m.Name]})
	}
	if opts.Format == "json" {
		// Names stay exact; C1 and bidi characters are \u escapes.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(l); err != nil {
			return err
		}
		if _, err := opts.IO.Out.Write(safetext.EscapeJSON(buf.Bytes())); err != nil {
			return err
		}
	} else if err := writeText(opts.IO.Out, l); err != nil {
		return err
	}
	if len(chosen) == 0 {
		notFound := fmt.Errorf("no model: %w", review.ErrModelNotFound)
		if len(missing) > 0 {
			return exitcode.Setupf(client.Hint(notFound, missing[0]), "no configured panel model is installed in %s at %s", cfg.API, client.Host())
		}
		return exitcode.Setupf(client.Hint(notFound, "qwen2.5-coder:7b")+" (any chat model works)", "no chat-capable model is installed in %s at %s", cfg.API, client.Host())
	}
	return nil
}

func writeText(w io.Writer, l Listing) error {
	fmt.Fprintf(w, "ollama %s at %s\n\n", safetext.OneLine(displayVersion(l.Version)), l.Host)
	if len(l.Models) == 0 {
		fmt.Fprintln(w, "no models installed")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "PANEL\tNAME\tFAMILY\tPARAMS\tQUANT\tCONTEXT\tSIZE\tCAPABILITIES")
	for _, m := range l.Models {
		mark := ""
		if m.Panel {
			mark = "*"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", mark, safetext.OneLine(m.Name), dash(safetext.OneLine(m.Family)),
			dash(safetext.OneLine(m.ParameterSize)), dash(safetext.OneLine(m.Quantization)), contextText(m.ContextLength),
			cmdutil.Bytes(m.SizeBytes), dash(safetext.OneLine(strings.Join(m.Capabilities, ","))))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	switch {
	case l.PanelSource == "config":
		fmt.Fprintf(w, "* panel from the configuration (models): %s\n", oneLines(l.Panel))
		for _, m := range l.Missing {
			m = safetext.OneLine(m)
			fmt.Fprintf(w, "  configured model %s is not installed: run `ollama pull %s`\n", m, m)
		}
		for _, m := range l.Elsewhere {
			fmt.Fprintf(w, "  configured model %s, on its own server: not listed here ('quorum doctor' checks it there)\n", safetext.OneLine(m))
		}
	case len(l.Panel) > 0:
		fmt.Fprintf(w, "* default panel (chat models, distinct families, coders first): %s\n", oneLines(l.Panel))
	}
	return nil
}

// ownHost is the host of the configured model name when it names a
// server other than the one listed (here), else "".
func ownHost(cfg *config.Config, name, here string) string {
	for _, m := range cfg.Models {
		if m.Name == name && m.Host != "" && strings.TrimRight(m.Host, "/") != strings.TrimRight(here, "/") && !strings.HasSuffix(strings.TrimRight(m.Host, "/"), "//"+here) {
			return m.Host
		}
	}
	return ""
}

// oneLines joins names (from the server or the configuration) for one line
// of output, each sanitised.
func oneLines(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = safetext.OneLine(n)
	}
	return strings.Join(out, ", ")
}

func displayVersion(v string) string {
	if v == "" || v == "0.0.0" {
		return "(unknown version: " + strconv.Quote(v) + ", a development build?)"
	}
	return v
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func contextText(n int) string {
	if n <= 0 {
		return "-"
	}
	return strconv.Itoa(n)
}
