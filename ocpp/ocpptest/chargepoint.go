package ocpptest

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/ocppkit/ocppkit/internal/versions"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
)

// Defaults of [Options].
const (
	DefaultCallTimeout  = 10 * time.Second
	DefaultCallBuffer   = 256
	DefaultMaxFrameSize = 1 << 20
)

// ErrClosed is returned (wrapped) by calls on a charge point whose
// connection has ended or failed; [ChargePoint.Err] tells why it ended.
var ErrClosed = errors.New("ocpptest: connection closed")

// HandlerFunc answers one call from the Central System. payload has already
// been validated (see [Options.Mode]). ctx ends with the connection;
// [FromContext] returns the charge point that received the call. The result is encoded with
// encoding/json (a json.RawMessage or []byte is sent as is; nil is sent as
// {}); an error is sent as a CALLERROR: an *ocpp.Error with its own code,
// anything else as InternalError. Wrap the result with [ReplyThen] to run
// something once the reply has been written.
type HandlerFunc func(ctx context.Context, payload json.RawMessage) (any, error)

// Options configure [Dial]. The zero value (or nil) works.
type Options struct {
	// Password, when set, is sent as HTTP Basic authentication with the
	// identity as user name (OCPP security profiles 1 and 2).
	Password string

	// Subprotocols offered in the handshake. By default ["ocpp1.6"]. When
	// any are offered, Dial fails unless the Central System selects one.
	// A non-nil empty slice offers none (for tests of a server's refusal).
	Subprotocols []string

	// Header holds extra HTTP headers for the handshake.
	Header http.Header

	// HTTPClient dials the websocket. By default http.DefaultClient, or a
	// client using TLSConfig when that is set.
	HTTPClient *http.Client

	// TLSConfig is used for wss:// URLs when HTTPClient is nil, e.g. with
	// client certificates for security profile 3.
	TLSConfig *tls.Config

	// CallTimeout bounds the wait for the reply to one CALL, counted from
	// the moment it is sent. By default 10s.
	CallTimeout time.Duration

	// Mode is the validation applied to every CALLRESULT and CALL received
	// from the Central System. By default ocpp16.Strict.
	Mode ocpp16.Mode

	// Handlers answer Central System calls by action from the first frame
	// on; [ChargePoint.Handle] adds or replaces handlers later.
	Handlers map[string]HandlerFunc

	// CallBuffer is the capacity of the [ChargePoint.Calls] channel. By
	// default 256.
	CallBuffer int

	// MaxFrameSize is the largest frame read, in bytes. By default 1 MiB.
	MaxFrameSize int64

	// Logger receives protocol warnings. By default slog.Default(). Every
	// record carries charge_point=<identity>.
	Logger *slog.Logger
}

// ReceivedCall is a call from the Central System and the reply sent to it.
type ReceivedCall struct {
	ID      string
	Action  string
	Payload json.RawMessage
	// Reply is the frame sent back: a CALLRESULT or a CALLERROR.
	Reply ocpp.Frame
	Time  time.Time
}

// ChargePoint is one simulated charge point connected to a Central System.
// Its methods are safe for concurrent use.
type ChargePoint struct {
	identity string
	version  *versions.Version // of the negotiated subprotocol (1.6 for one the library does not know)
	ws       *websocket.Conn
	opts     Options
	log      *slog.Logger

	ctx    context.Context // ends when the connection ends
	cancel context.CancelFunc

	turn    chan struct{} // holds one token: the right to have a CALL outstanding
	nextID  atomic.Uint64
	idPref  string
	calls   chan ReceivedCall
	dropped atomic.Int64

	incoming chan ocpp.Frame
	model    deviceModel // 2.0.1 variables; see SetVariable

	mu       sync.Mutex
	pending  map[string]chan reply
	handlers map[string]HandlerFunc
	err      error

	done       chan struct{} // closed when the read loop has ended
	dispatched chan struct{} // closed when the dispatcher has ended
	closeOnce  sync.Once
}

type reply struct {
	frame ocpp.Frame
	err   error
}

