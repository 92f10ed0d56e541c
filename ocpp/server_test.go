package ocpp_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/ocppkit/ocppkit/ocpp"
)

func TestSubprotocol(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		ours       []string
		offered    []string
		wantStatus int
		wantProto  string
	}{
		{name: "none offered", offered: nil, wantStatus: http.StatusBadRequest},
		{name: "other offered", offered: []string{"ocpp2.1"}, wantStatus: http.StatusBadRequest},
		{name: "ocpp1.6", offered: []string{"ocpp1.6"}, wantStatus: http.StatusSwitchingProtocols, wantProto: "ocpp1.6"},
		{name: "ocpp2.0.1", offered: []string{"ocpp2.0.1"}, wantStatus: http.StatusSwitchingProtocols, wantProto: "ocpp2.0.1"},
		{name: "default prefers 2.0.1", offered: []string{"ocpp1.6", "ocpp2.0.1"}, wantStatus: http.StatusSwitchingProtocols, wantProto: "ocpp2.0.1"},
		{name: "ocpp1.6 among unknown ones", offered: []string{"ocpp2.1", "ocpp1.6"}, wantStatus: http.StatusSwitchingProtocols, wantProto: "ocpp1.6"},
		{name: "configured preference", ours: []string{"ocpp1.6", "ocpp2.0.1"}, offered: []string{"ocpp2.0.1", "ocpp1.6"},
			wantStatus: http.StatusSwitchingProtocols, wantProto: "ocpp1.6"},
		{name: "configured, not offered", ours: []string{"ocpp2.0.1"}, offered: []string{"ocpp1.6"}, wantStatus: http.StatusBadRequest},
		{name: "only 1.6 configured", ours: []string{"ocpp1.6"}, offered: []string{"ocpp2.0.1"}, wantStatus: http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t, ocpp.ServerConfig{Subprotocols: tt.ours, Handler: ocpp.HandlerFunc(heartbeat)})
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			ws, resp, err := websocket.Dial(ctx, ts.url+"CP1", &websocket.DialOptions{Subprotocols: tt.offered})
			if tt.wantStatus != http.StatusSwitchingProtocols {
				if err == nil {
					ws.CloseNow()
					t.Fatal("handshake accepted, want refusal")
				}
				if resp.StatusCode != tt.wantStatus {
					t.Fatalf("status %d, want %d", resp.StatusCode, tt.wantStatus)
				}
				return
			}
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			defer ws.CloseNow()
			if got := ws.Subprotocol(); got != tt.wantProto {
				t.Errorf("subprotocol %q, want %q", got, tt.wantProto)
			}
		})
	}
}

func TestSubprotocolRefusalBody(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, ocpp.ServerConfig{})
	status, body, _ := ts.dialStatus(t, "CP1", nil)
	if status != http.StatusBadRequest || !strings.Contains(body, "ocpp1.6") || !strings.Contains(body, "ocpp2.0.1") {
		t.Errorf("got %d %q, want 400 naming ocpp2.0.1 and ocpp1.6", status, body)
	}
	if !ts.logs.has(slog.LevelWarn, "no supported subprotocol") {
		t.Error("refusal not logged at Warn")
	}
}

func TestAuthentication(t *testing.T) {
	t.Parallel()
	digest, err := ocpp.HashPassword("s3cret-key")
	if err != nil {
		t.Fatal(err)
	}
	auth := ocpp.AuthenticatorFunc(func(_ context.Context, r *http.Request, identity string) error {
		switch identity {
		case "broken":
			return errors.New("database down")
		case "CP1":
		default:
			return fmt.Errorf("lookup %q: %w", identity, ocpp.ErrUnknownChargePoint)
		}
		user, pass, ok := r.BasicAuth()
		if !ok || user != identity || !ocpp.VerifyPassword(digest, pass) {
			return ocpp.ErrUnauthorized
		}
		return nil
	})
	tests := []struct {
		name       string
		identity   string
		user, pass string
		wantStatus int
	}{
		{name: "valid credentials", identity: "CP1", user: "CP1", pass: "s3cret-key", wantStatus: http.StatusSwitchingProtocols},
		{name: "wrong password", identity: "CP1", user: "CP1", pass: "nope", wantStatus: http.StatusUnauthorized},
		{name: "no credentials", identity: "CP1", wantStatus: http.StatusUnauthorized},
		{name: "user is not the identity", identity: "CP1", user: "CP2", pass: "s3cret-key", wantStatus: http.StatusUnauthorized},
		{name: "unknown charge point: as a wrong password", identity: "CP9", user: "CP9", pass: "x", wantStatus: http.StatusUnauthorized},
		{name: "authenticator failure", identity: "broken", user: "broken", pass: "x", wantStatus: http.StatusUnauthorized},
	}
	ts := newTestServer(t, ocpp.ServerConfig{Authenticator: auth})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			opts := &websocket.DialOptions{Subprotocols: []string{"ocpp1.6"}, HTTPHeader: http.Header{}}
			if tt.user != "" {
				req := &http.Request{Header: http.Header{}}
				req.SetBasicAuth(tt.user, tt.pass)
				opts.HTTPHeader.Set("Authorization", req.Header.Get("Authorization"))
			}
			status, _, header := ts.dialStatus(t, tt.identity, opts)
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d", status, tt.wantStatus)
			}
			if status == http.StatusUnauthorized && header.Get("WWW-Authenticate") != `Basic realm="ocpp"` {
				t.Errorf("WWW-Authenticate %q", header.Get("WWW-Authenticate"))
			}
		})
	}
}

