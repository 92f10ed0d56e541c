package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/ocppkit/ocppkit/internal/versions"
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
	// Version is the OCPP version of the message: ocpp.OCPP16 or
	// ocpp.OCPP201, the connection's Conn.Version. Empty means 1.6 (a
	// Call built by hand before there were versions).
	Version string
	// Action is the OCPP action being handled, e.g. "StatusNotification".
	Action string
	// Payload is the CALL's payload as the charge point sent it, before
	// decoding; Dispatch sets it. Nil when a handler is invoked otherwise.
	Payload json.RawMessage
	// Logger carries the charge_point and action attributes.
	Logger *slog.Logger

	// info is the connection's cache (HandleCall sets it), nil for a Call
	// built otherwise.
	info *connInfo
}

// Handler handles one CALL from a charge point. req is a pointer to the
// decoded, validated request type of c.Action in c.Version (e.g.
// *ocpp16.StatusNotificationRequest or *ocpp201.TransactionEventRequest);
// the returned response must be the action's response type of the same
// version, as a value or a pointer. An *ocpp.Error return is sent to the
// charge point as that CALLERROR (spelled for its version); any other error
// is sent as InternalError without its text.
type Handler interface {
	Handle(ctx context.Context, c *Call, req ocpp.Request) (ocpp.Response, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, c *Call, req ocpp.Request) (ocpp.Response, error)

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, c *Call, req ocpp.Request) (ocpp.Response, error) {
	return f(ctx, c, req)
}

// Middleware wraps every handler of a Registry, e.g. to log, measure or
// refuse calls. It is applied at dispatch time, so middleware added later
// also wraps handlers registered earlier. It wraps the handlers of every
// version; Call.Version tells them apart.
type Middleware func(Handler) Handler

// TypedFunc is a handler for one action with its concrete request and
// response types, of package ocpp16 or ocpp201.
type TypedFunc[Req ocpp.Request, Res ocpp.Response] func(ctx context.Context, c *Call, req Req) (Res, error)

// key names an action of a version.
type key struct{ version, action string }

// Registry maps the actions of each OCPP version to handlers. A Registry is
// safe for concurrent use; registration may happen while charge points are
// connected.
//
// Each action of a version has at most one default handler (the library's
// behaviour, installed by Defaults.Register) and at most one override (the
// host's). Dispatch uses the override when there is one. Default returns the
// default so an override can delegate to it.
//
// An action is always of one version: the 1.6 StatusNotification and the
// 2.0.1 StatusNotification are two actions with two handlers. handlers.On
// takes the version from the request type; the methods that take an action
// name (Handle, SetDefault, Remove, Default, Lookup) address OCPP 1.6, as
// they did before 2.0.1, and For(version) gives the same methods for any
// version.
type Registry struct {
	// Every message reads the registry and hardly anything changes it, so
	// readers load an immutable state without a lock and each change
	// publishes a new one (a read lock's shared counter, written by every
	// message from every core, cost 2% of a heartbeat's CPU).
	mu    sync.Mutex // serialises changes
	state atomic.Pointer[registryState]
	// cpMode holds SetChargePointMode's modes (identity → ocpp16.Mode), and
	// cpModes how many: a host may set one for each of many charge points
	// while others connect, which a copied state would make quadratic.
	cpMode  sync.Map
	cpModes atomic.Int64
	logger  *slog.Logger
}

// registryState is what a Registry holds, never changed once published.
type registryState struct {
	defaults    map[key]Handler
	overrides   map[key]Handler
	middleware  []Middleware
	mode        ocpp16.Mode
	versionMode map[string]ocpp16.Mode
	actionMode  map[string]ocpp16.Mode
}

// update publishes a copy of the state that change has modified.
func (r *Registry) update(change func(s *registryState)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.state.Load()
	s := &registryState{
		defaults:    maps.Clone(old.defaults),
		overrides:   maps.Clone(old.overrides),
		middleware:  slices.Clone(old.middleware),
		mode:        old.mode,
		versionMode: maps.Clone(old.versionMode),
		actionMode:  maps.Clone(old.actionMode),
	}
	change(s)
	r.state.Store(s)
}

// NewRegistry returns an empty Registry in Strict mode. A nil logger means
// slog.Default().
func NewRegistry(logger *slog.Logger) *Registry {
	if logger == nil {
		logger = slog.Default()
	}
	r := &Registry{logger: logger}
	r.state.Store(&registryState{
		defaults:    make(map[key]Handler),
		overrides:   make(map[key]Handler),
		versionMode: make(map[string]ocpp16.Mode),
		actionMode:  make(map[string]ocpp16.Mode),
	})
	return r
}

