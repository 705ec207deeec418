package cache

import "github.com/portaloauth/portaloauth/portal"

// NewWithHook is New with a function called, on the listening goroutine,
// after each announced change has been applied.
func NewWithHook(src Source, opts Options, onChange func(portal.Change)) *Store {
	return newStore(src, opts, onChange)
}
