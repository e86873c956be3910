package cli

// The command list. Each entry is NewCmdX(f, nil): nil runF means the real run function.
func init() {
	subcommands = append(subcommands)
}
