package memory

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// devRec is a stored developer with their clients.
type devRec struct {
	portal.Developer
	email   string       // the folded email: the key in Store.emails
	clients []*clientRec // by CreatedAt, then ID
}

func cmpDevs(a, b *devRec) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// foldEmail returns a key under which two emails are equal if and only if
// strings.EqualFold says they are: every rune is replaced by the smallest
// rune of its simple case folding orbit.
func foldEmail(email string) string {
	ascii := true
	for i := 0; i < len(email) && ascii; i++ {
		ascii = email[i] < utf8.RuneSelf
	}
	if ascii {
		// For ASCII letters the smallest rune of the orbit is the upper
		// case one ('K' < 'k' < U+212A KELVIN SIGN).
		return strings.ToUpper(email)
	}
	return strings.Map(func(r rune) rune {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		return least
	}, email)
}

func cloneDeveloper(d *portal.Developer) *portal.Developer {
	c := *d
	return &c
}

// CreateDeveloper stores a copy of d. It returns ErrDuplicate if a
// developer has d.ID, or an email equal to d.Email ignoring case.
func (s *Store) CreateDeveloper(ctx context.Context, d *portal.Developer) error {
	return s.write(ctx, func() error {
		if _, ok := s.devs[d.ID]; ok {
			return duplicate("developer", d.ID)
		}
		email := foldEmail(d.Email)
		if _, ok := s.emails[email]; ok {
			return duplicate("developer email", d.Email)
		}
		rec := &devRec{Developer: *cloneDeveloper(d), email: email}
		s.devs[d.ID] = rec
		s.emails[email] = rec
		s.devOrder = insertSorted(s.devOrder, rec, cmpDevs)
		return nil
	})
}

// GetDeveloper returns the developer with that ID, or ErrNotFound.
func (s *Store) GetDeveloper(ctx context.Context, id string) (*portal.Developer, error) {
	return read(ctx, s, func() (*portal.Developer, error) {
		rec := s.devs[id]
		if rec == nil {
			return nil, notFound("developer", id)
		}
		return cloneDeveloper(&rec.Developer), nil
	})
}

// GetDeveloperByEmail returns the developer whose email equals email
// ignoring case, or ErrNotFound.
func (s *Store) GetDeveloperByEmail(ctx context.Context, email string) (*portal.Developer, error) {
	return read(ctx, s, func() (*portal.Developer, error) {
		rec := s.emails[foldEmail(email)]
		if rec == nil {
			return nil, notFound("developer email", email)
		}
		return cloneDeveloper(&rec.Developer), nil
	})
}

// UpdateDeveloper replaces the stored developer with a copy of d if the
// stored Version equals d.Version, then stores and sets d.Version+1. It
// returns ErrNotFound, ErrConflict (changing nothing) on a stale version,
// and ErrDuplicate if d.Email is another developer's email ignoring case.
// Their clients are left as they are, whatever d.Status says: see
// DeactivateDeveloper.
func (s *Store) UpdateDeveloper(ctx context.Context, d *portal.Developer) error {
	return s.write(ctx, func() error {
		rec := s.devs[d.ID]
		if rec == nil {
			return notFound("developer", d.ID)
		}
		if rec.Version != d.Version {
			return conflict("developer", d.ID, rec.Version, d.Version)
		}
		email := foldEmail(d.Email)
		if other := s.emails[email]; other != nil && other != rec {
			return duplicate("developer email", d.Email)
		}
		delete(s.emails, rec.email)
		s.emails[email] = rec
		s.devOrder = removeSorted(s.devOrder, rec, cmpDevs)
		rec.Developer = *cloneDeveloper(d)
		rec.email = email
		rec.Version++
		s.devOrder = insertSorted(s.devOrder, rec, cmpDevs)
		d.Version++
		return nil
	})
}

// ListDevelopers returns developers oldest first (CreatedAt, then ID), in
// the window p selects.
func (s *Store) ListDevelopers(ctx context.Context, p oauthclient.Page) ([]*portal.Developer, error) {
	return read(ctx, s, func() ([]*portal.Developer, error) {
		recs := page(s.devOrder, p)
		out := make([]*portal.Developer, len(recs))
		for i, rec := range recs {
			out[i] = cloneDeveloper(&rec.Developer)
		}
		return out, nil
	})
}

// DeactivateDeveloper, in one step, sets the developer inactive
// (incrementing its Version and setting UpdatedAt to at), sets every active
// or pending client of theirs to disabled (incrementing each Version and
// setting its UpdatedAt to at), and deletes the tokens of all their
// clients. It returns ErrNotFound if no developer has that ID.
// Deactivating an inactive developer changes nothing and is no error.
func (s *Store) DeactivateDeveloper(ctx context.Context, id string, at time.Time) error {
	return s.write(ctx, func() error {
		rec := s.devs[id]
		if rec == nil {
			return notFound("developer", id)
		}
		if rec.Status == portal.DeveloperInactive {
			return nil
		}
		rec.Status = portal.DeveloperInactive
		rec.UpdatedAt = at
		rec.Version++
		for _, c := range rec.clients {
			if c.status == oauthclient.StatusActive || c.status == oauthclient.StatusPending {
				c.status = oauthclient.StatusDisabled
				c.updatedAt = at
				c.version++
			}
			s.deleteClientTokens(c.id())
		}
		return nil
	})
}
