package ocpp

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"
)

// Handler handles the CALLs a charge point sends. HandleCall returns the
// CALLRESULT payload (a JSON object; nil is sent as {}) or an error: an
// *Error (possibly wrapped) is sent as that CALLERROR, any other error as
// InternalError with the generic description "internal error", and is logged
// at Error level with its real text.
//
// HandleCall is called from the connection's own goroutine (started by
// ServeHTTP once the handshake is done): calls of one connection are handled one at a time, in the
// order they arrived; calls of different connections run concurrently. ctx is the connection's context
// (Conn.Context): it is cancelled when the connection is lost, so a handler
// interrupted by a disconnect never acknowledges anything.
type Handler interface {
	HandleCall(ctx context.Context, c *Conn, action string, payload json.RawMessage) (json.RawMessage, error)
}

// HandlerFunc adapts a function to the Handler interface.
type HandlerFunc func(ctx context.Context, c *Conn, action string, payload json.RawMessage) (json.RawMessage, error)

// HandleCall calls f.
func (f HandlerFunc) HandleCall(ctx context.Context, c *Conn, action string, payload json.RawMessage) (json.RawMessage, error) {
	return f(ctx, c, action, payload)
}

// ConnectHandler is an optional capability of a Handler. Connected is called
// once the WebSocket handshake has completed and before the first frame of
// the connection is read; returning an error refuses the charge point: the
// socket is closed with StatusPolicyViolation (the error text is logged, never
// sent) and Disconnected is not called.
//
// When the connection replaces an older one with the same identity,
// Connected is called only after the older connection's Disconnected has
// returned.
//
// Connected must not wait for a Conn.Call to the same charge point: its
// replies are read only once Connected has returned, and until then the
// connection is not visible to Server.Conn and Server.Call. Send such calls
// from ReadyHandler.Ready.
type ConnectHandler interface {
	Connected(ctx context.Context, c *Conn) error
}

// ReadyHandler is an optional capability of a Handler. Ready is called once
// per connection, after Connected has succeeded (or without a
// ConnectHandler), once the connection is visible to Server.Conn and
// Server.Call and its frames are being read: calls to the charge point made
// from Ready, or started by it (e.g. delivering commands queued while the
// charge point was away), find the connection and get their replies.
//
// Ready runs on its own goroutine, concurrently with the connection's
// HandleCalls; ctx is the connection's context (Conn.Context), cancelled
// when the connection starts closing. Disconnected is called only after
// Ready has returned. Ready is not called for a connection that closed
// before it became ready.
type ReadyHandler interface {
	Ready(ctx context.Context, c *Conn)
}

// DisconnectHandler is an optional capability of a Handler. Disconnected is
// called exactly once for every connection whose Connected succeeded (or
// that had no ConnectHandler), after the connection has ended and its last
// handler call has returned. err says why the connection ended: ErrReplaced,
// ErrServerClosed, ErrClosed (Conn.Close), a ping timeout wrapping
// ErrTimeout, or the read error (use websocket.CloseStatus to inspect a close
// frame sent by the charge point). ctx is not cancelled by the end of the
// connection (context.WithoutCancel).
type DisconnectHandler interface {
	Disconnected(ctx context.Context, c *Conn, err error)
}

// FrameObserver is an optional capability of a Handler. ObserveFrame sees
// every text frame the server reads from a charge point (out false) or is
// about to write to it (out true), as on the wire, malformed ones
// included: a message log, a debugging tap. Frames of one connection are
// observed in the order they are read and written, a CALL always before
// its reply. ObserveFrame is called on the goroutine reading or writing
// the frame, so it must return at once (queue, never wait); frame is valid
// only during the call.
type FrameObserver interface {
	ObserveFrame(c *Conn, out bool, frame []byte)
}

