package authserver_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/authserver"
	"github.com/portaloauth/portaloauth/store/memory"
)

// exampleSetup is a portal with the Payments API and a developer's
// client registered for every grant, and a Server over it.
func exampleSetup() (*authserver.Server, *portal.NewClient) {
	ctx := context.Background()
	svc, _ := portal.New(portal.Config{Store: memory.New()})
	_ = svc.AddAPI(ctx, &catalogue.API{ID: "payments", Name: "Payments", AuthMode: catalogue.AuthOAuth2, Active: true})
	_ = svc.AddPolicy(ctx, &catalogue.Policy{ID: "gold", Name: "Gold", Active: true, Scopes: []string{"read", "write"},
		AccessRights: []catalogue.AccessRight{{APIID: "payments"}}})
	_ = svc.AddEntry(ctx, &catalogue.Entry{ID: "payments", APIID: "payments", DisplayName: "Payments",
		PolicyIDs: []string{"gold"}, Visible: true})
	dev, _ := svc.RegisterDeveloper(ctx, portal.NewDeveloper{Email: "dev@example.com", Name: "Dev"})
	nc, err := svc.CreateClient(ctx, dev.ID, portal.CreateClientRequest{EntryIDs: []string{"payments"},
		Metadata: oauthclient.Metadata{ClientName: "App", RedirectURIs: []string{"https://app.example.com/cb"}, Scope: "read write",
			GrantTypes: []oauthclient.GrantType{oauthclient.GrantAuthorizationCode, oauthclient.GrantRefreshToken,
				oauthclient.GrantClientCredentials}}})
	if err != nil {
		panic(err)
	}
	srv, err := authserver.New(authserver.Config{Portal: svc, Issuer: "https://auth.example.com"})
	if err != nil {
		panic(err)
	}
	return srv, nc
}

func credentials(nc *portal.NewClient) oauthclient.Credentials {
	return oauthclient.Credentials{ClientID: nc.Client.ID, Secret: nc.Secret, Method: oauthclient.AuthMethodBasic}
}

// A Server takes the portal's store, hasher, redirect policy, clock and
// random source; Config adds the issuer and lifetimes.
func ExampleNew() {
	svc, _ := portal.New(portal.Config{Store: memory.New(), OAuth: oauthclient.Config{Hasher: &oauthclient.Hasher{}}})
	srv, err := authserver.New(authserver.Config{Portal: svc, Issuer: "https://auth.example.com/", AccessTokenTTL: 15 * time.Minute})
	fmt.Println(srv.Issuer(), err)
	_, err = authserver.New(authserver.Config{Portal: svc, Issuer: "auth.example.com"})
	fmt.Println(errors.Is(err, authserver.ErrInvalidConfig))
	// Output:
	// https://auth.example.com <nil>
	// true
}

