package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/store"
)

// TestMeterWriterPipelines shows that on PostgreSQL the next batch is sent
// while the previous one still runs on the server: a caller who gives up
// after its batch was sent finds its rows stored, where without pipelining
// the batch would still have been queued (and given up). Row locks of
// other transactions hold the batches on the server.
func TestMeterWriterPipelines(t *testing.T) {
	db := testdb.Postgres(t)
	s := migrated(t, db)
	ctx := context.Background()
	cp := newCP(t, s, "PIPE")
	sp := startSession(t, s, cp.ID, 1, 0, at(0))
	sa := startSession(t, s, cp.ID, 2, 0, at(0))
	sb := startSession(t, s, cp.ID, 3, 0, at(0))
	// One request per batch.
	w := newWriter(t, s, store.MeterWriterConfig{MaxBatch: 4})

	// lock holds session id's row until the returned func is called (or
	// the test ends).
	lock := func(id uint) func() {
		tx := db.Begin()
		if err := tx.Exec("SELECT id FROM ocpp_charging_sessions WHERE id = ? FOR UPDATE", id).Error; err != nil {
			t.Fatal(err)
		}
		unlock := sync.OnceFunc(func() { tx.Rollback() })
		t.Cleanup(unlock)
		return unlock
	}
	// waiting waits until n statements wait for a row lock.
	waiting := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			var got int
			if err := db.Raw("SELECT count(*) FROM pg_locks WHERE NOT granted").Scan(&got).Error; err != nil {
				t.Fatal(err)
			}
			if got >= n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d statements wait for a lock, want %d", got, n)
			}
		}
	}
	write := func(ctx context.Context, sess *store.ChargingSession, minute int) chan error {
		done := make(chan error, 1)
		go func() { done <- w.Write(ctx, message(cp.ID, sess, at(minute), float64(1000*minute))) }()
		return done
	}

	unlockP, unlockA := lock(sp.ID), lock(sa.ID)
	p := write(ctx, sp, 1) // on the server, waiting for unlockP
	waiting(1)
	// a, then b, queued behind p.
	a := write(ctx, sa, 2)
	time.Sleep(200 * time.Millisecond)
	bctx, cancelB := context.WithCancel(ctx)
	b := write(bctx, sb, 3)
	time.Sleep(200 * time.Millisecond)
	unlockP()
	if err := <-p; err != nil {
		t.Fatal(err)
	}
	waiting(1)                         // a on the server, waiting for unlockA; b sent behind it
	time.Sleep(100 * time.Millisecond) // b's bytes on their way, however slow the machine
	cancelB()
	if err := <-b; !errors.Is(err, context.Canceled) {
		t.Fatalf("b: %v, want context.Canceled", err)
	}
	unlockA()
	if err := <-a; err != nil {
		t.Fatal(err)
	}
	// b's batch was sent before its caller gave up: it commits after a's.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var n int64
		if err := db.Model(&store.MeterValue{}).Where("charging_session_id = ?", sb.ID).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("b's rows: %d, want 4 (its batch was pipelined behind a's)", n)
		}
	}
}

// TestMeterWriterSimpleProtocol: a host whose pgx connections use the
// simple protocol (as for PgBouncer) gets the writer without pipelining,
// which needs prepared statements, and loses nothing.
func TestMeterWriterSimpleProtocol(t *testing.T) {
	db := testdb.OpenPostgres(t, testdb.PostgresSchemaURL(t)+"&default_query_exec_mode=simple_protocol")
	s := migrated(t, db)
	ctx := context.Background()
	cp := newCP(t, s, "SIMPLE")
	sess := startSession(t, s, cp.ID, 1, 0, at(0))
	w := newWriter(t, s, store.MeterWriterConfig{MaxBatch: 8})
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := w.Write(ctx, message(cp.ID, sess, at(1+i), float64(1000*(i+1)))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	var n int64
	if err := db.Model(&store.MeterValue{}).Where("charging_session_id = ?", sess.ID).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if n != 80 {
		t.Errorf("rows = %d, want 80", n)
	}
	got, err := s.SessionByID(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.EnergyConsumed != 20 {
		t.Errorf("energy = %v kWh, want 20", got.EnergyConsumed)
	}
}
