package oauthclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTaxonomy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		err    error
		code   ErrorCode
		status int
	}{
		{"invalid_client", NewError(CodeInvalidClient, "", "x"), CodeInvalidClient, 401},
		{"invalid_token", NewError(CodeInvalidToken, "", "x"), CodeInvalidToken, 401},
		{"invalid_grant", NewError(CodeInvalidGrant, "code", "x"), CodeInvalidGrant, 400},
		{"access_denied", NewError(CodeAccessDenied, "", "x"), CodeAccessDenied, 403},
		{"insufficient_scope", NewError(CodeInsufficientScope, "", "x"), CodeInsufficientScope, 403},
		{"server_error", NewError(CodeServerError, "", "x"), CodeServerError, 500},
		{"unknown code", NewError("custom_code", "", "x"), "custom_code", 400},
		{"joined metadata errors: the first decides", errors.Join(NewError(CodeInvalidRedirectURI, "redirect_uris[0]", "a"),
			NewError(CodeInvalidClientMetadata, "client_name", "b")), CodeInvalidRedirectURI, 400},
		{"redirect mismatch", &Error{Code: CodeInvalidRequest, Field: "redirect_uri", Err: ErrRedirectMismatch}, CodeInvalidRequest, 400},
		{"code wins over a sentinel of another code", &Error{Code: CodeInvalidClient, Err: ErrNotFound}, CodeInvalidClient, 401},
		{"body too large", fmt.Errorf("reading: %w", &http.MaxBytesError{Limit: 10}), CodeInvalidRequest, 413},
		{"not found", ErrNotFound, CodeInvalidRequest, 404},
		{"wrapped not found", fmt.Errorf("postgres: get client %q: %w", "c1", ErrNotFound), CodeInvalidRequest, 404},
		{"duplicate", ErrDuplicate, CodeInvalidRequest, 409},
		{"stale version", fmt.Errorf("x: %w", ErrConflict), CodeInvalidRequest, 409},
		{"token consumed", ErrTokenConsumed, CodeInvalidGrant, 400},
		{"developer inactive", Errorf(ErrDeveloperInactive, "developer_id", "inactive"), CodeAccessDenied, 403},
		{"not eligible with a not-found cause", &Error{Err: ErrNotEligible, Field: "entry_ids[0]", Cause: ErrNotFound}, CodeAccessDenied, 403},
		{"refined not eligible", fmt.Errorf("%w: API inactive", ErrNotEligible), CodeAccessDenied, 403},
		{"policy not offered", Errorf(ErrPolicyNotOffered, "policy_id", "x"), CodeAccessDenied, 403},
		{"client limit", Errorf(ErrClientLimit, "entry_ids[0]", "limit"), CodeAccessDenied, 403},
		{"not pending", ErrNotPending, CodeInvalidRequest, 409},
		{"pending", ErrPending, CodeInvalidRequest, 409},
		{"public client", ErrPublicClient, CodeInvalidRequest, 409},
		{"invalid input", Errorf(ErrInvalidInput, "email", "is required"), CodeInvalidRequest, 400},
		{"invalid config", Errorf(ErrInvalidConfig, "Store", "is required"), CodeServerError, 500},
		{"unknown pepper key", fmt.Errorf("verify: %w", ErrUnknownKey), CodeServerError, 500},
		{"store failure", errors.New("connection refused"), CodeServerError, 500},
		{"error without code or sentinel", &Error{Reason: "odd", Cause: errors.New("boom")}, CodeServerError, 500},
		{"store unavailable", fmt.Errorf("postgres: get client: %w: %w", ErrUnavailable, errors.New("connection refused")), CodeTemporarilyUnavailable, 503},
		{"request deadline", fmt.Errorf("postgres: get client: %w", context.DeadlineExceeded), CodeTemporarilyUnavailable, 503},
		{"request cancelled", fmt.Errorf("memory: %w", context.Canceled), CodeTemporarilyUnavailable, 503},
		{"temporarily_unavailable", NewError(CodeTemporarilyUnavailable, "", "x"), CodeTemporarilyUnavailable, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.code, CodeOf(tt.err))
			assert.Equal(t, tt.status, HTTPStatus(tt.err))
			p := ProblemOf(tt.err)
			assert.Equal(t, Problem{Status: tt.status, Code: tt.code, Description: p.Description, RetryAfter: p.RetryAfter}, p)
			assert.Equal(t, tt.status == http.StatusServiceUnavailable, p.RetryAfter > 0, "Retry-After exactly for a 503")
			assert.Equal(t, tt.status == http.StatusServiceUnavailable, Outage(tt.err), "an outage exactly for a 503")
			assert.NotContains(t, p.Description, "connection refused", "server failures stay in the log")
			assert.NotContains(t, p.Description, "boom")
			assert.NotContains(t, p.Description, "postgres", "a store's detail is not shown")
		})
	}
	assert.Empty(t, CodeOf(nil))
	assert.Equal(t, http.StatusOK, HTTPStatus(nil))
}