// Dial connects a charge point with the given identity to the Central System
// at baseURL: it dials baseURL + "/" + url.PathEscape(identity). The ctx
// bounds the handshake only; the connection lives until [ChargePoint.Close]
// or until the Central System ends it.
func Dial(ctx context.Context, baseURL, identity string, opts *Options) (*ChargePoint, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Subprotocols == nil {
		o.Subprotocols = []string{"ocpp1.6"}
	}
	o.CallTimeout = cmp.Or(o.CallTimeout, DefaultCallTimeout)
	o.CallBuffer = cmp.Or(o.CallBuffer, DefaultCallBuffer)
	o.MaxFrameSize = cmp.Or(o.MaxFrameSize, DefaultMaxFrameSize)
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	header := o.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	if o.Password != "" {
		header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(identity+":"+o.Password)))
	}
	client := o.HTTPClient
	if client == nil && o.TLSConfig != nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = o.TLSConfig
		client = &http.Client{Transport: tr}
	}
	u := strings.TrimSuffix(baseURL, "/") + "/" + url.PathEscape(identity)
	ws, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{
		HTTPClient:   client,
		HTTPHeader:   header,
		Subprotocols: o.Subprotocols,
	})
	if err != nil {
		if resp != nil {
			return nil, fmt.Errorf("ocpptest: dial %s: HTTP %d: %w", u, resp.StatusCode, err)
		}
		return nil, fmt.Errorf("ocpptest: dial %s: %w", u, err)
	}
	if len(o.Subprotocols) > 0 && !slices.Contains(o.Subprotocols, ws.Subprotocol()) {
		ws.Close(websocket.StatusPolicyViolation, "no OCPP subprotocol selected")
		return nil, fmt.Errorf("ocpptest: dial %s: server selected subprotocol %q, offered %q", u, ws.Subprotocol(), o.Subprotocols)
	}
	ws.SetReadLimit(o.MaxFrameSize)

	var pref [4]byte
	_, _ = rand.Read(pref[:])
	version, ok := versions.Get(strings.ToLower(ws.Subprotocol()))
	if !ok {
		version = versions.V16
	}
	cp := &ChargePoint{
		identity:   identity,
		version:    version,
		ws:         ws,
		opts:       o,
		log:        o.Logger.With("charge_point", identity),
		turn:       make(chan struct{}, 1),
		idPref:     hex.EncodeToString(pref[:]) + "-",
		calls:      make(chan ReceivedCall, o.CallBuffer),
		incoming:   make(chan ocpp.Frame, 64),
		pending:    make(map[string]chan reply),
		handlers:   make(map[string]HandlerFunc, len(o.Handlers)),
		done:       make(chan struct{}),
		dispatched: make(chan struct{}),
	}
	for action, fn := range o.Handlers {
		cp.handlers[action] = fn
	}
	cp.turn <- struct{}{}
	cp.ctx, cp.cancel = context.WithCancel(context.WithValue(context.Background(), ctxKey{}, cp))
	go cp.readLoop()
	go cp.dispatch()
	return cp, nil
}

type ctxKey struct{}

// FromContext returns the charge point whose handler received ctx.
func FromContext(ctx context.Context) (*ChargePoint, bool) {
	cp, ok := ctx.Value(ctxKey{}).(*ChargePoint)
	return cp, ok
}

// Identity returns the charge point's identity.
func (cp *ChargePoint) Identity() string { return cp.identity }

// Subprotocol returns the subprotocol the Central System selected.
func (cp *ChargePoint) Subprotocol() string { return cp.ws.Subprotocol() }

// Version returns the OCPP version the charge point speaks: ocpp.OCPP201
// when the Central System selected ocpp2.0.1, ocpp.OCPP16 otherwise. It
// decides how calls from the Central System are decoded and answered.
func (cp *ChargePoint) Version() string { return cp.version.Name }

// Done is closed when the connection has ended, by [ChargePoint.Close] or
// by the Central System.
func (cp *ChargePoint) Done() <-chan struct{} { return cp.done }

// Err returns why the connection ended, nil while it is open. When the
// Central System closed the socket, websocket.CloseStatus(cp.Err()) is its
// close status.
func (cp *ChargePoint) Err() error {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	return cp.err
}

// Close closes the connection with a normal closure and waits until its
// goroutines have ended. Calls in flight fail with [ErrClosed]. It always
// returns nil; it is safe to call more than once.
func (cp *ChargePoint) Close() error {
	cp.closeOnce.Do(func() {
		// The close handshake fails when the Central System has already
		// closed the socket; the connection has ended either way.
		_ = cp.ws.Close(websocket.StatusNormalClosure, "")
		_ = cp.ws.CloseNow()
	})
	<-cp.done
	<-cp.dispatched
	return nil
}

