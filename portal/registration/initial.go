package registration

import (
	"errors"
	"slices"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// InitialAccess is what an initial access token (RFC 7591 §3) allows:
// registering clients owned by a developer, for catalogue entries, under a
// policy.
type InitialAccess struct {
	DeveloperID string   // the owner of the clients registered; required
	EntryIDs    []string // the catalogue entries they get; at least one
	// PolicyID is the policy they get; empty: the one the entries offer,
	// if there is exactly one.
	PolicyID string
}

// minInitialAccessLen is the shortest initial access token accepted.
const minInitialAccessLen = 16

// AddInitialAccessToken lets token authorise registrations as ia says. The
// token must be a token68 (RFC 7235 §2.1) of at least 16 characters. Only
// its hash is kept, in memory: the Registrar forgets it when the program
// stops. Adding a token again replaces what it allows.
func (r *Registrar) AddInitialAccessToken(token oauthclient.Plaintext, ia InitialAccess) error {
	switch {
	case len(token.Reveal()) < minInitialAccessLen:
		return errors.New("registration: an initial access token must be at least 16 characters")
	case !oauthclient.IsToken68(token.Reveal()):
		return errors.New("registration: an initial access token must be a token68 (letters, digits, - . _ ~ + /)")
	}
	return r.addInitialAccess(oauthclient.HashToken(token.Reveal()), ia)
}

// NewInitialAccessToken generates an initial access token
// (oauthclient.GenerateInitialAccessToken, from the portal's random
// source), adds it as AddInitialAccessToken does and returns it: the only
// time it is available.
func (r *Registrar) NewInitialAccessToken(ia InitialAccess) (oauthclient.Plaintext, error) {
	token, hash, err := oauthclient.GenerateInitialAccessToken(r.portal.OAuth().Rand)
	if err != nil {
		return oauthclient.Plaintext{}, err
	}
	if err := r.addInitialAccess(hash, ia); err != nil {
		return oauthclient.Plaintext{}, err
	}
	return token, nil
}

func (r *Registrar) addInitialAccess(hash string, ia InitialAccess) error {
	switch {
	case ia.DeveloperID == "":
		return errors.New("registration: an initial access token needs a developer ID")
	case len(ia.EntryIDs) == 0:
		return errors.New("registration: an initial access token needs at least one catalogue entry")
	}
	ia.EntryIDs = slices.Clone(ia.EntryIDs)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.initials[hash] = ia
	return nil
}

// initialAccess returns what the token allows, if it is an initial access
// token.
func (r *Registrar) initialAccess(token oauthclient.Plaintext) (InitialAccess, bool) {
	if token.IsZero() {
		return InitialAccess{}, false
	}
	r.mu.RLock()
	ia, ok := r.initials[oauthclient.HashToken(token.Reveal())]
	r.mu.RUnlock()
	ia.EntryIDs = slices.Clone(ia.EntryIDs)
	return ia, ok
}
