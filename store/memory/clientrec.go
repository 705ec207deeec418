package memory

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// clientRec is a stored client. Its strings and lists are encoded in one
// string, enc, so that a stored client is two heap objects (the record,
// with its secret if it has one, and enc) with few pointers, where an oauthclient.Client with
// its strings and slices is a dozen objects and some thirty pointers: at a
// million clients, the garbage collector's marking of the store is what
// made each authentication slower, and this makes it a fraction. The
// fields the store's indexes read, and those DeactivateDeveloper changes,
// stay fields. Strings handed out share enc's bytes, which never change.
type clientRec struct {
	enc   string // the ID, then the rest as encodeClient writes it
	idLen uint32

	developerID string               // the developer's own ID string, shared
	secrets     []oauthclient.Secret // their strings point into enc; one secret is in inline
	inline      [1]oauthclient.Secret
	status      oauthclient.Status
	createdAt   time.Time
	updatedAt   time.Time
	version     int64
}

func (r *clientRec) id() string { return r.enc[:r.idLen] }

// set makes r a copy of from, its secrets in its own inline array if
// from's are in from's: a record whose secrets pointed into another would
// keep that one alive.
func (r *clientRec) set(from *clientRec) {
	*r = *from
	if len(from.secrets) > 0 && &from.secrets[0] == &from.inline[0] {
		r.secrets = r.inline[:len(from.secrets):len(r.inline)]
	}
}

// The encoding, after the ID: six counts, each 0 for a nil list or map and
// n+1 for n entries (RedirectURIs, ResponseTypes, Contacts, APIIDs,
// GrantTypes, Extra), then the client's twelve other strings, the lists'
// elements in that order, Extra's keys and values, and each secret's ID,
// Hash and Hint. An Extra value is "\x00" for nil, or "\x01" and its bytes. Numbers are uvarints; a string is its length and bytes.
const encCounts = 6

// errClientTooBig refuses a client whose ID, strings or lists exceed 4 GiB,
// which the encoding cannot hold.
type errClientTooBig struct{}

func (errClientTooBig) Error() string { return "memory: client: strings or lists exceed 4 GiB" }

// newClientRec encodes a copy of c. developerID is the string to keep as
// the client's DeveloperID (the developer's own, so that all their clients
// share it).
func newClientRec(c *oauthclient.Client, developerID string) (*clientRec, error) {
	if len(c.ID) > math.MaxUint32 {
		return nil, errClientTooBig{}
	}
	strs := clientStrings(c)
	n := len(c.ID) + encCounts*binary.MaxVarintLen64
	for _, s := range strs {
		n += binary.MaxVarintLen64 + len(s)
	}
	buf := make([]byte, 0, n)
	buf = append(buf, c.ID...)
	for _, count := range [encCounts]int{
		countOf(c.RedirectURIs), countOf(c.ResponseTypes), countOf(c.Contacts), countOf(c.APIIDs),
		countOf(c.GrantTypes), mapCountOf(c.Extra),
	} {
		buf = binary.AppendUvarint(buf, uint64(count))
	}
	for _, s := range strs {
		buf = binary.AppendUvarint(buf, uint64(len(s)))
		buf = append(buf, s...)
	}
	if len(buf) > math.MaxUint32 {
		return nil, errClientTooBig{}
	}
	r := &clientRec{
		enc: string(buf), idLen: uint32(len(c.ID)), //nolint:gosec // checked above
		developerID: developerID, status: c.Status, createdAt: c.CreatedAt, updatedAt: c.UpdatedAt, version: c.Version,
	}
	if c.Secrets != nil {
		// One secret, the common case, lives in the record: one heap
		// object less per client for the collector to mark.
		r.secrets = r.inline[:0:1]
		if len(c.Secrets) > len(r.inline) {
			r.secrets = make([]oauthclient.Secret, 0, len(c.Secrets))
		}
		r.secrets = append(r.secrets, c.Secrets...)
		d := r.decoder()
		d.skipCounts()
		d.skip(len(strs) - 3*len(c.Secrets))
		for i := range r.secrets {
			s := &r.secrets[i]
			s.ID, s.Hash, s.Hint = d.str(), d.str(), d.str()
		}
	}
	return r, nil
}

// clientStrings lists c's strings in the order of the encoding.
func clientStrings(c *oauthclient.Client) []string {
	out := make([]string, 0, 12+len(c.RedirectURIs)+len(c.ResponseTypes)+len(c.Contacts)+len(c.APIIDs)+
		len(c.GrantTypes)+2*len(c.Extra)+3*len(c.Secrets))
	out = append(out, string(c.TokenEndpointAuthMethod), c.ClientName, c.ClientURI, c.LogoURI, c.Scope, c.TOSURI,
		c.PolicyURI, c.SoftwareID, c.SoftwareVersion, c.PolicyID, c.Description, c.RegistrationTokenHash)
	out = append(out, c.RedirectURIs...)
	out = append(out, c.ResponseTypes...)
	out = append(out, c.Contacts...)
	out = append(out, c.APIIDs...)
	for _, g := range c.GrantTypes {
		out = append(out, string(g))
	}
	for k, v := range c.Extra {
		out = append(out, k, extraValue(v))
	}
	for _, s := range c.Secrets {
		out = append(out, s.ID, s.Hash, s.Hint)
	}
	return out
}

