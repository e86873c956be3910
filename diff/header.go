package diff

// File headers: the "diff --git" line and git's extended headers decide a
// file's names, status and modes; go-diff splits them out (and reads the
// "---"/"+++" names of a plain unified diff).

import (
	"fmt"
	"strconv"
	"strings"

	godiff "github.com/sourcegraph/go-diff/diff"
)

// fileFromHeader turns the header of one file, as go-diff read it, into a
// File without hunks.
func fileFromHeader(fd *godiff.FileDiff) (File, error) {
	var f File
	ext := fd.Extended
	// Anything before "diff --git" is preamble (go-diff keeps it in Extended).
	start := -1
	for i, l := range ext {
		if strings.HasPrefix(l, "diff --git ") {
			start = i
		}
	}
	var gitA, gitB string
	var renameFrom, renameTo, copyFrom, copyTo string
	haveGitLine := start >= 0
	if haveGitLine {
		var ok bool
		gitA, gitB, ok = splitGitArgs(strings.TrimSuffix(ext[start][len("diff --git "):], "\r"))
		if !ok {
			return f, fmt.Errorf("%w: cannot read file names from %q", ErrCorruptPatch, firstN(ext[start], 80))
		}
		for _, l := range ext[start+1:] {
			l = strings.TrimSuffix(l, "\r")
			var err error
			switch {
			case strings.HasPrefix(l, "new file mode "):
				f.Status = StatusAdded
				f.NewMode = l[len("new file mode "):]
			case strings.HasPrefix(l, "deleted file mode "):
				f.Status = StatusDeleted
				f.OldMode = l[len("deleted file mode "):]
			case strings.HasPrefix(l, "old mode "):
				f.OldMode = l[len("old mode "):]
			case strings.HasPrefix(l, "new mode "):
				f.NewMode = l[len("new mode "):]
			case strings.HasPrefix(l, "similarity index "):
				f.Similarity, _ = strconv.Atoi(strings.TrimSuffix(l[len("similarity index "):], "%"))
			case strings.HasPrefix(l, "rename from "):
				renameFrom, err = unquoteC(l[len("rename from "):])
			case strings.HasPrefix(l, "rename to "):
				renameTo, err = unquoteC(l[len("rename to "):])
			case strings.HasPrefix(l, "copy from "):
				copyFrom, err = unquoteC(l[len("copy from "):])
			case strings.HasPrefix(l, "copy to "):
				copyTo, err = unquoteC(l[len("copy to "):])
			case strings.HasPrefix(l, "index "):
				// "index abc..def 100644": the new blob, and the mode when
				// it did not change.
				ids, mode, _ := strings.Cut(l[len("index "):], " ")
				if len(mode) == 6 && f.OldMode == "" && f.NewMode == "" {
					f.OldMode, f.NewMode = mode, mode
				}
				if _, b, ok := strings.Cut(ids, ".."); ok && strings.Trim(b, "0") != "" {
					f.newBlob = b
				}
			case strings.HasPrefix(l, "Binary files "), strings.HasPrefix(l, "GIT binary patch"):
				f.Binary = true
			}
			if err != nil {
				return f, err
			}
		}
	}
	switch {
	case renameFrom != "" || renameTo != "":
		f.Status = StatusRenamed
		f.OldPath, f.Path = renameFrom, renameTo
	case copyFrom != "" || copyTo != "":
		f.Status = StatusCopied
		f.OldPath, f.Path = copyFrom, copyTo
	case haveGitLine:
		f.OldPath, f.Path = gitA, gitB
	default:
		// A plain unified diff without git headers.
		f.OldPath, f.Path = stripPrefix(fd.OrigName), stripPrefix(fd.NewName)
		switch {
		case fd.OrigName == "/dev/null":
			f.Status, f.OldPath = StatusAdded, f.Path
		case fd.NewName == "/dev/null":
			f.Status, f.Path = StatusDeleted, f.OldPath
		}
	}
	if f.Status == "" {
		f.Status = StatusModified
	}
	if f.Path == "" || f.OldPath == "" {
		return f, fmt.Errorf("%w: file without a name", ErrCorruptPatch)
	}
	return f, nil
}
