package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/internal/testdb"
)

// TestGroupCommit: writes made at the same moment share transactions, in
// which they run in ascending order of the rows they update; each caller
// learns its own outcome; a failing write fails only its caller; a write
// whose context ended before its turn is not run.
func TestGroupCommit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		ctx := context.Background()
		const n = 300
		s, cps := storeWith(t, db, "GC", n)
		at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

		var mu sync.Mutex
		txs := make(map[any]int)      // transaction → writes it carried
		order := make(map[any][]uint) // transaction → rows, in the order written
		boom := errors.New("boom")
		var wg sync.WaitGroup
		errs := make([]error, n)
		var boomErr, cancelledErr error
		for i := range n {
			wg.Go(func() {
				errs[i] = s.grouped(ctx, cps[i].ID, func(tx *gorm.DB) error {
					mu.Lock()
					txs[txOf(tx)]++
					order[txOf(tx)] = append(order[txOf(tx)], cps[i].ID)
					mu.Unlock()
					return tx.Model(&ChargePoint{}).Where("id = ?", cps[i].ID).Update("connected_at", at).Error
				})
			})
			if i == n/2 {
				// Last in its transaction (the highest row), so that the
				// writes before it run in the shared transaction it fails.
				wg.Go(func() { boomErr = s.grouped(ctx, math.MaxUint, func(*gorm.DB) error { return boom }) })
				wg.Go(func() {
					cctx, cancel := context.WithCancel(ctx)
					cancel()
					cancelledErr = s.grouped(cctx, 0, func(*gorm.DB) error { t.Error("a cancelled write ran"); return nil })
				})
			}
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("write %d: %v", i, err)
			}
		}
		if !errors.Is(boomErr, boom) {
			t.Errorf("failing write: %v, want boom", boomErr)
		}
		if !errors.Is(cancelledErr, context.Canceled) {
			t.Errorf("cancelled write: %v, want context.Canceled", cancelledErr)
		}
		var count int64
		if err := db.Model(&ChargePoint{}).Where("connected_at = ?", at).Count(&count).Error; err != nil {
			t.Fatal(err)
		}
		if count != n {
			t.Errorf("%d charge points written, want %d", count, n)
		}
		shared := 0
		for _, k := range txs {
			if k > 1 {
				shared++
			}
		}
		if shared == 0 {
			t.Errorf("%d concurrent writes in %d transactions, none shared", n, len(txs))
		}
		for tx, rows := range order {
			if !slices.IsSorted(rows) {
				t.Errorf("transaction %v wrote rows in the order %v, want ascending", tx, rows)
				break
			}
		}
		// The leader ends once it finds the queue empty (just after the
		// last caller has its answer): no goroutine stays.
		deadline := time.Now().Add(10 * time.Second)
		for {
			s.group.mu.Lock()
			leaders, pending := s.group.leaders, len(s.group.pending)
			s.group.mu.Unlock()
			if leaders == 0 && pending == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after the writes: %d leaders, %d pending; want none", leaders, pending)
			}
			time.Sleep(time.Millisecond)
		}
	})
}

// txOf identifies the transaction tx runs in.
func txOf(tx *gorm.DB) any {
	switch p := tx.Statement.ConnPool.(type) {
	case connPool:
		return p.conn
	case *sql.Tx:
		return p
	}
	return fmt.Sprintf("%T", tx.Statement.ConnPool)
}

// TestBatchedLookups: lookups made at the same moment share queries; each
// caller gets its own copy of its charge point, an unknown identity is
// ErrNotFound, and a caller whose context has ended gets its error.
func TestBatchedLookups(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		ctx := context.Background()
		const n = 300
		s, cps := storeWith(t, db, "BL", n)
		var queries atomic.Int64
		if err := db.Callback().Query().After("gorm:query").Register("test:count", func(tx *gorm.DB) {
			if tx.Statement.Table == "ocpp_charge_points" {
				queries.Add(1)
			}
		}); err != nil {
			t.Fatal(err)
		}
		got := make([]*ChargePoint, n)
		errs := make([]error, n)
		var unknownErr, cancelledErr error
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { got[i], errs[i] = s.ChargePointByIdentifier(ctx, cps[i%(n/2)*2].Identifier) }) // each identity twice
		}
		wg.Go(func() { _, unknownErr = s.ChargePointByIdentifier(ctx, "BL-unknown") })
		wg.Go(func() {
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			_, cancelledErr = s.ChargePointByIdentifier(cctx, cps[1].Identifier)
		})
		wg.Wait()
		for i := range n {
			want := cps[i%(n/2)*2]
			if errs[i] != nil || got[i] == nil || got[i].ID != want.ID || got[i].Vendor != want.Vendor {
				t.Fatalf("lookup %d of %s: %+v, %v", i, want.Identifier, got[i], errs[i])
			}
		}
		if q := queries.Load(); q >= n {
			t.Errorf("%d lookups made at once ran %d queries, want them shared", n+1, q)
		}
		if got[0] == got[n/2] {
			t.Error("two callers share one *ChargePoint")
		}
		if !errors.Is(unknownErr, ErrNotFound) {
			t.Errorf("unknown identity: %v, want ErrNotFound", unknownErr)
		}
		if !errors.Is(cancelledErr, context.Canceled) {
			t.Errorf("cancelled lookup: %v, want context.Canceled", cancelledErr)
		}
	})
}

// storeWith migrates db and creates n charge points <prefix>-0000, … (vendor
// v0, v1, …), returned in order with a Store on db.
func storeWith(t *testing.T, db *gorm.DB, prefix string, n int) (*Store, []ChargePoint) {
	t.Helper()
	if err := Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	cps := make([]ChargePoint, n)
	for i := range cps {
		cps[i] = ChargePoint{Identifier: fmt.Sprintf("%s-%04d", prefix, i), Vendor: fmt.Sprintf("v%d", i), Metadata: JSONMap{}}
	}
	if err := db.CreateInBatches(cps, 100).Error; err != nil {
		t.Fatal(err)
	}
	return New(db), cps
}