// extraValue encodes a member of Extra: "\x00" for nil, "\x01" and the
// bytes otherwise.
func extraValue(v json.RawMessage) string {
	if v == nil {
		return "\x00"
	}
	return "\x01" + string(v)
}

func countOf[S ~[]E, E any](s S) int {
	if s == nil {
		return 0
	}
	return len(s) + 1
}

func mapCountOf[M ~map[K]V, K comparable, V any](m M) int {
	if m == nil {
		return 0
	}
	return len(m) + 1
}

// client returns the stored client as a new *oauthclient.Client of its
// own: its slices and map are new; its strings share enc's bytes.
func (r *clientRec) client() *oauthclient.Client {
	d := r.decoder()
	var counts [encCounts]int
	for i := range counts {
		counts[i] = d.count()
	}
	// The client, its first two grant types, its one secret and the
	// elements of short string lists, the usual shapes, come in one
	// allocation.
	x := &decodedClient{}
	c := &x.c
	*c = oauthclient.Client{
		ID: r.id(), DeveloperID: r.developerID, Status: r.status,
		CreatedAt: r.createdAt, UpdatedAt: r.updatedAt, Version: r.version,
	}
	c.TokenEndpointAuthMethod = oauthclient.AuthMethod(d.str())
	c.ClientName, c.ClientURI, c.LogoURI, c.Scope = d.str(), d.str(), d.str(), d.str()
	c.TOSURI, c.PolicyURI, c.SoftwareID, c.SoftwareVersion = d.str(), d.str(), d.str(), d.str()
	c.PolicyID, c.Description, c.RegistrationTokenHash = d.str(), d.str(), d.str()

	// The four string lists share one array, each capped at its length so
	// that appending to one never writes into another.
	var strs []string
	if n := max(counts[0]-1, 0) + max(counts[1]-1, 0) + max(counts[2]-1, 0) + max(counts[3]-1, 0); n > len(x.strs) {
		strs = make([]string, 0, n)
	} else if n > 0 {
		strs = x.strs[:0:n]
	}
	c.RedirectURIs, strs = d.list(strs, counts[0])
	c.ResponseTypes, strs = d.list(strs, counts[1])
	c.Contacts, strs = d.list(strs, counts[2])
	c.APIIDs, _ = d.list(strs, counts[3])
	if n := counts[4] - 1; n >= 0 && n <= len(x.grants) {
		c.GrantTypes = x.grants[:n:n]
		for i := range c.GrantTypes {
			c.GrantTypes[i] = oauthclient.GrantType(d.str())
		}
	} else if counts[4] > 0 {
		c.GrantTypes = make([]oauthclient.GrantType, counts[4]-1)
		for i := range c.GrantTypes {
			c.GrantTypes[i] = oauthclient.GrantType(d.str())
		}
	}
	if counts[5] > 0 {
		c.Extra = make(map[string]json.RawMessage, counts[5]-1)
		for range counts[5] - 1 {
			k, v := d.str(), d.str()
			if v == "\x00" {
				c.Extra[k] = nil
			} else {
				c.Extra[k] = json.RawMessage(v[1:]) // a copy: callers may change it
			}
		}
	}
	switch {
	case len(r.secrets) == 1:
		x.secret[0] = r.secrets[0]
		c.Secrets = x.secret[:1:1]
	case r.secrets != nil:
		c.Secrets = make([]oauthclient.Secret, len(r.secrets))
		copy(c.Secrets, r.secrets)
	}
	return c
}

// decodedClient is a client as clientRec.client makes it, with room for
// the usual grant types and secret.
type decodedClient struct {
	c      oauthclient.Client
	grants [2]oauthclient.GrantType
	secret [1]oauthclient.Secret
	strs   [2]string // a redirect URI and an API ID, say
}

// decoder reads enc after the ID.
type decoder struct {
	s string
	i int
}

func (r *clientRec) decoder() decoder { return decoder{s: r.enc, i: int(r.idLen)} }

func (d *decoder) skipCounts() {
	for range encCounts {
		d.uvarint()
	}
}

func (d *decoder) uvarint() int {
	var v uint64
	for shift := 0; ; shift += 7 {
		b := d.s[d.i]
		d.i++
		v |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return int(v) //nolint:gosec // written from an int
		}
	}
}

func (d *decoder) count() int { return d.uvarint() }

// str returns the next string, sharing enc's bytes.
func (d *decoder) str() string {
	n := d.uvarint()
	s := d.s[d.i : d.i+n]
	d.i += n
	return s
}

// skip passes over n strings.
func (d *decoder) skip(n int) {
	for range n {
		d.i += d.uvarint()
	}
}

// list reads a list of count (0: nil) into buf, returning it capped at its
// length, and buf.
func (d *decoder) list(buf []string, count int) (list, rest []string) {
	switch count {
	case 0:
		return nil, buf
	case 1:
		return []string{}, buf
	}
	start := len(buf)
	for range count - 1 {
		buf = append(buf, d.str())
	}
	return buf[start:len(buf):len(buf)], buf
}
