package handlers_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

func newCall(action string) *handlers.Call {
	return &handlers.Call{
		Identity:    "CP-1",
		ChargePoint: &store.ChargePoint{ID: 1, Identifier: "CP-1"},
		Action:      action,
		Logger:      slog.New(slog.DiscardHandler),
	}
}

func TestDispatchErrors(t *testing.T) {
	r := handlers.NewRegistry(nil)
	handlers.On(r, func(ctx context.Context, c *handlers.Call, req ocpp16.HeartbeatRequest) (ocpp16.HeartbeatResponse, error) {
		return ocpp16.HeartbeatResponse{CurrentTime: ocpp16.Now()}, nil
	})
	handlers.On(r, func(ctx context.Context, c *handlers.Call, req ocpp16.AuthorizeRequest) (ocpp16.AuthorizeResponse, error) {
		panic("boom")
	})
	handlers.On(r, func(ctx context.Context, c *handlers.Call, req ocpp16.DataTransferRequest) (ocpp16.DataTransferResponse, error) {
		return ocpp16.DataTransferResponse{Status: "Maybe"}, nil // breaks the schema
	})
	handlers.On(r, func(ctx context.Context, c *handlers.Call, req ocpp16.FirmwareStatusNotificationRequest) (ocpp16.FirmwareStatusNotificationResponse, error) {
		return ocpp16.FirmwareStatusNotificationResponse{}, errors.New("database is on fire")
	})
	tests := []struct {
		name, action, payload string
		code                  ocpp.ErrorCode
	}{
		{"ok", "Heartbeat", `{}`, ""},
		{"unknown action", "Teleport", `{}`, ocpp.NotImplemented},
		{"known action without handler", "Reset", `{"type":"Hard"}`, ocpp.NotSupported},
		{"invalid payload", "Heartbeat", `{"x":1}`, ocpp.FormationViolation},
		{"panicking handler", "Authorize", `{"idTag":"A"}`, ocpp.InternalError},
		{"handler returns an invalid response", "DataTransfer", `{"vendorId":"V"}`, ocpp.InternalError},
		{"plain error", "FirmwareStatusNotification", `{"status":"Idle"}`, ocpp.InternalError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := r.Dispatch(context.Background(), newCall(tt.action), json.RawMessage(tt.payload))
			if got := ocpp.CodeOf(err); got != tt.code {
				t.Fatalf("code = %q (err %v), want %q", got, err, tt.code)
			}
			if tt.code == "" && !json.Valid(out) {
				t.Fatalf("reply %s is not JSON", out)
			}
			// What reaches the wire never carries our internal text.
			if err != nil {
				f := ocpp.NewCallError("1", err)
				if strings.Contains(f.ErrorDescription, "fire") || strings.Contains(f.ErrorDescription, "boom") {
					t.Errorf("internal detail on the wire: %q", f.ErrorDescription)
				}
			}
		})
	}
}

