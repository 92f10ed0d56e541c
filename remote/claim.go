package remote

import (
	"context"
	"time"

	"github.com/ocppkit/ocppkit/store"
)

// Queued commands with several nodes: any node may run a delivery for a
// charge point (the one it connects to, the one a command was enqueued
// on, whose Caller forwards to the node holding the socket). Two rules keep
// every command sent once and none stranded:
//
//   - a delivery sends only the commands it claims (store.ClaimCommand, a
//     conditional UPDATE from pending to sent), so two deliveries racing
//     never send one command twice;
//   - a delivery that finds the charge point not connected puts the
//     command back to pending, then looks whether the charge point
//     connected meanwhile (its connected_at changed since the delivery
//     began): the delivery run by that connection may have loaded the
//     queue while the command was claimed here, so this one tries again.

// claim marks cmd sent, if it is still pending.
func (c *Client) claim(ctx context.Context, cmd *store.Command) (bool, error) {
	sentAt := c.now().UTC()
	ok, err := c.store.ClaimCommand(ctx, cmd.ID, sentAt)
	if ok {
		cmd.Status, cmd.SentAt = StatusSent, &sentAt
	}
	return ok, err
}

// connectedSince returns the start of the charge point's current
// connection as recorded in the database (zero when it is not connected),
// read only when there are commands to deliver.
func (c *Client) connectedSince(ctx context.Context, identity string, commands int) time.Time {
	if commands == 0 {
		return time.Time{}
	}
	cp, err := c.store.ChargePointByIdentifier(ctx, identity)
	if err != nil || !cp.Connected || cp.ConnectedAt == nil {
		return time.Time{}
	}
	return *cp.ConnectedAt
}

// retryIfReconnected makes the delivery of identity run again when the
// charge point has connected since the delivery began (since).
func (c *Client) retryIfReconnected(ctx context.Context, identity string, since time.Time) {
	now := c.connectedSince(ctx, identity, 1)
	if now.IsZero() || now.Equal(since) {
		return
	}
	c.mu.Lock()
	c.again[identity] = true
	c.mu.Unlock()
}
