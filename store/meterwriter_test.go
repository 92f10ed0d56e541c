package store_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/internal/faultproxy"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/store"
)

func newWriter(t testing.TB, s *store.Store, cfg store.MeterWriterConfig) *store.MeterWriter {
	t.Helper()
	w := store.NewMeterWriter(s.DB(), cfg)
	t.Cleanup(func() {
		if err := w.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return w
}

// message returns the 4 rows of a typical MeterValues message.
func message(cpID uint, sess *store.ChargingSession, ts time.Time, wh float64) []store.MeterValue {
	var sid *uint
	var tx *int
	conn := 1
	if sess != nil {
		sid, tx, conn = &sess.ID, &sess.TransactionID, sess.ConnectorID
	}
	row := func(m, unit, phase string, v float64) store.MeterValue {
		return store.MeterValue{ChargePointID: cpID, ChargingSessionID: sid, TransactionID: tx, ConnectorID: conn,
			Measurand: m, Unit: unit, Phase: phase, Value: v, RawValue: fmt.Sprint(v), Context: "Sample.Periodic", Timestamp: ts}
	}
	return []store.MeterValue{
		row("", "", "", wh), // defaults: Energy.Active.Import.Register, Wh
		row(store.MeasurandPower, "W", "", 11000),
		row(store.MeasurandCurrent, "A", "L1", 16),
		row(store.MeasurandVoltage, "V", "L1-N", 230),
	}
}

func TestMeterWriterConcurrent(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const sessions, perSession = 20, 10 // 200 concurrent writers
		var sess []*store.ChargingSession
		for i := range sessions {
			cp := newCP(t, s, id("MW", i))
			sess = append(sess, startSession(t, s, cp.ID, 1, 1000, at(0)))
		}
		w := newWriter(t, s, store.MeterWriterConfig{})
		var wg sync.WaitGroup
		errs := make(chan error, sessions*perSession)
		for i := range sessions * perSession {
			k, j := i%sessions, i/sessions
			wg.Go(func() {
				// Readings of one session arrive in any order; the newest wins.
				errs <- w.Write(ctx, message(sess[k].ChargePointID, sess[k], at(1+j), 1000+100*float64(j+1)))
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var n int64
		s.DB().Model(&store.MeterValue{}).Count(&n)
		if n != sessions*perSession*4 {
			t.Errorf("%d rows, want %d", n, sessions*perSession*4)
		}
		for _, ss := range sess {
			got, _ := s.SessionByID(ctx, ss.ID)
			if math.Abs(got.EnergyConsumed-float64(perSession)*0.1) > 1e-9 {
				t.Errorf("session %d energy = %v, want %v", ss.ID, got.EnergyConsumed, float64(perSession)*0.1)
			}
			if got.EnergyUpdatedAt == nil || !got.EnergyUpdatedAt.Equal(at(perSession)) {
				t.Errorf("session %d energy_updated_at = %v", ss.ID, got.EnergyUpdatedAt)
			}
			var energy int64
			s.DB().Model(&store.MeterValue{}).Scopes(store.ForSession(ss.ID), store.Energy).Count(&energy)
			if energy != perSession {
				t.Errorf("session %d: %d energy rows", ss.ID, energy)
			}
		}
	})
}

func TestMeterWriterEnergy(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "ENERGY")
		w := newWriter(t, s, store.MeterWriterConfig{MaxBatch: 1, MaxDelay: time.Millisecond})
		sess := startSession(t, s, cp.ID, 1, 500, at(0))
		energy := func() float64 {
			t.Helper()
			got, err := s.SessionByID(ctx, sess.ID)
			if err != nil {
				t.Fatal(err)
			}
			return got.EnergyConsumed
		}
		reading := func(ts time.Time, v float64, unit, phase, format string) store.MeterValue {
			return store.MeterValue{ChargePointID: cp.ID, ChargingSessionID: &sess.ID, ConnectorID: 1,
				Measurand: store.MeasurandEnergy, Value: v, Unit: unit, Phase: phase, Format: format, Timestamp: ts}
		}
		steps := []struct {
			name string
			rows []store.MeterValue
			want float64
		}{
			{"kWh converted", []store.MeterValue{reading(at(10), 2.5, "kWh", "", "")}, 2.0},
			{"older reading ignored", []store.MeterValue{reading(at(5), 9000, "Wh", "", "")}, 2.0},
			{"phase readings ignored", []store.MeterValue{reading(at(11), 9000, "Wh", "L1", "")}, 2.0},
			{"signed data ignored", []store.MeterValue{reading(at(12), 9000, "Wh", "", "SignedData")}, 2.0},
			{"newest of one write wins", []store.MeterValue{reading(at(14), 4500, "Wh", "", ""), reading(at(13), 3500, "Wh", "", "")}, 4.0},
			{"below meter start is zero", []store.MeterValue{reading(at(15), 100, "Wh", "", "")}, 0},
			{"no session, no update", []store.MeterValue{{ChargePointID: cp.ID, Value: 99999, Timestamp: at(16)}}, 0},
		}
		for _, st := range steps {
			if err := w.Write(ctx, st.rows); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			if got := energy(); math.Abs(got-st.want) > 1e-9 {
				t.Errorf("%s: energy = %v, want %v", st.name, got, st.want)
			}
		}
		if _, err := s.StopSession(ctx, store.StopSession{ChargePointID: cp.ID, TransactionID: sess.TransactionID, MeterStop: 1500, StoppedAt: at(20)}); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(ctx, []store.MeterValue{reading(at(30), 50000, "Wh", "", "")}); err != nil {
			t.Fatal(err)
		}
		if got := energy(); got != 1 {
			t.Errorf("completed session's energy changed to %v", got)
		}
		if err := w.Write(ctx, nil); err != nil {
			t.Errorf("empty Write: %v", err)
		}
	})
}

