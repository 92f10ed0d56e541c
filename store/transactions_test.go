package store_test

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/store"
)

// reading returns a 2.0.1 energy register reading of wh at ts.
func reading(ts time.Time, wh float64, context string) store.MeterValue {
	return store.MeterValue{Measurand: store.MeasurandEnergy, Unit: "Wh", Value: wh, Context: context, Timestamp: ts}
}

func record(t *testing.T, s *store.Store, in store.TransactionUpdate) *store.TransactionResult {
	t.Helper()
	res, err := s.RecordTransactionEvent(context.Background(), in)
	if err != nil {
		t.Fatalf("RecordTransactionEvent(%s %d): %v", in.EventType, in.SeqNo, err)
	}
	return res
}

func meterRows(t *testing.T, s *store.Store, sessionID uint) int64 {
	t.Helper()
	var n int64
	if err := s.DB().Model(&store.MeterValue{}).Where("charging_session_id = ?", sessionID).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func approx(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestTransactionEventLifecycle: Started, Updated and Ended drive one
// session; the energy is the last register reading minus the first.
func TestTransactionEventLifecycle(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		cp := newCP(t, s, "TX-1")
		ev := func(kind string, seq int, ts time.Time, mvs ...store.MeterValue) store.TransactionUpdate {
			return store.TransactionUpdate{ChargePointID: cp.ID, TransactionID: "tx-abc", EventType: kind, SeqNo: seq,
				Timestamp: ts, TriggerReason: "Authorized", EVSEID: 2, ConnectorID: 1, IDTag: "04E1", IDTokenType: "ISO14443",
				MeterValues: mvs}
		}
		start := record(t, s, ev(store.TransactionStarted, 0, at(0), reading(at(0), 10000, "Transaction.Begin")))
		if !start.Created || start.Stopped || start.Duplicate {
			t.Fatalf("started: %+v", start)
		}
		sess := start.Session
		if sess.StationTransactionID != "tx-abc" || sess.EVSEID != 2 || sess.ConnectorID != 1 || sess.IDTag != "04E1" ||
			sess.IDTokenType != "ISO14443" || !sess.IsActive() || sess.TransactionID <= 0 || sess.MeterStart != 10000 {
			t.Fatalf("session after Started: %+v", sess)
		}
		if len(start.MeterValues) != 1 || start.MeterValues[0].EVSEID != 2 || start.MeterValues[0].TransactionID == nil {
			t.Errorf("rows of Started: %+v", start.MeterValues)
		}
		upd := record(t, s, ev(store.TransactionUpdated, 1, at(10), reading(at(10), 12500, "Sample.Periodic")))
		if upd.Created || upd.Stopped || !approx(upd.Session.EnergyConsumed, 2.5) {
			t.Fatalf("updated: %+v, session %+v", upd, upd.Session)
		}
		end := ev(store.TransactionEnded, 2, at(30), reading(at(30), 16000, "Transaction.End"))
		end.StoppedReason = "EVDisconnected"
		res := record(t, s, end)
		got := res.Session
		if !res.Stopped || got.Status != store.SessionCompleted || got.StopReason != "EVDisconnected" ||
			got.StoppedAt == nil || !got.StoppedAt.Equal(at(30)) || got.MeterStop == nil || *got.MeterStop != 16000 ||
			!approx(got.EnergyConsumed, 6) {
			t.Fatalf("ended: %+v, session %+v", res, got)
		}
		if n := meterRows(t, s, got.ID); n != 3 {
			t.Errorf("meter rows %d, want 3", n)
		}
		evs, err := s.TransactionEvents(context.Background(), got.ID)
		if err != nil || len(evs) != 3 || evs[2].EventType != store.TransactionEnded {
			t.Errorf("events %+v, %v", evs, err)
		}
		byStation, err := s.SessionByStationTransactionID(context.Background(), cp.ID, "tx-abc")
		if err != nil || byStation.ID != got.ID {
			t.Errorf("SessionByStationTransactionID: %+v, %v", byStation, err)
		}
	})
}

