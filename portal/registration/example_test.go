package registration_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/registration"
	"github.com/portaloauth/portaloauth/store/memory"
)

// newPortal returns a portal with one OAuth API offered by the catalogue
// entry "weather", and a developer. A seeded random source and a fixed
// clock make the output repeatable; a real portal leaves Rand and Now nil.
func newPortal() (*portal.Service, *portal.Developer) {
	ctx := context.Background()
	svc, err := portal.New(portal.Config{
		Store: memory.New(),
		OAuth: oauthclient.Config{
			Now:  func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) },
			Rand: rand.NewChaCha8([32]byte{'r', 'e', 'g'}),
		},
	})
	if err != nil {
		panic(err)
	}
	_ = svc.AddAPI(ctx, &catalogue.API{ID: "weather", Name: "Weather", AuthMode: catalogue.AuthOAuth2, Active: true})
	_ = svc.AddPolicy(ctx, &catalogue.Policy{ID: "standard", Name: "Standard", Active: true, Scopes: []string{"forecast"},
		AccessRights: []catalogue.AccessRight{{APIID: "weather"}}})
	_ = svc.AddEntry(ctx, &catalogue.Entry{ID: "weather", APIID: "weather", DisplayName: "Weather",
		PolicyIDs: []string{"standard"}, Visible: true})
	dev, err := svc.RegisterDeveloper(ctx, portal.NewDeveloper{Email: "dev@example.com", Name: "Dev"})
	if err != nil {
		panic(err)
	}
	return svc, dev
}

// registered returns a Registrar over newPortal's portal and a client it
// registered.
func registered() (*portal.Service, *registration.Registrar, *registration.Information) {
	svc, dev := newPortal()
	reg, _ := registration.New(svc, registration.Config{Issuer: "https://auth.example.com"})
	iat, _ := reg.NewInitialAccessToken(registration.InitialAccess{DeveloperID: dev.ID, EntryIDs: []string{"weather"}})
	req, _ := registration.ParseRequest([]byte(`{"client_name":"Forecast CLI","grant_types":["client_credentials"]}`))
	created, err := reg.Register(context.Background(), iat, req)
	if err != nil {
		panic(err)
	}
	return svc, reg, created
}

