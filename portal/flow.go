package portal

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// maxDescriptionLen is the longest client description accepted, in
// characters.
const maxDescriptionLen = 2000

// EligibleEntry is a catalogue entry a developer may create an OAuth client
// for (the "select API" step), with its API and the active policies it
// offers.
type EligibleEntry struct {
	Entry    *catalogue.Entry
	API      *catalogue.API
	Policies []*catalogue.Policy
}

// CreateClientRequest is what a developer chooses and fills in to create a
// client.
type CreateClientRequest struct {
	// EntryIDs are the chosen catalogue entries (at least one); the client
	// gets access to their APIs.
	EntryIDs []string
	// PolicyID is the chosen policy. It must be offered by every chosen
	// entry and grant access to every chosen API. Empty: the one policy that
	// qualifies, if exactly one does.
	PolicyID    string
	Description string // optional; at most 2000 characters
	// Metadata is the RFC 7591 client metadata: client_name (the app name,
	// required), redirect_uris, grant_types, token_endpoint_auth_method and
	// the rest. It is validated and normalised with
	// oauthclient.ValidateMetadata.
	Metadata oauthclient.Metadata
	// IssueRegistrationToken asks for an RFC 7592 registration access token.
	IssueRegistrationToken bool
}

// NewClient is a freshly created client with its plaintext secret: the only
// time the secret is ever available.
type NewClient struct {
	Client *oauthclient.Client
	// Secret is the client secret; zero for a public client.
	Secret oauthclient.Plaintext
	// RegistrationToken is the RFC 7592 registration access token; zero
	// unless CreateClientRequest.IssueRegistrationToken was set.
	RegistrationToken oauthclient.Plaintext
}

// EligibleEntries returns the catalogue entries the developer may create a
// client for: the OAuth-eligible ones (catalogue.Eligible), in the store's
// order, each with its API and offered active policies.
//
// It returns an error wrapping ErrNotFound if the developer does not exist
// and ErrDeveloperInactive if their account is inactive.
func (s *Service) EligibleEntries(ctx context.Context, developerID string) ([]EligibleEntry, error) {
	if _, err := s.activeDeveloper(ctx, developerID); err != nil {
		return nil, err
	}
	view, err := s.loadCatalogue(ctx)
	if err != nil {
		return nil, err
	}
	return view.eligible(), nil
}

// CreateClient registers a client for the developer: the "select API",
// "app details" and "create" steps in one call. The client is stored once,
// with only its secret's hash; the plaintext secret is in the result and
// nowhere else. A public client (token_endpoint_auth_method "none") gets no
// secret. The client is pending approval if any chosen entry requires
// approval, active otherwise.
//
// Errors, checked in this order:
//   - ErrNotFound: no such developer; ErrDeveloperInactive: the developer's
//     account is inactive;
//   - ErrNotEligible (field "entry_ids" or "entry_ids[i]"): no entry chosen, or
//     a chosen entry does not exist or is not OAuth-eligible (the catalogue's
//     reason is the *oauthclient.Error's Cause);
//   - ErrPolicyNotOffered (field "policy_id"): the policy is not offered by
//     every chosen entry, is inactive, or does not grant every chosen API;
//   - *oauthclient.Error values (joined, one per problem): invalid metadata,
//     a missing client_name, or a scope the policy does not allow;
//   - ErrInvalidInput (field "description"): description too long;
//   - ErrClientLimit (field "entry_ids[i]"): the developer already has as
//     many clients for that entry's API as the entry allows. The store
//     counts and inserts in one atomic step, so concurrent creations by one
//     developer never exceed it.
func (s *Service) CreateClient(ctx context.Context, developerID string, req CreateClientRequest) (*NewClient, error) {
	if _, err := s.activeDeveloper(ctx, developerID); err != nil {
		return nil, err
	}
	chosen, err := s.chosenEntries(ctx, req.EntryIDs)
	if err != nil {
		return nil, err
	}
	policy, err := choosePolicy(chosen, req.PolicyID)
	if err != nil {
		return nil, err
	}
	md, err := s.validateMetadata(req.Metadata, policy)
	if err != nil {
		return nil, err
	}
	if err := checkDescription(req.Description); err != nil {
		return nil, err
	}
	if err := s.checkClientLimits(ctx, developerID, chosen, req.EntryIDs); err != nil {
		return nil, err
	}

	id, err := oauthclient.NewClientID(s.oauth.Rand)
	if err != nil {
		return nil, fmt.Errorf("portal: client ID: %w", err)
	}
	now := s.oauth.Now()
	c := &oauthclient.Client{
		ID:          id,
		Metadata:    md,
		DeveloperID: developerID,
		PolicyID:    policy.ID,
		Description: req.Description,
		Status:      oauthclient.StatusActive,
		CreatedAt:   now,
		UpdatedAt:   now,
		Version:     1,
	}
	for _, e := range chosen {
		if !slices.Contains(c.APIIDs, e.API.ID) {
			c.APIIDs = append(c.APIIDs, e.API.ID)
		}
		if e.Entry.RequiresApproval {
			c.Status = oauthclient.StatusPending
		}
	}
	out := &NewClient{Client: c}
	if !md.TokenEndpointAuthMethod.Public() {
		plain, secret, err := s.oauth.Hasher.NewSecret(s.oauth.Rand, now)
		if err != nil {
			return nil, fmt.Errorf("portal: client secret: %w", err)
		}
		c.Secrets = []oauthclient.Secret{secret}
		out.Secret = plain
	}
	if req.IssueRegistrationToken {
		plain, hash, err := oauthclient.GenerateRegistrationToken(s.oauth.Rand)
		if err != nil {
			return nil, fmt.Errorf("portal: registration token: %w", err)
		}
		c.RegistrationTokenHash = hash
		out.RegistrationToken = plain
	}
	if err := s.limited.CreateClientWithLimits(ctx, c, clientLimits(chosen)); err != nil {
		if errors.Is(err, ErrClientLimit) {
			// A concurrent creation took the last place since the check
			// above: check again for the error naming the entry.
			if lerr := s.checkClientLimits(ctx, developerID, chosen, req.EntryIDs); lerr != nil {
				return nil, lerr
			}
			return nil, newError(ErrClientLimit, "entry_ids", "you already have the most clients allowed for a chosen API")
		}
		if errors.Is(err, ErrDeveloperInactive) {
			// The store refuses a client of an inactive developer: the
			// developer was deactivated since activeDeveloper read it.
			return nil, newError(ErrDeveloperInactive, "developer_id", "the developer account is inactive")
		}
		return nil, err
	}
	s.emit(ctx, Event{
		Type: EventCreated, Actor: developerID, DeveloperID: developerID, ClientID: c.ID, Time: now,
		Detail: "api_ids=" + strings.Join(c.APIIDs, ",") + " policy_id=" + c.PolicyID +
			" status=" + string(c.Status) + secretDetail(c.Secrets),
	})
	return out, nil
}

