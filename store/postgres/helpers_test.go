package postgres

import (
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// t0 is the tests' clock: microsecond precision, as the database keeps.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 123456000, time.UTC)

func testDeveloper(id, email string) *portal.Developer {
	return &portal.Developer{ID: id, Email: email, Name: "Dev " + id, Status: portal.DeveloperActive,
		CreatedAt: t0, UpdatedAt: t0, Version: 1}
}

func testSecret(id string) oauthclient.Secret {
	return oauthclient.Secret{ID: id, Hash: "$sha256$" + id, Hint: "poa_cs_…" + id, CreatedAt: t0}
}

// testClient returns an active confidential client with one secret.
func testClient(id, developerID string) *oauthclient.Client {
	return &oauthclient.Client{
		ID: id,
		Metadata: oauthclient.Metadata{
			RedirectURIs:            []string{"https://app.example/cb"},
			TokenEndpointAuthMethod: oauthclient.AuthMethodBasic,
			GrantTypes:              []oauthclient.GrantType{oauthclient.GrantAuthorizationCode},
			ClientName:              "App " + id,
		},
		DeveloperID: developerID,
		APIIDs:      []string{"api1"},
		PolicyID:    "p1",
		Status:      oauthclient.StatusActive,
		Secrets:     []oauthclient.Secret{testSecret("s1")},
		CreatedAt:   t0,
		UpdatedAt:   t0,
		Version:     1,
	}
}

func testToken(hash, clientID, grantID string) *oauthclient.Token {
	return &oauthclient.Token{Hash: hash, Kind: oauthclient.KindAccessToken, ClientID: clientID, GrantID: grantID,
		IssuedAt: t0, ExpiresAt: t0.Add(time.Hour)}
}
