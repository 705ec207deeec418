package registration

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/portaloauth/portaloauth/oauthclient"
)

// MediaType is the media type of registration and update requests and of
// every response (RFC 7591 §3).
const MediaType = "application/json"

// Handler returns a ServeMux with both endpoints under Config.Path:
// "POST {Path}" is [Registrar.RegistrationHandler] and "GET, PUT, DELETE
// {Path}/{client_id}" is [Registrar.ConfigurationHandler].
func (r *Registrar) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(r.path, r.RegistrationHandler())
	mux.Handle(r.path+"/{client_id}", r.ConfigurationHandler())
	return mux
}

// RegistrationHandler returns the client registration endpoint (RFC 7591
// §3): a POST with a JSON body of client metadata and the initial access
// token as a Bearer token is answered 201 with the client information,
// secret and registration access token included; any other method 405.
func (r *Registrar) RegistrationHandler() http.Handler {
	return r.methods(map[string]http.HandlerFunc{http.MethodPost: r.serveRegister})
}

// ConfigurationHandler returns the client configuration endpoint (RFC 7592
// §2) with the registration access token as a Bearer token: GET (and
// HEAD) reads the client (200), PUT replaces its metadata (200), DELETE
// deletes it (204); any other method is answered 405. The client ID is
// the pattern's {client_id} wildcard, or else the last segment of the
// request path.
func (r *Registrar) ConfigurationHandler() http.Handler {
	return r.methods(map[string]http.HandlerFunc{
		http.MethodGet: r.serveRead, http.MethodHead: r.serveRead,
		http.MethodPut: r.serveUpdate, http.MethodDelete: r.serveDelete,
	})
}

// allowOrder lists methods in the order an Allow header names them.
var allowOrder = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete}

// methods dispatches on the request method; every response is marked not
// to be cached (RFC 7591 §3.2.1).
func (r *Registrar) methods(handlers map[string]http.HandlerFunc) http.Handler {
	var allow []string
	for _, m := range allowOrder {
		if handlers[m] != nil {
			allow = append(allow, m)
		}
	}
	allowed := strings.Join(allow, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Pragma", "no-cache")
		h := handlers[req.Method]
		if h == nil {
			w.Header().Set("Allow", allowed)
			oauthclient.ErrorWriter{Realm: r.issuer, Logger: r.log}.WriteProblem(w, req, oauthclient.Problem{
				Status: http.StatusMethodNotAllowed, Code: oauthclient.CodeInvalidRequest,
				Description: "method " + req.Method + " is not allowed; use " + allowed,
			}, nil)
			return
		}
		h(w, req)
	})
}

func (r *Registrar) serveRegister(w http.ResponseWriter, req *http.Request) {
	token, err := bearerToken(req)
	if err == nil {
		if _, ok := r.initialAccess(token); !ok {
			err = errInvalidToken("initial access token")
		}
	}
	var body Request
	if err == nil {
		body, err = r.readRequest(w, req)
	}
	var info *Information
	if err == nil {
		info, err = r.Register(req.Context(), token, body)
	}
	r.respond(w, req, http.StatusCreated, info, err)
}

func (r *Registrar) serveRead(w http.ResponseWriter, req *http.Request) {
	token, err := bearerToken(req)
	var info *Information
	if err == nil {
		info, err = r.Read(req.Context(), clientID(req), token)
	}
	r.respond(w, req, http.StatusOK, info, err)
}

func (r *Registrar) serveUpdate(w http.ResponseWriter, req *http.Request) {
	// The token is checked before the body is read, so that a request
	// without a valid one learns nothing but that.
	token, err := bearerToken(req)
	var c *oauthclient.Client
	if err == nil {
		c, err = r.registered(req.Context(), clientID(req), token)
	}
	var body Request
	if err == nil {
		body, err = r.readRequest(w, req)
	}
	var info *Information
	if err == nil {
		info, err = r.update(req.Context(), c, body)
	}
	r.respond(w, req, http.StatusOK, info, err)
}

