package ocppkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/store"
)

// connHandler is the ocpp.Handler of the socket server: messages go to the
// registry; connects and disconnects update the charge point's row, publish
// on charge_point_<id>_connection and deliver queued commands.
type connHandler struct{ c *CSMS }

func (h connHandler) HandleCall(parent context.Context, conn *ocpp.Conn, action string, payload json.RawMessage) (json.RawMessage, error) {
	cc := newCallContext(parent, h.c.cfg.WriteTimeout)
	defer cc.release()
	var ctx context.Context = cc
	if h.c.observing {
		return h.c.handleObserved(ctx, conn, action, payload)
	}
	return h.c.Handlers.HandleCall(ctx, conn, action, payload)
}

func (h connHandler) Connected(ctx context.Context, conn *ocpp.Conn) error {
	c := h.c
	ctx, cancel := context.WithTimeout(ctx, c.cfg.WriteTimeout)
	defer cancel()
	cp, err := c.authenticated(conn.Identity())
	if cp == nil {
		cp, err = c.Store.ChargePointByIdentifier(ctx, conn.Identity())
	}
	if errors.Is(err, store.ErrNotFound) && c.cfg.AutoRegister {
		cp, _, err = c.Store.EnsureChargePoint(ctx, conn.Identity())
	}
	if err != nil {
		c.observeRefused("connect_failed")
		return fmt.Errorf("ocppkit: load charge point: %w", err)
	}
	c.clusterConnected(ctx, conn) // several nodes: claim it, close its socket elsewhere
	at := conn.ConnectedAt().UTC()
	if err := c.Store.MarkConnectedVersion(ctx, cp.ID, c.cfg.NodeID, at, conn.Version()); err != nil {
		c.observeRefused("connect_failed")
		return fmt.Errorf("ocppkit: mark connected: %w", err)
	}
	cp.OCPPVersion = conn.Version()
	handlers.Attach(conn, cp)
	c.Defaults.Publish(cp.ID, broadcast.KindConnection, broadcast.ConnectionEvent{Connected: true, Timestamp: at, Node: c.cfg.NodeID, Identity: conn.Identity()})
	if f := c.obs.Connected; f != nil {
		f(conn.Subprotocol())
	}
	return nil
}

// Ready delivers the commands queued while the charge point was away: only
// now does Server.Call find the connection (ocpp.ReadyHandler).
func (h connHandler) Ready(_ context.Context, conn *ocpp.Conn) {
	h.c.Remote.DeliverPending(conn.Identity())
}

func (h connHandler) Disconnected(ctx context.Context, conn *ocpp.Conn, cause error) {
	c := h.c
	if f := c.obs.Disconnected; f != nil {
		f(conn.Subprotocol(), disconnectCause(cause))
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.WriteTimeout)
	defer cancel()
	c.clusterDisconnected(ctx, conn)
	cp := handlers.ChargePointOf(conn)
	if cp == nil {
		return
	}
	c.Defaults.Forget(cp.ID)
	now := c.Defaults.Now().UTC()
	if err := c.Store.MarkDisconnected(ctx, cp.ID, conn.ConnectedAt().UTC(), now); err != nil {
		c.logger.Error("mark charge point disconnected", "charge_point", conn.Identity(), "err", err)
	}
	c.Defaults.Publish(cp.ID, broadcast.KindConnection, broadcast.ConnectionEvent{Connected: false, Timestamp: now, Node: c.cfg.NodeID, Identity: conn.Identity()})
}

// basicAuth is the default Authenticator: HTTP Basic with user = identity
// against the stored password digest (security profiles 1 and 2).
type basicAuth struct{ c *CSMS }

func (a basicAuth) Authenticate(ctx context.Context, r *http.Request, identity string) error {
	c := a.c
	cp, err := c.chargePointFor(ctx, r, identity)
	switch {
	case err != nil:
		return err
	case cp == nil: // unknown, AutoRegister: created once the upgrade succeeded (Connected)
		return nil
	case cp.PasswordDigest == "": // registered without a password
		if !c.cfg.AutoRegister {
			return fmt.Errorf("%w: charge point %q has no password", ocpp.ErrUnauthorized, identity)
		}
	default:
		user, pass, ok := r.BasicAuth()
		if !ok || user != identity || !(ocpp.VerifyPassword(cp.PasswordDigest, pass) || c.rotation.adopt(identity, pass)) {
			return ocpp.ErrUnauthorized
		}
	}
	c.rememberAuthenticated(cp)
	return nil
}

// chargePointFor loads the charge point a handshake names. An unknown
// identity is ocpp.ErrUnknownChargePoint (401), recorded (see
// unknownRecorder), or, with AutoRegister, nil and no error: Connected
// creates it once the WebSocket upgrade has succeeded, so a request that
// never upgrades creates nothing.
func (c *CSMS) chargePointFor(ctx context.Context, r *http.Request, identity string) (*store.ChargePoint, error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.WriteTimeout)
	defer cancel()
	cp, err := c.Store.ChargePointByIdentifier(ctx, identity)
	if errors.Is(err, store.ErrNotFound) {
		if !c.cfg.AutoRegister {
			c.unknown.record(ctx, r, identity)
			return nil, ocpp.ErrUnknownChargePoint
		}
		return nil, nil
	}
	return cp, err
}

// rememberAuthenticated keeps the row the Authenticator loaded for the
// Connected hook that follows, saving a query per connection (it matters in
// a reconnect storm). One entry per identity at most, taken by Connected.
func (c *CSMS) rememberAuthenticated(cp *store.ChargePoint) {
	c.authMu.Lock()
	c.authed[cp.Identifier] = cp
	c.authMu.Unlock()
}

// peekAuthenticated returns the row rememberAuthenticated kept for
// identity, leaving it for Connected; nil when there is none.
func (c *CSMS) peekAuthenticated(identity string) *store.ChargePoint {
	c.authMu.Lock()
	defer c.authMu.Unlock()
	return c.authed[identity]
}

// authenticated takes the row rememberAuthenticated kept for identity.
func (c *CSMS) authenticated(identity string) (*store.ChargePoint, error) {
	c.authMu.Lock()
	defer c.authMu.Unlock()
	cp := c.authed[identity]
	delete(c.authed, identity)
	return cp, nil
}
