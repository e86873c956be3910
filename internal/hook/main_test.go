package hook

// Imported for its init, which drops a GIT_DIR exported by the shell: the
// tests build their own repositories and must not be pointed at the
// caller's.
import _ "github.com/quorum-review/quorum/diff/difftest"
