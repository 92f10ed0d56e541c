package store_test

import (
	"context"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/store"
)

// TestMigrateOCPP201KeepsThe16Data: a database at the schema before 2.0.1,
// holding 1.6 data, is upgraded so that every 1.6 row has evse_id =
// connector_id, every charge point that ever connected speaks ocpp1.6, and
// the queries a 1.6 host runs give the same answers.
func TestMigrateOCPP201KeepsThe16Data(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		ctx := context.Background()
		ms, err := store.Migrations(db.Dialector.Name())
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(ms[0].SQL).Error; err != nil { // the baseline only
			t.Fatal(err)
		}
		at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
		for _, stmt := range []string{
			`INSERT INTO ocpp_charge_points (identifier, connected, connected_at, metadata, created_at, updated_at) VALUES ('CP-OLD', true, ?, '{}', ?, ?)`,
			`INSERT INTO ocpp_charge_points (identifier, connected, metadata, created_at, updated_at) VALUES ('CP-NEVER', false, '{}', ?, ?)`,
			`INSERT INTO ocpp_connectors (charge_point_id, connector_id, status, created_at, updated_at) SELECT id, 2, 'Charging', ?, ? FROM ocpp_charge_points WHERE identifier = 'CP-OLD'`,
			`INSERT INTO ocpp_charging_sessions (charge_point_id, connector_id, transaction_id, id_tag, status, started_at, meter_start, energy_consumed, unmatched, created_at, updated_at)
				SELECT id, 2, 77, 'TAG', 'Active', ?, 100, 0, false, ?, ? FROM ocpp_charge_points WHERE identifier = 'CP-OLD'`,
			`INSERT INTO ocpp_meter_values (charge_point_id, charging_session_id, connector_id, measurand, value, unit, timestamp, created_at)
				SELECT charge_point_id, id, 2, 'Energy.Active.Import.Register', 1500, 'Wh', ?, ? FROM ocpp_charging_sessions`,
			`INSERT INTO ocpp_reservations (charge_point_id, reservation_id, connector_id, id_tag, expiry_date, status, created_at, updated_at)
				SELECT id, 5, 2, 'TAG', ?, 'Active', ?, ? FROM ocpp_charge_points WHERE identifier = 'CP-OLD'`,
			`INSERT INTO ocpp_charging_profiles (charge_point_id, profile_id, connector_id, stack_level, purpose, profile, created_at, updated_at)
				SELECT id, 9, 2, 0, 'TxDefaultProfile', '{}', ?, ? FROM ocpp_charge_points WHERE identifier = 'CP-OLD'`,
			`INSERT INTO ocpp_commands (identifier, action, status, created_at, updated_at) VALUES ('CP-OLD', 'Reset', 'pending', ?, ?)`,
		} {
			args := []any{}
			for range countPlaceholders(stmt) {
				args = append(args, at)
			}
			if err := db.Exec(stmt, args...).Error; err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		if err := store.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		s := store.New(db)
		old, err := s.ChargePointByIdentifier(ctx, "CP-OLD")
		if err != nil {
			t.Fatal(err)
		}
		never, err := s.ChargePointByIdentifier(ctx, "CP-NEVER")
		if err != nil {
			t.Fatal(err)
		}
		if old.OCPPVersion != "ocpp1.6" || never.OCPPVersion != "" {
			t.Errorf("versions %q and %q, want ocpp1.6 and empty", old.OCPPVersion, never.OCPPVersion)
		}
		cs, err := s.Connectors(ctx, old.ID)
		if err != nil || len(cs) != 1 || cs[0].EVSEID != 2 || cs[0].ConnectorID != 2 {
			t.Errorf("connectors %+v, %v; want evse 2 connector 2", cs, err)
		}
		sess, err := s.ActiveSession(ctx, old.ID, 2)
		if err != nil || sess.TransactionID != 77 || sess.EVSEID != 2 || sess.StationTransactionID != "" {
			t.Errorf("active session of connector 2: %+v, %v", sess, err)
		}
		var mv store.MeterValue
		if err := db.Where("charge_point_id = ?", old.ID).Take(&mv).Error; err != nil || mv.EVSEID != 2 {
			t.Errorf("meter value %+v, %v; want evse 2", mv, err)
		}
		r, err := s.ReservationByID(ctx, old.ID, 5)
		if err != nil || r.EVSEID != 2 {
			t.Errorf("reservation %+v, %v; want evse 2", r, err)
		}
		ps, err := s.ChargingProfiles(ctx, old.ID)
		if err != nil || len(ps) != 1 || ps[0].EVSEID != 2 {
			t.Errorf("profiles %+v, %v; want evse 2", ps, err)
		}
		var cmd store.Command
		if err := db.Where("identifier = ?", "CP-OLD").Take(&cmd).Error; err != nil || cmd.OCPPVersion != "ocpp1.6" {
			t.Errorf("command %+v, %v; want ocpp1.6", cmd, err)
		}
		// A 1.6 status on connector 2 updates the migrated row.
		if _, err := s.UpdateConnectorStatus(ctx, old.ID, store.ConnectorStatus{ConnectorID: 2, Status: "Available"}); err != nil {
			t.Fatal(err)
		}
		if cs, _ := s.Connectors(ctx, old.ID); len(cs) != 1 || cs[0].Status != "Available" {
			t.Errorf("after a 1.6 status: %+v", cs)
		}
	})
}

func countPlaceholders(s string) int {
	n := 0
	for _, c := range s {
		if c == '?' {
			n++
		}
	}
	return n
}
