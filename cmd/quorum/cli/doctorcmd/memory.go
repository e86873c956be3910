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
