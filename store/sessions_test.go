package store_test

import (
	"context"
	"math"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/store"
)

func TestStartSessionIdempotent(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "START")
		in := store.StartSession{ChargePointID: cp.ID, ConnectorID: 1, IDTag: "TAG1", MeterStart: 1000,
			StartedAt: base.Add(123 * time.Millisecond), ReservationID: ptr(7)}
		first, created, err := s.StartSession(ctx, in)
		if err != nil || !created {
			t.Fatalf("StartSession = %+v, %v, %v", first, created, err)
		}
		if first.TransactionID <= 0 || first.TransactionID > math.MaxInt32 {
			t.Errorf("transaction id %d is not a positive 32-bit integer", first.TransactionID)
		}
		if first.Status != store.SessionCharging || !first.IsActive() || first.MeterStart != 1000 ||
			first.ReservationID == nil || *first.ReservationID != 7 || first.IDTag != "TAG1" {
			t.Errorf("session = %+v", first)
		}
		repeat, created, err := s.StartSession(ctx, in)
		if err != nil || created || repeat.ID != first.ID || repeat.TransactionID != first.TransactionID {
			t.Fatalf("repeat = %+v, %v, %v; want the same session", repeat, created, err)
		}
		var n int64
		s.DB().Model(&store.ChargingSession{}).Count(&n)
		if n != 1 {
			t.Errorf("%d sessions, want 1", n)
		}
		_, _, err = s.StartSession(ctx, store.StartSession{ChargePointID: cp.ID + 42, ConnectorID: 1, StartedAt: base})
		wantNotFound(t, err)
	})
}

func TestStartSessionConcurrentRepeats(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		cp := newCP(t, s, "RACE-START")
		in := store.StartSession{ChargePointID: cp.ID, ConnectorID: 1, IDTag: "T", MeterStart: 5, StartedAt: base}
		const n = 10
		var wg sync.WaitGroup
		txIDs := make([]int, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() {
				sess, _, err := s.StartSession(context.Background(), in)
				errs[i] = err
				if err == nil {
					txIDs[i] = sess.TransactionID
				}
			})
		}
		wg.Wait()
		for i := range n {
			if errs[i] != nil {
				t.Fatalf("#%d: %v", i, errs[i])
			}
			if txIDs[i] != txIDs[0] {
				t.Errorf("#%d got transaction %d, want %d", i, txIDs[i], txIDs[0])
			}
		}
	})
}

func TestStartSessionClosesPreviousOnConnector(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "REPLACE")
		old := startSession(t, s, cp.ID, 1, 100, at(0))
		other := startSession(t, s, cp.ID, 2, 100, at(1))
		next := startSession(t, s, cp.ID, 1, 900, at(30))
		if next.TransactionID == old.TransactionID {
			t.Fatal("transaction id reused")
		}
		got, _ := s.SessionByID(ctx, old.ID)
		if got.Status != store.SessionCompleted || got.StopReason != "Other" || got.StoppedAt == nil || got.IsActive() {
			t.Fatalf("old session = %+v", got)
		}
		eqTime(t, "old stopped_at", *got.StoppedAt, at(30))
		if d := got.Duration(); d != 30*time.Minute {
			t.Errorf("Duration = %v", d)
		}
		if o, _ := s.SessionByID(ctx, other.ID); !o.IsActive() {
			t.Errorf("session on another connector closed: %+v", o)
		}
		var active int64
		s.DB().Model(&store.ChargingSession{}).Scopes(store.Active).Where("connector_id = 1").Count(&active)
		if active != 1 {
			t.Errorf("%d active sessions on connector 1", active)
		}

		// The late StopTransaction of the replaced session completes it once.
		stopped, err := s.StopSession(ctx, store.StopSession{ChargePointID: cp.ID, TransactionID: old.TransactionID, MeterStop: 600, StoppedAt: at(29), Reason: "EVDisconnected"})
		if err != nil {
			t.Fatal(err)
		}
		if stopped.MeterStop == nil || *stopped.MeterStop != 600 || stopped.EnergyConsumed != 0.5 || stopped.StopReason != "Other" {
			t.Errorf("late stop = %+v", stopped)
		}
		eqTime(t, "stopped_at kept", *stopped.StoppedAt, at(30))
	})
}

