package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/gorm/schema"

	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/sqlitedb"
)

func TestMigrateRecordsEveryVersion(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		ctx := context.Background()
		if v, err := store.SchemaVersion(ctx, db); err != nil || v != 0 {
			t.Fatalf("SchemaVersion of an empty database = %d, %v; want 0", v, err)
		}
		for range 2 { // idempotent
			if err := store.Migrate(ctx, db); err != nil {
				t.Fatal(err)
			}
		}
		v, err := store.SchemaVersion(ctx, db)
		if err != nil || v != store.LatestSchemaVersion() || v < 1 {
			t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, store.LatestSchemaVersion())
		}
		var versions []int
		if err := db.Table(store.SchemaMigrationsTable).Order("version").Pluck("version", &versions).Error; err != nil {
			t.Fatal(err)
		}
		want := make([]int, store.LatestSchemaVersion())
		for i := range want {
			want[i] = i + 1
		}
		if !slices.Equal(versions, want) {
			t.Fatalf("recorded versions %v, want %v", versions, want)
		}
	})
}

// TestMigrationsMatchModels: the schema the SQL migrations build is the
// schema the Go models describe, column for column and index for index, on
// both databases — so a model field added without a migration (or the
// reverse) fails here.
func TestMigrationsMatchModels(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		if err := store.Migrate(context.Background(), db); err != nil {
			t.Fatal(err)
		}
		m := db.Migrator()
		for _, model := range store.Models() {
			sch, err := schema.Parse(model, &sync.Map{}, db.NamingStrategy)
			if err != nil {
				t.Fatal(err)
			}
			if !m.HasTable(sch.Table) {
				t.Errorf("table %s is missing", sch.Table)
				continue
			}
			types, err := m.ColumnTypes(model)
			if err != nil {
				t.Fatal(err)
			}
			var have, want []string
			for _, ct := range types {
				have = append(have, ct.Name())
			}
			for _, f := range sch.Fields {
				if f.DBName != "" {
					want = append(want, f.DBName)
				}
			}
			slices.Sort(have)
			slices.Sort(want)
			if !slices.Equal(have, want) {
				t.Errorf("%s: columns %v, model fields %v", sch.Table, have, want)
			}
			for _, idx := range sch.ParseIndexes() {
				if !m.HasIndex(model, idx.Name) {
					t.Errorf("%s: index %s of the model is missing", sch.Table, idx.Name)
				}
			}
		}
	})
}

func TestMigrationsOfBothDialectsAgree(t *testing.T) {
	t.Parallel()
	pg, err := store.Migrations(store.DialectPostgres)
	if err != nil {
		t.Fatal(err)
	}
	lite, err := store.Migrations(store.DialectSQLite)
	if err != nil {
		t.Fatal(err)
	}
	if len(pg) != len(lite) || len(pg) != store.LatestSchemaVersion() {
		t.Fatalf("%d PostgreSQL and %d SQLite migrations, latest %d", len(pg), len(lite), store.LatestSchemaVersion())
	}
	for i := range pg {
		if pg[i].Version != lite[i].Version || pg[i].Name != lite[i].Name {
			t.Errorf("migration %d: %04d_%s (postgres) vs %04d_%s (sqlite)", i, pg[i].Version, pg[i].Name, lite[i].Version, lite[i].Name)
		}
	}
	if _, err := store.MigrationsFS("mysql"); err == nil {
		t.Error("MigrationsFS(mysql) did not fail")
	}
}

// TestMigrateConcurrently: several nodes starting at the same instant on one
// empty database all migrate successfully (one does the work, the others
// find it done). PostgreSQL: 20 rounds of 4 nodes, each with its own pool.
func TestMigrateConcurrently(t *testing.T) {
	t.Parallel()
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		for round := range 20 {
			dsn := testdb.PostgresSchemaURL(t)
			nodes := make([]*gorm.DB, 4)
			for i := range nodes {
				nodes[i] = testdb.OpenPostgres(t, dsn)
			}
			migrateAll(t, round, nodes)
			for _, db := range nodes { // the server's connections are shared by every test
				sqlDB, _ := db.DB()
				_ = sqlDB.Close()
			}
		}
	})
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		for round := range 5 {
			path := filepath.Join(t.TempDir(), "ocpp.db")
			var nodes []*gorm.DB
			for i := range 4 {
				var db *gorm.DB
				var err error
				if i%2 == 0 { // a host's plain handle …
					db, err = gorm.Open(sqlite.Open(path), &gorm.Config{Logger: logger.Discard})
				} else { // … and sqlitedb.Open's
					db, err = sqlitedb.Open(path)
				}
				if err != nil {
					t.Fatal(err)
				}
				sqlDB, _ := db.DB()
				t.Cleanup(func() { _ = sqlDB.Close() })
				nodes = append(nodes, db)
			}
			migrateAll(t, round, nodes)
		}
	})
}

