package memory

import (
	"context"
	"fmt"
	"hash/maphash"
	"slices"
	"strings"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// A stored client is a clientRec (see clientrec.go), never handed out. Its
// owner is found by its developerID, and its tokens hang off a tokenList
// that exists only while it has tokens.

func cmpClients(a, b *clientRec) int {
	if c := a.createdAt.Compare(b.createdAt); c != 0 {
		return c
	}
	return strings.Compare(a.id(), b.id())
}

func (s *Store) client(id string) *clientRec {
	return s.clients.lookup(maphash.String(s.seed, id), func(c *clientRec) bool { return c.id() == id })
}

// GetClient returns the client with that ID, or ErrNotFound.
func (s *Store) GetClient(ctx context.Context, id string) (*oauthclient.Client, error) {
	return read(ctx, s, func() (*oauthclient.Client, error) {
		c := s.client(id)
		if c == nil {
			return nil, notFound("client", id)
		}
		return c.client(), nil
	})
}

// CreateClient stores a copy of c, secrets included. It returns
// ErrDuplicate if a client has c.ID, ErrDeveloperInactive if c.DeveloperID
// names an inactive developer, and ErrNotFound if c.DeveloperID is not
// empty and names no developer.
func (s *Store) CreateClient(ctx context.Context, c *oauthclient.Client) error {
	return s.CreateClientWithLimits(ctx, c, nil)
}

// CreateClientWithLimits is CreateClient that, under the same lock, also
// returns portal.ErrClientLimit, storing nothing, if the developer already
// holds a limit's Max clients bound to its API. Counting costs O(the
// developer's clients) when limits apply.
func (s *Store) CreateClientWithLimits(ctx context.Context, c *oauthclient.Client, limits []portal.ClientLimit) error {
	return s.write(ctx, func() error {
		if s.client(c.ID) != nil {
			return duplicate("client", c.ID)
		}
		stored, dev, err := s.encodeClient(c)
		if err != nil {
			return err
		}
		if dev != nil && dev.Status != portal.DeveloperActive {
			return fmt.Errorf("memory: client %q: developer %q is %s: %w", c.ID, dev.ID, dev.Status, oauthclient.ErrDeveloperInactive)
		}
		if dev != nil {
			if err := checkLimits(dev, limits); err != nil {
				return err
			}
		}
		s.clients.insert(stored)
		s.indexClient(stored, dev)
		return nil
	})
}

// checkLimits returns portal.ErrClientLimit if dev holds a limit's Max
// clients bound to its API.
func checkLimits(dev *devRec, limits []portal.ClientLimit) error {
	var apis [][]string // each client's API IDs, decoded once
	for _, l := range limits {
		if l.Max <= 0 {
			continue
		}
		if apis == nil {
			apis = make([][]string, len(dev.clients))
			for i, rec := range dev.clients {
				apis[i] = rec.client().APIIDs
			}
		}
		n := 0
		for _, ids := range apis {
			if slices.Contains(ids, l.APIID) {
				n++
			}
		}
		if n >= l.Max {
			return fmt.Errorf("memory: developer %q holds %d clients for API %q: %w", dev.ID, n, l.APIID, portal.ErrClientLimit)
		}
	}
	return nil
}

// encodeClient returns the record of c to store, and its owner.
func (s *Store) encodeClient(c *oauthclient.Client) (*clientRec, *devRec, error) {
	var dev *devRec
	developerID := ""
	if c.DeveloperID != "" {
		if dev = s.devs[c.DeveloperID]; dev == nil {
			return nil, nil, notFound("developer", c.DeveloperID)
		}
		developerID = dev.ID // one string for all the developer's clients
	}
	rec, err := newClientRec(c, developerID)
	return rec, dev, err
}

// indexClient adds c to the client orders.
func (s *Store) indexClient(c *clientRec, dev *devRec) {
	s.clientOrder = insertSorted(s.clientOrder, c, cmpClients)
	if dev != nil {
		dev.clients = insertSorted(dev.clients, c, cmpClients)
	}
}

// unindexClient removes c from the client orders.
func (s *Store) unindexClient(c *clientRec) {
	s.clientOrder = removeSorted(s.clientOrder, c, cmpClients)
	if dev := s.devs[c.developerID]; dev != nil {
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
		if stored.version != c.Version {
			return conflict("client", c.ID, stored.version, c.Version)
		}
		updated, dev, err := s.encodeClient(c)
		if err != nil {
			return err
		}
		updated.version++
		s.unindexClient(stored)
		stored.set(updated) // in place: the client's tokenList points at it
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
		recs := page(all, f.Page)
		out := make([]*oauthclient.Client, len(recs))
		for i, c := range recs {
			out[i] = c.client()
		}
		return out, nil
	})
}
