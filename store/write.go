package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"weak"

	"gorm.io/gorm"
)

// How the store writes to SQLite.
//
// SQLite has one writer at a time. A transaction that begins as a reader
// (go-sqlite3's default "BEGIN", deferred) and writes later must upgrade its
// lock; when another connection wrote in the meantime the upgrade fails at
// once with SQLITE_BUSY ("database is locked"), whatever the busy timeout:
// waiting could not help, the reader's snapshot is stale. A host's plain
// gorm.Open(sqlite.Open("app.db")) hands out exactly such transactions. So
// the store never lets gorm or database/sql begin its SQLite transactions:
//
//   - each write runs on one connection of the pool inside BEGIN IMMEDIATE,
//     which takes the write lock before the first read (and waits for it in
//     SQLite's busy handler);
//   - the store's own writers (every Store and MeterWriter on the same
//     *sql.DB, and the host's writes through Write) take turns on a lock
//     in Go first, so they queue in order instead of sleeping and polling
//     in SQLite's busy handler; only other writers of the host's still
//     meet the busy handler;
//   - the connection's busy timeout is raised to MinBusyTimeout when lower
//     (pure-Go drivers default to none), so a write of the host's, or a
//     checkpoint, makes the store wait rather than fail.
//
// On PostgreSQL a write is an ordinary gorm transaction.

// MinBusyTimeout is the busy timeout, in milliseconds, the store gives an
// SQLite connection it writes on when the connection's own is lower.
const MinBusyTimeout = 5000

// write runs fn in one write transaction (see Write).
func (s *Store) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return Write(ctx, s.db, fn)
}

// Write runs fn in one write transaction on db, the way the store runs its
// own: committed if fn returns nil, rolled back otherwise; fn must use
// only tx. On SQLite the transaction begins with BEGIN IMMEDIATE, so it
// never fails to upgrade from reading to writing, and it takes its turn
// with the store's own writers of the same *sql.DB, first come first
// served: use Write for the host's own writes to an SQLite database it
// shares with a busy CSMS, or they may starve in SQLite's busy handler
// ("database is locked") while the store keeps the write lock busy. On
// PostgreSQL it is db.Transaction(fn). Call it with the handle itself, not
// with a transaction of it: on SQLite the write would wait for the lock
// that transaction holds.
func Write(ctx context.Context, db *gorm.DB, fn func(tx *gorm.DB) error) error {
	if db.Dialector.Name() != DialectSQLite {
		return db.WithContext(ctx).Transaction(fn)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return writeSQLite(ctx, sqlDB, func(conn *sql.Conn) error {
		tx := db.WithContext(ctx)
		tx.Statement.ConnPool = connPool{conn}
		return fn(tx)
	})
}

// writeSQLite runs fn inside BEGIN IMMEDIATE … COMMIT on one connection of
// db, holding db's write lock (see above).
func writeSQLite(ctx context.Context, db *sql.DB, fn func(conn *sql.Conn) error) (err error) {
	unlock, err := lockWrites(ctx, db)
	if err != nil {
		return err
	}
	defer unlock()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := raiseBusyTimeout(ctx, conn); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	done := false
	defer func() {
		if done {
			return
		}
		// fn failed or panicked, or COMMIT failed: roll back. A connection
		// whose state is unknown afterwards is discarded, never returned to
		// the pool inside a transaction.
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil && !noTransaction(rerr) {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	if err := fn(conn); err != nil {
		return err
	}
	if _, err := conn.ExecContext(context.WithoutCancel(ctx), "COMMIT"); err != nil {
		return err
	}
	done = true
	return nil
}

// noTransaction reports whether err says no transaction was open (SQLite
// rolled it back itself, e.g. after an interrupt).
func noTransaction(err error) bool {
	return strings.Contains(strings.ToLower(err.Error()), "no transaction is active")
}

// raiseBusyTimeout sets the connection's busy timeout to MinBusyTimeout if
// it is lower.
func raiseBusyTimeout(ctx context.Context, conn *sql.Conn) error {
	var ms int
	if err := conn.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&ms); err != nil {
		return fmt.Errorf("read busy_timeout: %w", err)
	}
	if ms >= MinBusyTimeout {
		return nil
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", MinBusyTimeout)); err != nil {
		return fmt.Errorf("set busy_timeout: %w", err)
	}
	return nil
}

// writeLocks holds one lock per *sql.DB the store writes to, shared by
// every Store and MeterWriter on it. The key is weak, and an entry goes
// away with its *sql.DB.
var writeLocks sync.Map // weak.Pointer[sql.DB] → chan struct{}

// lockWrites takes db's write lock, or returns ctx's error if ctx ends
// first. unlock releases it.
func lockWrites(ctx context.Context, db *sql.DB) (unlock func(), err error) {
	key := weak.Make(db)
	l, ok := writeLocks.Load(key)
	if !ok {
		var loaded bool
		l, loaded = writeLocks.LoadOrStore(key, make(chan struct{}, 1))
		if !loaded {
			runtime.AddCleanup(db, func(k weak.Pointer[sql.DB]) { writeLocks.Delete(k) }, key)
		}
	}
	ch := l.(chan struct{})
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// connPool runs gorm's statements on one connection inside the
// transaction writeSQLite opened. It has no BeginTx, so gorm does not open
// a transaction of its own around a Create or Update (it would fail inside
// this one), and it is a gorm.TxCommitter, so a nested tx.Transaction uses
// a savepoint. Commit and Rollback belong to writeSQLite.
type connPool struct{ conn *sql.Conn }

var errOwnedTransaction = errors.New("store: the write transaction is committed by the store")

func (p connPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.conn.PrepareContext(ctx, query)
}

func (p connPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.conn.ExecContext(ctx, query, args...)
}

func (p connPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.conn.QueryContext(ctx, query, args...)
}

func (p connPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.conn.QueryRowContext(ctx, query, args...)
}

func (connPool) Commit() error   { return errOwnedTransaction }
func (connPool) Rollback() error { return errOwnedTransaction }

// exec runs one writing statement as write does, and returns the number of
// rows it affected.
func (s *Store) exec(ctx context.Context, stmt func(tx *gorm.DB) *gorm.DB) (rows int64, err error) {
	if s.db.Dialector.Name() != DialectSQLite {
		res := stmt(s.ctx(ctx))
		return res.RowsAffected, res.Error
	}
	err = s.write(ctx, func(tx *gorm.DB) error {
		res := stmt(tx)
		rows = res.RowsAffected
		return res.Error
	})
	return rows, err
}