func migrateAll(t *testing.T, round int, nodes []*gorm.DB) {
	t.Helper()
	start := make(chan struct{})
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, db := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = store.Migrate(context.Background(), db)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("round %d, node %d: %v", round, i, err)
		}
	}
	if v, err := store.SchemaVersion(context.Background(), nodes[0]); err != nil || v != store.LatestSchemaVersion() {
		t.Errorf("round %d: SchemaVersion = %d, %v", round, v, err)
	}
}

func TestMigrateRefusesANewerSchema(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		ctx := context.Background()
		if err := store.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		future := store.LatestSchemaVersion() + 1
		if err := db.Exec("INSERT INTO "+store.SchemaMigrationsTable+" (version, name, applied_at) VALUES (?, ?, ?)",
			future, "from_the_future", time.Now().UTC()).Error; err != nil {
			t.Fatal(err)
		}
		err := store.Migrate(ctx, db)
		if !errors.Is(err, store.ErrSchemaTooNew) {
			t.Fatalf("Migrate = %v, want ErrSchemaTooNew", err)
		}
		t.Log(err)
	})
}

// TestMigrateUpgradesALegacyDatabase: a database made by the code before
// versioned migrations (gorm AutoMigrate; its schema is kept in
// testdata/legacy), holding data, is upgraded in place with nothing lost.
func TestMigrateUpgradesALegacyDatabase(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		ctx := context.Background()
		legacy, err := os.ReadFile(filepath.Join("testdata", "legacy", db.Dialector.Name()+".sql"))
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Exec(string(legacy)).Error; err != nil {
			t.Fatalf("load the legacy schema: %v", err)
		}
		// Rows as the old code wrote them.
		at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		for _, stmt := range []string{
			`INSERT INTO ocpp_charge_points (identifier, vendor, connected, metadata, created_at, updated_at) VALUES ('OLD-1', 'ACME', false, '{"connector_1_status":"Available"}', ?, ?)`,
			`INSERT INTO ocpp_charging_sessions (charge_point_id, connector_id, transaction_id, id_tag, status, started_at, meter_start, energy_consumed, unmatched, created_at, updated_at)
				SELECT id, 1, 4242, 'TAG', 'Active', ?, 1000, 0.5, false, ?, ? FROM ocpp_charge_points`,
			`INSERT INTO ocpp_meter_values (charge_point_id, charging_session_id, connector_id, measurand, value, unit, timestamp, created_at)
				SELECT charge_point_id, id, 1, 'Energy.Active.Import.Register', 1500, 'Wh', ?, ? FROM ocpp_charging_sessions`,
		} {
			args := []any{at, at}
			if stmt[12:24] == "ocpp_chargin" {
				args = []any{at, at, at}
			}
			if err := db.Exec(stmt, args...).Error; err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		if err := store.Migrate(ctx, db); err != nil {
			t.Fatalf("Migrate on a legacy database: %v", err)
		}
		if v, err := store.SchemaVersion(ctx, db); err != nil || v != store.LatestSchemaVersion() {
			t.Fatalf("SchemaVersion = %d, %v", v, err)
		}
		s := store.New(db)
		cp, err := s.ChargePointByIdentifier(ctx, "OLD-1")
		if err != nil {
			t.Fatal(err)
		}
		if cp.Vendor != "ACME" || cp.Metadata["connector_1_status"] != "Available" {
			t.Errorf("charge point after the upgrade: %+v", cp)
		}
		sess, err := s.SessionByTransactionID(ctx, cp.ID, 4242)
		if err != nil {
			t.Fatal(err)
		}
		if sess.ChargePointID != cp.ID || sess.MeterStart != 1000 || !sess.StartedAt.Equal(at) {
			t.Errorf("session after the upgrade: %+v", sess)
		}
		var n int64
		if err := db.Model(&store.MeterValue{}).Where("charging_session_id = ?", sess.ID).Count(&n).Error; err != nil || n != 1 {
			t.Errorf("meter values after the upgrade: %d, %v", n, err)
		}
		// The upgraded database works for new data.
		if _, err := s.StopSession(ctx, store.StopSession{ChargePointID: cp.ID, TransactionID: 4242, MeterStop: 2500, StoppedAt: at.Add(time.Hour)}); err != nil {
			t.Fatalf("StopSession after the upgrade: %v", err)
		}
		newCP(t, s, fmt.Sprintf("NEW-%s", db.Dialector.Name()))
	})
}