// On registers fn as the host's handler for the action of Req, replacing any
// earlier override. The action name and its OCPP version come from the
// request type (ocpp16.StatusNotificationRequest is the 1.6 action,
// ocpp201.StatusNotificationRequest the 2.0.1 one), and the payload is
// decoded and validated once, by the registry, before fn runs.
func On[Req ocpp.Request, Res ocpp.Response](r *Registry, fn TypedFunc[Req, Res]) {
	var zero Req
	r.For(versionOfType[Req]()).Handle(zero.Action(), Typed(fn))
}

// versionOfType returns the version of the message type T: the package
// that declares it. A type of neither version package counts as 1.6.
func versionOfType[T any]() string {
	if v := versions.OfType(reflect.TypeFor[T]()); v != nil {
		return v.Name
	}
	return ocpp.OCPP16
}

// Typed turns a TypedFunc into a Handler.
func Typed[Req ocpp.Request, Res ocpp.Response](fn TypedFunc[Req, Res]) Handler {
	return HandlerFunc(func(ctx context.Context, c *Call, req ocpp.Request) (ocpp.Response, error) {
		typed, err := requestAs[Req](req)
		if err != nil {
			return nil, err
		}
		return fn(ctx, c, typed)
	})
}

// VersionHandlers are the handlers of one OCPP version in a Registry (see
// Registry.For). The zero value is not usable.
type VersionHandlers struct {
	r       *Registry
	version string
}

// For returns the handlers of the OCPP version named by its subprotocol
// (ocpp.OCPP16 or ocpp.OCPP201):
//
//	def := csms.Handlers.For(ocpp.OCPP201).Default(ocpp201.ActionStatusNotification)
func (r *Registry) For(version string) VersionHandlers {
	if version == "" {
		version = ocpp.OCPP16
	}
	return VersionHandlers{r: r, version: version}
}

// Version returns the version the handlers are of.
func (v VersionHandlers) Version() string { return v.version }

// Handle registers h as the override for action.
func (v VersionHandlers) Handle(action string, h Handler) {
	v.r.update(func(s *registryState) { s.overrides[key{v.version, action}] = h })
}

// SetDefault registers h as the default handler for action.
func (v VersionHandlers) SetDefault(action string, h Handler) {
	v.r.update(func(s *registryState) { s.defaults[key{v.version, action}] = h })
}

// Remove drops the override of action, so the default handles it again.
func (v VersionHandlers) Remove(action string) {
	v.r.update(func(s *registryState) { delete(s.overrides, key{v.version, action}) })
}

// Default returns the default handler of action, or nil when there is none.
func (v VersionHandlers) Default(action string) Handler {
	return v.r.state.Load().defaults[key{v.version, action}]
}

// Lookup returns the handler that dispatch uses for action (override
// first), without middleware.
func (v VersionHandlers) Lookup(action string) Handler {
	s := v.r.state.Load()
	k := key{v.version, action}
	if h, ok := s.overrides[k]; ok {
		return h
	}
	return s.defaults[k]
}

// Handle registers h as the override for the OCPP 1.6 action (For(v).Handle
// for another version).
func (r *Registry) Handle(action string, h Handler) { r.For(ocpp.OCPP16).Handle(action, h) }

// SetDefault registers h as the default handler for the OCPP 1.6 action.
func (r *Registry) SetDefault(action string, h Handler) { r.For(ocpp.OCPP16).SetDefault(action, h) }

// Remove drops the override of the OCPP 1.6 action, so the default handles
// it again.
func (r *Registry) Remove(action string) { r.For(ocpp.OCPP16).Remove(action) }

// Default returns the default handler of the OCPP 1.6 action, or nil when
// there is none. An override typically keeps it and delegates with Invoke.
// For(ocpp.OCPP201).Default is the 2.0.1 one; the typed path,
// Defaults.StatusNotification or Defaults.V201.StatusNotification, needs
// neither.
func (r *Registry) Default(action string) Handler { return r.For(ocpp.OCPP16).Default(action) }

// Lookup returns the handler that dispatch uses for the OCPP 1.6 action
// (override first), without middleware.
func (r *Registry) Lookup(action string) Handler { return r.For(ocpp.OCPP16).Lookup(action) }

// Use appends middleware. The first middleware added is the outermost.
func (r *Registry) Use(mw ...Middleware) {
	r.update(func(s *registryState) { s.middleware = append(s.middleware, mw...) })
}

// SetMode sets the validation mode used for every version, action and
// charge point without a more specific setting. The default is
// ocpp16.Strict. The modes of ocpp16 and ocpp201 have the same values:
// Strict and Tolerant mean the same for both versions.
func (r *Registry) SetMode(m ocpp16.Mode) {
	r.update(func(s *registryState) { s.mode = m })
}

// SetVersionMode sets the validation mode of every action of one OCPP
// version (ocpp.OCPP16, ocpp.OCPP201), e.g. Tolerant for a fleet's 2.0.1
// stations while 1.6 stays Strict. SetActionMode and SetChargePointMode
// win over it.
func (r *Registry) SetVersionMode(version string, m ocpp16.Mode) {
	r.update(func(s *registryState) { s.versionMode[version] = m })
}

