package loadgen_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/internal/loadgen"
)

// TestRunWaitsForRequestsInFlight: a server slower than the whole
// duration still answers every worker's first request, and each answer
// counts, so a loaded machine cannot make a short run measure nothing.
func TestRunWaitsForRequestsInFlight(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(50 * time.Millisecond)
		w.WriteHeader(http.StatusTeapot)
	}))
	t.Cleanup(srv.Close)

	res, err := loadgen.Run(t.Context(), loadgen.Config{
		Workers:    3,
		Duration:   time.Millisecond,
		WantStatus: http.StatusTeapot,
		NewRequest: func(ctx context.Context) (*http.Request, error) {
			return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		},
	})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, res.Requests, int64(3), "one answered request per worker at least")
	assert.Zero(t, res.Failures)
	assert.Positive(t, res.P50)
}

// TestRunCountsWrongStatusAsFailure: an answer with another status is a
// failure, and a run in which nothing succeeded is an error.
func TestRunCountsWrongStatusAsFailure(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)

	res, err := loadgen.Run(t.Context(), loadgen.Config{
		Workers:  2,
		Duration: 5 * time.Millisecond,
		NewRequest: func(ctx context.Context) (*http.Request, error) {
			return http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
		},
	})
	require.Error(t, err)
	assert.Zero(t, res.Requests)
	assert.Positive(t, res.Failures)
}

func TestRunNeedsNewRequest(t *testing.T) {
	t.Parallel()
	_, err := loadgen.Run(t.Context(), loadgen.Config{})
	require.Error(t, err)
}