func TestIdentity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		path       string // after /ocpp/
		want       string
		wantStatus int
	}{
		{name: "plain", path: "CP-001", want: "CP-001", wantStatus: http.StatusSwitchingProtocols},
		{name: "percent-encoded", path: "DE%2AABC%2AE1%3A2", want: "DE*ABC*E1:2", wantStatus: http.StatusSwitchingProtocols},
		{name: "last segment", path: "site/CP7", want: "CP7", wantStatus: http.StatusSwitchingProtocols},
		{name: "48 characters", path: strings.Repeat("x", 48), want: strings.Repeat("x", 48), wantStatus: http.StatusSwitchingProtocols},
		{name: "empty", path: "", wantStatus: http.StatusNotFound},
		{name: "trailing slash", path: "CP1/", wantStatus: http.StatusNotFound},
		{name: "49 characters", path: strings.Repeat("x", 49), wantStatus: http.StatusBadRequest},
		{name: "5000 characters", path: strings.Repeat("x", 5000), wantStatus: http.StatusBadRequest},
		{name: "encoded slash", path: "CP%2F1", wantStatus: http.StatusBadRequest},
		{name: "space", path: "CP%201", wantStatus: http.StatusBadRequest},
		{name: "newline", path: "CP%0A1", wantStatus: http.StatusBadRequest},
		{name: "NUL", path: "CP%001", wantStatus: http.StatusBadRequest},
		{name: "markup", path: "%22%3E%3Cscript%3E", wantStatus: http.StatusBadRequest},
		{name: "not ASCII", path: "a%C3%A9", wantStatus: http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := make(chan string, 1)
			h := newHooks(heartbeat)
			h.connected = func(_ context.Context, c *ocpp.Conn) error {
				got <- c.Identity()
				return nil
			}
			ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
			status, _, _ := ts.dialStatus(t, tt.path, &websocket.DialOptions{Subprotocols: []string{"ocpp1.6"}})
			if status != tt.wantStatus {
				t.Fatalf("status %d, want %d", status, tt.wantStatus)
			}
			if tt.wantStatus != http.StatusSwitchingProtocols {
				return
			}
			select {
			case id := <-got:
				if id != tt.want {
					t.Errorf("identity %q, want %q", id, tt.want)
				}
			case <-time.After(testTimeout):
				t.Fatal("Connected not called")
			}
		})
	}
}

func TestConnAccessors(t *testing.T) {
	t.Parallel()
	h := newHooks(heartbeat)
	type key struct{}
	got := make(chan *ocpp.Conn, 1)
	h.connected = func(ctx context.Context, c *ocpp.Conn) error {
		c.SetValue(key{}, 42)
		got <- c
		return nil
	}
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
	before := time.Now()
	cl := ts.dial(t, "CP1")
	c := <-got
	if c.Identity() != "CP1" || c.Value(key{}) != 42 || c.Subprotocol() != "ocpp1.6" ||
		c.RemoteAddr() == "" || c.ConnectedAt().Before(before.Add(-time.Second)) || c.Request().URL.Path != "/ocpp/CP1" {
		t.Errorf("accessors: %q %v %q %q %v %q", c.Identity(), c.Value(key{}), c.Subprotocol(), c.RemoteAddr(), c.ConnectedAt(), c.Request().URL.Path)
	}
	// The connection becomes visible once Connected has returned.
	eventually(t, "Server.Conn returns the connection", func() bool {
		c2, ok := ts.srv.Conn("CP1")
		return ok && c2 == c
	})
	if n, ids := ts.srv.Len(), ts.srv.Identities(); n != 1 || len(ids) != 1 || ids[0] != "CP1" {
		t.Errorf("Len %d Identities %v", n, ids)
	}
	cl.ws.Close(websocket.StatusNormalClosure, "bye")
	d := h.waitDisconnect(t)
	if websocket.CloseStatus(d.err) != websocket.StatusNormalClosure {
		t.Errorf("Disconnected cause %v, want a normal closure", d.err)
	}
	if c.Context().Err() == nil {
		t.Error("Context not done after disconnect")
	}
	if _, ok := ts.srv.Conn("CP1"); ok || ts.srv.Len() != 0 {
		t.Error("connection still registered")
	}
	if _, err := ts.srv.Call(context.Background(), "CP1", "Reset", nil); !errors.Is(err, ocpp.ErrNotConnected) {
		t.Errorf("Call to absent charge point: %v, want ErrNotConnected", err)
	}
}

