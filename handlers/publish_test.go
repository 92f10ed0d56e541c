package handlers_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/store"
)

// TestFlushPublishesQueuedEvents checks that once Flush returns, every
// event published before it has reached the broadcaster (here: a
// subscriber's buffer), and that Publish and Flush after Close neither
// block nor panic.
func TestFlushPublishesQueuedEvents(t *testing.T) {
	db := testdb.SQLite(t)
	ctx := context.Background()
	if err := store.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	mem := broadcast.NewMemory(broadcast.MemoryConfig{BufferSize: 1000})
	defer mem.Close()
	d := handlers.NewDefaults(handlers.DefaultsConfig{Store: store.New(db), Broadcaster: mem})
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch, err := mem.Subscribe(sctx, broadcast.ConnectionTopic(1))
	if err != nil {
		t.Fatal(err)
	}
	const n = 500
	for range n {
		d.Publish(1, broadcast.KindConnection, broadcast.ConnectionEvent{Connected: true})
	}
	if err := d.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := len(ch); got != n {
		t.Fatalf("%d events delivered when Flush returned, want %d", got, n)
	}
	if err := d.Close(ctx); err != nil {
		t.Fatal(err)
	}
	d.Publish(1, broadcast.KindConnection, broadcast.ConnectionEvent{})
	if err := d.Flush(ctx); err != nil {
		t.Fatalf("Flush after Close: %v", err)
	}
}

// panicky is a host's Broadcaster with a bug: it panics on the topic of
// charge point 13 and publishes the rest into the embedded Memory.
type panicky struct{ *broadcast.Memory }

func (p panicky) Publish(ctx context.Context, topic string, data json.RawMessage) error {
	if topic == broadcast.ConnectionTopic(13) {
		panic("host broadcaster bug")
	}
	return p.Memory.Publish(ctx, topic, data)
}

// TestPublisherSurvivesPanic: a panic in the Broadcaster loses that event,
// is logged, and the events after it are still published (before, it took
// the whole process down from a goroutine nobody could recover).
func TestPublisherSurvivesPanic(t *testing.T) {
	db := testdb.SQLite(t)
	ctx := context.Background()
	if err := store.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	mem := broadcast.NewMemory(broadcast.MemoryConfig{BufferSize: 100})
	defer mem.Close()
	var logs strings.Builder
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil))
	d := handlers.NewDefaults(handlers.DefaultsConfig{Store: store.New(db), Broadcaster: panicky{mem}, Logger: logger})
	defer d.Close(ctx)
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch, err := mem.Subscribe(sctx, broadcast.ConnectionTopic(1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := mem.Subscribe(sctx, broadcast.ConnectionTopic(13)); err != nil { // watched, so published
		t.Fatal(err)
	}
	d.Publish(13, broadcast.KindConnection, broadcast.ConnectionEvent{Connected: true})
	d.Publish(1, broadcast.KindConnection, broadcast.ConnectionEvent{Connected: true})
	if err := d.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if len(ch) != 1 {
		t.Fatalf("%d events after the panic delivered, want 1", len(ch))
	}
	mu.Lock()
	defer mu.Unlock()
	if !strings.Contains(logs.String(), "panicked") || !strings.Contains(logs.String(), "host broadcaster bug") {
		t.Errorf("the panic was not logged: %s", logs.String())
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
