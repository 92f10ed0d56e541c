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
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"
)

// Conn is the connection of one charge point. It is created by the Server
// and lives until the socket closes; all its methods are safe for concurrent
// use.
//
// An idle Conn runs one goroutine: its own, started by ServeHTTP, which
// reads the socket, routes CALLRESULT and CALLERROR frames to the waiting
// Call at once and runs the Handler for each CALL, in order, on itself.
// While a handler runs, nobody reads the socket unless a reply or a pong is
// awaited (a Conn.Call or a ping in flight): then a helper goroutine reads
// until the handler returns or nothing is awaited any more, routing replies
// and queueing the CALLs it reads for the connection's goroutine. Pings are
// timers, with a goroutine only while a ping waits for its pong.
type Conn struct {
	// The fields every frame reads come first, so that they share a few
	// cache lines: with thousands of connections open, each further line a
	// frame touches is a cache miss.
	srv     *Server
	ws      *websocket.Conn
	ctx     context.Context // see cancel
	version string          // the negotiated OCPP-J version (OCPP16, OCPP201, or another subprotocol as selected)
	// closing is set just before ctx is cancelled, both by endCtx (ctx
	// has no other parent that cancels it): checked for every frame
	// instead of ctx.Err(), which reads the context's own memory.
	closing atomic.Bool
	// first is the first value SetValue stored (firstSet once it is),
	// never changed after: the one a handler registry keeps per
	// connection, read on every CALL. Later values, and new values for its
	// key, go to values.
	firstSet atomic.Bool
	first    valueNode
	// values are SetValue's other values: few keys, so an immutable list,
	// newest first, replaced whole under mu by SetValue and read without a
	// lock by Value.
	values   atomic.Pointer[valueNode]
	identity string

	// Reading is a role held by one goroutine at a time: the connection's
	// own (state == stateReading) or a helper (helper). The read state
	// below belongs to the holder.
	lim *rate.Limiter // nil without a rate limit

	mu       sync.Mutex // guards the fields below
	state    connState  // what the connection's own goroutine does
	helper   bool       // a helper goroutine holds the reading role
	draining bool
	pinging  bool         // a ping awaits its pong
	queue    []Frame      // CALLs the helper read, waiting to be handled
	pending  *pendingCall // the outstanding CALL, awaiting its reply
	pingT    *time.Timer  // the next ping; nil once stopped
	cond     sync.Cond    // on mu: state, helper, queue or ctx changed

	req         *http.Request
	logger      *slog.Logger
	connectedAt time.Time

	// ctx is the connection's life: cancelled, with the cause, as soon as
	// the connection starts closing. Handlers and Calls observe it.
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

	wg sync.WaitGroup // helper, ping in flight and Ready

	// Outgoing calls: slot holds a token while a CALL is outstanding;
	// waiting counts the calls holding or waiting for it.
	slot    chan struct{}
	waiting atomic.Int64
}

// connState is what the connection's own goroutine is doing.
type connState uint8

const (
	stateStarting connState = iota // before the first read: replacement, Connected
	stateReading                   // reading the socket
	stateHandling                  // running a handler (or Ready's start)
	stateWaiting                   // waiting for the helper to give the socket back
	stateEnded                     // the socket failed; tearing down
)

type valueNode struct {
	key, val any
	next     *valueNode
}

type pendingCall struct {
	id    string
	reply chan Frame // buffered 1; a CALLRESULT or CALLERROR
}

// Logger returns the connection's logger: the server's, with the
// charge_point attribute. Reuse it rather than deriving another one per
// connection (each With copies the handler's state).
func (c *Conn) Logger() *slog.Logger { return c.logger }