// Authenticator decides whether a charge point may connect. It runs before
// the WebSocket upgrade, with the identity already taken from the URL and
// validated, and only for requests that are WebSocket handshakes. Any error
// refuses the handshake with 401 Unauthorized and a WWW-Authenticate: Basic
// realm="ocpp" challenge — ErrUnknownChargePoint and ErrUnauthorized alike,
// so that a stranger cannot tell which identities exist (the log says
// which). Authenticate is called concurrently for different handshakes. It
// must not create anything for an identity: the upgrade may still fail.
type Authenticator interface {
	Authenticate(ctx context.Context, r *http.Request, identity string) error
}

// AuthenticatorFunc adapts a function to the Authenticator interface.
type AuthenticatorFunc func(ctx context.Context, r *http.Request, identity string) error

// Authenticate calls f.
func (f AuthenticatorFunc) Authenticate(ctx context.Context, r *http.Request, identity string) error {
	return f(ctx, r, identity)
}

// Errors returned by the server and its connections.
var (
	// ErrUnauthorized is returned by an Authenticator to refuse a charge
	// point whose credentials are missing or wrong (HTTP 401).
	ErrUnauthorized = errors.New("ocpp: unauthorized")
	// ErrUnknownChargePoint is returned by an Authenticator to refuse an
	// identity it does not know (HTTP 401, as ErrUnauthorized: only the log
	// tells them apart).
	ErrUnknownChargePoint = errors.New("ocpp: unknown charge point")
	// ErrNotConnected is returned by Server.Call when no charge point with
	// that identity is connected.
	ErrNotConnected = errors.New("ocpp: charge point not connected")
	// ErrClosed is returned by Conn.Call when the connection is closed, and
	// is the cause passed to Disconnected after Conn.Close.
	ErrClosed = errors.New("ocpp: connection closed")
	// ErrTimeout is returned by Conn.Call when no reply arrived within
	// ServerConfig.CallTimeout.
	ErrTimeout = errors.New("ocpp: timeout")
	// ErrCallQueueFull is returned by Conn.Call when ServerConfig.CallQueueSize
	// calls are already waiting for their turn on that connection.
	ErrCallQueueFull = errors.New("ocpp: call queue full")
	// ErrReplaced is the cause passed to Disconnected when a newer connection
	// with the same identity replaced this one.
	ErrReplaced = errors.New("ocpp: replaced by a newer connection")
	// ErrServerClosed is the cause passed to Disconnected when the connection
	// was closed by Server.Shutdown.
	ErrServerClosed = errors.New("ocpp: server shut down")
)

// Defaults of ServerConfig.
const (
	DefaultCallTimeout   = 30 * time.Second
	DefaultPingInterval  = 30 * time.Second
	DefaultPongTimeout   = 10 * time.Second
	DefaultMaxFrameSize  = 64 << 10
	DefaultRateLimit     = rate.Limit(50)
	DefaultRateBurst     = 100
	DefaultCallQueueSize = 64
)

// DefaultSubprotocols are the WebSocket subprotocols the server accepts by
// default, in order of preference: OCPP 2.0.1 when the charge point offers
// it, else OCPP 1.6.
var DefaultSubprotocols = []string{OCPP201, OCPP16}

const (
	// incomingQueueSize is how many CALLs a connection's helper may read
	// while a handler runs before it stops reading (backpressure). A
	// well-behaved charge point never has more than one CALL outstanding.
	incomingQueueSize = 32
	// closeGrace bounds the close handshake with a charge point that does
	// not answer the close frame.
	closeGrace = 2 * time.Second
)

