package catalogue_test

import (
	"errors"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/portaloauth/portaloauth/catalogue"
	"github.com/portaloauth/portaloauth/oauthclient"
)

// fixture is a valid, eligible entry with its API and policies; each test
// case changes one thing.
type fixture struct {
	entry    *catalogue.Entry
	api      *catalogue.API
	policies []*catalogue.Policy
}

func newFixture() fixture {
	return fixture{
		entry: &catalogue.Entry{
			ID: "payments-entry", APIID: "payments", DisplayName: "Payments",
			PolicyIDs: []string{"gold", "silver"}, Visible: true,
		},
		api: &catalogue.API{ID: "payments", Name: "Payments", AuthMode: catalogue.AuthOAuth2, Active: true},
		policies: []*catalogue.Policy{
			{ID: "gold", Active: true, AccessRights: []catalogue.AccessRight{{APIID: "payments"}, {APIID: "orders"}}},
			{ID: "silver", Active: true, AccessRights: []catalogue.AccessRight{{APIID: "payments", Versions: []string{"v1"}}}},
			{ID: "bronze", Active: true, AccessRights: []catalogue.AccessRight{{APIID: "orders"}}},
		},
	}
}

func (f fixture) policy(id string) *catalogue.Policy {
	for _, p := range f.policies {
		if p.ID == id {
			return p
		}
	}
	panic("no policy " + id)
}

func TestPolicyGrants(t *testing.T) {
	t.Parallel()
	gold := newFixture().policy("gold")
	tests := []struct {
		name   string
		policy *catalogue.Policy
		apiID  string
		want   bool
	}{
		{"first access right", gold, "payments", true},
		{"second access right", gold, "orders", true},
		{"API not listed", gold, "billing", false},
		{"empty API ID", gold, "", false},
		{"version-restricted right still grants", newFixture().policy("silver"), "payments", true},
		{"inactive policy still lists its rights", &catalogue.Policy{AccessRights: []catalogue.AccessRight{{APIID: "payments"}}}, "payments", true},
		{"no access rights", &catalogue.Policy{ID: "empty"}, "payments", false},
		{"nil policy", nil, "payments", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.policy.Grants(tt.apiID))
		})
	}
}

func TestPolicyUngrantedScope(t *testing.T) {
	t.Parallel()
	scoped := &catalogue.Policy{ID: "p", Scopes: []string{"read", "write"}}
	none := &catalogue.Policy{ID: "q"}
	tests := []struct {
		name   string
		policy *catalogue.Policy
		scope  string
		want   string
	}{
		{"all granted", scoped, "read write", ""},
		{"extra spaces", scoped, "  write   read ", ""},
		{"empty scope", scoped, "", ""},
		{"one not granted", scoped, "read admin write", "admin"},
		{"case matters", scoped, "Read", "Read"},
		{"a policy without scopes grants none", none, "payments:write admin", "payments:write"},
		{"a policy without scopes and no scope asked", none, "", ""},
		{"nil policy", nil, "read", "read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, tt.policy.UngrantedScope(tt.scope))
		})
	}
}

