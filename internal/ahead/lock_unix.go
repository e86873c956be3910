//go:build unix

package ahead

import (
	"errors"
	"os"
	"os/exec"
	"syscall"
)

func flock(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.EAGAIN) {
		return ErrLocked
	}
	return err
}

func funlock(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

// Cancel asks the background run pid to stop (SIGTERM: it keeps the
// answers it has in the cache and exits).
func Cancel(pid int) error {
	if pid <= 1 {
		return errors.New("no process to cancel")
	}
	return syscall.Kill(pid, syscall.SIGTERM)
}

// detach makes cmd a session of its own: git's terminal signals (Ctrl-C in
// the shell that ran git commit) never reach it, and it outlives the hook.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }

// alive reports whether process pid exists (signal 0 reaches it, or it is
// another user's).
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
