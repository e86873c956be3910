//go:build !unix

package ahead

import (
	"errors"
	"os"
	"os/exec"
)

var errUnsupported = errors.New("background reviews need a Unix system")

func flock(*os.File) error   { return errUnsupported }
func funlock(*os.File) error { return nil }

// Cancel is not supported here.
func Cancel(int) error { return errUnsupported }

func detach(*exec.Cmd) {}

// alive cannot tell here; background runs do not start on such systems.
func alive(int) bool { return false }
