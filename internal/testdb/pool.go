package testdb

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"gorm.io/gorm"
)

// Pool opens a pgx pool on the PostgreSQL server of OCPP_TEST_DATABASE_URL
// whose search_path is the schema of db (a database returned by Postgres),
// for code that takes a *pgxpool.Pool (backplanes, broadcasters) next to a
// store on db. It is closed in t.Cleanup.
func Pool(t testing.TB, db *gorm.DB) *pgxpool.Pool {
	t.Helper()
	var schema string
	if err := db.Raw("SELECT current_schema()").Scan(&schema).Error; err != nil {
		t.Fatalf("testdb: current schema: %v", err)
	}
	dsn, err := withSearchPath(PostgresURL(t), schema)
	if err != nil {
		t.Fatalf("testdb: %v", err)
	}
	pool, err := pgxpool.New(t.Context(), dsn)
	if err != nil {
		t.Fatalf("testdb: open pool: %v", err)
	}
	// Registered after the schema's cleanup, so it runs before it.
	t.Cleanup(pool.Close)
	return pool
}
