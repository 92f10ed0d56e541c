package handlers_test

import (
	"context"
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