// TestTransactionEventRetries: a repeated event (a retry after a lost
// reply) changes nothing, stores no row twice and closes nothing twice.
func TestTransactionEventRetries(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		cp := newCP(t, s, "TX-RETRY")
		started := store.TransactionUpdate{ChargePointID: cp.ID, TransactionID: "r1", EventType: store.TransactionStarted,
			Timestamp: at(0), EVSEID: 1, MeterValues: []store.MeterValue{reading(at(0), 100, "Transaction.Begin")}}
		first := record(t, s, started)
		again := record(t, s, started)
		if !again.Duplicate || again.Created || again.Session.ID != first.Session.ID {
			t.Fatalf("repeated Started: %+v", again)
		}
		ended := started
		ended.EventType, ended.SeqNo, ended.Timestamp = store.TransactionEnded, 1, at(5)
		ended.MeterValues = []store.MeterValue{reading(at(5), 600, "Transaction.End")}
		if r := record(t, s, ended); !r.Stopped {
			t.Fatalf("Ended: %+v", r)
		}
		if r := record(t, s, ended); !r.Duplicate || r.Stopped {
			t.Fatalf("repeated Ended: %+v", r)
		}
		if n := meterRows(t, s, first.Session.ID); n != 2 {
			t.Errorf("meter rows %d, want 2", n)
		}
		var n int64
		s.DB().Model(&store.ChargingSession{}).Where("charge_point_id = ?", cp.ID).Count(&n)
		if n != 1 {
			t.Errorf("%d sessions, want 1", n)
		}
	})
}

// TestTransactionEventOutOfOrder: an offline station's backlog arrives
// late and out of order; the Ended of a transaction never Started is
// recorded, a late Started keeps it ended, late readings correct the
// energy, and an older state never overwrites a newer one.
func TestTransactionEventOutOfOrder(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		cp := newCP(t, s, "TX-OFFLINE")
		base := store.TransactionUpdate{ChargePointID: cp.ID, TransactionID: "off-1", Offline: true}
		ended := base
		ended.EventType, ended.SeqNo, ended.Timestamp, ended.EVSEID = store.TransactionEnded, 3, at(40), 1
		ended.MeterValues = []store.MeterValue{reading(at(40), 9000, "Transaction.End")}
		res := record(t, s, ended)
		if !res.Created || res.Session.Status != store.SessionCompleted || !res.Session.Offline {
			t.Fatalf("Ended first: %+v, %+v", res, res.Session)
		}
		upd := base
		upd.EventType, upd.SeqNo, upd.Timestamp = store.TransactionUpdated, 1, at(20)
		upd.MeterValues = []store.MeterValue{reading(at(20), 6000, "Sample.Periodic")}
		upd.IDTag, upd.IDTokenType = "OLD-TOKEN", "ISO14443"
		res = record(t, s, upd)
		if res.Created || res.Session.Status != store.SessionCompleted {
			t.Fatalf("late Updated reopened the session: %+v", res.Session)
		}
		if res.Session.IDTag != "OLD-TOKEN" {
			t.Errorf("id token of a late event not taken while none was known: %q", res.Session.IDTag)
		}
		// The first reading so far is 6000 at 20; the last 9000 at 40.
		if !approx(res.Session.EnergyConsumed, 3) || *res.Session.MeterStop != 9000 {
			t.Errorf("energy %v, stop %v; want 3 kWh, 9000", res.Session.EnergyConsumed, *res.Session.MeterStop)
		}
		started := base
		started.EventType, started.SeqNo, started.Timestamp, started.EVSEID = store.TransactionStarted, 0, at(0), 1
		started.MeterValues = []store.MeterValue{reading(at(0), 1000, "Transaction.Begin")}
		res = record(t, s, started)
		got := res.Session
		if res.Created || res.Stopped || got.Status != store.SessionCompleted || !got.StartedAt.Equal(at(0)) ||
			got.MeterStart != 1000 || !approx(got.EnergyConsumed, 8) || *got.MeterStop != 9000 || got.SeqNo != 3 {
			t.Fatalf("after the late Started: %+v", got)
		}
		// A newer state wins over an older one, whatever the arrival order.
		tok := store.TransactionUpdate{ChargePointID: cp.ID, TransactionID: "live", EventType: store.TransactionStarted,
			SeqNo: 0, Timestamp: at(0), EVSEID: 2}
		record(t, s, tok)
		newer := tok
		newer.EventType, newer.SeqNo, newer.Timestamp, newer.IDTag = store.TransactionUpdated, 5, at(5), "NEW"
		record(t, s, newer)
		older := tok
		older.EventType, older.SeqNo, older.Timestamp, older.IDTag, older.EVSEID = store.TransactionUpdated, 2, at(2), "OLDER", 3
		res = record(t, s, older)
		if res.Session.IDTag != "NEW" || res.Session.EVSEID != 2 || res.Session.SeqNo != 5 {
			t.Errorf("an older event rolled the session back: %+v", res.Session)
		}
	})
}

