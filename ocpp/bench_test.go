package ocpp_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/coder/websocket"

	"github.com/ocppkit/ocppkit/ocpp"
)

var (
	benchCall  = []byte(`[2,"2b6f1a3c-19b1-4c8e-9e3d-6a1f0c4b8e21","Heartbeat",{}]`)
	benchReply = []byte(`[3,"2b6f1a3c-19b1-4c8e-9e3d-6a1f0c4b8e21",{"currentTime":"2025-01-01T00:00:00.000Z"}]`)
)

// rawResponder is the zero-logic baseline: a WebSocket server that answers
// every message with a fixed reply, no decoding, no queue.
func rawResponder() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"ocpp1.6"}})
		if err != nil {
			return
		}
		defer ws.CloseNow()
		ws.SetReadLimit(64 << 10)
		ctx := context.Background()
		for {
			_, _, err := ws.Read(ctx)
			if err != nil {
				return
			}
			if err := ws.Write(ctx, websocket.MessageText, benchReply); err != nil {
				return
			}
		}
	})
}

func benchServer(b *testing.B) http.Handler {
	srv := ocpp.NewServer(ocpp.ServerConfig{
		Handler:   ocpp.HandlerFunc(heartbeat),
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		RateLimit: -1,
	})
	b.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	return srv
}

// roundTrips runs b.N Heartbeat CALL→CALLRESULT round trips over conns
// connections of h, each connection used by one goroutine.
func roundTrips(b *testing.B, h http.Handler, conns int) {
	hs := httptest.NewServer(h)
	defer hs.Close()
	url := "ws" + strings.TrimPrefix(hs.URL, "http") + "/ocpp/"
	ctx := context.Background()
	clients := make(chan *websocket.Conn, conns)
	for i := range conns {
		ws, _, err := websocket.Dial(ctx, url+"CP"+string(rune('A'+i%26))+strings.Repeat("x", i/26), &websocket.DialOptions{Subprotocols: []string{"ocpp1.6"}})
		if err != nil {
			b.Fatal(err)
		}
		defer ws.CloseNow()
		clients <- ws
	}
	var failed atomic.Bool
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for range conns {
		ws := <-clients
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(b.N) {
				if err := ws.Write(ctx, websocket.MessageText, benchCall); err != nil {
					failed.Store(true)
					return
				}
				if _, _, err := ws.Read(ctx); err != nil {
					failed.Store(true)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	if failed.Load() {
		b.Fatal("round trip failed")
	}
}

// BenchmarkRoundTrip measures one Heartbeat CALL→CALLRESULT over a real
// socket with a trivial handler, against the zero-logic baseline.
func BenchmarkRoundTrip(b *testing.B) {
	for _, conns := range []int{1, 100} {
		b.Run("ocpp/conns="+itoa(conns), func(b *testing.B) { roundTrips(b, benchServer(b), conns) })
		b.Run("raw/conns="+itoa(conns), func(b *testing.B) { roundTrips(b, rawResponder(), conns) })
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
