package ocppkit_test

import (
	"context"
	"sync"
	"testing"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
)

// TestBadInputGetsPreciseErrors sends malformed frames and payloads from one
// charge point while another keeps sending heartbeats: each bad message gets
// its precise CALLERROR, the bad charge point's connection keeps working,
// and the other charge point is never disturbed.
func TestBadInputGetsPreciseErrors(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{AcceptUnknownIDTags: true})
	e.register(t, "CP-BAD", "pw-0123456789abcdef")
	e.register(t, "CP-GOOD", "pw-0123456789abcdef")
	bad := e.dial(t, "CP-BAD", "pw-0123456789abcdef")
	good := e.dial(t, "CP-GOOD", "pw-0123456789abcdef")
	ctx := context.Background()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var goodErr error
	var beats int
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := good.Heartbeat(ctx); err != nil {
				goodErr = err
				return
			}
			beats++
		}
	}()

	tests := []struct {
		name  string
		frame string
		code  ocpp.ErrorCode
	}{
		{"unknown action", `[2,"u1","FlyToTheMoon",{}]`, ocpp.NotImplemented},
		{"central system action from a charge point", `[2,"u2","Reset",{"type":"Soft"}]`, ocpp.NotSupported},
		{"payload not an object", `[2,"u3","Heartbeat",[]]`, ocpp.FormationViolation},
		{"missing required field", `[2,"u4","BootNotification",{"chargePointVendor":"ACME"}]`, ocpp.OccurenceConstraintViolation},
		{"wrong type", `[2,"u5","StartTransaction",{"connectorId":"one","idTag":"T","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}]`, ocpp.TypeConstraintViolation},
		{"bad enum", `[2,"u6","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Sleeping"}]`, ocpp.PropertyConstraintViolation},
		{"string too long", `[2,"u7","Authorize",{"idTag":"0123456789012345678901"}]`, ocpp.PropertyConstraintViolation},
		{"unknown property", `[2,"u8","Heartbeat",{"extra":1}]`, ocpp.FormationViolation},
		{"malformed meter value", `[2,"u9","MeterValues",{"connectorId":1,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":"abc"}]}]}]`, ocpp.PropertyConstraintViolation},
		{"wrong frame shape", `[2,"u10","Heartbeat"]`, ocpp.FormationViolation},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := bad.CallRaw(ctx, []byte(tt.frame))
			if err != nil {
				t.Fatal(err)
			}
			if f.Type != ocpp.CallError || f.ErrorCode != tt.code {
				t.Errorf("reply = %+v, want CALLERROR %s", f, tt.code)
			}
		})
	}
	// Still usable afterwards.
	if _, err := bad.Heartbeat(ctx); err != nil {
		t.Fatalf("heartbeat after bad input: %v", err)
	}
	close(stop)
	wg.Wait()
	if goodErr != nil {
		t.Fatalf("the other charge point was disturbed: %v", goodErr)
	}
	if beats == 0 {
		t.Fatal("the other charge point sent no heartbeat")
	}
}
