package store_test

import (
	"context"
	"fmt"
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
		if err != nil || len(msgs) != 1 || msgs[0].Identifier != "CP-\uFFFD" || msgs[0].Frames() != 2 {
			t.Fatalf("Messages = %+v, %v; want one exchange", msgs, err)
		}
		if m := msgs[0]; m.Frame != "[2,\"1\",\"Heartbeat\",{\"x\":\"\uFFFD\uFFFD\"}]" || m.Action != "Heartbeat" || m.ReplyFrame != `[3,"1",{}]` || m.ReplyType != 3 || m.RepliedAt == nil {
			t.Errorf("exchange stored as %+v", m)
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

// TestMessageLogExchanges: a CALL and its reply share a row, in either
// direction and across batches; a CALL whose reply does not come within
// ReplyWait is written alone, and so are a late reply, a reply to a CALL
// never seen and a frame that is not OCPP-J.
func TestMessageLogExchanges(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		writes := make(chan int, 100) // frames of each write
		l := store.NewMessageLog(s.DB(), store.MessageLogConfig{MaxDelay: time.Millisecond, ReplyWait: 2 * time.Second,
			OnWrite: func(w, _ int) { writes <- w }})
		written := 0
		add := func(dir, frame string) {
			if !l.Add(1, "CP", dir, []byte(frame), time.Now()) {
				t.Fatalf("Add(%s) refused", frame)
			}
		}
		waitWritten := func(n int) {
			t.Helper()
			timeout := time.After(10 * time.Second)
			for written < n {
				select {
				case w := <-writes:
					written += w
				case <-timeout:
					t.Fatalf("%d frames written, want %d", written, n)
				}
			}
		}
		add(store.DirectionIn, `[2,"a","Heartbeat",{}]`)                          // the charge point's CALL…
		add(store.DirectionOut, `[2,"a","Reset",{"type":"Soft"}]`)                // …ours, with the same id
		add(store.DirectionOut, `[3,"a",{"currentTime":"2026-12-03T00:00:00Z"}]`) // our reply to its CALL
		waitWritten(2)
		add(store.DirectionIn, `[3,"a",{"status":"Accepted"}]`) // its reply to ours, in a later batch
		add(store.DirectionIn, `[3,"zz",{}]`)                   // a reply to a CALL never seen
		add(store.DirectionIn, `garbage`)
		add(store.DirectionOut, `[2,"b","GetConfiguration",{}]`) // never answered
		waitWritten(7)                                           // b went alone after ReplyWait
		add(store.DirectionIn, `[4,"b","GenericError","late",{}]`)
		if err := l.Close(ctx); err != nil {
			t.Fatal(err)
		}
		close(writes)
		for w := range writes {
			written += w
		}
		rows, err := s.Messages(ctx, 1, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			dir, action, frame string
			reply              int
		}
		var got []row
		for _, m := range rows {
			got = append(got, row{m.Direction, m.Action, m.Frame, m.ReplyType})
		}
		want := []row{
			{"in", "Heartbeat", `[2,"a","Heartbeat",{}]`, 3},
			{"out", "Reset", `[2,"a","Reset",{"type":"Soft"}]`, 3},
			{"in", "", `[3,"zz",{}]`, 0},
			{"in", "", `garbage`, 0},
			{"out", "GetConfiguration", `[2,"b","GetConfiguration",{}]`, 0},
			{"in", "", `[4,"b","GenericError","late",{}]`, 0},
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("rows\n%v\nwant\n%v", got, want)
		}
		if rows[0].ReplyFrame != `[3,"a",{"currentTime":"2026-12-03T00:00:00Z"}]` || rows[1].ReplyFrame != `[3,"a",{"status":"Accepted"}]` {
			t.Errorf("replies %q, %q", rows[0].ReplyFrame, rows[1].ReplyFrame)
		}
		if written != 8 || l.Dropped() != 0 {
			t.Errorf("%d frames written, %d dropped; want 8, 0", written, l.Dropped())
		}
	})
}
