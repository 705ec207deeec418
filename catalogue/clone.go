package catalogue

import "slices"

// Clone returns a deep copy of a.
func (a *API) Clone() *API {
	c := *a
	return &c
}

// Clone returns a deep copy of p.
func (p *Policy) Clone() *Policy {
	c := *p
	c.Scopes = slices.Clone(p.Scopes)
	if p.AccessRights != nil {
		c.AccessRights = make([]AccessRight, len(p.AccessRights))
		for i, r := range p.AccessRights {
			c.AccessRights[i] = AccessRight{APIID: r.APIID, Versions: slices.Clone(r.Versions)}
		}
	}
	return &c
}

// Clone returns a deep copy of e.
func (e *Entry) Clone() *Entry {
	c := *e
	c.PolicyIDs = slices.Clone(e.PolicyIDs)
	return &c
}
