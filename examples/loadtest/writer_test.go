package main

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/anydb"
)

// BenchmarkMeterWriter isolates the database side of the meter scenario:
// 1000 goroutines (one per charge point, each with an active session)
// write MeterValues of four rows through one store.MeterWriter, closed
// loop, as the MeterValues handler does. b.N counts messages; rows/s is
// reported. Variants switch off SQLite foreign keys or drop the secondary
// indexes of ocpp_meter_values to attribute the cost per row. The plain
// SQLite variant and the PostgreSQL one (in a schema of its own in the
// database of OCPP_TEST_DATABASE_URL; skipped without it) also measure
// the load test's ceiling for the same fleet (with 10,000 messages or
// more) and report the writer's ratio to it: the writer's own share of the
// load test's gap, without the sockets and the load generator on the same
// cores.
//
//	go test ./examples/loadtest -run '^$' -bench MeterWriter -benchtime 20000x
func BenchmarkMeterWriter(b *testing.B) {
	pgURL := os.Getenv("OCPP_TEST_DATABASE_URL")
	for _, bc := range []struct {
		name   string
		params string
		ddl    []string
	}{
		{name: "sqlite"},
		{name: "postgres"},
		{name: "sqlite no foreign keys", params: "?_foreign_keys=off"},
		{name: "sqlite cache 64MiB", params: "?_cache_size=-65536"},
		{name: "sqlite no secondary indexes", ddl: []string{
			"DROP INDEX IF EXISTS idx_ocpp_meter_values_reading",
			"DROP INDEX IF EXISTS idx_ocpp_meter_values_session",
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			ctx := context.Background()
			o := &options{db: "sqlite"}
			if bc.name == "postgres" {
				if pgURL == "" {
					b.Skip("OCPP_TEST_DATABASE_URL not set")
				}
				o = &options{db: "postgres", dsn: pgURL}
			}
			db := openBenchDB(b, o, bc.params)
			if err := store.Migrate(ctx, db); err != nil {
				b.Fatal(err)
			}
			for _, q := range bc.ddl {
				if err := db.Exec(q).Error; err != nil {
					b.Fatal(err)
				}
			}
			const conns = 1000
			if err := registerChargePoints(ctx, db, conns, false); err != nil {
				b.Fatal(err)
			}
			st := store.New(db)
			var cps []store.ChargePoint
			if err := db.Order("id").Find(&cps).Error; err != nil {
				b.Fatal(err)
			}
			sessions := make([]*store.ChargingSession, conns)
			for i := range cps {
				s, _, err := st.StartSession(ctx, store.StartSession{ChargePointID: cps[i].ID, ConnectorID: 1, IDTag: idTag, StartedAt: time.Now()})
				if err != nil {
					b.Fatal(err)
				}
				sessions[i] = s
			}
			w := store.NewMeterWriter(db, store.MeterWriterConfig{})
			defer w.Close(ctx)

			var wg sync.WaitGroup
			work := make(chan int, conns)
			b.ResetTimer()
			start := time.Now()
			for i := range conns {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sess := sessions[i]
					txID := sess.TransactionID
					energy := 1000.0
					for range work {
						energy += 37
						now := time.Now()
						rows := []store.MeterValue{
							{ChargePointID: sess.ChargePointID, ChargingSessionID: &sess.ID, ConnectorID: 1, TransactionID: &txID, Measurand: store.MeasurandEnergy, Value: energy, RawValue: "1", Unit: "Wh", Context: "Sample.Periodic", Location: "Outlet", Format: "Raw", Timestamp: now},
							{ChargePointID: sess.ChargePointID, ChargingSessionID: &sess.ID, ConnectorID: 1, TransactionID: &txID, Measurand: "Power.Active.Import", Value: 7400.5, RawValue: "7400.5", Unit: "W", Context: "Sample.Periodic", Location: "Outlet", Format: "Raw", Timestamp: now},
							{ChargePointID: sess.ChargePointID, ChargingSessionID: &sess.ID, ConnectorID: 1, TransactionID: &txID, Measurand: "Current.Import", Value: 32.1, RawValue: "32.1", Unit: "A", Phase: "L1", Context: "Sample.Periodic", Location: "Outlet", Format: "Raw", Timestamp: now},
							{ChargePointID: sess.ChargePointID, ChargingSessionID: &sess.ID, ConnectorID: 1, TransactionID: &txID, Measurand: "Voltage", Value: 230.4, RawValue: "230.4", Unit: "V", Phase: "L1-N", Context: "Sample.Periodic", Location: "Outlet", Format: "Raw", Timestamp: now},
						}
						if err := w.Write(ctx, rows); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			for i := 0; i < b.N; i++ {
				work <- i
			}
			close(work)
			wg.Wait()
			el := time.Since(start)
			b.ReportMetric(float64(b.N)/el.Seconds(), "msgs/s")
			b.ReportMetric(float64(4*b.N)/el.Seconds(), "rows/s")
			if (bc.name == "sqlite" || bc.name == "postgres") && b.N >= 10000 {
				// The load test's ceiling for the same fleet, measured here
				// too.
				b.StopTimer()
				ceiling, err := measureCeiling(ctx, o, conns, ceilingRun{rows: 4 * b.N, maxDur: time.Minute})
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(ceiling, "ceiling-rows/s")
				b.ReportMetric(float64(4*b.N)/el.Seconds()/ceiling, "×ceiling")
			}
		})
	}
}

// openBenchDB opens a migrated-to-be database of o's kind for a benchmark:
// an SQLite file in a temporary directory (with params appended to its
// path), or a fresh PostgreSQL schema, dropped when the benchmark ends.
func openBenchDB(b *testing.B, o *options, params string) *gorm.DB {
	b.Helper()
	dsn := filepath.Join(b.TempDir(), "ocpp.db") + params
	if o.db == "postgres" {
		dbh, err := prepareDB(context.Background(), o)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			if err := dbh.cleanup(); err != nil {
				b.Error(err)
			}
		})
		dsn = dbh.dsn
	}
	db, err := anydb.Open(dsn)
	if err != nil {
		b.Fatal(err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sqlDB.Close() })
	return db
}
