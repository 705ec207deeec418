package authserver_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal/authserver"
)

// TestRenderingsHideTokens checks that no fmt verb and no log/slog handler
// shows a token value, code, code verifier or client secret held by a
// request or response, while the other fields still show.
func TestRenderingsHideTokens(t *testing.T) {
	const secret = "poa_cs_secret-value"
	creds := oauthclient.Credentials{ClientID: "client-1", Secret: oauthclient.NewPlaintext(secret), Method: oauthclient.AuthMethodBasic}
	tests := []struct {
		name    string
		value   any
		hidden  []string
		visible string
	}{
		{"token request", authserver.TokenRequest{Client: creds, GrantType: oauthclient.GrantAuthorizationCode,
			Code: "poa_ac_code-value", CodeVerifier: "verifier-value", RefreshToken: "poa_rt_refresh-value", RedirectURI: "https://app.example/cb"},
			[]string{secret, "poa_ac_code-value", "verifier-value", "poa_rt_refresh-value"}, "https://app.example/cb"},
		{"token response", authserver.TokenResponse{AccessToken: "poa_at_access-value", RefreshToken: "poa_rt_refresh-value", TokenType: "Bearer", Scope: "payments"},
			[]string{"poa_at_access-value", "poa_rt_refresh-value"}, "payments"},
		{"revocation request", authserver.RevocationRequest{Client: creds, Token: "poa_at_access-value"},
			[]string{secret, "poa_at_access-value"}, "client-1"},
		{"introspection request", authserver.IntrospectionRequest{Client: creds, Token: "poa_at_access-value"},
			[]string{secret, "poa_at_access-value"}, "client-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out []string
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
				out = append(out, fmt.Sprintf(verb, tt.value))
			}
			for _, h := range []func(*bytes.Buffer) slog.Handler{
				func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
				func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
			} {
				var b bytes.Buffer
				slog.New(h(&b)).Info("request", "value", tt.value)
				out = append(out, b.String())
			}
			for _, s := range out {
				for _, h := range tt.hidden {
					if strings.Contains(s, h) {
						t.Errorf("rendering %q shows %q", s, h)
					}
				}
				if !strings.Contains(s, tt.visible) {
					t.Errorf("rendering %q lacks %q", s, tt.visible)
				}
			}
		})
	}
}

// TestRenderingsKeepTypeNames checks that %#v names the exported type.
func TestRenderingsKeepTypeNames(t *testing.T) {
	for _, v := range []any{authserver.TokenRequest{}, authserver.TokenResponse{}, authserver.RevocationRequest{}, authserver.IntrospectionRequest{}} {
		want := fmt.Sprintf("%T{", v)
		if got := fmt.Sprintf("%#v", v); !strings.HasPrefix(got, want) {
			t.Errorf("%%#v = %q, want the prefix %q", got, want)
		}
	}
}
