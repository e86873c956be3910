//go:build linux

package ahead

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestLockOneHolder(t *testing.T) {
	gitDir := t.TempDir()
	if o, err := Held(gitDir); o != nil || err != nil {
		t.Fatalf("no lock file yet: %+v %v", o, err)
	}
	l, err := TryLock(gitDir)
	if err != nil {
		t.Fatal(err)
	}
	want := Owner{PID: 42, Trigger: TriggerAhead, Head: "abc", Key: "a..b", Since: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), LogOffset: 7}
	if err := l.SetOwner(want); err != nil {
		t.Fatal(err)
	}
	if _, err := TryLock(gitDir); !errors.Is(err, ErrLocked) {
		t.Fatalf("second TryLock: %v, want ErrLocked", err)
	}
	o, err := Held(gitDir)
	if err != nil || o == nil || *o != want {
		t.Fatalf("Held: %+v %v, want %+v", o, err, want)
	}
	// Held only looks: the holder still holds it.
	if _, err := TryLock(gitDir); !errors.Is(err, ErrLocked) {
		t.Fatalf("TryLock after Held: %v, want ErrLocked", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := WaitLock(ctx, gitDir, time.Millisecond); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitLock on a held lock with a done context: %v", err)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	if o, err := Held(gitDir); o != nil || err != nil {
		t.Fatalf("after Unlock: %+v %v", o, err)
	}
	l2, err := WaitLock(context.Background(), gitDir, time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Unlock()
	if o, _ := Held(gitDir); o == nil || o.PID != 0 {
		t.Fatalf("a new holder that wrote no owner yet: %+v", o)
	}
}

func TestKeyIgnoresOrder(t *testing.T) {
	if Key([]string{"c..d", "a..b", "a..b"}) != "a..b c..d" || Key([]string{"a..b", "c..d"}) != Key([]string{"c..d", "a..b"}) {
		t.Fatal(Key([]string{"c..d", "a..b"}))
	}
}

func TestInProgress(t *testing.T) {
	gitDir := t.TempDir()
	if got := InProgress(gitDir); got != "" {
		t.Fatalf("clean: %q", got)
	}
	for _, c := range []struct{ name, want string }{
		{"rebase-merge", "a rebase"}, {"rebase-apply", "a rebase or git am"}, {"MERGE_HEAD", "a merge"},
		{"CHERRY_PICK_HEAD", "a cherry-pick"}, {"REVERT_HEAD", "a revert"}, {"BISECT_LOG", "a bisect"},
	} {
		p := filepath.Join(gitDir, c.name)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if got := InProgress(gitDir); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
		os.Remove(p)
	}
}

func TestStateRoundTrip(t *testing.T) {
	gitDir := t.TempDir()
	if s, err := ReadState(gitDir); s != nil || err != nil {
		t.Fatalf("none yet: %+v %v", s, err)
	}
	want := State{Status: StatusDone, PID: 9, Head: "h", Key: "a..h", Started: time.Unix(100, 0).UTC(), Finished: time.Unix(160, 0).UTC(), Verdict: "passed"}
	if err := WriteState(gitDir, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadState(gitDir)
	if err != nil || got == nil || *got != want {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestOpenLogRotates(t *testing.T) {
	gitDir := t.TempDir()
	f, off, err := OpenLog(gitDir)
	if err != nil || off != 0 {
		t.Fatal(off, err)
	}
	if _, err := f.Write([]byte(strings.Repeat("x", MaxLog+1))); err != nil {
		t.Fatal(err)
	}
	f.Close()
	f, off, err = OpenLog(gitDir)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if off != 0 {
		t.Fatalf("a log past MaxLog starts again: offset %d", off)
	}
	if st, err := os.Stat(LogPath(gitDir) + ".1"); err != nil || st.Size() != MaxLog+1 {
		t.Fatalf("the previous log is kept as ahead.log.1: %v", err)
	}
}

func TestCleanEnv(t *testing.T) {
	got := CleanEnv([]string{"PATH=/bin", "GIT_INDEX_FILE=/r/.git/next-index.lock", "GIT_PREFIX=sub/", "GIT_OPTIONAL_LOCKS=1", "HOME=/h", "GIT_DIR=.git"})
	want := []string{"PATH=/bin", "HOME=/h", "GIT_OPTIONAL_LOCKS=0"}
	if !slices.Equal(got, want) {
		t.Fatalf("%q, want %q", got, want)
	}
}

// TestSpawnDetaches starts a real child: Start returns while it runs, in a
// session of its own, its output on the log.
func TestSpawnDetaches(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	log, err := os.Create(filepath.Join(dir, "log"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	release := filepath.Join(dir, "release")
	// The child says it started, then waits for the test to release it.
	script := `echo started; while [ ! -e "$1" ]; do sleep 0.05; done; echo released`
	pid, err := Spawn{Exe: sh, Args: []string{"-c", script, "sh", release}, Dir: dir, Env: os.Environ(), Log: log, Nice: 5}.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		waitGone(t, pid)
	})
	if err := syscall.Kill(pid, 0); err != nil {
		t.Fatalf("the child is not running after Start returned: %v", err)
	}
	sid, err := getsid(pid)
	if err != nil {
		t.Fatal(err)
	}
	if sid != pid {
		t.Fatalf("session %d, want its own (%d)", sid, pid)
	}
	waitFor(t, func() bool { b, _ := os.ReadFile(log.Name()); return strings.Contains(string(b), "started") })
	if err := os.WriteFile(release, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { b, _ := os.ReadFile(log.Name()); return strings.Contains(string(b), "released") })
}

func getsid(pid int) (int, error) {
	sid, _, errno := syscall.RawSyscall(syscall.SYS_GETSID, uintptr(pid), 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(sid), nil
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitGone waits until pid has exited (a zombie counts: the test process
// is not its parent once Start released it).
func waitGone(t *testing.T, pid int) {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if syscall.Kill(pid, 0) != nil {
			return
		}
		b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
		if err == nil {
			if _, rest, _ := strings.Cut(string(b), ") "); strings.HasPrefix(rest, "Z") {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("pid %d still running", pid)
}

// TestClearQueuedOnlyItsOwn: a run done waiting removes its own marker,
// never the marker of a newer run queued meanwhile.
func TestClearQueuedOnlyItsOwn(t *testing.T) {
	gitDir := t.TempDir()
	if q := ReadQueued(gitDir); q != nil {
		t.Fatalf("no marker read as %+v", q)
	}
	if err := WriteQueued(gitDir, Queued{PID: 20, Head: "b", Since: time.Now(), Debounce: time.Second}); err != nil {
		t.Fatal(err)
	}
	if err := ClearQueued(gitDir, 10); err != nil {
		t.Fatal(err)
	}
	if q := ReadQueued(gitDir); q == nil || q.PID != 20 {
		t.Fatalf("an older run removed the newer marker: %+v", q)
	}
	if err := ClearQueued(gitDir, 20); err != nil {
		t.Fatal(err)
	}
	if q := ReadQueued(gitDir); q != nil {
		t.Fatalf("marker kept: %+v", q)
	}
	if err := os.WriteFile(filepath.Join(Dir(gitDir), QueuedName), []byte("{oops"), 0o644); err != nil {
		t.Fatal(err)
	}
	if q := ReadQueued(gitDir); q != nil || (&Queued{}).Pending(time.Now()) {
		t.Fatalf("a damaged marker read as %+v", q)
	}
}
