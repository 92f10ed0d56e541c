// Package pgdb opens a PostgreSQL database for ocppkit with the pure-Go
// driver gorm.io/driver/postgres (pgx), with a bounded pool.
//
// It is a convenience, not a requirement: the store works on any
// PostgreSQL *gorm.DB a host opened itself. It imports no cgo, so a
// PostgreSQL-only host builds with CGO_ENABLED=0.
package pgdb

import (
	"fmt"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// MaxConns is the size of the connection pool Open gives a database.
const MaxConns = 20

// Open opens the PostgreSQL database of dsn (a "postgres://…" URL or a
// key=value DSN).
//
// The pool is limited to MaxConns connections: a thousand charge points
// handled at once must queue in Go, not exhaust the server's
// max_connections (100 by default) — several nodes share it. Change it
// with db.DB() and SetMaxOpenConns.
//
// gorm's PrepareStmt stays off: it prepares a statement first seen inside a
// transaction on another pool connection, which deadlocks a pool whose
// connections are all held by transactions. The returned DB logs nothing
// (gorm's logger is silenced); set db.Logger to change that. Open does not
// migrate: call store.Migrate.
func Open(dsn string) (*gorm.DB, error) {
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		return nil, fmt.Errorf("pgdb: open: %w", err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("pgdb: open: %w", err)
	}
	sqlDB.SetMaxOpenConns(MaxConns)
	sqlDB.SetMaxIdleConns(MaxConns)
	return db, nil
}