func TestStopSession(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "STOP")
		sess := startSession(t, s, cp.ID, 1, 1500, at(0))
		in := store.StopSession{
			ChargePointID: cp.ID, TransactionID: sess.TransactionID, MeterStop: 12000, StoppedAt: at(45), Reason: "Local", IDTag: "TAG",
			MeterValues: []store.MeterValue{
				{Value: 1500, RawValue: "1500", Context: "Transaction.Begin", Timestamp: at(0)},
				{Value: 12000, RawValue: "12000", Context: "Transaction.End", Timestamp: at(45)},
			},
		}
		stopped, err := s.StopSession(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if stopped.ID != sess.ID || stopped.Status != store.SessionCompleted || stopped.MeterStop == nil || *stopped.MeterStop != 12000 ||
			stopped.EnergyConsumed != 10.5 || stopped.StopReason != "Local" || stopped.StoppedAt == nil || stopped.Unmatched {
			t.Fatalf("stopped = %+v", stopped)
		}
		eqTime(t, "stopped_at", *stopped.StoppedAt, at(45))
		if d := stopped.Duration(); d != 45*time.Minute {
			t.Errorf("Duration = %v", d)
		}

		// A retried StopTransaction changes nothing and writes nothing twice.
		in.MeterStop, in.Reason = 99999, "Other"
		again, err := s.StopSession(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		if *again.MeterStop != 12000 || again.EnergyConsumed != 10.5 || again.StopReason != "Local" || !again.UpdatedAt.Equal(stopped.UpdatedAt) {
			t.Errorf("repeat changed the session: %+v", again)
		}
		var mvs []store.MeterValue
		if err := s.DB().Scopes(store.ForSession(sess.ID)).Order("timestamp").Find(&mvs).Error; err != nil {
			t.Fatal(err)
		}
		if len(mvs) != 2 {
			t.Fatalf("%d transaction meter values, want 2", len(mvs))
		}
		if mv := mvs[1]; mv.ChargePointID != cp.ID || mv.TransactionID == nil || *mv.TransactionID != sess.TransactionID ||
			mv.Measurand != store.MeasurandEnergy || mv.Unit != "Wh" || mv.Context != "Transaction.End" || mv.RawValue != "12000" {
			t.Errorf("meter value = %+v", mv)
		}

		// Energy never goes negative (meter replaced, rollover…).
		neg := startSession(t, s, cp.ID, 2, 5000, at(50))
		got, err := s.StopSession(ctx, store.StopSession{ChargePointID: cp.ID, TransactionID: neg.TransactionID, MeterStop: 10, StoppedAt: at(51)})
		if err != nil || got.EnergyConsumed != 0 {
			t.Errorf("negative energy: %+v, %v", got, err)
		}
		_, err = s.StopSession(ctx, store.StopSession{ChargePointID: cp.ID + 5, TransactionID: 1, StoppedAt: at(51)})
		wantNotFound(t, err)
	})
}

func TestStopSessionUnmatched(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "UNMATCHED")
		other := newCP(t, s, "OTHER")
		// A transaction of another charge point is unknown to this one.
		foreign := startSession(t, s, other.ID, 1, 0, at(0))
		for _, txID := range []int{424242, foreign.TransactionID} {
			in := store.StopSession{ChargePointID: cp.ID, TransactionID: txID, MeterStop: 777, StoppedAt: at(9), Reason: "PowerLoss", IDTag: "X",
				MeterValues: []store.MeterValue{{Value: 777, Timestamp: at(9)}}}
			first, err := s.StopSession(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if !first.Unmatched || first.Status != store.SessionCompleted || first.TransactionID != txID || first.ChargePointID != cp.ID ||
				first.MeterStart != 777 || *first.MeterStop != 777 || first.EnergyConsumed != 0 || first.IDTag != "X" || first.StopReason != "PowerLoss" {
				t.Fatalf("unmatched session = %+v", first)
			}
			eqTime(t, "started_at", first.StartedAt, at(9))
			second, err := s.StopSession(ctx, in)
			if err != nil || second.ID != first.ID {
				t.Fatalf("repeat = %+v, %v; want the same row", second, err)
			}
			var n int64
			s.DB().Model(&store.ChargingSession{}).Where("charge_point_id = ? AND transaction_id = ?", cp.ID, txID).Count(&n)
			if n != 1 {
				t.Errorf("%d unmatched rows for %d, want 1", n, txID)
			}
			var mvs int64
			s.DB().Model(&store.MeterValue{}).Scopes(store.ForSession(first.ID)).Count(&mvs)
			if mvs != 1 {
				t.Errorf("%d meter values on the unmatched session, want 1", mvs)
			}
			got, err := s.SessionByTransactionID(ctx, cp.ID, txID)
			if err != nil || got.ID != first.ID {
				t.Errorf("SessionByTransactionID = %+v, %v", got, err)
			}
		}
		if f, _ := s.SessionByID(ctx, foreign.ID); !f.IsActive() {
			t.Errorf("another charge point's session was closed: %+v", f)
		}
	})
}

