package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/internal/versions"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/store"
)

// Command statuses, as stored in store.Command.Status and published in
// broadcast.CommandEvent.Status.
const (
	StatusPending   = store.CommandPending   // waiting for the charge point
	StatusSent      = store.CommandSent      // sent, awaiting the reply
	StatusCompleted = store.CommandCompleted // the charge point answered with a CALLRESULT
	StatusFailed    = store.CommandFailed    // CALLERROR, invalid reply or no reply in time
	StatusExpired   = store.CommandExpired   // not delivered before it expired
)

// EnqueueOptions tunes Enqueue. A nil *EnqueueOptions uses the defaults.
type EnqueueOptions struct {
	// ExpiresAt is when an undelivered command is given up. By default
	// DefaultExpiry from now.
	ExpiresAt time.Time
}

// Enqueue persists req, a request of package ocpp16 or ocpp201, as a
// command for the charge point and returns at once (the perform_later of
// OCPP Rails). The command is sent now when the charge point is connected,
// otherwise when it next connects (the wiring calls DeliverPending), until
// it expires. Its outcome is stored in the command row and published on
// charge_point_<id>_commands. A request Send would refuse as invalid is
// refused the same way (ErrInvalidRequest), before it is stored. A request
// of the version the charge point does not speak (as recorded when it last
// connected) is refused with ErrWrongVersion; if the charge point comes back speaking another version
// than the command's, the command fails with ErrWrongVersion, unsent.
func (c *Client) Enqueue(ctx context.Context, identity string, req ocpp.Request, opts *EnqueueOptions) (*store.Command, error) {
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	if err := checkSecrets(req); err != nil {
		return nil, err
	}
	if err := checkRules(req); err != nil {
		return nil, err
	}
	payload, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, err)
	}
	key, isKey := secretOf(req)
	if isKey {
		if c.keys == nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidRequest, ErrNoKeyRotator)
		}
		payload = json.RawMessage(redactedPayload(req)) // the key itself stays in memory
	}
	cp, err := c.store.ChargePointByIdentifier(ctx, identity)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %s", ErrUnknownChargePoint, identity)
	}
	if err != nil {
		return nil, err
	}
	v := versionOf(req)
	if err := wrongVersion(identity, cp.OCPPVersion, v, req.Action()); err != nil {
		return nil, err
	}
	now := c.now().UTC()
	expires := now.Add(DefaultExpiry)
	if opts != nil && !opts.ExpiresAt.IsZero() {
		expires = opts.ExpiresAt.UTC()
	}
	cmd := &store.Command{
		ChargePointID: cp.ID,
		Identifier:    identity,
		Action:        req.Action(),
		Payload:       string(payload),
		Status:        StatusPending,
		CreatedAt:     now,
		ExpiresAt:     &expires,
		OCPPVersion:   v.Name,
	}
	if err := c.store.CreateCommand(ctx, cmd); err != nil {
		return nil, err
	}
	if isKey {
		c.keepSecret(cmd.ID, key)
	}
	c.publish(cmd)
	c.DeliverPending(identity)
	return cmd, nil
}

// DeliverPending sends, in the background and in order, the pending
// commands of a charge point. The wiring calls it when a charge point
// connects; Enqueue calls it too. Calls for an identity whose delivery is
// already running make that delivery look again when it finishes.
func (c *Client) DeliverPending(identity string) {
	c.mu.Lock()
	if c.ctx.Err() != nil {
		c.mu.Unlock()
		return
	}
	if c.delivering[identity] {
		c.again[identity] = true
		c.mu.Unlock()
		return
	}
	c.delivering[identity] = true
	c.wg.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.wg.Done()
		for {
			c.deliverSafely(identity)
			c.mu.Lock()
			if !c.again[identity] || c.ctx.Err() != nil {
				delete(c.delivering, identity)
				delete(c.again, identity)
				c.mu.Unlock()
				return
			}
			delete(c.again, identity)
			c.mu.Unlock()
		}
	}()
}

// deliverSafely is deliver on a background goroutine: a panic (a bug, or
// in a Caller or store hook) is logged, and the commands it did not reach
// stay pending.
func (c *Client) deliverSafely(identity string) {
	defer func() {
		if v := recover(); v != nil {
			c.logger.Error("deliver queued commands panicked", "charge_point", identity, "panic", v, "stack", string(debug.Stack()))
		}
	}()
	c.deliver(identity)
}

