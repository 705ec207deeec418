package authserver

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
)

// initialAccessPrefix starts every initial access token NewInitialAccessToken
// generates, so that a leaked one is recognisable.
const initialAccessPrefix = "poa_iat_"

// initialAccess is what an initial access token allows: registering
// clients for a developer, on catalogue entries, under a policy.
type initialAccess struct {
	developerID string
	entryIDs    []string
	policyID    string
}

// AddInitialAccessToken lets token authorise RFC 7591 registrations of
// clients owned by the developer, for the catalogue entries, under the
// policy (empty: the one the entries offer, if there is exactly one). The
// token must be at least 16 characters; only its hash is kept, in memory:
// a production server keeps initial access tokens in its database, and
// this one forgets them when it stops. Adding a token again replaces what
// it allows.
func (s *Server) AddInitialAccessToken(token oauthclient.Plaintext, developerID string, entryIDs []string, policyID string) error {
	switch {
	case len(token.Reveal()) < 16:
		return errors.New("authserver: an initial access token must be at least 16 characters")
	case !isToken68(token.Reveal()):
		return errors.New("authserver: an initial access token must be a token68 (letters, digits, - . _ ~ + /)")
	case developerID == "":
		return errors.New("authserver: an initial access token needs a developer ID")
	case len(entryIDs) == 0:
		return errors.New("authserver: an initial access token needs at least one catalogue entry")
	}
	s.iatMu.Lock()
	defer s.iatMu.Unlock()
	s.iats[oauthclient.HashToken(token.Reveal())] = initialAccess{
		developerID: developerID, entryIDs: slices.Clone(entryIDs), policyID: policyID,
	}
	return nil
}

// NewInitialAccessToken generates an initial access token ("poa_iat_" and
// 32 random bytes in base64url) and adds it as AddInitialAccessToken does.
func (s *Server) NewInitialAccessToken(developerID string, entryIDs []string, policyID string) (oauthclient.Plaintext, error) {
	var b [32]byte
	if _, err := io.ReadFull(s.rand, b[:]); err != nil {
		return oauthclient.Plaintext{}, fmt.Errorf("authserver: initial access token: %w", err)
	}
	token := oauthclient.NewPlaintext(initialAccessPrefix + base64.RawURLEncoding.EncodeToString(b[:]))
	if err := s.AddInitialAccessToken(token, developerID, entryIDs, policyID); err != nil {
		return oauthclient.Plaintext{}, err
	}
	return token, nil
}

// initialAccess returns what the request's initial access token allows.
func (s *Server) initialAccess(r *http.Request) (initialAccess, error) {
	token, err := bearerToken(r)
	if err != nil {
		return initialAccess{}, err
	}
	s.iatMu.RLock()
	ia, ok := s.iats[oauthclient.HashToken(token)]
	s.iatMu.RUnlock()
	if !ok {
		return initialAccess{}, oauthError(codeInvalidToken, "", "the initial access token is not valid")
	}
	return ia, nil
}

