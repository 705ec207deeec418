package portal

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Limits on a developer's fields.
const (
	maxEmailLen = 254 // RFC 5321 §4.5.3.1.3, path minus the angle brackets
	maxNameLen  = 200 // in characters
)

// NewDeveloper is a request to register a developer account.
type NewDeveloper struct {
	Email string // required; trimmed, and its domain lower-cased
	Name  string // required; trimmed; at most 200 characters, no control characters
	// PasswordHash is an optional login credential as a PHC-style hash
	// string, for portals that keep developer logins in the store. It is
	// stored as given, never a plaintext password.
	PasswordHash string
}

// RegisterDeveloper creates an active developer account with a random ID.
//
// It returns an *oauthclient.Error wrapping ErrInvalidInput naming the field ("email",
// "name") when the email is not a plain address such as name@example.com
// or the name is empty, too long or holds control characters, and an
// *oauthclient.Error wrapping ErrDuplicate, field "email", when a developer with that
// email, ignoring case, exists.
func (s *Service) RegisterDeveloper(ctx context.Context, r NewDeveloper) (*Developer, error) {
	email, err := normaliseEmail(r.Email)
	if err != nil {
		return nil, err
	}
	name, err := checkName("name", r.Name)
	if err != nil {
		return nil, err
	}
	id, err := uuid.NewRandomFromReader(s.oauth.Rand)
	if err != nil {
		return nil, fmt.Errorf("portal: developer ID: %w", err)
	}
	now := s.oauth.Now()
	d := &Developer{
		ID:           id.String(),
		Email:        email,
		Name:         name,
		Status:       DeveloperActive,
		PasswordHash: r.PasswordHash,
		CreatedAt:    now,
		UpdatedAt:    now,
		Version:      1,
	}
	if err := s.developers.CreateDeveloper(ctx, d); err != nil {
		if errors.Is(err, ErrDuplicate) {
			return nil, newError(ErrDuplicate, "email", "is already registered")
		}
		return nil, err
	}
	s.emit(ctx, Event{Type: EventDeveloperRegistered, Actor: d.ID, DeveloperID: d.ID, Time: now})
	return d, nil
}

// GetDeveloper returns the developer with that ID, or an error wrapping
// ErrNotFound.
func (s *Service) GetDeveloper(ctx context.Context, id string) (*Developer, error) {
	return s.developers.GetDeveloper(ctx, id)
}

// activeDeveloper returns the developer if they exist and are active.
func (s *Service) activeDeveloper(ctx context.Context, id string) (*Developer, error) {
	d, err := s.developers.GetDeveloper(ctx, id)
	if err != nil {
		return nil, err
	}
	if d.Status != DeveloperActive {
		return nil, newError(ErrDeveloperInactive, "developer_id", "the developer account is inactive")
	}
	return d, nil
}

// normaliseEmail accepts a bare address (no display name, no angle
// brackets, no comments), trims surrounding space and lower-cases the
// domain, which is case-insensitive; the store compares the whole address
// ignoring case.
func normaliseEmail(raw string) (string, error) {
	bad := func(reason string) error { return newError(ErrInvalidInput, "email", reason) }
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return "", bad("is required")
	case len(s) > maxEmailLen:
		return "", bad("is too long")
	case !utf8.ValidString(s):
		return "", bad("is not valid text")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", bad("must be an email address such as name@example.com")
	}
	at := strings.LastIndexByte(s, '@')
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, "[") {
		return "", bad("must have a domain name such as example.com")
	}
	return s[:at+1] + strings.ToLower(domain), nil
}

// checkName trims a display name and checks it is present, not too long and
// free of control characters.
func checkName(field, raw string) (string, error) {
	s := strings.TrimSpace(raw)
	switch {
	case s == "":
		return "", newError(ErrInvalidInput, field, "is required")
	case !utf8.ValidString(s):
		return "", newError(ErrInvalidInput, field, "is not valid text")
	case utf8.RuneCountInString(s) > maxNameLen:
		return "", newError(ErrInvalidInput, field, "must be at most 200 characters")
	case strings.ContainsFunc(s, unicode.IsControl):
		return "", newError(ErrInvalidInput, field, "must not contain control characters")
	}
	return s, nil
}
