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
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest/sim"
)

// doc:begin host-test

// TestFirstCharger starts the app as production does, connects a
// simulated CP001 and charges.
func TestFirstCharger(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute) // the subscription ends with it
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
	cp, err := csms.Store.ChargePointByIdentifier(ctx, "CP001")
	if err != nil {
		t.Fatal(err)
	}
	sessions, err := csms.Broadcaster.Subscribe(ctx, broadcast.SessionsTopic(cp.ID))
	if err != nil {
		t.Fatal(err)
	}

	fleet := sim.New(sim.Config{
		URL:    "ws" + strings.TrimPrefix(srv.URL, "http") + "/ocpp",
		Prefix: "CP", Password: "a-long-random-key-0123456789", // CP001, as registered
		RemoteOnly: true, MeterInterval: 100 * time.Millisecond, StatsInterval: -1,
	})
	stop := fleet.Start(ctx)
	t.Cleanup(func() { _ = stop() }) // first: it sends StopTransaction while the CSMS is up
	if err := fleet.WaitReady(ctx); err != nil {
		t.Fatal(err)
	}

	res, err := csms.Remote.RemoteStartTransaction(ctx, "CP001", 1, "RFID12345")
	if err != nil || res.Status != ocpp16.RemoteStartStopStatusAccepted {
		t.Fatalf("RemoteStartTransaction = %+v, %v", res, err)
	}
	var ev broadcast.SessionEvent
	if err := json.Unmarshal((<-sessions).Data, &ev); err != nil || ev.Event != broadcast.SessionStarted {
		t.Fatalf("first session event: %+v, %v", ev, err)
	}
}

// doc:end