func TestValidateEntry(t *testing.T) {
	t.Parallel()
	// problem is one expected *oauthclient.Error: its sentinel, the field
	// at fault and the policy at fault.
	type problem struct {
		err      error
		field    string
		policyID string
	}
	tests := []struct {
		name   string
		change func(*fixture)
		want   []problem // nil: valid
	}{
		{"valid", func(*fixture) {}, nil},
		{"inactive API and hidden entry are still valid", func(f *fixture) {
			f.api.Active, f.entry.Visible = false, false
		}, nil},
		{"no policies offered is valid", func(f *fixture) { f.entry.PolicyIDs = nil }, nil},
		{"inactive policy still has to grant", func(f *fixture) {
			f.policy("silver").AccessRights = nil
			f.policy("silver").Active = false
		}, []problem{{catalogue.ErrPolicyNotGranting, "policy_ids[1]", "silver"}}},
		{"offered policy does not grant the API", func(f *fixture) {
			f.entry.PolicyIDs = []string{"gold", "bronze"}
		}, []problem{{catalogue.ErrPolicyNotGranting, "policy_ids[1]", "bronze"}}},
		{"offered policy does not exist", func(f *fixture) {
			f.entry.PolicyIDs = []string{"platinum", "gold"}
		}, []problem{{catalogue.ErrUnknownPolicy, "policy_ids[0]", "platinum"}}},
		{"policy offered twice", func(f *fixture) {
			f.entry.PolicyIDs = []string{"gold", "gold"}
		}, []problem{{catalogue.ErrInvalidEntry, "policy_ids[1]", "gold"}}},
		{"API missing", func(f *fixture) { f.api = nil }, []problem{{catalogue.ErrUnknownAPI, "api_id", ""}}},
		{"another API given", func(f *fixture) { f.api.ID = "orders" }, []problem{{catalogue.ErrUnknownAPI, "api_id", ""}}},
		{"empty API ID", func(f *fixture) { f.entry.APIID = "" }, []problem{
			{catalogue.ErrInvalidEntry, "api_id", ""},
			{catalogue.ErrPolicyNotGranting, "policy_ids[0]", "gold"},
			{catalogue.ErrPolicyNotGranting, "policy_ids[1]", "silver"},
		}},
		{"empty entry ID", func(f *fixture) { f.entry.ID = "" }, []problem{{catalogue.ErrInvalidEntry, "id", ""}}},
		{"negative client limit", func(f *fixture) { f.entry.ClientLimit = -1 }, []problem{{catalogue.ErrInvalidEntry, "client_limit", ""}}},
		{"every problem reported in order", func(f *fixture) {
			f.entry.ID = ""
			f.entry.PolicyIDs = []string{"bronze", "nope"}
		}, []problem{
			{catalogue.ErrInvalidEntry, "id", ""},
			{catalogue.ErrPolicyNotGranting, "policy_ids[0]", "bronze"},
			{catalogue.ErrUnknownPolicy, "policy_ids[1]", "nope"},
		}},
		{"nil policies in the list are skipped", func(f *fixture) {
			f.policies = append([]*catalogue.Policy{nil}, f.policies...)
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture()
			tt.change(&f)
			err := catalogue.ValidateEntry(f.entry, f.api, f.policies)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, catalogue.ErrInvalidEntry)
			require.NotErrorIs(t, err, catalogue.ErrNotEligible)
			got := ruleErrors(t, err)
			require.Len(t, got, len(tt.want))
			for i, w := range tt.want {
				assert.ErrorIs(t, got[i], w.err, "problem %d", i)
				assert.Equal(t, w.field, got[i].Field, "problem %d", i)
				if w.policyID != "" {
					assert.Contains(t, got[i].Reason, strconv.Quote(w.policyID), "problem %d", i)
				}
				if f.entry.ID != "" {
					assert.Contains(t, got[i].Reason, strconv.Quote(f.entry.ID), "problem %d", i)
				}
				assert.NotEmpty(t, got[i].Reason, "problem %d", i)
			}
		})
	}
}

func TestValidateEntryNil(t *testing.T) {
	t.Parallel()
	err := catalogue.ValidateEntry(nil, nil, nil)
	var ce *oauthclient.Error
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, catalogue.ErrInvalidEntry)
}

// ruleErrors flattens the errors.Join of ValidateEntry into its
// *oauthclient.Errors.
func ruleErrors(t *testing.T, err error) []*oauthclient.Error {
	t.Helper()
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	out := make([]*oauthclient.Error, 0, len(errs))
	for _, e := range errs {
		var ce *oauthclient.Error
		require.ErrorAs(t, e, &ce)
		out = append(out, ce)
	}
	return out
}

func TestEligible(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*fixture)
		want   error // nil: eligible
	}{
		{"eligible", func(*fixture) {}, nil},
		{"one active policy is enough", func(f *fixture) { f.policy("gold").Active = false }, nil},
		{"API inactive", func(f *fixture) { f.api.Active = false }, catalogue.ErrAPIInactive},
		{"API uses auth tokens", func(f *fixture) { f.api.AuthMode = catalogue.AuthToken }, catalogue.ErrNotOAuth},
		{"API uses JWT", func(f *fixture) { f.api.AuthMode = catalogue.AuthJWT }, catalogue.ErrNotOAuth},
		{"API keyless", func(f *fixture) { f.api.AuthMode = catalogue.AuthKeyless }, catalogue.ErrNotOAuth},
		{"API auth mode empty", func(f *fixture) { f.api.AuthMode = "" }, catalogue.ErrNotOAuth},
		{"entry hidden", func(f *fixture) { f.entry.Visible = false }, catalogue.ErrEntryHidden},
		{"every offered policy inactive", func(f *fixture) {
			f.policy("gold").Active = false
			f.policy("silver").Active = false
		}, catalogue.ErrNoActivePolicy},
		{"no policy offered", func(f *fixture) { f.entry.PolicyIDs = nil }, catalogue.ErrNoActivePolicy},
		{"only active policy does not grant the API", func(f *fixture) {
			f.entry.PolicyIDs = []string{"bronze"}
		}, catalogue.ErrNoActivePolicy},
		{"offered policies missing", func(f *fixture) { f.policies = nil }, catalogue.ErrNoActivePolicy},
		{"API missing", func(f *fixture) { f.api = nil }, catalogue.ErrAPIUnavailable},
		{"another API given", func(f *fixture) { f.api.ID = "orders" }, catalogue.ErrAPIUnavailable},
		{"inactive API reported before hidden entry", func(f *fixture) {
			f.api.Active = false
			f.entry.Visible = false
		}, catalogue.ErrAPIInactive},
		{"hidden entry reported before missing policy", func(f *fixture) {
			f.entry.Visible = false
			f.entry.PolicyIDs = nil
		}, catalogue.ErrEntryHidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture()
			tt.change(&f)
			err := catalogue.Eligible(f.entry, f.api, f.policies)
			if tt.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tt.want)
			require.ErrorIs(t, err, catalogue.ErrNotEligible)
			require.NotErrorIs(t, err, catalogue.ErrInvalidEntry)
			var ce *oauthclient.Error
			require.ErrorAs(t, err, &ce)
			assert.Contains(t, ce.Reason, strconv.Quote(f.entry.ID))
			assert.Contains(t, ce.Reason, strconv.Quote(f.entry.APIID))
			assert.NotEmpty(t, ce.Field)
		})
	}
}

