package portal

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// DeveloperClients is a developer with their clients, for the
// administrator's "Developers" view.
type DeveloperClients struct {
	Developer *Developer
	Clients   []ClientSummary
}

// ClientSummary is what an administrator sees of a client: never a secret
// or a secret's hash, only the hints of its valid secrets.
type ClientSummary struct {
	ID          string             `json:"client_id"`
	Name        string             `json:"client_name"`
	DeveloperID string             `json:"developer_id"`
	APIIDs      []string           `json:"api_ids"`
	PolicyID    string             `json:"policy_id"`
	Status      oauthclient.Status `json:"status"`
	CreatedAt   time.Time          `json:"created_at"`
	SecretHints []string           `json:"secret_hints,omitempty"`
}

// ListDevelopersWithClients returns developers oldest first, in the window
// p selects (see oauthclient.Page), each with a summary of every client of
// theirs, oldest first.
func (s *Service) ListDevelopersWithClients(ctx context.Context, p oauthclient.Page) ([]DeveloperClients, error) {
	devs, err := s.developers.ListDevelopers(ctx, p)
	if err != nil {
		return nil, err
	}
	now := s.oauth.Now()
	out := make([]DeveloperClients, 0, len(devs))
	for _, d := range devs {
		clients, err := s.developerClients(ctx, d.ID)
		if err != nil {
			return nil, err
		}
		dc := DeveloperClients{Developer: d, Clients: make([]ClientSummary, 0, len(clients))}
		for _, c := range clients {
			dc.Clients = append(dc.Clients, summarise(c, now))
		}
		out = append(out, dc)
	}
	return out, nil
}

func summarise(c *oauthclient.Client, now time.Time) ClientSummary {
	sum := ClientSummary{
		ID: c.ID, Name: c.ClientName, DeveloperID: c.DeveloperID, APIIDs: c.APIIDs, PolicyID: c.PolicyID,
		Status: c.Status, CreatedAt: c.CreatedAt,
	}
	for _, sec := range c.Secrets {
		if sec.ValidAt(now) {
			sum.SecretHints = append(sum.SecretHints, sec.Hint)
		}
	}
	return sum
}

// ApproveClient makes a pending client active. It returns an error
// wrapping ErrNotFound for an unknown client, ErrNotPending if the client
// is not pending approval, and ErrDeveloperInactive if its developer is
// inactive.
func (s *Service) ApproveClient(ctx context.Context, adminID, clientID string) error {
	c, err := s.modifyClient(ctx, "", clientID, func(c *oauthclient.Client, _ time.Time) (oauthclient.UpdateOptions, error) {
		if c.Status != oauthclient.StatusPending {
			return oauthclient.UpdateOptions{}, notPending(c.Status)
		}
		if _, err := s.activeDeveloper(ctx, c.DeveloperID); err != nil {
			return oauthclient.UpdateOptions{}, err
		}
		c.Status = oauthclient.StatusActive
		return oauthclient.UpdateOptions{}, nil
	})
	if err != nil {
		return err
	}
	s.emitAdmin(ctx, EventApproved, adminID, c, "")
	return nil
}

// RejectClient refuses a pending client: it is deleted, so it neither
// lingers in its developer's list nor counts against a client limit. The
// rejection first moves the client, with its version checked, from
// pending to disabled, so that a client approved in the meantime is never
// deleted; then it deletes it. Should the deletion fail, the error is
// returned and the client stays disabled (it cannot authenticate) until
// its developer deletes it.
//
// It returns an error wrapping ErrNotFound for an unknown client and
// ErrNotPending if the client is not pending approval.
func (s *Service) RejectClient(ctx context.Context, adminID, clientID string) error {
	c, err := s.modifyClient(ctx, "", clientID, func(c *oauthclient.Client, _ time.Time) (oauthclient.UpdateOptions, error) {
		if c.Status != oauthclient.StatusPending {
			return oauthclient.UpdateOptions{}, notPending(c.Status)
		}
		c.Status = oauthclient.StatusDisabled
		return oauthclient.UpdateOptions{RevokeTokens: true}, nil
	})
	if err != nil {
		return err
	}
	if err := s.clients.DeleteClient(ctx, c.ID); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	s.emitAdmin(ctx, EventRejected, adminID, c, "deleted")
	return nil
}

