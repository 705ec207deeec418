package memory

import (
	"context"
	"hash/maphash"
	"strconv"
	"strings"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// A stored client is an *oauthclient.Client of the store's own, never
// handed out. It carries nothing else, so that it takes no more than a
// Client: its owner is found by DeveloperID, and its tokens hang off a
// tokenList that exists only while it has tokens.

func cmpClients(a, b *oauthclient.Client) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

func (s *Store) client(id string) *oauthclient.Client {
	return s.clients.lookup(maphash.String(s.seed, id), func(c *oauthclient.Client) bool { return c.ID == id })
}

// GetClient returns the client with that ID, or ErrNotFound.
func (s *Store) GetClient(ctx context.Context, id string) (*oauthclient.Client, error) {
	return read(ctx, s, func() (*oauthclient.Client, error) {
		c := s.client(id)
		if c == nil {
			return nil, notFound("client", id)
		}
		return c.Clone(), nil
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
		stored, dev, err := s.copyClient(c)
		if err != nil {
			return err
		}
		s.clients.insert(stored)
		s.indexClient(stored, dev)
		return nil
	})
}

// copyClient returns the copy of c to store, and its owner.
func (s *Store) copyClient(c *oauthclient.Client) (*oauthclient.Client, *devRec, error) {
	var dev *devRec
	if c.DeveloperID != "" {
		if dev = s.devs[c.DeveloperID]; dev == nil {
			return nil, nil, notFound("developer", c.DeveloperID)
		}
	}
	stored := c.Clone()
	if dev != nil {
		stored.DeveloperID = dev.ID // one string for all the developer's clients
	}
	stored.GrantTypes = s.grantTypes.intern(stored.GrantTypes)
	stored.ResponseTypes = s.stringSets.intern(stored.ResponseTypes)
	stored.APIIDs = s.stringSets.intern(stored.APIIDs)
	return stored, dev, nil
}

// indexClient adds c to the client orders.
func (s *Store) indexClient(c *oauthclient.Client, dev *devRec) {
	s.clientOrder = insertSorted(s.clientOrder, c, cmpClients)
	if dev != nil {
		dev.clients = insertSorted(dev.clients, c, cmpClients)
	}
}

// unindexClient removes c from the client orders.
func (s *Store) unindexClient(c *oauthclient.Client) {
	s.clientOrder = removeSorted(s.clientOrder, c, cmpClients)
	if dev := s.devs[c.DeveloperID]; dev != nil {
		dev.clients = removeSorted(dev.clients, c, cmpClients)
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
		stored := s.client(c.ID)
		if stored == nil {
			return notFound("client", c.ID)
		}
		if stored.Version != c.Version {
			return conflict("client", c.ID, stored.Version, c.Version)
		}
		updated, dev, err := s.copyClient(c)
		if err != nil {
			return err
		}
		updated.Version++
		s.unindexClient(stored)
		*stored = *updated // in place: the client's tokenList points at it
		s.indexClient(stored, dev)
		if opts.RevokeTokens {
			s.deleteClientTokens(c.ID)
		}
		c.Version++
		return nil
	})
}

// DeleteClient deletes the client and all its tokens. It returns
// ErrNotFound if no client has that ID.
func (s *Store) DeleteClient(ctx context.Context, id string) error {
	return s.write(ctx, func() error {
		c := s.client(id)
		if c == nil {
			return notFound("client", id)
		}
		s.deleteClientTokens(id)
		s.unindexClient(c)
		s.clients.remove(c)
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
		out := page(all, f.Offset, f.Limit)
		for i, c := range out {
			out[i] = c.Clone()
		}
		return out, nil
	})
}

// maxShared bounds the distinct slices a sharedSlices keeps.
const maxShared = 1024

// sharedSlices keeps one copy of the small slices many clients have alike
// (grant types, response types, API IDs), so that stored clients share
// it. Stored clients are never handed out, only cloned, so a shared slice
// is never changed.
type sharedSlices[S ~[]E, E ~string] struct {
	m map[string]S
}

// intern returns the kept slice equal to s, keeping s if there is none.
func (sh *sharedSlices[S, E]) intern(s S) S {
	if len(s) == 0 {
		return s
	}
	var buf [128]byte
	key := buf[:0]
	for _, e := range s {
		key = strconv.AppendInt(key, int64(len(e)), 10)
		key = append(key, ':')
		key = append(key, e...)
	}
	if kept, ok := sh.m[string(key)]; ok {
		return kept
	}
	if sh.m == nil {
		sh.m = make(map[string]S)
	}
	if len(sh.m) < maxShared {
		sh.m[string(key)] = s
	}
	return s
}
