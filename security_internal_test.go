package ocppkit

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
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

// TestDevModeRegistersOnlyAfterUpgrade: with AutoRegister, a request that
// never becomes a WebSocket (a plain GET, with or without the
// subprotocol header) creates no charge point and leaves nothing in the
// authenticated map; a real connection registers the charge point.
func TestDevModeRegistersOnlyAfterUpgrade(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	if err := store.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{DB: db, NodeID: "dev", AutoRegister: true})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c)
	t.Cleanup(func() {
		c.Shutdown(context.Background())
		srv.Close()
	})
	for i := range 50 {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/ocpp/GHOST-"+strconv.Itoa(i), nil)
		if i%2 == 0 {
			req.Header.Set("Sec-WebSocket-Protocol", "ocpp1.6")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == http.StatusSwitchingProtocols {
			t.Fatalf("plain GET upgraded")
		}
	}
	// The Authenticator itself, called for a handshake that then fails,
	// creates and remembers nothing either.
	r := httptest.NewRequest(http.MethodGet, "/ocpp/GHOST-AUTH", nil)
	if err := c.defaultAuthenticator().Authenticate(ctx, r, "GHOST-AUTH"); err != nil {
		t.Fatalf("AutoRegister refused an unknown identity: %v", err)
	}
	var n int64
	db.Model(&store.ChargePoint{}).Count(&n)
	c.authMu.Lock()
	remembered := len(c.authed)
	c.authMu.Unlock()
	if n != 0 || remembered != 0 {
		t.Fatalf("%d charge points created, %d remembered by requests that never upgraded", n, remembered)
	}
	cp, err := ocpptest.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ocpp", "REAL-1", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if _, err := cp.Heartbeat(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Store.ChargePointByIdentifier(ctx, "REAL-1"); err != nil {
		t.Errorf("a real connection was not registered: %v", err)
	}
}

// TestSchemaCheckRefusesInStrictMode: a call whose payload the official
// schema rejects is answered with FormationViolation in strict mode, and
// its handler does not run. (Through a socket the library's own decoder,
// at least as strict as the schemas, refuses such payloads first.)
func TestSchemaCheckRefusesInStrictMode(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	if err := store.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	c, err := New(Config{DB: db, NodeID: "schemas", ValidateSchemas: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Shutdown(ctx) })
	ran := false
	h := c.schemaCheck(handlers.HandlerFunc(func(context.Context, *handlers.Call, ocpp.Request) (ocpp.Response, error) {
		ran = true
		return ocpp16.HeartbeatResponse{}, nil
	}))
	call := &handlers.Call{Identity: "CP-1", Version: ocpp.OCPP16, Action: "Heartbeat", Logger: slog.Default()}
	for _, tt := range []struct {
		payload string
		code    ocpp.ErrorCode // "" when the handler runs
	}{
		{`{}`, ""},
		{`{"extra":1}`, ocpp.FormationViolation},
	} {
		ran = false
		call.Payload = json.RawMessage(tt.payload)
		_, err := h.Handle(ctx, call, &ocpp16.HeartbeatRequest{})
		if ocpp.CodeOf(err) != tt.code || ran != (tt.code == "") {
			t.Errorf("%s: %v (handler ran: %v), want code %q", tt.payload, err, ran, tt.code)
		}
	}
	if got := oneLine("é"+strings.Repeat("a", 10), 1); got != "…" {
		t.Errorf("oneLine cut inside a character: %q", got)
	}
}
