//go:build unix

package reportstore

import (
	"io/fs"
	"syscall"
)

// fileKey identifies the file behind fi (device and inode) and says how many
// names it has, so hard-linked copies count once; ok is false where the
// system does not say.
func fileKey(fi fs.FileInfo) (key any, nlink uint64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil, 0, false
	}
	return [2]uint64{uint64(st.Dev), uint64(st.Ino)}, uint64(st.Nlink), true //nolint:unconvert // the field types differ by system
}