// chosenEntries loads the chosen entries, each with its API and offered
// policies, and checks each is OAuth-eligible. A repeated entry ID counts
// once. It reads only the chosen entries, their APIs and the policies they
// offer, so its cost does not grow with the catalogue.
func (s *Service) chosenEntries(ctx context.Context, ids []string) ([]EligibleEntry, error) {
	if len(ids) == 0 {
		return nil, newError(ErrNotEligible, "entry_ids", "choose at least one API")
	}
	out := make([]EligibleEntry, 0, len(ids))
	for i, id := range ids {
		if slices.Index(ids, id) < i {
			continue
		}
		field := "entry_ids[" + strconv.Itoa(i) + "]"
		e, err := s.catalogue.GetEntry(ctx, id)
		if errors.Is(err, ErrNotFound) {
			return nil, newError(ErrNotEligible, field, "no such catalogue entry")
		} else if err != nil {
			return nil, err
		}
		api, err := s.catalogue.GetAPI(ctx, e.APIID)
		if errors.Is(err, ErrNotFound) {
			return nil, newError(ErrNotEligible, field, "the entry's API does not exist")
		} else if err != nil {
			return nil, err
		}
		policies, err := s.entryPolicies(ctx, e)
		if err != nil {
			return nil, err
		}
		if err := catalogue.Eligible(e, api, policies); err != nil {
			return nil, &oauthclient.Error{Err: ErrNotEligible, Field: field, Cause: err}
		}
		out = append(out, EligibleEntry{Entry: e, API: api, Policies: catalogue.OfferedPolicies(e, policies)})
	}
	return out, nil
}