func TestIncomingInOrder(t *testing.T) {
	t.Parallel()
	const n = 200
	var mu sync.Mutex
	var order []int
	h := ocpp.HandlerFunc(func(_ context.Context, _ *ocpp.Conn, _ string, payload json.RawMessage) (json.RawMessage, error) {
		var p struct{ N int }
		if err := json.Unmarshal(payload, &p); err != nil {
			return nil, err
		}
		mu.Lock()
		order = append(order, p.N)
		mu.Unlock()
		return payload, nil
	})
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h, RateLimit: -1})
	cl := ts.dial(t, "CP1")
	other := ts.dial(t, "CP2")
	otherDone := make(chan struct{})
	go func() { // a second connection runs concurrently
		defer close(otherDone)
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		for i := range 20 {
			if err := other.ws.Write(ctx, websocket.MessageText, []byte(`[2,"o`+strconv.Itoa(i)+`","DataTransfer",{"N":-1}]`)); err != nil {
				t.Errorf("other connection: %v", err)
				return
			}
		}
		for range 20 {
			if _, _, err := other.ws.Read(ctx); err != nil {
				t.Errorf("other connection: %v", err)
				return
			}
		}
	}()
	defer func() { <-otherDone }()
	for i := range n {
		cl.send(fmt.Sprintf(`[2,"m%d","DataTransfer",{"N":%d}]`, i, i))
	}
	for i := range n {
		f := cl.recv()
		if f.Type != ocpp.CallResult || f.ID != "m"+strconv.Itoa(i) {
			t.Fatalf("reply %d: %+v", i, f)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	j := 0
	for _, v := range order {
		if v == -1 {
			continue
		}
		if v != j {
			t.Fatalf("handled %d at position %d", v, j)
		}
		j++
	}
}

func TestHandlerResults(t *testing.T) {
	t.Parallel()
	h := ocpp.HandlerFunc(func(_ context.Context, _ *ocpp.Conn, action string, _ json.RawMessage) (json.RawMessage, error) {
		switch action {
		case "Panic":
			panic("boom")
		case "Internal":
			return nil, errors.New("secret database detail")
		case "Wrapped":
			return nil, fmt.Errorf("validate: %w", ocpp.NewError(ocpp.PropertyConstraintViolation, "connectorId must be >= 0"))
		case "BadJSON":
			return json.RawMessage(`{"a":`), nil
		case "Nil":
			return nil, nil
		}
		return heartbeat(context.Background(), nil, action, nil)
	})
	tests := []struct {
		name     string
		action   string
		wantType ocpp.MessageType
		wantCode ocpp.ErrorCode
		wantDesc string
		wantLog  string
	}{
		{name: "result", action: "Heartbeat", wantType: ocpp.CallResult},
		{name: "nil payload", action: "Nil", wantType: ocpp.CallResult},
		{name: "ocpp error", action: "Unknown", wantType: ocpp.CallError, wantCode: ocpp.NotImplemented, wantDesc: "unknown action Unknown"},
		{name: "wrapped ocpp error", action: "Wrapped", wantType: ocpp.CallError, wantCode: ocpp.PropertyConstraintViolation, wantDesc: "connectorId must be >= 0"},
		{name: "internal error", action: "Internal", wantType: ocpp.CallError, wantCode: ocpp.InternalError, wantDesc: "internal error", wantLog: "handler failed"},
		{name: "panic", action: "Panic", wantType: ocpp.CallError, wantCode: ocpp.InternalError, wantDesc: "internal error", wantLog: "handler failed"},
		{name: "invalid payload", action: "BadJSON", wantType: ocpp.CallError, wantCode: ocpp.InternalError, wantDesc: "internal error", wantLog: "invalid reply"},
	}
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
	cl := ts.dial(t, "CP1")
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := cl.call("id"+strconv.Itoa(i), tt.action, "{}")
			if f.Type != tt.wantType || f.ErrorCode != tt.wantCode || (tt.wantDesc != "" && f.ErrorDescription != tt.wantDesc) {
				t.Errorf("got %+v", f)
			}
			if tt.action == "Nil" && string(f.Payload) != "{}" {
				t.Errorf("nil payload sent as %s", f.Payload)
			}
			if tt.wantLog != "" && !ts.logs.has(slog.LevelError, tt.wantLog) {
				t.Errorf("no Error log %q", tt.wantLog)
			}
		})
	}
	// The connection survived all of it.
	if f := cl.call("last", "Heartbeat", "{}"); f.Type != ocpp.CallResult {
		t.Errorf("after errors: %+v", f)
	}
}

func TestNilHandlerNotImplemented(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, ocpp.ServerConfig{})
	cl := ts.dial(t, "CP1")
	if f := cl.call("1", "BootNotification", "{}"); f.ErrorCode != ocpp.NotImplemented {
		t.Errorf("got %+v, want NotImplemented", f)
	}
}

func TestBadFrames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		frame    string
		wantID   string // "" means no reply
		wantCode ocpp.ErrorCode
	}{
		{name: "not json", frame: `hello`},
		{name: "not an array", frame: `{"a":1}`},
		{name: "too short", frame: `[2,"x"]`},
		{name: "id not a string", frame: `[2,5,"Heartbeat",{}]`},
		{name: "id too long", frame: `[2,"` + strings.Repeat("x", 37) + `","Heartbeat",{}]`},
		{name: "call missing payload", frame: `[2,"b1","Heartbeat"]`, wantID: "b1", wantCode: ocpp.FormationViolation},
		{name: "call payload not object", frame: `[2,"b2","Heartbeat",[]]`, wantID: "b2", wantCode: ocpp.FormationViolation},
		{name: "action not a string", frame: `[2,"b3",7,{}]`, wantID: "b3", wantCode: ocpp.FormationViolation},
		{name: "unknown message type", frame: `[7,"b4","Heartbeat",{}]`, wantID: "b4", wantCode: ocpp.ProtocolError},
		{name: "reply to nothing", frame: `[3,"b5",{}]`},
		{name: "malformed reply", frame: `[3,"b6",[]]`},
	}
	ts := newTestServer(t, ocpp.ServerConfig{Handler: ocpp.HandlerFunc(heartbeat)})
	cl := ts.dial(t, "CP1")
	other := ts.dial(t, "CP2")
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl.send(tt.frame)
			// A Heartbeat right after: its reply comes after any reply to the
			// bad frame, so a missing or extra reply shows.
			id := "hb" + strconv.Itoa(i)
			cl.send(`[2,"` + id + `","Heartbeat",{}]`)
			f := cl.recv()
			if tt.wantID != "" {
				if f.Type != ocpp.CallError || f.ID != tt.wantID || f.ErrorCode != tt.wantCode {
					t.Fatalf("reply %+v, want CALLERROR %s %s", f, tt.wantID, tt.wantCode)
				}
				f = cl.recv()
			}
			if f.Type != ocpp.CallResult || f.ID != id {
				t.Fatalf("after bad frame: %+v, want Heartbeat result", f)
			}
			if f := other.call("o"+strconv.Itoa(i), "Heartbeat", "{}"); f.Type != ocpp.CallResult {
				t.Fatalf("other connection: %+v", f)
			}
		})
	}
	if !ts.logs.has(slog.LevelWarn, "malformed") {
		t.Error("bad frames not logged at Warn")
	}
}

func TestBinaryMessageCloses(t *testing.T) {
	t.Parallel()
	h := newHooks(heartbeat)
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
	cl := ts.dial(t, "CP1")
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := cl.ws.Write(ctx, websocket.MessageBinary, []byte(`[2,"1","Heartbeat",{}]`)); err != nil {
		t.Fatal(err)
	}
	if got := websocket.CloseStatus(cl.recvErr()); got != websocket.StatusUnsupportedData {
		t.Errorf("close status %v, want StatusUnsupportedData", got)
	}
	if d := h.waitDisconnect(t); ocpp.CodeOf(d.err) != ocpp.ProtocolError {
		t.Errorf("cause %v", d.err)
	}
}

