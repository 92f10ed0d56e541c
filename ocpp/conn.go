package ocpp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"
)

// Conn is the connection of one charge point. It is created by the Server
// and lives until the socket closes; all its methods are safe for concurrent
// use.
//
// Each Conn runs three goroutines: a reader (which routes CALLRESULT and
// CALLERROR frames to the waiting Call at once and queues incoming CALLs), a
// worker (which hands the queued CALLs to the Handler one at a time, in
// order) and a pinger.
type Conn struct {
	srv         *Server
	ws          *websocket.Conn
	identity    string
	req         *http.Request
	logger      *slog.Logger
	connectedAt time.Time

	// ctx is the connection's life: cancelled, with the cause, as soon as
	// the connection starts closing. Handlers and Calls observe it.
	ctx    context.Context
	cancel context.CancelCauseFunc
	// nc is the hijacked network connection under ws. Closing it aborts
	// any read, write or close handshake in progress. Socket operations use
	// context.Background(): a cancellable context would cost coder/websocket
	// a context.AfterFunc per read and write.
	nc net.Conn

	ready    atomic.Bool // Connected succeeded and the connection serves frames
	shutOnce sync.Once
	done     chan struct{} // closed once the connection has ended and Disconnected returned
	accepted chan struct{} // closed once ws is set (nil if the upgrade failed)
	prev     *Conn         // the connection this one replaces, until it has ended

	mu            sync.Mutex // guards draining, workerStarted, values
	draining      bool
	workerStarted bool
	drainCh       chan struct{}
	values        map[any]any

	calls chan Frame     // incoming CALLs, in order, for the worker
	wg    sync.WaitGroup // worker and pinger

	// Outgoing calls: slot holds a token while a CALL is outstanding;
	// waiting counts the calls holding or waiting for it.
	slot    chan struct{}
	waiting atomic.Int64
	pmu     sync.Mutex
	pending *pendingCall
}

type pendingCall struct {
	id    string
	reply chan Frame // buffered 1; a CALLRESULT or CALLERROR
}

func newConn(s *Server, r *http.Request, identity string, logger *slog.Logger) *Conn {
	c := &Conn{
		srv:         s,
		identity:    identity,
		req:         r,
		logger:      logger,
		connectedAt: time.Now(),
		done:        make(chan struct{}),
		accepted:    make(chan struct{}),
		drainCh:     make(chan struct{}),
		calls:       make(chan Frame, incomingQueueSize),
		slot:        make(chan struct{}, 1),
	}
	// Keep the request's values (e.g. from the host's middleware) but not
	// its cancellation: the request context ends with ServeHTTP.
	c.ctx, c.cancel = context.WithCancelCause(context.WithoutCancel(r.Context()))
	return c
}

// Identity returns the charge point identity: the last segment of the URL
// path, percent-decoded.
func (c *Conn) Identity() string { return c.identity }

// Request returns the HTTP request of the WebSocket handshake (its headers,
// URL, TLS state). Its body must not be read.
func (c *Conn) Request() *http.Request { return c.req }

// RemoteAddr returns the network address of the charge point, as
// http.Request.RemoteAddr.
func (c *Conn) RemoteAddr() string { return c.req.RemoteAddr }

// ConnectedAt returns when the WebSocket handshake completed.
func (c *Conn) ConnectedAt() time.Time { return c.connectedAt }

// Subprotocol returns the negotiated WebSocket subprotocol, e.g. "ocpp1.6".
func (c *Conn) Subprotocol() string { return c.ws.Subprotocol() }

// Context returns a context that is done as soon as the connection starts
// closing; context.Cause returns why (ErrReplaced, ErrServerClosed,
// ErrClosed, a ping timeout, or the read error). It carries the values of
// the handshake request's context.
func (c *Conn) Context() context.Context { return c.ctx }

// Value returns the value SetValue stored under key, or nil.
func (c *Conn) Value(key any) any {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.values[key]
}