// ServerConfig configures a Server. The zero value works: every field has a
// default, documented on the field. NewServer copies the config; changing it
// afterwards has no effect.
type ServerConfig struct {
	// Handler handles the CALLs charge points send. It may also implement
	// ConnectHandler, ReadyHandler, DisconnectHandler and FrameObserver. By default (nil), every CALL is
	// answered with a CALLERROR NotImplemented.
	Handler Handler

	// Authenticator checks each handshake before the upgrade. By default
	// (nil), every charge point is accepted: this package on its own does no
	// authentication. (The root ocppkit package always sets one.)
	Authenticator Authenticator

	// Logger receives the server's logs, each connection's with the
	// attribute charge_point=<identity>. Every frame in and out is logged at
	// Debug. A misbehaving charge point is logged at Warn, a failure of the
	// server or the Handler at Error. By default, slog.Default().
	Logger *slog.Logger

	// Subprotocols lists the WebSocket subprotocols accepted, in order of
	// preference: the first of them that the charge point offers is
	// selected, whatever the order of its offer. A handshake that offers
	// none of them is refused with 400 Bad Request. The selected one is the
	// connection's Conn.Version. By default, DefaultSubprotocols
	// (["ocpp2.0.1", "ocpp1.6"]): 2.0.1 when offered.
	Subprotocols []string

	// CallTimeout bounds Conn.Call: queueing behind other calls included,
	// a call returns ErrTimeout at the latest CallTimeout after it started.
	// By default, 30 seconds.
	CallTimeout time.Duration

	// PingInterval is how often the server pings each charge point; a
	// charge point that does not answer within PongTimeout is disconnected.
	// By default, 30 seconds; a negative value disables pings.
	PingInterval time.Duration

	// PongTimeout is how long a ping waits for its pong. By default, 10
	// seconds.
	PongTimeout time.Duration

	// MaxFrameSize is the largest frame, in bytes, a charge point may send;
	// a larger one closes that connection with StatusMessageTooBig. By
	// default, 64 KiB; a negative value disables the limit.
	MaxFrameSize int64

	// RateLimit is how many frames per second each connection may send on
	// average, with bursts of RateBurst. Excess frames are not dropped: the
	// server stops reading the connection until the rate allows
	// (backpressure). Control frames are read only between data frames, so a
	// rate so low that one frame waits longer than PongTimeout would make
	// pings fail. By default, 50 per second; a negative value or rate.Inf
	// disables the limit.
	RateLimit rate.Limit

	// RateBurst is the burst size of RateLimit. By default, 100.
	RateBurst int

	// CallQueueSize is how many Conn.Calls may wait behind the one
	// outstanding call of a connection; one more returns ErrCallQueueFull
	// at once. By default, 64; a negative value lets no call wait.
	CallQueueSize int

	// MinCallTime is the least time a Conn.Call that had to wait for its
	// turn must have left (of CallTimeout and its context's deadline) to be
	// sent. A call whose turn comes later than that returns ErrTimeout
	// without being sent: its answer could hardly arrive in time, and a
	// charge point that is slow already would only get a longer backlog.
	// By default, CallTimeout/10 (3 s with the default CallTimeout); a
	// negative value sends every call whose turn comes.
	MinCallTime time.Duration

	// NodeID names this server node; handlers read it through
	// Server.NodeID, e.g. to record which node holds a charge point's
	// socket. By default, the host name.
	NodeID string

	// CheckIdentity validates the identity taken from the URL before
	// anything else looks at it; an error refuses the handshake with 400
	// Bad Request. By default, ValidIdentity (at most 48 characters of
	// printable ASCII, no '/').
	CheckIdentity func(identity string) error

	// HandshakeRate limits failed handshakes per remote address:
	// HandshakeRate a second on average, in bursts of HandshakeBurst. A
	// WebSocket handshake refused (bad identity, no subprotocol,
	// authentication refused, failed upgrade) takes a token; once an address has none left,
	// its handshakes are refused with 429 Too Many Requests and a
	// Retry-After header, before authentication. Successful handshakes take
	// none: thousands of charge points reconnecting at once behind one
	// address (a NAT, a load balancer) are never throttled. By default DefaultHandshakeRate (10/s) and
	// DefaultHandshakeBurst (100); a negative HandshakeRate or rate.Inf
	// turns the limit off.
	HandshakeRate  rate.Limit
	HandshakeBurst int

	// HandshakeKey returns the address HandshakeRate counts a handshake
	// against. By default RemoteHost (the peer's IP address). Behind a
	// reverse proxy or load balancer every handshake comes from the proxy:
	// return the client address the proxy vouches for instead (e.g. the
	// last X-Forwarded-For entry your own proxy appended) — never a header
	// a client can set freely.
	HandshakeKey func(r *http.Request) string

	// AcceptOptions are passed to websocket.Accept (origin checks,
	// compression, …). Its Subprotocols field is ignored: use Subprotocols.
	// By default, nil: no compression, same-origin browsers only (charge
	// points send no Origin header and are unaffected).
	AcceptOptions *websocket.AcceptOptions
}