func TestOversizedFrame(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, ocpp.ServerConfig{Handler: ocpp.HandlerFunc(heartbeat), MaxFrameSize: 1024})
	big := ts.dial(t, "CP1")
	other := ts.dial(t, "CP2")
	if f := big.call("1", "Heartbeat", `{"pad":"`+strings.Repeat("x", 900)+`"}`); f.Type != ocpp.CallResult {
		t.Fatalf("frame under the limit: %+v", f)
	}
	big.send(`[2,"2","Heartbeat",{"pad":"` + strings.Repeat("x", 2000) + `"}]`)
	if got := websocket.CloseStatus(big.recvErr()); got != websocket.StatusMessageTooBig {
		t.Errorf("close status %v, want StatusMessageTooBig", got)
	}
	if f := other.call("3", "Heartbeat", "{}"); f.Type != ocpp.CallResult {
		t.Errorf("other connection: %+v", f)
	}
	eventually(t, "Warn log", func() bool { return ts.logs.has(slog.LevelWarn, "size limit") })
}

func TestRateLimitDelaysNeverDrops(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, ocpp.ServerConfig{Handler: ocpp.HandlerFunc(heartbeat), RateLimit: 200, RateBurst: 2})
	cl := ts.dial(t, "CP1")
	const n = 30
	for i := range n {
		cl.send(`[2,"` + strconv.Itoa(i) + `","Heartbeat",{}]`)
	}
	for i := range n {
		if f := cl.recv(); f.ID != strconv.Itoa(i) || f.Type != ocpp.CallResult {
			t.Fatalf("reply %d: %+v", i, f)
		}
	}
}

// connectedConn dials identity and returns the server's Conn for it.
func connectedConn(t *testing.T, ts *testServer, identity string) (*client, *ocpp.Conn) {
	t.Helper()
	cl := ts.dial(t, identity)
	var c *ocpp.Conn
	eventually(t, "registration", func() bool {
		var ok bool
		c, ok = ts.srv.Conn(identity)
		return ok
	})
	return cl, c
}

func TestCallReply(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, ocpp.ServerConfig{Handler: ocpp.HandlerFunc(heartbeat)})
	cl, _ := connectedConn(t, ts, "CP1")
	tests := []struct {
		name     string
		answer   func(f ocpp.Frame)
		want     string
		wantCode ocpp.ErrorCode
	}{
		{name: "result", answer: func(f ocpp.Frame) { cl.reply(f, `{"status":"Accepted"}`) }, want: `{"status":"Accepted"}`},
		{name: "call error", answer: func(f ocpp.Frame) {
			cl.send(`[4,"` + f.ID + `","NotSupported","no resets here",{"x":1}]`)
		}, wantCode: ocpp.NotSupported},
		{name: "malformed reply", answer: func(f ocpp.Frame) { cl.send(`[3,"` + f.ID + `",7]`) }, wantCode: ocpp.FormationViolation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			type result struct {
				res json.RawMessage
				err error
			}
			done := make(chan result, 1)
			go func() {
				res, err := ts.srv.Call(context.Background(), "CP1", "Reset", json.RawMessage(`{"type":"Soft"}`))
				done <- result{res, err}
			}()
			f := cl.recv()
			if f.Type != ocpp.Call || f.Action != "Reset" || string(f.Payload) != `{"type":"Soft"}` || len(f.ID) > 36 {
				t.Fatalf("CALL %+v", f)
			}
			tt.answer(f)
			r := <-done
			if tt.wantCode != "" {
				var oe *ocpp.Error
				if !errors.As(r.err, &oe) || oe.Code != tt.wantCode {
					t.Fatalf("err %v, want *Error %s", r.err, tt.wantCode)
				}
				if tt.wantCode == ocpp.NotSupported && (oe.Description != "no resets here" || string(oe.Details) != `{"x":1}`) {
					t.Errorf("error %+v", oe)
				}
				return
			}
			if r.err != nil || string(r.res) != tt.want {
				t.Fatalf("got %s, %v", r.res, r.err)
			}
		})
	}
}

func TestCallWhileAwaitingReply(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, ocpp.ServerConfig{Handler: ocpp.HandlerFunc(heartbeat)})
	cl, c := connectedConn(t, ts, "CP1")
	done := make(chan error, 1)
	go func() {
		_, err := c.Call(context.Background(), "TriggerMessage", json.RawMessage(`{"requestedMessage":"Heartbeat"}`))
		done <- err
	}()
	ours := cl.recv()
	// The charge point sends its own CALL before answering ours, and waits
	// for the reply: the server must answer it.
	if f := cl.call("cp-1", "Heartbeat", "{}"); f.Type != ocpp.CallResult {
		t.Fatalf("CALL while awaiting a reply: %+v", f)
	}
	cl.reply(ours, `{"status":"Accepted"}`)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestCallFromHandlerToSameChargePoint(t *testing.T) {
	t.Parallel()
	h := ocpp.HandlerFunc(func(ctx context.Context, c *ocpp.Conn, action string, _ json.RawMessage) (json.RawMessage, error) {
		if action != "BootNotification" {
			return heartbeat(ctx, c, action, nil)
		}
		res, err := c.Call(ctx, "GetConfiguration", nil)
		if err != nil {
			return nil, err
		}
		return res, nil
	})
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
	cl := ts.dial(t, "CP1")
	cl.send(`[2,"boot","BootNotification",{}]`)
	f := cl.recv()
	if f.Type != ocpp.Call || f.Action != "GetConfiguration" {
		t.Fatalf("got %+v", f)
	}
	cl.reply(f, `{"configurationKey":[]}`)
	if r := cl.recv(); r.ID != "boot" || string(r.Payload) != `{"configurationKey":[]}` {
		t.Fatalf("boot reply %+v", r)
	}
}