// DisableClient disables an active or pending client and, in the same
// store write, revokes its tokens; a disabled client cannot authenticate.
// Disabling a disabled client changes nothing. It returns an error
// wrapping ErrNotFound for an unknown client.
func (s *Service) DisableClient(ctx context.Context, adminID, clientID string) error {
	var was oauthclient.Status
	c, err := s.modifyClient(ctx, "", clientID, func(c *oauthclient.Client, _ time.Time) (oauthclient.UpdateOptions, error) {
		was = ""
		if c.Status == oauthclient.StatusDisabled {
			return oauthclient.UpdateOptions{}, errUnchanged
		}
		was, c.Status = c.Status, oauthclient.StatusDisabled
		return oauthclient.UpdateOptions{RevokeTokens: true}, nil
	})
	if err != nil || was == "" {
		return err
	}
	s.emitAdmin(ctx, EventDisabled, adminID, c, "was="+string(was)+" tokens_revoked=true")
	return nil
}

// EnableClient makes a disabled client active again; enabling an active
// client changes nothing. It returns an error wrapping ErrNotFound for an
// unknown client, ErrPending for a client pending approval (approve it
// instead), and ErrDeveloperInactive if its developer is inactive.
func (s *Service) EnableClient(ctx context.Context, adminID, clientID string) error {
	enabled := false
	c, err := s.modifyClient(ctx, "", clientID, func(c *oauthclient.Client, _ time.Time) (oauthclient.UpdateOptions, error) {
		enabled = false
		switch c.Status {
		case oauthclient.StatusActive:
			return oauthclient.UpdateOptions{}, errUnchanged
		case oauthclient.StatusPending:
			return oauthclient.UpdateOptions{}, newError(ErrPending, "client_id", "approve the client instead")
		}
		if _, err := s.activeDeveloper(ctx, c.DeveloperID); err != nil {
			return oauthclient.UpdateOptions{}, err
		}
		c.Status, enabled = oauthclient.StatusActive, true
		return oauthclient.UpdateOptions{}, nil
	})
	if err != nil || !enabled {
		return err
	}
	s.emitAdmin(ctx, EventEnabled, adminID, c, "")
	return nil
}

// DeactivateDeveloper sets the developer inactive and, in the same atomic
// store step, disables their active and pending clients and revokes those
// clients' tokens. Deactivating an inactive developer changes nothing. It
// returns an error wrapping ErrNotFound for an unknown developer.
func (s *Service) DeactivateDeveloper(ctx context.Context, adminID, developerID string) error {
	d, err := s.developers.GetDeveloper(ctx, developerID)
	if err != nil {
		return err
	}
	if d.Status == DeveloperInactive {
		return nil
	}
	now := s.oauth.Now()
	if err := s.developers.DeactivateDeveloper(ctx, developerID, now); err != nil {
		return err
	}
	s.emit(ctx, Event{Type: EventDeveloperDeactivated, Actor: adminID, DeveloperID: developerID, Time: now,
		Detail: "clients_disabled=true tokens_revoked=true"})
	return nil
}

// ReactivateDeveloper makes an inactive developer active again: they may
// log in and create clients. Their clients stay disabled until an
// administrator enables each ([Service.EnableClient]); tokens revoked at
// the deactivation stay revoked. Reactivating an active developer changes
// nothing. It returns an error wrapping ErrNotFound for an unknown
// developer, and ErrConflict when the developer changed meanwhile.
func (s *Service) ReactivateDeveloper(ctx context.Context, adminID, developerID string) error {
	d, err := s.developers.GetDeveloper(ctx, developerID)
	if err != nil {
		return err
	}
	if d.Status == DeveloperActive {
		return nil
	}
	now := s.oauth.Now()
	d.Status, d.UpdatedAt = DeveloperActive, now
	if err := s.developers.UpdateDeveloper(ctx, d); err != nil {
		return err
	}
	s.emit(ctx, Event{Type: EventDeveloperReactivated, Actor: adminID, DeveloperID: developerID, Time: now,
		Detail: "clients_disabled=true"})
	return nil
}

