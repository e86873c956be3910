package gitexec

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
)

// BlobState is what a <commit>:<path> names.
type BlobState int

const (
	Absent     BlobState = iota // no such file (or a directory)
	Found                       // a file; Blob.Data is its content
	Unresolved                  // a symlink leading out of the tree, nowhere, or round in a loop
)

// Blob is one file read at a commit.
type Blob struct {
	State BlobState
	Data  []byte
}

// Same reports whether two blobs read alike. An unresolved link never
// does: the work tree would read what it leads to, outside the commit.
func (b Blob) Same(o Blob) bool {
	return b.State == o.State && b.State != Unresolved && bytes.Equal(b.Data, o.Data)
}

// ReadBlobs reads each <commit>:<path> of specs with one `git cat-file
// --batch --follow-symlinks`, which resolves every symlink on the path (a
// directory's, "..") as the file system does, inside the commit's tree. A
// link out of the tree, to nothing, round in a loop or through a file is
// Unresolved; no path there, or a directory, is Absent. A spec must hold
// no newline.
func (g *Git) ReadBlobs(ctx context.Context, specs []string) ([]Blob, error) {
	var in bytes.Buffer
	for _, s := range specs {
		if strings.ContainsAny(s, "\n") {
			return nil, fmt.Errorf("git cat-file: a newline in %q", s)
		}
		in.WriteString(s + "\n")
	}
	cmd := g.Command(ctx, "cat-file", "--batch", "--follow-symlinks")
	cmd.Stdin = &in
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git cat-file: %w", err)
	}
	blobs := make([]Blob, len(specs))
	for i, s := range specs {
		line, rest, ok := bytes.Cut(out, []byte("\n"))
		if !ok {
			return nil, fmt.Errorf("git cat-file: short answer for %s", s)
		}
		if bytes.HasSuffix(line, []byte(" missing")) || bytes.HasSuffix(line, []byte(" ambiguous")) {
			// "<spec> missing": the spec as asked, spaces and all.
			out = rest
			continue
		}
		f := strings.Fields(string(line))
		var size int
		switch {
		case len(f) == 3 && (f[1] == "blob" || f[1] == "tree"):
			size, err = strconv.Atoi(f[2])
		case len(f) == 2: // dangling, loop, symlink (out of the tree), notdir
			size, err = strconv.Atoi(f[1])
		default:
			return nil, fmt.Errorf("git cat-file: unexpected answer %q", line)
		}
		if err != nil || size < 0 || size+1 > len(rest) {
			return nil, fmt.Errorf("git cat-file: bad answer %q", line)
		}
		switch f[1] {
		case "blob":
			blobs[i] = Blob{State: Found, Data: rest[:size:size]}
		case "tree":
			// A directory by that name: no file.
		default:
			blobs[i] = Blob{State: Unresolved}
		}
		out = rest[size+1:]
	}
	return blobs, nil
}
