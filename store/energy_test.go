package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/store"
)

// TestEnergyTotals: energy since an instant, between two and per day,
// spread over time by each session's register readings, on both
// databases.
func TestEnergyTotals(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "ENERGY-1")
		other := newCP(t, s, "ENERGY-2")
		w := store.NewMeterWriter(s.DB(), store.MeterWriterConfig{})
		read := func(sess *store.ChargingSession, at time.Time, value float64, unit, phase string) {
			t.Helper()
			if err := w.Write(ctx, []store.MeterValue{{ChargePointID: sess.ChargePointID, ChargingSessionID: &sess.ID, ConnectorID: sess.ConnectorID,
				Value: value, Unit: unit, Phase: phase, Timestamp: at}}); err != nil {
				t.Fatal(err)
			}
		}
		stop := func(sess *store.ChargingSession, at time.Time, meterStop int) {
			t.Helper()
			if _, err := s.StopSession(ctx, store.StopSession{ChargePointID: sess.ChargePointID, TransactionID: sess.TransactionID, MeterStop: meterStop, StoppedAt: at}); err != nil {
				t.Fatal(err)
			}
		}
		// A: 8 kWh from 10:00 to 11:30; its register says 4 kWh by 11:00.
		a := startSession(t, s, cp.ID, 1, 1000, at(0))
		read(a, at(30), 3000, "Wh", "")
		read(a, at(50), 5000, "Wh", "")
		read(a, at(70), 8000, "Wh", "")
		stop(a, at(90), 9000)
		// B: another charge point, started after 11:00, 2.5 kWh (in kWh), running.
		b := startSession(t, s, other.ID, 1, 0, at(65))
		read(b, at(80), 2.5, "kWh", "")
		// C: stopped before 11:00, 3 kWh.
		c := startSession(t, s, cp.ID, 2, 0, at(0))
		stop(c, at(40), 3000)
		// D: running since 10:10, no reading before 11:00, 1 kWh.
		d := startSession(t, s, cp.ID, 3, 100, at(10))
		read(d, at(70), 1100, "Wh", "")
		// E: running since 10:20; 0.6 kWh by 11:00 (a phase reading does not count), 1 kWh now.
		e := startSession(t, s, cp.ID, 4, 0, at(20))
		read(e, at(55), 900, "Wh", "L1")
		read(e, at(59), 600, "Wh", "")
		read(e, at(61), 1000, "Wh", "")
		// G: across midnight, 1 kWh before it, 2 after; F: 2 kWh the next morning.
		g := startSession(t, s, cp.ID, 5, 0, at(13*60))
		read(g, at(13*60+59), 1000, "Wh", "")
		stop(g, at(15*60), 3000)
		f := startSession(t, s, cp.ID, 6, 0, at(23*60))
		stop(f, at(24*60), 2000)
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name string
			got  func() (float64, error)
			want float64
		}{
			{"since 11:00", func() (float64, error) { return s.EnergySince(ctx, at(60)) }, 4 + 2.5 + 1 + 0.4 + 3 + 2},
			{"since 10:00", func() (float64, error) { return s.EnergySince(ctx, at(0)) }, 8 + 2.5 + 3 + 1 + 1 + 3 + 2},
			{"since 11:00, one charge point", func() (float64, error) { return s.EnergySince(ctx, at(60), store.ForChargePoint(cp.ID)) }, 4 + 1 + 0.4 + 3 + 2},
			{"10:00 to 11:00", func() (float64, error) { return s.EnergyBetween(ctx, at(0), at(60)) }, 4 + 3 + 0.6},
			{"since the end", func() (float64, error) { return s.EnergySince(ctx, at(48*60)) }, 0}, // the running sessions' energy is all in readings before
		} {
			t.Run(tc.name, func(t *testing.T) {
				got, err := tc.got()
				if err != nil {
					t.Fatal(err)
				}
				if got != store.RoundKWh(tc.want) {
					t.Errorf("= %v kWh, want %v", got, store.RoundKWh(tc.want))
				}
			})
		}

		// Per day (base is 2025-03-01 10:00 UTC): G's first kWh on the 1st.
		days, err := s.EnergyByDay(ctx, at(0), at(24*60+120), time.UTC)
		if err != nil {
			t.Fatal(err)
		}
		day1 := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
		want := []store.EnergyTotal{
			{Start: day1, End: day1.AddDate(0, 0, 1), KWh: 8 + 2.5 + 3 + 1 + 1 + 1},
			{Start: day1.AddDate(0, 0, 1), End: day1.AddDate(0, 0, 2), KWh: 2 + 2},
		}
		if len(days) != len(want) {
			t.Fatalf("EnergyByDay = %+v, want %+v", days, want)
		}
		for i := range want {
			if !days[i].Start.Equal(want[i].Start) || !days[i].End.Equal(want[i].End) || days[i].KWh != want[i].KWh {
				t.Errorf("day %d = %+v, want %+v", i, days[i], want[i])
			}
		}
	})
}

// TestChargePointAssociations: a charge point's connectors, sessions and
// meter values are gorm associations, preloaded in one query each for a
// whole list of charge points, scopes included.
func TestChargePointAssociations(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		one, two := newCP(t, s, "ASSOC-1"), newCP(t, s, "ASSOC-2")
		if _, err := s.UpdateConnectorStatus(ctx, one.ID, store.ConnectorStatus{ConnectorID: 1, Status: "Charging"}); err != nil {
			t.Fatal(err)
		}
		old := startSession(t, s, one.ID, 1, 0, at(0))
		if _, err := s.StopSession(ctx, store.StopSession{ChargePointID: one.ID, TransactionID: old.TransactionID, MeterStop: 10, StoppedAt: at(5)}); err != nil {
			t.Fatal(err)
		}
		current := startSession(t, s, one.ID, 1, 10, at(10))
		w := store.NewMeterWriter(s.DB(), store.MeterWriterConfig{})
		if err := w.Write(ctx, []store.MeterValue{{ChargePointID: one.ID, ChargingSessionID: &current.ID, ConnectorID: 1, Value: 20, Timestamp: at(11)}}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
		var cps []store.ChargePoint
		err := s.DB().WithContext(ctx).Preload("Connectors").Preload("ChargingSessions", store.Active).Preload("MeterValues").
			Order("identifier").Find(&cps).Error
		if err != nil {
			t.Fatal(err)
		}
		if len(cps) != 2 || cps[0].ID != one.ID || cps[1].ID != two.ID {
			t.Fatalf("charge points %+v", cps)
		}
		if got := cps[0]; len(got.Connectors) != 1 || len(got.ChargingSessions) != 1 || got.ChargingSessions[0].ID != current.ID || len(got.MeterValues) != 1 {
			t.Errorf("%s: %d connectors, sessions %+v, %d meter values", got.Identifier, len(got.Connectors), got.ChargingSessions, len(got.MeterValues))
		}
		if got := cps[1]; len(got.Connectors)+len(got.ChargingSessions)+len(got.MeterValues) != 0 {
			t.Errorf("%s has associations: %+v", got.Identifier, got)
		}
	})
}
