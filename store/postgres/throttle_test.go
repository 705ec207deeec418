package postgres

import (
	"testing"

	"github.com/portaloauth/portaloauth/portal/throttle"
	"github.com/portaloauth/portaloauth/portal/throttle/throttletest"
)

// TestThrottleStore: the failure counts several nodes share.
func TestThrottleStore(t *testing.T) {
	t.Parallel()
	throttletest.Run(t, func(t *testing.T) throttle.Store { return newTestStore(t).Throttles() })
}
