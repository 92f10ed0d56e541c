package docs

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
)

// TestTrackBays201: with both overrides registered, a 2.0.1 station's
// StatusNotification goes through the library's default and lands in the
// host's bay of its EVSE, and a 1.6 one still goes through trackBays.
func TestTrackBays201(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db := hostDB(t)
	if err := migrateApp(ctx, db); err != nil {
		t.Fatal(err)
	}
	csms, err := ocppkit.New(ocppkit.Config{DB: db, AutoRegister: true, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	app := &App{DB: db, CSMS: csms, Mux: http.NewServeMux()}
	app.Mux.Handle("/ocpp/", csms)
	trackBays(app)
	trackBays201(app)
	srv := httptest.NewServer(app.Mux)
	t.Cleanup(func() {
		srv.Close()
		_ = csms.Shutdown(context.Background())
	})
	station, err := ocpptest.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ocpp", "CS201", &ocpptest.Options{Subprotocols: ocpptest.Subprotocols201})
	if err != nil {
		t.Fatal(err)
	}
	defer station.Close()
	if _, err := station.V201().StatusNotification(ctx, 2, 1, ocpp201.ConnectorStatusOccupied); err != nil {
		t.Fatal(err)
	}
	cp, err := csms.Store.ChargePointByIdentifier(ctx, "CS201")
	if err != nil {
		t.Fatal(err)
	}
	var bay Bay
	if err := db.Where("charge_point_id = ? AND connector_id = ?", cp.ID, 2).Take(&bay).Error; err != nil || bay.LastStatus != "Occupied" {
		t.Errorf("the host's bay of EVSE 2: %+v, %v", bay, err)
	}
	conns, err := csms.Store.Connectors(ctx, cp.ID)
	if err != nil || len(conns) != 1 || conns[0].EVSEID != 2 || conns[0].Status != "Occupied" {
		t.Errorf("the library's connector rows: %+v, %v", conns, err)
	}

	// The version-neutral start and stop of the remote control section.
	if err := startSession(ctx, csms, "CS201", 2); err != nil {
		t.Fatal(err)
	}
	if c := <-station.Calls(); c.Action != "RequestStartTransaction" {
		t.Fatalf("the station received %s, want RequestStartTransaction", c.Action)
	}
	if _, err := station.V201().StartTransaction(ctx, ocpptest.TransactionOptions{EVSEID: 2, TransactionID: "TX-9",
		IDToken: ocpp201.IdToken{IdToken: "RFID12345", Type: ocpp201.IdTokenTypeCentral}}); err != nil {
		t.Fatal(err)
	}
	sess, err := cp.CurrentSession(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := stopSession(ctx, csms, sess.ID); err != nil {
		t.Fatal(err)
	}
	if c := <-station.Calls(); c.Action != "RequestStopTransaction" || string(c.Payload) != `{"transactionId":"TX-9"}` {
		t.Errorf("the station received %s %s, want RequestStopTransaction of TX-9", c.Action, c.Payload)
	}
}
