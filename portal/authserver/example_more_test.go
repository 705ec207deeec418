package authserver_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal/authserver"
)

// Revocation as a library call (RFC 7009): an unknown token is a success,
// a revoked token stops working, and a request without a token is
// invalid_request.
func ExampleServer_Revoke() {
	srv, nc := exampleSetup()
	ctx := context.Background()
	tok, _ := srv.Token(ctx, authserver.TokenRequest{Client: credentials(nc), GrantType: oauthclient.GrantClientCredentials})

	fmt.Println(srv.Revoke(ctx, authserver.RevocationRequest{Client: credentials(nc), Token: "poa_at_unknown"}))
	fmt.Println(srv.Revoke(ctx, authserver.RevocationRequest{Client: credentials(nc), Token: tok.AccessToken}))
	_, err := srv.CheckToken(ctx, tok.AccessToken, "payments")
	fmt.Println(errors.Is(err, oauthclient.ErrInvalidToken))

	err = srv.Revoke(ctx, authserver.RevocationRequest{Client: credentials(nc)})
	fmt.Println(oauthclient.CodeOf(err))
	// Output:
	// <nil>
	// <nil>
	// true
	// invalid_request
}

// The revocation and introspection endpoints, mounted, answer a client
// about its own tokens only after authenticating it.
func ExampleServer_RevocationHandler() {
	srv, nc := exampleSetup()
	tok, _ := srv.Token(context.Background(), authserver.TokenRequest{Client: credentials(nc), GrantType: oauthclient.GrantClientCredentials})
	revoke, introspect := srv.RevocationHandler(), srv.IntrospectionHandler()

	post := func(h http.Handler, secret, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(nc.Client.ID, secret)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	rec := post(revoke, "wrong", "token="+tok.AccessToken)
	fmt.Print(rec.Code, " ", rec.Body.String())
	rec = post(introspect, nc.Secret.Reveal(), "token="+tok.AccessToken)
	fmt.Println(rec.Code, strings.Contains(rec.Body.String(), `"active":true`))
	rec = post(revoke, nc.Secret.Reveal(), "token="+tok.AccessToken)
	fmt.Println(rec.Code)
	rec = post(introspect, nc.Secret.Reveal(), "token="+tok.AccessToken)
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output:
	// 401 {"error":"invalid_client","error_description":"client authentication failed"}
	// 200 true
	// 200
	// 200 {"active":false}
}

// An API behind RequireToken finds the accepted token in the request's
// context; outside such a request there is none.
func ExampleTokenFromContext() {
	srv, nc := exampleSetup()
	tok, _ := srv.Token(context.Background(), authserver.TokenRequest{Client: credentials(nc), GrantType: oauthclient.GrantClientCredentials, Scope: "read"})
	api := srv.RequireToken(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, ok := authserver.TokenFromContext(r.Context())
		fmt.Fprintln(w, ok, t.ClientID == nc.Client.ID, t.PolicyID, t.Scope)
	}), "payments")

	req := httptest.NewRequest(http.MethodGet, "/payments", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	rec := httptest.NewRecorder()
	api.ServeHTTP(rec, req)
	fmt.Print(rec.Body.String())

	_, ok := authserver.TokenFromContext(context.Background())
	fmt.Println(ok)
	// Output:
	// true true gold read
	// false
}

// WriteTokenResponse writes the JSON of RFC 6749 §5.1 with the headers
// that keep it out of caches.
func ExampleWriteTokenResponse() {
	rec := httptest.NewRecorder()
	authserver.WriteTokenResponse(rec, &authserver.TokenResponse{AccessToken: "poa_at_example", TokenType: "Bearer", ExpiresIn: 3600, Scope: "read"})
	body, _ := io.ReadAll(rec.Body)
	fmt.Println(rec.Code, rec.Header().Get("Cache-Control"), rec.Header().Get("Pragma"))
	fmt.Println(string(body))
	// Output:
	// 200 no-store no-cache
	// {"access_token":"poa_at_example","token_type":"Bearer","expires_in":3600,"scope":"read"}
}
