package ocpp_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/ocppkit/ocppkit/ocpp"
)

// TestNoGoroutineLeak runs connections through every way of ending (client
// close, replacement, Conn.Close, Shutdown) and checks that the number of
// goroutines returns to where it was. It does not run in parallel, so the
// count is not disturbed by other tests.
func TestNoGoroutineLeak(t *testing.T) {
	base := runtime.NumGoroutine()
	func() {
		h := newHooks(heartbeat)
		srv := ocpp.NewServer(ocpp.ServerConfig{Handler: h, PingInterval: 5 * time.Millisecond, Logger: discardLogger()})
		hs := httptest.NewServer(srv)
		defer hs.Close()
		url := "ws" + strings.TrimPrefix(hs.URL, "http") + "/ocpp/"
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		var clients []*websocket.Conn
		dial := func(id string) *websocket.Conn {
			ws, _, err := websocket.Dial(ctx, url+id, &websocket.DialOptions{Subprotocols: []string{"ocpp1.6"}})
			if err != nil {
				t.Fatal(err)
			}
			clients = append(clients, ws)
			return ws
		}
		defer func() {
			for _, ws := range clients {
				ws.CloseNow()
			}
		}()
		for i := range 10 {
			ws := dial("CP" + strconv.Itoa(i))
			if err := ws.Write(ctx, websocket.MessageText, []byte(`[2,"1","Heartbeat",{}]`)); err != nil {
				t.Fatal(err)
			}
			if _, _, err := ws.Read(ctx); err != nil {
				t.Fatal(err)
			}
		}
		// An outgoing call, answered.
		eventually(t, "CP0 registered", func() bool { _, ok := srv.Conn("CP0"); return ok })
		done := make(chan error, 1)
		go func() {
			_, err := srv.Call(ctx, "CP0", "Reset", json.RawMessage(`{"type":"Soft"}`))
			done <- err
		}()
		_, b, err := clients[0].Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		f, _ := ocpp.DecodeFrame(b)
		reply, _ := ocpp.NewCallResult(f.ID, json.RawMessage(`{"status":"Accepted"}`)).MarshalJSON()
		if err := clients[0].Write(ctx, websocket.MessageText, reply); err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		for _, ws := range clients {
			ws.CloseRead(ctx)
		}
		// Client close, replacement and Conn.Close.
		clients[1].Close(websocket.StatusNormalClosure, "")
		h.waitDisconnect(t)
		replacement := dial("CP2")
		replacement.CloseRead(ctx)
		h.waitDisconnect(t)
		c3, _ := srv.Conn("CP3")
		c3.Close()
		h.waitDisconnect(t)

		if err := srv.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
	}()
	eventually(t, "goroutines back to "+strconv.Itoa(base), func() bool { return runtime.NumGoroutine() <= base })
}