// TestOverrideDelegatesToDefault checks Default/Invoke and that Remove
// restores the default.
func TestOverrideDelegatesToDefault(t *testing.T) {
	r := handlers.NewRegistry(nil)
	var calls []string
	r.SetDefault(ocpp16.ActionAuthorize, handlers.Typed(func(ctx context.Context, c *handlers.Call, req ocpp16.AuthorizeRequest) (ocpp16.AuthorizeResponse, error) {
		calls = append(calls, "default:"+req.IdTag)
		return ocpp16.AuthorizeResponse{IdTagInfo: ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusAccepted}}, nil
	}))
	def := r.Default(ocpp16.ActionAuthorize)
	handlers.On(r, func(ctx context.Context, c *handlers.Call, req ocpp16.AuthorizeRequest) (ocpp16.AuthorizeResponse, error) {
		calls = append(calls, "override:"+req.IdTag)
		if req.IdTag == "BLOCKED" {
			return ocpp16.AuthorizeResponse{IdTagInfo: ocpp16.IdTagInfo{Status: ocpp16.AuthorizationStatusBlocked}}, nil
		}
		return handlers.Invoke[ocpp16.AuthorizeResponse](ctx, def, c, req)
	})
	for _, tag := range []string{"A", "BLOCKED"} {
		if _, err := r.Dispatch(context.Background(), newCall("Authorize"), json.RawMessage(`{"idTag":"`+tag+`"}`)); err != nil {
			t.Fatal(err)
		}
	}
	r.Remove(ocpp16.ActionAuthorize)
	out, err := r.Dispatch(context.Background(), newCall("Authorize"), json.RawMessage(`{"idTag":"B"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(calls, ","); got != "override:A,default:A,override:BLOCKED,default:B" {
		t.Errorf("calls = %s", got)
	}
	if !strings.Contains(string(out), `"Accepted"`) {
		t.Errorf("reply = %s", out)
	}
}

func TestMiddlewareOrderAndModes(t *testing.T) {
	r := handlers.NewRegistry(nil)
	var order []string
	mw := func(name string) handlers.Middleware {
		return func(next handlers.Handler) handlers.Handler {
			return handlers.HandlerFunc(func(ctx context.Context, c *handlers.Call, req ocpp16.Request) (ocpp16.Response, error) {
				order = append(order, name+">")
				res, err := next.Handle(ctx, c, req)
				order = append(order, "<"+name)
				return res, err
			})
		}
	}
	handlers.On(r, func(ctx context.Context, c *handlers.Call, req ocpp16.BootNotificationRequest) (ocpp16.BootNotificationResponse, error) {
		order = append(order, "handler:"+req.ChargePointVendor)
		return ocpp16.BootNotificationResponse{Status: ocpp16.RegistrationStatusAccepted, CurrentTime: ocpp16.Now(), Interval: 60}, nil
	})
	r.Use(mw("outer"), mw("inner"))
	long := `{"chargePointVendor":"` + strings.Repeat("V", 55) + `","chargePointModel":"M"}`
	if _, err := r.Dispatch(context.Background(), newCall("BootNotification"), json.RawMessage(long)); ocpp.CodeOf(err) != ocpp.PropertyConstraintViolation {
		t.Fatalf("strict: over-long vendor gave %v", err)
	}
	r.SetChargePointMode("CP-1", ocpp16.Tolerant)
	if _, err := r.Dispatch(context.Background(), newCall("BootNotification"), json.RawMessage(long)); err != nil {
		t.Fatalf("tolerant charge point: %v", err)
	}
	if got := strings.Join(order, " "); got != "outer> inner> handler:"+strings.Repeat("V", 50)+" <inner <outer" {
		t.Errorf("order = %s", got)
	}
	r.SetChargePointMode("CP-1", ocpp16.Strict)
	r.SetActionMode("BootNotification", ocpp16.Tolerant)
	if got := r.Mode("CP-1", "BootNotification"); got != ocpp16.Strict {
		t.Errorf("charge point mode should win over action mode, got %v", got)
	}
	if got := r.Mode("CP-2", "BootNotification"); got != ocpp16.Tolerant {
		t.Errorf("action mode = %v", got)
	}
}

// TestRegistryChangesWhileDispatching registers, removes and re-moded
// handlers while other goroutines dispatch (run with -race): every
// dispatch sees either the default or the override, whole, and the last
// change wins.
func TestRegistryChangesWhileDispatching(t *testing.T) {
	r := handlers.NewRegistry(nil)
	answer := func(status ocpp16.DataTransferStatus) handlers.Handler {
		return handlers.Typed(func(ctx context.Context, c *handlers.Call, req ocpp16.DataTransferRequest) (ocpp16.DataTransferResponse, error) {
			return ocpp16.DataTransferResponse{Status: status}, nil
		})
	}
	r.SetDefault(ocpp16.ActionDataTransfer, answer(ocpp16.DataTransferStatusAccepted))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				out, err := r.Dispatch(context.Background(), newCall(ocpp16.ActionDataTransfer), json.RawMessage(`{"vendorId":"V"}`))
				if err != nil {
					t.Error(err)
					return
				}
				if s := string(out); s != `{"status":"Accepted"}` && s != `{"status":"Rejected"}` {
					t.Errorf("dispatch answered %s", s)
					return
				}
			}
		})
	}
	for i := range 200 {
		r.Handle(ocpp16.ActionDataTransfer, answer(ocpp16.DataTransferStatusRejected))
		r.SetChargePointMode(fmt.Sprintf("CP-%d", i), ocpp16.Tolerant)
		r.SetVersionMode(ocpp.OCPP16, ocpp16.Strict)
		r.Remove(ocpp16.ActionDataTransfer)
	}
	r.Handle(ocpp16.ActionDataTransfer, answer(ocpp16.DataTransferStatusRejected))
	close(stop)
	wg.Wait()
	out, err := r.Dispatch(context.Background(), newCall(ocpp16.ActionDataTransfer), json.RawMessage(`{"vendorId":"V"}`))
	if err != nil || string(out) != `{"status":"Rejected"}` {
		t.Errorf("after the last change: %s, %v; want the override's Rejected", out, err)
	}
	if got := r.Mode("CP-199", ocpp16.ActionDataTransfer); got != ocpp16.Tolerant {
		t.Errorf("Mode of CP-199 = %v, want Tolerant", got)
	}
	if got := r.Mode("CP-1", ocpp16.ActionDataTransfer); got != ocpp16.Tolerant {
		t.Errorf("Mode of CP-1 = %v, want Tolerant", got)
	}
}
