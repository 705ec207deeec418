package portal

import (
	"context"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// DeveloperQuery selects developers for [Service.FindDevelopers]. The zero
// value selects every developer.
type DeveloperQuery struct {
	// Text, when not empty, keeps developers whose name, email or ID, or
	// one of whose clients' name or ID, contains it, ignoring case.
	Text string
	// Status, when not empty, keeps developers with that status.
	Status DeveloperStatus
	// ClientStatus, when not empty, keeps only the clients with that
	// status in each result, and only developers having one.
	ClientStatus oauthclient.Status
	// Page is the window of the matching developers (see
	// oauthclient.Page).
	oauthclient.Page
}

// FindDevelopers returns the developers matching q, oldest first, each
// with a summary of their (matching) clients. With an empty Text, Status
// and ClientStatus it is [Service.ListDevelopersWithClients]. A filtered
// search reads developers page by page and keeps the matching ones, so it
// costs O(developers and their clients): fine for an administrator's page
// over thousands of accounts; a portal with millions would search in its
// database instead.
func (s *Service) FindDevelopers(ctx context.Context, q DeveloperQuery) ([]DeveloperClients, error) {
	if q.Text == "" && q.Status == "" && q.ClientStatus == "" {
		return s.ListDevelopersWithClients(ctx, q.Page)
	}
	want := q.Normalized()
	limit, skip := want.Limit, want.Offset
	text := strings.ToLower(strings.TrimSpace(q.Text))
	now := s.oauth.Now()
	var out []DeveloperClients
	for p := (oauthclient.Page{Limit: oauthclient.MaxLimit}); ; p = p.Next() {
		devs, err := s.developers.ListDevelopers(ctx, p)
		if err != nil {
			return nil, err
		}
		for _, d := range devs {
			if q.Status != "" && d.Status != q.Status {
				continue
			}
			clients, err := s.developerClients(ctx, d.ID)
			if err != nil {
				return nil, err
			}
			dc, ok := matchDeveloper(d, clients, text, q.ClientStatus, now)
			if !ok {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, dc)
			if len(out) == limit {
				return out, nil
			}
		}
		if len(devs) < p.Limit {
			return out, nil
		}
	}
}

// matchDeveloper filters one developer's clients by status and tells
// whether the developer matches the text.
func matchDeveloper(d *Developer, clients []*oauthclient.Client, text string, st oauthclient.Status, now time.Time) (DeveloperClients, bool) {
	devMatch := text == "" || containsFold(d.Name, text) || containsFold(d.Email, text) || containsFold(d.ID, text)
	dc := DeveloperClients{Developer: d}
	anyClient := false
	for _, c := range clients {
		if st != "" && c.Status != st {
			continue
		}
		clientMatch := text == "" || containsFold(c.ClientName, text) || containsFold(c.ID, text)
		if !devMatch && !clientMatch {
			continue
		}
		anyClient = true
		dc.Clients = append(dc.Clients, summarise(c, now))
	}
	if st != "" && !anyClient {
		return dc, false
	}
	return dc, devMatch || anyClient
}

func containsFold(s, lowerSub string) bool {
	return strings.Contains(strings.ToLower(s), lowerSub)
}

// ClientDetail is everything an administrator sees of one client: its
// summary, its RFC 7591 metadata, its secrets' hints and expiry, and how
// many live tokens it holds. It never holds a secret, a hash or a token.
type ClientDetail struct {
	ClientSummary
	Description string
	Metadata    oauthclient.Metadata
	UpdatedAt   time.Time
	Secrets     []SecretInfo
	// Tokens counts the client's live tokens (not expired, not consumed),
	// up to MaxCountedTokens; TokensCapped says the count stopped there.
	Tokens       int
	TokensCapped bool
}

// SecretInfo is what is shown of a stored secret.
type SecretInfo struct {
	ID        string
	Hint      string
	CreatedAt time.Time
	ExpiresAt time.Time // zero: no expiry
	Valid     bool      // it may authenticate now
}

// MaxCountedTokens is where [Service.ClientDetail] stops counting tokens.
const MaxCountedTokens = 10 * oauthclient.MaxLimit

// ClientDetail returns the administrator's view of any developer's client.
// It returns an error wrapping ErrNotFound for an unknown client.
func (s *Service) ClientDetail(ctx context.Context, clientID string) (*ClientDetail, error) {
	c, err := s.clients.GetClient(ctx, clientID)
	if err != nil {
		return nil, err
	}
	now := s.oauth.Now()
	d := &ClientDetail{
		ClientSummary: summarise(c, now),
		Description:   c.Description,
		Metadata:      c.Metadata,
		UpdatedAt:     c.UpdatedAt,
	}
	for _, sec := range c.Secrets {
		d.Secrets = append(d.Secrets, SecretInfo{ID: sec.ID, Hint: sec.Hint, CreatedAt: sec.CreatedAt,
			ExpiresAt: sec.ExpiresAt, Valid: sec.ValidAt(now)})
	}
	for p := (oauthclient.Page{Limit: oauthclient.MaxLimit}); p.Offset < MaxCountedTokens; p = p.Next() {
		page, err := s.clients.ListTokens(ctx, oauthclient.TokenFilter{ClientID: c.ID, Page: p})
		if err != nil {
			return nil, err
		}
		for _, t := range page {
			if t.ActiveAt(now) {
				d.Tokens++
			}
		}
		if len(page) < p.Limit {
			return d, nil
		}
	}
	d.TokensCapped = true
	return d, nil
}
