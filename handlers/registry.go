package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// Call is what a handler knows about the message it handles.
type Call struct {
	// Conn is the charge point's connection. It is nil when a handler is
	// invoked outside a socket (in tests, or by a host replaying messages).
	Conn *ocpp.Conn
	// Identity is the charge point's identity (the last path segment of its
	// WebSocket URL).
	Identity string
	// ChargePoint is the charge point's row, loaded when it connected. Its
	// ID and Identifier are stable; other fields are a snapshot.
	ChargePoint *store.ChargePoint
	// Action is the OCPP action being handled, e.g. "StatusNotification".
	Action string
	// Logger carries the charge_point and action attributes.
	Logger *slog.Logger
}

// Handler handles one CALL from a charge point. req is a pointer to the
// decoded, validated request type of c.Action (e.g.
// *ocpp16.StatusNotificationRequest); the returned response must be the
// action's response type, as a value or a pointer. An *ocpp.Error return is
// sent to the charge point as that CALLERROR; any other error is sent as
// InternalError without its text.
type Handler interface {
	Handle(ctx context.Context, c *Call, req ocpp16.Request) (ocpp16.Response, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, c *Call, req ocpp16.Request) (ocpp16.Response, error)

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, c *Call, req ocpp16.Request) (ocpp16.Response, error) {
	return f(ctx, c, req)
}

// Middleware wraps every handler of a Registry, e.g. to log, measure or
// refuse calls. It is applied at dispatch time, so middleware added later
// also wraps handlers registered earlier.
type Middleware func(Handler) Handler

// TypedFunc is a handler for one action with its concrete request and
// response types.
type TypedFunc[Req ocpp16.Request, Res ocpp16.Response] func(ctx context.Context, c *Call, req Req) (Res, error)

// Registry maps OCPP actions to handlers. A Registry is safe for concurrent
// use; registration may happen while charge points are connected.
//
// Each action has at most one default handler (the library's behaviour,
// installed by Defaults.Register) and at most one override (the host's).
// Dispatch uses the override when there is one. Default returns the default
// so an override can delegate to it.
type Registry struct {
	mu         sync.RWMutex
	defaults   map[string]Handler
	overrides  map[string]Handler
	middleware []Middleware
	mode       ocpp16.Mode
	actionMode map[string]ocpp16.Mode
	cpMode     map[string]ocpp16.Mode
	logger     *slog.Logger
}

// NewRegistry returns an empty Registry in Strict mode. A nil logger means
// slog.Default().
func NewRegistry(logger *slog.Logger) *Registry {
	if logger == nil {
		logger = slog.Default()
	}
	return &Registry{
		defaults:   make(map[string]Handler),
		overrides:  make(map[string]Handler),
		actionMode: make(map[string]ocpp16.Mode),
		cpMode:     make(map[string]ocpp16.Mode),
		logger:     logger,
	}
}

// On registers fn as the host's handler for the action of Req, replacing any
// earlier override. The action name comes from the request type, and the
// payload is decoded and validated once, by the registry, before fn runs.
func On[Req ocpp16.Request, Res ocpp16.Response](r *Registry, fn TypedFunc[Req, Res]) {
	var zero Req
	r.Handle(zero.Action(), Typed(fn))
}

// Typed turns a TypedFunc into a Handler.
func Typed[Req ocpp16.Request, Res ocpp16.Response](fn TypedFunc[Req, Res]) Handler {
	return HandlerFunc(func(ctx context.Context, c *Call, req ocpp16.Request) (ocpp16.Response, error) {
		typed, err := requestAs[Req](req)
		if err != nil {
			return nil, err
		}
		return fn(ctx, c, typed)
	})
}

// Handle registers h as the override for action.
func (r *Registry) Handle(action string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.overrides[action] = h
}

// SetDefault registers h as the default handler for action.
func (r *Registry) SetDefault(action string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.defaults[action] = h
}

// Remove drops the override of action, so the default handles it again.
func (r *Registry) Remove(action string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.overrides, action)
}

// Default returns the default handler of action, or nil when there is none.
// An override typically keeps it and delegates with Invoke.
func (r *Registry) Default(action string) Handler {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.defaults[action]
}

// Lookup returns the handler that dispatch uses for action (override first),
// without middleware.
func (r *Registry) Lookup(action string) Handler {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if h, ok := r.overrides[action]; ok {
		return h
	}
	return r.defaults[action]
}

// Use appends middleware. The first middleware added is the outermost.
func (r *Registry) Use(mw ...Middleware) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.middleware = append(r.middleware, mw...)
}

// SetMode sets the validation mode used for every action and charge point
// without a more specific setting. The default is ocpp16.Strict.
func (r *Registry) SetMode(m ocpp16.Mode) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mode = m
}

