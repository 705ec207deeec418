package storetest_test

import (
	"testing"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
	"github.com/portaloauth/portaloauth/storetest"
)

// An implementation's conformance test is one call; the function below is
// the body of a TestConformance(t *testing.T) in the implementation's
// package.
func ExampleRun() {
	_ = func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) portal.Store { return memory.New() })
	}
}

// A store that keeps only clients and tokens (a gateway with a database
// of its own, say) is checked role by role.
func ExampleRunClients() {
	_ = func(t *testing.T) {
		newStore := func(t *testing.T) oauthclient.Store { return memory.New() }
		storetest.RunClients(t, newStore)
		storetest.RunTokens(t, newStore)
	}
}
