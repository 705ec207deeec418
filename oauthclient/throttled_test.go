package oauthclient

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestThrottled checks the throttled attempt's row of the taxonomy: on its
// own a 429 whose Retry-After is the wait it carries (or the default), at
// the token endpoint an invalid_client that keeps the wait.
func TestThrottled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		err       error
		status    int
		code      ErrorCode
		retry     string
		challenge string
	}{
		{"login", &Error{Err: ErrThrottled, RetryAfter: 1500 * time.Millisecond}, 429, CodeInvalidRequest, "2", ""},
		{"wrapped", fmt.Errorf("login: %w", &Error{Err: ErrThrottled, RetryAfter: 3 * time.Second}), 429, CodeInvalidRequest, "3", ""},
		{"without a wait", ErrThrottled, 429, CodeInvalidRequest, "5", ""},
		{"token endpoint", &Error{Code: CodeInvalidClient, Err: ErrThrottled, Reason: "client authentication failed", RetryAfter: 4 * time.Second},
			401, CodeInvalidClient, "4", `Basic charset="UTF-8"`},
		{"token endpoint, wait in the cause", &Error{Code: CodeInvalidClient, Reason: "client authentication failed",
			Cause: &Error{Err: ErrThrottled, RetryAfter: 7 * time.Second}}, 401, CodeInvalidClient, "7", `Basic charset="UTF-8"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.ErrorIs(t, tt.err, ErrThrottled)
			assert.False(t, Outage(tt.err))
			rec := httptest.NewRecorder()
			WriteError(rec, httptest.NewRequest(http.MethodPost, "/login", nil), tt.err)
			assert.Equal(t, tt.status, rec.Code)
			assert.Equal(t, tt.code, CodeOf(tt.err))
			assert.Equal(t, tt.retry, rec.Header().Get("Retry-After"))
			assert.Equal(t, tt.challenge, rec.Header().Get("WWW-Authenticate"))
		})
	}
}

func TestRetryAfterOf(t *testing.T) {
	t.Parallel()
	assert.Zero(t, RetryAfterOf(nil))
	assert.Zero(t, RetryAfterOf(ErrThrottled))
	assert.Zero(t, RetryAfterOf(NewError(CodeInvalidClient, "", "x")))
	e := &Error{Err: ErrThrottled, RetryAfter: time.Second}
	assert.Equal(t, time.Second, RetryAfterOf(e))
	assert.Equal(t, time.Second, RetryAfterOf(errors.Join(errors.New("x"), fmt.Errorf("y: %w", e))))
	assert.Equal(t, "oauthclient: too many failed attempts; retry after 1s", e.Error())
}
