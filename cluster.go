package ocppkit

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/remote"
)

// Several nodes (Config.Cluster): New joins the backplane before anything
// else, under Config.NodeID or a name derived from the host name, so that
// a name a live node uses is refused before this node touches the charge
// points recorded under it. The router, built once the socket server
// exists, serves the other nodes' requests and is the remote.Caller, so
// commands reach a charge point on whichever node holds its socket; the
// connection hooks keep the charge point's presence; Shutdown leaves the
// backplane. With Config.Cluster nil none of this runs and the socket
// server is the Caller.

// maxNumberedNames is how many names of the form <host>, <host>-2, …
// New tries for a derived node name before it takes <host>-<random>.
const maxNumberedNames = 9

// nodeRequests is the cluster.Handler the node joins with: it passes other
// nodes' requests to the router once New has built it. Before that no
// socket is served, so no charge point is connected here.
type nodeRequests struct {
	router atomic.Pointer[cluster.Router]
}

func (h *nodeRequests) ServeRequest(ctx context.Context, req cluster.Request) (json.RawMessage, error) {
	if r := h.router.Load(); r != nil {
		return r.ServeRequest(ctx, req)
	}
	if req.Kind == cluster.KindCall {
		return nil, fmt.Errorf("%w: %q", ocpp.ErrNotConnected, req.Identity)
	}
	return nil, nil // KindDrop: no socket to close
}

// joinCluster joins the backplane and fixes c.cfg.NodeID. A name given by
// the host is refused when a live node uses it; a derived one (derived is
// the host name) moves on to the next candidate: <host>, <host>-2, …,
// <host>-9, then <host>-<random>. Numbered names come back after a restart,
// so New marks the charge points of the crashed run disconnected.
func (c *CSMS) joinCluster(ctx context.Context, derived string) error {
	bp := c.cfg.Cluster
	if bp == nil {
		return nil
	}
	names := []string{c.cfg.NodeID}
	if derived != "" {
		names = []string{derived}
		for i := 2; i <= maxNumberedNames; i++ {
			names = append(names, derived+"-"+strconv.Itoa(i))
		}
		names = append(names, derived+"-"+strings.ToLower(rand.Text()[:6]))
	}
	var err error
	for _, name := range names {
		jctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		if err = bp.Join(jctx, name, &c.requests); err == nil {
			c.cfg.NodeID, c.crash = name, cancel
			return nil
		}
		cancel()
		if derived == "" || !errors.Is(err, cluster.ErrJoined) {
			return fmt.Errorf("ocppkit: join the cluster as node %q: %w", name, err)
		}
		c.logger.Info("node name in use by a live node; trying the next", "node", name)
	}
	return fmt.Errorf("ocppkit: join the cluster: no free node name derived from %q: %w", derived, err)
}

// newRouter creates the router when Config.Cluster is set and hands it the
// requests of other nodes.
func (c *CSMS) newRouter() {
	if c.cfg.Cluster == nil {
		return
	}
	bp := c.cfg.Cluster
	if f := c.obs.Routed; f != nil {
		bp = observedBackplane{Backplane: bp, routed: f}
	}
	c.router = cluster.NewRouter(cluster.RouterConfig{
		Backplane: bp,
		Server:    c.Server,
		Node:      c.cfg.NodeID,
		Flush:     c.Defaults.Flush, // our disconnect event goes out before the new node's connect
		Logger:    c.logger,
	})
	c.requests.router.Store(c.router)
}

// caller is what remote sends commands through.
func (c *CSMS) caller() remote.Caller {
	c.newRouter()
	var caller remote.Caller = c.Server
	if c.router != nil {
		caller = c.router
	}
	if c.tracer != nil || c.obs.CallSent != nil {
		caller = observedCaller{next: caller, c: c}
	}
	return caller
}

// leaveCluster leaves the backplane (after the sockets have closed).
func (c *CSMS) leaveCluster(ctx context.Context) error {
	if c.crash == nil {
		return nil
	}
	defer c.crash()
	if err := c.cfg.Cluster.Leave(ctx, c.cfg.NodeID); err != nil {
		return fmt.Errorf("ocppkit: leave the cluster: %w", err)
	}
	return nil
}

// clusterConnected claims the charge point for this node, closing its
// socket on the node that held it before (see cluster.Router.Connected).
func (c *CSMS) clusterConnected(ctx context.Context, conn *ocpp.Conn) {
	if c.router != nil {
		c.router.Connected(ctx, conn.Identity())
	}
}

// clusterDisconnected releases the charge point, unless another node has
// claimed it since.
func (c *CSMS) clusterDisconnected(ctx context.Context, conn *ocpp.Conn) {
	if c.router != nil {
		c.router.Disconnected(ctx, conn.Identity())
	}
}
