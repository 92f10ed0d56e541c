package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/store"
)

func TestCommands(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "CMD")
		mk := func(action string, created time.Time, expires *time.Time) *store.Command {
			t.Helper()
			c := &store.Command{ChargePointID: cp.ID, Identifier: "CMD", Action: action, Payload: `{"connectorId":1}`, CreatedAt: created, ExpiresAt: expires}
			if err := s.CreateCommand(ctx, c); err != nil {
				t.Fatal(err)
			}
			if c.ID == 0 || c.Status != store.CommandPending {
				t.Fatalf("created %+v", c)
			}
			return c
		}
		second := mk("Reset", at(2), nil)
		first := mk("UnlockConnector", at(1), ptr(at(60)))
		expired := mk("ClearCache", at(0), ptr(at(5)))
		other := &store.Command{Identifier: "OTHER", Action: "Reset", Payload: "{}"}
		if err := s.CreateCommand(ctx, other); err != nil {
			t.Fatal(err)
		}

		pending, err := s.PendingCommands(ctx, "CMD", at(10))
		if err != nil {
			t.Fatal(err)
		}
		if len(pending) != 2 || pending[0].ID != first.ID || pending[1].ID != second.ID {
			t.Fatalf("PendingCommands = %+v; want [UnlockConnector Reset]", pending)
		}

		first.Status, first.SentAt = store.CommandSent, ptr(at(11))
		if err := s.UpdateCommand(ctx, first); err != nil {
			t.Fatal(err)
		}
		first.Status, first.Response, first.CompletedAt = store.CommandCompleted, `{"status":"Unlocked"}`, ptr(at(12))
		if err := s.UpdateCommand(ctx, first); err != nil {
			t.Fatal(err)
		}
		got, err := s.CommandByID(ctx, first.ID)
		if err != nil || got.Status != store.CommandCompleted || got.Response != `{"status":"Unlocked"}` || got.SentAt == nil || got.CompletedAt == nil {
			t.Fatalf("CommandByID = %+v, %v", got, err)
		}
		eqTime(t, "created_at kept", got.CreatedAt, at(1))
		eqTime(t, "sent_at", *got.SentAt, at(11))
		wantNotFound(t, s.UpdateCommand(ctx, &store.Command{ID: 99999, Identifier: "x", Action: "y"}))
		_, err = s.CommandByID(ctx, 99999)
		wantNotFound(t, err)

		n, err := s.ExpireCommands(ctx, at(10))
		if err != nil || n != 1 {
			t.Fatalf("ExpireCommands = %d, %v; want 1", n, err)
		}
		got, _ = s.CommandByID(ctx, expired.ID)
		if got.Status != store.CommandExpired || got.CompletedAt == nil {
			t.Errorf("expired command = %+v", got)
		}
		// A sent command past its expiry is expired too; finished ones are not.
		sent := mk("GetConfiguration", at(3), ptr(at(20)))
		sent.Status = store.CommandSent
		if err := s.UpdateCommand(ctx, sent); err != nil {
			t.Fatal(err)
		}
		first.ExpiresAt = ptr(at(20))
		if err := s.UpdateCommand(ctx, first); err != nil {
			t.Fatal(err)
		}
		n, err = s.ExpireCommands(ctx, at(30))
		if err != nil || n != 1 {
			t.Fatalf("ExpireCommands = %d, %v; want 1 (the sent one)", n, err)
		}
		pending, _ = s.PendingCommands(ctx, "CMD", at(30))
		if len(pending) != 1 || pending[0].ID != second.ID {
			t.Errorf("PendingCommands = %+v", pending)
		}
	})
}

func TestMessages(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		msgs := []store.Message{
			{Identifier: "CP", Direction: store.DirectionIn, Frame: `[2,"1","Heartbeat",{}]`, CreatedAt: at(0)},
			{Identifier: "CP", Direction: store.DirectionOut, Frame: `[3,"1",{}]`, CreatedAt: at(1)},
			{Identifier: "CP", Direction: store.DirectionIn, Frame: `[2,"2","Heartbeat",{}]`, CreatedAt: at(10)},
		}
		if err := s.LogMessages(ctx, msgs...); err != nil {
			t.Fatal(err)
		}
		if err := s.LogMessages(ctx); err != nil {
			t.Fatal(err)
		}
		n, err := s.PruneMessages(ctx, at(5))
		if err != nil || n != 2 {
			t.Fatalf("PruneMessages = %d, %v; want 2", n, err)
		}
		var left []store.Message
		s.DB().Find(&left)
		if len(left) != 1 || left[0].Frame != msgs[2].Frame {
			t.Errorf("left %+v", left)
		}
	})
}