// The client_credentials grant as a library call.
func ExampleServer_Token() {
	srv, nc := exampleSetup()
	resp, err := srv.Token(context.Background(), authserver.TokenRequest{
		Client: credentials(nc), GrantType: oauthclient.GrantClientCredentials, Scope: "read",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(resp.AccessToken, "poa_at_"), resp.TokenType, resp.ExpiresIn, resp.Scope)

	_, err = srv.Token(context.Background(), authserver.TokenRequest{
		Client: credentials(nc), GrantType: oauthclient.GrantClientCredentials, Scope: "admin",
	})
	fmt.Println(errors.Is(err, oauthclient.ErrInvalidScope))
	// Output:
	// true Bearer 3600 read
	// true
}

// The authorization code grant with PKCE: the application shows its own
// login and consent pages between Authorize and IssueCode.
func ExampleServer_Authorize() {
	srv, nc := exampleSetup()
	ctx := context.Background()
	verifier := "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
	sum := sha256.Sum256([]byte(verifier))
	query := url.Values{"client_id": {nc.Client.ID}, "response_type": {"code"}, "state": {"xyz"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}

	a, err := srv.Authorize(ctx, authserver.ParseAuthorizeRequest(query))
	if err != nil {
		fmt.Println(err)
		return
	}
	// ... the user logs in and consents ...
	code, _ := srv.IssueCode(ctx, a, "user-1")
	back, _ := url.Parse(a.CodeURL(code))
	fmt.Println(back.Host, back.Query().Get("state"), back.Query().Get("iss"))

	tok, err := srv.Token(ctx, authserver.TokenRequest{Client: credentials(nc), GrantType: oauthclient.GrantAuthorizationCode,
		Code: back.Query().Get("code"), CodeVerifier: verifier})
	fmt.Println(err, tok.RefreshToken != "")

	// A redirect URI the client did not register is never redirected to.
	query.Set("redirect_uri", "https://evil.example/cb")
	a, err = srv.Authorize(ctx, authserver.ParseAuthorizeRequest(query))
	fmt.Println(a == nil, errors.Is(err, oauthclient.ErrRedirectMismatch))

	// Nor is any other error of the request: the user sees it.
	query.Del("redirect_uri")
	query.Set("response_type", "token")
	a, err = srv.Authorize(ctx, authserver.ParseAuthorizeRequest(query))
	fmt.Println(a == nil, oauthclient.CodeOf(err))

	// Only the user's answer at the consent page goes back to the client.
	query.Set("response_type", "code")
	a, _ = srv.Authorize(ctx, authserver.ParseAuthorizeRequest(query))
	back, _ = url.Parse(a.ErrorURL(oauthclient.NewError(oauthclient.CodeAccessDenied, "", "the user denied the request")))
	fmt.Println(back.Query().Get("error"))
	// Output:
	// app.example.com xyz https://auth.example.com
	// <nil> true
	// true true
	// true unsupported_response_type
	// access_denied
}

// Introspection and revocation as library calls.
func ExampleServer_Introspect() {
	srv, nc := exampleSetup()
	ctx := context.Background()
	tok, _ := srv.Token(ctx, authserver.TokenRequest{Client: credentials(nc), GrantType: oauthclient.GrantClientCredentials})

	in, _ := srv.Introspect(ctx, authserver.IntrospectionRequest{Client: credentials(nc), Token: tok.AccessToken})
	fmt.Println(in.Active, in.TokenType, in.Scope, in.Issuer)

	_ = srv.Revoke(ctx, authserver.RevocationRequest{Client: credentials(nc), Token: tok.AccessToken})
	in, _ = srv.IntrospectToken(ctx, nc.Client.ID, tok.AccessToken)
	fmt.Println(in.Active)
	// Output:
	// true Bearer read write https://auth.example.com
	// false
}

// The gateway's check as a library call.
func ExampleServer_CheckToken() {
	srv, nc := exampleSetup()
	ctx := context.Background()
	tok, _ := srv.Token(ctx, authserver.TokenRequest{Client: credentials(nc), GrantType: oauthclient.GrantClientCredentials})

	stored, err := srv.CheckToken(ctx, tok.AccessToken, "payments")
	fmt.Println(stored.PolicyID, err)
	_, err = srv.CheckToken(ctx, tok.AccessToken, "reports")
	fmt.Println(errors.Is(err, oauthclient.ErrInsufficientScope))
	_, err = srv.CheckToken(ctx, "poa_at_unknown", "payments")
	fmt.Println(errors.Is(err, oauthclient.ErrInvalidToken))
	// Output:
	// gold <nil>
	// true
	// true
}

// The endpoints mounted on a ServeMux.
func ExampleServer_TokenHandler() {
	srv, nc := exampleSetup()
	mux := http.NewServeMux()
	mux.Handle("/oauth/token", srv.TokenHandler())
	mux.Handle("/oauth/revoke", srv.RevocationHandler())
	mux.Handle("/oauth/introspect", srv.IntrospectionHandler())

	post := func(path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(url.QueryEscape(nc.Client.ID), url.QueryEscape(nc.Secret.Reveal()))
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		return rec
	}
	rec := post("/oauth/token", "grant_type=client_credentials&scope=read")
	fmt.Println(rec.Code, rec.Header().Get("Cache-Control"))
	rec = post("/oauth/token", "grant_type=client_credentials&scope=read&scope=write")
	fmt.Print(rec.Code, " ", rec.Body.String())
	rec = post("/oauth/introspect", "token=poa_at_unknown")
	fmt.Print(rec.Code, " ", rec.Body.String())
	rec = post("/oauth/revoke", "token=poa_at_unknown")
	fmt.Println(rec.Code)
	// Output:
	// 200 no-store
	// 400 {"error":"invalid_request","error_description":"scope: must not be repeated"}
	// 200 {"active":false}
	// 200
}

// A gateway lets through only requests whose access token's policy
// grants the API.
func ExampleServer_RequireToken() {
	srv, nc := exampleSetup()
	tok, _ := srv.Token(context.Background(), authserver.TokenRequest{Client: credentials(nc), GrantType: oauthclient.GrantClientCredentials})
	upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, _ := authserver.TokenFromContext(r.Context())
		_, _ = io.WriteString(w, "hello, "+t.Scope)
	})
	gateway := srv.RequireToken(upstream, "payments", authserver.WithRealm("Payments API"))

	call := func(authorization string) {
		req := httptest.NewRequest(http.MethodGet, "/payments", nil)
		if authorization != "" {
			req.Header.Set("Authorization", authorization)
		}
		rec := httptest.NewRecorder()
		gateway.ServeHTTP(rec, req)
		fmt.Println(rec.Code, rec.Header().Get("WWW-Authenticate"), strings.TrimSpace(rec.Body.String()))
	}
	call("Bearer " + tok.AccessToken)
	call("")
	_ = srv.Revoke(context.Background(), authserver.RevocationRequest{Client: credentials(nc), Token: tok.AccessToken})
	call("Bearer " + tok.AccessToken)
	// Output:
	// 200  hello, read write
	// 401 Bearer realm="Payments API" {"error_description":"a bearer token is required"}
	// 401 Bearer realm="Payments API", error="invalid_token", error_description="the access token is not valid" {"error":"invalid_token","error_description":"the access token is not valid"}
}

