package pgbroadcast_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/broadcast/broadcasttest"
	"github.com/ocppkit/ocppkit/broadcast/pgbroadcast"
)

// newPool connects to OCPP_TEST_DATABASE_URL (skipping, or failing under
// CI, when it is unset).
func newPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	url := testdb.PostgresURL(t)
	pool, err := pgxpool.New(t.Context(), url)
	if err != nil {
		t.Fatalf("OCPP_TEST_DATABASE_URL: %v", err)
	}
	t.Cleanup(pool.Close)
	if err := pool.Ping(t.Context()); err != nil {
		t.Fatalf("postgres: %v", err)
	}
	return pool
}

// uniqueChannel returns a notification channel of this test alone.
func uniqueChannel() string {
	return "ocppkit_test_" + strings.ToLower(rand.Text())
}

func newBroadcaster(t *testing.T, pool *pgxpool.Pool, channel string) *pgbroadcast.Broadcaster {
	t.Helper()
	b := pgbroadcast.New(pool, pgbroadcast.Config{Channel: channel})
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b
}

func TestConformance(t *testing.T) {
	pool := newPool(t)
	broadcasttest.Exercise(t, func(t *testing.T) broadcast.Broadcaster {
		return newBroadcaster(t, pool, uniqueChannel())
	})
}

func TestTwoInstances(t *testing.T) {
	channel := uniqueChannel()
	// Two nodes: separate pools, as separate processes would have.
	a := newBroadcaster(t, newPool(t), channel)
	b := newBroadcaster(t, newPool(t), channel)
	topic := broadcast.SessionsTopic(3)
	onB, err := b.Subscribe(t.Context(), topic)
	if err != nil {
		t.Fatal(err)
	}
	for i, data := range []string{`{"session_id":1}`, `{"session_id":2}`} {
		if err := a.Publish(t.Context(), topic, json.RawMessage(data)); err != nil {
			t.Fatal(err)
		}
		m := broadcasttest.Recv(t, onB)
		if m.Topic != topic || string(m.Data) != data || m.ID == "" || m.Time.IsZero() {
			t.Errorf("message %d on B = %+v", i, m)
		}
	}
}

func TestPayloadLimit(t *testing.T) {
	pool := newPool(t)
	b := newBroadcaster(t, pool, uniqueChannel())
	ch, err := b.Subscribe(t.Context(), "t")
	if err != nil {
		t.Fatal(err)
	}
	// {"topic":"t","id":"<10>-<n>","time":"<~30>","data":"<s>"}: about
	// 80 bytes around the string.
	tests := []struct {
		name    string
		size    int
		wantErr error
	}{
		{"small", 100, nil},
		{"just under", pgbroadcast.MaxPayloadSize - 120, nil},
		{"too large", pgbroadcast.MaxPayloadSize, pgbroadcast.ErrPayloadTooLarge},
		{"a row dump", 100_000, pgbroadcast.ErrPayloadTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, _ := json.Marshal(strings.Repeat("x", tt.size))
			err := b.Publish(t.Context(), "t", data)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Publish(%d bytes) = %v, want %v", tt.size, err, tt.wantErr)
			}
			if err == nil {
				if m := broadcasttest.Recv(t, ch); len(m.Data) != len(data) {
					t.Errorf("received %d bytes, want %d", len(m.Data), len(data))
				}
			} else if !strings.Contains(err.Error(), "ids, not rows") {
				t.Errorf("error %q does not say what to do", err)
			}
		})
	}
}

func TestReconnect(t *testing.T) {
	pool := newPool(t)
	channel := uniqueChannel()
	b := newBroadcaster(t, pool, channel)
	ch, err := b.Subscribe(t.Context(), "t")
	if err != nil {
		t.Fatal(err)
	}
	// Kill the listening backend, as a failover or an idle-session timeout would.
	var killed int
	err = pool.QueryRow(t.Context(),
		`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE query = $1`,
		`LISTEN "`+channel+`"`).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("terminated %d listeners (%v), want 1", killed, err)
	}
	// What is published while it reconnects is lost; publish until a
	// message arrives again.
	deadline := time.After(20 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if err := b.Publish(t.Context(), "t", json.RawMessage(`"after"`)); err != nil {
			t.Fatal(err)
		}
		select {
		case m, ok := <-ch:
			if !ok {
				t.Fatal("subscription closed by the reconnect")
			}
			if string(m.Data) != `"after"` {
				t.Errorf("data = %s", m.Data)
			}
			return
		case <-tick.C:
		case <-deadline:
			t.Fatal("no message after the listener was killed: no reconnect")
		}
	}
}

func TestInvalid(t *testing.T) {
	pool := newPool(t)
	long := pgbroadcast.New(pool, pgbroadcast.Config{Channel: strings.Repeat("c", 64)})
	defer long.Close()
	if err := long.Publish(t.Context(), "t", json.RawMessage(`1`)); err == nil {
		t.Error("Publish on a 64-byte channel succeeded")
	}
	if _, err := long.Subscribe(t.Context(), "t"); err == nil {
		t.Error("Subscribe on a 64-byte channel succeeded")
	}
	b := newBroadcaster(t, pool, uniqueChannel())
	if err := b.Publish(t.Context(), "t", json.RawMessage(`{"a":`)); err == nil {
		t.Error("Publish of invalid JSON succeeded")
	}
}

func TestClose(t *testing.T) {
	pool := newPool(t)
	b := pgbroadcast.New(pool, pgbroadcast.Config{Channel: uniqueChannel()})
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
	if err := pool.Ping(t.Context()); err != nil {
		t.Errorf("Close closed the host's pool: %v", err)
	}
}
