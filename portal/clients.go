package portal

import (
	"context"
	"errors"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// UpdateClientRequest changes a client's details. Nil fields are left as
// they are.
type UpdateClientRequest struct {
	// Version is the client's Version as the caller read it; if the client
	// changed since, the update fails with ErrConflict and changes nothing.
	Version      int64
	Name         *string  // the app name (client_name)
	Description  *string  // at most 2000 characters
	RedirectURIs []string // nil: unchanged; validated with the rest of the metadata
	// PolicyID moves the client to another policy, which must be offered by
	// an OAuth-eligible entry of each of the client's APIs and grant all of
	// them. The client's tokens are revoked in the same store write.
	PolicyID *string
	// Metadata replaces the whole RFC 7591 metadata (an RFC 7592 PUT); Name
	// and RedirectURIs, if set, apply on top of it. An empty
	// token_endpoint_auth_method keeps the client's; another one than the
	// client's is refused.
	Metadata *oauthclient.Metadata
}

// RotatedSecret is a client after a secret rotation, with the new secret in
// plaintext: the only time it is ever available.
type RotatedSecret struct {
	Client *oauthclient.Client
	Secret oauthclient.Plaintext
}

// ListClients returns the developer's clients, oldest first, in the window
// p selects (see oauthclient.Page). A developer without clients, or an
// unknown one, gets an empty list.
func (s *Service) ListClients(ctx context.Context, developerID string, p oauthclient.Page) ([]*oauthclient.Client, error) {
	if developerID == "" {
		return nil, newError(ErrInvalidInput, "developer_id", "is required")
	}
	return s.clients.ListClients(ctx, oauthclient.ClientFilter{DeveloperID: developerID, Page: p})
}

// GetClient returns the developer's client with that ID. A client that does
// not exist and another developer's client both give the same *oauthclient.Error
// wrapping ErrNotFound.
func (s *Service) GetClient(ctx context.Context, developerID, clientID string) (*oauthclient.Client, error) {
	return s.ownClient(ctx, developerID, clientID)
}

// UpdateClient applies req to the developer's client and returns the
// client as stored.
//
// It returns an error wrapping ErrNotFound for a client that does not exist
// or is another developer's; ErrDeveloperInactive for an inactive
// developer; ErrConflict, changing nothing, if req.Version is not the
// client's current version; *oauthclient.Error values for invalid metadata
// (redirect URIs included); ErrInvalidInput for a too long description;
// and ErrPolicyNotOffered (field "policy_id") for a policy the client's
// entries do not offer. A request that changes nothing writes nothing,
// emits no event and returns the client as it is.
//
// Changing the redirect URIs of an active client of an API whose catalogue
// entry requires approval sends the client back for approval (status
// pending, its tokens revoked in the same write): the redirect URIs decide
// where codes go, and an approval of one set is no approval of another.
func (s *Service) UpdateClient(ctx context.Context, developerID, clientID string, req UpdateClientRequest) (*oauthclient.Client, error) {
	if _, err := s.activeDeveloper(ctx, developerID); err != nil {
		return nil, err
	}
	c, err := s.ownClient(ctx, developerID, clientID)
	if err != nil {
		return nil, err
	}
	if req.Version != c.Version {
		return nil, staleVersion()
	}
	next := c.Clone()
	var changed []string

	policy, err := s.clientPolicy(ctx, c, req.PolicyID)
	if err != nil {
		return nil, err
	}
	revoke := policy.ID != c.PolicyID
	if revoke {
		next.PolicyID = policy.ID
		changed = append(changed, "policy_id")
	}

	md := c.Clone().Metadata
	if req.Metadata != nil {
		md = (&oauthclient.Client{Metadata: *req.Metadata}).Clone().Metadata
		if md.TokenEndpointAuthMethod == "" {
			md.TokenEndpointAuthMethod = c.TokenEndpointAuthMethod
		}
	}
	if req.Name != nil {
		md.ClientName = *req.Name
	}
	if req.RedirectURIs != nil {
		md.RedirectURIs = slices.Clone(req.RedirectURIs)
	}
	if req.Metadata != nil || req.Name != nil || req.RedirectURIs != nil || revoke {
		if md, err = s.validateMetadata(md, policy); err != nil {
			return nil, err
		}
		if md.TokenEndpointAuthMethod != c.TokenEndpointAuthMethod {
			return nil, oauthclient.NewError(oauthclient.CodeInvalidClientMetadata, "token_endpoint_auth_method",
				"cannot change once the client is registered; register a new client instead")
		}
		changed = append(changed, metadataChanges(&c.Metadata, &md)...)
		next.Metadata = md
	}
	if req.Description != nil && *req.Description != c.Description {
		if err := checkDescription(*req.Description); err != nil {
			return nil, err
		}
		next.Description = *req.Description
		changed = append(changed, "description")
	}

	if len(changed) == 0 {
		return c, nil
	}
	if c.Status == oauthclient.StatusActive && slices.Contains(changed, "redirect_uris") {
		approval, err := s.needsApproval(ctx, c)
		if err != nil {
			return nil, err
		}
		if approval {
			// Where codes and tokens go is what an administrator approved:
			// a new redirect URI is approved again, and until then the
			// client gets no tokens and keeps none.
			next.Status = oauthclient.StatusPending
			revoke = true
			changed = append(changed, "status")
		}
	}
	now := s.oauth.Now()
	next.UpdatedAt = now
	if err := s.clients.UpdateClient(ctx, next, oauthclient.UpdateOptions{RevokeTokens: revoke}); err != nil {
		if errors.Is(err, ErrConflict) {
			return nil, staleVersion()
		}
		return nil, err
	}
	detail := "changed=" + strings.Join(changed, ",")
	if revoke {
		detail += " tokens_revoked=true"
	}
	s.emit(ctx, Event{Type: EventUpdated, Actor: developerID, DeveloperID: developerID, ClientID: c.ID, Time: now, Detail: detail})
	return next, nil
}

// needsApproval reports whether an entry of one of the client's APIs
// requires approval: the client was, or could have been, approved for it.
func (s *Service) needsApproval(ctx context.Context, c *oauthclient.Client) (bool, error) {
	view, err := s.loadCatalogue(ctx)
	if err != nil {
		return false, err
	}
	return slices.ContainsFunc(view.entries, func(e *catalogue.Entry) bool {
		return e.RequiresApproval && slices.Contains(c.APIIDs, e.APIID)
	}), nil
}

// clientPolicy returns the client's policy after an update to id (nil: no
// change). A new policy must be offered by an OAuth-eligible entry of each
// of the client's APIs and grant all of them.
func (s *Service) clientPolicy(ctx context.Context, c *oauthclient.Client, id *string) (*catalogue.Policy, error) {
	if id == nil || *id == c.PolicyID {
		p, err := s.catalogue.GetPolicy(ctx, c.PolicyID)
		if errors.Is(err, ErrNotFound) {
			// The policy was deleted: it grants no scope any more.
			return &catalogue.Policy{ID: c.PolicyID}, nil
		}
		return p, err
	}
	view, err := s.loadCatalogue(ctx)
	if err != nil {
		return nil, err
	}
	eligible := view.eligible()
	for _, apiID := range c.APIIDs {
		offered := slices.ContainsFunc(eligible, func(e EligibleEntry) bool {
			return e.API.ID == apiID && slices.ContainsFunc(e.Policies, func(p *catalogue.Policy) bool { return p.ID == *id })
		})
		if !offered {
			return nil, newError(ErrPolicyNotOffered, "policy_id",
				"must be an active policy offered for every API of the client and granting access to all of them")
		}
	}
	i := slices.IndexFunc(view.policies, func(p *catalogue.Policy) bool { return p.ID == *id })
	p := view.policies[i] // offered, so present
	for _, apiID := range c.APIIDs {
		if !p.Grants(apiID) {
			return nil, newError(ErrPolicyNotOffered, "policy_id", "does not grant access to API "+strconv.Quote(apiID))
		}
	}
	return p, nil
}

// metadataChanges names the metadata fields that differ, for an event.
func metadataChanges(a, b *oauthclient.Metadata) []string {
	var out []string
	add := func(name string, differ bool) {
		if differ {
			out = append(out, name)
		}
	}
	add("client_name", a.ClientName != b.ClientName)
	add("redirect_uris", !slices.Equal(a.RedirectURIs, b.RedirectURIs))
	add("grant_types", !slices.Equal(a.GrantTypes, b.GrantTypes))
	add("response_types", !slices.Equal(a.ResponseTypes, b.ResponseTypes))
	add("scope", a.Scope != b.Scope)
	add("client_uri", a.ClientURI != b.ClientURI)
	add("logo_uri", a.LogoURI != b.LogoURI)
	add("tos_uri", a.TOSURI != b.TOSURI)
	add("policy_uri", a.PolicyURI != b.PolicyURI)
	add("contacts", !slices.Equal(a.Contacts, b.Contacts))
	add("software_id", a.SoftwareID != b.SoftwareID)
	add("software_version", a.SoftwareVersion != b.SoftwareVersion)
	add("extra", len(a.Extra) != len(b.Extra) || !extraEqual(a.Extra, b.Extra))
	return out
}

func extraEqual[M ~map[string]V, V ~[]byte](a, b M) bool {
	for k, v := range a {
		w, ok := b[k]
		if !ok || string(v) != string(w) {
			return false
		}
	}
	return true
}

// RotateSecret gives the developer's confidential client a new secret and
// returns it in plaintext, the only time it is available. The previous
// secrets stay valid for grace (their expiry is brought forward to
// now+grace if it was later or unset); with zero grace they are removed at
// once. Expired secrets are pruned, and of the rest only the newest
// Config.MaxSecrets are kept.
//
// A rotation that races another change of the client re-reads it and
// reapplies itself, up to a bounded number of times, then returns
// ErrConflict; two concurrent rotations therefore both succeed, one after
// the other.
//
// It returns an error wrapping ErrNotFound for a client that does not exist
// or is another developer's, ErrDeveloperInactive for an inactive
// developer, ErrPublicClient for a public client, and ErrInvalidInput
// (field "grace") for a negative grace period.
func (s *Service) RotateSecret(ctx context.Context, developerID, clientID string, grace time.Duration) (*RotatedSecret, error) {
	if grace < 0 {
		return nil, newError(ErrInvalidInput, "grace", "must not be negative")
	}
	if _, err := s.activeDeveloper(ctx, developerID); err != nil {
		return nil, err
	}
	var plain oauthclient.Plaintext
	var fresh oauthclient.Secret
	c, err := s.modifyClient(ctx, developerID, clientID, func(c *oauthclient.Client, now time.Time) (oauthclient.UpdateOptions, error) {
		if c.Public() {
			return oauthclient.UpdateOptions{}, newError(ErrPublicClient, "client_id", "a public client has no secret to rotate")
		}
		if plain.IsZero() {
			var err error
			if plain, fresh, err = s.oauth.Hasher.NewSecret(s.oauth.Rand, now); err != nil {
				return oauthclient.UpdateOptions{}, err
			}
		}
		// A retry reuses the secret but dates it by this attempt: the
		// secret is as new as the write that adds it, so that a rotation
		// that got in first never looks newer than this one.
		fresh.CreatedAt = now
		c.Secrets = rotateSecrets(c.Secrets, fresh, now, grace, s.maxSecrets)
		return oauthclient.UpdateOptions{}, nil
	})
	if err != nil {
		return nil, err
	}
	detail := "secret_id=" + fresh.ID + " secret_hint=" + fresh.Hint + " grace=" + grace.String() +
		" active_secrets=" + strconv.Itoa(len(c.Secrets))
	s.emit(ctx, Event{Type: EventSecretRotated, Actor: developerID, DeveloperID: developerID, ClientID: c.ID, Time: c.UpdatedAt, Detail: detail})
	return &RotatedSecret{Client: c, Secret: plain}, nil
}

// rotateSecrets returns the secrets after adding fresh: expired ones
// pruned, the previous ones expiring at now+grace at the latest (removed
// with zero grace), at most maxSecrets, oldest dropped first. Age is the
// order of the stored list, which is the order the secrets were written
// in; their CreatedAt is not consulted, since a clock (or a retried
// rotation) may date a later write earlier.
func rotateSecrets(old []oauthclient.Secret, fresh oauthclient.Secret, now time.Time, grace time.Duration, maxSecrets int) []oauthclient.Secret {
	out := make([]oauthclient.Secret, 0, len(old)+1)
	if grace > 0 {
		until := now.Add(grace)
		for _, sec := range old {
			if !sec.ValidAt(now) {
				continue
			}
			if sec.ExpiresAt.IsZero() || sec.ExpiresAt.After(until) {
				sec.ExpiresAt = until
			}
			out = append(out, sec)
		}
	}
	out = append(out, fresh)
	if len(out) > maxSecrets {
		out = slices.Clone(out[len(out)-maxSecrets:])
	}
	return out
}

// RevokeTokens deletes all tokens of the developer's client and returns how
// many there were. It returns an error wrapping ErrNotFound for a client
// that does not exist or is another developer's.
func (s *Service) RevokeTokens(ctx context.Context, developerID, clientID string) (int, error) {
	c, err := s.ownClient(ctx, developerID, clientID)
	if err != nil {
		return 0, err
	}
	n, err := s.clients.RevokeClientTokens(ctx, c.ID)
	if err != nil {
		return 0, err
	}
	s.emit(ctx, Event{Type: EventTokensRevoked, Actor: developerID, DeveloperID: developerID, ClientID: c.ID,
		Time: s.oauth.Now(), Detail: "tokens=" + strconv.Itoa(n)})
	return n, nil
}

// DeleteClient deletes the developer's client; the store deletes its
// tokens in the same atomic step. It returns an error wrapping ErrNotFound
// for a client that does not exist or is another developer's.
func (s *Service) DeleteClient(ctx context.Context, developerID, clientID string) error {
	c, err := s.ownClient(ctx, developerID, clientID)
	if err != nil {
		return err
	}
	if err := s.clients.DeleteClient(ctx, c.ID); err != nil {
		if errors.Is(err, ErrNotFound) {
			return clientNotFound()
		}
		return err
	}
	s.emit(ctx, Event{Type: EventDeleted, Actor: developerID, DeveloperID: developerID, ClientID: c.ID, Time: s.oauth.Now()})
	return nil
}

// ownClient returns the client if it belongs to the developer; a missing
// client and another developer's client give the same error.
func (s *Service) ownClient(ctx context.Context, developerID, clientID string) (*oauthclient.Client, error) {
	c, err := s.clients.GetClient(ctx, clientID)
	if errors.Is(err, ErrNotFound) {
		return nil, clientNotFound()
	}
	if err != nil {
		return nil, err
	}
	if developerID == "" || c.DeveloperID != developerID {
		return nil, clientNotFound()
	}
	return c, nil
}

// errUnchanged, returned by a change function, means the client is already
// as wanted: nothing is written.
var errUnchanged = errors.New("portal: unchanged")

// modifyClient reads the client (the developer's own, unless developerID is
// empty), applies change to a copy and writes it back with the version read.
// When another writer got there first (ErrConflict) it re-reads and
// reapplies, up to maxRetries times, after a jittered exponential pause. It returns the client as stored; with
// errUnchanged from change, the client as read and a nil error.
func (s *Service) modifyClient(ctx context.Context, developerID, clientID string,
	change func(c *oauthclient.Client, now time.Time) (oauthclient.UpdateOptions, error)) (*oauthclient.Client, error) {
	for attempt := 1; ; attempt++ {
		var c *oauthclient.Client
		var err error
		if developerID != "" {
			c, err = s.ownClient(ctx, developerID, clientID)
		} else {
			c, err = s.clients.GetClient(ctx, clientID)
		}
		if err != nil {
			return nil, err
		}
		now := s.oauth.Now()
		next := c.Clone()
		opts, err := change(next, now)
		if errors.Is(err, errUnchanged) {
			return c, nil
		}
		if err != nil {
			return nil, err
		}
		next.UpdatedAt = now
		err = s.clients.UpdateClient(ctx, next, opts)
		if err == nil {
			return next, nil
		}
		if !errors.Is(err, ErrConflict) || attempt >= maxRetries {
			return nil, err
		}
		if err := retryPause(ctx, attempt); err != nil {
			return nil, err
		}
	}
}

// Back-off between the attempts of modifyClient.
const (
	retryBase = 2 * time.Millisecond
	retryCap  = 100 * time.Millisecond
)

// retryPause waits before the retry that follows the given attempt: a
// random time up to retryBase·2^(attempt-1), capped at retryCap ("full
// jitter"), so that writers that collided do not collide again in step.
// It returns ctx's error if ctx ends first.
func retryPause(ctx context.Context, attempt int) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ceiling := min(retryBase<<min(attempt-1, 16), retryCap)
	t := time.NewTimer(rand.N(ceiling) + 1)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

func staleVersion() error {
	return newError(ErrConflict, "version", "the client changed since it was read; reload it and try again")
}
