// Package initcmd implements `quorum init`: write a commented starter .quorum.yaml from the models Ollama has.
package initcmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/cmd/quorum/cli/errmap"
	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/atomicfile"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
)

// ModelLister lists the models installed on the server; internal/ollama's
// client satisfies it.
type ModelLister interface {
	List(ctx context.Context) ([]review.ModelInfo, error)
}

var _ ModelLister = (pipeline.Backend)(nil)

// InitOptions are the parsed flags of `quorum init`.
type InitOptions struct {
	IO      *iostreams.IOStreams
	Context context.Context
	Dir     string
	Getenv  func(string) string
	Now     func() time.Time
	Force   bool
	// Lister builds the model lister for the effective configuration.
	Lister func(cfg *config.Config) (ModelLister, error)
}

// NewCmdInit builds `quorum init`.
func NewCmdInit(f *cmdutil.Factory, runF func(*InitOptions) error) *cobra.Command {
	opts := &InitOptions{IO: f.IOStreams}
	opts.Lister = func(cfg *config.Config) (ModelLister, error) {
		return pipeline.OpenBackend(pipeline.SpecFor(cfg, config.Model{}, f.Getenv))
	}
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starter .quorum.yaml at the repository root",
		Long: `Write a commented starter .quorum.yaml at the repository root, with a panel
picked from the models your local Ollama has (up to three chat models of
different families, coder models first). When Ollama cannot be reached the
file is written with the defaults and a comment saying so.

An existing file is never overwritten without --force, and --force keeps
it as .quorum.yaml.bak (.quorum.yaml.bak.2 and so on when that is taken).`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Context = cmd.Context()
			opts.Dir = f.WorkDir
			opts.Getenv = f.Getenv
			opts.Now = f.Now
			if runF != nil {
				return runF(opts)
			}
			return initRun(opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Force, "force", false, "overwrite an existing .quorum.yaml, keeping it as .quorum.yaml.bak (.bak.2 and so on when taken)")
	return cmd
}