// SetActionMode sets the validation mode of one action for every charge point.
func (r *Registry) SetActionMode(action string, m ocpp16.Mode) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.actionMode[action] = m
}

// SetChargePointMode sets the validation mode of every action of one charge
// point (the place for a known quirky charger). It wins over SetActionMode.
func (r *Registry) SetChargePointMode(identity string, m ocpp16.Mode) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cpMode[identity] = m
}

// Mode returns the validation mode for a charge point's action.
func (r *Registry) Mode(identity, action string) ocpp16.Mode {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.modeLocked(identity, action)
}

// modeLocked is Mode with r.mu held. Its maps are usually empty: those
// lookups cost nothing.
func (r *Registry) modeLocked(identity, action string) ocpp16.Mode {
	if len(r.cpMode) != 0 {
		if m, ok := r.cpMode[identity]; ok {
			return m
		}
	}
	if len(r.actionMode) != 0 {
		if m, ok := r.actionMode[action]; ok {
			return m
		}
	}
	return r.mode
}

// Invoke calls h and returns its response as Res. It is how an override
// delegates to the default it wraps:
//
//	def := reg.Default(ocpp16.ActionStatusNotification)
//	handlers.On(reg, func(ctx context.Context, c *handlers.Call, req ocpp16.StatusNotificationRequest) (ocpp16.StatusNotificationResponse, error) {
//		// … the host's own work …
//		return handlers.Invoke[ocpp16.StatusNotificationResponse](ctx, def, c, req)
//	})
func Invoke[Res ocpp16.Response](ctx context.Context, h Handler, c *Call, req ocpp16.Request) (Res, error) {
	var zero Res
	if h == nil {
		return zero, ocpp.NewError(ocpp.NotSupported, "no handler for %s", c.Action)
	}
	res, err := h.Handle(ctx, c, req)
	if err != nil {
		return zero, err
	}
	switch v := any(res).(type) {
	case Res:
		return v, nil
	case *Res:
		if v != nil {
			return *v, nil
		}
	}
	return zero, fmt.Errorf("handlers: %s handler returned %T, want %T", c.Action, res, zero)
}

// Dispatch decodes payload as a request of action, runs the handler with the
// registry's middleware and returns the encoded response. Unknown actions
// get NotImplemented; known actions without a handler (for example an
// action that only the Central System may send) get NotSupported; invalid
// payloads get the precise validation error code.
func (r *Registry) Dispatch(ctx context.Context, c *Call, payload json.RawMessage) (out json.RawMessage, err error) {
	r.mu.RLock()
	h, ok := r.overrides[c.Action]
	if !ok {
		h = r.defaults[c.Action]
	}
	mw := r.middleware
	mode := r.modeLocked(c.Identity, c.Action)
	r.mu.RUnlock()

	req, known := ocpp16.NewRequest(c.Action)
	if !known {
		return nil, ocpp.NewError(ocpp.NotImplemented, "unknown action %q", c.Action)
	}
	if h == nil {
		return nil, ocpp.NewError(ocpp.NotSupported, "action %q is not supported by this central system", c.Action)
	}
	if err := ocpp16.Unmarshal(payload, req, mode); err != nil {
		return nil, err
	}
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	defer func() {
		if p := recover(); p != nil {
			c.Logger.Error("handler panicked", "action", c.Action, "panic", p, "stack", string(debug.Stack()))
			out, err = nil, ocpp.NewError(ocpp.InternalError, "internal error")
		}
	}()
	res, err := h.Handle(ctx, c, req)
	if err != nil {
		return nil, err
	}
	if res == nil {
		return nil, fmt.Errorf("handlers: %s handler returned no response", c.Action)
	}
	if err := res.Validate(); err != nil {
		return nil, fmt.Errorf("handlers: %s handler returned an invalid response: %w", c.Action, asInternal(err))
	}
	out, err = json.Marshal(res)
	if err != nil {
		return nil, fmt.Errorf("handlers: encode %s response: %w", c.Action, err)
	}
	return out, nil
}

// asInternal keeps a validation error's text for the log but stops its
// OCPP code from reaching the charge point: a response that breaks the
// schema is our fault, so the charge point gets InternalError.
func asInternal(err error) error {
	return fmt.Errorf("%s", err.Error())
}

func requestAs[Req ocpp16.Request](req ocpp16.Request) (Req, error) {
	switch v := any(req).(type) {
	case Req:
		return v, nil
	case *Req:
		if v != nil {
			return *v, nil
		}
	}
	var zero Req
	return zero, fmt.Errorf("handlers: got request %T, want %T", req, zero)
}