// TestMeterWriterEnergyManySessions writes one batch touching 123 sessions:
// their energy UPDATEs run as statements of 100, 10 and 1 sessions (100 +
// 2×10 + 3×1), and every session gets its own reading.
func TestMeterWriterEnergyManySessions(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := newWriter(t, s, store.MeterWriterConfig{})
		const n = 123
		var rows []store.MeterValue
		sessions := make([]*store.ChargingSession, n)
		for i := range sessions {
			cp := newCP(t, s, fmt.Sprintf("MANY%03d", i))
			sessions[i] = startSession(t, s, cp.ID, 1, 1000, at(0))
			rows = append(rows, message(cp.ID, sessions[i], at(10), float64(2000+i))...)
		}
		if err := w.Write(ctx, rows); err != nil {
			t.Fatal(err)
		}
		for i, sess := range sessions {
			got, err := s.SessionByID(ctx, sess.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := float64(1000+i) / 1000; math.Abs(got.EnergyConsumed-want) > 1e-9 {
				t.Errorf("session %d of %d: energy = %v, want %v", i+1, n, got.EnergyConsumed, want)
			}
		}
	})
}

func TestMeterWriterErrors(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "ERR")
		sess := startSession(t, s, cp.ID, 1, 0, at(0))
		// The batch failure is logged at Error; keep the test output clean.
		w := store.NewMeterWriter(s.DB(), store.MeterWriterConfig{Logger: slog.New(slog.DiscardHandler)})

		t.Run("bad rows fail only their caller", func(t *testing.T) {
			const good = 50
			var wg sync.WaitGroup
			errs := make([]error, good+1)
			for i := range good + 1 {
				wg.Go(func() {
					cpID := cp.ID
					if i == good {
						cpID = 987654 // no such charge point: foreign key violation
					}
					errs[i] = w.Write(ctx, message(cpID, nil, at(i), 1))
				})
			}
			wg.Wait()
			for i, err := range errs[:good] {
				if err != nil {
					t.Errorf("good writer %d: %v", i, err)
				}
			}
			if errs[good] == nil {
				t.Error("bad writer: no error")
			}
			var n int64
			s.DB().Model(&store.MeterValue{}).Count(&n)
			if n != good*4 {
				t.Errorf("%d rows, want %d", n, good*4)
			}
		})

		t.Run("database failure and retry", func(t *testing.T) {
			var before int64
			s.DB().Model(&store.MeterValue{}).Count(&before)
			if err := s.DB().Exec("ALTER TABLE ocpp_meter_values RENAME TO away_meter_values").Error; err != nil {
				t.Fatal(err)
			}
			rows := message(cp.ID, sess, at(100), 5000)
			if err := w.Write(ctx, rows); err == nil {
				t.Fatal("Write without a table: no error")
			}
			var energy float64
			s.DB().Model(&store.ChargingSession{}).Where("id = ?", sess.ID).Select("energy_consumed").Scan(&energy)
			if energy != 0 {
				t.Errorf("failed write updated energy to %v", energy)
			}
			if err := s.DB().Exec("ALTER TABLE away_meter_values RENAME TO ocpp_meter_values").Error; err != nil {
				t.Fatal(err)
			}
			if err := w.Write(ctx, rows); err != nil {
				t.Fatalf("retry: %v", err)
			}
			var n int64
			s.DB().Model(&store.MeterValue{}).Count(&n)
			if n != before+4 {
				t.Errorf("%d rows after retry, want exactly %d+4", n, before)
			}
			got, _ := s.SessionByID(ctx, sess.ID)
			if got.EnergyConsumed != 5 {
				t.Errorf("energy = %v, want 5", got.EnergyConsumed)
			}
		})

		t.Run("cancelled context", func(t *testing.T) {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if err := w.Write(cctx, message(cp.ID, nil, at(200), 1)); !errors.Is(err, context.Canceled) {
				t.Errorf("Write = %v, want context.Canceled", err)
			}
		})

		t.Run("closed", func(t *testing.T) {
			if err := w.Close(ctx); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(ctx); err != nil {
				t.Errorf("second Close: %v", err)
			}
			if err := w.Write(ctx, message(cp.ID, nil, at(300), 1)); !errors.Is(err, store.ErrWriterClosed) {
				t.Errorf("Write after Close = %v, want ErrWriterClosed", err)
			}
		})
	})
}

