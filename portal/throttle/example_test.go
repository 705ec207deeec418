package throttle_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal/throttle"
)

// A key fails: after the free failures it must wait, doubling each time;
// a success forgets.
func Example() {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	th := throttle.New(throttle.Config{Free: 2, Now: func() time.Time { return now }})
	ctx := context.Background()
	for range 4 {
		wait, _ := th.Failed(ctx, "client:c1")
		fmt.Println("wait", wait)
	}
	_, err := th.Check(ctx, "client:c1")
	fmt.Println(errors.Is(err, oauthclient.ErrThrottled), oauthclient.RetryAfterOf(err))

	now = now.Add(2 * time.Second)
	failed, err := th.Check(ctx, "client:c1")
	fmt.Println(failed, err)
	_ = th.Succeeded(ctx, "client:c1")
	failed, _ = th.Check(ctx, "client:c1")
	fmt.Println(failed)
	// Output:
	// wait 0s
	// wait 0s
	// wait 1s
	// wait 2s
	// true 2s
	// true <nil>
	// false
}

// CheckKey checks "client:" + an ID without building that key while the
// client has no failures on record.
func ExampleThrottle_CheckKey() {
	th := throttle.New(throttle.Config{Free: 1})
	ctx := context.Background()
	failed, err := th.CheckKey(ctx, "client:", "c1")
	fmt.Println(failed, err)
	_, _ = th.Failed(ctx, "client:c1")
	_, _ = th.Failed(ctx, "client:c1")
	_, err = th.CheckKey(ctx, "client:", "c1")
	fmt.Println(errors.Is(err, oauthclient.ErrThrottled))
	// Output:
	// false <nil>
	// true
}
