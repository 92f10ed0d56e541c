package store_test

import (
	"context"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/store"
)

// benchWriters is the number of concurrent writers (one per charge point
// socket sending MeterValues).
const benchWriters = 1000

// benchSessions is the number of active sessions the messages belong to.
const benchSessions = 200

func benchDBs(b *testing.B, fn func(b *testing.B, s *store.Store)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, migrated(b, testdb.SQLite(b))) })
	b.Run("postgres", func(b *testing.B) { fn(b, migrated(b, testdb.Postgres(b))) })
}

func benchSetup(b *testing.B, s *store.Store) []*store.ChargingSession {
	b.Helper()
	sessions := make([]*store.ChargingSession, benchSessions)
	for i := range sessions {
		cp := newCP(b, s, id("BENCH", i))
		sessions[i] = startSession(b, s, cp.ID, 1, 0, base)
	}
	return sessions
}

// runMessages runs write for b.N MeterValues messages of 4 rows from
// benchWriters goroutines and reports msgs/s and cpu-µs/msg, the process's
// CPU time (user and system, SQLite's included) per message: on a shared
// machine it moves far less with the load than msgs/s does.
func runMessages(b *testing.B, sessions []*store.ChargingSession, write func(ctx context.Context, rows []store.MeterValue) error) {
	b.Helper()
	var seq atomic.Int64
	b.SetParallelism((benchWriters + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := processCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			n := seq.Add(1)
			sess := sessions[n%benchSessions]
			if err := write(ctx, message(sess.ChargePointID, sess, base.Add(time.Duration(n)*time.Millisecond), float64(n))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	cpu := processCPU(b) - cpu0
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/msg")
}

// processCPU returns the user and system CPU time the process has used.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkMeterWriter measures MeterValues messages (4 rows each) per second
// through the group-commit MeterWriter, with 1000 concurrent writers.
func BenchmarkMeterWriter(b *testing.B) {
	benchDBs(b, func(b *testing.B, s *store.Store) {
		sessions := benchSetup(b, s)
		w := store.NewMeterWriter(s.DB(), store.MeterWriterConfig{})
		defer w.Close(context.Background())
		runMessages(b, sessions, w.Write)
	})
}

// BenchmarkInsertOneByOne is the baseline: each message in a transaction of
// its own (4-row INSERT plus the session's energy UPDATE), 1000 concurrent
// writers.
func BenchmarkInsertOneByOne(b *testing.B) {
	benchDBs(b, func(b *testing.B, s *store.Store) {
		sessions := benchSetup(b, s)
		db := s.DB()
		runMessages(b, sessions, func(ctx context.Context, rows []store.MeterValue) error {
			return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
				if err := tx.Omit("ChargePoint", "ChargingSession").Create(&rows).Error; err != nil {
					return err
				}
				return tx.Model(&store.ChargingSession{}).
					Where("id = ? AND status <> ? AND (energy_updated_at IS NULL OR energy_updated_at <= ?)", *rows[0].ChargingSessionID, store.SessionCompleted, rows[0].Timestamp).
					Updates(map[string]any{"energy_consumed": rows[0].Value / 1000, "energy_updated_at": rows[0].Timestamp}).Error
			})
		})
	})
}

// BenchmarkMeterWriterTransactionEvents measures OCPP 2.0.1 TransactionEvent
// Updated messages (4 meter rows plus the event row that makes a retry
// idempotent) per second through the same MeterWriter, with 1000 concurrent
// writers: the 2.0.1 counterpart of BenchmarkMeterWriter.
func BenchmarkMeterWriterTransactionEvents(b *testing.B) {
	benchDBs(b, func(b *testing.B, s *store.Store) {
		sessions := benchSetup(b, s)
		w := store.NewMeterWriter(s.DB(), store.MeterWriterConfig{})
		defer w.Close(context.Background())
		var seq atomic.Int64
		runMessages(b, sessions, func(ctx context.Context, rows []store.MeterValue) error {
			ev := store.TransactionEvent{
				ChargePointID:     rows[0].ChargePointID,
				ChargingSessionID: *rows[0].ChargingSessionID,
				SeqNo:             int(seq.Add(1)),
				EventType:         store.TransactionUpdated,
				TriggerReason:     "MeterValuePeriodic",
				Timestamp:         rows[0].Timestamp,
				ChargingState:     "Charging",
				ReceivedAt:        time.Now(),
			}
			dup, err := w.WriteTransactionEvent(ctx, ev, rows)
			if err == nil && dup {
				b.Errorf("event %d taken for a retry", ev.SeqNo)
			}
			return err
		})
	})
}
