package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ocppkit/ocppkit/store"
)

// TestEnergyIsWhPreciseInJSON: the energy of a session computed from a
// fractional register (10001.746 Wh − 10000 Wh) is float noise in kWh;
// encoded, it is rounded to whole Wh.
func TestEnergyIsWhPreciseInJSON(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "JSON")
		sess := startSession(t, s, cp.ID, 1, 10000, at(0))
		w := store.NewMeterWriter(s.DB(), store.MeterWriterConfig{})
		if err := w.Write(ctx, []store.MeterValue{{ChargePointID: cp.ID, ChargingSessionID: &sess.ID, ConnectorID: 1, Value: 10001.746, RawValue: "10001.746", Timestamp: at(1)}}); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := s.SessionByID(ctx, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.EnergyConsumed == 0.002 {
			t.Fatalf("the stored energy is already rounded (%v): the test proves nothing", got.EnergyConsumed)
		}
		for _, v := range []any{got, *got, []store.ChargingSession{*got}} {
			b, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), `"energy_consumed":0.002,`) {
				t.Errorf("JSON of %T: %s, want energy_consumed 0.002 (stored %v)", v, b, got.EnergyConsumed)
			}
		}
	})
}
