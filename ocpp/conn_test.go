package ocpp_test

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
)

// rawClient is a WebSocket client on a bare TCP connection: it starts no
// goroutines, so the test process's goroutines are the server's.
type rawClient struct {
	t  testing.TB
	nc net.Conn
	br *bufio.Reader
}

func (ts *testServer) dialRaw(t testing.TB, identity string) *rawClient {
	t.Helper()
	u, _ := url.Parse(ts.hs.URL)
	nc, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(testTimeout))
	fmt.Fprintf(nc, "GET /ocpp/%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n", identity, u.Host)
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: %v %v", resp, err)
	}
	return &rawClient{t: t, nc: nc, br: br}
}

// send writes one masked text frame.
func (c *rawClient) send(msg string) {
	c.t.Helper()
	b := []byte{0x81}
	switch n := len(msg); {
	case n < 126:
		b = append(b, 0x80|byte(n))
	default:
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	}
	mask := [4]byte{1, 2, 3, 4}
	b = append(b, mask[:]...)
	for i := range len(msg) {
		b = append(b, msg[i]^mask[i%4])
	}
	if _, err := c.nc.Write(b); err != nil {
		c.t.Fatal(err)
	}
}

// recv reads the next text frame, answering pings on the way.
func (c *rawClient) recv() ocpp.Frame {
	c.t.Helper()
	for {
		var h [2]byte
		if _, err := io.ReadFull(c.br, h[:]); err != nil {
			c.t.Fatal(err)
		}
		n := int(h[1] & 0x7f)
		switch n {
		case 126:
			var l [2]byte
			if _, err := io.ReadFull(c.br, l[:]); err != nil {
				c.t.Fatal(err)
			}
			n = int(binary.BigEndian.Uint16(l[:]))
		case 127:
			c.t.Fatal("frame too long for this client")
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(c.br, payload); err != nil {
			c.t.Fatal(err)
		}
		switch h[0] & 0x0f {
		case 0x9: // ping: answer with a masked pong
			pong := append([]byte{0x8a, 0x80 | byte(n), 0, 0, 0, 0}, payload...)
			if _, err := c.nc.Write(pong); err != nil {
				c.t.Fatal(err)
			}
			continue
		case 0x1:
		default:
			c.t.Fatalf("unexpected opcode %#x", h[0])
		}
		f, err := ocpp.DecodeFrame(payload)
		if err != nil {
			c.t.Fatalf("decode %s: %v", payload, err)
		}
		return f
	}
}

func (c *rawClient) call(id, action, payload string) ocpp.Frame {
	c.t.Helper()
	c.send(`[2,"` + id + `","` + action + `",` + payload + `]`)
	f := c.recv()
	if f.ID != id {
		c.t.Fatalf("reply id %q, want %q", f.ID, id)
	}
	return f
}

// callingHandler answers Heartbeat, and for BootNotification first calls
// GetConfiguration on the same charge point and answers with its result.
func callingHandler(ctx context.Context, c *ocpp.Conn, action string, p json.RawMessage) (json.RawMessage, error) {
	if action == "BootNotification" {
		return c.Call(ctx, "GetConfiguration", nil)
	}
	return heartbeat(ctx, c, action, p)
}

// connGoroutines counts the goroutines running code of a Conn: the one
// serving each connection, helpers, pings in flight, Ready hooks and
// closing handshakes.
func connGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for g := range strings.SplitSeq(string(buf), "\n\ngoroutine ") {
		if strings.Contains(g, "ocppkit/ocpp.(*Conn)") {
			count++
		}
	}
	return count
}

