package oauthclient

import (
	"errors"
	"strconv"
)

// Listing metadata problems: every rule reports an invalid_client_metadata
// *Error naming its member, and a check reports all it found at once.

// metaJoin returns the only error of errs as is, or all of them joined.
func metaJoin(errs []error) error {
	if len(errs) == 1 {
		return errs[0]
	}
	return errors.Join(errs...)
}

// metaError is an invalid_client_metadata *Error.
func metaError(field, reason string) *Error {
	return &Error{Code: CodeInvalidClientMetadata, Field: field, Reason: reason}
}

// metaIndex names element i of a list member, e.g. "grant_types[1]".
func metaIndex(field string, i int) string {
	return field + "[" + strconv.Itoa(i) + "]"
}
