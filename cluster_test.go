package ocppkit_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/broadcast/pgbroadcast"
	"github.com/ocppkit/ocppkit/broadcast/redisbroadcast"
	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/cluster/pgcluster"
	"github.com/ocppkit/ocppkit/cluster/rediscluster"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/remote"
	"github.com/ocppkit/ocppkit/store"
)

// The cluster tests run two or three ocppkit nodes in this process, each
// with its own HTTP server, backplane instance (its own Redis client or
// PostgreSQL pool, as separate processes would have) and broadcaster, all
// on one PostgreSQL schema, for both backplanes.

const clusterTTL = 2 * time.Second

// deployment is the shared part of the nodes under test.
type deployment struct {
	db             *gorm.DB
	newBackplane   func(t *testing.T) cluster.Backplane
	newBroadcaster func(t *testing.T) broadcast.Broadcaster
}

// eachBackplane runs fn as the subtests "redis" and "postgres". Both need
// PostgreSQL for the store; each skips when its variables are unset (and
// fails when CI is set).
func eachBackplane(t *testing.T, fn func(t *testing.T, d *deployment)) {
	t.Helper()
	t.Run("redis", func(t *testing.T) {
		t.Parallel()
		prefix := testdb.RedisPrefix(t, testdb.Redis(t)) // skips (or fails under CI) without Redis
		db := clusterDB(t)
		fn(t, &deployment{
			db: db,
			newBackplane: func(t *testing.T) cluster.Backplane {
				b := rediscluster.New(testdb.Redis(t), rediscluster.Config{Prefix: prefix + "cluster:", TTL: clusterTTL})
				t.Cleanup(func() { b.Close() })
				return b
			},
			newBroadcaster: func(t *testing.T) broadcast.Broadcaster {
				b := redisbroadcast.New(testdb.Redis(t), redisbroadcast.Config{Prefix: prefix + "bc:"})
				t.Cleanup(func() { b.Close() })
				return b
			},
		})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		db := clusterDB(t)
		if err := pgcluster.Migrate(t.Context(), testdb.Pool(t, db)); err != nil {
			t.Fatal(err)
		}
		prefix := "t_" + strings.ToLower(rand.Text()[:12]) // channels are global to the database
		fn(t, &deployment{
			db: db,
			newBackplane: func(t *testing.T) cluster.Backplane {
				b := pgcluster.New(testdb.Pool(t, db), pgcluster.Config{Prefix: prefix, TTL: clusterTTL})
				t.Cleanup(func() { b.Close() })
				return b
			},
			newBroadcaster: func(t *testing.T) broadcast.Broadcaster {
				b := pgbroadcast.New(testdb.Pool(t, db), pgbroadcast.Config{Channel: prefix + "_bc"})
				t.Cleanup(func() { b.Close() })
				return b
			},
		})
	})
}

func clusterDB(t *testing.T) *gorm.DB {
	t.Helper()
	db := testdb.Postgres(t)
	if err := store.Migrate(t.Context(), db); err != nil {
		t.Fatal(err)
	}
	return db
}

// node is one ocppkit node of the deployment.
type node struct {
	name    string
	csms    *ocppkit.CSMS
	srv     *httptest.Server
	url     string // ws://…/ocpp
	bp      cluster.Backplane
	stopped bool
}

