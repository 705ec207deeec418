package web

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/portaloauth/portaloauth/portal"
)

// DefaultAuditSize is how many events an [AuditLog] keeps when its size is
// zero.
const DefaultAuditSize = 2000

// AuditLog keeps the portal's most recent events in memory, for the
// administrator's pages: a client's audit trail and the catalogue's
// changes. It is a portal.Observer; hand it to portal.Config.Observer
// (beside a log, with [Observers]) and to Config.Audit. A restart empties
// it: a production portal would keep events in its database.
type AuditLog struct {
	mu     sync.Mutex
	size   int
	events []portal.Event // oldest first, at most size
}

// NewAuditLog returns a log keeping the last size events (0:
// DefaultAuditSize).
func NewAuditLog(size int) *AuditLog {
	if size <= 0 {
		size = DefaultAuditSize
	}
	return &AuditLog{size: size}
}

// Observe records e.
func (l *AuditLog) Observe(_ context.Context, e portal.Event) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.events) == l.size {
		copy(l.events, l.events[1:])
		l.events = l.events[:len(l.events)-1]
	}
	l.events = append(l.events, e)
}

// find returns at most n matching events, newest first.
func (l *AuditLog) find(n int, match func(portal.Event) bool) []portal.Event {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []portal.Event
	for _, e := range slices.Backward(l.events) {
		if len(out) == n {
			break
		}
		if match(e) {
			out = append(out, e)
		}
	}
	return out
}

func (l *AuditLog) clientEvents(clientID string, n int) []portal.Event {
	return l.find(n, func(e portal.Event) bool { return e.ClientID == clientID })
}

func (l *AuditLog) catalogueEvents(n int) []portal.Event {
	return l.find(n, func(e portal.Event) bool { return e.Type == portal.EventCatalogueChanged })
}

// Observers hands every event to each observer in turn.
type Observers []portal.Observer

// Observe calls Observe of each observer.
func (o Observers) Observe(ctx context.Context, e portal.Event) {
	for _, x := range o {
		x.Observe(ctx, e)
	}
}

var (
	_ portal.Observer = (*AuditLog)(nil)
	_ portal.Observer = Observers(nil)
)

// auditRow is an event as the admin pages show it.
type auditRow struct {
	Time   time.Time
	What   string
	Actor  string
	Detail string
}

var eventWords = map[portal.EventType]string{
	portal.EventCreated:              "Created",
	portal.EventUpdated:              "Details changed",
	portal.EventSecretRotated:        "Secret rotated",
	portal.EventTokensRevoked:        "Tokens revoked",
	portal.EventDeleted:              "Deleted",
	portal.EventApproved:             "Approved",
	portal.EventRejected:             "Rejected",
	portal.EventDisabled:             "Disabled",
	portal.EventEnabled:              "Enabled",
	portal.EventDeveloperDeactivated: "Developer deactivated",
	portal.EventDeveloperReactivated: "Developer reactivated",
	portal.EventCatalogueChanged:     "Catalogue changed",
}

func (s *Site) auditRows(events []portal.Event) []auditRow {
	out := make([]auditRow, 0, len(events))
	for _, e := range events {
		what := eventWords[e.Type]
		if what == "" {
			what = string(e.Type)
		}
		actor := e.Actor
		switch {
		case actor == "":
			actor = "system"
		case actor == e.DeveloperID:
			actor = "the developer"
		}
		out = append(out, auditRow{Time: e.Time, What: what, Actor: actor, Detail: e.Detail})
	}
	return out
}
