package oauthclient

import (
	"fmt"
	"log/slog"
)

// redacted is what a Plaintext shows of itself anywhere but Reveal.
const redacted = "[REDACTED]"

// Plaintext holds a secret value in the clear: a client secret, an access or
// refresh token, an authorization code or a registration access token. It
// shows itself as "[REDACTED]" through String, GoString, every fmt verb,
// encoding/json, encoding (text) and log/slog; only Reveal returns the value.
//
// The value sits behind a pointer so that even a struct holding a Plaintext
// in an unexported field prints an address, never the secret, with %v.
// The zero Plaintext is empty.
type Plaintext struct {
	p *string
}

// NewPlaintext wraps s.
func NewPlaintext(s string) Plaintext {
	if s == "" {
		return Plaintext{}
	}
	return Plaintext{p: &s}
}

// Reveal returns the secret value. Call it only where the value must leave
// the process: the one response that shows it, or a hash function.
func (s Plaintext) Reveal() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// IsZero reports whether s is empty.
func (s Plaintext) IsZero() bool { return s.p == nil || *s.p == "" }

// String returns "[REDACTED]".
func (s Plaintext) String() string { return redacted }

// GoString returns "[REDACTED]".
func (s Plaintext) GoString() string { return redacted }

// Format writes "[REDACTED]" for every verb and flag.
func (s Plaintext) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(redacted)) }

// MarshalJSON writes the JSON string "[REDACTED]".
func (s Plaintext) MarshalJSON() ([]byte, error) { return []byte(`"` + redacted + `"`), nil }

// MarshalText writes "[REDACTED]".
func (s Plaintext) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// LogValue makes log/slog print "[REDACTED]".
func (s Plaintext) LogValue() slog.Value { return slog.StringValue(redacted) }

var (
	_ fmt.Stringer   = Plaintext{}
	_ fmt.GoStringer = Plaintext{}
	_ fmt.Formatter  = Plaintext{}
	_ slog.LogValuer = Plaintext{}
)