func (d *deployment) start(t *testing.T, name string) *node {
	t.Helper()
	bp := d.newBackplane(t)
	bc := d.newBroadcaster(t)
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})).With("node", name)
	}
	csms, err := ocppkit.New(ocppkit.Config{
		DB:                  d.db,
		NodeID:              name,
		Cluster:             bp,
		Broadcaster:         bc,
		AcceptUnknownIDTags: true,
		CommandTimeout:      10 * time.Second,
		Logger:              logger,
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ocpp/", csms)
	n := &node{name: name, csms: csms, srv: httptest.NewServer(mux), bp: bp}
	n.url = "ws" + strings.TrimPrefix(n.srv.URL, "http") + "/ocpp"
	t.Cleanup(func() { n.stop(t, false) })
	return n
}

// stop shuts the node down. With crash, the backplane instance stops first
// without leaving, as when the process dies: its claims expire with the
// TTL; the sockets are closed too (the charge points see them end).
func (n *node) stop(t *testing.T, crash bool) {
	t.Helper()
	if n.stopped {
		return
	}
	n.stopped = true
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if crash {
		_ = n.bp.(io.Closer).Close()
		_ = n.csms.Shutdown(ctx) // its Leave fails: the backplane is gone
	} else if err := n.csms.Shutdown(ctx); err != nil {
		t.Errorf("shutdown %s: %v", n.name, err)
	}
	n.srv.Close()
}

// dial connects a charge point to n and waits until it is registered.
func (n *node) dial(t *testing.T, identity, password string) *ocpptest.ChargePoint {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cp, err := ocpptest.Dial(ctx, n.url, identity, &ocpptest.Options{Password: password})
	if err != nil {
		t.Fatalf("dial %s on %s: %v", identity, n.name, err)
	}
	t.Cleanup(func() { cp.Close() })
	if _, err := cp.Heartbeat(ctx); err != nil { // Connected has run
		t.Fatalf("first heartbeat of %s on %s: %v", identity, n.name, err)
	}
	return cp
}

func nextCall(t *testing.T, cp *ocpptest.ChargePoint) ocpptest.ReceivedCall {
	t.Helper()
	select {
	case c := <-cp.Calls():
		return c
	case <-time.After(10 * time.Second):
		t.Fatal("the charge point received no call within 10s")
	}
	return ocpptest.ReceivedCall{}
}

func waitDone(t *testing.T, cp *ocpptest.ChargePoint, why string) {
	t.Helper()
	select {
	case <-cp.Done():
	case <-time.After(10 * time.Second):
		t.Fatalf("the charge point's socket is still open: %s", why)
	}
}

const clusterPassword = "cluster-pw-0123456789abcdef"

// TestClusterRouting: a charge point on node A receives a
// RemoteStartTransaction issued on node B, and B gets the reply; CALLERRORs,
// "not connected" and timeouts come back as they would locally.
func TestClusterRouting(t *testing.T) {
	eachBackplane(t, func(t *testing.T, d *deployment) {
		a, b := d.start(t, "node-a"), d.start(t, "node-b")
		ctx := context.Background()
		if _, err := a.csms.RegisterChargePoint(ctx, "CP-1", clusterPassword); err != nil {
			t.Fatal(err)
		}
		if _, err := a.csms.RegisterChargePoint(ctx, "CP-AWAY", clusterPassword); err != nil {
			t.Fatal(err)
		}
		cp := a.dial(t, "CP-1", clusterPassword)

		res, err := b.csms.Remote.RemoteStartTransaction(ctx, "CP-1", 2, "TAG-B")
		if err != nil {
			t.Fatalf("RemoteStartTransaction from node B: %v", err)
		}
		if res.Status != ocpp16.RemoteStartStopStatusAccepted {
			t.Errorf("status = %s", res.Status)
		}
		got := nextCall(t, cp)
		var req ocpp16.RemoteStartTransactionRequest
		if err := json.Unmarshal(got.Payload, &req); err != nil || got.Action != ocpp16.ActionRemoteStartTransaction || req.IdTag != "TAG-B" || req.ConnectorId == nil || *req.ConnectorId != 2 {
			t.Fatalf("charge point received %s %s", got.Action, got.Payload)
		}

		// B gets the charge point's own answer.
		cp.Handle(ocpp16.ActionRemoteStartTransaction, func(context.Context, json.RawMessage) (any, error) {
			return ocpp16.RemoteStartTransactionResponse{Status: ocpp16.RemoteStartStopStatusRejected}, nil
		})
		if res, err := b.csms.Remote.RemoteStartTransaction(ctx, "CP-1", 1, "TAG-B"); err != nil || res.Status != ocpp16.RemoteStartStopStatusRejected {
			t.Errorf("RemoteStartTransaction answered Rejected on A = %+v, %v on B", res, err)
		}
		nextCall(t, cp)

		// The same call issued on A goes over A's own socket.
		if res, err := a.csms.Remote.RemoteStartTransaction(ctx, "CP-1", 1, "TAG-A"); err != nil || res.Status != ocpp16.RemoteStartStopStatusRejected {
			t.Errorf("local RemoteStartTransaction = %+v, %v", res, err)
		}
		nextCall(t, cp)

		tests := []struct {
			name     string
			identity string
			handle   ocpptest.HandlerFunc
			timeout  time.Duration
			check    func(err error) bool
		}{
			{"call error", "CP-1", func(context.Context, json.RawMessage) (any, error) {
				return nil, ocpp.NewError(ocpp.NotSupported, "reset is not supported here")
			}, 0, func(err error) bool {
				var oe *ocpp.Error
				return errors.As(err, &oe) && oe.Code == ocpp.NotSupported && oe.Description == "reset is not supported here"
			}},
			{"not connected", "CP-AWAY", nil, 0, func(err error) bool { return errors.Is(err, remote.ErrNotConnected) }},
			{"unknown", "CP-NOBODY", nil, 0, func(err error) bool {
				return errors.Is(err, remote.ErrUnknownChargePoint) && !errors.Is(err, remote.ErrNotConnected)
			}},
			{"timeout", "CP-1", func(ctx context.Context, _ json.RawMessage) (any, error) {
				<-ctx.Done() // never answers while connected
				return nil, ctx.Err()
			}, 500 * time.Millisecond, func(err error) bool { return errors.Is(err, remote.ErrTimeout) }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if tt.handle != nil {
					cp.Handle(ocpp16.ActionReset, tt.handle)
				}
				ctx := context.Background()
				if tt.timeout > 0 {
					var cancel context.CancelFunc
					ctx, cancel = context.WithTimeout(ctx, tt.timeout)
					defer cancel()
				}
				_, err := remote.Call[ocpp16.ResetResponse](ctx, b.csms.Remote, tt.identity, ocpp16.ResetRequest{Type: ocpp16.ResetTypeSoft})
				if !tt.check(err) {
					t.Errorf("Reset from node B = %v", err)
				}
			})
		}
	})
}

