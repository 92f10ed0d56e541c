package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"strings"

	"github.com/mattn/go-sqlite3"
	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Open opens a database for ocppkit.
//
// A dsnOrPath starting with "postgres://" or "postgresql://" is opened with the
// PostgreSQL driver (pgx); anything else is taken as the path of an SQLite file,
// created if missing, opened with:
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
//   - _txlock=immediate: transactions take the write lock when they begin, so a
//     transaction that reads and then writes can never fail with SQLITE_BUSY
//     half-way through;
//   - cache_size=-65536 (64 MiB page cache): meter value inserts touch index
//     pages of every charge point and session; with SQLite's default 2 MiB
//     cache a busy batch re-reads them from the file (measured: +50% write
//     throughput);
//   - wal_autocheckpoint=10000 pages (a WAL of up to ~40 MiB): checkpoints,
//     and their fsync, run 10 times less often, and copy a hot page once for
//     many commits.
//
// SQLite allows one writer at a time, so the SQLite pool is limited to a single
// connection: writers queue in Go's connection pool (first come, first served)
// instead of sleeping in SQLite's busy handler, which gives far better throughput
// and latency under contention. The price is that readers queue behind writers
// too, and that code must never use the *gorm.DB while it holds a transaction or
// an open *sql.Rows of the same *gorm.DB (it would wait for itself). Use
// PostgreSQL when many nodes or heavy concurrent reads are expected.
//
// The PostgreSQL pool is limited to PostgresMaxConns connections: a thousand
// charge points handled at once must queue in Go, not exhaust the server's
// max_connections (100 by default) — several nodes share it. Change it with
// db.DB() and SetMaxOpenConns.
//
// gorm's PrepareStmt stays off: it prepares a statement first seen inside a
// transaction on another pool connection, which deadlocks a pool whose
// connections are all held by transactions (always, with SQLite's one). The
// returned DB logs nothing (gorm's logger is silenced);
// set db.Logger to change that. Open does not migrate: call Migrate.
func Open(dsnOrPath string) (*gorm.DB, error) {
	cfg := &gorm.Config{Logger: logger.Discard}
	if IsPostgresDSN(dsnOrPath) {
		db, err := gorm.Open(postgres.Open(dsnOrPath), cfg)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		sqlDB.SetMaxOpenConns(PostgresMaxConns)
		sqlDB.SetMaxIdleConns(PostgresMaxConns)
		return db, nil
	}
	sqlDB := sql.OpenDB(sqliteConnector{dsn: sqliteDSN(dsnOrPath), driver: &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			for _, pragma := range sqlitePragmas {
				if _, err := c.Exec(pragma, nil); err != nil {
					return fmt.Errorf("%s: %w", pragma, err)
				}
			}
			return nil
		},
	}})
	db, err := gorm.Open(sqlite.New(sqlite.Config{Conn: sqlDB}), cfg)
	if err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("store: open sqlite %q: %w", dsnOrPath, err)
	}
	sqlDB.SetMaxOpenConns(1)
	sqlDB.SetMaxIdleConns(1)
	sqlDB.SetConnMaxLifetime(0)
	sqlDB.SetConnMaxIdleTime(0)
	if err := sqlDB.Ping(); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("store: open sqlite %q: %w", dsnOrPath, err)
	}
	return db, nil
}

// PostgresMaxConns is the size of the connection pool Open gives a
// PostgreSQL database.
const PostgresMaxConns = 20

// IsPostgresDSN reports whether dsn is a PostgreSQL URL ("postgres://…" or
// "postgresql://…").
func IsPostgresDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// sqlitePragmas run on every new SQLite connection (see Open).
var sqlitePragmas = []string{
	"PRAGMA cache_size = -65536",
	"PRAGMA wal_autocheckpoint = 10000",
}

// sqliteConnector opens SQLite connections with a driver of its own (for
// the ConnectHook), so no driver name is registered globally.
type sqliteConnector struct {
	dsn    string
	driver *sqlite3.SQLiteDriver
}

func (c sqliteConnector) Connect(context.Context) (driver.Conn, error) { return c.driver.Open(c.dsn) }
func (c sqliteConnector) Driver() driver.Driver                        { return c.driver }

// sqliteDSN returns the go-sqlite3 DSN Open uses for the database file at path:
// WAL, synchronous=FULL, busy_timeout=5000, foreign keys on, immediate
// transactions. Parameters already present in path (after a '?') are kept.
func sqliteDSN(path string) string {
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
