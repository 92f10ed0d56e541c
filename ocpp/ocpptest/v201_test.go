package ocpptest_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
	"github.com/ocppkit/ocppkit/ocpp/ocpptest"
	"github.com/ocppkit/ocppkit/ocpp/schemas"
)

// TestDefaultReplies201: every 2.0.1 CSMS action has a default reply, and
// each static one validates against the official schema of its response.
func TestDefaultReplies201(t *testing.T) {
	set, err := schemas.Load(schemas.OCPP201)
	if err != nil {
		t.Fatal(err)
	}
	echoed := map[string]bool{"GetVariables": true, "SetVariables": true, "ClearVariableMonitoring": true, "SetVariableMonitoring": true}
	for _, action := range ocpp201.CSMSActions {
		r := ocpptest.DefaultReplyFor(ocpp.OCPP201, action)
		if echoed[action] {
			if r != nil {
				t.Errorf("%s: a static reply for an answer that echoes its request", action)
			}
			continue
		}
		if r == nil {
			t.Errorf("%s: no default reply", action)
			continue
		}
		if err := set.Validate(action, true, r); err != nil {
			t.Errorf("%s: %v", action, err)
		}
	}
}

// TestStation201 runs a 2.0.1 charge point against a bare ocpp.Server: it
// negotiates 2.0.1, answers the CSMS's calls with valid 2.0.1 replies (its
// device model for Get/SetVariables), refuses invalid ones with 2.0.1's
// codes, and scripts a transaction with increasing seqNo.
func TestStation201(t *testing.T) {
	set, err := schemas.Load(schemas.OCPP201)
	if err != nil {
		t.Fatal(err)
	}
	received := make(chan ocpp.Frame, 16)
	conns := make(chan *ocpp.Conn, 1)
	handler := ocpp.HandlerFunc(func(_ context.Context, c *ocpp.Conn, action string, payload json.RawMessage) (json.RawMessage, error) {
		received <- ocpp.NewCall("", action, payload)
		switch action {
		case "TransactionEvent":
			return json.RawMessage(`{}`), nil
		case "Heartbeat":
			select {
			case conns <- c:
			default:
			}
			return json.RawMessage(`{"currentTime":"2026-01-01T00:00:00.000Z"}`), nil
		}
		return nil, ocpp.NewError(ocpp.NotImplemented, "not here")
	})
	srv := ocpp.NewServer(ocpp.ServerConfig{Handler: handler})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()); hs.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	cp, err := ocpptest.Dial(ctx, "ws"+strings.TrimPrefix(hs.URL, "http"), "CS-1", &ocpptest.Options{Subprotocols: ocpptest.Subprotocols201})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if cp.Version() != ocpp.OCPP201 {
		t.Fatalf("version %s", cp.Version())
	}
	if _, err := cp.V201().Heartbeat(ctx); err != nil {
		t.Fatal(err)
	}
	<-received
	conn := <-conns

	cp.SetVariable(ocpptest.VariableKey{Component: "OCPPCommCtrlr", Variable: "HeartbeatInterval"}, "300")
	for _, tt := range []struct {
		action, payload, want string
	}{
		{"GetVariables", `{"getVariableData":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}},{"component":{"name":"X"},"variable":{"name":"Y"}}]}`,
			`"attributeStatus":"Accepted","attributeValue":"300"`},
		{"SetVariables", `{"setVariableData":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"},"attributeValue":"60"}]}`, `"attributeStatus":"Accepted"`},
		{"GetVariables", `{"getVariableData":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}]}`, `"attributeValue":"60"`},
		{"SetVariableMonitoring", `{"setMonitoringData":[{"value":5,"type":"Delta","severity":2,"component":{"name":"EVSE","evse":{"id":1}},"variable":{"name":"Power"}}]}`, `"status":"Accepted"`},
		{"ClearVariableMonitoring", `{"id":[3]}`, `"id":3`},
		{"Reset", `{"type":"OnIdle"}`, `"status":"Accepted"`},
	} {
		res, err := conn.Call(ctx, tt.action, json.RawMessage(tt.payload))
		if err != nil || !strings.Contains(string(res), tt.want) {
			t.Errorf("%s: %s, %v; want %s", tt.action, res, err, tt.want)
			continue
		}
		if err := set.Validate(tt.action, true, res); err != nil {
			t.Errorf("%s reply %s: %v", tt.action, res, err)
		}
	}
	if _, err := conn.Call(ctx, "Reset", json.RawMessage(`{"type":"Soft"}`)); ocpp.CodeOf(err) != ocpp.PropertyConstraintViolation {
		t.Errorf("a 1.6 Reset to a 2.0.1 station: %v", err)
	}
	if _, err := conn.Call(ctx, "Reset", json.RawMessage(`{}`)); ocpp.CodeOf(err) != ocpp.OccurrenceConstraintViolation {
		t.Errorf("a Reset without type: %v, want the 2.0.1 spelling", err)
	}
	if _, err := conn.Call(ctx, "RemoteStartTransaction", json.RawMessage(`{"idTag":"T"}`)); ocpp.CodeOf(err) != ocpp.NotImplemented {
		t.Errorf("a 1.6-only action: %v", err)
	}

	tx, err := cp.V201().StartTransaction(ctx, ocpptest.TransactionOptions{IDToken: ocpp201.IdToken{IdToken: "T", Type: ocpp201.IdTokenTypeLocal}, MeterStartWh: 100})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Update(ctx, ocpptest.Reading{EnergyWh: 200, PowerW: 1000}); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.End(ctx, 300, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Update(ctx, ocpptest.Reading{EnergyWh: 400}); err == nil {
		t.Error("an Update after End was sent")
	}
	for seq := range 3 {
		f := <-received
		var ev ocpp201.TransactionEventRequest
		if err := ocpp201.Unmarshal(f.Payload, &ev, ocpp201.Strict); err != nil {
			t.Fatalf("event %d: %v", seq, err)
		}
		if ev.SeqNo != seq || ev.TransactionInfo.TransactionId != tx.ID {
			t.Errorf("event %d: seqNo %d, transaction %q", seq, ev.SeqNo, ev.TransactionInfo.TransactionId)
		}
		if err := set.Validate("TransactionEvent", false, f.Payload); err != nil {
			t.Errorf("event %d: %v", seq, err)
		}
	}
}
