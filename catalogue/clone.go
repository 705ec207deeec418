package catalogue

import "slices"

// Clone returns a deep copy of a.
func (a *API) Clone() *API {
	c := *a
	return &c
}

// Clone returns a deep copy of p.
func (p *Policy) Clone() *Policy {
	x := &clonedPolicy{p: *p}
	c := &x.p
	if n := len(p.Scopes); p.Scopes != nil && n <= len(x.scopes) {
		c.Scopes = x.scopes[:n:n]
		copy(c.Scopes, p.Scopes)
	} else {
		c.Scopes = slices.Clone(p.Scopes)
	}
	if n := len(p.AccessRights); p.AccessRights != nil && n <= len(x.rights) {
		c.AccessRights = x.rights[:n:n]
	} else if p.AccessRights != nil {
		c.AccessRights = make([]AccessRight, n)
	}
	for i, r := range p.AccessRights {
		c.AccessRights[i] = AccessRight{APIID: r.APIID, Versions: slices.Clone(r.Versions)}
	}
	return c
}

// clonedPolicy is a policy as Clone makes it, with room for the usual
// scopes and access right, so that a clone is usually one allocation:
// stores hand out a clone on every read.
type clonedPolicy struct {
	p      Policy
	scopes [4]string
	rights [1]AccessRight
}

// Clone returns a deep copy of e.
func (e *Entry) Clone() *Entry {
	c := *e
	c.PolicyIDs = slices.Clone(e.PolicyIDs)
	return &c
}