func TestCallQueueing(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, ocpp.ServerConfig{Handler: ocpp.HandlerFunc(heartbeat), CallQueueSize: 2})
	cl, c := connectedConn(t, ts, "CP1")
	type result struct {
		res string
		err error
	}
	call := func(ctx context.Context, action string) chan result {
		ch := make(chan result, 1)
		go func() {
			res, err := c.Call(ctx, action, nil)
			ch <- result{string(res), err}
		}()
		return ch
	}
	first := call(context.Background(), "First")
	f1 := cl.recv()
	if f1.Action != "First" {
		t.Fatalf("got %+v", f1)
	}
	cancelCtx, cancel := context.WithCancel(context.Background())
	cancelled := call(cancelCtx, "Cancelled")
	second := call(context.Background(), "Second")
	eventually(t, "two queued calls", func() bool { return c.QueuedCalls() == 3 })
	if _, err := c.Call(context.Background(), "Overflow", nil); !errors.Is(err, ocpp.ErrCallQueueFull) {
		t.Errorf("overflow: %v, want ErrCallQueueFull", err)
	}
	cancel()
	if r := <-cancelled; r.err != context.Canceled {
		t.Errorf("cancelled while queued: %v, want context.Canceled", r.err)
	}
	// Nothing else was sent while First is outstanding: the next frame the
	// charge point receives is the reply to its own Heartbeat.
	if f := cl.call("hb", "Heartbeat", "{}"); f.Type != ocpp.CallResult {
		t.Fatalf("got %+v", f)
	}
	cl.reply(f1, `{"n":1}`)
	if r := <-first; r.err != nil || r.res != `{"n":1}` {
		t.Fatalf("first: %+v", r)
	}
	f2 := cl.recv()
	if f2.Action != "Second" || f2.ID == f1.ID {
		t.Fatalf("after First: %+v (the cancelled call must never be sent)", f2)
	}
	cl.reply(f2, `{"n":2}`)
	if r := <-second; r.err != nil || r.res != `{"n":2}` {
		t.Fatalf("second: %+v", r)
	}
}

func TestCallTimeouts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		timeout time.Duration
		ctx     func() (context.Context, context.CancelFunc)
		check   func(error) bool
	}{
		{name: "CallTimeout", timeout: 20 * time.Millisecond, ctx: func() (context.Context, context.CancelFunc) {
			return context.WithCancel(context.Background())
		}, check: func(err error) bool { return errors.Is(err, ocpp.ErrTimeout) }},
		{name: "ctx deadline", timeout: time.Hour, ctx: func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 20*time.Millisecond)
		}, check: func(err error) bool {
			return errors.Is(err, ocpp.ErrTimeout) && errors.Is(err, context.DeadlineExceeded)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts := newTestServer(t, ocpp.ServerConfig{Handler: ocpp.HandlerFunc(heartbeat), CallTimeout: tt.timeout})
			cl, c := connectedConn(t, ts, "CP1")
			ctx, cancel := tt.ctx()
			defer cancel()
			_, err := c.Call(ctx, "Reset", nil)
			if !tt.check(err) {
				t.Fatalf("err %v", err)
			}
			// The late reply is dropped (logged), and the next call works.
			late := cl.recv()
			cl.reply(late, `{}`)
			done := make(chan error, 1)
			go func() {
				_, err := c.Call(context.Background(), "Reset", nil)
				done <- err
			}()
			next := cl.recv()
			if next.ID == late.ID {
				t.Fatal("message id reused")
			}
			cl.reply(next, `{}`)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			eventually(t, "Warn log for the late reply", func() bool { return ts.logs.has(slog.LevelWarn, "unknown message id") })
		})
	}
}

func TestCallCancelledWhileAwaiting(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, ocpp.ServerConfig{Handler: ocpp.HandlerFunc(heartbeat)})
	cl, c := connectedConn(t, ts, "CP1")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.Call(ctx, "Reset", nil)
		done <- err
	}()
	cl.recv()
	cancel()
	if err := <-done; err != context.Canceled {
		t.Fatalf("err %v, want context.Canceled", err)
	}
}

func TestCallOnClosedConnection(t *testing.T) {
	t.Parallel()
	h := newHooks(heartbeat)
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
	cl, c := connectedConn(t, ts, "CP1")
	done := make(chan error, 1)
	go func() {
		_, err := c.Call(context.Background(), "Reset", nil)
		done <- err
	}()
	cl.recv()
	cl.ws.CloseNow()
	if err := <-done; !errors.Is(err, ocpp.ErrClosed) {
		t.Fatalf("err %v, want ErrClosed", err)
	}
	h.waitDisconnect(t)
	if _, err := c.Call(context.Background(), "Reset", nil); !errors.Is(err, ocpp.ErrClosed) {
		t.Fatalf("after disconnect: %v, want ErrClosed", err)
	}
}

func TestConnClose(t *testing.T) {
	t.Parallel()
	h := newHooks(heartbeat)
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
	cl, c := connectedConn(t, ts, "CP1")
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if got := websocket.CloseStatus(cl.recvErr()); got != websocket.StatusNormalClosure {
		t.Errorf("close status %v", got)
	}
	if d := h.waitDisconnect(t); !errors.Is(d.err, ocpp.ErrClosed) {
		t.Errorf("cause %v, want ErrClosed", d.err)
	}
	<-c.Done()
}

func TestConnectedRefuses(t *testing.T) {
	t.Parallel()
	h := newHooks(heartbeat)
	h.connected = func(context.Context, *ocpp.Conn) error { return errors.New("not registered") }
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
	cl := ts.dial(t, "CP1")
	if got := websocket.CloseStatus(cl.recvErr()); got != websocket.StatusPolicyViolation {
		t.Errorf("close status %v, want StatusPolicyViolation", got)
	}
	eventually(t, "unregistration", func() bool { return ts.srv.Len() == 0 })
	select {
	case d := <-h.disconnects:
		t.Errorf("Disconnected called for a refused connection: %v", d.err)
	default:
	}
}