// TestClusterBroadcast: a UI subscriber on node B sees the meter values of
// a charge point connected to node A.
func TestClusterBroadcast(t *testing.T) {
	eachBackplane(t, func(t *testing.T, d *deployment) {
		a, b := d.start(t, "node-a"), d.start(t, "node-b")
		ctx := context.Background()
		row, err := a.csms.RegisterChargePoint(ctx, "CP-M", clusterPassword)
		if err != nil {
			t.Fatal(err)
		}
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		meters, err := b.csms.Broadcaster.Subscribe(sctx, broadcast.MeterValuesTopic(row.ID))
		if err != nil {
			t.Fatal(err)
		}
		conns, err := b.csms.Broadcaster.Subscribe(sctx, broadcast.ConnectionTopic(row.ID))
		if err != nil {
			t.Fatal(err)
		}
		cp := a.dial(t, "CP-M", clusterPassword)
		var ev broadcast.ConnectionEvent
		if err := json.Unmarshal(next(t, conns).Data, &ev); err != nil || !ev.Connected || ev.Node != "node-a" {
			t.Errorf("connection event on B = %+v, %v", ev, err)
		}

		start, err := cp.StartTransaction(ctx, ocpp16.StartTransactionRequest{ConnectorId: 1, IdTag: "TAG", MeterStart: 1000, Timestamp: ocpp16.Now()})
		if err != nil {
			t.Fatal(err)
		}
		tx := start.TransactionId
		if _, err := cp.MeterValues(ctx, ocpp16.MeterValuesRequest{ConnectorId: 1, TransactionId: &tx, MeterValue: []ocpp16.MeterValue{{
			Timestamp:    ocpp16.Now(),
			SampledValue: []ocpp16.SampledValue{{Value: "2500", Measurand: ocpp16.MeasurandEnergyActiveImportRegister, Unit: ocpp16.UnitOfMeasureWh}},
		}}}); err != nil {
			t.Fatal(err)
		}
		var mv broadcast.MeterValueEvent
		if err := json.Unmarshal(next(t, meters).Data, &mv); err != nil {
			t.Fatal(err)
		}
		if mv.Value != 2500 || mv.Measurand != "Energy.Active.Import.Register" || mv.ConnectorID != 1 || mv.SessionID == nil {
			t.Errorf("meter value event on B = %+v", mv)
		}
	})
}

