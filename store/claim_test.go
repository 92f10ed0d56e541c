package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ocppkit/ocppkit/store"
)

func TestClaimCommand(t *testing.T) {
	each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		cp := newCP(t, s, "CLAIM")
		cmd := &store.Command{ChargePointID: cp.ID, Identifier: "CLAIM", Action: "Reset", Payload: `{"type":"Soft"}`}
		if err := s.CreateCommand(ctx, cmd); err != nil {
			t.Fatal(err)
		}
		// Several deliverers race for it: exactly one wins.
		var won atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				ok, err := s.ClaimCommand(ctx, cmd.ID, at(3))
				if err != nil {
					t.Error(err)
				}
				if ok {
					won.Add(1)
				}
			})
		}
		wg.Wait()
		if n := won.Load(); n != 1 {
			t.Fatalf("%d claims won, want 1", n)
		}
		got, err := s.CommandByID(ctx, cmd.ID)
		if err != nil || got.Status != store.CommandSent || got.SentAt == nil {
			t.Fatalf("claimed command = %+v, %v", got, err)
		}
		eqTime(t, "sent_at", *got.SentAt, at(3))
		if pending, err := s.PendingCommands(ctx, "CLAIM", at(4)); err != nil || len(pending) != 0 {
			t.Errorf("PendingCommands after the claim = %v, %v", pending, err)
		}
		if ok, err := s.ClaimCommand(ctx, 99999, at(3)); ok || err != nil {
			t.Errorf("ClaimCommand of a missing command = %v, %v", ok, err)
		}
	})
}