func TestSessionLookups(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "LOOKUP")
		idle := newCP(t, s, "IDLE")
		a := startSession(t, s, cp.ID, 1, 0, at(0))
		b := startSession(t, s, cp.ID, 2, 0, at(5))

		got, err := s.SessionByTransactionID(ctx, cp.ID, a.TransactionID)
		if err != nil || got.ID != a.ID {
			t.Fatalf("SessionByTransactionID = %+v, %v", got, err)
		}
		_, err = s.SessionByTransactionID(ctx, idle.ID, a.TransactionID)
		wantNotFound(t, err)
		_, err = s.SessionByID(ctx, b.ID+100)
		wantNotFound(t, err)

		act, err := s.ActiveSession(ctx, cp.ID, 2)
		if err != nil || act.ID != b.ID {
			t.Fatalf("ActiveSession = %+v, %v", act, err)
		}
		_, err = s.ActiveSession(ctx, cp.ID, 3)
		wantNotFound(t, err)

		cur, err := cp.CurrentSession(ctx, s.DB())
		if err != nil || cur.ID != b.ID {
			t.Fatalf("CurrentSession = %+v, %v; want the newest active", cur, err)
		}
		_, err = idle.CurrentSession(ctx, s.DB())
		wantNotFound(t, err)

		if d := (&store.ChargingSession{Status: store.SessionCharging, StartedAt: time.Now().Add(-time.Hour)}).Duration(); d < time.Hour || d > time.Hour+time.Minute {
			t.Errorf("active Duration = %v, want about 1h", d)
		}
	})
}

func TestSessionScopesAndEnergyToday(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "SCOPES")
		yesterday := startSession(t, s, cp.ID, 1, 0, at(-24*60))
		if _, err := s.StopSession(ctx, store.StopSession{ChargePointID: cp.ID, TransactionID: yesterday.TransactionID, MeterStop: 50000, StoppedAt: at(-23 * 60)}); err != nil {
			t.Fatal(err)
		}
		today := startSession(t, s, cp.ID, 1, 0, at(10))
		if _, err := s.StopSession(ctx, store.StopSession{ChargePointID: cp.ID, TransactionID: today.TransactionID, MeterStop: 2000, StoppedAt: at(20)}); err != nil {
			t.Fatal(err)
		}
		running := startSession(t, s, cp.ID, 2, 0, at(-60))
		if err := s.DB().Model(running).Update("energy_consumed", 3.5).Error; err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			name  string
			scope func(*gorm.DB) *gorm.DB
			want  []uint
		}{
			{"active", store.Active, []uint{running.ID}},
			{"completed", store.Completed, []uint{yesterday.ID, today.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got []store.ChargingSession
				if err := s.DB().Scopes(tt.scope, store.ForChargePoint(cp.ID)).Order("id").Find(&got).Error; err != nil {
					t.Fatal(err)
				}
				var ids []uint
				for _, g := range got {
					ids = append(ids, g.ID)
				}
				if len(ids) != len(tt.want) {
					t.Fatalf("got %v, want %v", ids, tt.want)
				}
				for i := range ids {
					if ids[i] != tt.want[i] {
						t.Fatalf("got %v, want %v", ids, tt.want)
					}
				}
			})
		}
		kwh, err := s.EnergyToday(ctx, base)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(kwh-5.5) > 1e-9 { // 2 kWh today + 3.5 kWh of the running session
			t.Errorf("EnergyToday = %v, want 5.5", kwh)
		}
		none, err := s.EnergyToday(ctx, at(24*60))
		if err != nil || math.Abs(none-3.5) > 1e-9 {
			t.Errorf("EnergyToday(tomorrow) = %v, %v; want 3.5 (the running session)", none, err)
		}
	})
}

