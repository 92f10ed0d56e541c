package ocppkit_test

import (
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/internal/schematest"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
	"github.com/ocppkit/ocppkit/store"
)

// dial201 connects a simulated OCPP 2.0.1 charging station registered with
// password and waits until the server has registered it.
func (e *env) dial201(t *testing.T, identity, password string) *ocpptest.ChargePoint {
	t.Helper()
	cp := e.dialVersion(t, identity, password, ocpp.OCPP201)
	if cp.Version() != ocpp.OCPP201 {
		t.Fatalf("%s negotiated %s", identity, cp.Subprotocol())
	}
	return cp
}

// TestChargingFlow201 drives boot → status → authorize → TransactionEvent
// Started / Updated (meter values) / Ended through a real 2.0.1 socket, on
// SQLite and PostgreSQL, and checks the database, the three seed topics
// and that every frame the server sent validates against the official
// 2.0.1 schemas.
func TestChargingFlow201(t *testing.T) {
	schemas := schematest.LoadVersion(t, schemas.OCPP201)
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, ocppkit.Config{})
		ctx := context.Background()
		row := e.register(t, "CS-1", "s3cret-key-0123456789")
		if err := e.csms.Store.UpsertIDTag(ctx, store.IDTag{Tag: "04A2B3C4D5E6F7", Status: "Accepted"}); err != nil {
			t.Fatal(err)
		}
		status := e.subscribe(t, broadcast.StatusTopic(row.ID))
		sessions := e.subscribe(t, broadcast.SessionsTopic(row.ID))
		meters := e.subscribe(t, broadcast.MeterValuesTopic(row.ID))

		cp := e.dial201(t, "CS-1", "s3cret-key-0123456789")
		v := cp.V201()
		boot, err := v.BootNotification(ctx, ocpp201.BootNotificationRequest{
			Reason: ocpp201.BootReasonPowerUp,
			ChargingStation: ocpp201.ChargingStation{VendorName: "ACME", Model: "DC 150", SerialNumber: "SN-9",
				FirmwareVersion: "2.0.1-r3", Modem: &ocpp201.Modem{Iccid: "8931", Imsi: "2620"}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if boot.Status != ocpp201.RegistrationStatusAccepted || boot.Interval <= 0 {
			t.Fatalf("boot = %+v", boot)
		}
		if _, err := v.StatusNotification(ctx, 1, 1, ocpp201.ConnectorStatusAvailable); err != nil {
			t.Fatal(err)
		}
		var st map[string]any
		if err := json.Unmarshal(next(t, status).Data, &st); err != nil {
			t.Fatal(err)
		}
		if st["evse_id"] != 1.0 || st["connector_id"] != 1.0 || st["status"] != "Available" || st["timestamp"] == nil {
			t.Errorf("status event = %v", st)
		}
		if _, err := v.Heartbeat(ctx); err != nil {
			t.Fatal(err)
		}
		token := ocpp201.IdToken{IdToken: "04A2B3C4D5E6F7", Type: ocpp201.IdTokenTypeISO14443}
		if a, err := v.Authorize(ctx, token); err != nil || a.IdTokenInfo.Status != ocpp201.AuthorizationStatusAccepted {
			t.Fatalf("authorize known token = %+v, %v", a, err)
		}
		if a, err := v.Authorize(ctx, ocpp201.IdToken{IdToken: "nobody", Type: ocpp201.IdTokenTypeEMAID}); err != nil || a.IdTokenInfo.Status != ocpp201.AuthorizationStatusInvalid {
			t.Fatalf("authorize unknown token = %+v, %v", a, err)
		}
		if _, err := v.StatusNotification(ctx, 1, 1, ocpp201.ConnectorStatusOccupied); err != nil {
			t.Fatal(err)
		}
		next(t, status)

		started := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
		tx, err := v.StartTransaction(ctx, ocpptest.TransactionOptions{IDToken: token, MeterStartWh: 1000, Time: started})
		if err != nil {
			t.Fatal(err)
		}
		if tx.IDTokenInfo == nil || tx.IDTokenInfo.Status != ocpp201.AuthorizationStatusAccepted {
			t.Fatalf("Started answered %+v", tx.IDTokenInfo)
		}
		var sev struct {
			Event   string         `json:"event"`
			Session map[string]any `json:"session"`
		}
		if err := json.Unmarshal(next(t, sessions).Data, &sev); err != nil {
			t.Fatal(err)
		}
		if sev.Event != "started" || sev.Session["evse_id"] != 1.0 || sev.Session["station_transaction_id"] != tx.ID ||
			sev.Session["id_tag"] != "04A2B3C4D5E6F7" || sev.Session["status"] != store.SessionCharging {
			t.Errorf("started event = %+v", sev)
		}
		for _, k := range []string{"id", "transaction_id", "connector_id", "started_at", "stopped_at", "energy_consumed", "duration_seconds"} {
			if _, ok := sev.Session[k]; !ok {
				t.Errorf("started event lacks session.%s: %v", k, sev.Session)
			}
		}
		var mev map[string]any
		if err := json.Unmarshal(next(t, meters).Data, &mev); err != nil { // the Started event's Transaction.Begin
			t.Fatal(err)
		}
		if mev["context"] != "Transaction.Begin" || mev["value"] != 1000.0 || mev["evse_id"] != 1.0 {
			t.Errorf("begin reading = %v", mev)
		}

		if _, err := tx.Update(ctx, ocpptest.Reading{EnergyWh: 2500, PowerW: 7200, SoC: 55, Time: started.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(next(t, meters).Data, &mev); err != nil {
			t.Fatal(err)
		}
		if mev["measurand"] != "Energy.Active.Import.Register" || mev["value"] != 2500.0 || mev["unit"] != "Wh" ||
			mev["evse_id"] != 1.0 || mev["session_id"] == nil || mev["location"] != "Outlet" {
			t.Errorf("meter value event = %v", mev)
		}
		sess, err := e.csms.Store.SessionByStationTransactionID(ctx, row.ID, tx.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := sess.EnergyConsumed; math.Abs(got-1.5) > 1e-9 {
			t.Errorf("energy consumed while charging = %v kWh, want 1.5", got)
		}

		if _, err := tx.End(ctx, 4600, ocpp201.ReasonLocal); err != nil {
			t.Fatal(err)
		}
		for {
			if err := json.Unmarshal(next(t, sessions).Data, &sev); err != nil {
				t.Fatal(err)
			}
			if sev.Event == "stopped" {
				break
			}
		}
		if sev.Session["status"] != "Completed" || sev.Session["energy_consumed"] != 3.6 || sev.Session["stop_reason"] != "Local" {
			t.Errorf("stopped event = %+v", sev)
		}
		sess, err = e.csms.Store.SessionByID(ctx, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sess.Status != store.SessionCompleted || sess.StoppedAt == nil || math.Abs(sess.EnergyConsumed-3.6) > 1e-9 ||
			sess.MeterStart != 1000 || sess.MeterStop == nil || *sess.MeterStop != 4600 || sess.EVSEID != 1 || sess.ConnectorID != 1 ||
			sess.IDTokenType != "ISO14443" {
			t.Errorf("session after Ended = %+v", sess)
		}
		var n int64
		if err := db.Model(&store.MeterValue{}).Where("charging_session_id = ?", sess.ID).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		// Begin (1) + the reading of Update (energy, power, 3 × current, 3 × voltage, SoC: 9) + End (1).
		if n != 11 {
			t.Errorf("meter value rows of the session = %d, want 11", n)
		}
		evs, err := e.csms.Store.TransactionEvents(ctx, sess.ID)
		if err != nil || len(evs) != 3 {
			t.Errorf("transaction events %+v, %v", evs, err)
		}
		var got store.ChargePoint
		if err := db.First(&got, row.ID).Error; err != nil {
			t.Fatal(err)
		}
		if got.Vendor != "ACME" || got.Model != "DC 150" || got.FirmwareVersion != "2.0.1-r3" || got.ICCID != "8931" ||
			got.BootReason != "PowerUp" || got.OCPPVersion != ocpp.OCPP201 || !got.IsConnected() {
			t.Errorf("charge point = %+v", got)
		}
		cs, err := e.csms.Store.Connectors(ctx, row.ID)
		if err != nil || len(cs) != 1 || cs[0].EVSEID != 1 || cs[0].ConnectorID != 1 || cs[0].Status != "Occupied" {
			t.Errorf("connectors = %+v, %v", cs, err)
		}

		sent, received := e.frames.snapshot()
		if n := schemas.Frames(t, sent, received); n < 10 {
			t.Errorf("validated %d frames, want at least 10 (frames logged: %d sent)", n, len(sent))
		}
	})
}
