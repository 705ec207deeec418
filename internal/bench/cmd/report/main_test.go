package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseSizes(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in   string
		want []int
		ok   bool
	}{
		{in: "1000,100000,1000000", want: []int{1000, 100_000, 1_000_000}, ok: true},
		{in: " 10 , 20", want: []int{10, 20}, ok: true},
		{in: "", ok: false},
		{in: "10,x", ok: false},
		{in: "0", ok: false},
		{in: "20000000", ok: false},
	} {
		t.Run(c.in, func(t *testing.T) {
			t.Parallel()
			got, err := parseSizes(c.in)
			if !c.ok {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

// TestRunRefusesBadFlags checks the flags before anything is measured.
func TestRunRefusesBadFlags(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-duration", "31s"},
		{"-duration", "0s"},
		{"-sizes", "many"},
		{"-count", "0"},
		{"-rounds", "0"},
		{"-compare", "31s"},
		{"-no-such-flag"},
		{"-update", "no-such-file.md"},
		{"-update", "main.go"},
	} {
		var out, errOut bytes.Buffer
		require.Error(t, run(args, &out, &errOut), "%v", args)
		assert.Empty(t, out.String())
	}
}
