// Package configcmd implements `quorum config show`: the effective configuration and where each value came from.
package configcmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/quorum-review/quorum/internal/safetext"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/iostreams"
)

// NewCmdConfig builds `quorum config` with its subcommands.
func NewCmdConfig(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Inspect quorum's configuration",
		Long: `quorum reads, lowest precedence first: built-in defaults, the user file
($XDG_CONFIG_HOME/quorum/config.yaml, else ~/.config/quorum/config.yaml), the
repository's .quorum.yaml, QUORUM_* environment variables (QUORUM_HOOK_FAIL_ON
sets hook.fail_on; lists are comma-separated), then command-line flags.
OLLAMA_HOST, the ollama CLI's variable, sets host only when none of these
does: host is --host, else QUORUM_HOST (or QUORUM_OLLAMA_HOST), else the
.quorum.yaml, else the user file, else OLLAMA_HOST, else 127.0.0.1:11434.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(NewCmdShow(f, nil))
	return cmd
}

// ShowOptions are the parsed flags of `quorum config show`.
type ShowOptions struct {
	IO     *iostreams.IOStreams
	Dir    string
	Getenv func(string) string
	JSON   bool
}

// NewCmdShow builds `quorum config show`.
func NewCmdShow(f *cmdutil.Factory, runF func(*ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print the effective configuration and where each value came from",
		Example: `  quorum config show
  QUORUM_HOOK_FAIL_ON=important quorum config show --json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Dir = f.WorkDir
			opts.Getenv = f.Getenv
			if runF != nil {
				return runF(opts)
			}
			// The command people check their settings with says, as review
			// and the hook do, which QUORUM_ variables are no setting.
			config.WarnUnknownEnv(f.IOStreams.ErrOut, f.Environ, f.Getenv, "config")
			return showRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON: files and {key, value, source} entries")
	return cmd
}

func showRun(opts *ShowOptions) error {
	dir := opts.Dir
	if dir == "" {
		d, err := os.Getwd()
		if err != nil {
			return err
		}
		dir = d
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	// Outside a repository no .quorum.yaml applies (review refuses to run
	// there): one in the current directory is not shown as the repo's.
	_, inRepo := config.FindRepoRoot(dir)
	load := config.Load
	if !inRepo {
		load = config.LoadWithoutRepoFile
	}
	cfg, err := load(dir, getenv)
	if err != nil {
		return err
	}
	if !inRepo {
		cfg.RepoFile = ""
	}
	out := opts.IO.Out
	if opts.JSON {
		// Values stay exact; C1 and bidi characters are \u escapes.
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(struct {
			RepoFile string         `json:"repo_file"`
			UserFile string         `json:"user_file"`
			Entries  []config.Entry `json:"entries"`
		}{cfg.RepoFile, cfg.UserFile, cfg.Entries()}); err != nil {
			return err
		}
		_, err := out.Write(safetext.EscapeJSON(buf.Bytes()))
		return err
	}
	if inRepo {
		fmt.Fprintf(out, "repo file: %s%s\n", cfg.RepoFile, missing(cfg.RepoFile))
	} else {
		fmt.Fprintln(out, "repo file: none (not in a git repository)")
	}
	fmt.Fprintf(out, "user file: %s%s\n\n", cfg.UserFile, missing(cfg.UserFile))
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tSOURCE")
	for _, e := range cfg.Entries() {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", e.Key, e.Value, e.Source)
	}
	return tw.Flush()
}

func missing(p string) string {
	if p == "" {
		return "(none: HOME is not set)"
	}
	if _, err := os.Stat(p); err != nil {
		return " (not present)"
	}
	return ""
}
