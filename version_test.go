package ocppkit_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
)

// TestVersionNegotiated: one handler accepts both versions, prefers 2.0.1
// when a station offers both, and records the version on the charge
// point's row; a station that reconnects with another version has it
// recorded anew.
func TestVersionNegotiated(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, ocppkit.Config{})
		ctx := context.Background()
		for _, tt := range []struct {
			identity string
			offered  []string
			want     string
		}{
			{"CP-16", []string{ocpp.OCPP16}, ocpp.OCPP16},
			{"CP-201", []string{ocpp.OCPP201}, ocpp.OCPP201},
			{"CP-both", []string{ocpp.OCPP16, ocpp.OCPP201}, ocpp.OCPP201},
		} {
			row := e.register(t, tt.identity, "password-"+tt.identity)
			if row.OCPPVersion != "" {
				t.Errorf("%s: version %q before it connected", tt.identity, row.OCPPVersion)
			}
			cp := e.dialVersion(t, tt.identity, "password-"+tt.identity, tt.offered...)
			if cp.Subprotocol() != tt.want {
				t.Errorf("%s: negotiated %q, want %q", tt.identity, cp.Subprotocol(), tt.want)
			}
			got, err := e.csms.Store.ChargePointByIdentifier(ctx, tt.identity)
			if err != nil {
				t.Fatal(err)
			}
			if got.OCPPVersion != tt.want {
				t.Errorf("%s: stored version %q, want %q", tt.identity, got.OCPPVersion, tt.want)
			}
			cp.Close()
		}
		// CP-16 gets a 2.0.1 firmware.
		cp := e.dialVersion(t, "CP-16", "password-CP-16", ocpp.OCPP201)
		defer cp.Close()
		if got, _ := e.csms.Store.ChargePointByIdentifier(ctx, "CP-16"); got.OCPPVersion != ocpp.OCPP201 {
			t.Errorf("after reconnecting with 2.0.1: stored version %q", got.OCPPVersion)
		}
	})
}

// dialVersion connects a simulated charge point offering the given
// subprotocols and waits until the server has registered it (its first
// Heartbeat is answered).
func (e *env) dialVersion(t *testing.T, identity, password string, subprotocols ...string) *ocpptest.ChargePoint {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cp, err := ocpptest.Dial(ctx, e.url, identity, &ocpptest.Options{Password: password, Subprotocols: subprotocols})
	if err != nil {
		t.Fatalf("dial %s: %v", identity, err)
	}
	t.Cleanup(func() { cp.Close() })
	if _, err := cp.CallJSON(ctx, "Heartbeat", struct{}{}); err != nil {
		t.Fatalf("first heartbeat of %s: %v", identity, err)
	}
	return cp
}
