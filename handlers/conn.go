package handlers

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/store"
)

type connInfoKey struct{}

// connInfo is what the registry caches on a connection when it is attached,
// so the per-message path needs no database lookup.
type connInfo struct {
	chargePoint *store.ChargePoint
	logger      *slog.Logger
}

// Attach records the charge point a connection belongs to. The host wiring
// (ocppkit.New) calls it once the connection is accepted; every Call built
// for that connection then carries cp, and the connection's logger (which
// already has the charge_point attribute).
func Attach(conn *ocpp.Conn, cp *store.ChargePoint) {
	conn.SetValue(connInfoKey{}, &connInfo{chargePoint: cp, logger: conn.Logger()})
}

// ChargePointOf returns the charge point attached to conn, or nil.
func ChargePointOf(conn *ocpp.Conn) *store.ChargePoint {
	if info, ok := conn.Value(connInfoKey{}).(*connInfo); ok {
		return info.chargePoint
	}
	return nil
}

// HandleCall implements ocpp.Handler: it builds the Call for conn and
// dispatches. A connection that was never attached is refused with
// SecurityError (it should not exist: the wiring attaches every accepted
// connection before its first message).
func (r *Registry) HandleCall(ctx context.Context, conn *ocpp.Conn, action string, payload json.RawMessage) (json.RawMessage, error) {
	info, ok := conn.Value(connInfoKey{}).(*connInfo)
	if !ok {
		return nil, ocpp.NewError(ocpp.SecurityError, "charge point is not registered")
	}
	c := &Call{
		Conn:        conn,
		Identity:    conn.Identity(),
		ChargePoint: info.chargePoint,
		Version:     conn.Version(),
		Action:      action,
		Logger:      info.logger,
	}
	return r.Dispatch(ctx, c, payload)
}
