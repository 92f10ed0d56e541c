package testdb

import (
	"context"
	"crypto/rand"
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
)

// EnvRedisURL names the Redis server of the tests.
const EnvRedisURL = "OCPP_TEST_REDIS_URL"

// RedisOptions returns the options of OCPP_TEST_REDIS_URL. It skips the test
// when the variable is unset, and fails it when CI is set.
func RedisOptions(t testing.TB) *redis.Options {
	t.Helper()
	u := os.Getenv(EnvRedisURL)
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("testdb: %s is not set (required when CI is set)", EnvRedisURL)
		}
		t.Skipf("testdb: %s not set; skipping Redis test", EnvRedisURL)
	}
	opt, err := redis.ParseURL(u)
	if err != nil {
		t.Fatalf("testdb: %s: %v", EnvRedisURL, err)
	}
	return opt
}

// Redis returns a client of OCPP_TEST_REDIS_URL (see RedisOptions), pinged,
// and closed in t.Cleanup.
func Redis(t testing.TB) *redis.Client {
	t.Helper()
	c := redis.NewClient(RedisOptions(t))
	t.Cleanup(func() { c.Close() })
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("testdb: redis: %v", err)
	}
	return c
}

// RedisPrefix returns a key prefix of this test alone, so tests share one
// Redis in parallel; the keys under it are deleted in t.Cleanup.
func RedisPrefix(t testing.TB, c *redis.Client) string {
	t.Helper()
	p := "ocppkit_test:" + rand.Text() + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		if keys, _ := c.Keys(ctx, p+"*").Result(); len(keys) > 0 {
			c.Del(ctx, keys...)
		}
	})
	return p
}
