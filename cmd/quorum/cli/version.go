package cli

import (
	"runtime/debug"
)

// resolveVersion picks the version quorum reports: a value stamped with
// -ldflags wins; otherwise the module version recorded by `go install
// ...@vX` (or the pseudo-version go build derives from the checkout);
// otherwise the VCS revision, with "-dirty" when the tree was modified;
// otherwise "dev".
func resolveVersion(stamped string, info *debug.BuildInfo, ok bool) string {
	if stamped != "" && stamped != "dev" {
		return stamped
	}
	if !ok || info == nil {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev string
	var modified bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified {
		rev += "-dirty"
	}
	return rev
}
