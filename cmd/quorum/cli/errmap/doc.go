// Package errmap turns errors into what the user sees: an exit code, a one-line message and a hint that may name quorum's flags.
//
// Domain packages (diff, review, the backends) return typed errors and name
// no flag; a Rule per package maps them here. Exit codes are DESIGN §9's:
// 2 for what the user can set up differently, and for a model server that
// failed (quorum understood what happened and the hint says what to check),
// 3 only for an internal failure: a bug in quorum, an impossible state, an
// error no rule knows.
//
// # Ollama
//
// internal/ollama returns an *ollama.Error whose Kind is chosen by status
// code and error type, never by message text; ollamaRule maps it:
//
//	what happened                        matches                  exit  hint
//	cannot connect                       review.ErrUnreachable    2     ollama serve, --ollama-host
//	404 on a model                       review.ErrModelNotFound  2     ollama pull NAME
//	503, after the bounded backoff       review.ErrBusy           2     OLLAMA_MAX_QUEUE
//	400 (cannot chat, prompt too long)   ErrRejected              2     quorum models, --max-context
//	401 / 403                            ErrRejected              2     the server's access settings
//	not an ollama server (404, not JSON) ErrServer                2     OLLAMA_HOST, --ollama-host
//	non-loopback host                    ErrRemote                2     --allow-remote
//	bad or unresolvable host             -                        2     OLLAMA_HOST, --ollama-host
//	deadline passed / canceled           ErrTimeout / context.*   2     timeout / run again
//	5xx (a runner killed for memory),
//	{"error"} line after a 200,
//	or a stream line that is not JSON    ErrServer                2     the server log, its memory
//	connection closed mid-answer         ErrStreamDropped         2     the server log, its memory
//	stream ended without done            ErrStreamDropped         2     --models, --num-predict, the server log
//
// The last three are ollama.Error.Server: the server failed, not quorum,
// so they exit 2 like the rest. The backend's own hint (ollama.Error.Hint,
// also what Client.Hint returns for the retro) says the same in ollama's
// terms, without quorum's flags.
//
// # The review runner
//
// review/run's own errors, a model's answer quorum could not use, exit 2
// with a hint naming another model or context (runRule): ErrBadAnswer,
// ErrPromptTruncated, ErrNothingFits.
//
// # The environment
//
// A read or write the system refused (ENOSPC, EDQUOT, EFBIG, EIO: stdout
// on a full disk, past ulimit -f) exits 2 with a hint naming the disk or
// where the output goes (ioRule); the environment failed, not quorum.
package errmap
