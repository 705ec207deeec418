package web

// One-time form tokens: each create form carries a token, and the server
// accepts a form with that token once. Going Back after Create and
// pressing Create again, or pressing it twice, finds the token used and
// shows the client the first press created instead of making a second one.

// maxFormTokens bounds the form tokens a session keeps; the oldest go
// first.
const maxFormTokens = 32

// formInFlight marks a token whose form is being handled.
const formInFlight = "\x00"

// formToken is a token's state in a session.
type formToken struct {
	token    string
	clientID string // "": not used yet; formInFlight: being handled
}

// newFormToken issues a token for one create form.
func (ss *sessions) newFormToken(sess *session) (string, error) {
	tok, err := randomToken(ss.rand)
	if err != nil {
		return "", err
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(sess.forms) == maxFormTokens {
		sess.forms = sess.forms[1:]
	}
	sess.forms = append(sess.forms, formToken{token: tok})
	return tok, nil
}

// claimFormToken takes the token for one submission. It reports ok when
// the form may go on; otherwise clientID names the client an earlier
// submission of the same form created ("" while it is still being handled,
// or when the token is unknown).
func (ss *sessions) claimFormToken(sess *session, tok string) (clientID string, ok bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for i := range sess.forms {
		f := &sess.forms[i]
		if tok == "" || f.token != tok {
			continue
		}
		if f.clientID != "" {
			if f.clientID == formInFlight {
				return "", false
			}
			return f.clientID, false
		}
		f.clientID = formInFlight
		return "", true
	}
	return "", false
}

// finishFormToken records what a claimed token's submission did: the
// client it created, or "" to give the form back (it was refused, so the
// developer may correct it and send it again).
func (ss *sessions) finishFormToken(sess *session, tok, clientID string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for i := range sess.forms {
		if sess.forms[i].token == tok {
			sess.forms[i].clientID = clientID
			return
		}
	}
}
