package storetest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// interleave is a store that, on the first UpdateClient only, runs between
// the caller's read and its write: before forwarding that write, it calls
// between, whose own writes go through at once.
type interleave struct {
	portal.Store
	used    atomic.Bool
	between func()
}

func (s *interleave) UpdateClient(ctx context.Context, c *oauthclient.Client, opts oauthclient.UpdateOptions) error {
	if s.used.CompareAndSwap(false, true) {
		s.between()
	}
	return s.Store.UpdateClient(ctx, c, opts)
}

// stepClock returns a clock that moves one second at every reading.
func stepClock(start time.Time) func() time.Time {
	var n atomic.Int64
	return func() time.Time { return start.Add(time.Duration(n.Add(1)) * time.Second) }
}

// rotationTests check portal.Service.RotateSecret over the store: that a
// rotation retried after losing a race keeps the secrets in the order they
// were written.
var rotationTests = []test[portal.Store]{
	{"a rotation retried after another one leaves its secret current through the next rotation", func(t *testing.T, s portal.Store) {
		ctx := t.Context()
		d := createDeveloper(t, s, at(1))
		c := createClient(t, s, d.ID, at(2))
		now := stepClock(at(100))
		race := &interleave{Store: s}
		svc, err := portal.New(portal.Config{Store: race, OAuth: oauthclient.Config{Now: now}})
		require.NoError(t, err)

		var second *portal.RotatedSecret
		var secondErr error
		race.between = func() { second, secondErr = svc.RotateSecret(ctx, d.ID, c.ID, time.Hour) }
		first, err := svc.RotateSecret(ctx, d.ID, c.ID, time.Hour)
		require.NoError(t, err, "the first rotation retries after the conflict")
		require.NoError(t, secondErr)
		require.NotNil(t, second)

		// The first rotation wrote last: its secret is the current one.
		stored := storedClient(t, s, c.ID)
		require.Len(t, stored.Secrets, 2)
		assert.Equal(t, second.Client.Secrets[1].ID, stored.Secrets[0].ID, "the second rotation's secret, in its grace period")
		assert.Equal(t, first.Client.Secrets[1].ID, stored.Secrets[1].ID, "the first rotation's secret, current")
		assert.True(t, stored.Secrets[1].ExpiresAt.IsZero(), "the current secret does not expire")
		assert.False(t, stored.Secrets[1].CreatedAt.Before(stored.Secrets[0].CreatedAt), "the current secret is dated by its write")

		third, err := svc.RotateSecret(ctx, d.ID, c.ID, time.Hour)
		require.NoError(t, err)
		stored = storedClient(t, s, c.ID)
		require.Len(t, stored.Secrets, 2)
		assert.Equal(t, first.Client.Secrets[1].ID, stored.Secrets[0].ID, "the replaced secret keeps its grace period")
		assert.Equal(t, third.Client.Secrets[1].ID, stored.Secrets[1].ID)

		auth := svc.Authenticator()
		for name, secret := range map[string]oauthclient.Plaintext{"first": first.Secret, "third": third.Secret} {
			_, err := auth.Authenticate(ctx, oauthclient.Credentials{ClientID: c.ID, Secret: secret, Method: oauthclient.AuthMethodBasic})
			assert.NoError(t, err, "the %s rotation's secret authenticates", name)
		}
		_, err = auth.Authenticate(ctx, oauthclient.Credentials{ClientID: c.ID, Secret: second.Secret, Method: oauthclient.AuthMethodBasic})
		assert.ErrorIs(t, err, oauthclient.ErrInvalidClient, "the second rotation's secret is gone")
	}},
}
