// Package throttletest checks any [throttle.Store] against its contract:
//
//	func TestThrottleStore(t *testing.T) {
//		throttletest.Run(t, func(t *testing.T) throttle.Store { return throttle.NewMemory() })
//	}
package throttletest

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/portal/throttle"
)

var epoch = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// Run checks the store newStore returns, one subtest per rule, each on a
// fresh store.
func Run(t *testing.T, newStore func(t *testing.T) throttle.Store) {
	tests := []struct {
		name string
		run  func(t *testing.T, s throttle.Store)
	}{
		{"Fail counts failures in the window and Failures reports them", func(t *testing.T, s throttle.Store) {
			for i := 1; i <= 3; i++ {
				n, err := s.Fail(t.Context(), "k", epoch.Add(time.Duration(i)*time.Second), time.Minute)
				require.NoError(t, err)
				assert.Equal(t, i, n)
			}
			n, last, err := s.Failures(t.Context(), "k")
			require.NoError(t, err)
			assert.Equal(t, 3, n)
			assert.True(t, last.Equal(epoch.Add(3*time.Second)), "last failure %v", last)
			n, last, err = s.Failures(t.Context(), "other")
			require.NoError(t, err)
			assert.Zero(t, n)
			assert.True(t, last.IsZero())
		}},
		{"a failure after a quiet window starts again at 1", func(t *testing.T, s throttle.Store) {
			_, err := s.Fail(t.Context(), "k", epoch, time.Minute)
			require.NoError(t, err)
			_, err = s.Fail(t.Context(), "k", epoch.Add(time.Second), time.Minute)
			require.NoError(t, err)
			n, err := s.Fail(t.Context(), "k", epoch.Add(time.Second+time.Minute), time.Minute)
			require.NoError(t, err)
			assert.Equal(t, 1, n)
		}},
		{"Reset forgets the key and only it", func(t *testing.T, s throttle.Store) {
			_, err := s.Fail(t.Context(), "k", epoch, time.Minute)
			require.NoError(t, err)
			_, err = s.Fail(t.Context(), "j", epoch, time.Minute)
			require.NoError(t, err)
			require.NoError(t, s.Reset(t.Context(), "k"))
			require.NoError(t, s.Reset(t.Context(), "never"))
			n, _, err := s.Failures(t.Context(), "k")
			require.NoError(t, err)
			assert.Zero(t, n)
			n, _, err = s.Failures(t.Context(), "j")
			require.NoError(t, err)
			assert.Equal(t, 1, n)
		}},
		{"of 50 concurrent failures none is lost", func(t *testing.T, s throttle.Store) {
			var wg sync.WaitGroup
			for range 50 {
				wg.Go(func() {
					_, err := s.Fail(t.Context(), "k", epoch, time.Minute)
					assert.NoError(t, err)
				})
			}
			wg.Wait()
			n, _, err := s.Failures(t.Context(), "k")
			require.NoError(t, err)
			assert.Equal(t, 50, n)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.run(t, newStore(t))
		})
	}
}