// TestTransactionEventStartedClosesTheEVSE: one running session per EVSE.
func TestTransactionEventStartedClosesTheEVSE(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		cp := newCP(t, s, "TX-EVSE")
		a := record(t, s, store.TransactionUpdate{ChargePointID: cp.ID, TransactionID: "a", EventType: store.TransactionStarted, Timestamp: at(0), EVSEID: 1})
		other := record(t, s, store.TransactionUpdate{ChargePointID: cp.ID, TransactionID: "o", EventType: store.TransactionStarted, Timestamp: at(1), EVSEID: 2})
		record(t, s, store.TransactionUpdate{ChargePointID: cp.ID, TransactionID: "b", EventType: store.TransactionStarted, Timestamp: at(9), EVSEID: 1})
		old, err := s.SessionByID(context.Background(), a.Session.ID)
		if err != nil || old.Status != store.SessionCompleted || old.StopReason != "Other" {
			t.Errorf("earlier session of EVSE 1: %+v, %v", old, err)
		}
		if o, _ := s.SessionByID(context.Background(), other.Session.ID); !o.IsActive() {
			t.Error("the session of EVSE 2 was closed")
		}
		cur, err := s.ActiveSession(context.Background(), cp.ID, 1)
		if err != nil || cur.StationTransactionID != "b" {
			t.Errorf("active session of EVSE 1: %+v, %v", cur, err)
		}
	})
}

// TestWriteTransactionEvent: the group-committed path of Updated events
// stores the rows and the event, keeps the energy current, and recognises
// a retry, also when the retry is in the same batch.
func TestWriteTransactionEvent(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "TX-FAST")
		sess := record(t, s, store.TransactionUpdate{ChargePointID: cp.ID, TransactionID: "f", EventType: store.TransactionStarted,
			Timestamp: at(0), EVSEID: 1, ConnectorID: 1, MeterValues: []store.MeterValue{reading(at(0), 500, "Transaction.Begin")}}).Session
		w := newWriter(t, s, store.MeterWriterConfig{})
		event := func(seq int, ts time.Time, wh float64) (store.TransactionEvent, []store.MeterValue) {
			mv := reading(ts, wh, "Sample.Periodic")
			mv.ChargePointID, mv.ChargingSessionID, mv.TransactionID, mv.EVSEID, mv.ConnectorID = cp.ID, &sess.ID, &sess.TransactionID, 1, 1
			power := mv
			power.Measurand, power.Unit, power.Value = store.MeasurandPower, "W", 7400
			return store.TransactionEvent{ChargePointID: cp.ID, ChargingSessionID: sess.ID, SeqNo: seq, EventType: store.TransactionUpdated,
				TriggerReason: "MeterValuePeriodic", Timestamp: ts}, []store.MeterValue{mv, power}
		}
		ev, rows := event(1, at(1), 1500)
		if dup, err := w.WriteTransactionEvent(ctx, ev, rows); err != nil || dup {
			t.Fatalf("first write: dup %v, %v", dup, err)
		}
		if dup, err := w.WriteTransactionEvent(ctx, ev, rows); err != nil || !dup {
			t.Fatalf("retry: dup %v, %v", dup, err)
		}
		// The same event from two connections at once (a reconnect while the
		// first is still queued): one is stored.
		ev2, rows2 := event(2, at(2), 2500)
		var wg sync.WaitGroup
		dups := make(chan bool, 2)
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				dup, err := w.WriteTransactionEvent(ctx, ev2, rows2)
				if err != nil {
					t.Error(err)
				}
				dups <- dup
			}()
		}
		wg.Wait()
		close(dups)
		stored := 0
		for d := range dups {
			if !d {
				stored++
			}
		}
		if stored != 1 {
			t.Errorf("concurrent copies of one event: %d stored, want 1", stored)
		}
		if n := meterRows(t, s, sess.ID); n != 5 {
			t.Errorf("meter rows %d, want 5 (1 + 2 + 2)", n)
		}
		got, err := s.SessionByID(ctx, sess.ID)
		if err != nil || !approx(got.EnergyConsumed, 2) {
			t.Errorf("energy %+v, %v; want 2 kWh", got, err)
		}
		evs, err := s.TransactionEvents(ctx, sess.ID)
		if err != nil || len(evs) != 3 || evs[1].TriggerReason != "MeterValuePeriodic" {
			t.Errorf("events %+v, %v", evs, err)
		}
		// The transactional path recognises an event the writer recorded.
		if r := record(t, s, store.TransactionUpdate{ChargePointID: cp.ID, TransactionID: "f", EventType: store.TransactionUpdated,
			SeqNo: 1, Timestamp: at(1)}); !r.Duplicate {
			t.Errorf("RecordTransactionEvent of a written event: %+v", r)
		}
	})
}

