// Package anydb opens either database ocppkit supports from one string,
// for programs that take it from a flag or the environment: a
// "postgres://…" URL goes to pgdb.Open, anything else is an SQLite file
// for sqlitedb.Open.
//
// It links both drivers, so it needs cgo; a PostgreSQL-only host imports
// pgdb instead.
package anydb

import (
	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit/store"
	"github.com/ocppkit/ocppkit/store/pgdb"
	"github.com/ocppkit/ocppkit/store/sqlitedb"
)

// Open opens dsnOrPath with pgdb.Open when store.IsPostgresDSN says it is a
// PostgreSQL URL, else with sqlitedb.Open.
func Open(dsnOrPath string) (*gorm.DB, error) {
	if store.IsPostgresDSN(dsnOrPath) {
		return pgdb.Open(dsnOrPath)
	}
	return sqlitedb.Open(dsnOrPath)
}