// Server is the charge point side of an OCPP-J Central System: an
// http.Handler that upgrades each request to a WebSocket, takes the charge
// point identity from the last path segment, and serves the connection until
// it ends. Mount it on any path of the host's own mux, e.g.
// mux.Handle("/ocpp/", srv) for charge points dialing ws://host/ocpp/<id>.
//
// A Server is safe for concurrent use.
type Server struct {
	cfg        ServerConfig
	handler    Handler
	connectH   ConnectHandler
	readyH     ReadyHandler
	disconnH   DisconnectHandler
	frameO     FrameObserver
	logger     *slog.Logger
	accept     websocket.AcceptOptions
	frameLimit int64
	handshakes *handshakeLimiter // nil without a handshake rate limit
	idPrefix   string
	idCounter  atomic.Uint64

	mu      sync.Mutex
	conns   map[string]*Conn   // identity → newest connection
	all     map[*Conn]struct{} // every connection not yet ended
	closing bool
	wg      sync.WaitGroup // connections and their close goroutines
}

// NewServer returns a Server configured by cfg, with defaults for zero
// fields. It starts no goroutines: connections are served by ServeHTTP.
func NewServer(cfg ServerConfig) *Server {
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	if len(cfg.Subprotocols) == 0 {
		cfg.Subprotocols = DefaultSubprotocols
	}
	cfg.Subprotocols = slices.Clone(cfg.Subprotocols)
	cfg.CallTimeout = cmp.Or(cfg.CallTimeout, DefaultCallTimeout)
	cfg.PingInterval = cmp.Or(cfg.PingInterval, DefaultPingInterval)
	cfg.PongTimeout = cmp.Or(cfg.PongTimeout, DefaultPongTimeout)
	cfg.MaxFrameSize = cmp.Or(cfg.MaxFrameSize, DefaultMaxFrameSize)
	cfg.RateLimit = cmp.Or(cfg.RateLimit, DefaultRateLimit)
	cfg.RateBurst = cmp.Or(cfg.RateBurst, DefaultRateBurst)
	cfg.CallQueueSize = cmp.Or(cfg.CallQueueSize, DefaultCallQueueSize)
	cfg.MinCallTime = cmp.Or(cfg.MinCallTime, cfg.CallTimeout/10)
	if cfg.CheckIdentity == nil {
		cfg.CheckIdentity = ValidIdentity
	}
	cfg.HandshakeRate = cmp.Or(cfg.HandshakeRate, DefaultHandshakeRate)
	cfg.HandshakeBurst = cmp.Or(cfg.HandshakeBurst, DefaultHandshakeBurst)
	if cfg.CallQueueSize < 0 {
		cfg.CallQueueSize = 0
	}
	if cfg.NodeID == "" {
		cfg.NodeID, _ = os.Hostname()
	}
	s := &Server{
		cfg:        cfg,
		handler:    cfg.Handler,
		logger:     cfg.Logger,
		frameLimit: cfg.MaxFrameSize,
		handshakes: newHandshakeLimiter(cfg.HandshakeRate, cfg.HandshakeBurst, cfg.HandshakeKey),
		conns:      make(map[string]*Conn),
		all:        make(map[*Conn]struct{}),
	}
	if s.frameLimit < 0 {
		s.frameLimit = -1
	}
	if s.handler == nil {
		s.handler = HandlerFunc(notImplemented)
	}
	s.connectH, _ = s.handler.(ConnectHandler)
	s.readyH, _ = s.handler.(ReadyHandler)
	s.disconnH, _ = s.handler.(DisconnectHandler)
	s.frameO, _ = s.handler.(FrameObserver)
	if cfg.AcceptOptions != nil {
		s.accept = *cfg.AcceptOptions
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	s.idPrefix = hex.EncodeToString(b[:]) + "-"
	return s
}

func notImplemented(_ context.Context, _ *Conn, action string, _ json.RawMessage) (json.RawMessage, error) {
	return nil, NewError(NotImplemented, "action %q is not implemented", action)
}

// NodeID returns ServerConfig.NodeID (by default, the host name).
func (s *Server) NodeID() string { return s.cfg.NodeID }

// nextID returns a message id unique to this server process: a random
// per-server prefix and a counter, at most 30 characters.
func (s *Server) nextID() string {
	n := s.idCounter.Add(1)
	var b [32]byte
	out := append(b[:0], s.idPrefix...)
	out = strconv.AppendUint(out, n, 36)
	return string(out)
}

// ServeHTTP serves one charge point connection: it checks the identity, the
// subprotocol and the Authenticator, and upgrades. It returns once the
// handshake is answered: an accepted connection is then served on a
// goroutine of its own until it ends (Server.Shutdown waits for it), so that
// net/http's per-request state (its buffers, the response, the handler
// goroutine's stack) is not kept for the life of every connection.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		w.Header().Set("Retry-After", "5")
		http.Error(w, "ocpp: server shutting down", http.StatusServiceUnavailable)
		return
	}
	s.wg.Add(1) // Shutdown waits for handshakes in progress too
	s.mu.Unlock()
	c := s.upgrade(w, r)
	if c == nil {
		s.wg.Done()
		return
	}
	go func() {
		defer s.wg.Done()
		c.run() // with a small frame here: see Conn.run
	}()
}

