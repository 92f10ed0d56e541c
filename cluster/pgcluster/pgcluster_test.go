package pgcluster_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
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

// TestNameSurvivesListenerReconnect: the listener's connection holds the
// node names' locks. When it breaks, the next connection takes them again
// before it listens, so the node keeps its name (and its requests) and
// another process still cannot join under it.
func TestNameSurvivesListenerReconnect(t *testing.T) {
	db := testdb.Postgres(t)
	pool := testdb.Pool(t, db)
	if err := pgcluster.Migrate(t.Context(), pool); err != nil {
		t.Fatal(err)
	}
	prefix := "t_" + strings.ToLower(rand.Text()[:10])
	b1 := pgcluster.New(testdb.Pool(t, db), pgcluster.Config{Prefix: prefix})
	defer b1.Close()
	b2 := pgcluster.New(testdb.Pool(t, db), pgcluster.Config{Prefix: prefix})
	defer b2.Close()
	echo := cluster.HandlerFunc(func(ctx context.Context, req cluster.Request) (json.RawMessage, error) {
		return json.RawMessage(`{"ok":true}`), nil
	})
	if err := b1.Join(t.Context(), "a", echo); err != nil {
		t.Fatal(err)
	}
	defer b1.Leave(context.Background(), "a")

	var killed int
	err := pool.QueryRow(t.Context(), `SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l
WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended($1, 0)`, pgcluster.NameKey(b1, "a")).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("terminate the listener's connection: %d, %v", killed, err)
	}
	// Requests notified while no connection listens are lost: try until one
	// gets through the new connection.
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		_, err := b2.Send(ctx, "a", cluster.Request{Kind: cluster.KindCall, Identity: "cp"})
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("node a does not receive requests after its listener reconnected: %v", err)
		}
	}
	if err := b2.Join(t.Context(), "a", echo); !errors.Is(err, cluster.ErrJoined) {
		t.Fatalf("Join under the name of the live node after its reconnect = %v, want ErrJoined", err)
	}
}

// TestCheck: Check reports a pool that cannot reach PostgreSQL.
func TestCheck(t *testing.T) {
	db := testdb.Postgres(t)
	pool := testdb.Pool(t, db)
	if err := pgcluster.Migrate(t.Context(), pool); err != nil {
		t.Fatal(err)
	}
	b := pgcluster.New(pool, pgcluster.Config{Prefix: "t_" + strings.ToLower(rand.Text()[:10])})
	defer b.Close()
	if err := b.Join(t.Context(), "a", cluster.HandlerFunc(nil)); err != nil {
		t.Fatal(err)
	}
	if err := b.Check(t.Context()); err != nil {
		t.Fatalf("Check of a joined backplane = %v", err)
	}
	pool.Close()
	if err := b.Check(t.Context()); err == nil {
		t.Error("Check with the pool closed succeeded")
	}
}