// entryPolicies returns the policies the entry names that exist.
func (s *Service) entryPolicies(ctx context.Context, e *catalogue.Entry) ([]*catalogue.Policy, error) {
	out := make([]*catalogue.Policy, 0, len(e.PolicyIDs))
	for _, id := range e.PolicyIDs {
		p, err := s.catalogue.GetPolicy(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// choosePolicy returns the policy with that ID if every chosen entry offers
// it and it grants every chosen API; with an empty ID, the only such policy.
func choosePolicy(chosen []EligibleEntry, id string) (*catalogue.Policy, error) {
	var candidates []*catalogue.Policy
	for _, p := range chosen[0].Policies {
		if qualifies(p, chosen) {
			candidates = append(candidates, p)
		}
	}
	if id == "" {
		if len(candidates) == 1 {
			return candidates[0], nil
		}
		return nil, newError(ErrPolicyNotOffered, "policy_id", "choose one of the offered policies")
	}
	i := slices.IndexFunc(candidates, func(p *catalogue.Policy) bool { return p.ID == id })
	if i < 0 {
		return nil, newError(ErrPolicyNotOffered, "policy_id",
			"must be an active policy offered for every chosen API and granting access to all of them")
	}
	return candidates[i], nil
}

// qualifies reports whether every chosen entry offers p and p grants every
// chosen API.
func qualifies(p *catalogue.Policy, chosen []EligibleEntry) bool {
	for _, e := range chosen {
		offered := slices.ContainsFunc(e.Policies, func(q *catalogue.Policy) bool { return q.ID == p.ID })
		if !offered || !p.Grants(e.API.ID) {
			return false
		}
	}
	return true
}

// validateMetadata validates and normalises md with oauthclient, requires a
// client name, and checks the requested scopes against the policy's.
func (s *Service) validateMetadata(md oauthclient.Metadata, policy *catalogue.Policy) (oauthclient.Metadata, error) {
	out, err := oauthclient.ValidateMetadata(md, oauthclient.MetadataOptions{Redirects: s.oauth.Redirects, RequireClientName: true})
	if err != nil {
		return oauthclient.Metadata{}, err
	}
	if bad := policy.UngrantedScope(out.Scope); bad != "" {
		return oauthclient.Metadata{}, oauthclient.NewError(oauthclient.CodeInvalidClientMetadata, "scope",
			"scope "+strconv.Quote(bad)+" is not granted by the chosen policy")
	}
	return out, nil
}

func checkDescription(d string) error {
	switch {
	case !utf8.ValidString(d):
		return newError(ErrInvalidInput, "description", "is not valid text")
	case utf8.RuneCountInString(d) > maxDescriptionLen:
		return newError(ErrInvalidInput, "description", "must be at most 2000 characters")
	}
	return nil
}

// checkClientLimits counts the developer's clients bound to each limited
// entry's API.
func (s *Service) checkClientLimits(ctx context.Context, developerID string, chosen []EligibleEntry, ids []string) error {
	var existing []*oauthclient.Client
	loaded := false
	for _, e := range chosen {
		if e.Entry.ClientLimit <= 0 {
			continue
		}
		if !loaded {
			var err error
			if existing, err = s.developerClients(ctx, developerID); err != nil {
				return err
			}
			loaded = true
		}
		n := 0
		for _, c := range existing {
			if slices.Contains(c.APIIDs, e.API.ID) {
				n++
			}
		}
		if n >= e.Entry.ClientLimit {
			i := slices.Index(ids, e.Entry.ID)
			return newError(ErrClientLimit, "entry_ids["+strconv.Itoa(i)+"]",
				"you already have "+strconv.Itoa(n)+" clients for this API, the most allowed")
		}
	}
	return nil
}

// clientLimits returns the client limits of the chosen entries, for the
// store to enforce atomically.
func clientLimits(chosen []EligibleEntry) []ClientLimit {
	var out []ClientLimit
	for _, e := range chosen {
		if e.Entry.ClientLimit > 0 {
			out = append(out, ClientLimit{APIID: e.API.ID, Max: e.Entry.ClientLimit})
		}
	}
	return out
}

// developerClients returns all of the developer's clients, page by page.
func (s *Service) developerClients(ctx context.Context, developerID string) ([]*oauthclient.Client, error) {
	var all []*oauthclient.Client
	for p := (oauthclient.Page{Limit: oauthclient.MaxLimit}); ; p = p.Next() {
		page, err := s.clients.ListClients(ctx, oauthclient.ClientFilter{DeveloperID: developerID, Page: p})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < p.Limit {
			return all, nil
		}
	}
}

// secretDetail describes the newest secret for an event: ID and hint only.
func secretDetail(secrets []oauthclient.Secret) string {
	if len(secrets) == 0 {
		return ""
	}
	last := secrets[len(secrets)-1]
	return " secret_id=" + last.ID + " secret_hint=" + last.Hint
}

// catalogueView is the whole catalogue, loaded for a decision that spans
// entries.
type catalogueView struct {
	entries  []*catalogue.Entry
	apis     map[string]*catalogue.API
	policies []*catalogue.Policy
}

func (s *Service) loadCatalogue(ctx context.Context) (*catalogueView, error) {
	c, err := s.Catalogue(ctx)
	if err != nil {
		return nil, err
	}
	v := &catalogueView{entries: c.Entries, apis: make(map[string]*catalogue.API, len(c.APIs)), policies: c.Policies}
	for _, a := range c.APIs {
		v.apis[a.ID] = a
	}
	return v, nil
}

// eligible returns the OAuth-eligible entries.
func (v *catalogueView) eligible() []EligibleEntry {
	var out []EligibleEntry
	for _, e := range v.entries {
		api := v.apis[e.APIID]
		if api == nil || catalogue.Eligible(e, api, v.policies) != nil {
			continue
		}
		out = append(out, EligibleEntry{Entry: e, API: api, Policies: catalogue.OfferedPolicies(e, v.policies)})
	}
	return out
}
