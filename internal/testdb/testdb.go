// Package testdb opens throw-away databases for tests: an SQLite file in the
// test's temporary directory, and a private schema of the PostgreSQL server
// named by OCPP_TEST_DATABASE_URL.
//
// The databases are empty: call store.Migrate. Each test gets its own
// database or schema, so tests using testdb may run in parallel.
package testdb

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/ocppkit/ocppkit/store/sqlitedb"
)

// EnvDatabaseURL names the environment variable with the PostgreSQL URL.
const EnvDatabaseURL = "OCPP_TEST_DATABASE_URL"

// SQLite opens a new SQLite database file in t.TempDir() with sqlitedb.Open
// (WAL, synchronous=FULL, busy_timeout=5000, foreign keys on, immediate
// transactions, a pool of one connection). It is closed in t.Cleanup.
//
// With one connection, code that uses the *gorm.DB while it holds a
// transaction of the same *gorm.DB waits for itself: tests catch that
// mistake (it would stall production SQLite deployments as well).
func SQLite(t testing.TB) *gorm.DB {
	t.Helper()
	db, err := sqlitedb.Open(filepath.Join(t.TempDir(), "ocpp.db"))
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	t.Cleanup(func() { _ = sqlDB.Close() })
	return db
}

// PostgresURL returns OCPP_TEST_DATABASE_URL. When it is unset it skips the
// test, or fails it when the environment variable CI is non-empty (so CI
// cannot pass by skipping).
func PostgresURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvDatabaseURL)
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("testdb: %s is not set (required when CI is set)", EnvDatabaseURL)
		}
		t.Skipf("testdb: %s not set; skipping PostgreSQL test", EnvDatabaseURL)
	}
	return u
}

// Postgres creates a schema "t_<random>" on the server of
// OCPP_TEST_DATABASE_URL and returns a connection whose search_path is that
// schema. The connection is closed and the schema dropped in t.Cleanup. It
// skips (or fails, see PostgresURL) when the variable is unset.
func Postgres(t testing.TB) *gorm.DB {
	t.Helper()
	return OpenPostgres(t, PostgresSchemaURL(t))
}

// PostgresSchemaURL creates a schema "t_<random>" on the server of
// OCPP_TEST_DATABASE_URL, dropped in t.Cleanup, and returns a URL whose
// search_path is that schema: open it several times for several nodes
// sharing one database (OpenPostgres). It skips (or fails, see PostgresURL)
// when the variable is unset.
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	base := PostgresURL(t)
	var b [8]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])

	admin, err := gorm.Open(postgres.Open(base), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("testdb: open postgres: %v", err)
	}
	adminSQL, err := admin.DB()
	if err != nil {
		t.Fatalf("testdb: open postgres: %v", err)
	}
	adminSQL.SetMaxOpenConns(1)
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		_ = adminSQL.Close()
		t.Fatalf("testdb: create schema: %v", err)
	}
	t.Cleanup(func() {
		if err := admin.Exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE").Error; err != nil {
			t.Errorf("testdb: drop schema %s: %v", schema, err)
		}
		_ = adminSQL.Close()
	})
	dsn, err := withSearchPath(base, schema)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	return dsn
}

// OpenPostgres opens dsn (e.g. from PostgresSchemaURL) with a pool of 10
// connections, closed in t.Cleanup.
func OpenPostgres(t testing.TB, dsn string) *gorm.DB {
	t.Helper()
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("testdb: open postgres %s: %v", dsn, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatalf("testdb: open postgres %s: %v", dsn, err)
	}
	sqlDB.SetMaxOpenConns(10)
	// Registered after the schema's cleanup, so it runs before it.
	t.Cleanup(func() { _ = sqlDB.Close() })
	return db
}

// withSearchPath adds search_path=schema to a URL or key=value DSN; pgx
// sends unknown parameters as run-time parameters of the session.
func withSearchPath(dsn, schema string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse %s: %w", EnvDatabaseURL, err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	return dsn + " search_path=" + schema, nil
}

// Each runs fn as the subtests "sqlite" and "postgres", each with a fresh
// database (see SQLite and Postgres; the postgres subtest skips or fails as
// Postgres does).
func Each(t *testing.T, fn func(t *testing.T, db *gorm.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}
