package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/store"
)

// TestMessageLogStoresAnyFrame: frames a charge point may send that a
// database refuses as text (invalid UTF-8, NUL bytes) are stored with
// replacement characters, and do not take the other frames of their batch
// down with them.
func TestMessageLogStoresAnyFrame(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		var written, dropped int
		l := store.NewMessageLog(s.DB(), store.MessageLogConfig{OnWrite: func(w, d int) { written += w; dropped += d }})
		now := time.Now()
		l.Add(7, "CP-\xff", store.DirectionIn, []byte("[2,\"1\",\"Heartbeat\",{\"x\":\"\xff\x00\"}]"), now)
		l.Add(7, "CP-\xff", store.DirectionOut, []byte(`[3,"1",{}]`), now)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := l.Close(ctx); err != nil {
			t.Fatal(err)
		}
		if written != 2 || dropped != 0 || l.Dropped() != 0 {
			t.Fatalf("written %d, dropped %d (%d)", written, dropped, l.Dropped())
		}
		msgs, err := s.Messages(ctx, 7, 0, 10)
		if err != nil || len(msgs) != 2 || msgs[0].Identifier != "CP-\uFFFD" {
			t.Fatalf("Messages = %+v, %v", msgs, err)
		}
		if msgs[0].Frame != "[2,\"1\",\"Heartbeat\",{\"x\":\"\uFFFD\uFFFD\"}]" || msgs[0].Action != "Heartbeat" || msgs[1].Action != "Heartbeat" {
			t.Errorf("frames stored as %+v", msgs)
		}
		if l.Add(0, "CP", store.DirectionIn, []byte(`[2,"2","Heartbeat",{}]`), now) {
			t.Error("Add after Close accepted a frame")
		}
	})
}

// TestMessageLogRetention: the writer deletes frames past the retention
// (at start, then every PruneInterval), and keeps the rest.
func TestMessageLogRetention(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now()
		if err := s.LogMessages(ctx,
			store.Message{ChargePointID: 3, Identifier: "CP", Direction: store.DirectionIn, Frame: `[2,"1","Heartbeat",{}]`, CreatedAt: now.Add(-49 * time.Hour)},
			store.Message{ChargePointID: 3, Identifier: "CP", Direction: store.DirectionOut, Frame: `[3,"1",{}]`, CreatedAt: now.Add(-47 * time.Hour)},
		); err != nil {
			t.Fatal(err)
		}
		l := store.NewMessageLog(s.DB(), store.MessageLogConfig{Retention: 48 * time.Hour})
		if err := l.Close(ctx); err != nil {
			t.Fatal(err)
		}
		left, err := s.Messages(ctx, 3, 0, 10)
		if err != nil || len(left) != 1 || left[0].Frame != `[3,"1",{}]` {
			t.Errorf("after pruning: %+v, %v; want the frame of 47 hours ago only", left, err)
		}
	})
}
