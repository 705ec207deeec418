package memory

import (
	"context"
	"hash/maphash"
	"strings"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// clientRec is a stored client with its place in the indexes.
type clientRec struct {
	oauthclient.Client
	dev         *devRec // the owner; nil when DeveloperID is empty
	first, last *token  // the client's tokens, by IssuedAt, then hash
	ntokens     int
}

func cmpClients(a, b *clientRec) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

func (s *Store) client(id string) *clientRec {
	return s.clients.lookup(maphash.String(s.seed, id), func(c *clientRec) bool { return c.ID == id })
}

// GetClient returns the client with that ID, or ErrNotFound.
func (s *Store) GetClient(ctx context.Context, id string) (*oauthclient.Client, error) {
	return read(ctx, s, func() (*oauthclient.Client, error) {
		c := s.client(id)
		if c == nil {
			return nil, notFound("client", id)
		}
		return c.Client.Clone(), nil
	})
}

// CreateClient stores a copy of c, secrets included. It returns
// ErrDuplicate if a client has c.ID, and ErrNotFound if c.DeveloperID is not
// empty and names no developer.
func (s *Store) CreateClient(ctx context.Context, c *oauthclient.Client) error {
	return s.write(ctx, func() error {
		if s.client(c.ID) != nil {
			return duplicate("client", c.ID)
		}
		rec := &clientRec{}
		if err := s.setClient(rec, c); err != nil {
			return err
		}
		s.clients.insert(rec)
		s.indexClient(rec)
		return nil
	})
}

// setClient stores a copy of c in rec, with its owner.
func (s *Store) setClient(rec *clientRec, c *oauthclient.Client) error {
	var dev *devRec
	if c.DeveloperID != "" {
		if dev = s.devs[c.DeveloperID]; dev == nil {
			return notFound("developer", c.DeveloperID)
		}
	}
	rec.Client = *c.Clone()
	rec.dev = dev
	if dev != nil {
		rec.DeveloperID = dev.ID // share the string
	}
	return nil
}

// indexClient adds rec to the client orders.
func (s *Store) indexClient(rec *clientRec) {
	s.clientOrder = insertSorted(s.clientOrder, rec, cmpClients)
	if rec.dev != nil {
		rec.dev.clients = insertSorted(rec.dev.clients, rec, cmpClients)
	}
}

// unindexClient removes rec from the client orders.
func (s *Store) unindexClient(rec *clientRec) {
	s.clientOrder = removeSorted(s.clientOrder, rec, cmpClients)
	if rec.dev != nil {
		rec.dev.clients = removeSorted(rec.dev.clients, rec, cmpClients)
	}
}

// UpdateClient replaces the stored client with a copy of c if the stored
// Version equals c.Version, then stores and sets c.Version+1. It returns
// ErrNotFound if no client has c.ID or if c.DeveloperID is not empty and
// names no developer, and ErrConflict, changing nothing, if the versions
// differ. With opts.RevokeTokens the client's tokens are deleted in the same
// step. The client keeps its tokens otherwise.
func (s *Store) UpdateClient(ctx context.Context, c *oauthclient.Client, opts oauthclient.UpdateOptions) error {
	return s.write(ctx, func() error {
		rec := s.client(c.ID)
		if rec == nil {
			return notFound("client", c.ID)
		}
		if rec.Version != c.Version {
			return conflict("client", c.ID, rec.Version, c.Version)
		}
		updated := *rec
		if err := s.setClient(&updated, c); err != nil {
			return err
		}
		updated.Version++
		s.unindexClient(rec)
		*rec = updated
		s.indexClient(rec)
		if opts.RevokeTokens {
			s.deleteClientTokens(rec)
		}
		c.Version++
		return nil
	})
}

// DeleteClient deletes the client and all its tokens. It returns
// ErrNotFound if no client has that ID.
func (s *Store) DeleteClient(ctx context.Context, id string) error {
	return s.write(ctx, func() error {
		rec := s.client(id)
		if rec == nil {
			return notFound("client", id)
		}
		s.deleteClientTokens(rec)
		s.unindexClient(rec)
		s.clients.remove(rec)
		s.clients.shrink()
		return nil
	})
}

// ListClients returns the clients matching f, oldest first (CreatedAt, then
// ID), f.Offset skipped, at most f.Limit of them. A DeveloperID naming no
// developer matches no client.
func (s *Store) ListClients(ctx context.Context, f oauthclient.ClientFilter) ([]*oauthclient.Client, error) {
	return read(ctx, s, func() ([]*oauthclient.Client, error) {
		all := s.clientOrder
		if f.DeveloperID != "" {
			all = nil
			if dev := s.devs[f.DeveloperID]; dev != nil {
				all = dev.clients
			}
		}
		recs := page(all, f.Offset, f.Limit)
		out := make([]*oauthclient.Client, len(recs))
		for i, rec := range recs {
			out[i] = rec.Client.Clone()
		}
		return out, nil
	})
}
