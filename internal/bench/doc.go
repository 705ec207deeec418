// Package bench measures portaloauth against what its users would
// otherwise run, on one machine and in one run, and writes the figures as a
// markdown table (see BENCHMARKS.md at the repository root).
//
// # Comparisons
//
//   - Client authentication with the default secret hash (SHA-256 of a
//     generated 256-bit secret) against the same authentication with the
//     secret stored as bcrypt (cost 10) or PBKDF2-SHA256 (25,000
//     iterations) hashes, through one [oauthclient.Authenticator] over the
//     in-memory store.
//   - Redirect URI matching ([oauthclient.MatchRedirectURI]) against a
//     matcher that parses the requested URI and every registered one with
//     net/url, over the same cases.
//   - The token endpoint (client_credentials), introspection and the bearer
//     check of the portal/authserver library handlers, over
//     loopback HTTP with keep-alive connections and several concurrent
//     workers, for a fixed duration.
//   - Scaling: authentication and introspection among 10^3, 10^5 and 10^6
//     clients or tokens in the in-memory store, with the heap each stored
//     client and token takes.
//
// Each in-process measurement is a func(*testing.B), so that the same code
// runs under `go test -bench` (with -cpuprofile, -memprofile and -cpu) and
// under [testing.Benchmark] in the report command:
//
//	go run ./internal/bench/cmd/report > BENCHMARKS.table.md
package bench
