package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// Cookie names. The admin session cookie is sent to /admin pages only.
const (
	developerCookie = "portal_session"
	adminCookie     = "portal_admin"
	preCookie       = "portal_pre" // binds the CSRF token of the login and sign-up forms
)

// Session limits.
const (
	sessionIDBytes = 32
	preCookieTTL   = time.Hour
	flashTTL       = 5 * time.Minute
	sweepEvery     = time.Minute
)

// cookieKind tells which cookie a session lives in, and its path.
type cookieKind struct {
	name string
	path string
}

var (
	developerKind = cookieKind{name: developerCookie, path: "/"}
	adminKind     = cookieKind{name: adminCookie, path: "/admin"}
)

// session is a logged-in developer or administrator. Its ID is known only
// to the browser; the store keys it by the ID's hash.
type session struct {
	key      string // hash of the cookie value
	kind     string // developerCookie or adminCookie
	userID   string // developer ID or admin username
	csrf     string // the CSRF token of this session's forms
	lastSeen time.Time

	// Fields below are guarded by sessions.mu.
	secret *secretFlash // a secret to show once
	notice string       // a one-line message for the next page
	forms  []formToken  // one-time tokens of create forms, oldest first
}

// secretFlash is a client secret waiting to be shown once.
type secretFlash struct {
	clientID string
	secret   oauthclient.Plaintext
	at       time.Time
}

// sessions is the in-memory session store.
type sessions struct {
	mu        sync.Mutex
	byKey     map[string]*session
	now       func() time.Time
	rand      io.Reader
	ttl       time.Duration
	lastSweep time.Time
}

func newSessions(now func() time.Time, rand io.Reader, ttl time.Duration) *sessions {
	return &sessions{byKey: make(map[string]*session), now: now, rand: rand, ttl: ttl}
}

func sessionKey(cookieValue string) string {
	sum := sha256.Sum256([]byte(cookieValue))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// randomToken returns 32 random bytes as base64url text.
func randomToken(r io.Reader) (string, error) {
	b := make([]byte, sessionIDBytes)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// create starts a session for userID and returns the cookie value.
func (ss *sessions) create(kind cookieKind, userID string, csrf func(string) string) (string, error) {
	value, err := randomToken(ss.rand)
	if err != nil {
		return "", err
	}
	now := ss.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.sweepLocked(now)
	key := sessionKey(value)
	ss.byKey[key] = &session{key: key, kind: kind.name, userID: userID, csrf: csrf(value), lastSeen: now}
	return value, nil
}

// get returns the live session of that kind on r, or nil.
func (ss *sessions) get(r *http.Request, kind string) *session {
	c, err := r.Cookie(kind)
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil
	}
	now := ss.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	sess := ss.byKey[sessionKey(c.Value)]
	if sess == nil || sess.kind != kind {
		return nil
	}
	if now.Sub(sess.lastSeen) > ss.ttl {
		delete(ss.byKey, sess.key)
		return nil
	}
	sess.lastSeen = now
	return sess
}

// end deletes the session.
func (ss *sessions) end(sess *session) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	delete(ss.byKey, sess.key)
}

// endUser deletes every session of that kind for userID (the account was
// deactivated).
func (ss *sessions) endUser(kind, userID string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for k, sess := range ss.byKey {
		if sess.kind == kind && sess.userID == userID {
			delete(ss.byKey, k)
		}
	}
}

// sweepLocked drops idle sessions, at most once a minute.
func (ss *sessions) sweepLocked(now time.Time) {
	if now.Sub(ss.lastSweep) < sweepEvery {
		return
	}
	ss.lastSweep = now
	for k, sess := range ss.byKey {
		if now.Sub(sess.lastSeen) > ss.ttl {
			delete(ss.byKey, k)
		}
	}
}

// setSecret keeps a secret for the next view of the client's secret page.
func (ss *sessions) setSecret(sess *session, clientID string, secret oauthclient.Plaintext) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	sess.secret = &secretFlash{clientID: clientID, secret: secret, at: ss.now()}
}

// takeSecret returns the waiting secret of that client and forgets it; the
// zero Plaintext when there is none (never created here, already shown,
// another client's, or older than five minutes).
func (ss *sessions) takeSecret(sess *session, clientID string) oauthclient.Plaintext {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	f := sess.secret
	if f == nil || f.clientID != clientID {
		return oauthclient.Plaintext{}
	}
	sess.secret = nil
	if ss.now().Sub(f.at) > flashTTL {
		return oauthclient.Plaintext{}
	}
	return f.secret
}

// setNotice keeps a message for the next page.
func (ss *sessions) setNotice(sess *session, msg string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	sess.notice = msg
}

// takeNotice returns the waiting message and forgets it.
func (ss *sessions) takeNotice(sess *session) string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	msg := sess.notice
	sess.notice = ""
	return msg
}

// csrfToken derives the CSRF token bound to a cookie value (a session ID or
// the pre-login cookie).
func (s *Site) csrfToken(purpose, cookieValue string) string {
	m := hmac.New(sha256.New, s.csrfKey)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(cookieValue))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validCSRF reports whether the posted token equals want, in constant time.
func validCSRF(r *http.Request, want string) bool {
	got := r.PostForm["csrf"]
	return len(got) == 1 && want != "" && hmac.Equal([]byte(got[0]), []byte(want))
}

// setCookie sets an HttpOnly, SameSite=Lax cookie, Secure over https.
func (s *Site) setCookie(w http.ResponseWriter, r *http.Request, name, path, value string, maxAge time.Duration) {
	c := &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     path,
		HttpOnly: true,
		Secure:   s.secure || r.TLS != nil,
		SameSite: http.SameSiteLaxMode,
	}
	switch {
	case maxAge < 0:
		c.MaxAge = -1
	case maxAge > 0:
		c.MaxAge = int(maxAge / time.Second)
	}
	http.SetCookie(w, c)
}

// preToken returns the CSRF token of the login and sign-up forms, setting
// the pre-login cookie it is bound to when the browser has none.
func (s *Site) preToken(w http.ResponseWriter, r *http.Request) (string, error) {
	if c, err := r.Cookie(preCookie); err == nil && len(c.Value) == 43 {
		return s.csrfToken(preCookie, c.Value), nil
	}
	value, err := randomToken(s.sessions.rand)
	if err != nil {
		return "", err
	}
	s.setCookie(w, r, preCookie, "/", value, preCookieTTL)
	return s.csrfToken(preCookie, value), nil
}

// validPreToken checks the CSRF token of a login or sign-up post.
func (s *Site) validPreToken(r *http.Request) bool {
	c, err := r.Cookie(preCookie)
	if err != nil || len(c.Value) != 43 {
		return false
	}
	return validCSRF(r, s.csrfToken(preCookie, c.Value))
}
