package sqlitedb_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/sqlitedb"
)

func TestOpen(t *testing.T) {
	t.Parallel()
	db, err := sqlitedb.Open(filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	t.Cleanup(func() { _ = sqlDB.Close() })
	tests := []struct {
		name, pragma, want string
	}{
		{"wal", "PRAGMA journal_mode", "wal"},
		{"busy timeout", "PRAGMA busy_timeout", "5000"},
		{"foreign keys", "PRAGMA foreign_keys", "1"},
		{"synchronous full: an acknowledged commit is on disk", "PRAGMA synchronous", "2"},
		{"cache size", "PRAGMA cache_size", "-65536"},
		{"wal autocheckpoint", "PRAGMA wal_autocheckpoint", "10000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			if err := db.Raw(tt.pragma).Scan(&got).Error; err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("%s = %q, want %q", tt.pragma, got, tt.want)
			}
		})
	}
	if got := sqlDB.Stats().MaxOpenConnections; got != 1 {
		t.Errorf("MaxOpenConnections = %d, want 1", got)
	}
	if err := store.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
}

func TestDSNKeepsGivenParameters(t *testing.T) {
	got := sqlitedb.DSN("a.db?_busy_timeout=100&cache=shared")
	for _, want := range []string{"_busy_timeout=100", "cache=shared", "_journal_mode=WAL", "_txlock=immediate"} {
		if !strings.Contains(got, want) {
			t.Errorf("DSN = %q, lacks %q", got, want)
		}
	}
}

// TestOpenNormalSync: synchronous=NORMAL is an opt-in through the path's
// parameters.
func TestOpenNormalSync(t *testing.T) {
	t.Parallel()
	db, err := sqlitedb.Open(filepath.Join(t.TempDir(), "x.db") + "?_synchronous=NORMAL")
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	t.Cleanup(func() { _ = sqlDB.Close() })
	var got string
	if err := db.Raw("PRAGMA synchronous").Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	if got != "1" {
		t.Errorf("PRAGMA synchronous = %s, want 1 (NORMAL)", got)
	}
}
