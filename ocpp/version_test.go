package ocpp_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/coder/websocket"

	"github.com/ocppkit/ocppkit/ocpp"
)

// TestConnVersion: the negotiated version is on the connection, in its
// canonical spelling whatever the letter case the charge point offered.
func TestConnVersion(t *testing.T) {
	t.Parallel()
	versions := make(chan string, 4)
	h := ocpp.HandlerFunc(func(_ context.Context, c *ocpp.Conn, action string, _ json.RawMessage) (json.RawMessage, error) {
		versions <- c.Version()
		return json.RawMessage(`{}`), nil
	})
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
	for _, tt := range []struct{ offered, want string }{
		{"ocpp1.6", ocpp.OCPP16},
		{"ocpp2.0.1", ocpp.OCPP201},
		{"OCPP2.0.1", ocpp.OCPP201},
	} {
		cl := ts.dialWith(t, "CP-"+tt.offered, &websocket.DialOptions{Subprotocols: []string{tt.offered}})
		cl.call("1", "Heartbeat", "{}")
		if got := <-versions; got != tt.want {
			t.Errorf("offered %s: Version() = %q, want %q", tt.offered, got, tt.want)
		}
	}
}

// TestCallErrorSpelling: a handler's error goes on a 2.0.1 wire in 2.0.1's
// spelling and on a 1.6 wire in 1.6's.
func TestCallErrorSpelling(t *testing.T) {
	t.Parallel()
	codes := []ocpp.ErrorCode{ocpp.FormationViolation, ocpp.OccurenceConstraintViolation, ocpp.TypeConstraintViolation,
		ocpp.RpcFrameworkError, ocpp.FormatViolation, "NotAnOCPPCode"}
	h := ocpp.HandlerFunc(func(_ context.Context, _ *ocpp.Conn, action string, _ json.RawMessage) (json.RawMessage, error) {
		i, _ := strconv.Atoi(action)
		return nil, ocpp.NewError(codes[i], "bad")
	})
	ts := newTestServer(t, ocpp.ServerConfig{Handler: h})
	want := map[string][]ocpp.ErrorCode{
		ocpp.OCPP16: {ocpp.FormationViolation, ocpp.OccurenceConstraintViolation, ocpp.TypeConstraintViolation,
			ocpp.ProtocolError, ocpp.FormationViolation, ocpp.GenericError},
		ocpp.OCPP201: {ocpp.FormatViolation, ocpp.OccurrenceConstraintViolation, ocpp.TypeConstraintViolation,
			ocpp.RpcFrameworkError, ocpp.FormatViolation, ocpp.GenericError},
	}
	for version, codes := range want {
		cl := ts.dialWith(t, "CP-"+version, &websocket.DialOptions{Subprotocols: []string{version}})
		for i, code := range codes {
			f := cl.call("m"+strconv.Itoa(i), strconv.Itoa(i), "{}")
			if f.Type != ocpp.CallError || f.ErrorCode != code {
				t.Errorf("%s: handler code %s answered %+v, want %s", version, codes[i], f, code)
			}
		}
	}
}

// TestBadFrames201: on a 2.0.1 connection, frames that are not valid RPC
// messages get RpcFrameworkError (under message id "-1" when their own id
// cannot be read), unknown message types MessageTypeNotSupported, a
// payload that is not an object FormatViolation; malformed replies are
// never answered, and the connection goes on.
func TestBadFrames201(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		frame    string
		wantID   string // "" means no reply
		wantCode ocpp.ErrorCode
	}{
		{name: "not json", frame: `hello`, wantID: "-1", wantCode: ocpp.RpcFrameworkError},
		{name: "not an array", frame: `{"a":1}`, wantID: "-1", wantCode: ocpp.RpcFrameworkError},
		{name: "too short", frame: `[2,"x"]`, wantID: "-1", wantCode: ocpp.RpcFrameworkError},
		{name: "type not a number", frame: `["2","x","Heartbeat",{}]`, wantID: "-1", wantCode: ocpp.RpcFrameworkError},
		{name: "id not a string", frame: `[2,5,"Heartbeat",{}]`, wantID: "-1", wantCode: ocpp.RpcFrameworkError},
		{name: "call missing payload", frame: `[2,"b1","Heartbeat"]`, wantID: "b1", wantCode: ocpp.RpcFrameworkError},
		{name: "action not a string", frame: `[2,"b3",7,{}]`, wantID: "b3", wantCode: ocpp.RpcFrameworkError},
		{name: "call payload not object", frame: `[2,"b2","Heartbeat",[]]`, wantID: "b2", wantCode: ocpp.FormatViolation},
		{name: "unknown message type", frame: `[6,"b4","Heartbeat",{}]`, wantID: "b4", wantCode: ocpp.MessageTypeNotSupported},
		{name: "reply to nothing", frame: `[3,"b5",{}]`},
		{name: "malformed reply", frame: `[3,"b6",[]]`},
		{name: "reply without usable id", frame: `[3,7,{}]`},
	}
	ts := newTestServer(t, ocpp.ServerConfig{Handler: ocpp.HandlerFunc(heartbeat)})
	cl := ts.dialWith(t, "CP1", &websocket.DialOptions{Subprotocols: []string{ocpp.OCPP201}})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl.send(tt.frame)
			id := "hb" + strconv.Itoa(i)
			cl.send(`[2,"` + id + `","Heartbeat",{}]`)
			f := cl.recv()
			if tt.wantID != "" {
				if f.Type != ocpp.CallError || f.ID != tt.wantID || f.ErrorCode != tt.wantCode || !f.ErrorCode.ValidFor(ocpp.OCPP201) {
					t.Fatalf("reply %+v, want CALLERROR %s %s", f, tt.wantID, tt.wantCode)
				}
				f = cl.recv()
			}
			if f.Type != ocpp.CallResult || f.ID != id {
				t.Fatalf("after bad frame: %+v, want Heartbeat result", f)
			}
		})
	}
}
