package redisbroadcast_test

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/broadcast/broadcasttest"
	"github.com/ocppkit/ocppkit/broadcast/redisbroadcast"
)

func newBroadcaster(t *testing.T, c *redis.Client, prefix string) *redisbroadcast.Broadcaster {
	t.Helper()
	b := redisbroadcast.New(c, redisbroadcast.Config{Prefix: prefix})
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b
}

func TestConformance(t *testing.T) {
	c := testdb.Redis(t)
	broadcasttest.Exercise(t, func(t *testing.T) broadcast.Broadcaster {
		return newBroadcaster(t, c, testdb.RedisPrefix(t, c))
	})
}

func TestTwoInstances(t *testing.T) {
	c := testdb.Redis(t)
	prefix := testdb.RedisPrefix(t, c)
	// Two nodes: separate clients, as separate processes would have.
	c2 := redis.NewClient(c.Options())
	t.Cleanup(func() { c2.Close() })
	a := newBroadcaster(t, c, prefix)
	b := newBroadcaster(t, c2, prefix)
	other := newBroadcaster(t, c2, testdb.RedisPrefix(t, c)) // another deployment

	topic := broadcast.StatusTopic(7)
	onB, err := b.Subscribe(t.Context(), topic)
	if err != nil {
		t.Fatal(err)
	}
	onOther, err := other.Subscribe(t.Context(), topic)
	if err != nil {
		t.Fatal(err)
	}
	for i, data := range []string{`{"n":1}`, `{"n":2}`} {
		if err := a.Publish(t.Context(), topic, json.RawMessage(data)); err != nil {
			t.Fatal(err)
		}
		m := broadcasttest.Recv(t, onB)
		if m.Topic != topic || string(m.Data) != data || m.ID == "" {
			t.Errorf("message %d on B = %+v", i, m)
		}
	}
	select {
	case m := <-onOther:
		t.Errorf("a broadcaster with another prefix received %s", m.Data)
	default:
	}
}

func TestIDsIncreaseAcrossInstances(t *testing.T) {
	c := testdb.Redis(t)
	prefix := testdb.RedisPrefix(t, c)
	a, b := newBroadcaster(t, c, prefix), newBroadcaster(t, c, prefix)
	ch, err := a.Subscribe(t.Context(), "x")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1", "2", "3"}
	for i, pub := range []*redisbroadcast.Broadcaster{a, b, a} {
		if err := pub.Publish(t.Context(), "x", json.RawMessage(`{}`)); err != nil {
			t.Fatal(err)
		}
		if m := broadcasttest.Recv(t, ch); m.ID != want[i] {
			t.Errorf("message %d id = %s, want %s", i, m.ID, want[i])
		}
	}
}

func TestPublishErrors(t *testing.T) {
	c := testdb.Redis(t)
	b := newBroadcaster(t, c, testdb.RedisPrefix(t, c))
	tests := []struct {
		name    string
		data    string
		wantErr string
	}{
		{"invalid json", `{"a":`, "not valid JSON"},
		{"valid", `[1,2]`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := b.Publish(t.Context(), "t", json.RawMessage(tt.data))
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("Publish = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestClose(t *testing.T) {
	c := testdb.Redis(t)
	b := redisbroadcast.New(c, redisbroadcast.Config{Prefix: testdb.RedisPrefix(t, c)})
	ch, err := b.Subscribe(context.Background(), "t")
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-ch; ok {
		t.Error("channel open after Close")
	}
	if err := b.Publish(t.Context(), "t", json.RawMessage(`1`)); !errors.Is(err, broadcast.ErrClosed) {
		t.Errorf("Publish after Close = %v", err)
	}
	if _, err := b.Subscribe(t.Context(), "t"); !errors.Is(err, broadcast.ErrClosed) {
		t.Errorf("Subscribe after Close = %v", err)
	}
	if err := c.Ping(t.Context()).Err(); err != nil {
		t.Errorf("Close closed the host's client: %v", err)
	}
}

func TestSubscribeUnreachable(t *testing.T) {
	testdb.Redis(t) // skip rules
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: 100 * time.Millisecond})
	t.Cleanup(func() { c.Close() })
	b := redisbroadcast.New(c, redisbroadcast.Config{SubscribeTimeout: 500 * time.Millisecond})
	t.Cleanup(func() { b.Close() })
	if _, err := b.Subscribe(t.Context(), "t"); err == nil {
		t.Error("Subscribe against an unreachable Redis succeeded")
	}
	if err := b.Publish(t.Context(), "t", json.RawMessage(`1`)); err == nil {
		t.Error("Publish against an unreachable Redis succeeded")
	}
}

func TestOneRedisSubscriptionPerTopic(t *testing.T) {
	c := testdb.Redis(t)
	prefix := testdb.RedisPrefix(t, c)
	b := newBroadcaster(t, c, prefix)
	numSub := func() int64 {
		t.Helper()
		n, err := c.PubSubNumSub(t.Context(), prefix+"t").Result()
		if err != nil {
			t.Fatal(err)
		}
		return n[prefix+"t"]
	}
	var cancels []context.CancelFunc
	for range 3 {
		ctx, cancel := context.WithCancel(t.Context())
		cancels = append(cancels, cancel)
		if _, err := b.Subscribe(ctx, "t", "u"); err != nil {
			t.Fatal(err)
		}
	}
	if n := numSub(); n != 1 {
		t.Errorf("3 local subscribers hold %d Redis subscriptions, want 1", n)
	}
	for _, cancel := range cancels {
		cancel()
	}
	// The last local subscriber leaving unsubscribes; poll Redis for it.
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for numSub() != 0 {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatal("Redis subscription left behind after every local subscriber left")
		}
	}
}
