package ocppkit_test

import (
	"context"
	"math"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/store"
)

// txEvent builds a TransactionEvent of transaction id with one energy
// register reading.
func txEvent(id string, kind ocpp201.TransactionEvent, seq int, at time.Time, wh float64, offline bool) ocpp201.TransactionEventRequest {
	req := ocpp201.TransactionEventRequest{
		EventType: kind, Timestamp: ocpp201.NewDateTime(at), SeqNo: seq, TriggerReason: ocpp201.TriggerReasonMeterValuePeriodic,
		TransactionInfo: ocpp201.Transaction{TransactionId: id, ChargingState: ocpp201.ChargingStateCharging},
		Evse:            &ocpp201.EVSE{Id: 1, ConnectorId: ptr(1)},
		MeterValue: []ocpp201.MeterValue{{Timestamp: ocpp201.NewDateTime(at), SampledValue: []ocpp201.SampledValue{
			{Value: wh, Measurand: ocpp201.MeasurandEnergyActiveImportRegister, UnitOfMeasure: &ocpp201.UnitOfMeasure{Unit: "Wh"}}}}},
	}
	if offline {
		req.Offline = ptr(true)
	}
	if kind == ocpp201.TransactionEventEnded {
		req.TransactionInfo.StoppedReason = ocpp201.ReasonEVDisconnected
		req.TriggerReason = ocpp201.TriggerReasonEVCommunicationLost
	}
	return req
}

// TestTransactionEventRetries201 over a real socket: every retry of an
// acknowledged event (Started, a meter-only Updated, Ended) is
// acknowledged again and changes nothing: one session, each reading once,
// one "started" and one "stopped".
func TestTransactionEventRetries201(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, ocppkit.Config{})
		row := e.register(t, "CS-RETRY", "pw-0123456789abcdef")
		sessions := e.subscribe(t, broadcast.SessionsTopic(row.ID))
		cs := e.dial201(t, "CS-RETRY", "pw-0123456789abcdef")
		v := cs.V201()
		ctx := context.Background()
		at := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		events := []ocpp201.TransactionEventRequest{
			txEvent("tx-r", ocpp201.TransactionEventStarted, 0, at, 1000, false),
			txEvent("tx-r", ocpp201.TransactionEventUpdated, 1, at.Add(time.Minute), 1500, false),
			txEvent("tx-r", ocpp201.TransactionEventUpdated, 2, at.Add(2*time.Minute), 2000, false),
			txEvent("tx-r", ocpp201.TransactionEventEnded, 3, at.Add(3*time.Minute), 2600, false),
		}
		for _, ev := range events {
			for range 2 { // each one, then its retry
				if _, err := v.TransactionEvent(ctx, ev); err != nil {
					t.Fatalf("%s %d: %v", ev.EventType, ev.SeqNo, err)
				}
			}
		}
		var n int64
		db.Model(&store.ChargingSession{}).Where("charge_point_id = ?", row.ID).Count(&n)
		if n != 1 {
			t.Fatalf("%d sessions, want 1", n)
		}
		sess, err := e.csms.Store.SessionByStationTransactionID(ctx, row.ID, "tx-r")
		if err != nil || sess.Status != store.SessionCompleted || math.Abs(sess.EnergyConsumed-1.6) > 1e-9 || sess.StopReason != "EVDisconnected" {
			t.Fatalf("session %+v, %v", sess, err)
		}
		db.Model(&store.MeterValue{}).Where("charging_session_id = ?", sess.ID).Count(&n)
		if n != 4 {
			t.Errorf("%d meter rows, want 4 (each reading once)", n)
		}
		evs, _ := e.csms.Store.TransactionEvents(ctx, sess.ID)
		if len(evs) != 4 {
			t.Errorf("%d events recorded, want 4", len(evs))
		}
		var got []string
		for range 2 {
			var se broadcast.SessionEvent
			decode(t, next(t, sessions), &se)
			got = append(got, se.Event)
		}
		if got[0] != "started" || got[1] != "stopped" {
			t.Errorf("session events %v", got)
		}
		select {
		case m := <-sessions:
			t.Errorf("a retry published %s", m.Data)
		default:
		}
	})
}