func TestSetMetadata(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "META")
		if _, err := s.UpdateConnectorStatus(ctx, cp.ID, store.ConnectorStatus{ConnectorID: 1, Status: "Available", ErrorCode: "NoError"}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetMetadata(ctx, cp.ID, map[string]any{"site": "depot", "slots": 2}); err != nil {
			t.Fatal(err)
		}
		got, _ := s.ChargePointByID(ctx, cp.ID)
		if got.Metadata["site"] != "depot" || got.Metadata["slots"] != float64(2) || got.Metadata["connector_1_status"] != "Available" {
			t.Errorf("metadata = %v", got.Metadata)
		}
		wantNotFound(t, s.SetMetadata(ctx, cp.ID+10, map[string]any{"a": 1}))
	})
}

// TestPruneMessagesAllOld: when no frame is recent, every frame goes.
func TestPruneMessagesAllOld(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := s.LogMessages(ctx,
			store.Message{Identifier: "CP", Direction: store.DirectionIn, Frame: `[2,"1","Heartbeat",{}]`, CreatedAt: at(0)},
			store.Message{Identifier: "CP", Direction: store.DirectionOut, Frame: `[3,"1",{}]`, CreatedAt: at(1)},
		); err != nil {
			t.Fatal(err)
		}
		if n, err := s.PruneMessages(ctx, at(5)); err != nil || n != 2 {
			t.Fatalf("PruneMessages = %d, %v; want 2", n, err)
		}
		if n, err := s.PruneMessages(ctx, at(5)); err != nil || n != 0 {
			t.Fatalf("PruneMessages of an empty log = %d, %v", n, err)
		}
	})
}

// TestPruneMessagesInChunks: a log larger than one DELETE's chunk is
// pruned entirely, old frames only.
func TestPruneMessagesInChunks(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		msgs := make([]store.Message, 25_001)
		for i := range msgs {
			msgs[i] = store.Message{Identifier: "CP", Direction: store.DirectionIn, Frame: `[2,"1","Heartbeat",{}]`, CreatedAt: at(0)}
		}
		msgs[len(msgs)-1].CreatedAt = at(10)
		if err := s.LogMessages(ctx, msgs...); err != nil {
			t.Fatal(err)
		}
		if n, err := s.PruneMessages(ctx, at(5)); err != nil || n != 25_000 {
			t.Fatalf("PruneMessages = %d, %v; want 25000", n, err)
		}
		var left int64
		s.DB().Model(&store.Message{}).Count(&left)
		if left != 1 {
			t.Errorf("%d frames left, want 1", left)
		}
	})
}

// TestPendingCommandsConcurrent: many charge points ask at once (their
// lookups share queries); each gets its own pending commands, oldest first,
// unexpired at the time it asked about, and none of another's.
func TestPendingCommandsConcurrent(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 60
		for i := range n {
			id := fmt.Sprintf("PEND%02d", i)
			for j, expires := range []*time.Time{nil, ptr(at(10 + i))} {
				c := &store.Command{Identifier: id, Action: fmt.Sprintf("A%d", j), Payload: "{}", CreatedAt: at(j), ExpiresAt: expires}
				if err := s.CreateCommand(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
		}
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				// Odd charge points ask after their second command expired.
				now := at(5)
				if i%2 == 1 {
					now = at(10 + i)
				}
				id := fmt.Sprintf("PEND%02d", i)
				got, err := s.PendingCommands(ctx, id, now)
				if err != nil {
					t.Error(err)
					return
				}
				want := []string{"A0", "A1"}
				if i%2 == 1 {
					want = want[:1]
				}
				var actions []string
				for _, c := range got {
					if c.Identifier != id {
						t.Errorf("%s got %s's command", id, c.Identifier)
					}
					actions = append(actions, c.Action)
				}
				if !slices.Equal(actions, want) {
					t.Errorf("%s at %v: %v, want %v", id, now, actions, want)
				}
			})
		}
		wg.Wait()
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.PendingCommands(canceled, "PEND00", at(5)); !errors.Is(err, context.Canceled) {
			t.Errorf("PendingCommands with a cancelled context: %v", err)
		}
	})
}
