package memory_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/memory"
)

// The in-memory store keeps a developer's clients and their tokens;
// deleting a client deletes its tokens in the same step.
func ExampleNew() {
	ctx := context.Background()
	s := memory.New()
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

	dev := &portal.Developer{ID: "d1", Email: "Ada@Example.com", Status: portal.DeveloperActive, CreatedAt: now, Version: 1}
	client := &oauthclient.Client{ID: "c1", DeveloperID: "d1", Status: oauthclient.StatusActive, CreatedAt: now, Version: 1}
	token := &oauthclient.Token{Hash: oauthclient.HashToken("poa_at_example"), Kind: oauthclient.KindAccessToken,
		ClientID: "c1", IssuedAt: now, ExpiresAt: now.Add(time.Hour)}
	for _, err := range []error{s.CreateDeveloper(ctx, dev), s.CreateClient(ctx, client), s.CreateToken(ctx, token)} {
		if err != nil {
			fmt.Println(err)
			return
		}
	}

	found, _ := s.GetDeveloperByEmail(ctx, "ada@example.com")
	fmt.Println("developer:", found.ID)

	client.Description = "renamed"
	fmt.Println("update:", s.UpdateClient(ctx, client, oauthclient.UpdateOptions{}), "version", client.Version)
	stale := *client
	stale.Version = 1
	fmt.Println("stale update conflicts:", errors.Is(s.UpdateClient(ctx, &stale, oauthclient.UpdateOptions{}), oauthclient.ErrConflict))

	fmt.Println("delete:", s.DeleteClient(ctx, "c1"))
	_, err := s.GetToken(ctx, token.Hash)
	fmt.Println("token gone:", errors.Is(err, oauthclient.ErrNotFound))
	// Output:
	// developer: d1
	// update: <nil> version 2
	// stale update conflicts: true
	// delete: <nil>
	// token gone: true
}
