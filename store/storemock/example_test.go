package storemock_test

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/mock/gomock"

	"github.com/portaloauth/portaloauth/oauthclient"
	"github.com/portaloauth/portaloauth/portal"
	"github.com/portaloauth/portaloauth/store/storemock"
)

// reporter stands in for the *testing.T a test passes to NewController.
type reporter struct{}

func (reporter) Errorf(format string, args ...any) { fmt.Printf(format+"\n", args...) }
func (reporter) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// A mock store makes a failure happen exactly where a test wants it: here
// the store fails while deleting a client.
func ExampleMockStore() {
	ctrl := gomock.NewController(reporter{})
	s := storemock.NewMockStore(ctrl)
	failure := errors.New("connection reset")
	s.EXPECT().GetClient(gomock.Any(), "c1").Return(&oauthclient.Client{ID: "c1", DeveloperID: "d1"}, nil)
	s.EXPECT().DeleteClient(gomock.Any(), "c1").Return(failure)

	var store portal.Store = s
	ctx := context.Background()
	c, err := store.GetClient(ctx, "c1")
	fmt.Println(c.ID, err)
	err = store.DeleteClient(ctx, c.ID)
	fmt.Println(errors.Is(err, failure))
	// In a test, NewController(t) checks at the end that every expected
	// call was made; here Finish does.
	ctrl.Finish()
	// Output:
	// c1 <nil>
	// true
}
