package evalcmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/quorum-review/quorum/diff"
	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/eval"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/internal/iostreams"
	"github.com/quorum-review/quorum/internal/ollama"
	"github.com/quorum-review/quorum/internal/pipeline"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/merge/corpus"
	"github.com/quorum-review/quorum/review/run"
)

// MergeOptions are the parsed flags of `quorum eval merge`.
type MergeOptions struct {
	IO      *iostreams.IOStreams
	Context context.Context
	Getenv  func(string) string
	Now     func() time.Time
	WorkDir string

	Judge          string
	Corpus         string
	Sets           []string
	Errors         bool
	Format         string
	MaxContext     int
	NoCache        bool
	Quiet          bool
	API            string
	Host           string
	AllowRemote    bool
	RequestTimeout time.Duration

	Flags *pflag.FlagSet
	// Resolver is the loopback guard's resolver (tests inject one); nil is the system's.
	Resolver ollama.Resolver
	// Busy is the client's backoff on 503 (tests shorten it); zero is the default.
	Busy ollama.BackoffPolicy
}

// mergeFlagKeys maps flags to the configuration keys they override.
var mergeFlagKeys = map[string]string{
	"judge":        "merge.judge",
	"max-context":  "max_context",
	"ollama-host":  "ollama_host",
	"host":         "host",
	"api":          "api",
	"allow-remote": "allow_remote",
}

