package ocppkit

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/store"
)

// TestRotationAcceptsBothPasswords checks the window of a rotation in
// flight deterministically: while the new password is pending, the
// authenticator takes both; afterwards only the stored one.
func TestRotationAcceptsBothPasswords(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	if err := store.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{DB: db, NodeID: "rotation"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Shutdown(context.Background()) })
	if _, err := c.RegisterChargePoint(ctx, "CP-1", "old-password-0123456"); err != nil {
		t.Fatal(err)
	}
	auth := c.defaultAuthenticator()
	try := func(password string) error {
		r := httptest.NewRequest("GET", "/ocpp/CP-1", nil)
		r.SetBasicAuth("CP-1", password)
		return auth.Authenticate(ctx, r, "CP-1")
	}
	newDigest, _ := ocpp.HashPassword("new-password-0123456")

	steps := []struct {
		name     string
		do       func()
		old, new bool // accepted?
	}{
		{"before", func() {}, true, false},
		{"in flight", func() {
			if !c.rotation.begin("CP-1", newDigest) {
				t.Fatal("begin refused")
			}
			if c.rotation.begin("CP-1", newDigest) {
				t.Fatal("second rotation of the same charge point allowed")
			}
		}, true, true},
		{"accepted and stored", func() {
			if err := c.Store.SetPasswordDigest(ctx, "CP-1", newDigest); err != nil {
				t.Fatal(err)
			}
			c.rotation.end("CP-1")
		}, false, true},
	}
	for _, st := range steps {
		st.do()
		for pw, want := range map[string]bool{"old-password-0123456": st.old, "new-password-0123456": st.new} {
			err := try(pw)
			if (err == nil) != want {
				t.Errorf("%s: %s accepted = %v, want %v", st.name, pw, err == nil, want)
			}
			if err != nil && !errors.Is(err, ocpp.ErrUnauthorized) {
				t.Errorf("%s: %s: %v, want ErrUnauthorized", st.name, pw, err)
			}
		}
	}
}