// SetValue stores val under key for the life of the connection: a cache
// for hosts and handlers (e.g. the charge point's database id). Use keys of
// an unexported type, as with context.WithValue.
func (c *Conn) SetValue(key, val any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.values == nil {
		c.values = make(map[any]any)
	}
	c.values[key] = val
}

// Close closes the connection with StatusNormalClosure. It returns at once:
// Context is done immediately, pending Calls return ErrClosed, and
// Disconnected follows (with cause ErrClosed) once the handler call in
// progress has returned. Close may be called from a handler.
func (c *Conn) Close() error {
	c.closeGraceful(websocket.StatusNormalClosure, "", ErrClosed)
	return nil
}

// QueuedCalls returns how many Calls are outstanding or waiting for their
// turn on this connection.
func (c *Conn) QueuedCalls() int { return int(c.waiting.Load()) }

// Done returns a channel closed once the connection has ended and its
// Disconnected hook has returned.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Call sends a CALL with that action and payload (a JSON object; nil is sent
// as {}) to the charge point and waits for its reply. It returns the
// CALLRESULT payload, or, for a CALLERROR, an *Error with the charge point's
// code, description and details. A malformed reply is returned as an
// *Error with code FormationViolation.
//
// One CALL per connection is outstanding at a time: concurrent Calls wait
// their turn in order, at most ServerConfig.CallQueueSize of them (one more
// returns ErrCallQueueFull at once). A Call returns at the latest
// ServerConfig.CallTimeout after it started, with an error wrapping
// ErrTimeout. If ctx is cancelled first, Call returns ctx.Err(); if its
// deadline passes first, an error wrapping both ErrTimeout and
// context.DeadlineExceeded. A Call still waiting for its turn when it ends is
// never sent. If the connection closes, Call returns an error wrapping
// ErrClosed.
//
// Call may be used from a handler, including for the same charge point: a
// CALL the charge point sends meanwhile is still received (and handled once
// the current handler returns).
func (c *Conn) Call(ctx context.Context, action string, payload json.RawMessage) (json.RawMessage, error) {
	if len(payload) != 0 && (!isObject(payload) || !json.Valid(payload)) {
		return nil, fmt.Errorf("ocpp: %s payload is not a JSON object", action)
	}
	if c.ctx.Err() != nil {
		return nil, c.closedErr()
	}
	if c.waiting.Add(1) > int64(c.srv.cfg.CallQueueSize)+1 {
		c.waiting.Add(-1)
		return nil, fmt.Errorf("%w: %d calls waiting", ErrCallQueueFull, c.srv.cfg.CallQueueSize)
	}
	defer c.waiting.Add(-1)

	timeout := time.NewTimer(c.srv.cfg.CallTimeout)
	defer timeout.Stop()
	select {
	case c.slot <- struct{}{}:
	case <-ctx.Done():
		return nil, c.ctxErr(ctx, action)
	case <-timeout.C:
		return nil, c.timeoutErr(action)
	case <-c.ctx.Done():
		return nil, c.closedErr()
	}
	defer func() { <-c.slot }()
	// Our turn came, but the caller or the connection may have ended at
	// the same moment: such a call is never sent.
	if ctx.Err() != nil {
		return nil, c.ctxErr(ctx, action)
	}
	if c.ctx.Err() != nil {
		return nil, c.closedErr()
	}

	p := &pendingCall{id: c.srv.nextID(), reply: make(chan Frame, 1)}
	c.pmu.Lock()
	c.pending = p
	c.pmu.Unlock()
	defer func() {
		c.pmu.Lock()
		if c.pending == p {
			c.pending = nil
		}
		c.pmu.Unlock()
	}()
	b, err := appendFrame(make([]byte, 0, 64+len(action)+len(payload)), NewCall(p.id, action, payload))
	if err != nil {
		return nil, err
	}
	if err := c.write(b); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrClosed, err)
	}

	select {
	case f := <-p.reply:
		if f.Type == CallError {
			return nil, f.Err()
		}
		return f.Payload, nil
	case <-ctx.Done():
		return nil, c.ctxErr(ctx, action)
	case <-timeout.C:
		return nil, c.timeoutErr(action)
	case <-c.ctx.Done():
		return nil, c.closedErr()
	}
}

