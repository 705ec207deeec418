package oauthclient

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

// TestTokenFormatHidesHash checks that no fmt verb and no log/slog handler
// shows a token's hash, while its other fields still show.
func TestTokenFormatHidesHash(t *testing.T) {
	const hash = "TOKENHASHdddddddddddddddddddddddddddddddddd"
	tok := Token{Hash: hash, Kind: KindAccessToken, ClientID: "c1", GrantID: "g1", Scope: "read",
		ExpiresAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	var out []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		out = append(out, fmt.Sprintf(verb, tok), fmt.Sprintf(verb, &tok))
	}
	for _, h := range []func(*bytes.Buffer) slog.Handler{
		func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var b bytes.Buffer
		slog.New(h(&b)).Info("token", "token", tok)
		out = append(out, b.String())
	}
	for _, s := range out {
		if strings.Contains(s, hash) {
			t.Errorf("rendering %q shows the hash", s)
		}
		if !strings.Contains(s, "c1") {
			t.Errorf("rendering %q lacks the client ID", s)
		}
	}
	if got := fmt.Sprintf("%#v", tok); !strings.HasPrefix(got, "oauthclient.Token{") {
		t.Errorf("%%#v = %q, want oauthclient.Token{...}", got)
	}
}
