package web

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/portal/throttle"
)

// devCtx is the logged-in developer of a request.
type devCtx struct {
	sess *session
	dev  *portal.Developer
}

// developer wraps a developer page: it needs a live session of an active
// developer (else it redirects to the login page), and a post must carry
// the session's CSRF token.
func (s *Site) developer(h func(http.ResponseWriter, *http.Request, *devCtx)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess := s.sessions.get(r, developerCookie)
		if sess == nil {
			s.toLogin(w, r, s.LoginURL(r.URL.RequestURI()))
			return
		}
		d, err := s.portal.GetDeveloper(r.Context(), sess.userID)
		switch {
		case errors.Is(err, portal.ErrNotFound) || err == nil && d.Status != portal.DeveloperActive:
			s.sessions.end(sess)
			s.setCookie(w, r, developerCookie, "/", "", -1)
			s.toLogin(w, r, "/login")
			return
		case err != nil:
			s.fail(w, r, err)
			return
		}
		if r.Method == http.MethodPost && !s.checkPost(w, r, func(r *http.Request) bool { return validCSRF(r, sess.csrf) }) {
			return
		}
		h(w, r, &devCtx{sess: sess, dev: d})
	}
}

// toLogin sends a visitor without a session to a login page. A post
// without a session cannot be a form of this site: it gets 403.
func (s *Site) toLogin(w http.ResponseWriter, r *http.Request, url string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.renderError(w, r, http.StatusForbidden, "Your session has ended. Log in and try again.")
		return
	}
	http.Redirect(w, r, url, http.StatusSeeOther)
}

// devPage is the frame of a developer page.
func (s *Site) devPage(dc *devCtx, title, menu string, data any) *page {
	return &page{
		Title:  title,
		Menu:   menu,
		User:   dc.dev.Name,
		CSRF:   dc.sess.csrf,
		Notice: s.sessions.takeNotice(dc.sess),
		Data:   data,
	}
}

// homeData is the home page's data.
type homeData struct {
	LoggedIn bool
}

func (s *Site) home(w http.ResponseWriter, r *http.Request) {
	p := &page{Title: "Home", Menu: "home", Data: homeData{}}
	if sess := s.sessions.get(r, developerCookie); sess != nil {
		if d, err := s.portal.GetDeveloper(r.Context(), sess.userID); err == nil && d.Status == portal.DeveloperActive {
			p = s.devPage(&devCtx{sess: sess, dev: d}, "Home", "home", homeData{LoggedIn: true})
		}
	}
	s.render(w, r, http.StatusOK, "home", p)
}

// accountForm is the data of the login and sign-up forms.
type accountForm struct {
	Action   string // where the form posts
	Email    string
	Name     string
	Username string // admin login
	ReturnTo string
	Errors   map[string]string // by field: email, name, password, form
}

// credentials reads a login form: the trimmed login name from field and
// the password, filing an error for each one missing.
func (f *accountForm) credentials(r *http.Request, field, missing string) (login, password string) {
	login = strings.TrimSpace(r.PostForm.Get(field))
	password = r.PostForm.Get("password")
	if login == "" {
		f.fail(field, missing)
	}
	if password == "" {
		f.fail("password", "Enter your password.")
	}
	return login, password
}

func (f *accountForm) fail(field, msg string) {
	if f.Errors == nil {
		f.Errors = make(map[string]string)
	}
	if _, ok := f.Errors[field]; !ok {
		f.Errors[field] = msg
	}
}

// anonPage is the frame of a login or sign-up page, with the pre-login
// CSRF token.
func (s *Site) anonPage(w http.ResponseWriter, r *http.Request, title string, admin bool, f *accountForm) (*page, bool) {
	tok, err := s.preToken(w, r)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return &page{Title: title, Admin: admin, CSRF: tok, Data: f}, true
}

func (s *Site) renderAccount(w http.ResponseWriter, r *http.Request, code int, tmpl, title string, admin bool, f *accountForm) {
	if p, ok := s.anonPage(w, r, title, admin, f); ok {
		s.render(w, r, code, tmpl, p)
	}
}

func (s *Site) loginForm(w http.ResponseWriter, r *http.Request) {
	f := &accountForm{Action: "/login"}
	if rt := r.URL.Query().Get("return_to"); localPath(rt) {
		f.ReturnTo = rt
	}
	s.renderAccount(w, r, http.StatusOK, "login", "Log in", false, f)
}

func (s *Site) login(w http.ResponseWriter, r *http.Request) {
	if !s.checkPost(w, r, s.validPreToken) {
		return
	}
	f := &accountForm{Action: "/login"}
	if rt := r.PostForm.Get("return_to"); localPath(rt) {
		f.ReturnTo = rt
	}
	var password string
	f.Email, password = f.credentials(r, "email", "Enter your email address.")
	if f.Errors != nil {
		s.renderAccount(w, r, http.StatusBadRequest, "login", "Log in", false, f)
		return
	}
	keys := s.loginKeys(r, f.Email)
	failed, ok := s.loginGate(w, r, keys, "login", "Log in", false, f)
	if !ok {
		return
	}
	var hash string
	d, err := s.dir.GetDeveloperByEmail(r.Context(), f.Email)
	switch {
	case err == nil:
		hash = d.PasswordHash
	case !errors.Is(err, portal.ErrNotFound):
		s.fail(w, r, err)
		return
	}
	if !s.passwords.verify(hash, password) {
		s.loginFailed(r, keys, f.Email)
		f.fail("form", "The email address or the password is wrong.")
		s.renderAccount(w, r, http.StatusUnauthorized, "login", "Log in", false, f)
		return
	}
	if failed {
		s.loginSucceeded(r, keys)
	}
	if d.Status != portal.DeveloperActive {
		f.fail("form", "This account is deactivated. Contact the portal's administrators.")
		s.renderAccount(w, r, http.StatusForbidden, "login", "Log in", false, f)
		return
	}
	s.startSession(w, r, developerKind, d.ID, f.ReturnTo, "/")
}

