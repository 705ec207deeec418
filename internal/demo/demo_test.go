package demo_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/internal/demo"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

func TestSeed(t *testing.T) {
	t.Parallel()
	st := memory.New()
	svc, err := portal.New(portal.Config{Store: st})
	require.NoError(t, err)
	nc, err := demo.Seed(t.Context(), svc, demo.Options{APIID: "payments", ClientScope: "read write"})
	require.NoError(t, err)
	assert.Equal(t, "read write", nc.Client.Scope)
	assert.Equal(t, oauthclient.StatusActive, nc.Client.Status)
	assert.False(t, nc.Secret.IsZero())

	c, err := (&oauthclient.Authenticator{Clients: st}).Authenticate(t.Context(), oauthclient.Credentials{
		ClientID: nc.Client.ID, Secret: nc.Secret, Method: oauthclient.AuthMethodBasic})
	require.NoError(t, err)
	p, err := svc.CatalogueReader().GetPolicy(t.Context(), c.PolicyID)
	require.NoError(t, err)
	assert.True(t, p.Grants("payments"))

	_, err = demo.Seed(t.Context(), svc, demo.Options{APIID: "payments"})
	require.Error(t, err, "a second seed of the same IDs is refused")
}