func TestMeterWriterCloseFlushes(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "FLUSH")
		w := store.NewMeterWriter(s.DB(), store.MeterWriterConfig{MaxDelay: 50 * time.Millisecond})
		const writers = 30
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok := 0
		for i := range writers {
			wg.Go(func() {
				err := w.Write(ctx, message(cp.ID, nil, at(i), 1))
				if err == nil {
					mu.Lock()
					ok++
					mu.Unlock()
				} else if !errors.Is(err, store.ErrWriterClosed) {
					t.Errorf("Write: %v", err)
				}
			})
		}
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		var n int64
		s.DB().Model(&store.MeterValue{}).Count(&n)
		if int(n) != ok*4 {
			t.Errorf("%d rows, %d successful writes of 4", n, ok)
		}
	})
}

func TestMeterValueScopes(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "MVSCOPES")
		other := newCP(t, s, "MVOTHER")
		sess := startSession(t, s, cp.ID, 1, 0, at(0))
		w := newWriter(t, s, store.MeterWriterConfig{})
		rows := []store.MeterValue{
			{ChargePointID: cp.ID, ChargingSessionID: &sess.ID, Measurand: store.MeasurandEnergy, Value: 1, Timestamp: at(1)},
			{ChargePointID: cp.ID, ChargingSessionID: &sess.ID, Measurand: store.MeasurandEnergy, Value: 2, Timestamp: at(3)},
			{ChargePointID: cp.ID, ChargingSessionID: &sess.ID, Measurand: store.MeasurandPower, Value: 3, Unit: "W", Timestamp: at(2)},
			{ChargePointID: cp.ID, Measurand: store.MeasurandCurrent, Value: 4, Unit: "A", Timestamp: at(4)},
			{ChargePointID: cp.ID, Measurand: store.MeasurandVoltage, Value: 5, Unit: "V", Timestamp: at(5)},
			{ChargePointID: cp.ID, Measurand: store.MeasurandSoC, Value: 6, Unit: "Percent", Timestamp: at(6)},
			{ChargePointID: other.ID, Measurand: store.MeasurandEnergy, Value: 7, Timestamp: at(7)},
		}
		if err := w.Write(ctx, rows); err != nil {
			t.Fatal(err)
		}
		type scope = func(*gorm.DB) *gorm.DB
		tests := []struct {
			name   string
			scopes []scope
			want   []float64 // values, in query order
		}{
			{"recent", []scope{store.Recent}, []float64{7, 6, 5, 4, 2, 3, 1}},
			{"energy", []scope{store.Energy, store.Recent}, []float64{7, 2, 1}},
			{"power", []scope{store.Power}, []float64{3}},
			{"current", []scope{store.Current}, []float64{4}},
			{"voltage", []scope{store.Voltage}, []float64{5}},
			{"soc", []scope{store.SoC}, []float64{6}},
			{"since", []scope{store.Since(at(5)), store.Recent}, []float64{7, 6, 5}},
			{"for session", []scope{store.ForSession(sess.ID), store.Recent}, []float64{2, 3, 1}},
			{"for charge point energy", []scope{store.ForChargePoint(other.ID), store.Energy}, []float64{7}},
			{"latest energy of a session", []scope{store.ForSession(sess.ID), store.Energy, store.Recent}, []float64{2}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var got []store.MeterValue
				q := s.DB().Scopes(tt.scopes...)
				if tt.name == "latest energy of a session" {
					q = q.Limit(1)
				}
				if err := q.Find(&got).Error; err != nil {
					t.Fatal(err)
				}
				var vals []float64
				for _, g := range got {
					vals = append(vals, g.Value)
				}
				if fmt.Sprint(vals) != fmt.Sprint(tt.want) {
					t.Errorf("values %v, want %v", vals, tt.want)
				}
			})
		}
		var mv store.MeterValue
		if err := s.DB().Scopes(store.SoC).Take(&mv).Error; err != nil {
			t.Fatal(err)
		}
		if mv.Unit != "Percent" || mv.ChargingSessionID != nil || mv.CreatedAt.IsZero() {
			t.Errorf("stored row %+v", mv)
		}
	})
}