// TestClusterNodeDeath: node A dies (crash: its presence expires with the
// TTL) or restarts (graceful: it leaves); the charge point reconnects to B,
// and commands follow it, including from A once it is back.
func TestClusterNodeDeath(t *testing.T) {
	for _, crash := range []bool{true, false} {
		name := "restart"
		if crash {
			name = "crash"
		}
		t.Run(name, func(t *testing.T) {
			eachBackplane(t, func(t *testing.T, d *deployment) {
				a, b := d.start(t, "node-a"), d.start(t, "node-b")
				ctx := context.Background()
				if _, err := a.csms.RegisterChargePoint(ctx, "CP-K", clusterPassword); err != nil {
					t.Fatal(err)
				}
				cp := a.dial(t, "CP-K", clusterPassword)
				if _, err := b.csms.Remote.RemoteStartTransaction(ctx, "CP-K", 1, "T"); err != nil {
					t.Fatalf("before A dies: %v", err)
				}
				nextCall(t, cp)

				a.stop(t, crash)
				waitDone(t, cp, "node A is gone")
				// The charge point reconnects; the load balancer sends it to B.
				cp = b.dial(t, "CP-K", clusterPassword)
				row, err := b.csms.Store.ChargePointByIdentifier(ctx, "CP-K")
				if err != nil || !row.Connected || row.Node != "node-b" {
					t.Fatalf("charge point row after the reconnect = %+v, %v", row, err)
				}
				if res, err := b.csms.Remote.RemoteStartTransaction(ctx, "CP-K", 1, "T-B"); err != nil || res.Status != ocpp16.RemoteStartStopStatusAccepted {
					t.Fatalf("command on B after the reconnect: %+v, %v", res, err)
				}
				nextCall(t, cp)

				// A comes back under its name (a new incarnation): a
				// command issued there follows the charge point to B.
				a2 := d.start(t, "node-a")
				if res, err := a2.csms.Remote.RemoteStartTransaction(ctx, "CP-K", 1, "T-A2"); err != nil || res.Status != ocpp16.RemoteStartStopStatusAccepted {
					t.Fatalf("command on the restarted A: %+v, %v", res, err)
				}
				if got := nextCall(t, cp); !strings.Contains(string(got.Payload), "T-A2") {
					t.Errorf("charge point received %s", got.Payload)
				}
				// A's restart marked only its own charge points disconnected.
				if row, err := b.csms.Store.ChargePointByIdentifier(ctx, "CP-K"); err != nil || !row.Connected || row.Node != "node-b" {
					t.Errorf("charge point row after A restarted = %+v, %v", row, err)
				}
			})
		})
	}
}

