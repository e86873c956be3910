package diff

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os/exec"

	"github.com/quorum-review/quorum/internal/crash"
)

// attrProc is a long-running `git check-attr --stdin -z` that answers
// linguist-generated and linguist-vendored for batches of paths, so a
// streamed diff needs one process, not one per file.
type attrProc struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	failed bool
}

var attrNames = []string{"linguist-generated", "linguist-vendored", "binary", "diff"}

func startAttrProc(ctx context.Context, g *gitCLI) (*attrProc, error) {
	c := g.Command(ctx, append([]string{"check-attr", "-z", "--stdin"}, attrNames...)...)
	// check-attr flushes after each path when GIT_FLUSH is set.
	c.Env = append(c.Env, "GIT_FLUSH=1")
	in, err := c.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := c.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := c.Start(); err != nil {
		return nil, err
	}
	return &attrProc{cmd: c, in: in, out: bufio.NewReader(out)}, nil
}

// query asks for the attributes of files' paths.
func (p *attrProc) query(files []File) (map[string]attrs, error) {
	out := make(map[string]attrs, len(files))
	if p.failed {
		return out, errors.New("check-attr failed earlier")
	}
	// Write from a goroutine: git answers while it reads, and a large batch
	// would otherwise fill both pipes. A panic there is thrown again here,
	// on the caller's goroutine; closing git's stdin on it ends check-attr,
	// so the reads below stop instead of waiting for paths never written.
	werr := make(chan error, 1)
	var box crash.Box
	box.OnPanic = func() { _ = p.in.Close() }
	go func() {
		// On a panic err stays nil: query throws the boxed panic before it
		// would return it.
		var err error
		defer func() { werr <- err }()
		defer box.Catch()
		if testAttrWrite != nil {
			testAttrWrite()
		}
		for _, f := range files {
			if _, err = io.WriteString(p.in, f.Path+"\x00"); err != nil {
				break
			}
		}
	}()
	for range files {
		for range attrNames {
			var field [3]string
			for k := range field {
				s, err := p.out.ReadString(0)
				if err != nil {
					// The writer's panic ends check-attr (OnPanic runs
					// once it is in the box): it, not the EOF.
					box.Rethrow()
					return out, err
				}
				field[k] = s[:len(s)-1]
			}
			a := out[field[0]]
			set := field[2] == "set" || field[2] == "true"
			switch field[1] {
			case "linguist-generated":
				a.generated = set
			case "linguist-vendored":
				a.vendored = set
			case "binary":
				a.binary = a.binary || field[2] == "set"
			case "diff":
				a.binary = a.binary || field[2] == "unset"
			}
			out[field[0]] = a
		}
	}
	err := <-werr
	box.Rethrow()
	return out, err
}

// testAttrWrite, when set (by tests), runs in query's writer goroutine
// before it writes: a panic there stands for a bug in the writer.
var testAttrWrite func()

func (p *attrProc) close() {
	if p.cmd == nil {
		return
	}
	p.in.Close()
	_, _ = io.Copy(io.Discard, p.out)
	_ = p.cmd.Wait()
	p.cmd = nil
}
