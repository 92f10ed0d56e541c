package ocpp_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/ocppkit/ocppkit/ocpp"
)

// testTimeout bounds every wait in these tests; reaching it is a failure.
const testTimeout = 10 * time.Second

// logRecorder is a slog.Handler that keeps every record, for assertions on
// what the server logs.
type logRecorder struct {
	mu      sync.Mutex
	records []slog.Record
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	l.records = append(l.records, r.Clone())
	l.mu.Unlock()
	return nil
}
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecorder) WithGroup(string) slog.Handler      { return l }

// has reports whether a record at level with msg containing substr was logged.
func (l *logRecorder) has(level slog.Level, substr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.records {
		if r.Level == level && strings.Contains(r.Message, substr) {
			return true
		}
	}
	return false
}

type testServer struct {
	srv  *ocpp.Server
	hs   *httptest.Server
	logs *logRecorder
	url  string // ws://…/ocpp/
}

// newTestServer serves cfg under /ocpp/ on an httptest server, shut down at
// the end of the test. Unless the test sets one, the logger records.
func newTestServer(t testing.TB, cfg ocpp.ServerConfig) *testServer {
	t.Helper()
	ts := &testServer{logs: &logRecorder{}}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(ts.logs)
	}
	ts.srv = ocpp.NewServer(cfg)
	mux := http.NewServeMux()
	mux.Handle("/ocpp/", ts.srv)
	ts.hs = httptest.NewServer(mux)
	ts.url = "ws" + strings.TrimPrefix(ts.hs.URL, "http") + "/ocpp/"
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		if err := ts.srv.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		ts.hs.Close()
	})
	return ts
}

type client struct {
	t  testing.TB
	ws *websocket.Conn
}

// dial connects as identity (a raw, already escaped path segment) offering
// ocpp1.6.
func (ts *testServer) dial(t testing.TB, identity string) *client {
	t.Helper()
	return ts.dialWith(t, identity, &websocket.DialOptions{Subprotocols: []string{"ocpp1.6"}})
}

func (ts *testServer) dialWith(t testing.TB, identity string, opts *websocket.DialOptions) *client {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, ts.url+identity, opts)
	if err != nil {
		t.Fatalf("dial %s: %v", identity, err)
	}
	ws.SetReadLimit(-1)
	t.Cleanup(func() { _ = ws.CloseNow() })
	return &client{t: t, ws: ws}
}

// dialStatus attempts a handshake and returns the HTTP status and body of
// the refusal (or 101 on success).
func (ts *testServer) dialStatus(t testing.TB, identity string, opts *websocket.DialOptions) (int, string, http.Header) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	ws, resp, err := websocket.Dial(ctx, ts.url+identity, opts)
	if err == nil {
		_ = ws.Close(websocket.StatusNormalClosure, "")
		return resp.StatusCode, "", resp.Header
	}
	if resp == nil {
		t.Fatalf("dial %s: %v", identity, err)
	}
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

func (c *client) send(raw string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, []byte(raw)); err != nil {
		c.t.Fatalf("send %s: %v", raw, err)
	}
}

func (c *client) recv() ocpp.Frame {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	_, b, err := c.ws.Read(ctx)
	if err != nil {
		c.t.Fatalf("recv: %v", err)
	}
	f, err := ocpp.DecodeFrame(b)
	if err != nil {
		c.t.Fatalf("recv: decode %s: %v", b, err)
	}
	return f
}

// recvErr reads until the connection fails and returns the error.
func (c *client) recvErr() error {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	for {
		if _, _, err := c.ws.Read(ctx); err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				c.t.Fatalf("connection still open after %v", testTimeout)
			}
			return err
		}
	}
}

// call sends a CALL and returns the reply frame.
func (c *client) call(id, action, payload string) ocpp.Frame {
	c.t.Helper()
	c.send(`[2,"` + id + `","` + action + `",` + payload + `]`)
	f := c.recv()
	if f.ID != id {
		c.t.Fatalf("reply id %q, want %q", f.ID, id)
	}
	return f
}

// reply answers a CALL the client received with a CALLRESULT.
func (c *client) reply(f ocpp.Frame, payload string) {
	c.t.Helper()
	b, err := ocpp.NewCallResult(f.ID, json.RawMessage(payload)).MarshalJSON()
	if err != nil {
		c.t.Fatal(err)
	}
	c.send(string(b))
}

// heartbeat is a Handler answering Heartbeat with a fixed time and
// everything else with NotImplemented.
func heartbeat(_ context.Context, _ *ocpp.Conn, action string, _ json.RawMessage) (json.RawMessage, error) {
	if action == "Heartbeat" {
		return json.RawMessage(`{"currentTime":"2025-01-01T00:00:00.000Z"}`), nil
	}
	return nil, ocpp.NewError(ocpp.NotImplemented, "unknown action %s", action)
}

// hooks is a Handler with Connected and Disconnected that records events.
type hooks struct {
	ocpp.HandlerFunc
	mu           sync.Mutex
	events       []string
	connected    func(ctx context.Context, c *ocpp.Conn) error
	disconnected func(ctx context.Context, c *ocpp.Conn, err error)
	disconnects  chan disconnect
}

type disconnect struct {
	conn *ocpp.Conn
	err  error
}

func newHooks(h ocpp.HandlerFunc) *hooks {
	return &hooks{HandlerFunc: h, disconnects: make(chan disconnect, 100)}
}

func (h *hooks) record(e string) {
	h.mu.Lock()
	h.events = append(h.events, e)
	h.mu.Unlock()
}

func (h *hooks) snapshot() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.events...)
}

func (h *hooks) Connected(ctx context.Context, c *ocpp.Conn) error {
	h.record("connected " + c.Request().Header.Get("X-Seq"))
	if h.connected != nil {
		return h.connected(ctx, c)
	}
	return nil
}

func (h *hooks) Disconnected(ctx context.Context, c *ocpp.Conn, err error) {
	if h.disconnected != nil {
		h.disconnected(ctx, c, err)
	}
	h.record("disconnected " + c.Request().Header.Get("X-Seq"))
	h.disconnects <- disconnect{c, err}
}

// waitDisconnect returns the next Disconnected call.
func (h *hooks) waitDisconnect(t testing.TB) disconnect {
	t.Helper()
	select {
	case d := <-h.disconnects:
		return d
	case <-time.After(testTimeout):
		t.Fatal("no Disconnected call")
		return disconnect{}
	}
}

// eventually polls cond until it holds or the test timeout passes.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond) // polling interval, not synchronisation
	}
}

func seqHeader(i string) *websocket.DialOptions {
	return &websocket.DialOptions{Subprotocols: []string{"ocpp1.6"}, HTTPHeader: http.Header{"X-Seq": {i}}}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