// A portal mounts the registration endpoints next to its own handlers;
// a client registers itself with an initial access token, then reads,
// updates and deletes its registration with the registration access
// token it got.
func Example() {
	svc, dev := newPortal()
	reg, err := registration.New(svc, registration.Config{Issuer: "https://auth.example.com"})
	if err != nil {
		fmt.Println(err)
		return
	}
	iat, _ := reg.NewInitialAccessToken(registration.InitialAccess{DeveloperID: dev.ID, EntryIDs: []string{"weather"}})
	mux := http.NewServeMux()
	mux.Handle("/oauth/register", reg.RegistrationHandler())
	mux.Handle("/oauth/register/{client_id}", reg.ConfigurationHandler())

	send := func(method, target, token, body string) map[string]any {
		req := httptest.NewRequest(method, target, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		var out map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		fmt.Println(method, rec.Code, out["client_name"], out["error"])
		return out
	}
	info := send(http.MethodPost, "/oauth/register", iat.Reveal(),
		`{"client_name":"Forecast CLI","grant_types":["client_credentials"],"scope":"forecast"}`)
	uri := strings.TrimPrefix(info["registration_client_uri"].(string), "https://auth.example.com")
	rat := info["registration_access_token"].(string)
	// Every read and update answers with a new registration access token
	// (RFC 7592 §3) that replaces the one presented.
	rat = send(http.MethodGet, uri, rat, "")["registration_access_token"].(string)
	rat = send(http.MethodPut, uri, rat, `{"client_id":"`+info["client_id"].(string)+`","client_name":"Forecast CLI 2",
		"grant_types":["client_credentials"]}`)["registration_access_token"].(string)
	send(http.MethodDelete, uri, rat, "")
	send(http.MethodGet, uri, rat, "")
	// Output:
	// POST 201 Forecast CLI <nil>
	// GET 200 Forecast CLI <nil>
	// PUT 200 Forecast CLI 2 <nil>
	// DELETE 204 <nil> <nil>
	// GET 401 <nil> invalid_token
}

// Handler serves both endpoints under Config.Path.
func ExampleRegistrar_Handler() {
	svc, dev := newPortal()
	reg, _ := registration.New(svc, registration.Config{Issuer: "https://auth.example.com", Path: "/connect/register"})
	iat, _ := reg.NewInitialAccessToken(registration.InitialAccess{DeveloperID: dev.ID, EntryIDs: []string{"weather"}})

	req := httptest.NewRequest(http.MethodPost, "/connect/register", strings.NewReader(
		`{"client_name":"Batch","grant_types":["client_credentials"]}`))
	req.Header.Set("Authorization", "Bearer "+iat.Reveal())
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	reg.Handler().ServeHTTP(rec, req)
	var info struct {
		URI string `json:"registration_client_uri"`
	}
	_ = json.Unmarshal(rec.Body.Bytes(), &info)
	fmt.Println(rec.Code, rec.Header().Get("Cache-Control"))
	fmt.Println(strings.HasPrefix(info.URI, "https://auth.example.com/connect/register/"))
	// Output:
	// 201 no-store
	// true
}

// Without net/http: the decisions take typed requests and return typed
// results or *oauthclient.Error values.
func ExampleRegistrar_Register() {
	ctx := context.Background()
	svc, dev := newPortal()
	reg, _ := registration.New(svc, registration.Config{Issuer: "https://auth.example.com"})
	iat, _ := reg.NewInitialAccessToken(registration.InitialAccess{DeveloperID: dev.ID, EntryIDs: []string{"weather"}})

	req, _ := registration.ParseRequest([]byte(`{"client_name":"Forecast CLI","grant_types":["client_credentials"]}`))
	info, err := reg.Register(ctx, iat, req)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(info.Client.ClientName, info.Client.DeveloperID == dev.ID, info.Secret, !info.RegistrationToken.IsZero())

	_, err = reg.Register(ctx, oauthclient.NewPlaintext("poa_iat_unknown"), req)
	fmt.Println(oauthclient.CodeOf(err))
	// Output:
	// Forecast CLI true [REDACTED] true
	// invalid_token
}

func ExampleRegistrar_Read() {
	ctx := context.Background()
	_, reg, created := registered()

	info, err := reg.Read(ctx, created.Client.ID, created.RegistrationToken)
	fmt.Println(info.Client.ClientName, info.Secret.IsZero(), err)
	_, err = reg.Read(ctx, created.Client.ID, oauthclient.NewPlaintext("poa_rat_guess"))
	fmt.Println(oauthclient.CodeOf(err))
	// Output:
	// Forecast CLI true <nil>
	// invalid_token
}

func ExampleRegistrar_Update() {
	ctx := context.Background()
	_, reg, created := registered()

	// The body replaces the metadata and must repeat the client_id.
	update, _ := registration.ParseRequest([]byte(`{"client_id":"` + created.Client.ID +
		`","client_name":"Forecast CLI 2","grant_types":["client_credentials"]}`))
	info, err := reg.Update(ctx, created.Client.ID, created.RegistrationToken, update)
	fmt.Println(info.Client.ClientName, err)

	// The response's registration access token replaces the one used.
	update.ClientID = "another"
	_, err = reg.Update(ctx, created.Client.ID, info.RegistrationToken, update)
	fmt.Println(err)
	// Output:
	// Forecast CLI 2 <nil>
	// oauthclient: invalid_request: client_id: must be the client's client_id
}

func ExampleRegistrar_Delete() {
	ctx := context.Background()
	svc, reg, created := registered()

	fmt.Println(reg.Delete(ctx, created.Client.ID, created.RegistrationToken))
	_, err := svc.Clients().GetClient(ctx, created.Client.ID)
	fmt.Println(errors.Is(err, oauthclient.ErrNotFound))
	// Output:
	// <nil>
	// true
}

func ExampleParseRequest() {
	req, err := registration.ParseRequest([]byte(`{"client_id":"c-1","client_name":"App",
		"redirect_uris":["https://app.example.com/cb"],"registration_access_token":"ignored"}`))
	fmt.Println(req.ClientID, req.Metadata.ClientName, req.Metadata.RedirectURIs, len(req.Metadata.Extra), err)

	_, err = registration.ParseRequest([]byte(`{"client_name":"a","client_name":"b"}`))
	fmt.Println(err)
	// Output:
	// c-1 App [https://app.example.com/cb] 0 <nil>
	// oauthclient: invalid_client_metadata: client_name: must not be repeated
}

// An operator hands a chosen token to a partner; only its hash is kept.
func ExampleRegistrar_AddInitialAccessToken() {
	svc, dev := newPortal()
	reg, _ := registration.New(svc, registration.Config{Issuer: "https://auth.example.com"})
	err := reg.AddInitialAccessToken(oauthclient.NewPlaintext("partner-7f3c9a1e2b4d"),
		registration.InitialAccess{DeveloperID: dev.ID, EntryIDs: []string{"weather"}, PolicyID: "standard"})
	fmt.Println(err)
	err = reg.AddInitialAccessToken(oauthclient.NewPlaintext("short"), registration.InitialAccess{DeveloperID: dev.ID, EntryIDs: []string{"weather"}})
	fmt.Println(err)
	// Output:
	// <nil>
	// registration: an initial access token must be at least 16 characters
}

func ExampleRegistrar_NewInitialAccessToken() {
	svc, dev := newPortal()
	reg, _ := registration.New(svc, registration.Config{Issuer: "https://auth.example.com"})
	iat, err := reg.NewInitialAccessToken(registration.InitialAccess{DeveloperID: dev.ID, EntryIDs: []string{"weather"}})
	fmt.Println(iat, strings.HasPrefix(iat.Reveal(), oauthclient.PrefixInitialAccess), err)
	// Output:
	// [REDACTED] true <nil>
}

func ExampleInformation_JSON() {
	info := registration.Information{
		Client: &oauthclient.Client{ID: "c-1", CreatedAt: time.Unix(1772366400, 0),
			Metadata: oauthclient.Metadata{ClientName: "App", TokenEndpointAuthMethod: oauthclient.AuthMethodNone}},
		ClientURI: "https://auth.example.com/oauth/register/c-1",
	}
	body, err := info.JSON()
	fmt.Println(string(body))
	fmt.Println(err)
	// Output:
	// {"client_id":"c-1","client_id_issued_at":1772366400,"client_name":"App","registration_client_uri":"https://auth.example.com/oauth/register/c-1","token_endpoint_auth_method":"none"}
	// <nil>
}

func ExampleNew() {
	svc, _ := portal.New(portal.Config{Store: memory.New()})
	_, err := registration.New(svc, registration.Config{Issuer: "auth.example.com"})
	fmt.Println(err)
	// Output:
	// oauthclient: invalid config: Issuer: must be an absolute http or https URL
}

// The registration endpoint mounts beside a portal's own pages.
func ExampleRegistrar_RegistrationHandler() {
	svc, dev := newPortal()
	reg, _ := registration.New(svc, registration.Config{Issuer: "https://auth.example.com"})
	iat, _ := reg.NewInitialAccessToken(registration.InitialAccess{DeveloperID: dev.ID, EntryIDs: []string{"weather"}})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "portal home") })
	mux.Handle("POST /oauth/register", reg.RegistrationHandler())

	req := httptest.NewRequest(http.MethodPost, "/oauth/register", strings.NewReader(`{"client_name":"Batch","grant_types":["client_credentials"]}`))
	req.Header.Set("Authorization", "Bearer "+iat.Reveal())
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Pragma"))

	req = httptest.NewRequest(http.MethodPost, "/oauth/register", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/json")
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("WWW-Authenticate"))
	// Output:
	// 201 no-cache
	// 401 Bearer realm="https://auth.example.com"
}

// Mounted under a prefix without a {client_id} wildcard, the client
// configuration endpoint takes the client ID from the last path segment.
func ExampleRegistrar_ConfigurationHandler() {
	_, reg, created := registered()
	mux := http.NewServeMux()
	mux.Handle("/clients/", reg.ConfigurationHandler())

	req := httptest.NewRequest(http.MethodGet, "/clients/"+created.Client.ID, nil)
	req.Header.Set("Authorization", "Bearer "+created.RegistrationToken.Reveal())
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code, strings.Contains(rec.Body.String(), `"client_name":"Forecast CLI"`))

	req = httptest.NewRequest(http.MethodPatch, "/clients/"+created.Client.ID, nil)
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	fmt.Println(rec.Code, rec.Header().Get("Allow"))
	// Output:
	// 200 true
	// 405 GET, HEAD, PUT, DELETE
}