// upgrade checks the handshake, upgrades it and registers the connection.
// It returns nil when the request has been answered otherwise.
func (s *Server) upgrade(w http.ResponseWriter, r *http.Request) *Conn {
	p := r.URL.EscapedPath()
	identity, err := url.PathUnescape(p[strings.LastIndexByte(p, '/')+1:])
	if err != nil {
		http.Error(w, "ocpp: invalid charge point identity in URL path", http.StatusBadRequest)
		return nil
	}
	if identity == "" {
		http.Error(w, "ocpp: the URL path must end with the charge point identity", http.StatusNotFound)
		return nil
	}
	var hkey string
	if s.handshakes != nil {
		hkey = s.handshakes.key(r)
		if ok, retry := s.handshakes.allow(hkey); !ok {
			s.logger.Warn("ocpp: handshake refused: rate limit", "remote_addr", r.RemoteAddr)
			w.Header().Set("Retry-After", strconv.Itoa(int(retry/time.Second)+1))
			http.Error(w, "ocpp: too many handshakes", http.StatusTooManyRequests)
			return nil
		}
	}
	refused := func() { // counts against the handshake rate limit
		if s.handshakes != nil {
			s.handshakes.fail(hkey)
		}
	}
	if err := s.cfg.CheckIdentity(identity); err != nil {
		refused()
		s.logger.Warn("ocpp: handshake refused: invalid identity", "identity", truncate(identity, 64), "remote_addr", r.RemoteAddr, "error", err)
		http.Error(w, "ocpp: invalid charge point identity", http.StatusBadRequest)
		return nil
	}
	if !isWebSocketHandshake(r) {
		w.Header().Set("Connection", "Upgrade")
		w.Header().Set("Upgrade", "websocket")
		http.Error(w, "ocpp: charge points connect with a WebSocket handshake", http.StatusUpgradeRequired)
		return nil
	}
	logger := s.logger.With("charge_point", identity)

	subprotocol := selectSubprotocol(r.Header, s.cfg.Subprotocols)
	if subprotocol == "" {
		refused()
		logger.Warn("ocpp: handshake refused: no supported subprotocol offered",
			"offered", r.Header.Values("Sec-WebSocket-Protocol"), "remote_addr", r.RemoteAddr)
		http.Error(w, fmt.Sprintf("ocpp: the WebSocket handshake must offer the subprotocol %s in Sec-WebSocket-Protocol",
			strings.Join(s.cfg.Subprotocols, " or ")), http.StatusBadRequest)
		return nil
	}

	if s.cfg.Authenticator != nil {
		if err := s.cfg.Authenticator.Authenticate(r.Context(), r, identity); err != nil {
			switch {
			case errors.Is(err, ErrUnknownChargePoint):
				refused()
				logger.Warn("ocpp: handshake refused: unknown charge point", "remote_addr", r.RemoteAddr)
			case errors.Is(err, ErrUnauthorized):
				refused()
				logger.Warn("ocpp: handshake refused: unauthorized", "remote_addr", r.RemoteAddr, "error", err)
			default:
				logger.Error("ocpp: authenticator failed", "remote_addr", r.RemoteAddr, "error", err)
			}
			// One answer for every refusal: which identities exist is not
			// for strangers to learn.
			w.Header().Set("WWW-Authenticate", `Basic realm="ocpp"`)
			http.Error(w, "ocpp: unauthorized", http.StatusUnauthorized)
			return nil
		}
	}

	opts := s.accept
	opts.Subprotocols = []string{subprotocol}
	c := newConn(s, r, identity, logger)
	c.version = versionOf(subprotocol)
	// Register just before the 101 response is written: a charge point that
	// reconnects as soon as its previous handshake completed is always
	// registered after it, so the newest connection wins.
	registered := false
	hook := &upgradeHook{ResponseWriter: w, onSwitch: func() { registered = s.register(c) }, conn: c}
	ws, err := websocket.Accept(hook, r, &opts)
	c.ws = ws
	close(c.accepted)
	if err != nil {
		refused()
		logger.Warn("ocpp: websocket handshake failed", "remote_addr", r.RemoteAddr, "error", err)
		if registered {
			c.abort(err)
		}
		return nil
	}
	if !registered { // Shutdown started during the handshake
		c.endCtx(ErrServerClosed)
		_ = ws.Close(websocket.StatusGoingAway, "server shutting down")
		return nil
	}
	ws.SetReadLimit(s.frameLimit)
	return c
}

