package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/ocppkit/ocppkit/store"
)

// TestMeterWriterIdempotent: a reading written again — a charge point
// resending a MeterValues whose reply it lost, or a batch retried after its
// commit's outcome was lost — is stored once, whether the copies arrive one
// after the other, in one batch, or from StopTransaction's transactionData.
func TestMeterWriterIdempotent(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "IDEMPOTENT")
		sess := startSession(t, s, cp.ID, 1, 0, at(0))
		w := newWriter(t, s, store.MeterWriterConfig{})
		count := func() int64 {
			t.Helper()
			var n int64
			if err := s.DB().Model(&store.MeterValue{}).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}

		msg := message(cp.ID, sess, at(1), 1000)
		for range 3 {
			if err := w.Write(ctx, msg); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(); n != 4 {
			t.Fatalf("one message written 3 times: %d rows, want 4", n)
		}

		// Many copies at once share one batch (and one statement).
		var wg sync.WaitGroup
		msg2 := message(cp.ID, sess, at(2), 2000)
		for range 50 {
			wg.Go(func() {
				if err := w.Write(ctx, msg2); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := count(); n != 8 {
			t.Fatalf("a message written 50 times at once: %d rows, want 8", n)
		}

		// A message without a transaction (NULL transaction id, NULL-able key
		// parts empty) is a reading too.
		loose := message(cp.ID, nil, at(3), 3000)
		for range 2 {
			if err := w.Write(ctx, loose); err != nil {
				t.Fatal(err)
			}
		}
		if n := count(); n != 12 {
			t.Fatalf("a message without transaction written twice: %d rows, want 12", n)
		}

		// The same reading with another phase, location or context is another
		// reading.
		other := msg[:1:1]
		other[0].Context = "Transaction.End"
		if err := w.Write(ctx, other); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 13 {
			t.Fatalf("another context: %d rows, want 13", n)
		}

		// StopTransaction's transactionData repeats the Transaction.End reading.
		stopRows := []store.MeterValue{{ConnectorID: 1, Measurand: store.MeasurandEnergy, Value: 1000, Context: "Transaction.End", Timestamp: at(1)}}
		if _, err := s.StopSession(ctx, store.StopSession{ChargePointID: cp.ID, TransactionID: sess.TransactionID, MeterStop: 1000, StoppedAt: at(4), MeterValues: stopRows}); err != nil {
			t.Fatal(err)
		}
		if n := count(); n != 13 {
			t.Fatalf("transactionData repeating a stored reading: %d rows, want 13", n)
		}
	})
}

// TestMeterWriterResentAmongNew: one write holding readings stored before
// and new ones stores the new ones only, and the session's energy follows
// the newest (on PostgreSQL the plain INSERT fails on the reading key and
// the batch is written again skipping what is stored).
func TestMeterWriterResentAmongNew(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "RESENT")
		sess := startSession(t, s, cp.ID, 1, 0, at(0))
		w := newWriter(t, s, store.MeterWriterConfig{})
		old := message(cp.ID, sess, at(1), 1000)
		if err := w.Write(ctx, old); err != nil {
			t.Fatal(err)
		}
		if err := w.Write(ctx, append(message(cp.ID, sess, at(2), 2500), old...)); err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := s.DB().Model(&store.MeterValue{}).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		if n != 8 {
			t.Errorf("%d rows, want 8 (4 + 4 new)", n)
		}
		got, err := s.SessionByID(ctx, sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.EnergyConsumed != 2.5 {
			t.Errorf("energy %v kWh, want 2.5", got.EnergyConsumed)
		}
	})
}