// Calls returns the calls the Central System made, with the replies sent,
// in arrival order. The channel has Options.CallBuffer capacity; when it is
// full, further calls are still answered but not reported (see
// [ChargePoint.DroppedCalls]). It is closed when the connection has ended.
func (cp *ChargePoint) Calls() <-chan ReceivedCall { return cp.calls }

// DroppedCalls returns how many received calls were not reported on
// [ChargePoint.Calls] because its buffer was full.
func (cp *ChargePoint) DroppedCalls() int64 { return cp.dropped.Load() }

// Handle answers Central System calls of action with fn, replacing any
// earlier handler or default reply. A nil fn restores the default reply.
func (cp *ChargePoint) Handle(action string, fn HandlerFunc) {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	if fn == nil {
		delete(cp.handlers, action)
		return
	}
	cp.handlers[action] = fn
}

// On answers Central System calls of the action of Req with a typed handler.
// The payload is decoded into Req after validation (see [Options.Mode]).
// Req is a request of package ocpp16 or ocpp201, whose version's rules
// decode it.
func On[Req ocpp.Request, Res any](cp *ChargePoint, fn func(ctx context.Context, req Req) (Res, error)) {
	var zero Req
	cp.Handle(zero.Action(), func(ctx context.Context, payload json.RawMessage) (any, error) {
		var req Req
		msg, ok := any(&req).(ocpp.Message)
		if !ok {
			return nil, fmt.Errorf("ocpptest: request type %T cannot be decoded", req)
		}
		if err := cp.unmarshal(payload, msg); err != nil {
			return nil, err
		}
		return fn(ctx, req)
	})
}

// unmarshal decodes payload into msg with the rules of msg's version (its
// package), in the charge point's Mode.
func (cp *ChargePoint) unmarshal(payload json.RawMessage, msg ocpp.Message) error {
	v := versions.Of(msg)
	if v == nil {
		v = versions.V16
	}
	return v.Unmarshal(payload, msg, cp.opts.Mode == ocpp16.Tolerant)
}

type thenReply struct {
	res  any
	then func()
}

// ReplyThen wraps a handler's result so that then runs, in its own
// goroutine, once the reply has been written: what a charger does when it
// answers TriggerMessage before sending the triggered message, or
// RemoteStartTransaction before starting. then runs even when writing the
// reply failed because the connection ended, so what it cleans up is
// never left behind.
func ReplyThen(res any, then func()) any { return thenReply{res: res, then: then} }

// CallJSON sends a CALL of action with payload (encoded with encoding/json
// unless it is a json.RawMessage or []byte, and not validated) and returns
// the CALLRESULT payload. A CALLERROR is returned as an *ocpp.Error.
func (cp *ChargePoint) CallJSON(ctx context.Context, action string, payload any) (json.RawMessage, error) {
	raw, err := encode(payload)
	if err != nil {
		return nil, fmt.Errorf("ocpptest: %s: %w", action, err)
	}
	id := cp.newID()
	frame, err := ocpp.NewCall(id, action, raw).MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("ocpptest: %s: %w", action, err)
	}
	f, err := cp.roundTrip(ctx, id, frame)
	if err != nil {
		return nil, fmt.Errorf("ocpptest: %s: %w", action, err)
	}
	if f.Type == ocpp.CallError {
		return nil, f.Err()
	}
	return f.Payload, nil
}

// Call sends req and decodes the CALLRESULT into Res, validating it with
// the charge point's [Options.Mode] and the rules of Res's version (package
// ocpp16 or ocpp201). A CALLERROR is returned as an *ocpp.Error; an
// invalid CALLRESULT as the *ocpp.Error validation produced, wrapped,
// together with what could be decoded.
func Call[Res ocpp.Response](ctx context.Context, cp *ChargePoint, req ocpp.Request) (Res, error) {
	var res Res
	raw, err := cp.CallJSON(ctx, req.Action(), req)
	if err != nil {
		return res, err
	}
	msg, ok := any(&res).(ocpp.Message)
	if !ok {
		return res, fmt.Errorf("ocpptest: %s: response type %T cannot be decoded", req.Action(), res)
	}
	if err := cp.unmarshal(raw, msg); err != nil {
		return res, fmt.Errorf("ocpptest: %s: invalid CALLRESULT %s: %w", req.Action(), raw, err)
	}
	return res, nil
}

