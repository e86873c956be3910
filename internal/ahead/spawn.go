package ahead

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// Spawn describes the background run the post-commit hook starts.
type Spawn struct {
	// Exe is the quorum binary; Args its arguments.
	Exe  string
	Args []string
	// Dir is the work tree the run starts in.
	Dir string
	// Env is the environment, cleaned by CleanEnv.
	Env []string
	// Log gets the run's stdout and stderr; stdin is /dev/null.
	Log *os.File
	// Nice is the niceness to run at (0: unchanged); it uses nice(1)
	// when it is on PATH.
	Nice int
}

// Start starts the run detached (a session of its own, its streams on the
// log and /dev/null, nothing of the hook's) and returns its pid at once,
// without waiting for it.
func (s Spawn) Start() (int, error) {
	path, args := s.Exe, s.Args
	if s.Nice > 0 {
		if nice, err := exec.LookPath("nice"); err == nil {
			path, args = nice, append([]string{"-n", strconv.Itoa(s.Nice), s.Exe}, s.Args...)
		}
	}
	cmd := exec.Command(path, args...)
	cmd.Dir, cmd.Env = s.Dir, s.Env
	null, err := os.Open(os.DevNull)
	if err != nil {
		return 0, err
	}
	defer null.Close()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = null, s.Log, s.Log
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	pid := cmd.Process.Pid
	_ = cmd.Process.Release()
	return pid, nil
}

// CleanEnv is env without what git sets for the commit in progress (the
// index it is writing, the subdirectory, the reflog message), and with
// GIT_OPTIONAL_LOCKS=0: the background run reads commits only and never
// touches the work tree or the index.
func CleanEnv(env []string) []string {
	drop := []string{"GIT_INDEX_FILE=", "GIT_PREFIX=", "GIT_REFLOG_ACTION=", "GIT_EDITOR=", "GIT_OPTIONAL_LOCKS=", "GIT_WORK_TREE=", "GIT_DIR="}
	out := make([]string, 0, len(env)+1)
next:
	for _, kv := range env {
		for _, d := range drop {
			if strings.HasPrefix(kv, d) {
				continue next
			}
		}
		out = append(out, kv)
	}
	return append(out, "GIT_OPTIONAL_LOCKS=0")
}
