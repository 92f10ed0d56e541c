package pgcluster_test

import (
	"context"
	"crypto/rand"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/cluster/clustertest"
	"github.com/ocppkit/ocppkit/cluster/pgcluster"
	"github.com/ocppkit/ocppkit/internal/testdb"
)

func TestConformance(t *testing.T) {
	testdb.PostgresURL(t) // skip rules
	clustertest.Exercise(t, func(t *testing.T) clustertest.Deployment {
		db := testdb.Postgres(t) // a schema of this deployment alone
		if err := pgcluster.Migrate(t.Context(), testdb.Pool(t, db)); err != nil {
			t.Fatal(err)
		}
		prefix := "t_" + strings.ToLower(rand.Text()[:10]) // channels are global
		ttl := time.Second
		return clustertest.Deployment{
			TTL: ttl,
			New: func() cluster.Backplane {
				// Its own pool, as another process would have.
				b := pgcluster.New(testdb.Pool(t, db), pgcluster.Config{Prefix: prefix, TTL: ttl})
				t.Cleanup(func() { b.Close() })
				return b
			},
		}
	})
}

func TestLongPrefix(t *testing.T) {
	db := testdb.Postgres(t)
	b := pgcluster.New(testdb.Pool(t, db), pgcluster.Config{Prefix: strings.Repeat("p", pgcluster.MaxPrefixLength+1)})
	defer b.Close()
	if err := b.Join(t.Context(), "a", cluster.HandlerFunc(nil)); err == nil || !strings.Contains(err.Error(), "longer") {
		t.Errorf("Join with a long prefix = %v", err)
	}
}

// TestMigrateConcurrently: nodes starting at the same instant on an empty
// schema all create the backplane's tables (without the lock, one of two
// concurrent CREATE TABLE IF NOT EXISTS fails on pg_type's unique index).
// 20 rounds of 4 nodes, each with its own pool.
func TestMigrateConcurrently(t *testing.T) {
	testdb.PostgresURL(t) // skip rules
	for round := range 20 {
		db := testdb.OpenPostgres(t, testdb.PostgresSchemaURL(t))
		pools := make([]*pgxpool.Pool, 4)
		for i := range pools {
			pools[i] = testdb.Pool(t, db)
		}
		start := make(chan struct{})
		errs := make([]error, len(pools))
		var wg sync.WaitGroup
		for i, pool := range pools {
			wg.Go(func() {
				<-start
				errs[i] = pgcluster.Migrate(context.Background(), pool)
			})
		}
		close(start)
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("round %d, node %d: %v", round, i, err)
			}
		}
		for _, pool := range pools { // the server's connections are shared by every test
			pool.Close()
		}
		if sqlDB, err := db.DB(); err == nil {
			_ = sqlDB.Close()
		}
	}
}
