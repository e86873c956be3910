// Package openai is quorum's backend for OpenAI-compatible model servers (llama.cpp's llama-server, vLLM, LM Studio, Ollama's /v1).
//
// # Requests
//
// Chat posts {base}/chat/completions with the system and user prompt, the
// reviewer schema as response_format {"type":"json_schema","json_schema":
// {"name":"review","schema":...}}, temperature, seed, max_tokens (when
// NumPredict > 0) and stream:true with stream_options.include_usage. strict
// is left out: OpenAI's strict mode demands every property be required,
// which the reviewer schema does not, and the local servers ignore it.
//
// num_ctx and keep_alive cannot be set over this API: the context the server
// was started with applies (llama-server -c, vllm --max-model-len, Ollama's
// OLLAMA_CONTEXT_LENGTH, 2048 by default in v0.6.5), and a prompt over it is
// rejected (400, ErrRejected) or cut by the server, silently: Ollama keeps
// the prompt's first tokens and its tail, and reports the cut prompt's size
// as prompt_tokens. Client.SetsContext says so to the runner, which then
// takes nothing for granted about the context (review/run's cut checks).
//
// # Models
//
// List and Show read {base}/models. The servers say little: Family is
// guessed from the id, Capabilities is always ["completion"], and
// ContextLength comes from max_model_len (vLLM), meta.n_ctx or
// meta.n_ctx_train (llama-server; the training context, which may exceed
// the server's -c), or context_length, else 0 (unknown: the user sets it).
//
// There is no digest. Digest is "openai:" and 16 hex digits of a SHA-256 over
// the base URL, the id and what the server says about the model's identity
// (owned_by, root, parent, max_model_len, meta). It changes only as far as
// the server says the model changed: new weights behind the same id and the
// same metadata keep the digest (and so the cache). "created" is left out,
// because llama-server and vLLM report the time of the request there;
// except from Ollama (owned_by "library"), whose "created" is the model's
// modification time: re-creating a model (another PARAMETER num_ctx) gives
// it a new digest, so its tokenizer figure and context check are made anew.
//
// # Safety
//
// The loopback guard of internal/loopback applies unchanged: New refuses a
// base URL whose host is not loopback unless Config.AllowRemote, before
// anything is dialed, and the transport re-checks every dial and ignores
// proxy variables. Redirects are not followed. The API key is sent as a
// bearer token and never appears in errors.
//
// # Errors
//
// Errors are domain errors (no exit codes), matched with errors.Is:
//
//	what happened                          matches
//	cannot connect, host does not resolve  review.ErrUnreachable
//	404, or a model the server does not list review.ErrModelNotFound
//	429/503 after the bounded backoff      review.ErrBusy
//	401/403                                ErrUnauthorized
//	400 (schema, context, parameters)      ErrRejected
//	5xx, an error or malformed stream      ErrServer
//	non-loopback host                      loopback.ErrRemote
//
// finish_reason "length" is not an error: ChatResponse.DoneReason carries it.
// Chat also cuts an answer itself at max_tokens pieces or
// review.MaxAnswerBytes (a server that ignores max_tokens or streams
// forever): it cancels the request and returns DoneReason "length".
// Client.Hint says what the user can do about each.
package openai