func (r *Registrar) serveDelete(w http.ResponseWriter, req *http.Request) {
	token, err := bearerToken(req)
	if err == nil {
		err = r.Delete(req.Context(), clientID(req), token)
	}
	r.respond(w, req, http.StatusNoContent, nil, err)
}

// clientID is the client configuration endpoint's client: the pattern's
// {client_id}, or else the last path segment.
func clientID(req *http.Request) string {
	if id := req.PathValue("client_id"); id != "" {
		return id
	}
	return path.Base(req.URL.Path)
}

// readRequest reads and parses a JSON request body.
func (r *Registrar) readRequest(w http.ResponseWriter, req *http.Request) (Request, error) {
	body, err := oauthclient.ReadBody(w, req, MediaType, r.maxBody)
	if err != nil {
		return Request{}, err
	}
	return ParseRequest(body)
}

// bearerToken returns the request's "Authorization: Bearer" token (RFC 6750
// §2.1); anything else is invalid_token.
func bearerToken(req *http.Request) (oauthclient.Plaintext, error) {
	if req.Header.Get("Authorization") == "" {
		return oauthclient.Plaintext{}, errNoCredentials
	}
	token, err := oauthclient.BearerToken(req)
	if err != nil {
		return oauthclient.Plaintext{}, oauthclient.NewError(oauthclient.CodeInvalidToken, "Authorization", "one Bearer token is required")
	}
	return oauthclient.NewPlaintext(token), nil
}

// errNoCredentials is a request without an Authorization header.
var errNoCredentials = errors.New("registration: no credentials")

// respond writes info with status, or err.
func (r *Registrar) respond(w http.ResponseWriter, req *http.Request, status int, info *Information, err error) {
	if err == nil && info != nil {
		var body []byte
		if body, err = info.JSON(); err == nil {
			writeJSON(w, status, body)
			return
		}
	}
	if err != nil {
		r.writeError(w, req, err)
		return
	}
	w.WriteHeader(status)
}

// JSON encodes the client information response: the client metadata,
// client_id, client_id_issued_at, registration_client_uri,
// client_secret_expires_at (0, never, for a confidential client) and,
// when set, client_secret and registration_access_token in clear.
func (i *Information) JSON() ([]byte, error) {
	md, err := json.Marshal(i.Client.Metadata)
	if err != nil {
		return nil, fmt.Errorf("registration: encoding client metadata: %w", err)
	}
	info := map[string]json.RawMessage{}
	if err := json.Unmarshal(md, &info); err != nil {
		return nil, fmt.Errorf("registration: encoding client metadata: %w", err)
	}
	quote := func(v string) json.RawMessage { b, _ := json.Marshal(v); return b }
	info["client_id"] = quote(i.Client.ID)
	info["client_id_issued_at"] = json.RawMessage(strconv.FormatInt(i.Client.CreatedAt.Unix(), 10))
	info["registration_client_uri"] = quote(i.ClientURI)
	if !i.Client.Public() {
		info["client_secret_expires_at"] = json.RawMessage("0")
	}
	if !i.Secret.IsZero() {
		info["client_secret"] = quote(i.Secret.Reveal())
	}
	if !i.RegistrationToken.IsZero() {
		info["registration_access_token"] = quote(i.RegistrationToken.Reveal())
	}
	return json.Marshal(info)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError answers err as an RFC 7591 §3.2.2 error response: the
// status oauthclient.HTTPStatus gives it, a Bearer challenge for
// invalid_token; a failure of the server is a 500 whose detail goes to
// the log only.
func (r *Registrar) writeError(w http.ResponseWriter, req *http.Request, err error) {
	if errors.Is(err, errNoCredentials) {
		// RFC 6750 §3.1: a request without any authentication gets the
		// challenge, and no error code.
		w.Header().Set("WWW-Authenticate", `Bearer realm="`+strings.ReplaceAll(r.issuer, `"`, "")+`"`)
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	oauthclient.ErrorWriter{Realm: r.issuer, Logger: r.log}.WriteError(w, req, err)
}