// NewCmdEvalMerge builds `quorum eval merge`. runF replaces the run
// function in tests of flag parsing; nil means the real one.
func NewCmdEvalMerge(f *cmdutil.Factory, runF func(*MergeOptions) error) *cobra.Command {
	opts := &MergeOptions{IO: f.IOStreams, Getenv: f.Getenv, Now: f.Now, WorkDir: f.WorkDir}
	cmd := &cobra.Command{
		Use:   "merge",
		Short: "Measure how findings are grouped into issues, by the rules or a judge model",
		Long: `Score how findings are grouped into issues on labelled reviews: quorum's
rules, and with --judge (or merge.judge) the judge model, which reads the
code, as a review would use it (its answer where usable, else the rules).

Each review's findings carry the issue they are about. A pair of findings is
right when it is grouped exactly when the labels say one issue: precision
is the share of grouped pairs that are one issue (a wrong merge hides one
bug behind another), recall the share of one-issue pairs grouped (a split
shows one bug twice).

By default the corpora built into quorum are measured: 99 reviews in Go,
Python, TypeScript, Java, Rust, C, C#, Ruby and PHP, written as several
models would answer. The verdict compares the judge with the rules on the
reviews no rule was tuned on. --corpus measures your own: a directory of
.txtar reviews (or of directories of them), in the format of
review/merge/corpus/sets/README.md in quorum's source.

Answers are cached by the judge's digest and prompt, so an interrupted run
resumes and a second run asks nothing.`,
		Example: `  quorum eval merge
  quorum eval merge --judge qwen2.5-coder:14b
  quorum eval merge --judge qwen2.5-coder:14b --sets blind21,blind22 --errors
  quorum eval merge --corpus ./labelled --judge llama3.1:8b --format json > merge.json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Context = cmd.Context()
			opts.Flags = cmd.Flags()
			if err := validateMerge(opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return mergeRun(opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Judge, "judge", "", "measure judge `MODEL` beside the rules (none: the rules alone; default: merge.judge config)")
	fl.StringVar(&opts.Corpus, "corpus", "", "measure the labelled reviews in `DIR` (default: the built-in corpora)")
	fl.StringSliceVar(&opts.Sets, "sets", nil, "only these `SETS` of the corpus, comma-separated (the directories holding the reviews)")
	fl.BoolVar(&opts.Errors, "errors", false, "list every wrongly grouped pair")
	fl.StringVar(&opts.Format, "format", "text", "output `FORMAT`: text, markdown or json (schema "+eval.MergeSchema+")")
	fl.IntVar(&opts.MaxContext, "max-context", 0, "cap the judge's context window at `TOKENS` (default: max_context config)")
	fl.BoolVar(&opts.NoCache, "no-cache", false, "neither read nor write cached judge answers")
	fl.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress on stderr")
	cmdutil.AddServerFlags(fl, &opts.API, &opts.Host)
	fl.BoolVar(&opts.AllowRemote, "allow-remote", false, "allow a non-loopback model server (the corpus is sent to it)")
	fl.DurationVar(&opts.RequestTimeout, "request-timeout", DefaultRequestTimeout, "give up one judge request after `DURATION`")
	return cmd
}

func validateMerge(o *MergeOptions) error {
	if !slices.Contains(eval.Formats, o.Format) {
		return exitcode.Setupf("use --format text, markdown or json", "unknown format %q", o.Format)
	}
	if o.Flags != nil && o.Flags.Changed("max-context") && o.MaxContext < 1 {
		return exitcode.Setupf("give --max-context a positive number", "--max-context must be at least 1, got %d", o.MaxContext)
	}
	if o.RequestTimeout < 0 {
		return exitcode.Setupf("give a positive duration like 10m", "--request-timeout cannot be negative")
	}
	// `--corpus "$DIR"` with DIR unset is a mistake, never "the default".
	if o.Flags != nil && o.Flags.Changed("corpus") && strings.TrimSpace(o.Corpus) == "" {
		return exitcode.Setupf("give --corpus a directory, or leave it out to measure the built-in corpora", "--corpus is empty")
	}
	if o.Flags != nil && o.Flags.Changed("sets") && !slices.ContainsFunc(o.Sets, func(s string) bool { return strings.TrimSpace(s) != "" }) {
		return exitcode.Setupf("name sets, comma-separated, or leave --sets out to measure them all", "--sets is empty")
	}
	return nil
}

// corpusHint is the remedy for a corpus that cannot be measured.
const corpusHint = "give --corpus a directory of .txtar reviews in the format of review/merge/corpus/sets/README.md (quorum's source), or leave it out to measure the built-in corpora"

func mergeRun(o *MergeOptions) error {
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	cfg, err := loadConfig(o.WorkDir, o.Getenv, o.Flags, mergeFlagKeys, o.NoCache)
	if err != nil {
		return err
	}
	cases, st, err := loadMergeCorpus(o)
	if err != nil {
		return err
	}
	st.Judge = cfg.JudgeModel()
	if st.Judge != "" {
		if err := askJudge(ctx, o, cfg, cases); err != nil {
			return err
		}
	}
	return eval.WriteMerge(o.IO.Out, o.Format, eval.ScoreMerge(cases, st))
}

// loadMergeCorpus reads the built-in corpora or --corpus, keeping --sets.
func loadMergeCorpus(o *MergeOptions) ([]eval.MergeCase, eval.MergeSettings, error) {
	st := eval.MergeSettings{Corpus: "built-in", Errors: o.Errors}
	fsys := corpus.Builtin()
	if o.Corpus != "" {
		dir := o.Corpus
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(dirOr(o.WorkDir), dir)
		}
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, st, exitcode.Setupf(corpusHint, "--corpus %s is not a directory", o.Corpus)
		}
		fsys, st.Corpus = os.DirFS(dir), o.Corpus
	} else {
		st.Pool, st.Pools = corpus.Pool, corpus.Pools
		st.Unseen = func(set string) bool { return corpus.Pool(set) != corpus.PoolOlder }
	}
	sets, err := corpus.Sets(fsys)
	if err != nil {
		return nil, st, exitcode.Setupf(corpusHint, "cannot read --corpus %s: %v", o.Corpus, err)
	}
	if len(sets) == 0 {
		return nil, st, exitcode.Setupf(corpusHint, "--corpus %s holds no .txtar review", o.Corpus)
	}
	if len(o.Sets) > 0 {
		for _, s := range o.Sets {
			if !slices.Contains(sets, strings.TrimSpace(s)) {
				return nil, st, exitcode.Setupf("name sets among: "+strings.Join(sets, ", "), "--sets: no set %q in the corpus", s)
			}
		}
		sets = slices.DeleteFunc(sets, func(s string) bool {
			return !slices.ContainsFunc(o.Sets, func(want string) bool { return strings.TrimSpace(want) == s })
		})
	}
	var cases []eval.MergeCase
	for _, set := range sets {
		reviews, err := corpus.Load(fsys, set)
		if err != nil {
			hint := "fix the review archive: its format is review/merge/corpus/sets/README.md in quorum's source"
			if errors.Is(err, corpus.ErrRejected) {
				hint = "fix the review: each finding's quote must be in its diff, its line inside a hunk"
			}
			return nil, st, exitcode.Setupf(hint, "%s", firstLine(err))
		}
		name := set
		if set == "." { // reviews directly in --corpus: the set is the directory
			name = filepath.Base(filepath.Clean(o.Corpus))
		}
		for _, r := range reviews {
			if set == "." {
				r.Name = name + "/" + r.Name
			}
			cases = append(cases, eval.MergeCase{Set: name, Review: r})
		}
	}
	return cases, st, nil
}

// firstLine is an error's first line, with how many more it holds (a
// corpus may reject several findings; one line is the message).
func firstLine(err error) string {
	lines := strings.Split(err.Error(), "\n")
	if len(lines) == 1 {
		return lines[0]
	}
	return fmt.Sprintf("%s (and %d more)", lines[0], len(lines)-1)
}

// askJudge asks the judge about every review, one after another, with a
// line of progress each. A judge that cannot answer at all (missing, a
// server down, an embedding model) stops the run before the first review;
// one review's failure is that review's result (the rules group it).
func askJudge(ctx context.Context, o *MergeOptions, cfg *config.Config, cases []eval.MergeCase) error {
	session, err := pipeline.OpenJudge(pipeline.Options{
		Config: cfg, Resolver: o.Resolver, Busy: o.Busy, Getenv: o.Getenv, Now: o.Now, RequestTimeout: o.RequestTimeout,
	})
	if err != nil {
		return err
	}
	if err := session.CheckJudge(ctx); err != nil {
		return err
	}
	judge := safetext.OneLine(cfg.JudgeModel())
	for i := range cases {
		c := &cases[i]
		jr := session.Judge(ctx, &diff.Set{Files: c.Review.Files}, c.Review.Findings)
		if ctx.Err() != nil {
			return exitcode.New(exitcode.Setup, fmt.Errorf("eval merge interrupted after %d of %d reviews", i, len(cases)),
				"run the same command again: answers so far are cached, so it resumes (unless the cache is off)")
		}
		c.Judge = jr
		if !o.Quiet {
			fmt.Fprintf(o.IO.ErrOut, "quorum: eval merge: %d/%d %s (%d findings): %s\n", i+1, len(cases), c.Review.Name, len(c.Review.Findings), judgeOutcome(jr))
		}
		if jr != nil && judgeUnreachable(jr.Error) {
			// The server stopped answering: every review left would say
			// the same, and a score over them would measure the outage.
			return exitcode.New(exitcode.Setup, fmt.Errorf("the judge %s could not be asked after %d of %d reviews: %s", judge, i, len(cases), safetext.OneLine(jr.Error)),
				"start the model server (ollama serve) and run the same command again: answers so far are cached")
		}
	}
	if err := session.CacheErr(); err != nil {
		cmdutil.Warn(o.IO.ErrOut, "", err) // the scores stand; a second run would ask again
	}
	return nil
}

// judgeUnreachable says a judge error is about the server, not the review.
func judgeUnreachable(msg string) bool {
	return strings.HasPrefix(msg, run.JudgeUnreachable) || strings.Contains(msg, "connection refused") // refused mid-request: "the judge failed: ..."
}

func judgeOutcome(jr *review.JudgeRun) string {
	switch {
	case jr == nil:
		return "not asked"
	case jr.Skipped != "":
		return "skipped: " + safetext.OneLine(jr.Skipped)
	case jr.Error != "":
		return "no usable answer: " + safetext.OneLine(jr.Error)
	case jr.Metrics.CacheHits > 0:
		return "answered (cached)"
	}
	return "answered in " + jr.Metrics.Wall.Round(100*time.Millisecond).String()
}
