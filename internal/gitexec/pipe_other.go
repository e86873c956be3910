//go:build !linux

package gitexec

import "os"

func growPipe(*os.File) {}
