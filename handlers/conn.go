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
// so the per-message path needs no database lookup. What every message
// reads (the logger, a heartbeat's slot) comes first, in one cache line,
// and the charge point is held by value in the same allocation: with
// thousands of connections open, each further object or line a message
// touches is a cache miss.
type connInfo struct {
	logger      *slog.Logger
	beat        beatSlot // the last heartbeat, for the heartbeat batcher
	chargePoint store.ChargePoint
}

// Attach records the charge point a connection belongs to. The host wiring
// (ocppkit.New) calls it once the connection is accepted; every Call built
// for that connection then carries the connection's copy of cp (one
// *store.ChargePoint for the life of the connection, shared by its Calls),
// and the connection's logger (which already has the charge_point
// attribute).
func Attach(conn *ocpp.Conn, cp *store.ChargePoint) {
	info := &connInfo{logger: conn.Logger(), chargePoint: *cp}
	conn.SetValue(connInfoKey{}, info)
}

// ChargePointOf returns the charge point attached to conn, or nil.
func ChargePointOf(conn *ocpp.Conn) *store.ChargePoint {
	if info, ok := conn.Value(connInfoKey{}).(*connInfo); ok {
		return &info.chargePoint
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
		ChargePoint: &info.chargePoint,
		Version:     conn.Version(),
		Action:      action,
		Logger:      info.logger,
		info:        info,
	}
	return r.Dispatch(ctx, c, payload)
}
