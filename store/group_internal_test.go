package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/internal/testdb"
)

// TestGroupCommit: writes made at the same moment share transactions; each
// caller learns its own outcome; a failing write fails only its caller; a
// write whose context ended before its turn is not run.
func TestGroupCommit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		ctx := context.Background()
		if err := Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		s := New(db)
		const n = 300
		cps := make([]ChargePoint, n)
		for i := range cps {
			cps[i] = ChargePoint{Identifier: fmt.Sprintf("GC-%04d", i), Metadata: JSONMap{}}
		}
		if err := db.CreateInBatches(cps, 100).Error; err != nil {
			t.Fatal(err)
		}
		at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

		var mu sync.Mutex
		txs := make(map[any]int) // transaction → writes it carried
		boom := errors.New("boom")
		var wg sync.WaitGroup
		errs := make([]error, n)
		var boomErr, cancelledErr error
		for i := range n {
			wg.Go(func() {
				errs[i] = s.grouped(ctx, func(tx *gorm.DB) error {
					mu.Lock()
					txs[txOf(tx)]++
					mu.Unlock()
					return tx.Model(&ChargePoint{}).Where("id = ?", cps[i].ID).Update("connected_at", at).Error
				})
			})
			if i == n/2 {
				wg.Go(func() { boomErr = s.grouped(ctx, func(*gorm.DB) error { return boom }) })
				wg.Go(func() {
					cctx, cancel := context.WithCancel(ctx)
					cancel()
					cancelledErr = s.grouped(cctx, func(*gorm.DB) error { t.Error("a cancelled write ran"); return nil })
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
