package handlers_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/ocpp/ocpp201"
)

func newCall201(action string) *handlers.Call {
	c := newCall(action)
	c.Version = ocpp.OCPP201
	return c
}

// TestOnTakesTheVersionFromTheType: the same action name registered with
// the types of each version gives two handlers, each dispatched for its
// own version only.
func TestOnTakesTheVersionFromTheType(t *testing.T) {
	r := handlers.NewRegistry(nil)
	var got []string
	handlers.On(r, func(ctx context.Context, c *handlers.Call, req ocpp16.StatusNotificationRequest) (ocpp16.StatusNotificationResponse, error) {
		got = append(got, "1.6:"+string(req.Status))
		return ocpp16.StatusNotificationResponse{}, nil
	})
	handlers.On(r, func(ctx context.Context, c *handlers.Call, req ocpp201.StatusNotificationRequest) (ocpp201.StatusNotificationResponse, error) {
		got = append(got, "2.0.1:"+string(req.ConnectorStatus)+":"+c.Version)
		return ocpp201.StatusNotificationResponse{}, nil
	})
	ctx := context.Background()
	if _, err := r.Dispatch(ctx, newCall("StatusNotification"), json.RawMessage(`{"connectorId":1,"status":"Charging","errorCode":"NoError"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Dispatch(ctx, newCall201("StatusNotification"), json.RawMessage(`{"timestamp":"2025-01-01T00:00:00Z","connectorStatus":"Occupied","evseId":1,"connectorId":1}`)); err != nil {
		t.Fatal(err)
	}
	// A 1.6 payload on a 2.0.1 connection is judged by 2.0.1's schema.
	_, err := r.Dispatch(ctx, newCall201("StatusNotification"), json.RawMessage(`{"connectorId":1,"status":"Charging","errorCode":"NoError"}`))
	if ocpp.CodeOf(err) != ocpp.FormationViolation {
		t.Errorf("1.6 payload on 2.0.1: %v, want FormationViolation", err)
	}
	if strings.Join(got, " ") != "1.6:Charging 2.0.1:Occupied:ocpp2.0.1" {
		t.Errorf("handled %v", got)
	}
	if r.For(ocpp.OCPP201).Lookup(ocpp201.ActionStatusNotification) == nil || r.Lookup(ocpp16.ActionStatusNotification) == nil {
		t.Error("Lookup misses a registered override")
	}
	r.For(ocpp.OCPP201).Remove(ocpp201.ActionStatusNotification)
	if r.For(ocpp.OCPP201).Lookup(ocpp201.ActionStatusNotification) != nil || r.Lookup(ocpp16.ActionStatusNotification) == nil {
		t.Error("Remove of the 2.0.1 override touched the wrong one")
	}
}

// TestDispatch201Errors: what a 2.0.1 connection gets for actions it may
// not send.
func TestDispatch201Errors(t *testing.T) {
	r := handlers.NewRegistry(nil)
	handlers.On(r, func(ctx context.Context, c *handlers.Call, req ocpp16.StartTransactionRequest) (ocpp16.StartTransactionResponse, error) {
		t.Error("a 2.0.1 StartTransaction reached the 1.6 handler")
		return ocpp16.StartTransactionResponse{}, nil
	})
	handlers.On(r, func(ctx context.Context, c *handlers.Call, req ocpp201.HeartbeatRequest) (ocpp201.HeartbeatResponse, error) {
		return ocpp201.HeartbeatResponse{CurrentTime: ocpp201.Now()}, nil
	})
	handlers.On(r, func(ctx context.Context, c *handlers.Call, req ocpp201.AuthorizeRequest) (ocpp16.AuthorizeResponse, error) {
		return ocpp16.AuthorizeResponse{IdTagInfo: ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusAccepted}}, nil
	})
	tests := []struct {
		name, action, payload string
		code                  ocpp.ErrorCode
	}{
		{"ok", "Heartbeat", `{}`, ""},
		{"1.6-only action", "StartTransaction", `{"connectorId":1,"idTag":"A","meterStart":0,"timestamp":"2025-01-01T00:00:00Z"}`, ocpp.NotImplemented},
		{"unknown action", "Teleport", `{}`, ocpp.NotImplemented},
		{"action only the CSMS sends", "Reset", `{"type":"Immediate"}`, ocpp.NotSupported},
		{"known action without handler", "NotifyReport", `{"requestId":1,"generatedAt":"2025-01-01T00:00:00Z","seqNo":0}`, ocpp.NotSupported},
		{"response of the other version", "Authorize", `{"idToken":{"idToken":"A","type":"ISO14443"}}`, ocpp.InternalError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := r.Dispatch(context.Background(), newCall201(tt.action), json.RawMessage(tt.payload))
			if got := ocpp.CodeOf(err); got != tt.code {
				t.Fatalf("code = %q (err %v), want %q", got, err, tt.code)
			}
		})
	}
}

// TestVersionMode: a version's mode applies to its actions only; a charge
// point's mode wins over it.
func TestVersionMode(t *testing.T) {
	r := handlers.NewRegistry(nil)
	handlers.On(r, func(ctx context.Context, c *handlers.Call, req ocpp16.HeartbeatRequest) (ocpp16.HeartbeatResponse, error) {
		return ocpp16.HeartbeatResponse{CurrentTime: ocpp16.Now()}, nil
	})
	handlers.On(r, func(ctx context.Context, c *handlers.Call, req ocpp201.HeartbeatRequest) (ocpp201.HeartbeatResponse, error) {
		return ocpp201.HeartbeatResponse{CurrentTime: ocpp201.Now()}, nil
	})
	r.SetVersionMode(ocpp.OCPP201, ocpp16.Tolerant)
	ctx := context.Background()
	quirky := json.RawMessage(`{"vendorQuirk":1}`)
	if _, err := r.Dispatch(ctx, newCall201("Heartbeat"), quirky); err != nil {
		t.Errorf("2.0.1 tolerant: %v", err)
	}
	if _, err := r.Dispatch(ctx, newCall("Heartbeat"), quirky); ocpp.CodeOf(err) != ocpp.FormationViolation {
		t.Errorf("1.6 stays strict: %v", err)
	}
	r.SetChargePointMode("CP-1", ocpp16.Strict)
	if _, err := r.Dispatch(ctx, newCall201("Heartbeat"), quirky); ocpp.CodeOf(err) != ocpp.FormationViolation {
		t.Errorf("charge point strict over version tolerant: %v", err)
	}
	if r.ModeFor(ocpp.OCPP201, "CP-2", "Heartbeat") != ocpp16.Tolerant || r.Mode("CP-2", "Heartbeat") != ocpp16.Strict {
		t.Error("ModeFor/Mode disagree with the settings")
	}
}
