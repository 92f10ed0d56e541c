package store_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/sqlitedb"
)

func Example() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "ocppkit-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	db, err := sqlitedb.Open(filepath.Join(dir, "ocpp.db"))
	if err != nil {
		log.Fatal(err)
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}
	if err := store.Migrate(ctx, db); err != nil {
		log.Fatal(err)
	}
	st := store.New(db)

	// A charge point connects, reports its connector and starts charging.
	cp, _, _ := st.EnsureChargePoint(ctx, "CP-001")
	start := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
	_ = st.MarkConnected(ctx, cp.ID, "node-1", start)
	_, _ = st.UpdateConnectorStatus(ctx, cp.ID, store.ConnectorStatus{ConnectorID: 1, Status: "Charging", ErrorCode: "NoError", Timestamp: start})
	sess, _, _ := st.StartSession(ctx, store.StartSession{ChargePointID: cp.ID, ConnectorID: 1, IDTag: "RFID123", MeterStart: 10000, StartedAt: start})

	// Meter values arrive; the session's energy follows the register.
	w := store.NewMeterWriter(db, store.MeterWriterConfig{})
	_ = w.Write(ctx, []store.MeterValue{
		{ChargePointID: cp.ID, ChargingSessionID: &sess.ID, ConnectorID: 1, Value: 17500, RawValue: "17500", Timestamp: start.Add(30 * time.Minute)},
		{ChargePointID: cp.ID, ChargingSessionID: &sess.ID, ConnectorID: 1, Measurand: store.MeasurandPower, Value: 15000, Unit: "W", Timestamp: start.Add(30 * time.Minute)},
	})
	_ = w.Close(ctx)

	var charging []store.ChargePoint
	db.Scopes(store.Connected, store.Charging).Find(&charging)
	fmt.Println("charging:", len(charging), charging[0].Identifier)

	current, _ := charging[0].CurrentSession(ctx, db)
	fmt.Printf("session energy: %.1f kWh\n", current.EnergyConsumed)

	var last store.MeterValue
	db.Scopes(store.ForSession(sess.ID), store.Power, store.Recent).Take(&last)
	fmt.Println("power:", last.Value, last.Unit)

	stopped, _ := st.StopSession(ctx, store.StopSession{ChargePointID: cp.ID, TransactionID: sess.TransactionID, MeterStop: 22000, StoppedAt: start.Add(time.Hour), Reason: "EVDisconnected"})
	fmt.Printf("stopped: %s, %.1f kWh in %s\n", stopped.Status, stopped.EnergyConsumed, stopped.Duration())
	// Output:
	// charging: 1 CP-001
	// session energy: 7.5 kWh
	// power: 15000 W
	// stopped: Completed, 12.0 kWh in 1h0m0s
}