// loginKeys are the throttle keys of a login: the account (the email as
// typed, folded) and the remote address.
func (s *Site) loginKeys(r *http.Request, email string) [2]string {
	addr, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		addr = r.RemoteAddr
	}
	return [2]string{"login-account:" + strings.ToLower(email), "login-address:" + addr}
}

// loginAllowed says how long the login must wait (0: it may go ahead), and
// whether either key has failures on record.
// loginGate asks the login throttles whether an attempt with keys may be
// checked at all. When it may not, it answers the request itself (an error
// page, or the form again with 429 and Retry-After) and returns ok false;
// failed reports whether earlier attempts failed.
func (s *Site) loginGate(w http.ResponseWriter, r *http.Request, keys [2]string, tmpl, title string, admin bool, f *accountForm) (failed, ok bool) {
	failed, wait, err := s.loginAllowed(r, keys)
	if err != nil {
		s.fail(w, r, err)
		return failed, false
	}
	if wait > 0 {
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		f.fail("form", "Too many failed attempts. Try again in "+strconv.Itoa(secs)+" seconds.")
		s.renderAccount(w, r, http.StatusTooManyRequests, tmpl, title, admin, f)
		return failed, false
	}
	return failed, true
}

func (s *Site) loginAllowed(r *http.Request, keys [2]string) (failed bool, wait time.Duration, err error) {
	for i, th := range []*throttle.Throttle{s.accountThrottle, s.addressThrottle} {
		f, err := th.Check(r.Context(), keys[i])
		switch {
		case errors.Is(err, oauthclient.ErrThrottled):
			wait = max(wait, oauthclient.RetryAfterOf(err))
		case err != nil:
			return false, 0, err
		}
		failed = failed || f
	}
	return failed, wait, nil
}

// loginFailed counts a failed login and logs it: the account typed (an
// email, or "admin:" and a username) and the address, never the password.
func (s *Site) loginFailed(r *http.Request, keys [2]string, account string) {
	for i, th := range []*throttle.Throttle{s.accountThrottle, s.addressThrottle} {
		if _, err := th.Failed(r.Context(), keys[i]); err != nil {
			s.log.WarnContext(r.Context(), "web: counting a failed login", "error", err)
		}
	}
	s.log.InfoContext(r.Context(), "web: failed login", "account", account, "remote_addr", r.RemoteAddr)
}

// loginSucceeded forgets the failures of the login's keys.
func (s *Site) loginSucceeded(r *http.Request, keys [2]string) {
	for i, th := range []*throttle.Throttle{s.accountThrottle, s.addressThrottle} {
		if err := th.Succeeded(r.Context(), keys[i]); err != nil {
			s.log.WarnContext(r.Context(), "web: forgetting failed logins", "error", err)
		}
	}
}

// startSession replaces any session of that kind on the browser by a new
// one (so a session ID planted before login is worthless) and redirects.
func (s *Site) startSession(w http.ResponseWriter, r *http.Request, kind cookieKind, userID, returnTo, fallback string) {
	if old := s.sessions.get(r, kind.name); old != nil {
		s.sessions.end(old)
	}
	value, err := s.sessions.create(kind, userID, func(v string) string { return s.csrfToken(kind.name, v) })
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.setCookie(w, r, kind.name, kind.path, value, 0)
	if returnTo == "" {
		returnTo = fallback
	}
	http.Redirect(w, r, returnTo, http.StatusSeeOther)
}

// endSession logs out.
func (s *Site) endSession(w http.ResponseWriter, r *http.Request, sess *session, kind cookieKind, to string) {
	s.sessions.end(sess)
	s.setCookie(w, r, kind.name, kind.path, "", -1)
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Site) logout(w http.ResponseWriter, r *http.Request, dc *devCtx) {
	s.endSession(w, r, dc.sess, developerKind, "/")
}

func (s *Site) signupForm(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, "signup", "Sign up", false, &accountForm{Action: "/signup"})
}

func (s *Site) signup(w http.ResponseWriter, r *http.Request) {
	if !s.checkPost(w, r, s.validPreToken) {
		return
	}
	f := &accountForm{Action: "/signup", Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name")}
	password := r.PostForm.Get("password")
	if msg := checkPassword(password); msg != "" {
		f.fail("password", msg)
	}
	if password != r.PostForm.Get("password2") {
		f.fail("password2", "The two passwords differ.")
	}
	if f.Errors != nil {
		s.renderAccount(w, r, http.StatusBadRequest, "signup", "Sign up", false, f)
		return
	}
	hash, err := s.passwords.hash(password)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.portal.RegisterDeveloper(r.Context(), portal.NewDeveloper{Email: f.Email, Name: f.Name, PasswordHash: hash})
	if err != nil {
		var pe *oauthclient.Error
		if !errors.As(err, &pe) || !(errors.Is(err, portal.ErrInvalidInput) || errors.Is(err, portal.ErrDuplicate)) {
			s.fail(w, r, err)
			return
		}
		f.fail(pe.Field, sentence(pe.Field, pe.Reason))
		s.renderAccount(w, r, http.StatusBadRequest, "signup", "Sign up", false, f)
		return
	}
	s.startSession(w, r, developerKind, d.ID, "", "/")
}
