// Package ollama is quorum's thin adapter over github.com/ollama/ollama/api: a loopback guard, request options and error mapping.
//
// # Loopback only
//
// New resolves the configured host (an IP literal needs no lookup) and
// refuses it unless every address is loopback, before anything is dialed;
// Config.AllowRemote (--allow-remote) lifts that. The transport's dialer
// checks again what it is about to dial and dials the checked IP itself, so
// a later DNS answer cannot redirect a connection, and HTTP_PROXY is ignored.
// The guard itself is internal/loopback's, shared with internal/openai; this
// package gives its refusals ollama's wording and hints.
// This package never reads the environment: callers pass OLLAMA_HOST in (the
// api package itself only consults OLLAMA_AUTH, to sign requests).
//
// # Requests
//
// Chat always streams and sets num_ctx, num_predict, temperature and seed,
// the JSON schema as format, keep_alive, and truncate:false when
// SupportsTruncate says the server knows it (see there for how unknown
// versions such as the "0.0.0" of a source build are handled). The api
// package has no HTTP timeout; every call is bounded by its context.
//
// # Errors
//
// Every error is an *Error: a one-line message, a Kind chosen by status code
// and error type (never by message text), the backend's own hint in ollama's
// terms, and the errors it matches (ErrServer, ErrRejected, review's
// sentinels, loopback.ErrRemote, the cause). This package names no exit code
// and no quorum flag: cmd/quorum/cli/errmap maps a Kind to both, and its
// package doc has the table.
//
// done_reason "length" is not an error: ChatResponse.DoneReason carries it.
// Chat also cuts an answer itself at num_predict pieces or
// review.MaxAnswerBytes (a server that ignores num_predict or streams
// forever): it cancels the request and returns DoneReason "length".
package ollama
