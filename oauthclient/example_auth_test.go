package oauthclient_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// authExampleClients is a map-backed ClientGetter.
type authExampleClients map[string]*oauthclient.Client

func (m authExampleClients) GetClient(_ context.Context, id string) (*oauthclient.Client, error) {
	c, ok := m[id]
	if !ok {
		return nil, oauthclient.ErrNotFound
	}
	return c.Clone(), nil
}

// authExampleRand stands in for crypto/rand.Reader, so the output below
// stays the same from run to run.
func authExampleRand() *bytes.Reader {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return bytes.NewReader(b)
}

func ExampleGenerateSecret() {
	secret, err := oauthclient.GenerateSecret(authExampleRand()) // crypto/rand.Reader in production
	if err != nil {
		panic(err)
	}
	fmt.Println(secret) // redacted everywhere...
	fmt.Println(secret.Reveal())
	fmt.Println(oauthclient.SecretHint(secret))
	// Output:
	// [REDACTED]
	// poa_cs_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8
	// poa_cs_…dHh8
}

func ExampleNewClientID() {
	id, err := oauthclient.NewClientID(authExampleRand()) // crypto/rand.Reader in production
	if err != nil {
		panic(err)
	}
	fmt.Println(id)
	// Output:
	// 00010203-0405-4607-8809-0a0b0c0d0e0f
}

func ExampleSecretHint() {
	fmt.Println(oauthclient.SecretHint(oauthclient.NewPlaintext("poa_cs_q1bT0c6Kx6s6KcG0cG9wl3E8lB1sVY8C2v7N8bMKx7Qa")))
	fmt.Println(oauthclient.SecretHint(oauthclient.NewPlaintext("hunter2"))) // too short to show any of it
	// Output:
	// poa_cs_…x7Qa
	// …
}

func ExampleHasher_NewSecret() {
	var h *oauthclient.Hasher // nil: SHA-256, no pepper
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	plain, stored, err := h.NewSecret(authExampleRand(), now)
	if err != nil {
		panic(err)
	}
	// Show plain once; store stored. Neither prints the secret or its hash.
	fmt.Println(plain)
	fmt.Println(stored)
	fmt.Println(stored.Hash)
	// Output:
	// [REDACTED]
	// secret 20212223-2425-4627-a829-2a2b2c2d2e2f (poa_cs_…dHh8)
	// $sha256$AGetDTDPMjlm2EDHLYJ2vMgvc3+jajz48CeCi17wvRM
}

// A secret migrated from another system as a bcrypt hash verifies, and
// needsRehash asks for it to be stored in this Hasher's form.
func ExampleHasher_Verify() {
	h := &oauthclient.Hasher{}
	const legacy = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW" // bcrypt of "U*U"

	needsRehash, err := h.Verify(legacy, oauthclient.NewPlaintext("U*U"))
	fmt.Println(needsRehash, err)

	_, err = h.Verify(legacy, oauthclient.NewPlaintext("U*V"))
	fmt.Println(err)
	// Output:
	// true <nil>
	// oauthclient: secret does not match hash
}

// Rotating the pepper: hashes made under the previous one still verify and
// ask to be rehashed.
func ExampleHasher() {
	oldPepper := []byte("first pepper, 32 random bytes...")
	newPepper := []byte("second pepper, 32 random bytes..")
	secret := oauthclient.NewPlaintext("poa_cs_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")

	before := &oauthclient.Hasher{Pepper: oldPepper}
	stored, err := before.Hash(secret)
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(stored, "$hmac-sha256$k="))

	after := &oauthclient.Hasher{Pepper: newPepper, PreviousPeppers: [][]byte{oldPepper}}
	needsRehash, err := after.Verify(stored, secret)
	fmt.Println(needsRehash, err)
	// Output:
	// true
	// true <nil>
}

// A token endpoint reads the credentials of the request, then authenticates
// the client.
func ExampleAuthenticator() {
	hasher := &oauthclient.Hasher{}
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	secret, stored, err := hasher.NewSecret(authExampleRand(), now)
	if err != nil {
		panic(err)
	}
	clients := authExampleClients{"my client": {
		ID:       "my client",
		Metadata: oauthclient.Metadata{TokenEndpointAuthMethod: oauthclient.AuthMethodBasic},
		Status:   oauthclient.StatusActive,
		Secrets:  []oauthclient.Secret{stored},
	}}
	a := &oauthclient.Authenticator{Clients: clients, Hasher: hasher, Now: func() time.Time { return now }}

	for _, presented := range []string{secret.Reveal(), "poa_cs_guess"} {
		r := httptest.NewRequest("POST", "/oauth/token", strings.NewReader("grant_type=client_credentials"))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetBasicAuth(url.QueryEscape("my client"), url.QueryEscape(presented))

		creds, err := oauthclient.CredentialsFromRequest(r)
		if err != nil {
			fmt.Println(oauthclient.CodeOf(err)) // answer 400 (401 for invalid_client)
			continue
		}
		client, err := a.Authenticate(r.Context(), creds)
		if err != nil {
			fmt.Println(oauthclient.CodeOf(err), err)
			continue
		}
		fmt.Println("authenticated", client.ID)
	}
	// Output:
	// authenticated my client
	// invalid_client oauthclient: invalid_client: client authentication failed
}

func ExampleCredentialsFromRequest() {
	r := httptest.NewRequest("POST", "/oauth/token", strings.NewReader("grant_type=client_credentials"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	// RFC 6749 §2.3.1: id "my client" and secret "p@ss+w:rd%", each
	// form-urlencoded, then base64.
	r.Header.Set("Authorization", "Basic bXkrY2xpZW50OnAlNDBzcyUyQnclM0FyZCUyNQ==")

	creds, err := oauthclient.CredentialsFromRequest(r)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%+v\n", creds)
	fmt.Println(creds.Secret.Reveal())

	// Two methods at once.
	r = httptest.NewRequest("POST", "/oauth/token", strings.NewReader("client_id=my+client&client_secret=x"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Authorization", "Basic bXkrY2xpZW50OnAlNDBzcyUyQnclM0FyZCUyNQ==")
	_, err = oauthclient.CredentialsFromRequest(r)
	fmt.Println(err)
	// Output:
	// {ClientID:my client Secret:[REDACTED] Method:client_secret_basic}
	// p@ss+w:rd%
	// oauthclient: invalid_request: client_secret: a client must not use more than one authentication method
}
