package initcmd

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quorum-review/quorum/internal/config"
	"github.com/quorum-review/quorum/internal/exitcode"
	"github.com/quorum-review/quorum/review"
)

func oneModel(*config.Config) (ModelLister, error) {
	return fakeLister{models: []review.ModelInfo{{Name: "a:1b", Family: "a", Capabilities: []string{"completion"}}}}, nil
}

// --force keeps the file it replaces as .quorum.yaml.bak, with its
// permissions, and says so; an older backup is never replaced: the next
// free .quorum.yaml.bak.N is used.
func TestInitForceKeepsBackup(t *testing.T) {
	dir, env := repo(t)
	path := filepath.Join(dir, ".quorum.yaml")
	older := path + ".bak"
	bak := path + ".bak.2"
	if err := os.WriteFile(path, []byte("base: mine\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(older, []byte("an older backup\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, dir, env, oneModel, "--force")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if want := "kept the old file as " + bak + "\nwrote " + path + "\n"; !strings.HasPrefix(out, want) {
		t.Errorf("stdout %q, want it to start %q", out, want)
	}
	if data, err := os.ReadFile(bak); err != nil || string(data) != "base: mine\n" {
		t.Errorf("backup %q, %v", data, err)
	}
	if fi, err := os.Stat(bak); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v, %v; want the old file's 0600", fi.Mode(), err)
	}
	if data, err := os.ReadFile(older); err != nil || string(data) != "an older backup\n" {
		t.Errorf("older backup %q, %v", data, err)
	}
	if c := load(t, dir, env); len(c.Models) != 1 || c.Models[0].Name != "a:1b" {
		t.Errorf("new file's models %+v", c.Models)
	}
	// A second --force keeps the starter the first one wrote as .bak.3.
	if code, out, _ := run(t, dir, env, oneModel, "--force"); code != 0 || !strings.HasPrefix(out, "kept the old file as "+path+".bak.3\n") {
		t.Errorf("second --force: exit %d, stdout %q", code, out)
	}
	if data, _ := os.ReadFile(bak); string(data) != "base: mine\n" {
		t.Errorf("the second --force replaced the first backup: %q", data)
	}
	// With .bak deleted, the next is still above the highest (.bak.4), so
	// the numbers keep telling the order.
	if err := os.Remove(older); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(t, dir, env, oneModel, "--force"); code != 0 || !strings.HasPrefix(out, "kept the old file as "+path+".bak.4\n") {
		t.Errorf("third --force: exit %d, stdout %q", code, out)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp*")); len(left) != 0 {
		t.Errorf("temp files left: %v", left)
	}

	// Without an existing file there is nothing to keep: no backup line,
	// and the old backup is left alone.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	code, out, _ = run(t, dir, env, oneModel)
	if code != 0 || strings.Contains(out, "kept") {
		t.Errorf("fresh init: exit %d, stdout %q", code, out)
	}
	if data, _ := os.ReadFile(bak); string(data) != "base: mine\n" {
		t.Errorf("fresh init touched the backup: %q", data)
	}
}

// When the backup cannot be written, nothing is replaced: exit 2 and a hint.
func TestInitForceBackupFails(t *testing.T) {
	dir, env := repo(t)
	path := filepath.Join(dir, ".quorum.yaml")
	if err := os.WriteFile(path, []byte("base: mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := writeBackup
	writeBackup = func(string, []byte, os.FileMode) error { return errors.New("no space left on device") }
	t.Cleanup(func() { writeBackup = old })
	code, out, errOut := run(t, dir, env, oneModel, "--force")
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	if code != exitcode.Setup || out != "" || len(lines) != 2 || !strings.HasPrefix(lines[0], "error: backing up "+path+": ") ||
		lines[1] != "hint: check that "+dir+" can be written (free disk space, permissions), then rerun with --force" {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, out, errOut)
	}
	if data, _ := os.ReadFile(path); string(data) != "base: mine\n" {
		t.Errorf("file replaced although the backup failed: %q", data)
	}
}

// A directory where the file should be is refused, not followed.
func TestInitForceNotAFile(t *testing.T) {
	dir, env := repo(t)
	path := filepath.Join(dir, ".quorum.yaml")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	code, _, errOut := run(t, dir, env, oneModel, "--force")
	want := "error: " + path + " is not a regular file\nhint: move " + path + " aside yourself, then rerun with --force\n"
	if code != exitcode.Setup || errOut != want {
		t.Errorf("exit %d, stderr:\n%swant:\n%s", code, errOut, want)
	}
}

// A .quorum.yaml that links to a shared file is replaced by a file of its
// own; the backup is the link itself, and the shared file is untouched,
// also when the link dangles.
func TestInitForceKeepsASymlinkAsALink(t *testing.T) {
	lister := func(*config.Config) (ModelLister, error) {
		return fakeLister{models: []review.ModelInfo{{Name: "a:1b", Family: "a", Capabilities: []string{"completion"}}}}, nil
	}
	for _, dangling := range []bool{false, true} {
		dir, env := repo(t)
		shared := filepath.Join(t.TempDir(), "team.yaml")
		if !dangling {
			if err := os.WriteFile(shared, []byte("base: team\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		path := filepath.Join(dir, ".quorum.yaml")
		if err := os.Symlink(shared, path); err != nil {
			t.Fatal(err)
		}
		code, out, errOut := run(t, dir, env, lister, "--force")
		if code != 0 || !strings.Contains(out, "kept the old file as "+path+".bak\n") {
			t.Fatalf("dangling %v: code %d\n%s%s", dangling, code, out, errOut)
		}
		if fi, err := os.Lstat(path); err != nil || !fi.Mode().IsRegular() {
			t.Fatalf("dangling %v: %s is not a regular file now: %v", dangling, path, err)
		}
		if target, err := os.Readlink(path + ".bak"); err != nil || target != shared {
			t.Fatalf("dangling %v: backup links to %q (%v), want %q", dangling, target, err, shared)
		}
		if b, err := os.ReadFile(shared); !dangling && (err != nil || string(b) != "base: team\n") {
			t.Fatalf("shared file changed: %q %v", b, err)
		}
		if m, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(m) != 0 {
			t.Fatalf("temp files left: %v", m)
		}
	}
}
