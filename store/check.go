package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
)

// Check reports what, if anything, makes db unfit for the store, with what
// to change. ocppkit.New calls it.
//
// The store works on a host's handle as it comes: any PostgreSQL pool, and
// an SQLite database opened with the driver's defaults, WAL or not (the
// store takes SQLite's write lock itself; see the package doc). The one
// handle it refuses is an in-memory SQLite database in a pool that may open
// more than one connection: every connection of such a pool is a database
// of its own, so rows written on one are missing on the next.
func Check(ctx context.Context, db *gorm.DB) error {
	if db.Dialector.Name() != DialectSQLite {
		return nil
	}
	var file string
	if err := db.WithContext(ctx).Raw("SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file).Error; err != nil {
		return fmt.Errorf("store: check database: %w", err)
	}
	if file != "" {
		return nil
	}
	sqlDB, err := db.DB()
	if err != nil {
		return fmt.Errorf("store: check database: %w", err)
	}
	if n := sqlDB.Stats().MaxOpenConnections; n != 1 {
		limit := "no limit"
		if n > 0 {
			limit = fmt.Sprint(n)
		}
		return fmt.Errorf("store: the SQLite database is in memory and its pool may open more than one connection (%s), "+
			"each of which would be a separate, empty database: call SetMaxOpenConns(1) on db.DB() "+
			"(and never SetConnMaxLifetime or SetConnMaxIdleTime, which would drop it), or open a file", limit)
	}
	return nil
}
