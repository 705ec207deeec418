package portal

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/portaloauth/portaloauth/catalogue"
)

// Catalogue is the whole API catalogue, for the administrator's pages:
// every API, policy and entry, active or not, each list oldest first.
type Catalogue struct {
	APIs     []*catalogue.API
	Policies []*catalogue.Policy
	Entries  []*catalogue.Entry
}

// API returns the API with that ID, or nil.
func (c *Catalogue) API(id string) *catalogue.API {
	i := slices.IndexFunc(c.APIs, func(a *catalogue.API) bool { return a.ID == id })
	if i < 0 {
		return nil
	}
	return c.APIs[i]
}

// Policy returns the policy with that ID, or nil.
func (c *Catalogue) Policy(id string) *catalogue.Policy {
	i := slices.IndexFunc(c.Policies, func(p *catalogue.Policy) bool { return p.ID == id })
	if i < 0 {
		return nil
	}
	return c.Policies[i]
}

// Entry returns the entry with that ID, or nil.
func (c *Catalogue) Entry(id string) *catalogue.Entry {
	i := slices.IndexFunc(c.Entries, func(e *catalogue.Entry) bool { return e.ID == id })
	if i < 0 {
		return nil
	}
	return c.Entries[i]
}

// Catalogue returns every API, policy and entry of the catalogue.
func (s *Service) Catalogue(ctx context.Context) (*Catalogue, error) {
	apis, err := s.catalogue.ListAPIs(ctx)
	if err != nil {
		return nil, err
	}
	policies, err := s.catalogue.ListPolicies(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := s.catalogue.ListEntries(ctx)
	if err != nil {
		return nil, err
	}
	return &Catalogue{APIs: apis, Policies: policies, Entries: entries}, nil
}

// UpdateAPI replaces the API a.ID with a, after the checks of [Service.AddAPI]
// (name, auth mode); deactivating an API is an update with Active false. The
// caller passes the Version it read: a stale one fails with an error
// wrapping ErrConflict and changes nothing; on success a.Version is the new
// version. It returns an error wrapping ErrNotFound for an unknown API, and
// emits an EventCatalogueChanged naming the fields that changed.
func (s *Service) UpdateAPI(ctx context.Context, adminID string, a *catalogue.API) error {
	old, err := s.catalogue.GetAPI(ctx, a.ID)
	if err != nil {
		return err
	}
	if err := checkAPI(a); err != nil {
		return err
	}
	a.CreatedAt = old.CreatedAt
	if err := s.catalogueAdmin.UpdateAPI(ctx, a); err != nil {
		return err
	}
	s.changed(ctx, adminID, "api", a.ID, apiChanges(old, a))
	return nil
}

// UpdatePolicy replaces the policy p.ID with p, after the checks of
// [Service.AddPolicy] (name, access rights to existing APIs, scopes);
// deactivating a policy is an update with Active false. Versions, errors
// and the event are as for [Service.UpdateAPI].
//
// Clients created under the policy keep it: a narrower policy applies to
// the tokens they get from now on.
func (s *Service) UpdatePolicy(ctx context.Context, adminID string, p *catalogue.Policy) error {
	old, err := s.catalogue.GetPolicy(ctx, p.ID)
	if err != nil {
		return err
	}
	if err := s.checkPolicy(ctx, p); err != nil {
		return err
	}
	p.CreatedAt = old.CreatedAt
	if err := s.catalogueAdmin.UpdatePolicy(ctx, p); err != nil {
		return err
	}
	s.changed(ctx, adminID, "policy", p.ID, policyChanges(old, p))
	return nil
}

// UpdateEntry replaces the entry e.ID with e, after the checks of
// [Service.AddEntry] (catalogue.ValidateEntry against its API and
// policies); hiding an entry is an update with Visible false. Versions,
// errors and the event are as for [Service.UpdateAPI].
func (s *Service) UpdateEntry(ctx context.Context, adminID string, e *catalogue.Entry) error {
	old, err := s.catalogue.GetEntry(ctx, e.ID)
	if err != nil {
		return err
	}
	if err := s.checkEntry(ctx, e); err != nil {
		return err
	}
	e.CreatedAt = old.CreatedAt
	if err := s.catalogueAdmin.UpdateEntry(ctx, e); err != nil {
		return err
	}
	s.changed(ctx, adminID, "entry", e.ID, entryChanges(old, e))
	return nil
}

// checkAPI checks the fields of an API an administrator fills in.
func checkAPI(a *catalogue.API) error {
	if err := checkID(a.ID); err != nil {
		return err
	}
	if _, err := checkName("name", a.Name); err != nil {
		return err
	}
	switch a.AuthMode {
	case catalogue.AuthOAuth2, catalogue.AuthToken, catalogue.AuthJWT, catalogue.AuthKeyless:
		return nil
	}
	return newError(ErrInvalidInput, "auth_mode", "must be one of oauth2, auth_token, jwt, keyless")
}

// checkPolicy checks a policy's fields and that every API it grants
// exists.
func (s *Service) checkPolicy(ctx context.Context, p *catalogue.Policy) error {
	if err := checkID(p.ID); err != nil {
		return err
	}
	if _, err := checkName("name", p.Name); err != nil {
		return err
	}
	for i, sc := range p.Scopes {
		if !validScopeToken(sc) {
			return newError(ErrInvalidInput, "scopes["+strconv.Itoa(i)+"]",
				"must be a scope such as payments:read, without spaces or quotes")
		}
	}
	for i, ar := range p.AccessRights {
		field := "access_rights[" + strconv.Itoa(i) + "].api_id"
		if ar.APIID == "" {
			return newError(ErrInvalidInput, field, "is required")
		}
		if _, err := s.catalogue.GetAPI(ctx, ar.APIID); errors.Is(err, ErrNotFound) {
			return newError(ErrNotFound, field, "no such API")
		} else if err != nil {
			return err
		}
	}
	return nil
}

// checkEntry checks an entry against its API and the policies it offers.
func (s *Service) checkEntry(ctx context.Context, e *catalogue.Entry) error {
	if err := checkID(e.ID); err != nil {
		return err
	}
	if e.DisplayName != "" {
		if _, err := checkName("display_name", e.DisplayName); err != nil {
			return err
		}
	}
	if err := checkDescription(e.Description); err != nil {
		return err
	}
	api, err := s.catalogue.GetAPI(ctx, e.APIID)
	if errors.Is(err, ErrNotFound) {
		return newError(ErrNotFound, "api_id", "no such API")
	} else if err != nil {
		return err
	}
	policies, err := s.catalogue.ListPolicies(ctx)
	if err != nil {
		return err
	}
	return catalogue.ValidateEntry(e, api, policies)
}

// validScopeToken reports whether sc is an RFC 6749 §3.3 scope token.
func validScopeToken(sc string) bool {
	if sc == "" || len(sc) > 200 {
		return false
	}
	for i := 0; i < len(sc); i++ {
		c := sc[i]
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

// changed emits the event of a catalogue update.
func (s *Service) changed(ctx context.Context, adminID, kind, id string, fields []string) {
	detail := "updated " + kind + " " + strconv.Quote(id)
	if len(fields) > 0 {
		detail += ": " + strings.Join(fields, ", ")
	}
	s.emit(ctx, Event{Type: EventCatalogueChanged, Actor: adminID, Time: s.oauth.Now(), Detail: detail})
}

func apiChanges(old, a *catalogue.API) []string {
	var f []string
	f = diff(f, "name", old.Name != a.Name)
	f = diff(f, "auth_mode="+string(a.AuthMode), old.AuthMode != a.AuthMode)
	f = diff(f, "active="+strconv.FormatBool(a.Active), old.Active != a.Active)
	return f
}

func policyChanges(old, p *catalogue.Policy) []string {
	var f []string
	f = diff(f, "name", old.Name != p.Name)
	f = diff(f, "access_rights", !slices.EqualFunc(old.AccessRights, p.AccessRights, func(a, b catalogue.AccessRight) bool {
		return a.APIID == b.APIID && slices.Equal(a.Versions, b.Versions)
	}))
	f = diff(f, "scopes", !slices.Equal(old.Scopes, p.Scopes))
	f = diff(f, "active="+strconv.FormatBool(p.Active), old.Active != p.Active)
	return f
}

func entryChanges(old, e *catalogue.Entry) []string {
	var f []string
	f = diff(f, "api_id", old.APIID != e.APIID)
	f = diff(f, "display_name", old.DisplayName != e.DisplayName)
	f = diff(f, "description", old.Description != e.Description)
	f = diff(f, "policy_ids", !slices.Equal(old.PolicyIDs, e.PolicyIDs))
	f = diff(f, "visible="+strconv.FormatBool(e.Visible), old.Visible != e.Visible)
	f = diff(f, "requires_approval="+strconv.FormatBool(e.RequiresApproval), old.RequiresApproval != e.RequiresApproval)
	f = diff(f, "client_limit="+strconv.Itoa(e.ClientLimit), old.ClientLimit != e.ClientLimit)
	return f
}

func diff(fields []string, name string, changed bool) []string {
	if changed {
		fields = append(fields, name)
	}
	return fields
}
