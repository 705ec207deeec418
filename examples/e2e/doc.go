// Package e2e holds the end-to-end tests of the examples: the authorization
// server driven by golang.org/x/oauth2, the gateway middleware, a table of
// bad requests, failure cases and benchmarks over loopback HTTP. It has no
// API of its own.
package e2e