func TestVariables(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "DM-1")
		maxLimit := 60.0
		report := []store.Variable{
			{Component: "OCPPCommCtrlr", Name: "HeartbeatInterval", Value: "300", Mutability: "ReadWrite", DataType: "integer", Unit: "s"},
			{Component: "EVSE", EVSEID: 1, Name: "Power", Attribute: store.AttributeMaxSet, Value: "22000", Mutability: "ReadOnly", DataType: "decimal", Unit: "W", MaxLimit: &maxLimit},
			{Component: "Connector", EVSEID: 1, ConnectorID: 1, Name: "AvailabilityState", Value: "Available", DataType: "OptionList", ValuesList: "Available,Occupied"},
		}
		if err := s.RecordVariableReport(ctx, cp.ID, report, at(0)); err != nil {
			t.Fatal(err)
		}
		// A GetVariables read and an accepted SetVariables change values,
		// not characteristics; a refused one changes the status only.
		err := s.RecordVariableValues(ctx, cp.ID, []store.Variable{
			{Component: "OCPPCommCtrlr", Name: "HeartbeatInterval", Value: "60", Status: "Accepted"},
		}, at(1), store.VariableValues{Changed: true})
		if err != nil {
			t.Fatal(err)
		}
		refused := store.Variable{Component: "Connector", EVSEID: 1, ConnectorID: 1, Name: "AvailabilityState", Value: "Bogus", Status: "Rejected"}
		err = s.RecordVariableValues(ctx, cp.ID, []store.Variable{refused}, at(2), store.VariableValues{Changed: true, KeepValue: map[store.VariableKey]bool{refused.Key(): true}})
		if err != nil {
			t.Fatal(err)
		}
		hb, err := s.Variable(ctx, cp.ID, store.VariableKey{Component: "OCPPCommCtrlr", Name: "HeartbeatInterval"})
		if err != nil || hb.Value != "60" || hb.DataType != "integer" || hb.Unit != "s" || hb.Status != "Accepted" || hb.ChangedAt == nil || hb.ReportedAt == nil {
			t.Errorf("HeartbeatInterval %+v, %v", hb, err)
		}
		st, err := s.Variable(ctx, cp.ID, refused.Key())
		if err != nil || st.Value != "Available" || st.Status != "Rejected" {
			t.Errorf("refused write: %+v, %v", st, err)
		}
		one := 1
		evse, err := s.Variables(ctx, cp.ID, store.VariableFilter{EVSEID: &one})
		if err != nil || len(evse) != 2 || evse[0].Component != "Connector" || evse[1].MaxLimit == nil || *evse[1].MaxLimit != 60 {
			t.Errorf("variables of EVSE 1: %+v, %v", evse, err)
		}
		if k := evse[1].Key().String(); k != "EVSE/1.Power:MaxSet" {
			t.Errorf("key %q", k)
		}
		_, err = s.Variable(ctx, cp.ID, store.VariableKey{Component: "Nope", Name: "X"})
		wantNotFound(t, err)
	})
}

