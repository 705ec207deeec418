package portal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// TestEventsNeverHoldSecrets runs every change through a Service whose
// observer both records the events and logs them with SlogObserver, then
// searches every rendering for every secret, hash and token the flow
// produced.
func TestEventsNeverHoldSecrets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	var logs bytes.Buffer
	slogObs := portal.SlogObserver{Logger: slog.New(slog.NewJSONHandler(&logs, nil))}
	svc, err := portal.New(portal.Config{
		Store: f.store,
		Observer: portal.ObserverFunc(func(ctx context.Context, e portal.Event) {
			f.rec.Observe(ctx, e)
			slogObs.Observe(ctx, e)
		}),
		OAuth: oauthclient.Config{Now: f.clock.Now},
	})
	require.NoError(t, err)
	ctx := t.Context()
	var secrets []string

	d, err := svc.RegisterDeveloper(ctx, portal.NewDeveloper{Email: "ada@example.com", Name: "Ada"})
	require.NoError(t, err)
	req := request()
	req.IssueRegistrationToken = true
	nc, err := svc.CreateClient(ctx, d.ID, req)
	require.NoError(t, err)
	id := nc.Client.ID
	secrets = append(secrets, nc.Secret.Reveal(), nc.RegistrationToken.Reveal(), nc.Client.RegistrationTokenHash)
	_, err = svc.UpdateClient(ctx, d.ID, id, portal.UpdateClientRequest{Version: 1, Name: ptr("Shop v2"), PolicyID: ptr(policyGold)})
	require.NoError(t, err)
	rot, err := svc.RotateSecret(ctx, d.ID, id, time.Hour)
	require.NoError(t, err)
	secrets = append(secrets, rot.Secret.Reveal())
	for _, s := range rot.Client.Secrets {
		secrets = append(secrets, s.Hash)
	}
	f.token(t, id, 1)
	_, err = svc.RevokeTokens(ctx, d.ID, id)
	require.NoError(t, err)
	require.NoError(t, svc.DisableClient(ctx, "admin-1", id))
	require.NoError(t, svc.EnableClient(ctx, "admin-1", id))
	pendingReq := request()
	pendingReq.EntryIDs, pendingReq.PolicyID = []string{entryReports}, policyReports
	p1, err := svc.CreateClient(ctx, d.ID, pendingReq)
	require.NoError(t, err)
	p2, err := svc.CreateClient(ctx, d.ID, pendingReq)
	require.NoError(t, err)
	secrets = append(secrets, p1.Secret.Reveal(), p2.Secret.Reveal())
	require.NoError(t, svc.ApproveClient(ctx, "admin-1", p1.Client.ID))
	require.NoError(t, svc.RejectClient(ctx, "admin-1", p2.Client.ID))
	require.NoError(t, svc.DeleteClient(ctx, d.ID, id))
	require.NoError(t, svc.DeactivateDeveloper(ctx, "admin-1", d.ID))

	assert.Equal(t, []portal.EventType{
		portal.EventDeveloperRegistered, portal.EventCreated, portal.EventUpdated, portal.EventSecretRotated,
		portal.EventTokensRevoked, portal.EventDisabled, portal.EventEnabled, portal.EventCreated,
		portal.EventCreated, portal.EventApproved, portal.EventRejected, portal.EventDeleted,
		portal.EventDeveloperDeactivated,
	}, f.rec.Types())

	events := f.rec.Events()
	js, err := json.Marshal(events)
	require.NoError(t, err)
	rendered := fmt.Sprintf("%v %+v %#v", events, events, events) + string(js) + logs.String()
	for _, s := range secrets {
		require.NotEmpty(t, s)
		assert.NotContains(t, rendered, s)
	}
	for _, e := range events {
		assert.Equal(t, d.ID, e.DeveloperID, "%s", e.Type)
		assert.NotEmpty(t, e.Actor, "%s", e.Type)
		assert.False(t, e.Time.IsZero(), "%s", e.Type)
	}
	assert.Equal(t, 13, strings.Count(logs.String(), `"msg":"portal event"`))
}

func TestSlogObserver(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	o := portal.SlogObserver{Logger: slog.New(slog.NewJSONHandler(&buf, nil))}
	e := portal.Event{Type: portal.EventDeleted, Actor: "dev-1", DeveloperID: "dev-1", ClientID: "c-1", Time: t0, Detail: "x"}
	o.Observe(t.Context(), e)

	var got map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	assert.Equal(t, "INFO", got["level"])
	assert.Equal(t, "portal event", got["msg"])
	assert.Equal(t, "deleted", got["type"])
	assert.Equal(t, "dev-1", got["actor"])
	assert.Equal(t, "dev-1", got["developer_id"])
	assert.Equal(t, "c-1", got["client_id"])
	assert.Equal(t, t0.Format(time.RFC3339), got["time"])
	assert.Equal(t, "x", got["detail"])
}

// TestNoEventOnFailure checks the observer is called only after the store
// change succeeded.
func TestNoEventOnFailure(t *testing.T) {
	t.Parallel()
	f, d, nc := clientFixture(t)
	n := len(f.rec.Events())

	_, err := f.svc.UpdateClient(t.Context(), d.ID, nc.Client.ID, portal.UpdateClientRequest{Version: 9, Name: ptr("x")})
	require.ErrorIs(t, err, portal.ErrConflict)
	require.ErrorIs(t, f.svc.DeleteClient(t.Context(), d.ID, "nope"), portal.ErrNotFound)
	_, err = f.svc.RevokeTokens(t.Context(), d.ID, "nope")
	require.ErrorIs(t, err, portal.ErrNotFound)
	_, err = f.svc.RotateSecret(t.Context(), "other", nc.Client.ID, 0)
	require.Error(t, err)
	assert.Len(t, f.rec.Events(), n)
}

func TestErrorRendering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *oauthclient.Error
		want string
	}{
		{&oauthclient.Error{Err: portal.ErrInvalidInput, Field: "email", Reason: "is required"}, "oauthclient: invalid input: email: is required"},
		{&oauthclient.Error{Err: portal.ErrClientLimit}, "oauthclient: client limit reached"},
		{&oauthclient.Error{Err: portal.ErrNotEligible, Field: "entry_ids[0]", Cause: oauthclient.ErrNotFound}, "oauthclient: catalogue entry is not OAuth-eligible: entry_ids[0]: oauthclient: not found"},
		{&oauthclient.Error{Reason: "odd"}, "oauthclient: error: odd"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.err.Error())
			if tt.err.Err != nil {
				assert.ErrorIs(t, tt.err, tt.err.Err)
			}
			if tt.err.Cause != nil {
				assert.ErrorIs(t, tt.err, tt.err.Cause)
			}
		})
	}
}
