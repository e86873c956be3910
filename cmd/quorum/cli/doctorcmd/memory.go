package doctorcmd

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/quorum-review/quorum/internal/cmdutil"
	"github.com/quorum-review/quorum/internal/safetext"
	"github.com/quorum-review/quorum/review"
	"github.com/quorum-review/quorum/review/panel"
)

// Meminfo is what /proc/meminfo says, in bytes.
type Meminfo struct {
	Total, Available int64
}

func readMeminfo(path string) (Meminfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return Meminfo{}, err
	}
	defer f.Close()
	vals := map[string]int64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		n, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			continue
		}
		if len(fields) > 1 && strings.EqualFold(fields[1], "kB") {
			n *= 1024
		}
		vals[key] = n
	}
	if err := sc.Err(); err != nil {
		return Meminfo{}, err
	}
	m := Meminfo{Total: vals["MemTotal"], Available: vals["MemAvailable"]}
	if m.Available == 0 { // kernels before 3.14
		m.Available = vals["MemFree"] + vals["Cached"] + vals["Buffers"]
	}
	if m.Total == 0 {
		return Meminfo{}, fmt.Errorf("%s has no MemTotal", path)
	}
	return m, nil
}

// Need estimates the memory one model takes when loaded with numCtx: its
// weights (the size Ollama reports) plus 5% for buffers, plus a KV cache of
// 1.6e-5 bytes per parameter per token of context (about what grouped-query
// 7-8B models use at f16: 128 KB a token for llama3.1:8b). A rough figure:
// Ollama's own estimate needs the architecture, and a GPU changes it.
func Need(m review.ModelInfo, numCtx int) int64 {
	weights := float64(m.SizeBytes)
	kv := panel.ParameterCount(m.ParameterSize) * 1.6e-5 * float64(numCtx)
	if kv == 0 {
		kv = weights * 0.1
	}
	return int64(weights*1.05 + kv)
}

// FitResult is the memory verdict for a panel.
type FitResult struct {
	Status Status
	Detail string
	Fix    string
}

// Fit says whether the panel fits: all models at once, one at a time, or not.
func Fit(models []review.ModelInfo, mem Meminfo, numCtx func(review.ModelInfo) int) FitResult {
	var sum, largest int64
	var big review.ModelInfo
	for _, m := range models {
		n := Need(m, numCtx(m))
		sum += n
		if n > largest {
			largest, big = n, m
		}
	}
	avail, total := cmdutil.Bytes(mem.Available), cmdutil.Bytes(mem.Total)
	name := safetext.OneLine(big.Name)
	if sum == 0 {
		// No model's size known (an OpenAI-compatible server lists none):
		// nothing to weigh against the memory.
		return FitResult{Info, fmt.Sprintf("not checked: the server reports no model sizes (%s available of %s)", avail, total), ""}
	}
	switch {
	case sum <= mem.Available && len(models) == 1:
		return FitResult{OK, fmt.Sprintf("the panel fits: ~%s for %s, %s available of %s (estimate; a GPU changes this, see `ollama ps`)",
			cmdutil.Bytes(sum), name, avail, total), ""}
	case sum <= mem.Available:
		return FitResult{OK, fmt.Sprintf("the panel fits concurrently: ~%s for all %d models, %s available of %s (estimate; a GPU changes this, see `ollama ps`)",
			cmdutil.Bytes(sum), len(models), avail, total), ""}
	case largest <= mem.Available:
		return FitResult{OK, fmt.Sprintf("fits one model at a time (model by model, the default): largest %s ~%s, %s available of %s; all %d at once would need ~%s",
			name, cmdutil.Bytes(largest), avail, total, len(models), cmdutil.Bytes(sum)), ""}
	case largest <= mem.Total:
		return FitResult{Warn, fmt.Sprintf("%s needs ~%s but only %s is available now (%s total): loading will swap or fail",
			name, cmdutil.Bytes(largest), avail, total), "close memory-hungry programs, or choose smaller models (`quorum models`)"}
	default:
		return FitResult{Fail, fmt.Sprintf("%s needs ~%s but this machine has %s in all", name, cmdutil.Bytes(largest), total),
			"choose a smaller model or quantization (`quorum models`, then --models or models: in .quorum.yaml)"}
	}
}