func (s *Service) emitAdmin(ctx context.Context, t EventType, adminID string, c *oauthclient.Client, detail string) {
	s.emit(ctx, Event{Type: t, Actor: adminID, DeveloperID: c.DeveloperID, ClientID: c.ID, Time: c.UpdatedAt, Detail: detail})
}

func notPending(st oauthclient.Status) error {
	return newError(ErrNotPending, "client_id", "the client is "+string(st))
}

// AddAPI adds an API to the catalogue. It sets a.CreatedAt to now if it is
// zero and a.Version to 1. It returns an *oauthclient.Error wrapping ErrInvalidInput
// for a missing ID or name or an unknown auth mode, and one wrapping
// ErrDuplicate (field "id") if the ID exists.
func (s *Service) AddAPI(ctx context.Context, a *catalogue.API) error {
	if err := checkAPI(a); err != nil {
		return err
	}
	s.stamp(&a.CreatedAt, &a.Version)
	return s.added(ctx, "api", a.ID, s.catalogueAdmin.CreateAPI(ctx, a))
}

// AddPolicy adds a policy to the catalogue. It sets p.CreatedAt to now if
// it is zero and p.Version to 1. It returns an *oauthclient.Error wrapping
// ErrInvalidInput for a missing ID or name, a scope that is not an RFC 6749
// scope token or an access right without an API, one wrapping ErrNotFound
// (field "access_rights[i].api_id") for an access right to an unknown API,
// and one wrapping ErrDuplicate (field "id") if the ID exists.
func (s *Service) AddPolicy(ctx context.Context, p *catalogue.Policy) error {
	if err := s.checkPolicy(ctx, p); err != nil {
		return err
	}
	s.stamp(&p.CreatedAt, &p.Version)
	return s.added(ctx, "policy", p.ID, s.catalogueAdmin.CreatePolicy(ctx, p))
}

// AddEntry adds a catalogue entry after checking it with
// catalogue.ValidateEntry against its API and the policies it offers. It
// sets e.CreatedAt to now if it is zero and e.Version to 1. It returns an
// *oauthclient.Error wrapping ErrInvalidInput for a missing ID, a display name or
// description that is too long, one wrapping ErrNotFound (field "api_id")
// for an unknown API, the catalogue's error for a rule the entry breaks,
// and one wrapping ErrDuplicate (field "id") if the ID exists.
func (s *Service) AddEntry(ctx context.Context, e *catalogue.Entry) error {
	if err := s.checkEntry(ctx, e); err != nil {
		return err
	}
	s.stamp(&e.CreatedAt, &e.Version)
	return s.added(ctx, "entry", e.ID, s.catalogueAdmin.CreateEntry(ctx, e))
}

func checkID(id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return newError(ErrInvalidInput, "id", "is required")
	case id != strings.TrimSpace(id) || len(id) > 200:
		return newError(ErrInvalidInput, "id", "must be at most 200 characters without surrounding space")
	}
	return nil
}

func (s *Service) stamp(created *time.Time, version *int64) {
	if created.IsZero() {
		*created = s.oauth.Now()
	}
	*version = 1
}

// added finishes a catalogue Add: it maps a duplicate ID to a field error
// and emits the event.
func (s *Service) added(ctx context.Context, kind, id string, err error) error {
	if errors.Is(err, ErrDuplicate) {
		return newError(ErrDuplicate, "id", "a "+kind+" with this ID exists")
	}
	if err != nil {
		return err
	}
	s.emit(ctx, Event{Type: EventCatalogueChanged, Time: s.oauth.Now(), Detail: "added " + kind + " " + strconv.Quote(id)})
	return nil
}