// TestIdleConnOneGoroutine checks that an idle connection runs exactly one
// goroutine, before and after it has handled CALLs, called its own charge
// point from a handler and answered our CALLs. It does not run in
// parallel, so the count is not disturbed by other tests.
func TestIdleConnOneGoroutine(t *testing.T) {
	const n = 50
	h := newHooks(callingHandler)
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h, PingInterval: time.Hour, Logger: discardLogger()})
	idle := func(want int) {
		t.Helper()
		eventually(t, "at most "+strconv.Itoa(want)+" goroutines", func() bool { return runtime.NumGoroutine() <= want })
		if got := connGoroutines(); got != n {
			t.Fatalf("%d goroutines run connection code, want %d", got, n)
		}
	}
	eventually(t, "no connection goroutines", func() bool { return connGoroutines() == 0 })
	base := runtime.NumGoroutine()
	clients := make([]*rawClient, n)
	for i := range n {
		clients[i] = ts.dialRaw(t, "CP"+strconv.Itoa(i))
	}
	eventually(t, "all connected", func() bool { return ts.srv.Len() == n })
	idle(base + n)

	for round := range 3 {
		for i, cl := range clients {
			if f := cl.call("h"+strconv.Itoa(round), "Heartbeat", "{}"); f.Type != ocpp.CallResult {
				t.Fatalf("heartbeat: %+v", f)
			}
			if i%5 != 0 {
				continue
			}
			// A handler calling its own charge point (a helper reads the reply).
			cl.send(`[2,"b` + strconv.Itoa(round) + `","BootNotification",{}]`)
			f := cl.recv()
			if f.Type != ocpp.Call || f.Action != "GetConfiguration" {
				t.Fatalf("got %+v, want GetConfiguration", f)
			}
			cl.send(`[3,"` + f.ID + `",{"configurationKey":[]}]`)
			if r := cl.recv(); r.ID != "b"+strconv.Itoa(round) || string(r.Payload) != `{"configurationKey":[]}` {
				t.Fatalf("boot reply %+v", r)
			}
			// A call of ours while the connection is idle.
			done := make(chan error, 1)
			go func() {
				_, err := ts.srv.Call(context.Background(), "CP"+strconv.Itoa(i), "Reset", json.RawMessage(`{"type":"Soft"}`))
				done <- err
			}()
			f = cl.recv()
			cl.send(`[3,"` + f.ID + `",{"status":"Accepted"}]`)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		}
		idle(base + n)
	}

	for _, cl := range clients {
		cl.nc.Close()
	}
	for range n {
		h.waitDisconnect(t)
	}
	eventually(t, "no connection goroutines", func() bool { return connGoroutines() == 0 })
}

// TestOrderAcrossHelper pipelines CALLs behind one whose handler calls the
// charge point: the CALLs read while that handler waits are handled after
// it, in order, round after round.
func TestOrderAcrossHelper(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var order []string
	h := ocpp.HandlerFunc(func(ctx context.Context, c *ocpp.Conn, action string, p json.RawMessage) (json.RawMessage, error) {
		var m struct{ ID string }
		_ = json.Unmarshal(p, &m)
		mu.Lock()
		order = append(order, m.ID)
		mu.Unlock()
		if action == "BootNotification" {
			return c.Call(ctx, "GetConfiguration", nil)
		}
		return json.RawMessage(`{}`), nil
	})
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h, RateLimit: -1})
	cl := ts.dial(t, "CP1")
	var want []string
	for round := range 5 {
		r := strconv.Itoa(round)
		cl.send(`[2,"b` + r + `","BootNotification",{"ID":"b` + r + `"}]`)
		want = append(want, "b"+r)
		f := cl.recv() // the handler's GetConfiguration: it now waits for our reply
		if f.Type != ocpp.Call {
			t.Fatalf("got %+v", f)
		}
		for i := range 10 { // read by the helper while the handler waits
			id := r + "-" + strconv.Itoa(i)
			cl.send(`[2,"` + id + `","DataTransfer",{"ID":"` + id + `"}]`)
			want = append(want, id)
		}
		cl.reply(f, `{"configurationKey":[]}`)
		if f := cl.recv(); f.ID != "b"+r {
			t.Fatalf("round %d: first reply %+v", round, f)
		}
		for i := range 10 {
			if f := cl.recv(); f.ID != r+"-"+strconv.Itoa(i) || f.Type != ocpp.CallResult {
				t.Fatalf("round %d: reply %d: %+v", round, i, f)
			}
		}
		if f := cl.call("h"+r, "DataTransfer", `{"ID":"h`+r+`"}`); f.Type != ocpp.CallResult {
			t.Fatal(f)
		}
		want = append(want, "h"+r)
	}
	mu.Lock()
	defer mu.Unlock()
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Fatalf("handled %v, want %v", order, want)
	}
}