// SendRaw writes data as one text frame, unchanged. Nothing awaits a reply:
// a reply whose id no call awaits is logged and dropped.
func (cp *ChargePoint) SendRaw(ctx context.Context, data []byte) error {
	select {
	case <-cp.done:
		return ErrClosed
	default:
	}
	if err := cp.ws.Write(ctx, websocket.MessageText, data); err != nil {
		return fmt.Errorf("ocpptest: write: %w", err)
	}
	return nil
}

// CallRaw writes frame unchanged and returns the CALLRESULT or CALLERROR
// frame with the same message id. Only the id needs to be readable: the
// frame's payload (or its action) may be anything, which is how tests check
// a Central System's answer to invalid calls. The error is non-nil only when
// no reply arrived (ctx, CallTimeout, closed connection) or the reply could
// not be decoded, in which case the frame holds what could be read.
func (cp *ChargePoint) CallRaw(ctx context.Context, frame []byte) (ocpp.Frame, error) {
	f, _ := ocpp.DecodeFrame(frame)
	if f.ID == "" {
		return ocpp.Frame{}, errors.New("ocpptest: CallRaw: frame has no readable message id")
	}
	return cp.roundTrip(ctx, f.ID, frame)
}

// roundTrip writes frame, a CALL with message id id, and awaits its reply,
// keeping at most one CALL outstanding.
func (cp *ChargePoint) roundTrip(ctx context.Context, id string, frame []byte) (ocpp.Frame, error) {
	select {
	case <-cp.turn:
	case <-ctx.Done():
		return ocpp.Frame{}, ctx.Err()
	case <-cp.done:
		return ocpp.Frame{}, ErrClosed
	}
	defer func() { cp.turn <- struct{}{} }()

	ch := make(chan reply, 1)
	cp.mu.Lock()
	if cp.err != nil {
		cp.mu.Unlock()
		return ocpp.Frame{}, ErrClosed
	}
	cp.pending[id] = ch
	cp.mu.Unlock()
	defer func() {
		cp.mu.Lock()
		delete(cp.pending, id)
		cp.mu.Unlock()
	}()

	ctx, cancel := context.WithTimeout(ctx, cp.opts.CallTimeout)
	defer cancel()
	if err := ctx.Err(); err != nil {
		return ocpp.Frame{}, err
	}
	// The frame is written under the call timeout only: websocket closes
	// the connection when a write's context ends mid-frame, so a caller
	// giving up (a simulator stopping while a MeterValues goes out) must
	// not take the connection, and the calls still to come on it, along.
	wctx, wcancel := context.WithTimeout(context.WithoutCancel(ctx), cp.opts.CallTimeout)
	err := cp.ws.Write(wctx, websocket.MessageText, frame)
	wcancel()
	if err != nil {
		// A failed write ends the connection.
		return ocpp.Frame{}, fmt.Errorf("%w: write: %v", ErrClosed, err)
	}
	select {
	case r := <-ch:
		return r.frame, r.err
	case <-ctx.Done():
		return ocpp.Frame{}, fmt.Errorf("no reply to message %s: %w", id, ctx.Err())
	case <-cp.done:
		return ocpp.Frame{}, ErrClosed
	}
}

func (cp *ChargePoint) newID() string {
	return cp.idPref + strconv.FormatUint(cp.nextID.Add(1), 10)
}

