package oauthclient

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestErrors(t *testing.T) {
	t.Parallel()
	a := &Error{Code: CodeInvalidClientMetadata, Field: "a"}
	b := &Error{Code: CodeInvalidRedirectURI, Field: "b"}
	c := &Error{Code: CodeInvalidClient, Err: ErrNotFound}
	tests := []struct {
		name string
		err  error
		want []*Error
	}{
		{"nil", nil, nil},
		{"plain error", errors.New("x"), nil},
		{"single", a, []*Error{a}},
		{"joined", errors.Join(a, b), []*Error{a, b}},
		{"wrapped single", fmt.Errorf("ctx: %w", a), []*Error{a}},
		{"wrapped join", fmt.Errorf("ctx: %w", errors.Join(a, errors.New("x"), b)), []*Error{a, b}},
		{"nested joins", errors.Join(errors.Join(a), fmt.Errorf("%w and %w", b, c)), []*Error{a, b, c}},
		{"does not look inside an *Error", c, []*Error{c}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, Errors(tt.err))
		})
	}
}
