package ocppkit

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/coder/websocket"

	"github.com/ocppkit/ocppkit/cluster"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/remote"
)

// Observer is the set of callbacks through which a CSMS reports what it
// does, for metrics: package metrics/prom fills one with Prometheus
// collectors, and a host may fill its own. Every field is optional; a nil
// callback costs nothing (not even the clock reading its duration needs).
//
// Callbacks are called synchronously by the goroutine doing the work (a
// charge point's connection, the meter writer, the event publisher, a
// command's caller), many at once: they must be safe for concurrent use and
// return at once — count, never wait, never call back into the CSMS.
//
// Every string passed is from a closed set, so each can be a metric label
// without unbounded cardinality: no charge point identity is ever passed.
// An action is an OCPP action name this library knows, or "unknown".
type Observer struct {
	// Connected reports a charge point connection ready to serve, with the
	// negotiated subprotocol as version (e.g. "ocpp1.6").
	Connected func(version string)
	// Disconnected reports the end of a connection Connected reported;
	// cause is one of "closed_by_charge_point", "network_error",
	// "ping_timeout", "replaced" (the charge point reconnected), "closed"
	// (this server closed it, e.g. another node took the charge point
	// over), "shutdown", "frame_too_big", "protocol_error".
	Disconnected func(version, cause string)
	// HandshakeRefused reports a charge point turned away before it was
	// served, by the HTTP status of the refusal: reason is one of
	// "bad_request" (no OCPP subprotocol offered, an invalid identity),
	// "unauthorized" (unknown charge point or wrong password), "forbidden",
	// "not_found" (no identity in the path), "rate_limited" (too many
	// handshakes from one address), "shutting_down", "not_websocket",
	// "connect_failed" (the charge point's row could not be loaded or
	// recorded) or "other".
	HandshakeRefused func(reason string)
	// CallHandled reports a CALL from a charge point answered; outcome is
	// "ok" for a CALLRESULT, otherwise the CALLERROR's code (e.g.
	// "FormationViolation", "InternalError"); took is the time the handler
	// ran, commits included.
	CallHandled func(action, outcome string, took time.Duration)
	// CallSent reports a CALL sent to a charge point (a remote command)
	// ended; outcome is "accepted" or "rejected" (the reply's status), the
	// snake_case of another status ("not_supported", "reboot_required",
	// "scheduled", "unlocked", "unlock_failed", …, "other_status"), "ok"
	// (a reply without status), "call_error", "timeout", "not_connected",
	// "closed", "queue_full" or "error"; took is the round trip.
	CallSent func(action, outcome string, took time.Duration)
	// MeterCommit reports one group commit of the meter writer: rows meter
	// values written in took, err nil on success; queued is how many
	// writes were left waiting for the next commit (the queue depth).
	MeterCommit func(rows, queued int, took time.Duration, err error)
	// EventPublished reports an event handed to the Broadcaster's queue,
	// or dropped because the Broadcaster was behind.
	EventPublished func(dropped bool)
	// Routed reports a request the backplane carried to another node; kind
	// is "call" or "drop"; outcome is "ok" (whatever the charge point
	// answered), "timeout", "node_unavailable" or "error".
	Routed func(kind, outcome string, took time.Duration)
	// MessageLog reports the message log (Config.MessageLog): written
	// frames stored by one batch, or dropped frames (its queue was full, or
	// their batch failed).
	MessageLog func(written, dropped int)
}

// knownActions are the action names passed to an Observer as they are;
// any other is "unknown".
var knownActions = func() map[string]bool {
	m := make(map[string]bool)
	for _, a := range ocpp16.ChargePointActions {
		m[a] = true
	}
	for _, a := range ocpp16.CentralSystemActions {
		m[a] = true
	}
	for _, a := range ocpp201.ChargingStationActions {
		m[a] = true
	}
	for _, a := range ocpp201.CSMSActions {
		m[a] = true
	}
	return m
}()

// actionLabel bounds an action name for metrics and span names.
func actionLabel(action string) string {
	if knownActions[action] {
		return action
	}
	return "unknown"
}

// callOutcome is CallHandled's outcome for a handler's error.
func callOutcome(err error) string {
	if err == nil {
		return "ok"
	}
	if code := ocpp.CodeOf(err); code.Valid() {
		return string(code)
	}
	return string(ocpp.GenericError) // a host's own code: bounded all the same
}

// disconnectCause classifies the cause passed to Disconnected.
func disconnectCause(err error) string {
	var oe *ocpp.Error
	switch {
	case errors.Is(err, ocpp.ErrReplaced):
		return "replaced"
	case errors.Is(err, ocpp.ErrServerClosed):
		return "shutdown"
	case errors.Is(err, ocpp.ErrTimeout):
		return "ping_timeout"
	case errors.Is(err, ocpp.ErrClosed):
		return "closed"
	case errors.Is(err, websocket.ErrMessageTooBig):
		return "frame_too_big"
	case errors.As(err, &oe):
		return "protocol_error"
	case websocket.CloseStatus(err) != -1:
		return "closed_by_charge_point"
	}
	return "network_error"
}