// isWebSocketHandshake reports whether r asks for a WebSocket upgrade
// (RFC 6455 §4.2.1), so that a plain request never reaches the
// Authenticator.
func isWebSocketHandshake(r *http.Request) bool {
	return r.Method == http.MethodGet &&
		headerHasToken(r.Header, "Connection", "upgrade") &&
		headerHasToken(r.Header, "Upgrade", "websocket") &&
		r.Header.Get("Sec-WebSocket-Key") != ""
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// truncate shortens s for a log line.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// upgradeHook calls onSwitch just before the 101 Switching Protocols
// response header is written, and keeps the hijacked network connection so
// that the server can close it at once.
type upgradeHook struct {
	http.ResponseWriter
	onSwitch func()
	conn     *Conn
}

func (h *upgradeHook) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nc, brw, err
	}
	h.conn.nc = nc
	return nc, smallReadWriter(nc, brw), nil
}

// connBufSize is the size of the read and write buffers a connection keeps
// for its whole life. net/http's are 4 KiB each; an OCPP-J frame is mostly
// a few hundred bytes, and a bigger one is read and written past the buffer.
const connBufSize = 1 << 10

// smallReadWriter returns connBufSize buffers over nc in place of net/http's
// brw, keeping what its reader had already buffered (a charge point may
// send its first frame before it has read the 101). If that does not fit,
// it keeps net/http's reader.
func smallReadWriter(nc net.Conn, brw *bufio.ReadWriter) *bufio.ReadWriter {
	br := brw.Reader
	switch n := br.Buffered(); {
	case n == 0:
		br = bufio.NewReaderSize(nc, connBufSize)
	case n <= connBufSize:
		b, _ := br.Peek(n)
		small := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(bytes.Clone(b)), nc), connBufSize)
		if _, err := small.Peek(n); err == nil { // the bytes are in small's buffer: nc is not read
			br = small
		}
	}
	return bufio.NewReadWriter(br, bufio.NewWriterSize(nc, connBufSize))
}