// meminfo reads the system's memory (MeminfoPath, else /proc/meminfo).
func (d *doctor) meminfo() (Meminfo, error) {
	path := d.opts.MeminfoPath
	if path == "" {
		path = "/proc/meminfo"
	}
	return readMeminfo(path)
}

// JudgeFit says whether the judge (shown as name) fits in memory when it
// is asked, loaded with numCtx (the most it may ask: it sizes num_ctx to
// each prompt, up to that), beside the panel's models at theirs.
//
// The rule is the one Fit applies between reviewers. The judge is asked
// after every reviewer has answered, so the reviewers' models are loaded
// but idle (quorum never unloads them: they stay for keep_alive, 10
// minutes). Ollama's scheduler (server/sched.go) loads a model beside the
// others when it fits, and else unloads idle models, least recently used
// first, until it does; that is what makes a panel that fits "one model
// at a time" run. So the judge needs its own room, not room beside the
// panel: it fits when it fits in the memory available now. That it also
// fits beside the panel only says that no reviewer is unloaded for it (at
// the default OLLAMA_MAX_LOADED_MODELS, 3 a GPU or 3 on a CPU, a fourth
// model unloads one anyway), and the next review reloads what was. A judge that is one of
// the panel's models is loaded again for its own num_ctx, in that
// reviewer's place. A judge that does not fit on its own warns, never
// fails: it cannot block a review, whose rules then group the findings.
func JudgeFit(judge review.ModelInfo, name string, numCtx int, models []review.ModelInfo, mem Meminfo, reviewerCtx func(review.ModelInfo) int) FitResult {
	need := Need(judge, numCtx)
	with, others, reviewers := need, 0, "reviewers'"
	for _, m := range models {
		if (judge.Digest != "" && m.Digest == judge.Digest) || m.Name == judge.Name {
			reviewers = "other reviewers'" // the judge reloads in its place
			continue
		}
		with += Need(m, reviewerCtx(m))
		others++
	}
	avail, total := cmdutil.Bytes(mem.Available), cmdutil.Bytes(mem.Total)
	const off = "name a smaller judge in merge.judge (`quorum models`), or merge.judge: none"
	switch {
	case judge.SizeBytes <= 0:
		return FitResult{Info, fmt.Sprintf("%s: the server reports no size for the judge, so its memory is not checked", name), ""}
	case with <= mem.Available && others > 0:
		return FitResult{OK, fmt.Sprintf("%s fits beside the panel: ~%s for the judge (num_ctx %d) and the %d %s models, %s available of %s",
			name, cmdutil.Bytes(with), numCtx, others, reviewers, avail, total), ""}
	case need <= mem.Available && others > 0:
		return FitResult{OK, fmt.Sprintf("%s fits once the reviewers are done: ~%s (num_ctx %d), %s available of %s; ollama unloads idle reviewers to load it (beside all of them it would need ~%s)",
			name, cmdutil.Bytes(need), numCtx, avail, total, cmdutil.Bytes(with)), ""}
	case need <= mem.Available:
		return FitResult{OK, fmt.Sprintf("%s fits: ~%s (num_ctx %d), %s available of %s", name, cmdutil.Bytes(need), numCtx, avail, total), ""}
	case need <= mem.Total:
		return FitResult{Warn, fmt.Sprintf("%s needs ~%s as judge (num_ctx %d) but only %s is available now (%s total), even with the reviewers unloaded: loading it will swap or fail, and then quorum's rules group the findings",
			name, cmdutil.Bytes(need), numCtx, avail, total), "close memory-hungry programs, " + off}
	default:
		return FitResult{Warn, fmt.Sprintf("%s needs ~%s as judge (num_ctx %d) but this machine has %s in all: it cannot load, so quorum's rules will group the findings",
			name, cmdutil.Bytes(need), numCtx, total), off}
	}
}
