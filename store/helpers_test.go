package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/store"
)

// each runs fn on a migrated SQLite and a migrated PostgreSQL database.
func each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		t.Parallel()
		fn(t, migrated(t, db))
	})
}

func migrated(t testing.TB, db *gorm.DB) *store.Store {
	t.Helper()
	if err := store.Migrate(context.Background(), db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return store.New(db)
}

func newCP(t testing.TB, s *store.Store, identifier string) *store.ChargePoint {
	t.Helper()
	cp, created, err := s.EnsureChargePoint(context.Background(), identifier)
	if err != nil || !created {
		t.Fatalf("EnsureChargePoint(%q) = %v, %v, %v", identifier, cp, created, err)
	}
	return cp
}

func startSession(t testing.TB, s *store.Store, cpID uint, connector, meterStart int, at time.Time) *store.ChargingSession {
	t.Helper()
	sess, created, err := s.StartSession(context.Background(), store.StartSession{
		ChargePointID: cpID, ConnectorID: connector, IDTag: "TAG", MeterStart: meterStart, StartedAt: at,
	})
	if err != nil || !created {
		t.Fatalf("StartSession = %v, %v, %v", sess, created, err)
	}
	return sess
}

func wantNotFound(t testing.TB, err error) {
	t.Helper()
	if !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
	if errors.Is(err, gorm.ErrRecordNotFound) {
		t.Fatalf("err = %v leaks gorm.ErrRecordNotFound", err)
	}
}

// base is a fixed, deterministic time for the tests.
var base = time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)

func at(minutes int) time.Time { return base.Add(time.Duration(minutes) * time.Minute) }

func eqTime(t testing.TB, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func ptr[T any](v T) *T { return &v }

func id(s string, i int) string { return fmt.Sprintf("%s-%04d", s, i) }