// TestOfflineTransaction201 over a real socket: a station that was
// offline sends its backlog late and out of order, beginning with the
// Ended of a transaction whose Started never arrived. Every event is
// acknowledged (never refused, so the station never retries forever) and
// recorded; the session ends up complete, marked offline, with the right
// energy.
func TestOfflineTransaction201(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, ocppkit.Config{})
		row := e.register(t, "CS-OFF", "pw-0123456789abcdef")
		cs := e.dial201(t, "CS-OFF", "pw-0123456789abcdef")
		v := cs.V201()
		ctx := context.Background()
		at := time.Date(2026, 6, 2, 8, 0, 0, 0, time.UTC)
		backlog := []ocpp201.TransactionEventRequest{
			txEvent("tx-off", ocpp201.TransactionEventEnded, 3, at.Add(40*time.Minute), 9000, true),
			txEvent("tx-off", ocpp201.TransactionEventUpdated, 2, at.Add(20*time.Minute), 5000, true),
		}
		for _, ev := range backlog {
			if _, err := v.TransactionEvent(ctx, ev); err != nil {
				t.Fatalf("%s %d: %v", ev.EventType, ev.SeqNo, err)
			}
		}
		sess, err := e.csms.Store.SessionByStationTransactionID(ctx, row.ID, "tx-off")
		if err != nil || sess.Status != store.SessionCompleted || !sess.Offline || math.Abs(sess.EnergyConsumed-4) > 1e-9 {
			t.Fatalf("after Ended and a late Updated: %+v, %v", sess, err)
		}
		// The Started, last.
		if _, err := v.TransactionEvent(ctx, txEvent("tx-off", ocpp201.TransactionEventStarted, 0, at, 1000, true)); err != nil {
			t.Fatal(err)
		}
		sess, err = e.csms.Store.SessionByID(ctx, sess.ID)
		if err != nil || !sess.StartedAt.Equal(at) || sess.MeterStart != 1000 || *sess.MeterStop != 9000 ||
			math.Abs(sess.EnergyConsumed-8) > 1e-9 || sess.Status != store.SessionCompleted || sess.Duration() != 40*time.Minute {
			t.Fatalf("after the late Started: %+v, %v", sess, err)
		}
		evs, _ := e.csms.Store.TransactionEvents(ctx, sess.ID)
		if len(evs) != 3 || !evs[0].Offline || evs[0].SeqNo != 0 {
			t.Errorf("events %+v", evs)
		}
		// A transaction the station never started at all (a stray Updated)
		// is acknowledged and recorded too.
		if _, err := v.TransactionEvent(ctx, txEvent("tx-ghost", ocpp201.TransactionEventUpdated, 7, at, 42, false)); err != nil {
			t.Fatalf("stray Updated: %v", err)
		}
		if ghost, err := e.csms.Store.SessionByStationTransactionID(ctx, row.ID, "tx-ghost"); err != nil || !ghost.IsActive() || ghost.SeqNo != 7 {
			t.Errorf("stray transaction %+v, %v", ghost, err)
		}
	})
}

// TestLateEventOfAClosedSession201: a Started on an EVSE closes the
// session still running there; a late event of the closed one still
// counts its readings into its energy.
func TestLateEventOfAClosedSession201(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{})
	row := e.register(t, "CS-LATE", "pw-0123456789abcdef")
	v := e.dial201(t, "CS-LATE", "pw-0123456789abcdef").V201()
	ctx := context.Background()
	at := time.Date(2026, 6, 3, 8, 0, 0, 0, time.UTC)
	for _, ev := range []ocpp201.TransactionEventRequest{
		txEvent("tx-a", ocpp201.TransactionEventStarted, 0, at, 1000, false),
		txEvent("tx-b", ocpp201.TransactionEventStarted, 0, at.Add(10*time.Minute), 5000, false),
		txEvent("tx-a", ocpp201.TransactionEventUpdated, 1, at.Add(5*time.Minute), 3000, false),
	} {
		if _, err := v.TransactionEvent(ctx, ev); err != nil {
			t.Fatal(err)
		}
	}
	a, err := e.csms.Store.SessionByStationTransactionID(ctx, row.ID, "tx-a")
	if err != nil || a.Status != store.SessionCompleted || a.StopReason != "Other" || math.Abs(a.EnergyConsumed-2) > 1e-9 {
		t.Errorf("the closed session %+v, %v; want Completed (Other) with 2 kWh", a, err)
	}
}