// TestTaxonomyDocumented checks that the table in the package
// documentation lists every row of the taxonomy, and only those.
func TestTaxonomyDocumented(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	row := regexp.MustCompile(`(?m)^//\t(Err[A-Za-z]+)\s.*?\s([a-z_]+)\s+(\d{3})\b`)
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]] = m[2] + " " + m[3]
	}
	names := map[error]string{}
	for name, err := range sentinelNames() {
		names[err] = name
	}
	want := map[string]string{}
	for _, rows := range [][]kind{codeKinds[:], sentinelKinds[:]} {
		for _, k := range rows {
			name, ok := names[k.err]
			require.True(t, ok, "sentinel %v has no name in sentinelNames", k.err)
			want[name] = string(k.code) + " " + strconv.Itoa(k.status)
		}
	}
	want["ErrUnknownKey"] = "server_error 500"
	assert.Equal(t, want, documented)
}

func sentinelNames() map[string]error {
	return map[string]error{
		"ErrInvalidRequest": ErrInvalidRequest, "ErrInvalidClient": ErrInvalidClient, "ErrInvalidGrant": ErrInvalidGrant,
		"ErrUnauthorizedClient": ErrUnauthorizedClient, "ErrUnsupportedGrantType": ErrUnsupportedGrantType,
		"ErrUnsupportedResponseType": ErrUnsupportedResponseType, "ErrInvalidScope": ErrInvalidScope,
		"ErrAccessDenied": ErrAccessDenied, "ErrUnsupportedTokenType": ErrUnsupportedTokenType,
		"ErrInvalidRedirectURI": ErrInvalidRedirectURI, "ErrInvalidClientMetadata": ErrInvalidClientMetadata,
		"ErrInvalidToken": ErrInvalidToken, "ErrInsufficientScope": ErrInsufficientScope, "ErrServerError": ErrServerError,
		"ErrNotFound": ErrNotFound, "ErrDuplicate": ErrDuplicate, "ErrConflict": ErrConflict, "ErrThrottled": ErrThrottled,
		"ErrTokenConsumed": ErrTokenConsumed, "ErrRedirectMismatch": ErrRedirectMismatch,
		"ErrDeveloperInactive": ErrDeveloperInactive, "ErrNotEligible": ErrNotEligible,
		"ErrPolicyNotOffered": ErrPolicyNotOffered, "ErrClientLimit": ErrClientLimit, "ErrNotPending": ErrNotPending,
		"ErrPending": ErrPending, "ErrPublicClient": ErrPublicClient, "ErrInvalidInput": ErrInvalidInput,
		"ErrInvalidConfig": ErrInvalidConfig, "ErrUnavailable": ErrUnavailable,
		"ErrTemporarilyUnavailable": ErrTemporarilyUnavailable,
	}
}

func TestCodeSentinels(t *testing.T) {
	t.Parallel()
	for _, k := range codeKinds {
		err := NewError(k.code, "f", "r")
		assert.ErrorIs(t, err, k.err, "code %s", k.code)
		assert.Equal(t, k.err, codeSentinel(k.code))
	}
	assert.Nil(t, codeSentinel(""))
	assert.Nil(t, codeSentinel("custom_code"))
	assert.NotErrorIs(t, ErrConflict, ErrDeveloperInactive)
	assert.NotErrorIs(t, ErrDeveloperInactive, ErrConflict)
	assert.ErrorIs(t, ErrUnknownKey, ErrInvalidConfig)
}

func TestErrorRendering(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err         *Error
		text        string
		description string
	}{
		{NewError(CodeInvalidRequest, "redirect_uri", "is required"), "oauthclient: invalid_request: redirect_uri: is required", "redirect_uri: is required"},
		{&Error{Err: ErrInvalidInput, Field: "email", Reason: "is required"}, "oauthclient: invalid input: email: is required", "email: is required"},
		{&Error{Err: ErrClientLimit}, "oauthclient: client limit reached", "client limit reached"},
		{&Error{Err: ErrNotEligible, Field: "entry_ids[0]", Cause: ErrNotFound},
			"oauthclient: catalogue entry is not OAuth-eligible: entry_ids[0]: oauthclient: not found",
			"entry_ids[0]: catalogue entry is not OAuth-eligible"},
		{&Error{Reason: "odd", Cause: errors.New("store down")}, "oauthclient: error: odd: store down", "odd"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.text, tt.err.Error())
			assert.Equal(t, tt.description, tt.err.Description())
			assert.NotContains(t, tt.err.Description(), "store down", "the cause is never described")
			if tt.err.Err != nil {
				assert.ErrorIs(t, tt.err, tt.err.Err)
			}
			if tt.err.Cause != nil {
				assert.ErrorIs(t, tt.err, tt.err.Cause)
			}
		})
	}
}