// refusalReason is HandshakeRefused's reason for an HTTP status.
func refusalReason(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "bad_request"
	case http.StatusUnauthorized:
		return "unauthorized"
	case http.StatusForbidden:
		return "forbidden"
	case http.StatusNotFound:
		return "not_found"
	case http.StatusTooManyRequests:
		return "rate_limited"
	case http.StatusServiceUnavailable:
		return "shutting_down"
	case http.StatusUpgradeRequired:
		return "not_websocket"
	}
	return "other"
}

// statusOutcomes are CallSent's outcomes for the status of a reply.
var statusOutcomes = map[string]string{
	"Accepted": "accepted", "Rejected": "rejected", "NotSupported": "not_supported",
	"NotImplemented": "not_implemented", "RebootRequired": "reboot_required", "Scheduled": "scheduled",
	"Unlocked": "unlocked", "UnlockFailed": "unlock_failed", "Failed": "failed", "Occupied": "occupied",
	"Faulted": "faulted", "Unavailable": "unavailable", "UnknownMessageId": "unknown_message_id",
	"UnknownVendorId": "unknown_vendor_id", "VersionMismatch": "version_mismatch",
}

// sentOutcome is CallSent's outcome for a command's reply or error.
func sentOutcome(reply json.RawMessage, err error) string {
	var oe *ocpp.Error
	switch {
	case err == nil:
		var r struct {
			Status *string `json:"status"`
		}
		if json.Unmarshal(reply, &r) != nil || r.Status == nil {
			return "ok"
		}
		if o, ok := statusOutcomes[*r.Status]; ok {
			return o
		}
		return "other_status"
	case errors.As(err, &oe):
		return "call_error"
	case errors.Is(err, ocpp.ErrNotConnected):
		return "not_connected"
	case errors.Is(err, ocpp.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, ocpp.ErrClosed):
		return "closed"
	case errors.Is(err, ocpp.ErrCallQueueFull):
		return "queue_full"
	}
	return "error"
}

// observedCaller measures and traces every command sent through it.
type observedCaller struct {
	next remote.Caller
	c    *CSMS
}

func (o observedCaller) Call(ctx context.Context, identity, action string, payload json.RawMessage) (json.RawMessage, error) {
	ctx, end := o.c.traceCommand(ctx, identity, action)
	start := time.Now()
	res, err := o.next.Call(ctx, identity, action, payload)
	took := time.Since(start)
	if f := o.c.obs.CallSent; f != nil {
		f(actionLabel(action), sentOutcome(res, err), took)
	}
	end(err)
	return res, err
}

// observedBackplane measures the requests sent to other nodes.
type observedBackplane struct {
	cluster.Backplane
	routed func(kind, outcome string, took time.Duration)
}

func (o observedBackplane) Send(ctx context.Context, node string, req cluster.Request) (json.RawMessage, error) {
	start := time.Now()
	res, err := o.Backplane.Send(ctx, node, req)
	outcome := "ok"
	var oe *ocpp.Error
	switch {
	case err == nil, errors.As(err, &oe), errors.Is(err, ocpp.ErrNotConnected), errors.Is(err, ocpp.ErrClosed), errors.Is(err, ocpp.ErrCallQueueFull):
		// The other node answered (for the charge point).
	case errors.Is(err, cluster.ErrNodeUnavailable):
		outcome = "node_unavailable"
	case errors.Is(err, ocpp.ErrTimeout), errors.Is(err, context.DeadlineExceeded):
		outcome = "timeout"
	default:
		outcome = "error"
	}
	kind := string(req.Kind)
	if req.Kind != cluster.KindCall && req.Kind != cluster.KindDrop {
		kind = "other"
	}
	o.routed(kind, outcome, time.Since(start))
	return res, err
}

// refusalRecorder reports a handshake answered with anything but 101
// Switching Protocols. It passes everything through (Unwrap lets the
// WebSocket upgrade hijack the connection underneath).
type refusalRecorder struct {
	http.ResponseWriter
	refused func(reason string)
	done    bool
}

func (w *refusalRecorder) WriteHeader(code int) {
	if !w.done {
		w.done = true
		if code != http.StatusSwitchingProtocols {
			w.refused(refusalReason(code))
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *refusalRecorder) Write(b []byte) (int, error) {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *refusalRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observeRefused reports a charge point refused after the upgrade.
func (c *CSMS) observeRefused(reason string) {
	if f := c.obs.HandshakeRefused; f != nil {
		f(reason)
	}
}

// handleObserved is HandleCall with the Observer and the tracer.
func (c *CSMS) handleObserved(ctx context.Context, conn *ocpp.Conn, action string, payload json.RawMessage) (json.RawMessage, error) {
	ctx, end := c.traceCall(ctx, conn, action)
	start := time.Now()
	res, err := c.Handlers.HandleCall(ctx, conn, action, payload)
	if f := c.obs.CallHandled; f != nil {
		f(actionLabel(action), callOutcome(err), time.Since(start))
	}
	end(err)
	return res, err
}