func TestEligibleNil(t *testing.T) {
	t.Parallel()
	require.ErrorIs(t, catalogue.Eligible(nil, nil, nil), catalogue.ErrNotEligible)
}

func TestOfferedPolicies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*fixture)
		want   []string // policy IDs
	}{
		{"all offered and active", func(*fixture) {}, []string{"gold", "silver"}},
		{"entry order kept", func(f *fixture) { f.entry.PolicyIDs = []string{"silver", "gold"} }, []string{"silver", "gold"}},
		{"inactive left out", func(f *fixture) { f.policy("gold").Active = false }, []string{"silver"}},
		{"not granting left out", func(f *fixture) {
			f.entry.PolicyIDs = []string{"bronze", "gold"}
		}, []string{"gold"}},
		{"unknown left out", func(f *fixture) { f.entry.PolicyIDs = []string{"nope", "silver"} }, []string{"silver"}},
		{"duplicates once", func(f *fixture) {
			f.entry.PolicyIDs = []string{"gold", "silver", "gold"}
		}, []string{"gold", "silver"}},
		{"policies not offered left out", func(f *fixture) { f.entry.PolicyIDs = []string{"silver"} }, []string{"silver"}},
		{"none offered", func(f *fixture) { f.entry.PolicyIDs = nil }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture()
			tt.change(&f)
			got := catalogue.OfferedPolicies(f.entry, f.policies)
			var ids []string
			for _, p := range got {
				ids = append(ids, p.ID)
				assert.Same(t, f.policy(p.ID), p)
			}
			assert.Equal(t, tt.want, ids)
		})
	}
	assert.Nil(t, catalogue.OfferedPolicies(nil, newFixture().policies))
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	err := catalogue.ValidateEntry(&catalogue.Entry{ID: "e1", APIID: "payments", PolicyIDs: []string{"p1"}},
		&catalogue.API{ID: "payments"}, nil)
	assert.Equal(t, `oauthclient: invalid input: catalogue entry: policy not found: policy_ids[0]: policy "p1" offered by entry "e1" not found`, err.Error())
	assert.True(t, errors.Is(err, catalogue.ErrInvalidEntry))
	assert.True(t, errors.Is(err, oauthclient.ErrInvalidInput))
	assert.Equal(t, oauthclient.CodeInvalidRequest, oauthclient.CodeOf(err))
	assert.Equal(t, http.StatusBadRequest, oauthclient.HTTPStatus(err))
	assert.Equal(t, http.StatusForbidden, oauthclient.HTTPStatus(catalogue.Eligible(nil, nil, nil)))
}

// FuzzEligible checks that the rules never panic and agree with each
// other: an eligible entry has an offered policy, and the offered policies
// are active, offered and granting.
func FuzzEligible(f *testing.F) {
	f.Add("payments", "payments", "oauth2", true, true, "gold", "gold", true, "payments")
	f.Add("payments", "orders", "oauth2", true, true, "gold", "gold", true, "payments")
	f.Add("payments", "payments", "jwt", true, true, "gold", "gold", true, "payments")
	f.Add("payments", "payments", "oauth2", false, true, "gold", "silver", true, "payments")
	f.Add("", "", "", false, false, "", "", false, "")
	f.Fuzz(func(t *testing.T, entryAPI, apiID, mode string, apiActive, visible bool, offered, policyID string, policyActive bool, grantAPI string) {
		e := &catalogue.Entry{ID: "e", APIID: entryAPI, PolicyIDs: []string{offered}, Visible: visible}
		api := &catalogue.API{ID: apiID, AuthMode: catalogue.AuthMode(mode), Active: apiActive}
		policies := []*catalogue.Policy{{ID: policyID, Active: policyActive, AccessRights: []catalogue.AccessRight{{APIID: grantAPI}}}}
		offer := catalogue.OfferedPolicies(e, policies)
		for _, p := range offer {
			if !p.Active || !p.Grants(entryAPI) || p.ID != offered {
				t.Fatalf("offered policy %q is inactive, not granting or not offered", p.ID)
			}
		}
		err := catalogue.Eligible(e, api, policies)
		if err == nil && len(offer) == 0 {
			t.Fatal("eligible without an offered policy")
		}
		if err != nil && !errors.Is(err, catalogue.ErrNotEligible) {
			t.Fatalf("Eligible error %v is not ErrNotEligible", err)
		}
		if err := catalogue.ValidateEntry(e, api, policies); err != nil && !errors.Is(err, catalogue.ErrInvalidEntry) {
			t.Fatalf("ValidateEntry error %v is not ErrInvalidEntry", err)
		}
	})
}