// A token endpoint of one's own from the parts: parse, decide, write.
func ExampleParseTokenRequest() {
	srv, nc := exampleSetup()
	token := srv.SecurityHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := authserver.ParseTokenRequest(r, 8<<10)
		if err != nil {
			srv.WriteError(w, r, err)
			return
		}
		resp, err := srv.Token(r.Context(), req)
		if err != nil {
			srv.WriteError(w, r, err)
			return
		}
		authserver.WriteTokenResponse(w, resp)
	}))
	// Credentials in the header and the body at once are refused.
	req := httptest.NewRequest(http.MethodPost, "/token", strings.NewReader("grant_type=client_credentials&client_secret=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(nc.Client.ID, "x")
	rec := httptest.NewRecorder()
	token.ServeHTTP(rec, req)
	fmt.Print(rec.Code, " ", rec.Body.String())
	// Output:
	// 400 {"error":"invalid_request","error_description":"client_secret: a client must not use more than one authentication method"}
}

// Revocation and introspection requests parse the same way.
func ExampleParseIntrospectionRequest() {
	req := httptest.NewRequest(http.MethodPost, "/introspect", strings.NewReader("token=poa_at_x&token_type_hint=access_token"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("client-1", "secret")
	in, err := authserver.ParseIntrospectionRequest(req, 0)
	fmt.Println(in.Client.ClientID, in.Client.Method, in.Token, in.TokenTypeHint, err)

	req = httptest.NewRequest(http.MethodPost, "/revoke", strings.NewReader(`{"token":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	_, err = authserver.ParseRevocationRequest(req, 0)
	fmt.Println(err)
	// Output:
	// client-1 client_secret_basic poa_at_x access_token <nil>
	// oauthclient: invalid_request: Content-Type: must be application/x-www-form-urlencoded
}

// ParseForm is the part the Parse functions are built from, for form
// endpoints of one's own, such as a consent form.
func ExampleParseForm() {
	req := httptest.NewRequest(http.MethodPost, "/consent", strings.NewReader("decision=approve&state=a&state=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	_, err := authserver.ParseForm(req, 0)
	fmt.Println(err)

	req = httptest.NewRequest(http.MethodPost, "/consent", strings.NewReader("decision="+strings.Repeat("x", 100)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	_, err = authserver.ParseForm(req, 64)
	fmt.Println(oauthclient.HTTPStatus(err), oauthclient.CodeOf(err))
	// Output:
	// oauthclient: invalid_request: state: must not be repeated
	// 413 invalid_request
}

// WriteError writes RFC 6749 §5.2 JSON, with a challenge for
// invalid_client and invalid_token; MethodNotAllowed and SecurityHeaders
// serve an application's own endpoints.
func ExampleServer_WriteError() {
	srv, _ := exampleSetup()
	rec := httptest.NewRecorder()
	srv.WriteError(rec, httptest.NewRequest(http.MethodPost, "/token", nil),
		oauthclient.NewError(oauthclient.CodeInvalidClient, "", "client authentication failed"))
	fmt.Print(rec.Code, " ", rec.Header().Get("WWW-Authenticate"), " ", rec.Body.String())

	rec = httptest.NewRecorder()
	srv.SecurityHeaders(srv.MethodNotAllowed("POST")).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/token", nil))
	fmt.Println(rec.Code, rec.Header().Get("Allow"), rec.Header().Get("X-Frame-Options"))
	// Output:
	// 401 Basic realm="https://auth.example.com", charset="UTF-8" {"error":"invalid_client","error_description":"client authentication failed"}
	// 405 POST DENY
}

// WriteIntrospection writes an RFC 7662 response.
func ExampleWriteIntrospection() {
	rec := httptest.NewRecorder()
	authserver.WriteIntrospection(rec, authserver.Introspection{Active: true, ClientID: "c1", TokenType: "Bearer", ExpiresAt: 1700000000})
	fmt.Print(rec.Header().Get("Cache-Control"), " ", rec.Body.String())
	// Output:
	// no-store {"active":true,"client_id":"c1","token_type":"Bearer","exp":1700000000}
}

// FieldName makes a name a request sent safe to echo in an error.
func ExampleFieldName() {
	fmt.Println(authserver.FieldName("redirect_uri\"><script>"))
	// Output:
	// redirect_uri?><script>
}

// A consent form carries the request's parameters to the POST that
// answers it; ParseAuthorizeRequest reads them back.
func ExampleAuthorizeRequest_Values() {
	req := authserver.ParseAuthorizeRequest(url.Values{"client_id": {"c1"}, "response_type": {"code"}, "state": {"xyz"}, "scope": {""}})
	fmt.Println(req.Values().Encode())
	fmt.Println(authserver.ParseAuthorizeRequest(req.Values()).State)
	// Output:
	// client_id=c1&response_type=code&state=xyz
	// xyz
}

// The Server works on its portal's stores and clock.
func ExampleServer_Clients() {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	svc, _ := portal.New(portal.Config{Store: memory.New(), OAuth: oauthclient.Config{Now: func() time.Time { return at }}})
	srv, _ := authserver.New(authserver.Config{Portal: svc, Issuer: "https://auth.example.com"})
	fmt.Println(srv.Clients() == svc.Clients(), srv.CatalogueReader() == svc.CatalogueReader(), srv.Now().Equal(at), srv.Logger() != nil)
	// Output: true true true true
}