func (c *Conn) ctxErr(ctx context.Context, action string) error {
	err := ctx.Err()
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %s call: %w", ErrTimeout, action, err)
	}
	return err
}

func (c *Conn) timeoutErr(action string) error {
	return fmt.Errorf("%w: no reply to %s within %v", ErrTimeout, action, c.srv.cfg.CallTimeout)
}

func (c *Conn) closedErr() error {
	cause := context.Cause(c.ctx)
	if cause == nil || errors.Is(cause, ErrClosed) {
		return ErrClosed
	}
	return fmt.Errorf("%w: %w", ErrClosed, cause)
}

// deliver routes a reply to the pending Call it answers.
func (c *Conn) deliver(f Frame) {
	c.pmu.Lock()
	p := c.pending
	if p != nil && p.id == f.ID {
		c.pending = nil
	} else {
		p = nil
	}
	c.pmu.Unlock()
	if p == nil {
		c.logger.Warn("ocpp: reply to an unknown message id dropped", "message_id", f.ID, "type", int(f.Type))
		return
	}
	p.reply <- f
}

// run serves the connection: it waits for the connection it replaces to
// end, calls Connected, reads until the socket closes, waits for the worker,
// and calls Disconnected.
func (c *Conn) run() {
	defer close(c.done)
	c.awaitPrev()
	if c.ctx.Err() != nil { // replaced or shut down while waiting
		c.srv.unregister(c)
		return
	}

	if h := c.srv.connectH; h != nil {
		if err := c.connected(h); err != nil {
			c.logger.Warn("ocpp: charge point refused by Connected", "error", err)
			c.closeGraceful(websocket.StatusPolicyViolation, "connection refused", err)
			c.srv.unregister(c)
			return
		}
	}
	c.ready.Store(true)
	c.logger.Info("ocpp: charge point connected", "remote_addr", c.req.RemoteAddr, "subprotocol", c.ws.Subprotocol())

	c.mu.Lock()
	if c.draining {
		c.mu.Unlock()
		c.closeGraceful(websocket.StatusGoingAway, "server shutting down", ErrServerClosed)
	} else {
		c.workerStarted = true
		c.mu.Unlock()
		c.wg.Add(1)
		go c.work()
	}
	if c.srv.cfg.PingInterval > 0 {
		c.wg.Add(1)
		go c.pingLoop()
	}

	err := c.read()
	c.closeNow(fmt.Errorf("ocpp: read: %w", err))
	c.wg.Wait()
	c.srv.unregister(c)
	cause := context.Cause(c.ctx)
	c.logger.Info("ocpp: charge point disconnected", "cause", cause)
	if h := c.srv.disconnH; h != nil {
		c.disconnected(h, cause)
	}
}

// awaitPrev closes the connection c replaces and waits until it has ended
// and its Disconnected has returned.
func (c *Conn) awaitPrev() {
	if c.prev == nil {
		return
	}
	c.prev.closeGraceful(websocket.StatusPolicyViolation, "replaced by a newer connection", ErrReplaced)
	<-c.prev.done
	c.prev = nil
	c.logger.Info("ocpp: connection replaced an older one")
}

// abort ends a registered connection whose upgrade failed.
func (c *Conn) abort(err error) {
	defer close(c.done)
	c.closeNow(err)
	c.awaitPrev()
	c.srv.unregister(c)
}

func (c *Conn) connected(h ConnectHandler) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = recoverError(v)
			c.logger.Error("ocpp: Connected panicked", "error", err)
		}
	}()
	return h.Connected(c.ctx, c)
}

func (c *Conn) disconnected(h DisconnectHandler, cause error) {
	defer func() {
		if v := recover(); v != nil {
			c.logger.Error("ocpp: Disconnected panicked", "error", recoverError(v))
		}
	}()
	h.Disconnected(context.WithoutCancel(c.ctx), c, cause)
}

