package cmdtest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/spf13/cobra"

	"github.com/quorum-review/quorum/internal/exitcode"
)

func TestExecute(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		ret      error
		code     int
		out, err string
	}{
		{"ok", []string{"a"}, nil, 0, "env=v dir=/w args=[a]\n", ""},
		{"no args is no args, not os.Args", nil, nil, 0, "env=v dir=/w args=[]\n", ""},
		{"setup error with hint", nil, exitcode.Setupf("install git", "git is missing"), exitcode.Setup, "env=v dir=/w args=[]\n", "error: git is missing\nhint: install git\n"},
		{"plain error", nil, errors.New("boom"), exitcode.Internal, "env=v dir=/w args=[]\n", "error: boom\nhint: this is a bug in quorum; rerun with the same inputs and report it\n"},
		{"multi-line error prints its first line", nil, errors.New("boom\nmore"), exitcode.Internal, "env=v dir=/w args=[]\n", "error: boom\nhint: this is a bug in quorum; rerun with the same inputs and report it\n"},
		{"findings", nil, exitcode.FindingsError, exitcode.Findings, "env=v dir=/w args=[]\n", ""},
		{"flag error", []string{"--nope"}, nil, exitcode.Setup, "", "error: unknown flag: --nope\nhint: run 'quorum help' for usage\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := NewFactory("/w", map[string]string{"K": "v"})
			cmd := &cobra.Command{Use: "x", RunE: func(cmd *cobra.Command, args []string) error {
				fmt.Fprintf(f.IOStreams.Out, "env=%s dir=%s args=%v\n", f.Getenv("K")+f.Getenv("unset"), f.WorkDir, args)
				return tt.ret
			}}
			code := Execute(context.Background(), cmd, f.IOStreams, tt.args)
			if code != tt.code || out.String() != tt.out || errOut.String() != tt.err {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out, errOut, tt.code, tt.out, tt.err)
			}
		})
	}
}
