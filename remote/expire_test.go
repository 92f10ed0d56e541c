package remote_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

// TestUndeliveredCommandExpires enqueues a command for a charge point that
// never connects and waits until the expiry loop marks it expired.
func TestUndeliveredCommandExpires(t *testing.T) {
	db := testdb.SQLite(t)
	ctx := context.Background()
	if err := store.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	s := store.New(db)
	if _, _, err := s.EnsureChargePoint(ctx, "CP-X"); err != nil {
		t.Fatal(err)
	}
	srv := ocpp.NewServer(ocpp.ServerConfig{}) // no charge point ever connects
	c := remote.New(remote.Config{Caller: srv, Store: s, ExpireInterval: 10 * time.Millisecond})
	t.Cleanup(func() { c.Close(context.Background()) })

	if _, err := c.Send(ctx, "CP-X", ocpp16.ClearCacheRequest{}); !errors.Is(err, remote.ErrNotConnected) {
		t.Fatalf("Send to an absent charge point: %v", err)
	}
	cmd, err := c.Enqueue(ctx, "CP-X", ocpp16.ClearCacheRequest{}, &remote.EnqueueOptions{ExpiresAt: time.Now().Add(50 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.After(10 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		got, err := s.CommandByID(ctx, cmd.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == remote.StatusExpired {
			if got.CompletedAt == nil {
				t.Error("expired command has no completion time")
			}
			return
		}
		// A delivery attempt claims it (sent) before it finds the charge
		// point absent and puts it back (pending).
		if got.Status != remote.StatusPending && got.Status != remote.StatusSent {
			t.Fatalf("status = %s, want pending (or briefly sent) then expired", got.Status)
		}
		select {
		case <-deadline:
			t.Fatal("command not expired within 10s")
		case <-tick.C:
		}
	}
}

func TestEnqueueRefusesBadInput(t *testing.T) {
	db := testdb.SQLite(t)
	ctx := context.Background()
	if err := store.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	c := remote.New(remote.Config{Caller: ocpp.NewServer(ocpp.ServerConfig{}), Store: store.New(db)})
	t.Cleanup(func() { c.Close(context.Background()) })
	if _, err := c.Enqueue(ctx, "CP-NOBODY", ocpp16.ClearCacheRequest{}, nil); !errors.Is(err, remote.ErrUnknownChargePoint) {
		t.Errorf("unknown charge point: %v", err)
	}
	if _, err := c.Enqueue(ctx, "CP-NOBODY", ocpp16.ResetRequest{Type: "Gentle"}, nil); !errors.Is(err, remote.ErrInvalidRequest) || ocpp.CodeOf(err) != ocpp.PropertyConstraintViolation {
		t.Errorf("invalid request: %v", err)
	}
}
