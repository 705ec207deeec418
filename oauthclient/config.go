package oauthclient

import (
	"io"
	"time"
)

// Config holds what every part of a deployment that handles clients must
// agree on: the [Hasher] (and so the pepper) secrets are hashed and
// verified with, the redirect URI rules, the clock and the random source.
// Configure it once and hand the same value to every component: package
// portal takes one in portal.Config and gives its settled form back with
// portal.Service.OAuth, from which the token, revocation, introspection
// and registration endpoints are built, so that a pepper set on the portal
// and missing at the token endpoint cannot happen.
//
// The zero value is the default configuration: no pepper, the default
// redirect rules, time.Now and crypto/rand.
type Config struct {
	Hasher    *Hasher          // nil: the default Hasher, without a pepper
	Redirects *RedirectPolicy  // nil: the default redirect URI rules
	Now       func() time.Time // nil: time.Now
	// Rand is the source of client IDs, secrets, tokens and salts. nil:
	// crypto/rand.Reader. It need not be safe for concurrent use: Settle
	// serialises its reads.
	Rand io.Reader
}

// Settle returns c with every default filled in: a Hasher, a
// RedirectPolicy, a clock, and a random source safe for concurrent use
// ([LockedReader] of c.Rand). Settling a settled Config returns it
// unchanged, so components that each settle the Config they are given
// still share one Hasher and one random source.
func (c Config) Settle() Config {
	if c.Hasher == nil {
		c.Hasher = &Hasher{}
	}
	if c.Redirects == nil {
		c.Redirects = &RedirectPolicy{}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.Rand = LockedReader(c.Rand)
	return c
}

// Authenticator returns an [Authenticator] of clients with c's Hasher,
// clock and random source.
func (c Config) Authenticator(clients ClientGetter) *Authenticator {
	s := c.Settle()
	return &Authenticator{Clients: clients, Hasher: s.Hasher, Now: s.Now, Rand: s.Rand}
}