// closeGraceful starts the close handshake with code and reason, recording
// cause; the first close of a connection wins. The handshake runs on its own
// goroutine; after closeGrace the network connection is closed regardless.
func (c *Conn) closeGraceful(code websocket.StatusCode, reason string, cause error) {
	c.shut(cause, false, code, reason)
}

// closeNow closes the socket without a close handshake (a dead peer, a
// failed read, a forced shutdown), and ends a close handshake in progress.
func (c *Conn) closeNow(cause error) {
	c.shut(cause, true, 0, "")
	select {
	case <-c.accepted:
		c.forceClose() // aborts a read, write or close handshake in progress
	default: // the shut goroutine closes the socket once the upgrade is done
	}
}

func (c *Conn) shut(cause error, now bool, code websocket.StatusCode, reason string) {
	c.shutOnce.Do(func() {
		c.cancel(cause)
		// Every caller runs while the connection's ServeHTTP holds the
		// server's WaitGroup, so Shutdown also waits for this goroutine.
		c.srv.wg.Add(1)
		go func() {
			defer c.srv.wg.Done()
			<-c.accepted
			if c.ws == nil {
				return
			}
			if now {
				c.forceClose()
				_ = c.ws.CloseNow()
				return
			}
			t := time.AfterFunc(closeGrace, c.forceClose)
			defer t.Stop()
			_ = c.ws.Close(code, reason)
		}()
	})
}

// forceClose closes the network connection under the socket at once.
func (c *Conn) forceClose() {
	if c.nc != nil {
		_ = c.nc.Close()
	}
}

// drain makes the connection finish the CALL it is handling, send that
// reply and close with StatusGoingAway (Server.Shutdown).
func (c *Conn) drain() {
	c.mu.Lock()
	if c.draining {
		c.mu.Unlock()
		return
	}
	c.draining = true
	close(c.drainCh)
	started := c.workerStarted
	c.mu.Unlock()
	if !started {
		c.closeGraceful(websocket.StatusGoingAway, "server shutting down", ErrServerClosed)
	}
}

// read is the reader loop. It returns when the socket fails or closes.
func (c *Conn) read() error {
	var lim *rate.Limiter
	if r := c.srv.cfg.RateLimit; r > 0 && r != rate.Inf {
		lim = rate.NewLimiter(r, max(c.srv.cfg.RateBurst, 1))
	}
	buf := make([]byte, 0, 512)
	for {
		if lim != nil && !lim.Allow() {
			// Backpressure: the frame waits in the socket, not in memory.
			if err := lim.Wait(c.ctx); err != nil && c.ctx.Err() == nil {
				return err
			}
		}
		typ, r, err := c.ws.Reader(context.Background())
		if err != nil {
			return err
		}
		if cap(buf) > 16<<10 {
			buf = make([]byte, 0, 512) // do not keep a rare big frame's buffer for life
		}
		buf, err = readAll(r, buf[:0])
		if err != nil {
			if errors.Is(err, websocket.ErrMessageTooBig) {
				c.logger.Warn("ocpp: frame exceeds the size limit; closing", "limit", c.srv.cfg.MaxFrameSize)
			}
			return err
		}
		if c.ctx.Err() != nil {
			continue // closing: read only to complete the close handshake
		}
		if typ != websocket.MessageText {
			c.logger.Warn("ocpp: binary WebSocket message; closing")
			c.closeGraceful(websocket.StatusUnsupportedData, "OCPP-J frames must be text messages",
				NewError(ProtocolError, "binary WebSocket message"))
			continue
		}
		c.logFrame("in", buf)
		f, err := decodeFrame(buf)
		if err != nil {
			c.badFrame(f, err)
			continue
		}
		if f.Type == Call {
			select {
			case c.calls <- f:
			case <-c.ctx.Done():
			}
			continue
		}
		c.deliver(f)
	}
}

// readAll reads r to EOF, appending to b.
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			if err == io.EOF {
				return b, nil
			}
			return b, err
		}
	}
}