// TestMeterWriterAtomic: the rows of a transaction and the energy of their
// sessions are committed together or not at all, also when the energy
// UPDATE is what fails (on PostgreSQL both go out as one pgx batch without
// a BEGIN: its implicit transaction must hold them together).
func TestMeterWriterAtomic(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "ATOMIC")
		sess := startSession(t, s, cp.ID, 1, 0, at(0))
		w := newWriter(t, s, store.MeterWriterConfig{Logger: slog.New(slog.DiscardHandler)})

		refuse := []string{
			`CREATE TRIGGER refuse_energy BEFORE UPDATE ON ocpp_charging_sessions
			BEGIN SELECT RAISE(ABORT, 'energy refused'); END`,
		}
		if s.DB().Dialector.Name() == "postgres" {
			refuse = []string{
				`CREATE FUNCTION refuse_energy() RETURNS trigger LANGUAGE plpgsql AS
				$$ BEGIN RAISE EXCEPTION 'energy refused'; END $$`,
				`CREATE TRIGGER refuse_energy BEFORE UPDATE ON ocpp_charging_sessions
				FOR EACH ROW EXECUTE FUNCTION refuse_energy()`,
			}
		}
		for _, q := range refuse {
			if err := s.DB().Exec(q).Error; err != nil {
				t.Fatal(err)
			}
		}
		err := w.Write(ctx, message(cp.ID, sess, at(1), 5000))
		if err == nil || !strings.Contains(err.Error(), "energy refused") {
			t.Fatalf("Write with the energy UPDATE refused = %v, want the trigger's error", err)
		}
		var n int64
		s.DB().Model(&store.MeterValue{}).Count(&n)
		if n != 0 {
			t.Errorf("%d rows stored by a transaction whose energy UPDATE failed, want 0", n)
		}
	})
}

// TestMeterWriterRoundTrips: on PostgreSQL a batch of meter values without
// TransactionEvents costs one round trip to the server (the INSERT and the
// energy UPDATE in one pgx batch, its own transaction), not four (BEGIN,
// INSERT, UPDATE, COMMIT), and one with events two, not five or more:
// under load each reply waits for the Go scheduler to poll the network,
// and a remote database adds its latency to each. Counted by a TCP proxy
// in front of the test server.
func TestMeterWriterRoundTrips(t *testing.T) {
	proxy, dsn := faultproxy.Front(t, testdb.PostgresSchemaURL(t))
	db := testdb.OpenPostgres(t, dsn)
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	sqlDB.SetMaxOpenConns(1) // one connection: its statements stay prepared
	s := migrated(t, db)
	ctx := context.Background()
	cp := newCP(t, s, "TRIPS")
	sess := startSession(t, s, cp.ID, 1, 0, at(0))
	w := newWriter(t, s, store.MeterWriterConfig{})
	for i := range 3 {
		before := proxy.RoundTrips()
		if err := w.Write(ctx, message(cp.ID, sess, at(1+i), float64(1000*(i+1)))); err != nil {
			t.Fatal(err)
		}
		trips := proxy.RoundTrips() - before
		if i == 0 {
			continue // the first prepares the statements on the connection
		}
		if trips != 1 {
			t.Errorf("write %d: %d round trips, want 1", i, trips)
		}
	}
	// With TransactionEvents: two (BEGIN and the events; the rows, the
	// energy and COMMIT).
	for i := range 3 {
		ts := at(10 + i)
		ev := store.TransactionEvent{ChargePointID: cp.ID, ChargingSessionID: sess.ID, SeqNo: i + 1,
			EventType: store.TransactionUpdated, TriggerReason: "MeterValuePeriodic", Timestamp: ts}
		before := proxy.RoundTrips()
		if dup, err := w.WriteTransactionEvent(ctx, ev, message(cp.ID, sess, ts, float64(5000+1000*i))); err != nil || dup {
			t.Fatalf("event %d: duplicate %v, %v", i, dup, err)
		}
		if trips := proxy.RoundTrips() - before; i > 0 && trips != 2 {
			t.Errorf("event %d: %d round trips, want 2", i, trips)
		}
	}
	got, err := s.SessionByID(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.EnergyConsumed != 7 {
		t.Errorf("energy = %v kWh, want 7", got.EnergyConsumed)
	}
}
