// Command quorum is an offline code reviewer: several local models review the branch diff and code merges their findings.
package main

import (
	"os"

	"github.com/quorum-review/quorum/cmd/quorum/cli"
)

func main() { os.Exit(cli.Main()) }