// TestReadingKeyHasTheEVSE: two EVSEs of a 2.0.1 station both have a
// connector 1; their readings at the same instant are two readings, not a
// repeat of one.
func TestReadingKeyHasTheEVSE(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "EVSES")
		w := newWriter(t, s, store.MeterWriterConfig{})
		var rows []store.MeterValue
		for evse := 1; evse <= 2; evse++ {
			mv := reading(at(1), 100*float64(evse), "Sample.Periodic")
			mv.ChargePointID, mv.EVSEID, mv.ConnectorID = cp.ID, evse, 1
			rows = append(rows, mv)
		}
		for range 2 { // the second write is a retry: nothing more is stored
			if err := w.Write(ctx, rows); err != nil {
				t.Fatal(err)
			}
		}
		var n int64
		if err := s.DB().Model(&store.MeterValue{}).Where("charge_point_id = ?", cp.ID).Count(&n).Error; err != nil || n != 2 {
			t.Errorf("%d rows, %v; want one per EVSE", n, err)
		}
	})
}

func TestParseVariableKey(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want store.VariableKey
	}{
		{"OCPPCommCtrlr.HeartbeatInterval", store.VariableKey{Component: "OCPPCommCtrlr", Name: "HeartbeatInterval", Attribute: "Actual"}},
		{"EVSE/1.Power:MaxSet", store.VariableKey{Component: "EVSE", EVSEID: 1, Name: "Power", Attribute: "MaxSet"}},
		{"Connector[CCS]/2/1.AvailabilityState", store.VariableKey{Component: "Connector", ComponentInstance: "CCS", EVSEID: 2, ConnectorID: 1, Name: "AvailabilityState", Attribute: "Actual"}},
		{"OCPPCommCtrlr.MessageAttempts[TransactionEvent]", store.VariableKey{Component: "OCPPCommCtrlr", Name: "MessageAttempts", Instance: "TransactionEvent", Attribute: "Actual"}},
	} {
		got, err := store.ParseVariableKey(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseVariableKey(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
		if err == nil {
			if back, _ := store.ParseVariableKey(got.String()); back != got {
				t.Errorf("%q does not round-trip: %q", tt.in, got.String())
			}
		}
	}
	for _, bad := range []string{"", "HeartbeatInterval", ".X", "C.", "C/x.V", "C/1/2/3.V", "C[i.V", "C.V[i"} {
		if _, err := store.ParseVariableKey(bad); err == nil {
			t.Errorf("ParseVariableKey(%q) succeeded", bad)
		}
	}
}

// TestTransactionEventSessionStatus: a running 2.0.1 session's status
// follows its charging state in the vocabulary 1.6 sessions use, in seqNo
// order.
func TestTransactionEventSessionStatus(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		cp := newCP(t, s, "TX-STATE")
		ev := func(kind string, seq int, state string) store.TransactionUpdate {
			return store.TransactionUpdate{ChargePointID: cp.ID, TransactionID: "st", EventType: kind, SeqNo: seq,
				Timestamp: at(seq), EVSEID: 1, ChargingState: state}
		}
		for _, step := range []struct {
			in   store.TransactionUpdate
			want string
		}{
			{ev(store.TransactionStarted, 0, "EVConnected"), store.SessionPreparing},
			{ev(store.TransactionUpdated, 1, "Charging"), store.SessionCharging},
			{ev(store.TransactionUpdated, 3, "SuspendedEV"), store.SessionSuspendedEV},
			{ev(store.TransactionUpdated, 2, "Charging"), store.SessionSuspendedEV}, // late: older than seq 3
			{ev(store.TransactionUpdated, 4, ""), store.SessionSuspendedEV},         // no state: unchanged
			{ev(store.TransactionUpdated, 5, "SuspendedEVSE"), store.SessionSuspendedEVSE},
			{ev(store.TransactionEnded, 6, "EVConnected"), store.SessionCompleted},
		} {
			got := record(t, s, step.in).Session
			if got.Status != step.want {
				t.Errorf("after %s %d (%q): status %s, want %s", step.in.EventType, step.in.SeqNo, step.in.ChargingState, got.Status, step.want)
			}
		}
		var active int64
		s.DB().Model(&store.ChargingSession{}).Scopes(store.Active).Where("charge_point_id = ?", cp.ID).Count(&active)
		if active != 0 {
			t.Errorf("%d active sessions after Ended", active)
		}
	})
}