// badFrame answers a frame DecodeFrame refused. A CALL (or a frame of an
// unknown type) with a usable message id gets a CALLERROR with the decoder's
// code; a malformed CALLRESULT or CALLERROR fails the Call it answers (a
// reply is never answered); a frame without a usable id is logged and
// dropped, as OCPP-J 1.6 defines no way to answer it.
func (c *Conn) badFrame(f Frame, err error) {
	switch {
	case f.ID == "":
		c.logger.Warn("ocpp: malformed frame without a usable message id dropped", "error", err)
	case f.Type == CallResult || f.Type == CallError:
		c.logger.Warn("ocpp: malformed reply", "message_id", f.ID, "error", err)
		c.deliver(NewCallError(f.ID, err))
	default:
		c.logger.Warn("ocpp: malformed frame answered with CALLERROR", "message_id", f.ID, "error", err)
		b, _ := appendFrame(nil, NewCallError(f.ID, err))
		_ = c.write(b)
	}
}

// work is the worker loop: it handles the queued CALLs one at a time.
func (c *Conn) work() {
	defer c.wg.Done()
	var buf []byte
	for {
		select {
		case f := <-c.calls:
			select {
			case <-c.drainCh:
				c.closeGraceful(websocket.StatusGoingAway, "server shutting down", ErrServerClosed)
				return
			default:
			}
			if c.ctx.Err() != nil {
				return
			}
			buf = c.handle(f, buf[:0])
		case <-c.drainCh:
			c.closeGraceful(websocket.StatusGoingAway, "server shutting down", ErrServerClosed)
			return
		case <-c.ctx.Done():
			return
		}
	}
}

// handle runs the Handler for one CALL and writes its reply, reusing buf.
func (c *Conn) handle(f Frame, buf []byte) []byte {
	res, err := c.invoke(f)
	var out Frame
	if err != nil {
		var oe *Error
		if !errors.As(err, &oe) {
			c.logger.Error("ocpp: handler failed", "action", f.Action, "message_id", f.ID, "error", err)
		}
		out = NewCallError(f.ID, err)
	} else {
		out = NewCallResult(f.ID, res)
	}
	b, err := appendFrame(buf, out)
	if err != nil {
		c.logger.Error("ocpp: handler returned an invalid reply", "action", f.Action, "message_id", f.ID, "error", err)
		b, _ = appendFrame(buf[:0], NewCallError(f.ID, nil))
	}
	_ = c.write(b)
	return b
}

func (c *Conn) invoke(f Frame) (res json.RawMessage, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = recoverError(v)
		}
	}()
	return c.srv.handler.HandleCall(c.ctx, c, f.Action, f.Payload)
}

// write sends one frame. Concurrent writes are serialised by the socket.
// A write blocked by a charge point that does not read is ended by the
// pinger, whose ping cannot get through either.
func (c *Conn) write(b []byte) error {
	c.logFrame("out", b)
	if err := c.ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		c.logger.Debug("ocpp: write failed", "error", err)
		return err
	}
	return nil
}

func (c *Conn) logFrame(direction string, b []byte) {
	if c.logger.Enabled(context.Background(), slog.LevelDebug) {
		c.logger.LogAttrs(context.Background(), slog.LevelDebug, "ocpp: frame",
			slog.String("direction", direction), slog.String("frame", string(b)))
	}
}

// pingLoop pings the charge point every PingInterval and closes the
// connection when a pong does not come within PongTimeout.
func (c *Conn) pingLoop() {
	defer c.wg.Done()
	t := time.NewTicker(c.srv.cfg.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-c.ctx.Done():
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), c.srv.cfg.PongTimeout)
		err := c.ws.Ping(ctx)
		cancel()
		if err != nil {
			if c.ctx.Err() == nil {
				c.logger.Warn("ocpp: no pong; closing", "pong_timeout", c.srv.cfg.PongTimeout, "error", err)
				c.closeNow(fmt.Errorf("%w: no pong within %v", ErrTimeout, c.srv.cfg.PongTimeout))
			}
			return
		}
	}
}
