package docs

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest/sim"
	"github.com/ocppkit/ocppkit/remote"
)

// doc:begin host-test

// TestFirstCharger starts the app as production does, connects two
// simulated charge points — CP001 speaks OCPP 2.0.1, CP002 1.6 — and
// charges on both with the same calls.
func TestFirstCharger(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // the subscriptions end with it
	defer cancel()
	db, err := gorm.Open(sqlite.Open(filepath.Join(t.TempDir(), "app.db")), &gorm.Config{})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	csms, err := mountOCPP(ctx, mux, db, func(h http.Handler) http.Handler { return h })
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { _ = csms.Shutdown(context.Background()) })
	if err := registerFleet(ctx, csms); err != nil {
		t.Fatal(err)
	}
	if _, err := csms.RegisterChargePoint(ctx, "CP002", "a-long-random-key-0123456789"); err != nil {
		t.Fatal(err)
	}

	fleet := sim.New(sim.Config{
		URL:    "ws" + strings.TrimPrefix(srv.URL, "http") + "/ocpp",
		Prefix: "CP", Count: 2, Password: "a-long-random-key-0123456789", // CP001, CP002, as registered
		Versions:   sim.Mixed, // CP001 speaks 2.0.1, CP002 1.6
		RemoteOnly: true, MeterInterval: 100 * time.Millisecond, StatsInterval: -1,
	})
	stop := fleet.Start(ctx)
	t.Cleanup(func() { _ = stop() }) // first: it ends its sessions while the CSMS is up
	if err := fleet.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}

	for _, id := range []string{"CP001", "CP002"} {
		cp, err := csms.Store.ChargePointByIdentifier(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		sessions, err := csms.Broadcaster.Subscribe(ctx, broadcast.SessionsTopic(cp.ID))
		if err != nil {
			t.Fatal(err)
		}
		// RequestStartTransaction on 2.0.1, RemoteStartTransaction on 1.6.
		res, err := csms.Remote.StartSession(ctx, id, remote.StartOptions{EVSEID: 1, IDTag: "RFID12345"})
		if err != nil || !res.Accepted {
			t.Fatalf("%s (%s): StartSession = %+v, %v", id, cp.OCPPVersion, res, err)
		}
		var ev broadcast.SessionEvent
		if err := json.Unmarshal((<-sessions).Data, &ev); err != nil || ev.Event != broadcast.SessionStarted {
			t.Fatalf("%s: first session event: %+v, %v", id, ev, err)
		}
	}
}

// doc:end