func newConn(s *Server, r *http.Request, identity string, logger *slog.Logger) *Conn {
	c := &Conn{
		srv:         s,
		identity:    identity,
		req:         r,
		logger:      logger,
		connectedAt: time.Now(),
		done:        make(chan struct{}),
		accepted:    make(chan struct{}),
		slot:        make(chan struct{}, 1),
	}
	c.cond.L = &c.mu
	// Keep the request's values (e.g. from the host's middleware) but not
	// its cancellation: the request context ends when ServeHTTP returns.
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

// Subprotocol returns the negotiated WebSocket subprotocol as the charge
// point spelled it, e.g. "ocpp1.6".
func (c *Conn) Subprotocol() string { return c.ws.Subprotocol() }

// Version returns the OCPP-J version the connection speaks: OCPP16 or
// OCPP201 when the negotiated subprotocol is one of them (in any letter
// case), otherwise the subprotocol as negotiated. It decides the error
// codes of the CALLERRORs the connection sends (see ErrorCode.For).
func (c *Conn) Version() string { return c.version }

// versionOf returns the canonical name of a negotiated subprotocol.
func versionOf(subprotocol string) string {
	for _, v := range [...]string{OCPP16, OCPP201} {
		if strings.EqualFold(subprotocol, v) {
			return v
		}
	}
	return subprotocol
}

// callError is NewCallError with the code spelled for the connection's
// version.
func (c *Conn) callError(id string, err error) Frame {
	f := NewCallError(id, err)
	f.ErrorCode = f.ErrorCode.For(c.version)
	return f
}

// Context returns a context that is done as soon as the connection starts
// closing; context.Cause returns why (ErrReplaced, ErrServerClosed,
// ErrClosed, a ping timeout, or the read error). It carries the values of
// the handshake request's context.
func (c *Conn) Context() context.Context { return c.ctx }

// Value returns the value SetValue stored under key, or nil.
func (c *Conn) Value(key any) any {
	for n := c.values.Load(); n != nil; n = n.next {
		if n.key == key {
			return n.val
		}
	}
	if c.firstSet.Load() && c.first.key == key {
		return c.first.val
	}
	return nil
}

// SetValue stores val under key for the life of the connection: a cache
// for hosts and handlers (e.g. the charge point's database id). Use keys of
// an unexported type, as with context.WithValue.
func (c *Conn) SetValue(key, val any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.firstSet.Load() {
		c.first = valueNode{key: key, val: val}
		c.firstSet.Store(true)
		return
	}
	head := &valueNode{key: key, val: val}
	tail := head
	for n := c.values.Load(); n != nil; n = n.next {
		if n.key != key {
			tail.next = &valueNode{key: n.key, val: n.val}
			tail = tail.next
		}
	}
	c.values.Store(head)
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
// never sent, nor is one whose turn comes with less than
// ServerConfig.MinCallTime left (it returns ErrTimeout at once). If the
// connection closes, Call returns an error wrapping ErrClosed.
//
// Call may be used from a handler, including for the same charge point: a
// CALL the charge point sends meanwhile is still received (and handled once
// the current handler returns).
func (c *Conn) Call(ctx context.Context, action string, payload json.RawMessage) (json.RawMessage, error) {
	if len(payload) != 0 && (!isObject(payload) || !json.Valid(payload)) {
		return nil, fmt.Errorf("ocpp: %s payload is not a JSON object", action)
	}
	if c.closing.Load() {
		return nil, c.closedErr()
	}
	if c.waiting.Add(1) > int64(c.srv.cfg.CallQueueSize)+1 {
		c.waiting.Add(-1)
		return nil, fmt.Errorf("%w: %d calls waiting", ErrCallQueueFull, c.srv.cfg.CallQueueSize)
	}
	defer c.waiting.Add(-1)

	start := time.Now()
	timeout := time.NewTimer(c.srv.cfg.CallTimeout)
	defer timeout.Stop()
	queued := false
	select {
	case c.slot <- struct{}{}:
	default:
		queued = true
		select {
		case c.slot <- struct{}{}:
		case <-ctx.Done():
			return nil, c.ctxErr(ctx, action)
		case <-timeout.C:
			return nil, c.timeoutErr(action)
		case <-c.ctx.Done():
			return nil, c.closedErr()
		}
	}
	defer func() { <-c.slot }()
	if queued && c.srv.cfg.MinCallTime > 0 {
		deadline := start.Add(c.srv.cfg.CallTimeout)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		if left := time.Until(deadline); left < c.srv.cfg.MinCallTime {
			return nil, fmt.Errorf("%w: %s not sent: its turn came with %v left, less than MinCallTime %v",
				ErrTimeout, action, left.Round(time.Millisecond), c.srv.cfg.MinCallTime)
		}
	}
	// Our turn came, but the caller or the connection may have ended at
	// the same moment: such a call is never sent.
	if ctx.Err() != nil {
		return nil, c.ctxErr(ctx, action)
	}
	if c.closing.Load() {
		return nil, c.closedErr()
	}

	p := &pendingCall{id: c.srv.nextID(), reply: make(chan Frame, 1)}
	c.mu.Lock()
	c.pending = p
	if c.state == stateHandling {
		c.startHelper() // the reply must be read while the handler runs
	}
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		if c.pending == p {
			c.pending = nil
		}
		c.mu.Unlock()
	}()
	b, err := appendFrame(make([]byte, 0, 64+len(action)+len(payload)), NewCall(p.id, action, payload))
	if err != nil {
		return nil, err
	}
	if err := c.write(b, c.debug()); err != nil {
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
	c.mu.Lock()
	p := c.pending
	if p != nil && p.id == f.ID {
		c.pending = nil
	} else {
		p = nil
	}
	c.mu.Unlock()
	if p == nil {
		c.logger.Warn("ocpp: reply to an unknown message id dropped", "message_id", f.ID, "type", int(f.Type))
		return
	}
	p.reply <- f
}

// run serves the connection: it waits for the connection it replaces to
// end, calls Connected, starts Ready, reads and handles frames until the
// socket closes, waits for its helpers, and calls Disconnected.
//
// run and serve are what an idle connection keeps on its goroutine's stack, parked in a read: they are kept small, so
// that the stack shrinks back to its minimum after a handler grew it.
func (c *Conn) run() {
	defer close(c.done)
	if !c.start() {
		return
	}
	c.end(c.serve())
}

// start makes the connection ready; false means it ended instead.
func (c *Conn) start() bool {
	c.awaitPrev()
	if c.closing.Load() { // replaced or shut down while waiting
		c.srv.unregister(c)
		return false
	}

	if h := c.srv.connectH; h != nil {
		if err := c.connected(h); err != nil {
			c.logger.Warn("ocpp: charge point refused by Connected", "error", err)
			c.closeGraceful(websocket.StatusPolicyViolation, "connection refused", err)
			c.srv.unregister(c)
			return false
		}
	}
	if r := c.srv.cfg.RateLimit; r > 0 && r != rate.Inf {
		c.lim = rate.NewLimiter(r, max(c.srv.cfg.RateBurst, 1))
	}
	c.ready.Store(true)
	c.logger.Info("ocpp: charge point connected", "remote_addr", c.req.RemoteAddr, "subprotocol", c.ws.Subprotocol())

	c.mu.Lock()
	c.state = stateReading
	draining := c.draining
	c.mu.Unlock()
	if draining {
		c.closeGraceful(websocket.StatusGoingAway, "server shutting down", ErrServerClosed)
	}
	c.startPing()
	if h := c.srv.readyH; h != nil && !c.closing.Load() {
		c.wg.Add(1)
		go c.callReady(h)
	}
	return true
}

// end tears the connection down once reading failed with err.
func (c *Conn) end(err error) {
	c.mu.Lock()
	c.state = stateEnded
	c.mu.Unlock()
	c.closeNow(fmt.Errorf("ocpp: read: %w", err))
	c.stopPing()
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

func (c *Conn) callReady(h ReadyHandler) {
	defer c.wg.Done()
	defer func() {
		if v := recover(); v != nil {
			c.logger.Error("ocpp: Ready panicked", "error", recoverError(v))
		}
	}()
	h.Ready(c.ctx, c)
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
// Like closeNow, it must not be called with c.mu held.
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

// endCtx cancels the connection's context with cause, after setting the
// closing flag that stands for it on the per-frame path: the one place
// either changes.
func (c *Conn) endCtx(cause error) {
	c.closing.Store(true)
	c.cancel(cause)
}

func (c *Conn) shut(cause error, now bool, code websocket.StatusCode, reason string) {
	c.shutOnce.Do(func() {
		c.endCtx(cause)
		c.mu.Lock()
		c.cond.Broadcast() // a helper waiting for queue space stops waiting
		c.mu.Unlock()
		// Every caller runs while the connection's goroutine (or its
		// ServeHTTP, during the handshake) holds the server's WaitGroup, so Shutdown also waits for this goroutine.
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
	busy := c.state == stateHandling
	c.mu.Unlock()
	if !busy { // otherwise handleCalls closes once the handler returns
		c.closeGraceful(websocket.StatusGoingAway, "server shutting down", ErrServerClosed)
	}
}

// serve is the connection goroutine's loop: it reads frames and handles the
// CALLs among them, until reading fails. Its frame is small: see run.
func (c *Conn) serve() error {
	for {
		if err := c.waitRate(); err != nil {
			return err
		}
		typ, r, err := c.ws.Reader(context.Background())
		if err != nil {
			return err
		}
		if err := c.onFrame(typ, r); err != nil {
			return err
		}
	}
}

// onFrame reads the frame r and handles it if it is a CALL.
func (c *Conn) onFrame(typ websocket.MessageType, r io.Reader) error {
	f, call, debug, err := c.readFrame(typ, r)
	if err == nil && call {
		c.handleCalls(f, debug)
	}
	return err
}

// waitRate waits until the rate limit lets the next frame be read.
// Backpressure: the frame waits in the socket, not in memory.
func (c *Conn) waitRate() error {
	if c.lim != nil && !c.lim.Allow() {
		if err := c.lim.Wait(c.ctx); err != nil && !c.closing.Load() {
			return err
		}
	}
	return nil
}

// handleCalls handles f, then the CALLs a helper read meanwhile, in order,
// and returns once the connection's goroutine may read again (no helper
// holds the socket).
func (c *Conn) handleCalls(f Frame, debug bool) {
	have := true
	c.mu.Lock()
	for {
		if c.draining || c.closing.Load() {
			// Shut down or closing: what was read but not handled is dropped.
			have = false
			clear(c.queue)
			c.queue = nil
			c.cond.Broadcast()
			if !c.closing.Load() {
				c.mu.Unlock()
				c.closeGraceful(websocket.StatusGoingAway, "server shutting down", ErrServerClosed)
				c.mu.Lock()
			}
		}
		if have {
			have = false
			c.state = stateHandling
			if c.pending != nil || c.pinging {
				c.startHelper() // a reply or a pong is awaited
			}
			c.mu.Unlock()
			c.handle(f, debug)
			c.mu.Lock()
			continue
		}
		if len(c.queue) > 0 {
			f, have = c.queue[0], true
			c.queue[0] = Frame{}
			if c.queue = c.queue[1:]; len(c.queue) == 0 {
				c.queue = nil
			}
			c.cond.Broadcast() // room for the helper
			debug = c.debug()
			continue
		}
		if !c.helper {
			c.state = stateReading
			c.mu.Unlock()
			return
		}
		// The helper gives the socket back after the frame it is reading.
		c.state = stateWaiting
		c.cond.Wait()
	}
}

// startHelper starts a helper goroutine that reads the socket while the
// connection's goroutine runs a handler, unless one runs already. c.mu must
// be held.
func (c *Conn) startHelper() {
	if c.helper || c.closing.Load() {
		return
	}
	c.helper = true
	c.wg.Add(1)
	go c.help()
}

// help is a helper's loop: it reads frames, routing replies and queueing
// CALLs, and gives the socket back after a frame once the connection's
// goroutine no longer runs a handler or nothing is awaited any more.
func (c *Conn) help() {
	defer c.wg.Done()
	for {
		err := c.waitRate()
		var typ websocket.MessageType
		var r io.Reader
		if err == nil {
			typ, r, err = c.ws.Reader(context.Background())
		}
		var f Frame
		var call bool
		if err == nil {
			f, call, _, err = c.readFrame(typ, r)
		}
		if err != nil {
			c.closeNow(fmt.Errorf("ocpp: read: %w", err))
			c.mu.Lock()
			c.helper = false
			c.cond.Broadcast()
			c.mu.Unlock()
			return
		}
		c.mu.Lock()
		if call {
			// Backpressure: a full queue stops the reading.
			for len(c.queue) >= incomingQueueSize && !c.closing.Load() {
				c.cond.Wait()
			}
			if !c.closing.Load() {
				c.queue = append(c.queue, f)
				c.cond.Broadcast()
			}
		}
		if c.state != stateHandling || (c.pending == nil && !c.pinging) {
			c.helper = false
			c.cond.Broadcast()
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()
	}
}

// bufPool holds the buffers frames are read into and replies encoded in,
// so that an idle connection keeps none.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func putBuf(b *[]byte) {
	if cap(*b) > 16<<10 {
		return // do not keep a rare big frame's buffer
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

// readFrame reads the data frame r: it routes a reply to its Call, answers
// a malformed frame, drops frames read while closing, and returns a CALL
// with call set. debug is whether frames are logged.
func (c *Conn) readFrame(typ websocket.MessageType, r io.Reader) (f Frame, call, debug bool, err error) {
	bp := getBuf()
	defer putBuf(bp)
	*bp, err = readAll(r, *bp)
	if err != nil {
		if errors.Is(err, websocket.ErrMessageTooBig) {
			c.logger.Warn("ocpp: frame exceeds the size limit; closing", "limit", c.srv.cfg.MaxFrameSize)
		}
		return f, false, false, err
	}
	if c.closing.Load() {
		return f, false, false, nil // closing: read only to complete the close handshake
	}
	if typ != websocket.MessageText {
		c.logger.Warn("ocpp: binary WebSocket message; closing")
		c.closeGraceful(websocket.StatusUnsupportedData, "OCPP-J frames must be text messages",
			NewError(ProtocolError, "binary WebSocket message"))
		return f, false, false, nil
	}
	if !utf8.Valid(*bp) {
		c.logger.Warn("ocpp: text message is not valid UTF-8; closing")
		c.closeGraceful(websocket.StatusInvalidFramePayloadData, "text message is not valid UTF-8",
			NewError(ProtocolError, "invalid UTF-8 in a text message"))
		return f, false, false, nil
	}
	debug = c.debug()
	if debug {
		c.logFrame("in", *bp)
	}
	if o := c.srv.frameO; o != nil {
		o.ObserveFrame(c, false, *bp)
	}
	f, err = decodeFrame(*bp, c.version) // copies what it keeps: the buffer is free again
	if err != nil {
		c.badFrame(f, err, debug)
		return Frame{}, false, debug, nil
	}
	if f.Type == Call {
		return f, true, debug, nil
	}
	c.deliver(f)
	return Frame{}, false, debug, nil
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

// badFrame answers a frame DecodeFrameFor refused. A CALL (or a frame of
// an unknown type) with a usable message id gets a CALLERROR with the
// decoder's code; a malformed CALLRESULT or CALLERROR fails the Call it
// answers (a reply is never answered). A frame without a usable id is
// logged and dropped on OCPP-J 1.6, which defines no way to answer it; on
// 2.0.1, unless it is a CALLRESULT or CALLERROR, it is answered with
// RpcFrameworkError under the message id "-1", as 2.0.1 peers (ocpp-rpc
// among them) do.
func (c *Conn) badFrame(f Frame, err error, debug bool) {
	switch {
	case f.ID == "" && (c.version != OCPP201 || f.Type == CallResult || f.Type == CallError):
		c.logger.Warn("ocpp: malformed frame without a usable message id dropped", "error", err)
	case f.Type == CallResult || f.Type == CallError:
		c.logger.Warn("ocpp: malformed reply", "message_id", f.ID, "error", err)
		c.deliver(NewCallError(f.ID, err))
	default:
		id := f.ID
		if id == "" {
			id = unreadableID
		}
		c.logger.Warn("ocpp: malformed frame answered with CALLERROR", "message_id", id, "error", err)
		b, _ := appendFrame(nil, c.callError(id, err))
		_ = c.write(b, debug)
	}
}

// unreadableID is the message id of a 2.0.1 CALLERROR answering a frame
// whose own id could not be read.
const unreadableID = "-1"

// handle runs the Handler for one CALL and writes its reply.
func (c *Conn) handle(f Frame, debug bool) {
	res, err := c.invoke(f)
	var out Frame
	if err != nil {
		var oe *Error
		if !errors.As(err, &oe) {
			c.logger.Error("ocpp: handler failed", "action", f.Action, "message_id", f.ID, "error", err)
		}
		out = c.callError(f.ID, err)
	} else {
		out = NewCallResult(f.ID, res)
	}
	bp := getBuf()
	defer putBuf(bp)
	b, err := appendFrame(*bp, out)
	if err != nil {
		c.logger.Error("ocpp: handler returned an invalid reply", "action", f.Action, "message_id", f.ID, "error", err)
		b, _ = appendFrame((*bp)[:0], c.callError(f.ID, nil))
	}
	*bp = b
	_ = c.write(b, debug)
}

func (c *Conn) invoke(f Frame) (res json.RawMessage, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = recoverError(v)
		}
	}()
	return c.srv.handler.HandleCall(c.ctx, c, f.Action, f.Payload)
}

// write sends one frame, logging it if debug. Concurrent writes are
// serialised by the socket. A write blocked by a charge point that does not
// read is ended by the ping, whose ping cannot get through either.
func (c *Conn) write(b []byte, debug bool) error {
	if debug {
		c.logFrame("out", b)
	}
	if o := c.srv.frameO; o != nil {
		o.ObserveFrame(c, true, b)
	}
	if err := c.ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		c.logger.Debug("ocpp: write failed", "error", err)
		return err
	}
	return nil
}

// debug reports whether frames are logged. It is asked once per frame read
// (its answer also serves the reply) and once per Call, of the server's
// logger, which every connection shares: the connection's own (the same
// handler With the charge_point attribute, so the same answer) would be a
// cache miss per frame once thousands of connections are open.
func (c *Conn) debug() bool {
	return c.srv.logger.Enabled(context.Background(), slog.LevelDebug)
}

func (c *Conn) logFrame(direction string, b []byte) {
	c.logger.LogAttrs(context.Background(), slog.LevelDebug, "ocpp: frame",
		slog.String("direction", direction), slog.String("frame", string(b)))
}

// startPing arms the ping timer. The timer holds one count of c.wg until
// it is stopped or a ping fails.
func (c *Conn) startPing() {
	if c.srv.cfg.PingInterval <= 0 {
		return
	}
	c.mu.Lock()
	if !c.closing.Load() {
		c.wg.Add(1)
		c.pingT = time.AfterFunc(c.srv.cfg.PingInterval, c.ping)
	}
	c.mu.Unlock()
}

// stopPing stops the ping timer; a ping in flight ends by itself, as the
// socket is closed.
func (c *Conn) stopPing() {
	c.mu.Lock()
	t := c.pingT
	c.pingT = nil
	c.mu.Unlock()
	if t != nil && t.Stop() {
		c.wg.Done() // the timer had not fired; otherwise ping calls Done
	}
}

// ping runs on the timer's goroutine: it pings the charge point, closes the
// connection when no pong comes within PongTimeout, and re-arms the timer.
func (c *Conn) ping() {
	c.mu.Lock()
	if c.pingT == nil { // stopped as it fired
		c.mu.Unlock()
		c.wg.Done()
		return
	}
	c.pinging = true
	if c.state == stateHandling {
		c.startHelper() // the pong must be read while the handler runs
	}
	c.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), c.srv.cfg.PongTimeout)
	err := c.ws.Ping(ctx)
	cancel()

	c.mu.Lock()
	c.pinging = false
	if err == nil && c.pingT != nil {
		c.pingT.Reset(c.srv.cfg.PingInterval)
		c.mu.Unlock()
		return
	}
	c.pingT = nil
	c.mu.Unlock()
	if err != nil && !c.closing.Load() {
		c.logger.Warn("ocpp: no pong; closing", "pong_timeout", c.srv.cfg.PongTimeout, "error", err)
		c.closeNow(fmt.Errorf("%w: no pong within %v", ErrTimeout, c.srv.cfg.PongTimeout))
	}
	c.wg.Done()
}