func (c *Client) deliver(identity string) {
	ctx := c.ctx
	cmds, err := c.store.PendingCommands(ctx, identity, c.now().UTC())
	if err != nil {
		if ctx.Err() == nil {
			c.logger.Error("load pending commands", "charge_point", identity, "err", err)
		}
		return
	}
	since := c.connectedSince(ctx, identity, len(cmds)) // see claim.go
	for i := range cmds {
		cmd := &cmds[i]
		if ctx.Err() != nil {
			return
		}
		if ok, err := c.claim(ctx, cmd); err != nil {
			c.logger.Error("mark command sent", "command_id", cmd.ID, "err", err)
			return
		} else if !ok {
			continue // another delivery (on another node) has it
		}
		raw, err := c.sendStored(ctx, identity, cmd)
		if errors.Is(err, ErrNotConnected) {
			// Not delivered: back to the queue for the next connection.
			cmd.Status, cmd.SentAt = StatusPending, nil
			if uerr := c.store.UpdateCommand(context.WithoutCancel(ctx), cmd); uerr != nil {
				c.logger.Error("requeue command", "command_id", cmd.ID, "err", uerr)
			}
			c.retryIfReconnected(ctx, identity, since)
			return
		}
		if isKeyCommand(cmd) {
			c.takeSecret(cmd.ID)
		}
		c.complete(context.WithoutCancel(ctx), cmd, raw, err)
	}
}

// errSecretLost fails an enqueued password change whose key this process
// does not hold.
var errSecretLost = errors.New("remote: the new password is never stored and is not held by this process (it restarted, or another node enqueued it): enqueue it again")

// commandVersion returns the version of a stored command (1.6 for a
// command stored before versions were recorded).
func commandVersion(cmd *store.Command) *versions.Version {
	if v, ok := versions.Get(cmd.OCPPVersion); ok {
		return v
	}
	return versions.V16
}

// sendStored sends a stored command, unless the charge point now speaks
// another version than the command's; a password change goes with the key
// held in memory, through the KeyRotator.
func (c *Client) sendStored(ctx context.Context, identity string, cmd *store.Command) (json.RawMessage, error) {
	if err := c.checkVersion(ctx, identity, commandVersion(cmd), cmd.Action); err != nil {
		return nil, err
	}
	stored, isKey := storedSecretRequest(cmd)
	if !isKey {
		return c.send(ctx, identity, cmd.Action, json.RawMessage(cmd.Payload))
	}
	key, ok := c.peekSecret(cmd.ID)
	if !ok {
		return nil, errSecretLost
	}
	req := withSecret(stored, key)
	payload, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	res, err := c.sendSecret(ctx, identity, key, req, payload)
	if res == nil {
		return nil, err
	}
	raw, merr := json.Marshal(res)
	if merr != nil {
		return nil, merr
	}
	if errors.Is(err, ErrNotRecorded) {
		c.logger.Error("record new password", "charge_point", identity, "command_id", cmd.ID, "err", err)
		err = nil // the charge point took it: the command succeeded
	}
	return raw, err
}

// expireLoop marks commands past their expiry as expired, every interval,
// until Close (delivery already skips them; this makes their stored status
// say so), and reservations past their expiry date too.
func (c *Client) expireLoop(every time.Duration) {
	defer c.wg.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
			c.expire()
		}
	}
}

// expire runs one round of expireLoop; a panic is logged, and the next
// round tries again.
func (c *Client) expire() {
	defer func() {
		if v := recover(); v != nil {
			c.logger.Error("expire commands panicked", "panic", v, "stack", string(debug.Stack()))
		}
	}()
	if _, err := c.store.ExpireCommands(c.ctx, c.now().UTC()); err != nil && c.ctx.Err() == nil {
		c.logger.Error("expire commands", "err", err)
	}
	if err := c.ExpireReservations(c.ctx); err != nil && c.ctx.Err() == nil {
		c.logger.Error("expire reservations", "err", err)
	}
}

func (c *Client) complete(ctx context.Context, cmd *store.Command, raw json.RawMessage, err error) {
	done := c.now().UTC()
	cmd.CompletedAt = &done
	if err == nil {
		if res, derr := c.decode(commandVersion(cmd), cmd.Action, raw); derr != nil {
			err = derr
		} else {
			c.applyStoredEffect(ctx, cmd, res)
		}
	}
	if err != nil {
		cmd.Status = StatusFailed
		cmd.ErrorCode = string(ocpp.CodeOf(err))
		cmd.ErrorDescription = err.Error()
		var oe *ocpp.Error
		if errors.As(err, &oe) {
			cmd.ErrorDescription = oe.Description
		}
	} else {
		cmd.Status = StatusCompleted
		cmd.Response = string(raw)
	}
	if uerr := c.store.UpdateCommand(ctx, cmd); uerr != nil {
		c.logger.Error("record command outcome", "command_id", cmd.ID, "err", uerr)
	}
	c.publish(cmd)
}

func (c *Client) publish(cmd *store.Command) {
	if c.b == nil {
		return
	}
	ev := broadcast.CommandEvent{
		CommandID: strconv.FormatUint(uint64(cmd.ID), 10),
		Action:    cmd.Action,
		Status:    cmd.Status,
		Response:  json.RawMessage(cmd.Response),
		Timestamp: c.now().UTC(),
	}
	if cmd.ErrorCode != "" {
		ev.Error = cmd.ErrorCode + ": " + cmd.ErrorDescription
	}
	if len(ev.Response) == 0 {
		ev.Response = nil
	}
	if err := broadcast.PublishEvent(context.WithoutCancel(c.ctx), c.b, cmd.ChargePointID, broadcast.KindCommands, ev); err != nil {
		c.logger.Error("publish command event", "command_id", cmd.ID, "err", err)
	}
}
