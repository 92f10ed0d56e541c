package pgdb_test

import (
	"testing"

	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/store/pgdb"
)

func TestOpen(t *testing.T) {
	t.Parallel()
	db, err := pgdb.Open(testdb.PostgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	t.Cleanup(func() { _ = sqlDB.Close() })
	var one int
	if err := db.Raw("SELECT 1").Scan(&one).Error; err != nil || one != 1 {
		t.Fatalf("SELECT 1 = %d, %v", one, err)
	}
	if db.Dialector.Name() != "postgres" {
		t.Errorf("dialect = %s", db.Dialector.Name())
	}
	if got := sqlDB.Stats().MaxOpenConnections; got != pgdb.MaxConns {
		t.Errorf("MaxOpenConnections = %d, want %d", got, pgdb.MaxConns)
	}
}
