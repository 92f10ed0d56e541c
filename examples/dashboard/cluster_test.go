package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
)

func TestBackplaneNeedsPostgres(t *testing.T) {
	tests := []struct {
		name, backplane string
	}{
		{"redis", "redis://127.0.0.1:6379/0"},
		{"postgres", "postgres"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newServer(t.Context(), config{
				DBPath:    filepath.Join(t.TempDir(), "dashboard.db"),
				Backplane: tt.backplane,
				Password:  testPassword,
				IDTag:     "DASHBOARD",
				Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
			})
			if err == nil || !strings.Contains(err.Error(), "-dsn") {
				t.Errorf("newServer with SQLite and -backplane %s = %v, want an error naming -dsn", tt.backplane, err)
			}
		})
	}
}

// freshSchema returns OCPP_TEST_DATABASE_URL with the search_path of a new
// schema, dropped at cleanup; it skips when the variable is unset (fails
// with CI set).
func freshSchema(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("OCPP_TEST_DATABASE_URL")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("OCPP_TEST_DATABASE_URL is unset; CI must run the PostgreSQL tests")
		}
		t.Skip("OCPP_TEST_DATABASE_URL is unset")
	}
	admin, err := pgxpool.New(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	schema := "dash_" + strings.ToLower(rand.Text()[:10])
	if _, err := admin.Exec(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// TestTwoNodes runs two dashboards on one database with -backplane
// postgres: the Start button of node b reaches a charge point connected to
// node a.
func TestTwoNodes(t *testing.T) {
	dsn := freshSchema(t)
	suffix := strings.ToLower(rand.Text()[:6])
	start := func(node string) *testEnv {
		srv, ts := startServer(t, config{DSN: dsn, Backplane: "postgres", Node: node + "-" + suffix})
		return &testEnv{srv: srv, ts: ts}
	}
	a, b := start("a"), start("b")
	ctx := t.Context()
	identity := "CP-" + suffix // presence is shared by every test using the database
	row, err := a.srv.csms.RegisterChargePoint(ctx, identity, "cp-password")
	if err != nil {
		t.Fatal(err)
	}
	cp, err := ocpptest.Dial(ctx, "ws"+strings.TrimPrefix(a.ts.URL, "http")+"/ocpp", identity, &ocpptest.Options{Password: "cp-password"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cp.Close() })
	if _, err := cp.StatusNotification(ctx, 1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError); err != nil {
		t.Fatal(err)
	}
	var res map[string]any
	code := b.do(t, "POST", fmt.Sprintf("/api/charge_points/%d/remote_start", row.ID), `{"connector_id":1,"id_tag":"DASHBOARD"}`, &res)
	if code != 202 || res["command_id"] == nil {
		t.Fatalf("remote start on node b = %d %v", code, res)
	}
	// Queued on b, delivered through a's socket.
	got := awaitCall(t, cp, ocpp16.ActionRemoteStartTransaction)
	if !strings.Contains(string(got.Payload), `"DASHBOARD"`) {
		t.Errorf("charge point received %s", got.Payload)
	}
}