// TestClusterTakeover: the charge point opens a socket to B while A still
// holds one (a load balancer rebalance, a half-open TCP connection): A's
// socket is closed, presence and the database follow it to B, and commands
// from A reach it on B.
func TestClusterTakeover(t *testing.T) {
	eachBackplane(t, func(t *testing.T, d *deployment) {
		a, b := d.start(t, "node-a"), d.start(t, "node-b")
		ctx := context.Background()
		row, err := a.csms.RegisterChargePoint(ctx, "CP-T", clusterPassword)
		if err != nil {
			t.Fatal(err)
		}
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		conns, err := a.csms.Broadcaster.Subscribe(sctx, broadcast.ConnectionTopic(row.ID))
		if err != nil {
			t.Fatal(err)
		}
		old := a.dial(t, "CP-T", clusterPassword)
		cp := b.dial(t, "CP-T", clusterPassword)
		waitDone(t, old, "node B took the charge point over")

		// Events: connected on A, disconnected on A, connected on B, in order.
		want := []broadcast.ConnectionEvent{{Connected: true, Node: "node-a"}, {Connected: false, Node: "node-a"}, {Connected: true, Node: "node-b"}}
		for i, w := range want {
			var ev broadcast.ConnectionEvent
			if err := json.Unmarshal(next(t, conns).Data, &ev); err != nil || ev.Connected != w.Connected || ev.Node != w.Node {
				t.Errorf("connection event %d = %+v, want connected=%v node=%s (%v)", i, ev, w.Connected, w.Node, err)
			}
		}
		if row, err := a.csms.Store.ChargePointByIdentifier(ctx, "CP-T"); err != nil || !row.Connected || row.Node != "node-b" {
			t.Errorf("charge point row after the takeover = %+v, %v", row, err)
		}
		if a.csms.Server.Len() != 0 {
			t.Errorf("node A still holds %d sockets", a.csms.Server.Len())
		}
		if res, err := a.csms.Remote.RemoteStartTransaction(ctx, "CP-T", 1, "T-A"); err != nil || res.Status != ocpp16.RemoteStartStopStatusAccepted {
			t.Fatalf("command on A after the takeover: %+v, %v", res, err)
		}
		nextCall(t, cp)
	})
}

// TestClusterQueuedCommands: commands enqueued on A while the charge point
// is away are delivered exactly once when it connects to B, even with A
// delivering at the same moment; a command enqueued on A while the charge
// point is on B is delivered at once, through B.
func TestClusterQueuedCommands(t *testing.T) {
	eachBackplane(t, func(t *testing.T, d *deployment) {
		a, b := d.start(t, "node-a"), d.start(t, "node-b")
		ctx := context.Background()
		row, err := a.csms.RegisterChargePoint(ctx, "CP-Q", clusterPassword)
		if err != nil {
			t.Fatal(err)
		}
		sctx, cancel := context.WithCancel(ctx)
		defer cancel()
		events, err := b.csms.Broadcaster.Subscribe(sctx, broadcast.CommandsTopic(row.ID))
		if err != nil {
			t.Fatal(err)
		}
		const queued = 6
		for i := range queued {
			if _, err := a.csms.Remote.Enqueue(ctx, "CP-Q", ocpp16.DataTransferRequest{VendorId: "test", MessageId: fmt.Sprint("m", i)}, nil); err != nil {
				t.Fatal(err)
			}
		}
		cp := b.dial(t, "CP-Q", clusterPassword) // B delivers on connect …
		for range 3 {
			a.csms.Remote.DeliverPending("CP-Q") // … and A races it, through the router
		}
		if _, err := a.csms.Remote.Enqueue(ctx, "CP-Q", ocpp16.DataTransferRequest{VendorId: "test", MessageId: "late"}, nil); err != nil {
			t.Fatal(err)
		}
		completed := 0
		for completed < queued+1 {
			var ev broadcast.CommandEvent
			if err := json.Unmarshal(next(t, events).Data, &ev); err != nil {
				t.Fatal(err)
			}
			switch ev.Status {
			case remote.StatusCompleted:
				completed++
			case remote.StatusFailed, remote.StatusExpired:
				t.Fatalf("command event %+v", ev)
			}
		}
		seen := map[string]int{}
		for len(cp.Calls()) > 0 {
			c := <-cp.Calls()
			var req ocpp16.DataTransferRequest
			if err := json.Unmarshal(c.Payload, &req); err != nil || c.Action != ocpp16.ActionDataTransfer {
				t.Fatalf("charge point received %s %s", c.Action, c.Payload)
			}
			seen[req.MessageId]++
		}
		if len(seen) != queued+1 {
			t.Errorf("charge point received %v, want %d distinct commands", seen, queued+1)
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("command %s delivered %d times", id, n)
			}
		}
		var pending int64
		if err := d.db.Model(&store.Command{}).Where("status <> ?", store.CommandCompleted).Count(&pending).Error; err != nil || pending != 0 {
			t.Errorf("%d commands not completed (%v)", pending, err)
		}
	})
}
