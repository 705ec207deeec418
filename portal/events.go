package portal

import (
	"context"
	"log/slog"
	"time"
)

// EventType says what changed.
type EventType string

// Event types. Client events carry the client's ID and its developer's ID.
const (
	EventCreated              EventType = "created"        // a client was registered
	EventUpdated              EventType = "updated"        // a client's details changed
	EventSecretRotated        EventType = "secret_rotated" // a client got a new secret
	EventTokensRevoked        EventType = "tokens_revoked" // a client's tokens were revoked
	EventDeleted              EventType = "deleted"        // a client was deleted, tokens included
	EventApproved             EventType = "approved"       // an administrator approved a pending client
	EventRejected             EventType = "rejected"       // an administrator rejected (deleted) a pending client
	EventDisabled             EventType = "disabled"       // an administrator disabled a client
	EventEnabled              EventType = "enabled"        // an administrator enabled a disabled client
	EventDeveloperRegistered  EventType = "developer_registered"
	EventDeveloperDeactivated EventType = "developer_deactivated" // clients disabled, tokens revoked
	EventDeveloperReactivated EventType = "developer_reactivated" // may log in again; clients stay disabled
	EventCatalogueChanged     EventType = "catalogue_changed"     // an API, policy or entry was added or updated
)

// Event records one change made through the [Service]. It never holds a
// secret, a secret's hash or a token: Detail names what changed in plain
// words (field names, counts, secret IDs and hints).
type Event struct {
	Type EventType `json:"type"`
	// Actor is who made the change: the developer for their own actions,
	// the administrator's ID for admin actions, empty for catalogue changes.
	Actor       string    `json:"actor,omitempty"`
	DeveloperID string    `json:"developer_id,omitempty"`
	ClientID    string    `json:"client_id,omitempty"`
	Time        time.Time `json:"time"`
	Detail      string    `json:"detail,omitempty"`
}

// Observer receives the Service's events. Observe is called after the
// store change succeeded, synchronously, on the caller's goroutine; it must
// be safe for concurrent use and should return quickly.
type Observer interface {
	Observe(ctx context.Context, e Event)
}

// ObserverFunc adapts a function to an Observer.
type ObserverFunc func(ctx context.Context, e Event)

// Observe calls f(ctx, e).
func (f ObserverFunc) Observe(ctx context.Context, e Event) { f(ctx, e) }

// SlogObserver writes each event as one log/slog record at level Info,
// with the message "portal event" and the attributes type, actor,
// developer_id, client_id, time and detail.
type SlogObserver struct {
	Logger *slog.Logger // nil: slog.Default()
}

// Observe logs e.
func (o SlogObserver) Observe(ctx context.Context, e Event) {
	l := o.Logger
	if l == nil {
		l = slog.Default()
	}
	l.LogAttrs(ctx, slog.LevelInfo, "portal event",
		slog.String("type", string(e.Type)),
		slog.String("actor", e.Actor),
		slog.String("developer_id", e.DeveloperID),
		slog.String("client_id", e.ClientID),
		slog.Time("time", e.Time),
		slog.String("detail", e.Detail),
	)
}

var (
	_ Observer = ObserverFunc(nil)
	_ Observer = SlogObserver{}
)

// emit hands e to the observer, if any.
func (s *Service) emit(ctx context.Context, e Event) {
	if s.observer != nil {
		s.observer.Observe(ctx, e)
	}
}