func TestReplacementOrdering(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var handled atomic.Int32
	var h *hooks
	h = newHooks(func(ctx context.Context, c *ocpp.Conn, action string, p json.RawMessage) (json.RawMessage, error) {
		handled.Add(1)
		h.record("call " + c.Request().Header.Get("X-Seq"))
		return heartbeat(ctx, c, action, p)
	})
	h.disconnected = func(context.Context, *ocpp.Conn, error) { <-release } // a slow "disconnected" DB write
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h})

	a := ts.dialWith(t, "CP1", seqHeader("A"))
	if f := a.call("a1", "Heartbeat", "{}"); f.Type != ocpp.CallResult {
		t.Fatal(f)
	}
	b := ts.dialWith(t, "CP1", seqHeader("B"))
	b.send(`[2,"b1","Heartbeat",{}]`) // sent before A's Disconnected returns
	err := a.recvErr()
	var ce websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.StatusPolicyViolation || ce.Reason != "replaced by a newer connection" {
		t.Errorf("old connection closed with %v", err)
	}
	if handled.Load() != 1 {
		t.Fatal("the new connection's CALL was handled before the old one's Disconnected returned")
	}
	close(release)
	if f := b.recv(); f.ID != "b1" || f.Type != ocpp.CallResult {
		t.Fatal(f)
	}
	d := h.waitDisconnect(t)
	if !errors.Is(d.err, ocpp.ErrReplaced) {
		t.Errorf("old connection's cause %v, want ErrReplaced", d.err)
	}
	want := []string{"connected A", "call A", "disconnected A", "connected B", "call B"}
	if got := h.snapshot(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("events %v, want %v", got, want)
	}
	if c, ok := ts.srv.Conn("CP1"); !ok || c.Request().Header.Get("X-Seq") != "B" {
		t.Error("the newer connection is not registered")
	}
}

// checkPairs verifies that Connected and Disconnected never overlap: each
// connection's Disconnected comes before the next Connected.
func checkPairs(t *testing.T, events []string) {
	t.Helper()
	open := ""
	for _, e := range events {
		kind, seq, _ := strings.Cut(e, " ")
		switch kind {
		case "connected":
			if open != "" {
				t.Fatalf("connected %s while %s is still connected: %v", seq, open, events)
			}
			open = seq
		case "disconnected":
			if open != seq {
				t.Fatalf("disconnected %s while %q is connected: %v", seq, open, events)
			}
			open = ""
		}
	}
}

func TestReplacementStorm(t *testing.T) {
	t.Parallel()
	const n = 20
	t.Run("sequential", func(t *testing.T) {
		t.Parallel()
		h := newHooks(heartbeat)
		ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
		clients := make([]*client, n)
		for i := range n {
			clients[i] = ts.dialWith(t, "CP1", seqHeader(strconv.Itoa(i)))
			if i < n-1 {
				clients[i].ws.CloseRead(context.Background()) // answer the close handshake
			}
		}
		last := strconv.Itoa(n - 1)
		eventually(t, "the last connection registered", func() bool {
			c, ok := ts.srv.Conn("CP1")
			return ok && c.Request().Header.Get("X-Seq") == last
		})
		if f := clients[n-1].call("x", "Heartbeat", "{}"); f.Type != ocpp.CallResult {
			t.Fatal(f)
		}
		if ts.srv.Len() != 1 {
			t.Errorf("Len %d", ts.srv.Len())
		}
		checkPairs(t, h.snapshot())
	})
	t.Run("concurrent", func(t *testing.T) {
		t.Parallel()
		h := newHooks(heartbeat)
		ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
		clients := make([]*client, n)
		closed := make([]chan struct{}, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
				defer cancel()
				ws, _, err := websocket.Dial(ctx, ts.url+"CP1", seqHeader(strconv.Itoa(i)))
				if err != nil {
					t.Errorf("dial: %v", err)
					return
				}
				t.Cleanup(func() { ws.CloseNow() })
				clients[i] = &client{t: t, ws: ws}
				closed[i] = make(chan struct{})
				go func() {
					<-ws.CloseRead(context.Background()).Done()
					close(closed[i])
				}()
			}()
		}
		wg.Wait()
		survivor := -1
		eventually(t, "all but one connection closed", func() bool {
			open := 0
			for i := range n {
				select {
				case <-closed[i]:
				default:
					open++
					survivor = i
				}
			}
			return open == 1
		})
		eventually(t, "the survivor registered", func() bool {
			c, ok := ts.srv.Conn("CP1")
			return ok && c.Request().Header.Get("X-Seq") == strconv.Itoa(survivor)
		})
		if ts.srv.Len() != 1 {
			t.Errorf("Len %d", ts.srv.Len())
		}
		checkPairs(t, h.snapshot())
	})
}

func TestPingDetectsDeadPeer(t *testing.T) {
	t.Parallel()
	h := newHooks(heartbeat)
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h, PingInterval: 20 * time.Millisecond, PongTimeout: 50 * time.Millisecond})
	// A live client keeps answering pings.
	live := ts.dial(t, "LIVE")
	live.ws.CloseRead(context.Background())

	// A raw TCP client completes the handshake and then never reads.
	u, _ := url.Parse(ts.hs.URL)
	nc, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	fmt.Fprintf(nc, "GET /ocpp/DEAD HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ocpp1.6\r\n\r\n", u.Host)
	resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: %v %v", resp, err)
	}
	d := h.waitDisconnect(t)
	if d.conn.Identity() != "DEAD" || !errors.Is(d.err, ocpp.ErrTimeout) {
		t.Fatalf("Disconnected(%s, %v), want DEAD with ErrTimeout", d.conn.Identity(), d.err)
	}
	if _, ok := ts.srv.Conn("DEAD"); ok {
		t.Error("dead charge point still registered")
	}
	if _, ok := ts.srv.Conn("LIVE"); !ok {
		t.Error("live charge point disconnected")
	}
	if !ts.logs.has(slog.LevelWarn, "no pong") {
		t.Error("dead peer not logged at Warn")
	}
}