func (cp *ChargePoint) readLoop() {
	defer close(cp.done)
	for {
		typ, data, err := cp.ws.Read(cp.ctx)
		if err != nil {
			cp.mu.Lock()
			cp.err = err
			cp.mu.Unlock()
			cp.cancel()
			return
		}
		if typ != websocket.MessageText {
			cp.log.Warn("ocpptest: binary frame ignored", "size", len(data))
			continue
		}
		f, err := ocpp.DecodeFrameFor(data, cp.version.Name)
		switch {
		case f.Type == ocpp.CallResult || f.Type == ocpp.CallError:
			cp.mu.Lock()
			ch, ok := cp.pending[f.ID]
			cp.mu.Unlock()
			if !ok {
				cp.log.Warn("ocpptest: reply to no outstanding call dropped", "message_id", f.ID, "frame", truncate(data))
				continue
			}
			select {
			case ch <- reply{frame: f, err: err}:
			default: // a second reply to the same call
				cp.log.Warn("ocpptest: duplicate reply dropped", "message_id", f.ID)
			}
		case err != nil:
			cp.log.Warn("ocpptest: invalid frame from central system", "error", err, "frame", truncate(data))
			if f.Type == ocpp.Call && f.ID != "" {
				out, _ := cp.callError(f.ID, err).MarshalJSON()
				_ = cp.ws.Write(cp.ctx, websocket.MessageText, out)
			}
		default: // a valid CALL
			select {
			case cp.incoming <- f:
			case <-cp.ctx.Done():
			}
		}
	}
}

// dispatch answers the Central System's calls in order, apart from the read
// loop, so they are answered while our own CALL awaits its reply.
func (cp *ChargePoint) dispatch() {
	defer close(cp.dispatched)
	defer close(cp.calls)
	for {
		select {
		case f := <-cp.incoming:
			cp.answer(f)
		case <-cp.done:
			return
		}
	}
}

func (cp *ChargePoint) answer(f ocpp.Frame) {
	cp.mu.Lock()
	fn := cp.handlers[f.Action]
	cp.mu.Unlock()

	var (
		out  ocpp.Frame
		then func()
	)
	res, err := cp.invoke(f, fn)
	if err == nil {
		if t, ok := res.(thenReply); ok {
			res, then = t.res, t.then
		}
		var raw json.RawMessage
		if raw, err = encode(res); err == nil {
			out = ocpp.NewCallResult(f.ID, raw)
		}
	}
	if err != nil {
		out = cp.callError(f.ID, err)
		if ocpp.CodeOf(err) == ocpp.InternalError {
			cp.log.Error("ocpptest: handler failed", "action", f.Action, "error", err)
		}
	}
	data, merr := out.MarshalJSON()
	if merr != nil {
		cp.log.Error("ocpptest: encode reply", "action", f.Action, "error", merr)
		return
	}
	werr := cp.ws.Write(cp.ctx, websocket.MessageText, data)
	if then != nil {
		go then()
	}
	if werr != nil {
		cp.log.Debug("ocpptest: write reply", "action", f.Action, "error", werr)
		return
	}
	rc := ReceivedCall{ID: f.ID, Action: f.Action, Payload: f.Payload, Reply: out, Time: time.Now()}
	select {
	case cp.calls <- rc:
	default:
		cp.dropped.Add(1)
	}
}

func (cp *ChargePoint) invoke(f ocpp.Frame, fn HandlerFunc) (any, error) {
	v := cp.version
	req, known := v.NewRequest(f.Action)
	switch {
	case known && !v.IsCSMSAction(f.Action) && fn == nil:
		return nil, ocpp.NewError(ocpp.NotSupported, "%s is not an action of the central system", f.Action)
	case !known && fn == nil:
		return nil, ocpp.NewError(ocpp.NotImplemented, "unknown action %q", f.Action)
	case known:
		if err := v.Unmarshal(f.Payload, req, cp.opts.Mode == ocpp16.Tolerant); err != nil {
			return nil, err
		}
	}
	if fn == nil {
		if r := cp.defaultReply(f.Action, req); r != nil {
			return r, nil
		}
		return nil, ocpp.NewError(ocpp.NotSupported, "%s is not supported", f.Action)
	}
	return fn(cp.ctx, f.Payload)
}

// callError is ocpp.NewCallError with the code spelled for the charge
// point's version.
func (cp *ChargePoint) callError(id string, err error) ocpp.Frame {
	f := ocpp.NewCallError(id, err)
	f.ErrorCode = f.ErrorCode.For(cp.version.Name)
	return f
}

func encode(v any) (json.RawMessage, error) {
	switch v := v.(type) {
	case nil:
		return json.RawMessage("{}"), nil
	case json.RawMessage:
		return v, nil
	case []byte:
		return v, nil
	}
	return json.Marshal(v)
}

func truncate(b []byte) string {
	b = bytes.TrimSpace(b)
	if len(b) > 200 {
		return string(b[:200]) + "…"
	}
	return string(b)
}
