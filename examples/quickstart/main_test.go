package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// want is the quick start's whole output: with the seeded random source
// and the fixed clock it is the same on every run.
const want = `1. catalogue: API weather (OAuth 2.0), policy weather-free, entry Weather
2. developer registered: ada@example.com
3. select API: Weather with policy Free tier
4. client created: 9899856a-8f12-4858-be62-f25ab170bdc2, secret shown once (50 characters, hint poa_cs_…tX8M)
5. authenticated with client_secret_basic; access token issued
6. secret rotated: 2 active secrets, old one valid for 1h: true
7. tokens revoked: 1
8. client deleted; authenticating now fails: invalid_client
`

func TestRun(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	require.NoError(t, run(&out))
	assert.Equal(t, want, out.String())
}

// TestRunRepeatable runs it twice: the same output both times.
func TestRunRepeatable(t *testing.T) {
	t.Parallel()
	var a, b strings.Builder
	require.NoError(t, run(&a))
	require.NoError(t, run(&b))
	assert.Equal(t, a.String(), b.String())
}
