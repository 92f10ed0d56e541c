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
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// TestChargingFlow drives boot → status → authorize → start → meter values
// → stop through a real socket, on SQLite and PostgreSQL, and checks the
// database, the three live topics and that every frame the server sent
// validates against the official schemas.
func TestChargingFlow(t *testing.T) {
	schemas := schematest.Load(t)
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, ocppkit.Config{})
		ctx := context.Background()
		row := e.register(t, "CP-1", "s3cret-key-0123456789")
		if err := e.csms.Store.UpsertIDTag(ctx, store.IDTag{Tag: "RFID-OK", Status: "Accepted"}); err != nil {
			t.Fatal(err)
		}
		status := e.subscribe(t, broadcast.StatusTopic(row.ID))
		sessions := e.subscribe(t, broadcast.SessionsTopic(row.ID))
		meters := e.subscribe(t, broadcast.MeterValuesTopic(row.ID))

		cp := e.dial(t, "CP-1", "s3cret-key-0123456789")
		boot, err := cp.BootNotification(ctx, ocpp16.BootNotificationRequest{ChargePointVendor: "ACME", ChargePointModel: "Wallbox 22", FirmwareVersion: "1.2.3"})
		if err != nil {
			t.Fatal(err)
		}
		if boot.Status != ocpp16.RegistrationStatusAccepted || boot.Interval <= 0 {
			t.Fatalf("boot = %+v", boot)
		}
		if _, err := cp.StatusNotification(ctx, 1, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError); err != nil {
			t.Fatal(err)
		}
		var st map[string]any
		if err := json.Unmarshal(next(t, status).Data, &st); err != nil {
			t.Fatal(err)
		}
		if st["connector_id"] != 1.0 || st["status"] != "Available" || st["error_code"] != "NoError" || st["timestamp"] == nil {
			t.Errorf("status event = %v", st)
		}
		if _, err := cp.Heartbeat(ctx); err != nil {
			t.Fatal(err)
		}
		if a, err := cp.Authorize(ctx, "RFID-OK"); err != nil || a.IdTagInfo.Status != ocpp16.AuthorizationStatusAccepted {
			t.Fatalf("authorize known tag = %+v, %v", a, err)
		}
		if a, err := cp.Authorize(ctx, "RFID-UNKNOWN"); err != nil || a.IdTagInfo.Status != ocpp16.AuthorizationStatusInvalid {
			t.Fatalf("authorize unknown tag = %+v, %v", a, err)
		}

		// The EV is plugged in: the session starts in its connector's status.
		if _, err := cp.StatusNotification(ctx, 1, ocpp16.ChargePointStatusPreparing, ocpp16.ChargePointErrorCodeNoError); err != nil {
			t.Fatal(err)
		}
		started := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
		start, err := cp.StartTransaction(ctx, ocpp16.StartTransactionRequest{ConnectorId: 1, IdTag: "RFID-OK", MeterStart: 1000, Timestamp: ocpp16.NewDateTime(started)})
		if err != nil {
			t.Fatal(err)
		}
		if start.TransactionId <= 0 || start.TransactionId > math.MaxInt32 || start.IdTagInfo.Status != ocpp16.AuthorizationStatusAccepted {
			t.Fatalf("start = %+v", start)
		}
		var sev struct {
			Event   string         `json:"event"`
			Session map[string]any `json:"session"`
		}
		if err := json.Unmarshal(next(t, sessions).Data, &sev); err != nil {
			t.Fatal(err)
		}
		if sev.Event != "started" || sev.Session["connector_id"] != 1.0 || sev.Session["id_tag"] != "RFID-OK" || sev.Session["status"] != "Preparing" {
			t.Errorf("started event = %+v", sev)
		}
		for _, k := range []string{"id", "started_at", "stopped_at", "energy_consumed", "duration_seconds"} {
			if _, ok := sev.Session[k]; !ok {
				t.Errorf("started event lacks session.%s: %v", k, sev.Session)
			}
		}

		tx := start.TransactionId
		if _, err := cp.StatusNotification(ctx, 1, ocpp16.ChargePointStatusCharging, ocpp16.ChargePointErrorCodeNoError); err != nil {
			t.Fatal(err)
		}
		sample := func(at time.Time, wh string) ocpp16.MeterValue {
			return ocpp16.MeterValue{Timestamp: ocpp16.NewDateTime(at), SampledValue: []ocpp16.SampledValue{
				{Value: wh, Measurand: ocpp16.MeasurandEnergyActiveImportRegister, Unit: ocpp16.UnitOfMeasureWh, Context: ocpp16.ReadingContextSamplePeriodic},
				{Value: "7200.5", Measurand: ocpp16.MeasurandPowerActiveImport, Unit: ocpp16.UnitOfMeasureW},
				{Value: "10.4", Measurand: ocpp16.MeasurandCurrentImport, Unit: ocpp16.UnitOfMeasureA, Phase: ocpp16.PhaseL1},
				{Value: "55", Measurand: ocpp16.MeasurandSoC, Unit: ocpp16.UnitOfMeasurePercent},
			}}
		}
		if _, err := cp.MeterValues(ctx, ocpp16.MeterValuesRequest{ConnectorId: 1, TransactionId: &tx, MeterValue: []ocpp16.MeterValue{sample(started.Add(time.Minute), "2500")}}); err != nil {
			t.Fatal(err)
		}
		var mev map[string]any
		if err := json.Unmarshal(next(t, meters).Data, &mev); err != nil {
			t.Fatal(err)
		}
		if mev["measurand"] != "Energy.Active.Import.Register" || mev["value"] != 2500.0 || mev["unit"] != "Wh" || mev["connector_id"] != 1.0 || mev["session_id"] == nil {
			t.Errorf("meter value event = %v", mev)
		}
		for _, k := range []string{"phase", "context", "timestamp"} {
			if _, ok := mev[k]; !ok {
				t.Errorf("meter value event lacks %s: %v", k, mev)
			}
		}

		sess, err := e.csms.Store.SessionByTransactionID(ctx, row.ID, tx)
		if err != nil {
			t.Fatal(err)
		}
		if got := sess.EnergyConsumed; math.Abs(got-1.5) > 1e-9 {
			t.Errorf("energy consumed while charging = %v kWh, want 1.5", got)
		}
		if sess.Status != store.SessionCharging || !sess.IsActive() {
			t.Errorf("session status while charging = %q, want Charging", sess.Status)
		}

		if _, err := cp.StopTransaction(ctx, ocpp16.StopTransactionRequest{TransactionId: tx, MeterStop: 4600, Timestamp: ocpp16.NewDateTime(started.Add(30 * time.Minute)), Reason: ocpp16.ReasonLocal, IdTag: "RFID-OK"}); err != nil {
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
		if sev.Session["status"] != "Completed" || sev.Session["duration_seconds"] != 1800.0 || sev.Session["energy_consumed"] != 3.6 {
			t.Errorf("stopped event = %+v", sev)
		}

		sess, err = e.csms.Store.SessionByTransactionID(ctx, row.ID, tx)
		if err != nil {
			t.Fatal(err)
		}
		if sess.Status != "Completed" || sess.StoppedAt == nil || math.Abs(sess.EnergyConsumed-3.6) > 1e-9 || sess.MeterStart != 1000 || sess.StopReason != "Local" {
			t.Errorf("session after stop = %+v", sess)
		}
		if d := sess.Duration(); d != 30*time.Minute {
			t.Errorf("duration = %v", d)
		}
		var n int64
		if err := db.Model(&store.MeterValue{}).Where("charging_session_id = ?", sess.ID).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != 4 {
			t.Errorf("meter value rows of the session = %d, want 4", n)
		}
		var got store.ChargePoint
		if err := db.First(&got, row.ID).Error; err != nil {
			t.Fatal(err)
		}
		if got.Vendor != "ACME" || got.Model != "Wallbox 22" || got.FirmwareVersion != "1.2.3" || !got.IsConnected() {
			t.Errorf("charge point = %+v", got)
		}

		// Every frame the server sent validates against the official schemas.
		sent, received := e.frames.snapshot()
		if n := schemas.Frames(t, sent, received); n < 8 {
			t.Errorf("validated %d frames, want at least 8 (frames logged: %d sent)", n, len(sent))
		}
	})
}
