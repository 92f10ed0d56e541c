package ocpp_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
)

// TestServeHTTPReturnsAfterHandshake: ServeHTTP hands the connection to a
// goroutine of its own and returns, so net/http's per-request state is not
// kept for the connection's life; the connection goes on serving, and
// Shutdown still waits for it.
func TestServeHTTPReturnsAfterHandshake(t *testing.T) {
	h := newHooks(heartbeat)
	srv := ocpp.NewServer(ocpp.ServerConfig{Handler: h, Logger: discardLogger()})
	returned := make(chan struct{}, 1)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.ServeHTTP(w, r)
		returned <- struct{}{}
	}))
	defer hs.Close()
	ts := &testServer{srv: srv, hs: hs, url: "ws" + strings.TrimPrefix(hs.URL, "http") + "/ocpp/"}

	cl := ts.dialRaw(t, "CP1")
	select {
	case <-returned:
	case <-time.After(testTimeout):
		t.Fatal("ServeHTTP has not returned after the handshake")
	}
	cl.send(`[2,"1","Heartbeat",{}]`)
	if f := cl.recv(); f.Type != ocpp.CallResult || f.ID != "1" {
		t.Fatalf("reply after ServeHTTP returned: %+v", f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if d := h.waitDisconnect(t); d.conn.Identity() != "CP1" || !errors.Is(d.err, ocpp.ErrServerClosed) {
		t.Errorf("Disconnected(%q, %v), want CP1 with ErrServerClosed", d.conn.Identity(), d.err)
	}
}

// TestFramesSentWithTheHandshake: a charge point may write its first frames
// right behind the handshake request, before it has read the 101. What
// net/http had read ahead of the upgrade is kept whether it fits the
// connection's small read buffer or not.
func TestFramesSentWithTheHandshake(t *testing.T) {
	ts := newTestServer(t, ocpp.ServerConfig{Handler: ocpp.HandlerFunc(heartbeat), Logger: discardLogger()})
	tests := []struct {
		name string
		pad  int // bytes of padding in the first frame's payload
	}{
		{name: "small frame", pad: 0},
		{name: "frame bigger than the read buffer", pad: 3000},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, _ := url.Parse(ts.hs.URL)
			nc, err := net.Dial("tcp", u.Host)
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			_ = nc.SetDeadline(time.Now().Add(testTimeout))
			cl := &rawClient{t: t, nc: &bufferedConn{Conn: nc}, br: bufio.NewReader(nc)}
			fmt.Fprintf(cl.nc, "GET /ocpp/CP%d HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
				"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n", i, u.Host)
			cl.send(`[2,"a","Heartbeat",{"pad":"` + strings.Repeat("x", tt.pad) + `"}]`)
			cl.send(`[2,"b","Heartbeat",{}]`)
			if err := cl.nc.(*bufferedConn).flush(); err != nil { // handshake and both frames in one write
				t.Fatal(err)
			}
			resp, err := http.ReadResponse(cl.br, nil)
			if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
				t.Fatalf("handshake: %v %v", resp, err)
			}
			for _, id := range []string{"a", "b"} {
				if f := cl.recv(); f.Type != ocpp.CallResult || f.ID != id {
					t.Fatalf("got %+v, want the CALLRESULT of %s", f, id)
				}
			}
		})
	}
}

// bufferedConn collects writes until flush, so that several writes leave
// in one.
type bufferedConn struct {
	net.Conn
	buf []byte
}

func (c *bufferedConn) Write(b []byte) (int, error) { c.buf = append(c.buf, b...); return len(b), nil }

func (c *bufferedConn) flush() error {
	_, err := c.Conn.Write(c.buf)
	c.buf = nil
	return err
}

// BenchmarkIdleConnection reports what an idle, booted connection costs the
// server in Go memory (heap objects and goroutine stacks, after a
// collection), beside the zero-logic coder/websocket responder served the
// same way. b.N connections are opened, each answers one CALL, then all sit
// idle.
//
//	go test -run '^$' -bench IdleConnection -benchtime 2000x ./ocpp
func BenchmarkIdleConnection(b *testing.B) {
	b.Run("ocpp", func(b *testing.B) {
		srv := ocpp.NewServer(ocpp.ServerConfig{Handler: ocpp.HandlerFunc(heartbeat), Logger: discardLogger()})
		b.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
		idleConnections(b, srv)
	})
	b.Run("responder", func(b *testing.B) { idleConnections(b, rawResponder()) })
}

func idleConnections(b *testing.B, h http.Handler) {
	hs := httptest.NewServer(h)
	defer hs.Close()
	u, _ := url.Parse(hs.URL)
	before := goMemory()
	conns := make([]net.Conn, 0, b.N)
	defer func() {
		for _, nc := range conns {
			nc.Close()
		}
	}()
	for i := range b.N {
		nc, err := net.Dial("tcp", u.Host)
		if err != nil {
			b.Fatal(err)
		}
		conns = append(conns, nc)
		cl := &rawClient{t: b, nc: nc, br: bufio.NewReaderSize(nc, 256)}
		fmt.Fprintf(nc, "GET /ocpp/CP%d HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n", i, u.Host)
		resp, err := http.ReadResponse(cl.br, nil)
		if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
			b.Fatalf("handshake: %v %v", resp, err)
		}
		cl.send(`[2,"` + strconv.Itoa(i) + `","Heartbeat",{}]`)
		cl.recv()
	}
	// The client side lives in this process too (a net.Conn and a 256-byte
	// reader per connection): it is counted, the same for both servers.
	after := goMemory()
	b.ReportMetric(float64(after-before)/float64(b.N), "B/conn")
}

// goMemory returns the bytes of live heap objects plus goroutine stacks
// after two collections (the second shrinks stacks the first found idle).
func goMemory() int64 {
	runtime.GC()
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64() + s[1].Value.Uint64())
}
