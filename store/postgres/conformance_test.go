package postgres

import (
	"testing"

	"github.com/portaloauth/portaloauth/internal/pgtest"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/storetest"
)

// TestConformance runs the whole store conformance suite, each subtest on
// a migrated schema of its own.
func TestConformance(t *testing.T) {
	t.Parallel()
	pgtest.DSN(t) // skip (or fail under CI) before the suite starts
	storetest.Run(t, func(t *testing.T) portal.Store { return newTestStore(t) })
}
