package rediscluster_test

import (
	"context"
	"crypto/rand"
	"os"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/cluster/clustertest"
	"github.com/ocppkit/ocppkit/cluster/rediscluster"
)

// newClient connects to OCPP_TEST_REDIS_URL: the test skips when it is
// unset, and fails when CI is set.
func newClient(t *testing.T) *redis.Client {
	t.Helper()
	url := os.Getenv("OCPP_TEST_REDIS_URL")
	if url == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("OCPP_TEST_REDIS_URL is unset; CI must run the Redis tests")
		}
		t.Skip("OCPP_TEST_REDIS_URL is unset")
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatalf("OCPP_TEST_REDIS_URL: %v", err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(t.Context()).Err(); err != nil {
		t.Fatalf("redis: %v", err)
	}
	return c
}

// uniquePrefix returns a key prefix of this test alone, deleting its keys
// afterwards.
func uniquePrefix(t *testing.T, c *redis.Client) string {
	t.Helper()
	p := "ocppkit_test:" + rand.Text() + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		keys, _ := c.Keys(ctx, p+"*").Result()
		if len(keys) > 0 {
			c.Del(ctx, keys...)
		}
	})
	return p
}

func TestConformance(t *testing.T) {
	c := newClient(t)
	clustertest.Exercise(t, func(t *testing.T) clustertest.Deployment {
		prefix := uniquePrefix(t, c)
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
