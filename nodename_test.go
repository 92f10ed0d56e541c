package ocppkit_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// TestClusterDuplicateNodeName: a second node started under the name of a
// live node is refused by New, before it could mark the live node's charge
// points disconnected; the live node and its routing are unharmed.
func TestClusterDuplicateNodeName(t *testing.T) {
	eachBackplane(t, func(t *testing.T, d *deployment) {
		a, b := d.start(t, "node-a"), d.start(t, "node-b")
		ctx := context.Background()
		if _, err := a.csms.RegisterChargePoint(ctx, "CP-DUP", clusterPassword); err != nil {
			t.Fatal(err)
		}
		cp := a.dial(t, "CP-DUP", clusterPassword)

		csms, err := ocppkit.New(ocppkit.Config{DB: d.db, NodeID: "node-a", Cluster: d.newBackplane(t), Broadcaster: d.newBroadcaster(t)})
		if !errors.Is(err, cluster.ErrJoined) {
			if csms != nil {
				_ = csms.Shutdown(ctx)
			}
			t.Fatalf("New under the name of a live node = %v, want ErrJoined", err)
		}
		t.Log(err)
		row, err := a.csms.Store.ChargePointByIdentifier(ctx, "CP-DUP")
		if err != nil || !row.Connected || row.Node != "node-a" {
			t.Errorf("charge point row after the refused start = %+v, %v; want connected on node-a", row, err)
		}
		if res, err := b.csms.Remote.RemoteStartTransaction(ctx, "CP-DUP", 1, "T"); err != nil || res.Status != ocpp16.RemoteStartStopStatusAccepted {
			t.Fatalf("command through B after the refused start: %+v, %v", res, err)
		}
		nextCall(t, cp)
	})
}

// TestClusterDerivedNodeNames: nodes started without NodeID on one host get
// distinct names (the host name, then <host>-2), and commands route between
// them.
func TestClusterDerivedNodeNames(t *testing.T) {
	host, _ := os.Hostname()
	eachBackplane(t, func(t *testing.T, d *deployment) {
		a, b := d.start(t, ""), d.start(t, "")
		if got := a.csms.Server.NodeID(); got != host {
			t.Errorf("first node's derived name = %q, want the host name %q", got, host)
		}
		if got := b.csms.Server.NodeID(); got != host+"-2" {
			t.Errorf("second node's derived name = %q, want %q", got, host+"-2")
		}
		ctx := context.Background()
		if _, err := a.csms.RegisterChargePoint(ctx, "CP-DER", clusterPassword); err != nil {
			t.Fatal(err)
		}
		cp := b.dial(t, "CP-DER", clusterPassword)
		if row, err := a.csms.Store.ChargePointByIdentifier(ctx, "CP-DER"); err != nil || row.Node != host+"-2" {
			t.Errorf("charge point row = %+v, %v; want node %q", row, err, host+"-2")
		}
		if res, err := a.csms.Remote.RemoteStartTransaction(ctx, "CP-DER", 1, "T"); err != nil || res.Status != ocpp16.RemoteStartStopStatusAccepted {
			t.Fatalf("command from the first node to the second: %+v, %v", res, err)
		}
		nextCall(t, cp)
	})
}

// TestMemoryClusterNodeNames: the in-memory backplane (several CSMS in one
// process) refuses a live name and derives distinct ones too.
func TestMemoryClusterNodeNames(t *testing.T) {
	t.Parallel()
	db := testdb.SQLite(t)
	if err := store.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	bp := cluster.NewMemory(cluster.MemoryConfig{})
	t.Cleanup(func() { bp.Close() })
	start := func(name string) (*ocppkit.CSMS, error) {
		csms, err := ocppkit.New(ocppkit.Config{DB: db, NodeID: name, Cluster: bp})
		if err == nil {
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				_ = csms.Shutdown(ctx)
			})
		}
		return csms, err
	}
	if _, err := start("m"); err != nil {
		t.Fatal(err)
	}
	if _, err := start("m"); !errors.Is(err, cluster.ErrJoined) {
		t.Errorf("second New under a live name = %v, want ErrJoined", err)
	}
	x, err := start("")
	if err != nil {
		t.Fatal(err)
	}
	y, err := start("")
	if err != nil {
		t.Fatal(err)
	}
	if x.Server.NodeID() == y.Server.NodeID() {
		t.Errorf("two derived names are both %q", x.Server.NodeID())
	}
	// A node that shut down frees its name.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := y.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if z, err := start(""); err != nil || z.Server.NodeID() != y.Server.NodeID() {
		t.Errorf("derived name after its node shut down = %v, %v; want %q again", z, err, y.Server.NodeID())
	}
}
