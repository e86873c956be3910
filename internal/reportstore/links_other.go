//go:build !unix

package reportstore

import "io/fs"

// fileKey: without link counts, every diff.json is its own copy.
func fileKey(fs.FileInfo) (key any, nlink uint64, ok bool) { return nil, 0, false }
