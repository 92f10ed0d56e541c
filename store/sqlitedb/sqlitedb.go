// Package sqlitedb opens an SQLite database file for ocppkit, tuned for
// its write pattern, with the cgo driver gorm.io/driver/sqlite
// (mattn/go-sqlite3).
//
// It is a convenience, not a requirement: the store works on a host's own
// gorm.Open(sqlite.Open("app.db"), &gorm.Config{}) as well (it takes
// SQLite's write lock itself, see package store). Open adds what makes a
// busy CSMS faster on SQLite: WAL, a larger page cache, rarer checkpoints
// and a pool of one connection. PostgreSQL-only hosts never import this
// package, so they build without cgo.
package sqlitedb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"strings"

	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Open opens (creating it if missing) the SQLite database file at path
// with:
//
//   - journal_mode=WAL: readers never block the writer and commits need no fsync
//     of the main database file;
//   - synchronous=FULL: every commit is fsynced to the WAL before it returns,
//     so what a charge point was told is stored survives a power cut or an
//     OS crash (a CALLRESULT means "on disk"). Opt into synchronous=NORMAL
//     with Open("ocpp.db?_synchronous=NORMAL"): commits then skip the fsync
//     (it happens at checkpoints), which is faster on slow disks, and a power
//     cut or OS crash may roll back the last acknowledged commits — meter
//     readings and transactions the charge points will not resend — though
//     never corrupt the file; a crash of the process alone loses nothing
//     either way;
//   - busy_timeout=5000: a writer from another process waits up to 5s for the lock;
//   - foreign_keys=on;
//   - _txlock=immediate: transactions begun through database/sql take the write
//     lock when they begin, so a transaction that reads and then writes can
//     never fail with SQLITE_BUSY half-way through (the store does this for
//     its own writes on any handle; this covers the host's);
//   - cache_size=-65536 (64 MiB page cache): meter value inserts touch index
//     pages of every charge point and session; with SQLite's default 2 MiB
//     cache a busy batch re-reads them from the file (measured: +50% write
//     throughput);
//   - wal_autocheckpoint=10000 pages (a WAL of up to ~40 MiB): checkpoints,
//     and their fsync, run 10 times less often, and copy a hot page once for
//     many commits.
//
// Parameters already present in path (after a '?', go-sqlite3's DSN
// syntax) are kept.
//
// SQLite allows one writer at a time, so the pool is limited to a single
// connection: writers queue in Go's connection pool (first come, first served)
// instead of sleeping in SQLite's busy handler, which gives far better throughput
// and latency under contention. The price is that readers queue behind writers
// too, and that code must never use the *gorm.DB while it holds a transaction or
// an open *sql.Rows of the same *gorm.DB (it would wait for itself). Use
// PostgreSQL when many nodes or heavy concurrent reads are expected.
//
// gorm's PrepareStmt stays off: it prepares a statement first seen inside a
// transaction on another pool connection, which deadlocks a pool whose
// connections are all held by transactions (always, with SQLite's one). The
// returned DB logs nothing (gorm's logger is silenced); set db.Logger to
// change that. Open does not migrate: call store.Migrate.
func Open(path string) (*gorm.DB, error) {
	sqlDB := sql.OpenDB(connector{dsn: DSN(path), driver: &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			for _, pragma := range pragmas {
				if _, err := c.Exec(pragma, nil); err != nil {
					return fmt.Errorf("%s: %w", pragma, err)
				}
			}
			return nil
		},
	}})
	db, err := gorm.Open(sqlite.New(sqlite.Config{Conn: sqlDB}), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("sqlitedb: open %q: %w", path, err)
	}
	sqlDB.SetMaxOpenConns(1)
	sqlDB.SetMaxIdleConns(1)
	sqlDB.SetConnMaxLifetime(0)
	sqlDB.SetConnMaxIdleTime(0)
	if err := sqlDB.Ping(); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("sqlitedb: open %q: %w", path, err)
	}
	return db, nil
}

// pragmas run on every new connection (see Open).
var pragmas = []string{
	"PRAGMA cache_size = -65536",
	"PRAGMA wal_autocheckpoint = 10000",
}

// connector opens SQLite connections with a driver of its own (for the
// ConnectHook), so no driver name is registered globally.
type connector struct {
	dsn    string
	driver *sqlite3.SQLiteDriver
}

func (c connector) Connect(context.Context) (driver.Conn, error) { return c.driver.Open(c.dsn) }
func (c connector) Driver() driver.Driver                        { return c.driver }

// DSN returns the go-sqlite3 DSN Open uses for the database file at path:
// WAL, synchronous=FULL, busy_timeout=5000, foreign keys on, immediate
// transactions. Parameters already present in path (after a '?') are kept.
func DSN(path string) string {
	base, query, _ := strings.Cut(path, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		q = url.Values{}
	}
	defaults := [][2]string{
		{"_journal_mode", "WAL"},
		{"_synchronous", "FULL"},
		{"_busy_timeout", "5000"},
		{"_foreign_keys", "on"},
		{"_txlock", "immediate"},
	}
	for _, kv := range defaults {
		if q.Get(kv[0]) == "" {
			q.Set(kv[0], kv[1])
		}
	}
	return base + "?" + q.Encode()
}
