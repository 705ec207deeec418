package oauthclient

import (
	"bytes"
	"encoding/json"
	"time"
)

// clientBinding is the JSON form of a Client's fields outside Metadata.
// Client embeds Metadata, whose JSON methods would otherwise be promoted and
// hide these fields.
type clientBinding struct {
	ID          string    `json:"client_id"`
	DeveloperID string    `json:"developer_id,omitempty"`
	APIIDs      []string  `json:"api_ids,omitempty"`
	PolicyID    string    `json:"policy_id,omitempty"`
	Description string    `json:"description,omitempty"`
	Status      Status    `json:"status"`
	Secrets     []Secret  `json:"secrets,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"version"`
}

// clientBindingMembers are clientBinding's JSON names: extension metadata
// of the same name is left out when a Client is encoded and taken as the
// binding field when one is decoded.
var clientBindingMembers = []string{
	"client_id", "developer_id", "api_ids", "policy_id", "description",
	"status", "secrets", "created_at", "updated_at", "version",
}

// MarshalJSON writes one object: the client's binding fields (client_id,
// developer_id, api_ids, policy_id, description, status, secrets as IDs and
// hints, times, version) and its metadata under the RFC 7591 names. Secret
// hashes and the registration token hash are never written.
func (c Client) MarshalJSON() ([]byte, error) {
	m := c.Metadata
	if len(m.Extra) > 0 {
		m.Extra = make(map[string]json.RawMessage, len(c.Extra))
		for k, v := range c.Extra {
			m.Extra[k] = v
		}
		for _, k := range clientBindingMembers {
			delete(m.Extra, k)
		}
	}
	meta, err := m.MarshalJSON()
	if err != nil {
		return nil, err
	}
	out, err := json.Marshal(clientBinding{
		ID: c.ID, DeveloperID: c.DeveloperID, APIIDs: c.APIIDs, PolicyID: c.PolicyID,
		Description: c.Description, Status: c.Status, Secrets: c.Secrets,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Version: c.Version,
	})
	if err != nil {
		return nil, err
	}
	meta = bytes.TrimSpace(meta)
	if len(meta) <= 2 { // "{}"
		return out, nil
	}
	out = append(out[:len(out)-1], ',')
	return append(out, meta[1:]...), nil
}

// UnmarshalJSON reads the form MarshalJSON writes. The binding members are
// decoded into the binding fields and kept out of Extra.
func (c *Client) UnmarshalJSON(data []byte) error {
	var b clientBinding
	if err := json.Unmarshal(data, &b); err != nil {
		return err
	}
	var m Metadata
	if err := m.UnmarshalJSON(data); err != nil {
		return err
	}
	for _, k := range clientBindingMembers {
		delete(m.Extra, k)
	}
	if len(m.Extra) == 0 {
		m.Extra = nil
	}
	*c = Client{
		ID: b.ID, Metadata: m, DeveloperID: b.DeveloperID, APIIDs: b.APIIDs,
		PolicyID: b.PolicyID, Description: b.Description, Status: b.Status,
		Secrets: b.Secrets, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt,
		Version: b.Version, RegistrationTokenHash: c.RegistrationTokenHash,
	}
	return nil
}