// TestPingDuringLongHandler checks that pongs are read while a handler runs
// longer than PongTimeout: the connection survives.
func TestPingDuringLongHandler(t *testing.T) {
	t.Parallel()
	const pongTimeout = 100 * time.Millisecond
	h := newHooks(func(ctx context.Context, c *ocpp.Conn, action string, p json.RawMessage) (json.RawMessage, error) {
		if action == "Slow" {
			select { // the handler's work, longer than several ping rounds
			case <-time.After(4 * pongTimeout):
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		return heartbeat(ctx, c, action, p)
	})
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h, PingInterval: pongTimeout / 3, PongTimeout: pongTimeout})
	cl := ts.dial(t, "CP1")
	for i := range 2 {
		if f := cl.call("s"+strconv.Itoa(i), "Slow", "{}"); f.Type != ocpp.CallError || f.ErrorCode != ocpp.NotImplemented {
			t.Fatalf("slow call: %+v", f)
		}
	}
	if f := cl.call("h", "Heartbeat", "{}"); f.Type != ocpp.CallResult {
		t.Fatal(f)
	}
	select {
	case d := <-h.disconnects:
		t.Fatalf("disconnected: %v", d.err)
	default:
	}
}

// readyHooks calls the new charge point from Ready through Server.Call.
type readyHooks struct {
	*hooks
	srv    *ocpp.Server
	result chan error
}

func (h *readyHooks) Ready(ctx context.Context, c *ocpp.Conn) {
	_, err := h.srv.Call(ctx, c.Identity(), "TriggerMessage", json.RawMessage(`{"requestedMessage":"StatusNotification"}`))
	h.result <- err
	h.record("ready")
}

func TestReadyCanCall(t *testing.T) {
	t.Parallel()
	h := &readyHooks{hooks: newHooks(heartbeat), result: make(chan error, 1)}
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
	h.srv = ts.srv
	cl := ts.dial(t, "CP1")
	f := cl.recv()
	if f.Type != ocpp.Call || f.Action != "TriggerMessage" {
		t.Fatalf("got %+v, want the CALL sent from Ready", f)
	}
	cl.reply(f, `{"status":"Accepted"}`)
	if err := <-h.result; err != nil {
		t.Fatalf("Server.Call from Ready: %v", err)
	}
	if f := cl.call("h", "Heartbeat", "{}"); f.Type != ocpp.CallResult {
		t.Fatal(f)
	}
	_ = cl.ws.CloseNow()
	h.waitDisconnect(t)
	if got := fmt.Sprint(h.snapshot()); got != "[connected  ready disconnected ]" {
		t.Errorf("events %s", got)
	}
}

// TestDisconnectedWaitsForReady checks that Disconnected follows the
// return of a Ready still running when the connection ends.
func TestDisconnectedWaitsForReady(t *testing.T) {
	t.Parallel()
	h := &blockingReady{hooks: newHooks(heartbeat), started: make(chan struct{})}
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
	cl := ts.dial(t, "CP1")
	<-h.started
	_ = cl.ws.CloseNow()
	h.waitDisconnect(t)
	if got := fmt.Sprint(h.snapshot()); got != "[connected  ready returned disconnected ]" {
		t.Errorf("events %s", got)
	}
}

type blockingReady struct {
	*hooks
	started chan struct{}
}

func (h *blockingReady) Ready(ctx context.Context, _ *ocpp.Conn) {
	close(h.started)
	<-ctx.Done()
	h.record("ready returned")
}

// TestConnLoggerCarriesIdentity checks that Conn.Logger, which handlers
// reuse instead of deriving their own, names the charge point.
func TestConnLoggerCarriesIdentity(t *testing.T) {
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	ts := newTestServer(t, ocpp.ServerConfig{Logger: logger, Handler: ocpp.HandlerFunc(
		func(ctx context.Context, c *ocpp.Conn, action string, payload json.RawMessage) (json.RawMessage, error) {
			c.Logger().Info("from the handler")
			return json.RawMessage(`{}`), nil
		})})
	cl := ts.dial(t, "CP-LOG")
	if f := cl.call("1", "Heartbeat", `{}`); f.Type != ocpp.CallResult {
		t.Fatalf("reply = %+v", f)
	}
	if out := buf.String(); !strings.Contains(out, `msg="from the handler" charge_point=CP-LOG`) {
		t.Errorf("log = %s", out)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
