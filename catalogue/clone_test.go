package catalogue

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPolicyCloneIsDeep: a clone equals its original, keeps nil and empty
// lists apart, and shares no array with it, whatever the number of scopes
// and access rights.
func TestPolicyCloneIsDeep(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 4, 5} {
		p := &Policy{ID: "p", Name: "P", Active: true}
		if n > 0 {
			for i := range n {
				p.Scopes = append(p.Scopes, fmt.Sprintf("s%d", i))
				p.AccessRights = append(p.AccessRights, AccessRight{APIID: fmt.Sprintf("a%d", i), Versions: []string{"v1"}})
			}
		}
		c := p.Clone()
		assert.Equal(t, p, c, n)
		if n == 0 {
			assert.Nil(t, c.Scopes)
			assert.Nil(t, c.AccessRights)
			empty := (&Policy{Scopes: []string{}, AccessRights: []AccessRight{}}).Clone()
			assert.NotNil(t, empty.Scopes)
			assert.NotNil(t, empty.AccessRights)
			continue
		}
		c.Scopes[0], c.AccessRights[0].APIID, c.AccessRights[0].Versions[0] = "changed", "changed", "changed"
		c.Scopes = append(c.Scopes, "more")
		assert.Equal(t, "s0", p.Scopes[0], n)
		assert.Equal(t, "a0", p.AccessRights[0].APIID, n)
		assert.Equal(t, "v1", p.AccessRights[0].Versions[0], n)
		assert.Len(t, p.Scopes, n)
	}
}