func TestProblemDescription(t *testing.T) {
	t.Parallel()
	joined := errors.Join(NewError(CodeInvalidRedirectURI, "redirect_uris[0]", "must use https"),
		NewError(CodeInvalidClientMetadata, "client_name", "is \"bad\"\n"))
	assert.Equal(t, "redirect_uris[0]: must use https; client_name: is ?bad??", ProblemOf(joined).Description)
	assert.Equal(t, "not found", ProblemOf(fmt.Errorf("postgres: get client %q: %w", "c1", ErrNotFound)).Description)
	assert.Equal(t, "the request body is larger than 10 bytes", ProblemOf(&http.MaxBytesError{Limit: 10}).Description)
	assert.Equal(t, "the server failed to handle the request", ProblemOf(Errorf(ErrInvalidConfig, "Pepper", "secret detail")).Description)
	assert.Empty(t, ProblemOf(ErrInvalidClient).Description, "the code says it all")
}

func TestErrorText(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "a?b?c?d?", ErrorText("a\"b\\c\nd\u00e9"))
}

func TestWriteError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		ew        ErrorWriter
		err       error
		status    int
		body      string
		challenge string
		logged    string
		level     string // of the log record; empty: ERROR
		retry     string // Retry-After
	}{
		{"invalid_client with realm", ErrorWriter{Realm: "https://as.example"}, NewError(CodeInvalidClient, "", "client authentication failed"),
			401, `{"error":"invalid_client","error_description":"client authentication failed"}`,
			`Basic realm="https://as.example", charset="UTF-8"`, "", "", ""},
		{"invalid_client without realm", ErrorWriter{}, ErrInvalidClient,
			401, `{"error":"invalid_client"}`, `Basic charset="UTF-8"`, "", "", ""},
		{"invalid_token", ErrorWriter{Realm: "api"}, NewError(CodeInvalidToken, "", "the token expired"),
			401, `{"error":"invalid_token","error_description":"the token expired"}`,
			`Bearer realm="api", error="invalid_token", error_description="the token expired"`, "", "", ""},
		{"invalid_grant", ErrorWriter{}, NewError(CodeInvalidGrant, "code", "is \"used\""),
			400, `{"error":"invalid_grant","error_description":"code: is ?used?"}`, "", "", "", ""},
		{"conflict", ErrorWriter{}, fmt.Errorf("memory: client %q at version 3: %w", "c1", ErrConflict),
			409, `{"error":"invalid_request","error_description":"version conflict"}`, "", "", "", ""},
		{"store failure", ErrorWriter{}, errors.New("dial tcp 10.0.0.7:5432: connection refused"),
			500, `{"error":"server_error","error_description":"the server failed to handle the request"}`, "",
			"oauthclient: request failed (a bug)", "", ""},
		{"unknown pepper key", ErrorWriter{}, fmt.Errorf("authenticate: %w", ErrUnknownKey),
			500, `{"error":"server_error","error_description":"the server failed to handle the request"}`, "",
			"oauthclient: configuration error", "", ""},
		{"store unavailable", ErrorWriter{}, fmt.Errorf("postgres: get client: %w: %w", ErrUnavailable, errors.New("dial tcp: connection refused")),
			503, `{"error":"temporarily_unavailable","error_description":"the server cannot handle the request now; try again later"}`, "",
			"(an outage)", "WARN", "5"},
		{"request deadline", ErrorWriter{}, fmt.Errorf("postgres: update client: %w", context.DeadlineExceeded),
			503, `{"error":"temporarily_unavailable","error_description":"the server cannot handle the request now; try again later"}`, "",
			"(an outage)", "WARN", "5"},
		{"request cancelled", ErrorWriter{}, fmt.Errorf("memory: %w", context.Canceled),
			503, `{"error":"temporarily_unavailable","error_description":"the server cannot handle the request now; try again later"}`, "",
			"request cancelled", "INFO", "5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var log bytes.Buffer
			tt.ew.Logger = slog.New(slog.NewTextHandler(&log, nil))
			rec := httptest.NewRecorder()
			tt.ew.WriteError(rec, httptest.NewRequest(http.MethodPost, "/oauth/token", nil), tt.err)
			assert.Equal(t, tt.status, rec.Code)
			assert.Equal(t, tt.body+"\n", rec.Body.String())
			assert.True(t, json.Valid(rec.Body.Bytes()))
			assert.Equal(t, tt.challenge, rec.Header().Get("WWW-Authenticate"))
			assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
			assert.Equal(t, "no-cache", rec.Header().Get("Pragma"))
			assert.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
			assert.Equal(t, strconv.Itoa(rec.Body.Len()), rec.Header().Get("Content-Length"))
			if tt.logged == "" {
				assert.Empty(t, log.String())
				return
			}
			assert.Equal(t, tt.retry, rec.Header().Get("Retry-After"))
			assert.Contains(t, log.String(), tt.logged)
			level := tt.level
			if level == "" {
				level = "ERROR"
			}
			assert.Contains(t, log.String(), "level="+level)
			assert.Contains(t, log.String(), tt.err.Error(), "the detail goes to the log")
			assert.Contains(t, log.String(), "path=/oauth/token")
		})
	}
}

func TestWriteErrorWithoutRequest(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	var log bytes.Buffer
	ErrorWriter{Logger: slog.New(slog.NewTextHandler(&log, nil))}.WriteError(rec, nil, errors.New("boom"))
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.NotContains(t, rec.Body.String(), "boom")
	assert.True(t, strings.Contains(log.String(), "boom"))
}
