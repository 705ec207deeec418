package portal

import (
	"context"
	"fmt"
	"log/slog"
)

// ChangeKind says what a [Change] names.
type ChangeKind uint8

// The kinds of change a [ChangeFeed] announces.
const (
	// ChangeAll: anything may have changed; Key is empty.
	ChangeAll ChangeKind = iota + 1
	// ChangeToken: the token whose hash is Key was deleted or consumed.
	ChangeToken
	// ChangeClientTokens: any token of the client whose ID is Key may have
	// been deleted or consumed.
	ChangeClientTokens
	// ChangeClient: the client whose ID is Key (its record or its secrets)
	// was updated or deleted.
	ChangeClient
	// ChangeAPI: the API whose ID is Key was updated or deleted.
	ChangeAPI
	// ChangePolicy: the policy whose ID is Key was updated or deleted.
	ChangePolicy
	// ChangeEntry: the catalogue entry whose ID is Key was updated or
	// deleted.
	ChangeEntry
	// ChangeFailures: the failed attempts counted for the throttle key
	// Key (a client ID, an account or an address; see package
	// portal/throttle) were recorded or forgotten. Unlike the others, a
	// first failure is announced too.
	ChangeFailures
)

// Change names a record that a committed write changed. Key is an
// identifier or a token hash, never a secret or a token.
type Change struct {
	Kind ChangeKind
	Key  string
}

// redactedKey replaces a token hash in the renderings of a Change.
const redactedKey = "[REDACTED]"

// shownKey is c.Key as the renderings show it: an identifier as it is, a
// token hash (the Key of a ChangeToken, or of a kind this package does not
// know) as [REDACTED].
func (c Change) shownKey() string {
	switch c.Kind {
	case ChangeAll, ChangeClientTokens, ChangeClient, ChangeAPI, ChangePolicy, ChangeEntry, ChangeFailures:
		return c.Key
	}
	if c.Key == "" {
		return ""
	}
	return redactedKey
}

// Format renders c for package fmt, with every verb, as its fields would
// render, except that a token hash is replaced by [REDACTED]: %v shows
// {2 [REDACTED]}, %+v {Kind:2 Key:[REDACTED]} and %#v
// portal.Change{Kind:0x2, Key:"[REDACTED]"}.
func (c Change) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = fmt.Fprintf(f, "portal.Change{Kind:%#v, Key:%#v}", uint8(c.Kind), c.shownKey())
		return
	}
	type change Change // Change without methods, so that fmt renders its fields
	_, _ = fmt.Fprintf(f, fmt.FormatString(f, verb), change{Kind: c.Kind, Key: c.shownKey()})
}

// LogValue is c for log/slog, a group of kind and key, with a token hash
// replaced by [REDACTED].
func (c Change) LogValue() slog.Value {
	return slog.GroupValue(slog.Uint64("kind", uint64(c.Kind)), slog.String("key", c.shownKey()))
}

// ChangeWatcher receives what a [ChangeFeed] observes. Its methods are
// called from one goroutine, one at a time, and must not block for long.
type ChangeWatcher interface {
	// Listening is called each time the feed starts listening: every
	// change committed from then on is announced to Changed. Changes
	// committed before may not have been.
	Listening()
	// Changed is called for each committed change, in commit order.
	// Creations are not announced: a record nobody has seen cannot be
	// stale.
	Changed(Change)
	// Lost is called when the feed stops listening, or fails to start:
	// changes may go unannounced until the next call of Listening.
	Lost(err error)
}

// ChangeFeed is a store that announces, to every node sharing it, the
// records that committed writes updated or deleted: store/postgres does
// it with LISTEN/NOTIFY. store/cache builds a node-local cache on it.
type ChangeFeed interface {
	// WatchChanges calls w with what it observes until ctx ends, then
	// returns ctx's error. It reconnects by itself after a failure,
	// calling w.Lost, and w.Listening once it listens again.
	WatchChanges(ctx context.Context, w ChangeWatcher) error
}