func TestShutdown(t *testing.T) {
	t.Parallel()
	inHandler := make(chan struct{})
	release := make(chan struct{})
	h := newHooks(func(ctx context.Context, c *ocpp.Conn, action string, p json.RawMessage) (json.RawMessage, error) {
		if action == "Slow" {
			close(inHandler)
			<-release
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return json.RawMessage(`{"slow":true}`), nil
		}
		return heartbeat(ctx, c, action, p)
	})
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
	const n = 5
	clients := make([]*client, n)
	for i := range n {
		clients[i], _ = connectedConn(t, ts, "CP"+strconv.Itoa(i))
	}
	clients[0].send(`[2,"s","Slow",{}]`)
	<-inHandler

	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		defer cancel()
		shut <- ts.srv.Shutdown(ctx)
	}()
	eventually(t, "503 for new handshakes", func() bool {
		status, _, _ := ts.dialStatus(t, "NEW", &websocket.DialOptions{Subprotocols: []string{"ocpp1.6"}})
		return status == http.StatusServiceUnavailable
	})
	for i := 1; i < n; i++ {
		if got := websocket.CloseStatus(clients[i].recvErr()); got != websocket.StatusGoingAway {
			t.Errorf("client %d: close status %v, want StatusGoingAway", i, got)
		}
	}
	close(release)
	// The call in progress is finished and answered before the close.
	if f := clients[0].recv(); f.ID != "s" || string(f.Payload) != `{"slow":true}` {
		t.Errorf("in-flight reply %+v", f)
	}
	if got := websocket.CloseStatus(clients[0].recvErr()); got != websocket.StatusGoingAway {
		t.Errorf("close status %v", got)
	}
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
	if ts.srv.Len() != 0 {
		t.Errorf("Len %d after Shutdown", ts.srv.Len())
	}
	for seen := 0; seen < n; {
		d := h.waitDisconnect(t)
		if d.conn.Identity() == "NEW" { // a probe that connected before Shutdown began
			continue
		}
		seen++
		if !errors.Is(d.err, ocpp.ErrServerClosed) {
			t.Errorf("%s: cause %v, want ErrServerClosed", d.conn.Identity(), d.err)
		}
	}
}

func TestShutdownContextExpires(t *testing.T) {
	t.Parallel()
	inHandler := make(chan struct{})
	h := newHooks(func(ctx context.Context, c *ocpp.Conn, action string, p json.RawMessage) (json.RawMessage, error) {
		close(inHandler)
		<-ctx.Done() // ends only when the connection is force-closed
		return nil, ctx.Err()
	})
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
	cl, _ := connectedConn(t, ts, "CP1")
	cl.send(`[2,"s","Stuck",{}]`)
	<-inHandler
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := ts.srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Shutdown: %v, want DeadlineExceeded", err)
	}
	h.waitDisconnect(t) // the forced close cancelled the handler, and Disconnected ran
}

// TestQueuedCallWithTooLittleTimeIsNotSent: a call that waited behind an
// unanswered one and whose turn comes with less than MinCallTime left is
// failed with ErrTimeout without reaching the charge point (before, a burst
// of such calls reached a silent station just as each timed out).
func TestQueuedCallWithTooLittleTimeIsNotSent(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, ocpp.ServerConfig{Handler: ocpp.HandlerFunc(heartbeat), MinCallTime: time.Second})
	cl, c := connectedConn(t, ts, "CP1")
	firstCtx, cancelFirst := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancelFirst()
	first := make(chan error, 1)
	go func() { _, err := c.Call(firstCtx, "Unanswered", nil); first <- err }()
	if f := cl.recv(); f.Action != "Unanswered" {
		t.Fatalf("got %+v", f)
	}
	// Queued behind it, with a deadline soon after the first one's: its
	// turn comes with less than a second left.
	lateCtx, cancelLate := context.WithTimeout(context.Background(), 800*time.Millisecond)
	defer cancelLate()
	late := make(chan error, 1)
	go func() { _, err := c.Call(lateCtx, "Late", nil); late <- err }()
	if err := <-first; !errors.Is(err, ocpp.ErrTimeout) {
		t.Fatalf("first: %v, want ErrTimeout", err)
	}
	if err := <-late; !errors.Is(err, ocpp.ErrTimeout) {
		t.Fatalf("late: %v, want ErrTimeout", err)
	}
	// The next frame the charge point gets is the reply to its own
	// Heartbeat: Late was never sent.
	if f := cl.call("hb", "Heartbeat", "{}"); f.Type != ocpp.CallResult || f.ID != "hb" {
		t.Fatalf("got %+v, want the Heartbeat's reply (Late must not be sent)", f)
	}
	// A call that did not wait is sent whatever its deadline.
	shortCtx, cancelShort := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancelShort()
	go func() { _, _ = c.Call(shortCtx, "Prompt", nil) }()
	if f := cl.recv(); f.Action != "Prompt" {
		t.Fatalf("got %+v, want Prompt", f)
	}
}

// TestPlainRequestNeverReachesAuthenticator: a request that is not a
// WebSocket handshake (a browser's GET, a scanner's POST) is answered 426
// before the Authenticator, which may load or create rows, sees it.
func TestPlainRequestNeverReachesAuthenticator(t *testing.T) {
	t.Parallel()
	var calls atomic.Int64
	auth := ocpp.AuthenticatorFunc(func(context.Context, *http.Request, string) error {
		calls.Add(1)
		return nil
	})
	ts := newTestServer(t, ocpp.ServerConfig{Authenticator: auth})
	base := strings.Replace(ts.url, "ws://", "http://", 1)
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		req, _ := http.NewRequest(method, base+"CP-PLAIN", nil)
		req.Header.Set("Sec-WebSocket-Protocol", "ocpp1.6")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUpgradeRequired {
			t.Errorf("%s: status %d, want 426", method, res.StatusCode)
		}
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("the Authenticator ran %d times for plain requests", n)
	}
}