func (h *upgradeHook) WriteHeader(code int) {
	if code == http.StatusSwitchingProtocols && h.onSwitch != nil {
		h.onSwitch()
		h.onSwitch = nil
	}
	h.ResponseWriter.WriteHeader(code)
}

func (h *upgradeHook) Unwrap() http.ResponseWriter { return h.ResponseWriter }

// register makes c the connection of its identity, remembering the one it
// replaces. It refuses once Shutdown has started.
func (s *Server) register(c *Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	c.prev = s.conns[c.identity]
	s.conns[c.identity] = c
	s.all[c] = struct{}{}
	return true
}

// selectSubprotocol returns the first of ours that the client offered, in
// the client's spelling, as websocket.Accept would select it.
func selectSubprotocol(h http.Header, ours []string) string {
	offered := h.Values("Sec-WebSocket-Protocol")
	for _, sp := range ours {
		for _, v := range offered {
			for t := range strings.SplitSeq(v, ",") {
				if t = strings.TrimSpace(t); strings.EqualFold(t, sp) {
					return t
				}
			}
		}
	}
	return ""
}

// unregister removes c from the server once its connection has ended.
func (s *Server) unregister(c *Conn) {
	s.mu.Lock()
	if s.conns[c.identity] == c {
		delete(s.conns, c.identity)
	}
	delete(s.all, c)
	s.mu.Unlock()
}

// Conn returns the connection of the charge point with that identity, if it
// is connected (its Connected hook has succeeded and it has not ended).
func (s *Server) Conn(identity string) (*Conn, bool) {
	s.mu.Lock()
	c := s.conns[identity]
	s.mu.Unlock()
	if c == nil || !c.ready.Load() || c.closing.Load() {
		return nil, false
	}
	return c, true
}

// Call sends a CALL to the charge point with that identity and waits for its
// reply, as Conn.Call does. It returns an error wrapping ErrNotConnected if
// that charge point is not connected to this server.
func (s *Server) Call(ctx context.Context, identity, action string, payload json.RawMessage) (json.RawMessage, error) {
	c, ok := s.Conn(identity)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotConnected, identity)
	}
	return c.Call(ctx, action, payload)
}

// Len returns how many charge points are connected.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.conns {
		if c.ready.Load() && !c.closing.Load() {
			n++
		}
	}
	return n
}

// Identities returns the identities of the connected charge points, sorted.
func (s *Server) Identities() []string {
	s.mu.Lock()
	ids := make([]string, 0, len(s.conns))
	for id, c := range s.conns {
		if c.ready.Load() && !c.closing.Load() {
			ids = append(ids, id)
		}
	}
	s.mu.Unlock()
	slices.Sort(ids)
	return ids
}

// Shutdown stops accepting charge points (new handshakes get 503 Service
// Unavailable), lets every connection finish the CALL it is handling and
// send that reply, closes it with StatusGoingAway, and waits until every
// connection has ended and its Disconnected hook has returned. If ctx ends
// first, Shutdown closes the remaining sockets at once and returns ctx.Err();
// handlers that ignore their context may then still be running.
//
// Shutdown does not close the http.Server the Server is mounted on; call it
// before (or instead of relying on) http.Server.Shutdown, which does not
// track hijacked WebSocket connections.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	conns := make([]*Conn, 0, len(s.all))
	for c := range s.all {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.drain()
	}

	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		for c := range s.all {
			c.closeNow(ErrServerClosed)
		}
		s.mu.Unlock()
		return ctx.Err()
	}
}

// recoverError turns a recovered panic value into an error carrying the
// stack, for logging.
func recoverError(v any) error {
	return fmt.Errorf("ocpp: panic: %v\n%s", v, debug.Stack())
}