func initRun(opts *InitOptions) error {
	ctx := opts.Context
	if ctx == nil {
		ctx = context.Background()
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	dir := opts.Dir
	if dir == "" {
		d, err := os.Getwd()
		if err != nil {
			return err
		}
		dir = d
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	// A bare repository has no work tree for .quorum.yaml to configure.
	if de := diff.BareRepoAt(abs); de != nil {
		return exitcode.New(exitcode.Setup, de, errmap.DiffHint(de))
	}
	// Outside a repository the file would land in whatever directory this
	// is (the home directory, often), where no review reads it.
	if _, err := diff.WorkTree(abs); err != nil {
		var de *diff.Error
		if errors.As(err, &de) && de.Kind == diff.NotRepo && de.Env == "" {
			hint := "cd into the repository to configure (or 'git init' one)"
			if u := config.UserFile(getenv); u != "" {
				hint += "; settings for every repository go in " + u
			}
			return exitcode.New(exitcode.Setup, de, hint)
		}
		return exitcode.New(exitcode.Setup, err, errmap.Hint(err))
	}
	path := filepath.Join(config.RepoRoot(abs), config.RepoFileName)
	old, statErr := os.Lstat(path)
	if statErr == nil && !opts.Force {
		return exitcode.Setupf("edit it, or rerun with --force to replace it", "%s already exists", path)
	}
	if statErr == nil && !old.Mode().IsRegular() && old.Mode()&os.ModeSymlink == 0 {
		// --force replaces a file; a directory (or device) there is a mistake.
		return exitcode.Setupf(fmt.Sprintf("move %s aside yourself, then rerun with --force", path), "%s is not a regular file", path)
	}
	cfg, err := config.Load(dir, getenv)
	if err != nil {
		if !opts.Force {
			return err
		}
		// The file being replaced is the broken one: start without it, so
		// the user file and the environment (OLLAMA_HOST) still apply.
		fmt.Fprintf(opts.IO.ErrOut, "quorum: warning: ignoring the current configuration: %s\n", safetext.OneLine(err.Error()))
		if cfg, err = config.LoadWithoutRepoFile(dir, getenv); err != nil {
			cfg = config.Default() // the user file or environment is broken too; the defaults still write a file
		}
	}
	var models []review.ModelInfo
	var listErr error
	lister, err := opts.Lister(cfg)
	if err != nil {
		return err // a refused (non-loopback) host: the user must decide
	}
	lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	models, listErr = lister.List(lctx)
	cancel()
	if listErr != nil && !errors.Is(listErr, review.ErrUnreachable) {
		// Any other failure is still no reason to withhold a starter file.
		listErr = fmt.Errorf("listing models: %w", listErr)
	}
	data := Starter(StarterInput{Installed: models, ListErr: listErr, Host: cfg.OllamaHost})
	backup := ""
	if statErr == nil {
		if backup, err = backUp(path, old); err != nil {
			return err
		}
	}
	if err := atomicfile.Write(path, data, 0o644); err != nil {
		return exitcode.New(exitcode.Setup, fmt.Errorf("writing %s: %w", path, err), "check the directory's permissions")
	}
	if backup != "" {
		fmt.Fprintf(opts.IO.Out, "kept the old file as %s\n", backup)
	}
	fmt.Fprintf(opts.IO.Out, "wrote %s\n", path)
	if listErr != nil {
		fmt.Fprintf(opts.IO.ErrOut, "quorum: warning: could not list Ollama's models (%v); the file uses the defaults\n", safetext.OneLine(listErr.Error()))
		fmt.Fprintln(opts.IO.ErrOut, "hint: start Ollama ('ollama serve'), then 'quorum init --force' picks the panel from its models")
	}
	fmt.Fprintln(opts.IO.Out, "check it with: quorum config show")
	return nil
}

// writeBackup writes a backup; a test makes it fail (as root, no directory
// refuses a write).
var writeBackup = atomicfile.Write

// backupSuffix names the copy --force keeps of the file it replaces.
const backupSuffix = ".bak"

// freeBackup is path.bak, or after earlier --force runs path.bak.N, one
// above the highest there: a second --force must not replace the backup of
// the hand-written file with the starter the first one wrote, and the
// numbers keep telling the order even when a backup was deleted.
func freeBackup(path string) string {
	bak := path + backupSuffix
	highest := 0
	if _, err := os.Lstat(bak); err == nil {
		highest = 1
	}
	names, _ := filepath.Glob(globEscape(bak) + ".*")
	for _, name := range names {
		if n, err := strconv.Atoi(strings.TrimPrefix(name, bak+".")); err == nil && n > highest {
			highest = n
		}
	}
	if highest == 0 {
		return bak
	}
	return fmt.Sprintf("%s.%d", bak, highest+1)
}

// globEscape quotes the glob metacharacters of a literal path.
func globEscape(p string) string {
	return strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`).Replace(p)
}

// backUp copies the file --force is about to replace to a backup path
// nobody uses yet (freeBackup), with its permissions, and returns that
// path. It is written whole (a temp file renamed into place), so a crash
// leaves no torn file; nothing is replaced when it fails. A symbolic link
// (a config shared from elsewhere) is kept as a link: the backup points
// where it pointed, and the shared file is never written.
func backUp(path string, fi os.FileInfo) (string, error) {
	bak := freeBackup(path)
	failed := func(err error, hint string) (string, error) {
		return "", exitcode.New(exitcode.Setup, fmt.Errorf("backing up %s: %w", path, err), hint)
	}
	writeHint := fmt.Sprintf("check that %s can be written (free disk space, permissions), then rerun with --force", filepath.Dir(bak))
	if fi.Mode()&os.ModeSymlink != 0 {
		target, err := os.Readlink(path)
		if err != nil {
			return failed(err, fmt.Sprintf("move %s aside yourself, then rerun with --force", path))
		}
		tmp := fmt.Sprintf("%s.%d.tmp", bak, os.Getpid())
		_ = os.Remove(tmp)
		if err := os.Symlink(target, tmp); err != nil {
			return failed(err, writeHint)
		}
		if err := os.Rename(tmp, bak); err != nil {
			_ = os.Remove(tmp)
			return failed(err, writeHint)
		}
		return bak, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return failed(err, fmt.Sprintf("move %s aside yourself, then rerun with --force", path))
	}
	if err := writeBackup(bak, data, fi.Mode().Perm()); err != nil {
		return failed(err, writeHint)
	}
	return bak, nil
}