// TestHandshakeRateLimit: handshakes from one address beyond the burst are
// refused with 429 and Retry-After, before authentication; HandshakeKey
// decides what counts as one address (behind a proxy).
func TestHandshakeRateLimit(t *testing.T) {
	t.Parallel()
	var auths atomic.Int64
	auth := ocpp.AuthenticatorFunc(func(context.Context, *http.Request, string) error {
		auths.Add(1)
		return ocpp.ErrUnauthorized
	})
	ts := newTestServer(t, ocpp.ServerConfig{
		Authenticator:  auth,
		HandshakeRate:  0.001, // one per 1000 s: the burst is all there is
		HandshakeBurst: 3,
		HandshakeKey:   func(r *http.Request) string { return r.Header.Get("X-Test-Client") },
	})
	dial := func(client string) (int, http.Header) {
		status, _, h := ts.dialStatus(t, "CP-RL", &websocket.DialOptions{Subprotocols: []string{"ocpp1.6"}, HTTPHeader: http.Header{"X-Test-Client": {client}}})
		return status, h
	}
	for i := range 3 {
		if status, _ := dial("a"); status != http.StatusUnauthorized {
			t.Fatalf("handshake %d: %d, want 401", i, status)
		}
	}
	status, h := dial("a")
	if status != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Fatalf("4th handshake: %d (Retry-After %q), want 429 with Retry-After", status, h.Get("Retry-After"))
	}
	if n := auths.Load(); n != 3 {
		t.Errorf("Authenticator ran %d times, want 3", n)
	}
	if status, _ := dial("b"); status != http.StatusUnauthorized {
		t.Errorf("another client: %d, want 401", status)
	}
}

// TestHandshakeRateLimitCountsFailures: successful handshakes take no
// token, so a fleet reconnecting at once behind one address is never
// throttled; failed ones do, and once they have used the burst, a charge
// point with good credentials from that address waits too.
func TestHandshakeRateLimitCountsFailures(t *testing.T) {
	t.Parallel()
	auth := ocpp.AuthenticatorFunc(func(_ context.Context, r *http.Request, _ string) error {
		if r.Header.Get("X-Test-Password") != "good" {
			return ocpp.ErrUnauthorized
		}
		return nil
	})
	ts := newTestServer(t, ocpp.ServerConfig{
		Handler:        ocpp.HandlerFunc(heartbeat),
		Authenticator:  auth,
		HandshakeRate:  0.001,
		HandshakeBurst: 3,
	})
	dial := func(identity, password string) int {
		status, _, _ := ts.dialStatus(t, identity, &websocket.DialOptions{Subprotocols: []string{"ocpp1.6"}, HTTPHeader: http.Header{"X-Test-Password": {password}}})
		return status
	}
	for i := range 10 {
		if status := dial("CP-OK"+strconv.Itoa(i), "good"); status != http.StatusSwitchingProtocols {
			t.Fatalf("successful handshake %d: %d, want 101", i, status)
		}
	}
	for i := range 3 {
		if status := dial("CP-BAD", "bad"); status != http.StatusUnauthorized {
			t.Fatalf("failed handshake %d: %d, want 401", i, status)
		}
	}
	if status := dial("CP-OK", "good"); status != http.StatusTooManyRequests {
		t.Errorf("after 3 failures: %d, want 429", status)
	}
}

// TestInvalidUTF8ClosesWith1007: a text message that is not UTF-8 is not
// answered; the connection closes with 1007 (RFC 6455 §8.1).
func TestInvalidUTF8ClosesWith1007(t *testing.T) {
	t.Parallel()
	ts := newTestServer(t, ocpp.ServerConfig{Handler: ocpp.HandlerFunc(heartbeat)})
	cl := ts.dial(t, "CP-UTF8")
	cl.send("[2,\"1\",\"Heartbeat\",{\"x\":\"\xff\xfe\"}]")
	err := cl.recvErr()
	if got := websocket.CloseStatus(err); got != websocket.StatusInvalidFramePayloadData {
		t.Fatalf("read after invalid UTF-8: %v (close status %d), want 1007", err, got)
	}
}

// TestConnValuesConcurrent sets and reads values of one connection from
// several goroutines (run with -race): readers never see a torn slice, and
// every key ends with its last value.
func TestConnValuesConcurrent(t *testing.T) {
	t.Parallel()
	h := newHooks(heartbeat)
	got := make(chan *ocpp.Conn, 1)
	h.connected = func(ctx context.Context, c *ocpp.Conn) error {
		got <- c
		return nil
	}
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
	ts.dial(t, "CP1")
	c := <-got
	type key int
	const keys, rounds = 8, 200
	var wg sync.WaitGroup
	for k := range keys {
		wg.Go(func() {
			for i := range rounds {
				c.SetValue(key(k), i)
			}
		})
		wg.Go(func() {
			for range rounds {
				if v, ok := c.Value(key(k)).(int); c.Value(key(k)) != nil && (!ok || v < 0 || v >= rounds) {
					t.Errorf("Value(%d) = %v", k, v)
					return
				}
			}
		})
	}
	wg.Wait()
	for k := range keys {
		if v := c.Value(key(k)); v != rounds-1 {
			t.Errorf("Value(%d) = %v, want %d", k, v, rounds-1)
		}
	}
	if v := c.Value("absent"); v != nil {
		t.Errorf("Value of an absent key = %v", v)
	}
}

// TestFramesLoggedWhenServerLoggerDebug: frames are logged (in and out,
// with the charge point's attribute) exactly while the server's logger is
// enabled for Debug, however its level changes during a connection.
func TestFramesLoggedWhenServerLoggerDebug(t *testing.T) {
	t.Parallel()
	var level slog.LevelVar
	level.Set(slog.LevelInfo)
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: &level}))
	ts := newTestServer(t, ocpp.ServerConfig{Handler: newHooks(heartbeat), Logger: logger})
	cl := ts.dial(t, "CP1")
	cl.call("1", "Heartbeat", "{}")
	if strings.Contains(buf.String(), "ocpp: frame") {
		t.Fatalf("frames logged at Info:\n%s", buf.String())
	}
	level.Set(slog.LevelDebug)
	cl.call("2", "Heartbeat", "{}")
	out := buf.String()
	for _, want := range []string{"direction=in", "direction=out", "charge_point=CP1", `[2,\"2\",\"Heartbeat\",{}]`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}
