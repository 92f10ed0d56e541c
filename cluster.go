package ocppkit

import (
	"context"
	"fmt"

	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/remote"
)

// Several nodes (Config.Cluster): the router is the remote.Caller, so
// commands reach a charge point on whichever node holds its socket; the
// connection hooks keep the charge point's presence; New joins the
// backplane and Shutdown leaves it. With Config.Cluster nil none of this
// runs and the socket server is the Caller.

// newRouter creates the router when Config.Cluster is set. No side effect.
func (c *CSMS) newRouter() {
	if c.cfg.Cluster == nil {
		return
	}
	c.router = cluster.NewRouter(cluster.RouterConfig{
		Backplane: c.cfg.Cluster,
		Server:    c.Server,
		Node:      c.cfg.NodeID,
		Flush:     c.Defaults.Flush, // our disconnect event goes out before the new node's connect
		Logger:    c.logger,
	})
}

// caller is what remote sends commands through.
func (c *CSMS) caller() remote.Caller {
	c.newRouter()
	if c.router != nil {
		return c.router
	}
	return c.Server
}

// joinCluster joins the backplane; on failure it stops what New started.
func (c *CSMS) joinCluster(ctx context.Context) error {
	if c.router == nil {
		return nil
	}
	if err := c.router.Join(ctx); err != nil {
		_ = c.Remote.Close(ctx)
		_ = c.Defaults.Close(ctx)
		if c.memory != nil {
			c.memory.Close()
		}
		return fmt.Errorf("ocppkit: join the cluster as node %q: %w", c.cfg.NodeID, err)
	}
	return nil
}

// leaveCluster leaves the backplane (after the sockets have closed).
func (c *CSMS) leaveCluster(ctx context.Context) error {
	if c.router == nil {
		return nil
	}
	if err := c.router.Leave(ctx); err != nil {
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
