package pgcluster_test

import (
	"crypto/rand"
	"strings"
	"testing"
	"time"

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