// TestWriteTransactionEventsBatch: a batch of many events (more than the
// largest INSERT the writer runs, so it is split into INSERTs of several
// sizes) stores each new event once and recognises exactly the retries
// among them.
func TestWriteTransactionEventsBatch(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "TX-BATCH")
		sess := record(t, s, store.TransactionUpdate{ChargePointID: cp.ID, TransactionID: "b", EventType: store.TransactionStarted,
			Timestamp: at(0), EVSEID: 1, ConnectorID: 1}).Session
		w := newWriter(t, s, store.MeterWriterConfig{MaxDelay: 50 * time.Millisecond})
		event := func(seq int) (store.TransactionEvent, []store.MeterValue) {
			ts := at(seq)
			mv := reading(ts, float64(1000+seq), "Sample.Periodic")
			mv.ChargePointID, mv.ChargingSessionID, mv.TransactionID, mv.EVSEID, mv.ConnectorID = cp.ID, &sess.ID, &sess.TransactionID, 1, 1
			return store.TransactionEvent{ChargePointID: cp.ID, ChargingSessionID: sess.ID, SeqNo: seq, EventType: store.TransactionUpdated,
				TriggerReason: "MeterValuePeriodic", Timestamp: ts}, []store.MeterValue{mv}
		}
		const n, before = 123, 7 // events 1…before are stored first, then retried in the batch
		for seq := 1; seq <= before; seq++ {
			ev, rows := event(seq)
			if dup, err := w.WriteTransactionEvent(ctx, ev, rows); err != nil || dup {
				t.Fatalf("event %d: dup %v, %v", seq, dup, err)
			}
		}
		dups := make([]bool, n+1)
		var wg sync.WaitGroup
		for seq := 1; seq <= n; seq++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ev, rows := event(seq)
				dup, err := w.WriteTransactionEvent(ctx, ev, rows)
				if err != nil {
					t.Error(err)
				}
				dups[seq] = dup
			}()
		}
		wg.Wait()
		for seq := 1; seq <= n; seq++ {
			if want := seq <= before; dups[seq] != want {
				t.Errorf("event %d: dup %v, want %v", seq, dups[seq], want)
			}
		}
		if got := meterRows(t, s, sess.ID); got != n {
			t.Errorf("meter rows %d, want %d", got, n)
		}
		evs, err := s.TransactionEvents(ctx, sess.ID)
		if err != nil || len(evs) != n+1 {
			t.Errorf("%d events, %v; want %d", len(evs), err, n+1)
		}
	})
}

// TestWriteTransactionEventStoredReadings: a new event whose readings are
// stored already (sent before by another path, or a batch retried) is
// recorded, and its readings are not stored twice. On PostgreSQL the first
// attempt fails on the reading key inside the event's transaction, which
// must be rolled back before the batch is written again.
func TestWriteTransactionEventStoredReadings(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "TX-STORED")
		sess := record(t, s, store.TransactionUpdate{ChargePointID: cp.ID, TransactionID: "s", EventType: store.TransactionStarted,
			Timestamp: at(0), EVSEID: 1, ConnectorID: 1}).Session
		w := newWriter(t, s, store.MeterWriterConfig{})
		mv := reading(at(1), 1500, "Sample.Periodic")
		mv.ChargePointID, mv.ChargingSessionID, mv.TransactionID, mv.EVSEID, mv.ConnectorID = cp.ID, &sess.ID, &sess.TransactionID, 1, 1
		if err := w.Write(ctx, []store.MeterValue{mv}); err != nil {
			t.Fatal(err)
		}
		ev := store.TransactionEvent{ChargePointID: cp.ID, ChargingSessionID: sess.ID, SeqNo: 1, EventType: store.TransactionUpdated,
			TriggerReason: "MeterValuePeriodic", Timestamp: at(1)}
		if dup, err := w.WriteTransactionEvent(ctx, ev, []store.MeterValue{mv}); err != nil || dup {
			t.Fatalf("event with stored readings: duplicate %v, %v", dup, err)
		}
		if dup, err := w.WriteTransactionEvent(ctx, ev, []store.MeterValue{mv}); err != nil || !dup {
			t.Fatalf("the event again: duplicate %v, %v; want a duplicate", dup, err)
		}
		if n := meterRows(t, s, sess.ID); n != 1 {
			t.Errorf("meter rows %d, want 1", n)
		}
		evs, err := s.TransactionEvents(ctx, sess.ID)
		if err != nil || len(evs) != 2 {
			t.Errorf("%d events, %v; want 2 (Started, Updated)", len(evs), err)
		}
	})
}