// TestMigrateSessionStatus: migration 0003_session_status gives running sessions, which
// version 1 marked "Active", their connector's status (Charging when the
// connector's status is not one a session follows), and leaves stopped
// sessions Completed.
func TestMigrateSessionStatus(t *testing.T) {
	t.Parallel()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		ctx := context.Background()
		ms, err := store.Migrations(db.Dialector.Name())
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		for _, stmt := range []struct {
			sql  string
			args []any
		}{
			{ms[0].SQL, nil},
			{"CREATE TABLE " + store.SchemaMigrationsTable + " (version bigint PRIMARY KEY, name varchar(255) NOT NULL, applied_at timestamp NOT NULL)", nil},
			{"INSERT INTO " + store.SchemaMigrationsTable + " (version, name, applied_at) VALUES (1, 'baseline', ?)", []any{at}},
			{`INSERT INTO ocpp_charge_points (identifier, connected, metadata, created_at, updated_at) VALUES ('V1', false, '{}', ?, ?)`, []any{at, at}},
			{`INSERT INTO ocpp_connectors (charge_point_id, connector_id, status, created_at, updated_at) SELECT id, 1, 'SuspendedEV', ?, ? FROM ocpp_charge_points`, []any{at, at}},
			{`INSERT INTO ocpp_connectors (charge_point_id, connector_id, status, created_at, updated_at) SELECT id, 2, 'Available', ?, ? FROM ocpp_charge_points`, []any{at, at}},
			{`INSERT INTO ocpp_charging_sessions (charge_point_id, connector_id, transaction_id, status, started_at, meter_start, energy_consumed, unmatched, created_at, updated_at)
				SELECT id, 1, 1, 'Active', ?, 0, 0, false, ?, ? FROM ocpp_charge_points`, []any{at, at, at}},
			{`INSERT INTO ocpp_charging_sessions (charge_point_id, connector_id, transaction_id, status, started_at, meter_start, energy_consumed, unmatched, created_at, updated_at)
				SELECT id, 2, 2, 'Active', ?, 0, 0, false, ?, ? FROM ocpp_charge_points`, []any{at, at, at}},
			{`INSERT INTO ocpp_charging_sessions (charge_point_id, connector_id, transaction_id, status, started_at, meter_start, energy_consumed, unmatched, created_at, updated_at)
				SELECT id, 3, 3, 'Active', ?, 0, 0, false, ?, ? FROM ocpp_charge_points`, []any{at, at, at}},
			{`INSERT INTO ocpp_charging_sessions (charge_point_id, connector_id, transaction_id, status, started_at, meter_start, energy_consumed, unmatched, created_at, updated_at)
				SELECT id, 1, 4, 'Completed', ?, 0, 0, false, ?, ? FROM ocpp_charge_points`, []any{at, at, at}},
		} {
			if err := db.Exec(stmt.sql, stmt.args...).Error; err != nil {
				t.Fatalf("%.60s: %v", stmt.sql, err)
			}
		}
		if err := store.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		var sessions []store.ChargingSession
		if err := db.Order("transaction_id").Find(&sessions).Error; err != nil {
			t.Fatal(err)
		}
		want := []string{store.SessionSuspendedEV, store.SessionCharging, store.SessionCharging, store.SessionCompleted}
		for i, s := range sessions {
			if s.Status != want[i] {
				t.Errorf("transaction %d: status %q, want %q", s.TransactionID, s.Status, want[i])
			}
		}
		var active int64
		if err := db.Model(&store.ChargingSession{}).Scopes(store.Active).Count(&active).Error; err != nil || active != 3 {
			t.Errorf("Active sessions after the migration = %d, %v; want 3", active, err)
		}
	})
}