// SetActionMode sets the validation mode of one action for every charge
// point, in every version that has an action of that name.
func (r *Registry) SetActionMode(action string, m ocpp16.Mode) {
	r.update(func(s *registryState) { s.actionMode[action] = m })
}

// SetChargePointMode sets the validation mode of every action of one charge
// point (the place for a known quirky charger). It wins over SetActionMode.
func (r *Registry) SetChargePointMode(identity string, m ocpp16.Mode) {
	if _, loaded := r.cpMode.Swap(identity, m); !loaded {
		r.cpModes.Add(1)
	}
}

// Mode returns the validation mode for a charge point's OCPP 1.6 action.
// ModeFor gives it for any version.
func (r *Registry) Mode(identity, action string) ocpp16.Mode {
	return r.ModeFor(ocpp.OCPP16, identity, action)
}

// ModeFor returns the validation mode for a charge point's action of an
// OCPP version: the charge point's, else the action's, else the version's,
// else the registry's.
func (r *Registry) ModeFor(version, identity, action string) ocpp16.Mode {
	return r.modeIn(r.state.Load(), version, identity, action)
}

// modeIn is ModeFor in state s. Its maps are usually empty: those lookups
// cost nothing.
func (r *Registry) modeIn(s *registryState, version, identity, action string) ocpp16.Mode {
	if r.cpModes.Load() != 0 {
		if m, ok := r.cpMode.Load(identity); ok {
			return m.(ocpp16.Mode)
		}
	}
	if len(s.actionMode) != 0 {
		if m, ok := s.actionMode[action]; ok {
			return m
		}
	}
	if len(s.versionMode) != 0 {
		if m, ok := s.versionMode[version]; ok {
			return m
		}
	}
	return s.mode
}

// Invoke calls h and returns its response as Res. It is how an override
// delegates to the default it wraps:
//
//	def := reg.Default(ocpp16.ActionStatusNotification)
//	handlers.On(reg, func(ctx context.Context, c *handlers.Call, req ocpp16.StatusNotificationRequest) (ocpp16.StatusNotificationResponse, error) {
//		// … the host's own work …
//		return handlers.Invoke[ocpp16.StatusNotificationResponse](ctx, def, c, req)
//	})
func Invoke[Res ocpp.Response](ctx context.Context, h Handler, c *Call, req ocpp.Request) (Res, error) {
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

// Dispatch decodes payload as a request of c.Action in c.Version, runs the
// handler with the registry's middleware and returns the encoded response.
// Actions the version does not have get NotImplemented (a 1.6 action name
// on a 2.0.1 connection, such as StartTransaction, is never handled as
// 1.6); actions it has without a handler (for example one only the central
// system sends) get NotSupported; invalid payloads get the precise
// validation error code.
func (r *Registry) Dispatch(ctx context.Context, c *Call, payload json.RawMessage) (out json.RawMessage, err error) {
	v, ok := versions.Get(c.Version)
	if !ok {
		return nil, ocpp.NewError(ocpp.NotImplemented, "OCPP version %q is not supported", c.Version)
	}
	k := key{v.Name, c.Action}
	s := r.state.Load()
	h, ok := s.overrides[k]
	if !ok {
		h = s.defaults[k]
	}
	mw := s.middleware
	mode := r.modeIn(s, v.Name, c.Identity, c.Action)

	req, known := v.NewRequest(c.Action)
	if !known {
		return nil, ocpp.NewError(ocpp.NotImplemented, "unknown action %q", c.Action)
	}
	if h == nil {
		return nil, ocpp.NewError(ocpp.NotSupported, "action %q is not supported by this central system", c.Action)
	}
	if err := v.Unmarshal(payload, req, mode == ocpp16.Tolerant); err != nil {
		return nil, err
	}
	c.Payload = payload
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
	if rv := versions.Of(res); rv != nil && rv != v {
		return nil, fmt.Errorf("handlers: %s handler of OCPP %s returned a response of OCPP %s (%T)", c.Action, v.Name, rv.Name, res)
	}
	if a, ok := res.(jsonAppender); ok {
		out, err = a.AppendJSON(make([]byte, 0, 64))
	} else {
		out, err = json.Marshal(res)
	}
	if err != nil {
		return nil, fmt.Errorf("handlers: encode %s response: %w", c.Action, err)
	}
	return out, nil
}

// jsonAppender is a response that encodes itself without reflection
// (ocpp16.HeartbeatResponse): the same bytes as json.Marshal.
type jsonAppender interface {
	AppendJSON(b []byte) ([]byte, error)
}

// asInternal keeps a validation error's text for the log but stops its
// OCPP code from reaching the charge point: a response that breaks the
// schema is our fault, so the charge point gets InternalError.
func asInternal(err error) error {
	return fmt.Errorf("%s", err.Error())
}

func requestAs[Req ocpp.Request](req ocpp.Request) (Req, error) {
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
