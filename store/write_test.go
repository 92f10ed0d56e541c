package store_test

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/store"
)

// TestWrite: a write commits what fn did, or nothing when fn fails or
// panics; a nested gorm transaction is a savepoint; the connection is
// usable afterwards (never left inside a transaction).
func TestWrite(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		db := s.DB()
		tag := func(name string) func(tx *gorm.DB) error {
			return func(tx *gorm.DB) error { return tx.Create(&store.IDTag{Tag: name, Status: store.IDTagAccepted}).Error }
		}
		exists := func(name string) bool {
			t.Helper()
			var n int64
			if err := db.Model(&store.IDTag{}).Where("tag = ?", name).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n == 1
		}
		if err := store.Write(ctx, db, tag("COMMITTED")); err != nil || !exists("COMMITTED") {
			t.Fatalf("Write = %v, row exists %v", err, exists("COMMITTED"))
		}
		boom := errors.New("boom")
		if err := store.Write(ctx, db, func(tx *gorm.DB) error {
			if err := tag("ROLLED-BACK")(tx); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) || exists("ROLLED-BACK") {
			t.Fatalf("Write with an error = %v, row exists %v", err, exists("ROLLED-BACK"))
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Fatal("the panic did not propagate")
				}
			}()
			_ = store.Write(ctx, db, func(tx *gorm.DB) error {
				_ = tag("PANICKED")(tx)
				panic("boom")
			})
		}()
		if exists("PANICKED") {
			t.Fatal("a panicking write committed")
		}
		err := store.Write(ctx, db, func(tx *gorm.DB) error {
			if err := tag("OUTER")(tx); err != nil {
				return err
			}
			if err := tx.Transaction(func(tx *gorm.DB) error { _ = tag("INNER")(tx); return boom }); !errors.Is(err, boom) {
				return errors.New("the nested transaction did not fail")
			}
			return nil
		})
		if err != nil || !exists("OUTER") || exists("INNER") {
			t.Fatalf("nested: %v, outer %v, inner %v", err, exists("OUTER"), exists("INNER"))
		}
		if _, _, err := s.EnsureChargePoint(ctx, "AFTER"); err != nil { // the pool is sound
			t.Fatal(err)
		}
	})
}
