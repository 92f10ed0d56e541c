package rediscluster_test

import (
	"github.com/ocppkit/ocppkit/internal/testdb"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/cluster/clustertest"
	"github.com/ocppkit/ocppkit/cluster/rediscluster"
)

func TestConformance(t *testing.T) {
	c := testdb.Redis(t)
	clustertest.Exercise(t, func(t *testing.T) clustertest.Deployment {
		prefix := testdb.RedisPrefix(t, c)
		ttl := time.Second
		return clustertest.Deployment{
			TTL: ttl,
			New: func() cluster.Backplane {
				// Its own client, as another process would have.
				client := redis.NewClient(c.Options())
				t.Cleanup(func() { client.Close() })
				b := rediscluster.New(client, rediscluster.Config{Prefix: prefix, TTL: ttl})
				t.Cleanup(func() { b.Close() })
				return b
			},
		}
	})
}

// TestCheck: Check reports a client that cannot reach Redis.
func TestCheck(t *testing.T) {
	c := testdb.Redis(t)
	client := redis.NewClient(c.Options())
	b := rediscluster.New(client, rediscluster.Config{Prefix: testdb.RedisPrefix(t, c)})
	defer b.Close()
	if err := b.Check(t.Context()); err != nil {
		t.Fatalf("Check = %v", err)
	}
	client.Close()
	if err := b.Check(t.Context()); err == nil {
		t.Error("Check with the client closed succeeded")
	}
}