func TestTransactionIDsAreUnique(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		cp := newCP(t, s, "MANY")
		seen := map[int]bool{}
		for i := range 200 {
			sess := startSession(t, s, cp.ID, i+1, 0, at(i))
			if seen[sess.TransactionID] {
				t.Fatalf("transaction id %d handed out twice", sess.TransactionID)
			}
			seen[sess.TransactionID] = true
		}
		// The database, not the process, guarantees uniqueness.
		err := s.DB().Create(&store.ChargingSession{ChargePointID: cp.ID, ConnectorID: 999, TransactionID: firstKey(seen), StartedAt: base}).Error
		if err == nil {
			t.Fatal("duplicate matched transaction id accepted by the database")
		}
	})
}

func firstKey(m map[int]bool) int {
	for k := range m {
		return k
	}
	return 0
}

// TestSessionStatusFollowsConnector: a running session's status is its
// connector's (Preparing, Charging, SuspendedEV, SuspendedEVSE, Finishing),
// statuses a session does not follow leave it as it was, the Active scope
// finds it in each of them, and it is Completed once stopped.
func TestSessionStatusFollowsConnector(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "FOLLOW")
		setStatus := func(connector int, status string) {
			t.Helper()
			if _, err := s.UpdateConnectorStatus(ctx, cp.ID, store.ConnectorStatus{ConnectorID: connector, Status: status, ErrorCode: "NoError"}); err != nil {
				t.Fatal(err)
			}
		}
		check := func(sess *store.ChargingSession, want string) {
			t.Helper()
			got, err := s.SessionByID(ctx, sess.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != want {
				t.Fatalf("session status = %q, want %q", got.Status, want)
			}
			var active []store.ChargingSession
			if err := s.DB().Scopes(store.Active, store.ForChargePoint(cp.ID)).Find(&active).Error; err != nil {
				t.Fatal(err)
			}
			running := want != store.SessionCompleted
			found := slices.ContainsFunc(active, func(a store.ChargingSession) bool { return a.ID == sess.ID })
			if found != running || got.IsActive() != running {
				t.Fatalf("status %q: in the Active scope %v, IsActive %v; want %v", want, found, got.IsActive(), running)
			}
		}

		setStatus(1, "Preparing")
		sess := startSession(t, s, cp.ID, 1, 0, at(0))
		check(sess, store.SessionPreparing)
		for _, st := range []string{"Charging", "SuspendedEV", "SuspendedEVSE", "Charging"} {
			setStatus(1, st)
			check(sess, st)
		}
		setStatus(0, "Available")     // the charge point as a whole
		setStatus(2, "SuspendedEVSE") // another connector
		setStatus(1, "Faulted")       // not a session status
		check(sess, store.SessionCharging)
		setStatus(1, "Finishing")
		check(sess, store.SessionFinishing)
		if _, err := s.StopSession(ctx, store.StopSession{ChargePointID: cp.ID, TransactionID: sess.TransactionID, MeterStop: 100, StoppedAt: at(30)}); err != nil {
			t.Fatal(err)
		}
		check(sess, store.SessionCompleted)
		setStatus(1, "Charging") // after the stop: the session stays Completed
		check(sess, store.SessionCompleted)

		// A connector in a status a session does not start in (or none
		// known) starts it Charging.
		setStatus(1, "Available")
		check(startSession(t, s, cp.ID, 1, 100, at(40)), store.SessionCharging)
		check(startSession(t, s, cp.ID, 3, 0, at(40)), store.SessionCharging)
	})
}