// handleRegister is POST /oauth/register (RFC 7591 §3): it registers a
// client for the initial access token's developer and answers 201 with
// the client information, the secret and the registration access token
// included, the only time they are shown.
func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) {
	ia, err := s.initialAccess(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	md, _, err := s.readMetadata(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	nc, err := s.portal.CreateClient(r.Context(), ia.developerID, portal.CreateClientRequest{
		EntryIDs: ia.entryIDs, PolicyID: ia.policyID, Metadata: md, IssueRegistrationToken: true,
	})
	if errors.Is(err, oauthclient.ErrNotFound) && portal.FieldOf(err) != "entry_ids" {
		// The token's developer is gone.
		err = oauthError(codeInvalidToken, "", "the initial access token is not valid")
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeClient(w, r, http.StatusCreated, nc.Client, nc.Secret, nc.RegistrationToken)
}

// handleReadClient is GET /oauth/register/{client_id} (RFC 7592 §2.1). The
// secret is never shown again.
func (s *Server) handleReadClient(w http.ResponseWriter, r *http.Request) {
	c, err := s.registeredClient(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeClient(w, r, http.StatusOK, c, oauthclient.Plaintext{}, oauthclient.Plaintext{})
}

// handleUpdateClient is PUT /oauth/register/{client_id} (RFC 7592 §2.2): the
// body replaces the client's metadata. It must repeat the client_id and
// may repeat the client_secret, which must then be a current one; the
// server-managed members (registration_access_token, ...) are ignored.
func (s *Server) handleUpdateClient(w http.ResponseWriter, r *http.Request) {
	c, err := s.registeredClient(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	md, managed, err := s.readMetadata(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.checkManaged(c, managed); err != nil {
		s.writeError(w, r, err)
		return
	}
	updated, err := s.portal.UpdateClient(r.Context(), c.DeveloperID, c.ID, portal.UpdateClientRequest{
		Version: c.Version, Metadata: &md,
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeClient(w, r, http.StatusOK, updated, oauthclient.Plaintext{}, oauthclient.Plaintext{})
}

// handleDeleteClient is DELETE /oauth/register/{client_id} (RFC 7592 §2.3):
// the client and all its tokens are deleted at once.
func (s *Server) handleDeleteClient(w http.ResponseWriter, r *http.Request) {
	c, err := s.registeredClient(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.portal.DeleteClient(r.Context(), c.DeveloperID, c.ID); err != nil {
		if errors.Is(err, oauthclient.ErrNotFound) {
			err = oauthError(codeInvalidToken, "", "the registration access token is not valid")
		}
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// invalidRegistrationToken is the digest compared when no client has the
// requested ID, so that an unknown client costs what a wrong token does.
var invalidRegistrationToken = oauthclient.HashToken("")

// registeredClient returns the client of the path whose registration
// access token the request presents; anything else, an unknown client
// included, is invalid_token.
func (s *Server) registeredClient(r *http.Request) (*oauthclient.Client, error) {
	token, err := bearerToken(r)
	if err != nil {
		return nil, err
	}
	hash := oauthclient.HashToken(token)
	c, err := s.store.GetClient(r.Context(), r.PathValue("client_id"))
	want := invalidRegistrationToken
	switch {
	case err == nil && c.RegistrationTokenHash != "":
		want = c.RegistrationTokenHash
	case err != nil && !errors.Is(err, oauthclient.ErrNotFound):
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(hash), []byte(want)) != 1 || c == nil || c.RegistrationTokenHash == "" {
		return nil, oauthError(codeInvalidToken, "", "the registration access token is not valid")
	}
	return c, nil
}

// Client information members that the server manages (RFC 7591 §3.2.1,
// RFC 7592 §3): a request cannot set them.
var managedMembers = []string{
	"client_id", "client_secret", "client_id_issued_at", "client_secret_expires_at",
	"registration_access_token", "registration_client_uri",
}

// readMetadata reads a JSON client metadata body. It returns the metadata
// without the server-managed members, and those members apart. A body
// that is not one JSON object, or repeats a member, is
// invalid_client_metadata.
func (s *Server) readMetadata(w http.ResponseWriter, r *http.Request) (oauthclient.Metadata, map[string]json.RawMessage, error) {
	body, err := oauthclient.ReadBody(w, r, "application/json", s.maxBody)
	if err != nil {
		return oauthclient.Metadata{}, nil, err
	}
	if err := checkObject(body); err != nil {
		return oauthclient.Metadata{}, nil, err
	}
	var md oauthclient.Metadata
	if err := json.Unmarshal(body, &md); err != nil {
		if oauthclient.CodeOf(err) != "" {
			return oauthclient.Metadata{}, nil, err
		}
		field := ""
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			field = fieldName(te.Field)
		}
		return oauthclient.Metadata{}, nil, oauthError(oauthclient.CodeInvalidClientMetadata, field, "has the wrong JSON type")
	}
	managed := map[string]json.RawMessage{}
	for _, k := range managedMembers {
		if v, ok := md.Extra[k]; ok {
			managed[k] = v
			delete(md.Extra, k)
		}
	}
	return md, managed, nil
}

// checkObject checks that body is one JSON object with no member twice.
func checkObject(body []byte) error {
	bad := func(reason string) error {
		return oauthError(oauthclient.CodeInvalidClientMetadata, "", reason)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return bad("the body must be a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return bad("the body is not valid JSON")
		}
		key, _ := tok.(string)
		if seen[key] {
			return oauthError(oauthclient.CodeInvalidClientMetadata, fieldName(key), "must not be repeated")
		}
		seen[key] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return bad("the body is not valid JSON")
		}
	}
	if _, err := dec.Token(); err != nil {
		return bad("the body is not valid JSON")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bad("the body must hold one JSON object and nothing after it")
	}
	return nil
}

// checkManaged applies RFC 7592 §2.2 to the server-managed members of an
// update: client_id must be the client's, a client_secret must be one of
// its current secrets; the others are ignored.
func (s *Server) checkManaged(c *oauthclient.Client, managed map[string]json.RawMessage) error {
	var id string
	if err := json.Unmarshal(managed["client_id"], &id); err != nil || id != c.ID {
		return oauthError(oauthclient.CodeInvalidRequest, "client_id", "must be the client's client_id")
	}
	raw, ok := managed["client_secret"]
	if !ok {
		return nil
	}
	var secret string
	if err := json.Unmarshal(raw, &secret); err != nil || !s.currentSecret(c, oauthclient.NewPlaintext(secret)) {
		return oauthError(oauthclient.CodeInvalidRequest, "client_secret", "must be the client's current secret")
	}
	return nil
}

// currentSecret reports whether secret is one of the client's secrets
// valid now.
func (s *Server) currentSecret(c *oauthclient.Client, secret oauthclient.Plaintext) bool {
	if secret.IsZero() {
		return false
	}
	now := s.now()
	for _, sec := range c.Secrets {
		if !sec.ValidAt(now) {
			continue
		}
		if _, err := s.hasher.Verify(sec.Hash, secret); err == nil {
			return true
		}
	}
	return false
}

// writeClient writes the client information response (RFC 7591 §3.2.1,
// RFC 7592 §3): the metadata, the client ID, when it was issued, the
// registration client URI and, when given, the secret and registration
// access token.
func (s *Server) writeClient(w http.ResponseWriter, r *http.Request, status int, c *oauthclient.Client,
	secret, registrationToken oauthclient.Plaintext) {
	body, err := s.clientInformation(c, secret, registrationToken)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Pragma", "no-cache")
	writeRaw(w, status, body)
}

func (s *Server) clientInformation(c *oauthclient.Client, secret, registrationToken oauthclient.Plaintext) ([]byte, error) {
	md, err := json.Marshal(c.Metadata)
	if err != nil {
		return nil, fmt.Errorf("authserver: encoding client metadata: %w", err)
	}
	info := map[string]json.RawMessage{}
	if err := json.Unmarshal(md, &info); err != nil {
		return nil, fmt.Errorf("authserver: encoding client metadata: %w", err)
	}
	set := func(k string, v string) { info[k] = json.RawMessage(v) }
	quote := func(v string) string { b, _ := json.Marshal(v); return string(b) }
	set("client_id", quote(c.ID))
	set("client_id_issued_at", strconv.FormatInt(c.CreatedAt.Unix(), 10))
	set("registration_client_uri", quote(s.issuer+PathRegister+"/"+url.PathEscape(c.ID)))
	if !c.Public() {
		set("client_secret_expires_at", "0")
	}
	if !secret.IsZero() {
		set("client_secret", quote(secret.Reveal()))
	}
	if !registrationToken.IsZero() {
		set("registration_access_token", quote(registrationToken.Reveal()))
	}
	return json.Marshal(info)
}

// writeRaw writes an encoded JSON body.
func writeRaw(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
