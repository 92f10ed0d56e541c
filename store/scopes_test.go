package store_test

import (
	"context"
	"testing"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/store"
)

// TestScopesAreJoinSafe: every scope names its column's table, so it
// combines with joins of tables that have columns of the same name
// (charge_point_id, status, id …), whether gorm joins an association under
// its alias or the host writes the JOIN.
func TestScopesAreJoinSafe(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB().WithContext(ctx)
		cp := newCP(t, s, "JOIN-1")
		other := newCP(t, s, "JOIN-2")
		if err := s.MarkConnected(ctx, cp.ID, "n", at(0)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateConnectorStatus(ctx, cp.ID, store.ConnectorStatus{ConnectorID: 1, Status: "Charging", ErrorCode: "NoError"}); err != nil {
			t.Fatal(err)
		}
		sess := startSession(t, s, cp.ID, 1, 1000, at(0))
		done := startSession(t, s, other.ID, 1, 0, at(0))
		if _, err := s.StopSession(ctx, store.StopSession{ChargePointID: other.ID, TransactionID: done.TransactionID, MeterStop: 500, StoppedAt: at(5)}); err != nil {
			t.Fatal(err)
		}
		w := store.NewMeterWriter(s.DB(), store.MeterWriterConfig{})
		for _, id := range []uint{cp.ID, other.ID} {
			sid := sess.ID
			if id == other.ID {
				sid = done.ID
			}
			if err := w.Write(ctx, []store.MeterValue{
				{ChargePointID: id, ChargingSessionID: &sid, ConnectorID: 1, Value: 2000, Timestamp: at(1)},
				{ChargePointID: id, ChargingSessionID: &sid, ConnectorID: 1, Measurand: store.MeasurandPower, Value: 7000, Unit: "W", Timestamp: at(1)},
			}); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(ctx); err != nil {
			t.Fatal(err)
		}

		count := func(t *testing.T, q *gorm.DB, want int64) {
			t.Helper()
			var rows []map[string]any
			if err := q.Find(&rows).Error; err != nil {
				t.Fatalf("query failed: %v", err)
			}
			if int64(len(rows)) != want {
				t.Errorf("%d rows, want %d", len(rows), want)
			}
		}
		for _, tc := range []struct {
			name string
			q    *gorm.DB
			want int64
		}{
			{"meter values joined to their session", db.Model(&store.MeterValue{}).Joins("ChargingSession").
				Scopes(store.ForChargePoint(cp.ID), store.Energy, store.Since(at(0)), store.ForSession(sess.ID), store.Recent), 1},
			{"meter values joined to session and charge point", db.Model(&store.MeterValue{}).Joins("ChargingSession").Joins("ChargePoint").
				Scopes(store.ForChargePoint(cp.ID), store.Power, store.Connected, store.Charging), 1},
			{"meter values of active sessions", db.Model(&store.MeterValue{}).Joins("ChargingSession").
				Scopes(store.Active), 2},
			{"sessions joined to their charge point", db.Model(&store.ChargingSession{}).Joins("ChargePoint").
				Scopes(store.ForChargePoint(cp.ID), store.Active, store.Connected, store.Available), 0},
			{"completed sessions joined to their charge point", db.Model(&store.ChargingSession{}).Joins("ChargePoint").
				Scopes(store.ForChargePoint(other.ID), store.Completed), 1},
			{"connectors joined to their charge point", db.Model(&store.Connector{}).Joins("ChargePoint").
				Scopes(store.ForChargePoint(cp.ID), store.Connected), 1},
			{"charge points with a hand-written join", db.Model(&store.ChargePoint{}).
				Joins("JOIN "+store.ChargingSessionsTable+" ON "+store.ChargingSessionsTable+".charge_point_id = "+store.ChargePointsTable+".id").
				Scopes(store.Connected, store.Charging, store.Active), 1},
			{"sessions with a hand-written join", db.Model(&store.ChargingSession{}).
				Joins("JOIN "+store.ChargePointsTable+" ON "+store.ChargePointsTable+".id = "+store.ChargingSessionsTable+".charge_point_id").
				Scopes(store.ForChargePoint(cp.ID), store.Connected, store.Active), 1},
		} {
			t.Run(tc.name, func(t *testing.T) { count(t, tc.q, tc.want) })
		}
	})
}
