package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSignupLogsIn(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	b := h.browser()
	r := b.submit("/signup", "/signup", url.Values{
		"name": {"Grace Hopper"}, "email": {"grace@example.com"},
		"password": {"a long password"}, "password2": {"a long password"},
	})
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	assert.Equal(t, "/", r.location())

	home := b.get("/")
	assert.Contains(t, home.body, "Grace Hopper")
	assert.Contains(t, home.body, `action="/logout"`)

	d, err := h.store.GetDeveloperByEmail(t.Context(), "grace@example.com")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(d.PasswordHash, "$argon2id$"), "password stored as an argon2id hash")
	assert.NotContains(t, d.PasswordHash, "a long password")
}

func TestSignupErrors(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.addDeveloper("taken@example.com", "Taken")
	ok := url.Values{"name": {"Ada"}, "email": {"ada@example.com"}, "password": {"a long password"}, "password2": {"a long password"}}
	with := func(k, v string) url.Values {
		f := url.Values{}
		for kk, vv := range ok {
			f[kk] = append([]string(nil), vv...)
		}
		f.Set(k, v)
		return f
	}
	for _, tc := range []struct {
		name string
		form url.Values
		want string // the message next to the field
		kept string // a typed value shown again
	}{
		{"short password", with("password", "short"), "Password must be at least 10 characters long.", `value="ada@example.com"`},
		{"passwords differ", with("password2", "another long one"), "The two passwords differ.", `value="Ada"`},
		{"bad email", with("email", "not an email"), "Email must be an email address such as name@example.com.", `value="not an email"`},
		{"no name", with("name", "   "), "Name is required.", `value="ada@example.com"`},
		{"taken email", with("email", "TAKEN@example.com"), "Email is already registered.", `value="TAKEN@example.com"`},
		{"huge password", with("password", strings.Repeat("x", 300)), "Password must be at most 200 bytes long.", `value="Ada"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := h.browser().submit("/signup", "/signup", tc.form)
			require.Equal(t, http.StatusBadRequest, r.code)
			assert.Contains(t, r.body, tc.want)
			assert.Contains(t, r.body, tc.kept)
			assert.NotContains(t, r.body, "a long password", "passwords are never echoed")
		})
	}
}

func TestLogin(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.addDeveloper("ann@example.com", "Ann")
	for _, tc := range []struct {
		name     string
		form     url.Values
		code     int
		want     string
		location string
	}{
		{"right", url.Values{"email": {"ann@example.com"}, "password": {devPassword}}, http.StatusSeeOther, "", "/"},
		{"email in other case", url.Values{"email": {" ANN@example.com "}, "password": {devPassword}}, http.StatusSeeOther, "", "/"},
		{"return to", url.Values{"email": {"ann@example.com"}, "password": {devPassword}, "return_to": {"/oauth/authorize?client_id=c"}}, http.StatusSeeOther, "", "/oauth/authorize?client_id=c"},
		{"foreign return to", url.Values{"email": {"ann@example.com"}, "password": {devPassword}, "return_to": {"//evil.example/"}}, http.StatusSeeOther, "", "/"},
		{"wrong password", url.Values{"email": {"ann@example.com"}, "password": {"wrong password"}}, http.StatusUnauthorized, "The email address or the password is wrong.", ""},
		{"unknown email", url.Values{"email": {"bob@example.com"}, "password": {devPassword}}, http.StatusUnauthorized, "The email address or the password is wrong.", ""},
		{"missing password", url.Values{"email": {"ann@example.com"}}, http.StatusBadRequest, "Enter your password.", ""},
		{"missing email", url.Values{"password": {devPassword}}, http.StatusBadRequest, "Enter your email address.", ""},
		{"huge password", url.Values{"email": {"ann@example.com"}, "password": {devPassword + strings.Repeat("x", 5000)}}, http.StatusUnauthorized, "wrong", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := h.browser()
			r := b.submit("/login", "/login", tc.form)
			require.Equal(t, tc.code, r.code, r.body)
			assert.Contains(t, r.body, tc.want)
			assert.Equal(t, tc.location, r.location())
			if tc.code == http.StatusSeeOther {
				assert.Equal(t, http.StatusOK, b.get("/clients").code, "logged in")
				return
			}
			assert.Contains(t, r.body, `value="`+tc.form.Get("email")+`"`, "the email typed is kept")
			assert.Equal(t, http.StatusSeeOther, b.get("/clients").code, "not logged in")
		})
	}
}

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.addDeveloper("ann@example.com", "Ann")
	b := h.browser()
	r := b.submit("/login", "/login", url.Values{"email": {"ann@example.com"}, "password": {devPassword}})
	require.Equal(t, http.StatusSeeOther, r.code)
	var found bool
	for _, line := range r.header.Values("Set-Cookie") {
		if !strings.HasPrefix(line, "portal_session=") {
			continue
		}
		found = true
		assert.Contains(t, line, "HttpOnly")
		assert.Contains(t, line, "SameSite=Lax")
		assert.Contains(t, line, "Path=/")
		assert.NotContains(t, line, "Secure", "plain http in this test")
		value := strings.TrimPrefix(strings.SplitN(line, ";", 2)[0], "portal_session=")
		assert.Len(t, value, 43, "256 random bits")
	}
	assert.True(t, found)
}

func TestLoginReplacesSessionAndLogoutEndsIt(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.addDeveloper("ann@example.com", "Ann")
	u, err := url.Parse(h.srv.URL)
	require.NoError(t, err)
	replay := func(cookies []*http.Cookie) int {
		other := h.browser()
		other.client.Jar.SetCookies(u, cookies)
		return other.get("/clients").code
	}

	b := h.login("ann@example.com")
	first := b.client.Jar.Cookies(u)
	require.Equal(t, http.StatusOK, replay(first))

	// Logging in again on the same browser replaces the session.
	r := b.submit("/login", "/login", url.Values{"email": {"ann@example.com"}, "password": {devPassword}})
	require.Equal(t, http.StatusSeeOther, r.code)
	second := b.client.Jar.Cookies(u)
	assert.NotEqual(t, first, second)
	assert.Equal(t, http.StatusSeeOther, replay(first), "the old session ID is dead")
	assert.Equal(t, http.StatusOK, replay(second))

	// Logging out ends the session on the server, not only in the browser.
	r = b.submit("/", "/logout", nil)
	require.Equal(t, http.StatusSeeOther, r.code)
	assert.Equal(t, http.StatusSeeOther, replay(second))
}

func TestDeactivatedDeveloperCannotLogIn(t *testing.T) {
	t.Parallel()
	h, d, b := withAnn(t)
	require.NoError(t, h.svc.DeactivateDeveloper(t.Context(), "admin:test", d.ID))
	assert.Equal(t, http.StatusSeeOther, b.get("/clients").code, "the session ended")
	r := h.browser().submit("/login", "/login", url.Values{"email": {"ann@example.com"}, "password": {devPassword}})
	assert.Equal(t, http.StatusForbidden, r.code)
	assert.Contains(t, r.body, "This account is deactivated.")
}

// TestLoginThrottled: after five wrong passwords an account must wait,
// exponentially longer, before even the right password is checked: 429
// with Retry-After. The wait ends; a success forgets the failures. Failed
// logins are logged with the email, never the password.
func TestLoginThrottled(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.addDeveloper("ann@example.com", "Ann")
	b := h.browser()
	wrong := url.Values{"email": {"ann@example.com"}, "password": {"guess-number-one"}}
	right := url.Values{"email": {"ann@example.com"}, "password": {devPassword}}
	for i := range 6 {
		r := b.submit("/login", "/login", wrong)
		require.Equal(t, http.StatusUnauthorized, r.code, "attempt %d", i+1)
	}
	r := b.submit("/login", "/login", right)
	require.Equal(t, http.StatusTooManyRequests, r.code, "the right password waits too")
	assert.Equal(t, "1", r.header.Get("Retry-After"))
	assert.Contains(t, r.body, "Too many failed attempts")

	h.clock.Advance(2 * time.Second)
	r = b.submit("/login", "/login", right)
	require.Equal(t, http.StatusSeeOther, r.code, r.body)
	r = h.browser().submit("/login", "/login", wrong)
	assert.Equal(t, http.StatusUnauthorized, r.code, "the success forgot the failures")

	logged := h.logged.String()
	assert.Contains(t, logged, "failed login")
	assert.Contains(t, logged, "ann@example.com")
	assert.NotContains(t, logged, "guess-number-one", "never the password")
}
