package cluster

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
)

// DefaultDropTimeout bounds how long a node taking over a charge point
// waits for the previous node to close its socket.
const DefaultDropTimeout = 2 * time.Second

// suspectFor is how long a node that did not answer a drop request is not
// asked again (a reconnect storm after it died would otherwise wait
// DropTimeout per charge point until its presence expires).
const suspectFor = 30 * time.Second

// RouterConfig configures NewRouter. Backplane and Server are required.
type RouterConfig struct {
	// Backplane connects the nodes. Required.
	Backplane Backplane
	// Server is this node's socket server. Required.
	Server *ocpp.Server
	// Node names this node. By default Server.NodeID().
	Node string
	// DropTimeout bounds the wait for the previous node to close its
	// socket when a charge point reconnects here. By default
	// DefaultDropTimeout.
	DropTimeout time.Duration
	// Flush, when set, is called after a socket closed on another node's
	// request and before that request is answered: the wiring passes the
	// event publisher's Flush, so this node's last events about the charge
	// point reach the Broadcaster before the other node publishes its own.
	Flush func(ctx context.Context) error
	// Logger. By default slog.Default().
	Logger *slog.Logger
}

// Router is one node's side of the cluster. It is a remote.Caller that
// sends a CALL on the local socket when the charge point is connected here
// and forwards it to the node that holds the socket otherwise; it serves
// the requests other nodes forward here; and its Connected and
// Disconnected keep the charge point's presence (the wiring calls them
// from the socket server's hooks).
type Router struct {
	bp     Backplane
	srv    *ocpp.Server
	node   string
	drop   time.Duration
	flush  func(ctx context.Context) error
	logger *slog.Logger

	mu      sync.Mutex
	cancel  context.CancelFunc   // of the Join context
	suspect map[string]time.Time // node → until when drops to it are skipped
}

// NewRouter returns a Router. It does nothing until Join.
func NewRouter(cfg RouterConfig) *Router {
	if cfg.Backplane == nil || cfg.Server == nil {
		panic("cluster: RouterConfig.Backplane and RouterConfig.Server are required")
	}
	return &Router{
		bp:      cfg.Backplane,
		srv:     cfg.Server,
		node:    cmp.Or(cfg.Node, cfg.Server.NodeID()),
		drop:    cmp.Or(max(cfg.DropTimeout, 0), DefaultDropTimeout),
		flush:   cfg.Flush,
		logger:  cmp.Or(cfg.Logger, slog.Default()),
		suspect: make(map[string]time.Time),
	}
}

// Node returns this node's name.
func (r *Router) Node() string { return r.node }

// Join makes this node a member of the backplane, serving the requests of
// other nodes, until Leave.
func (r *Router) Join(ctx context.Context) error {
	jctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	if err := r.bp.Join(jctx, r.node, r); err != nil {
		cancel()
		return err
	}
	r.mu.Lock()
	r.cancel = cancel
	r.mu.Unlock()
	return nil
}

// Leave ends the membership gracefully: this node's claims are removed and
// it stops serving other nodes' requests. Call it after the socket server
// has shut down.
func (r *Router) Leave(ctx context.Context) error {
	r.mu.Lock()
	cancel := r.cancel
	r.cancel = nil
	r.mu.Unlock()
	if cancel == nil {
		return nil
	}
	defer cancel()
	return r.bp.Leave(ctx, r.node)
}

// Call sends a CALL to the charge point wherever it is connected: on the
// local socket, or through the node that holds it. Errors are those of
// ocpp.Server.Call on that node: an error wrapping ocpp.ErrNotConnected
// when no node holds the charge point, ocpp.ErrTimeout, *ocpp.Error for a
// CALLERROR.
func (r *Router) Call(ctx context.Context, identity, action string, payload json.RawMessage) (json.RawMessage, error) {
	if c, ok := r.srv.Conn(identity); ok {
		return c.Call(ctx, action, payload)
	}
	owner, err := r.bp.Owner(ctx, identity)
	switch {
	case errors.Is(err, ErrNoOwner), err == nil && owner == r.node:
		return nil, fmt.Errorf("%w: %q", ocpp.ErrNotConnected, identity)
	case err != nil:
		if ctx.Err() != nil {
			return nil, SendError(ctx, "")
		}
		return nil, fmt.Errorf("cluster: look up the node of %q: %w", identity, err)
	}
	res, err := r.bp.Send(ctx, owner, Request{Kind: KindCall, Identity: identity, Action: action, Payload: payload})
	if errors.Is(err, ErrNodeUnavailable) {
		return nil, fmt.Errorf("%w: %q (its node %q is gone)", ocpp.ErrNotConnected, identity, owner)
	}
	return res, err
}

// ServeRequest serves a request another node sent here: a CALL for a
// charge point connected to this node, or the order to close its socket.
// It never forwards further.
func (r *Router) ServeRequest(ctx context.Context, req Request) (json.RawMessage, error) {
	switch req.Kind {
	case KindCall:
		return r.srv.Call(ctx, req.Identity, req.Action, req.Payload)
	case KindDrop:
		c, ok := r.srv.Conn(req.Identity)
		if !ok {
			return nil, nil
		}
		r.logger.Info("cluster: charge point taken over by another node; closing its socket here",
			"charge_point", req.Identity, "node", r.node)
		_ = c.Close()
		select {
		case <-c.Done():
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if r.flush != nil {
			if err := r.flush(ctx); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	return nil, fmt.Errorf("cluster: unknown request kind %q", req.Kind)
}

// Connected records that the charge point's socket is now held by this
// node. When another live node held it (the charge point reconnected here
// after a node restart or a rebalance), that node is told to close its
// socket, and Connected waits for it (at most DropTimeout), so that its
// disconnect is recorded and published before this connection's connect.
// A backplane failure is logged, not returned: the charge point is served
// locally, only commands from other nodes cannot reach it.
func (r *Router) Connected(ctx context.Context, identity string) {
	prev, err := r.bp.Claim(ctx, identity, r.node)
	if err != nil {
		r.logger.Error("cluster: claim charge point", "charge_point", identity, "node", r.node, "err", err)
		return
	}
	if prev == "" || prev == r.node {
		return
	}
	now := time.Now()
	r.mu.Lock()
	skip := now.Before(r.suspect[prev])
	r.mu.Unlock()
	if skip {
		return
	}
	dctx, cancel := context.WithTimeout(ctx, r.drop)
	defer cancel()
	_, err = r.bp.Send(dctx, prev, Request{Kind: KindDrop, Identity: identity})
	switch {
	case err == nil:
		r.logger.Info("cluster: charge point taken over from another node", "charge_point", identity, "from", prev, "node", r.node)
	case errors.Is(err, ErrNodeUnavailable):
		r.logger.Info("cluster: charge point taken over from a node that is gone", "charge_point", identity, "from", prev)
	default:
		r.logger.Warn("cluster: previous node did not close the charge point's socket", "charge_point", identity, "from", prev, "err", err)
		if ctx.Err() == nil {
			r.mu.Lock()
			r.suspect[prev] = time.Now().Add(suspectFor)
			r.mu.Unlock()
		}
	}
}

// Disconnected removes this node's claim on the charge point, unless
// another node has claimed it since.
func (r *Router) Disconnected(ctx context.Context, identity string) {
	if err := r.bp.Release(ctx, identity, r.node); err != nil {
		r.logger.Warn("cluster: release charge point", "charge_point", identity, "node", r.node, "err", err)
	}
}
