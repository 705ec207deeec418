package cache

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// The writes go to the source, which announces them to every node; the
// node that wrote also drops what changed at once, so that its own next
// read sees the write without waiting for the notification. It drops it
// whatever the outcome: a failed write may still have committed.

// CreateToken stores t, forgetting that its hash was unknown.
func (s *Store) CreateToken(ctx context.Context, t *oauthclient.Token) error {
	err := s.Source.CreateToken(ctx, t)
	s.apply(portal.Change{Kind: portal.ChangeToken, Key: t.Hash})
	return err
}

// ConsumeToken marks the token used, as the source does.
func (s *Store) ConsumeToken(ctx context.Context, hash string) (*oauthclient.Token, error) {
	t, err := s.Source.ConsumeToken(ctx, hash)
	s.apply(portal.Change{Kind: portal.ChangeToken, Key: hash})
	return t, err
}

// DeleteToken deletes the token with that hash, as the source does.
func (s *Store) DeleteToken(ctx context.Context, hash string) error {
	err := s.Source.DeleteToken(ctx, hash)
	s.apply(portal.Change{Kind: portal.ChangeToken, Key: hash})
	return err
}

// RevokeGrant deletes every token of the client's grant, as the source
// does.
func (s *Store) RevokeGrant(ctx context.Context, clientID, grantID string) (int, error) {
	n, err := s.Source.RevokeGrant(ctx, clientID, grantID)
	s.dropTokens(func(t *oauthclient.Token) bool { return t.ClientID == clientID && t.GrantID == grantID })
	return n, err
}

// RevokeClientTokens deletes every token of the client, as the source
// does.
func (s *Store) RevokeClientTokens(ctx context.Context, clientID string) (int, error) {
	n, err := s.Source.RevokeClientTokens(ctx, clientID)
	s.apply(portal.Change{Kind: portal.ChangeClientTokens, Key: clientID})
	return n, err
}

// PurgeExpiredTokens deletes expired tokens, as the source does; it
// returns an error wrapping errors.ErrUnsupported if the source is no
// oauthclient.TokenPurger.
func (s *Store) PurgeExpiredTokens(ctx context.Context, before time.Time, limit int) (int, error) {
	p, ok := s.Source.(oauthclient.TokenPurger)
	if !ok {
		return 0, fmt.Errorf("cache: purge expired tokens: %w", errors.ErrUnsupported)
	}
	n, err := p.PurgeExpiredTokens(ctx, before, limit)
	s.dropTokens(func(t *oauthclient.Token) bool { return t.ExpiresAt.Before(before) })
	return n, err
}

// UpdateClient updates the client, as the source does.
func (s *Store) UpdateClient(ctx context.Context, c *oauthclient.Client, opts oauthclient.UpdateOptions) error {
	id := c.ID
	err := s.Source.UpdateClient(ctx, c, opts)
	s.apply(portal.Change{Kind: portal.ChangeClient, Key: id})
	if opts.RevokeTokens {
		s.apply(portal.Change{Kind: portal.ChangeClientTokens, Key: id})
	}
	return err
}

// DeleteClient deletes the client and its tokens, as the source does.
func (s *Store) DeleteClient(ctx context.Context, id string) error {
	err := s.Source.DeleteClient(ctx, id)
	s.apply(portal.Change{Kind: portal.ChangeClient, Key: id})
	s.apply(portal.Change{Kind: portal.ChangeClientTokens, Key: id})
	return err
}

// DeactivateDeveloper deactivates the developer, disabling their clients
// and deleting their tokens, as the source does.
func (s *Store) DeactivateDeveloper(ctx context.Context, id string, at time.Time) error {
	err := s.Source.DeactivateDeveloper(ctx, id, at)
	// Its tokens are not known by developer here: drop every token.
	if s.lru != nil {
		s.gen.Add(1)
		s.lru.deleteFunc(func(e *entry) bool {
			return e.key.kind == kindToken || e.key.kind == kindClient && e.owner == id
		})
	}
	return err
}

// dropTokens drops the cached tokens for which drop is true.
func (s *Store) dropTokens(drop func(*oauthclient.Token) bool) {
	if s.lru == nil {
		return
	}
	s.gen.Add(1)
	s.lru.deleteFunc(func(e *entry) bool {
		t, ok := e.value.(*oauthclient.Token)
		return ok && drop(t)
	})
}

// announce drops what a write of the catalogue changed and returns the
// write's error.
func (s *Store) announce(kind portal.ChangeKind, id string, err error) error {
	s.apply(portal.Change{Kind: kind, Key: id})
	return err
}

// UpdateAPI updates the API, as the source does.
func (s *Store) UpdateAPI(ctx context.Context, a *catalogue.API) error {
	id := a.ID
	return s.announce(portal.ChangeAPI, id, s.Source.UpdateAPI(ctx, a))
}

// DeleteAPI deletes the API, as the source does.
func (s *Store) DeleteAPI(ctx context.Context, id string) error {
	return s.announce(portal.ChangeAPI, id, s.Source.DeleteAPI(ctx, id))
}

// UpdatePolicy updates the policy, as the source does.
func (s *Store) UpdatePolicy(ctx context.Context, p *catalogue.Policy) error {
	id := p.ID
	return s.announce(portal.ChangePolicy, id, s.Source.UpdatePolicy(ctx, p))
}

// DeletePolicy deletes the policy, as the source does.
func (s *Store) DeletePolicy(ctx context.Context, id string) error {
	return s.announce(portal.ChangePolicy, id, s.Source.DeletePolicy(ctx, id))
}

// UpdateEntry updates the catalogue entry, as the source does.
func (s *Store) UpdateEntry(ctx context.Context, e *catalogue.Entry) error {
	id := e.ID
	return s.announce(portal.ChangeEntry, id, s.Source.UpdateEntry(ctx, e))
}

// DeleteEntry deletes the catalogue entry, as the source does.
func (s *Store) DeleteEntry(ctx context.Context, id string) error {
	return s.announce(portal.ChangeEntry, id, s.Source.DeleteEntry(ctx, id))
}
