package ocppkit_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
)

// TestUnknownChargePointsRecorded: a handshake refused because the identity
// is not registered is recorded for the back office; registering the
// identity adopts it (it leaves the list and can connect).
func TestUnknownChargePointsRecorded(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	e.register(t, "KNOWN", "pw-0123456789abcdef")
	ctx := context.Background()

	for range 2 {
		if err := dialErr(t, e.url, "NEWCOMER", &ocpptest.Options{Password: "whatever-0123456789"}); err == nil || !strings.Contains(err.Error(), "401") {
			t.Fatalf("unknown identity: dial = %v, want HTTP 401", err)
		}
	}
	// A known identity with a wrong password is not "unknown".
	if err := dialErr(t, e.url, "KNOWN", &ocpptest.Options{Password: "wrong-0123456789abcdef"}); err == nil {
		t.Fatal("wrong password accepted")
	}
	list, err := e.csms.Store.UnknownChargePoints(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Identifier != "NEWCOMER" || list[0].Attempts != 2 || !strings.HasPrefix(list[0].RemoteAddr, "127.0.0.1:") {
		t.Fatalf("unknown charge points = %+v, want NEWCOMER with 2 attempts from 127.0.0.1", list)
	}

	e.register(t, "NEWCOMER", "adopted-0123456789abcdef")
	if list, err = e.csms.Store.UnknownChargePoints(ctx, 0); err != nil || len(list) != 0 {
		t.Fatalf("after adoption: %+v, %v; want none", list, err)
	}
	e.dial(t, "NEWCOMER", "adopted-0123456789abcdef")
}

func TestUnknownChargePointsNotRecorded(t *testing.T) {
	tests := []struct {
		name string
		cfg  ocppkit.Config
	}{
		{"disabled", ocppkit.Config{KeepUnknownChargePoints: -1}},
		{"auto-register", ocppkit.Config{AutoRegister: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, testdb.SQLite(t), tt.cfg)
			_ = dialErr(t, e.url, "STRANGER", nil)
			list, err := e.csms.Store.UnknownChargePoints(context.Background(), 0)
			if err != nil || len(list) != 0 {
				t.Fatalf("unknown charge points = %+v, %v; want none", list, err)
			}
		})
	}
}
