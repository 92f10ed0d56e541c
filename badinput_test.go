package ocppkit_test

import (
	"context"
	"strconv"
	"sync"
	"testing"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
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

// TestOutOfRangeValues: connector and transaction ids outside the ranges
// the OCPP 1.6 specification gives (connectorId > 0 for StartTransaction,
// >= 0 for StatusNotification and MeterValues; transaction ids are
// positive) are refused in strict mode with PropertyConstraintViolation,
// and nothing is stored (before: a connector -1 row, sessions on connector
// -7 and 0, meter values on connector -3). A charge point in tolerant mode
// is still served.
func TestOutOfRangeValues(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{AcceptUnknownIDTags: true})
	e.register(t, "CP-RANGE", "pw-0123456789abcdef")
	cp := e.dial(t, "CP-RANGE", "pw-0123456789abcdef")
	ctx := context.Background()
	tests := []struct {
		name  string
		frame string
	}{
		{"status of connector -1", `[2,"r1","StatusNotification",{"connectorId":-1,"errorCode":"NoError","status":"Available"}]`},
		{"transaction on connector -7", `[2,"r2","StartTransaction",{"connectorId":-7,"idTag":"T","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}]`},
		{"transaction on connector 0", `[2,"r3","StartTransaction",{"connectorId":0,"idTag":"T","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}]`},
		{"meter values of connector -3", `[2,"r4","MeterValues",{"connectorId":-3,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":"1"}]}]}]`},
		{"meter values of transaction -5", `[2,"r5","MeterValues",{"connectorId":1,"transactionId":-5,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":"1"}]}]}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := cp.CallRaw(ctx, []byte(tt.frame))
			if err != nil {
				t.Fatal(err)
			}
			if f.Type != ocpp.CallError || f.ErrorCode != ocpp.PropertyConstraintViolation {
				t.Errorf("reply = %+v, want CALLERROR PropertyConstraintViolation", f)
			}
		})
	}
	db := e.csms.Store.DB()
	for _, model := range []any{&store.Connector{}, &store.ChargingSession{}, &store.MeterValue{}} {
		var n int64
		db.Model(model).Count(&n)
		if n != 0 {
			t.Errorf("%T: %d rows stored from out-of-range values", model, n)
		}
	}
	// Connector 0 (the charge point as a whole) is in range for status.
	if f, err := cp.CallRaw(ctx, []byte(`[2,"r6","StatusNotification",{"connectorId":0,"errorCode":"NoError","status":"Available"}]`)); err != nil || f.Type != ocpp.CallResult {
		t.Errorf("status of connector 0: %+v, %v", f, err)
	}
	// Tolerant mode, for a charger known to misbehave, takes it.
	e.csms.Handlers.SetChargePointMode("CP-RANGE", ocpp16.Tolerant)
	if f, err := cp.CallRaw(ctx, []byte(tests[0].frame)); err != nil || f.Type != ocpp.CallResult {
		t.Errorf("tolerant mode: %+v, %v", f, err)
	}
}

// TestSampledValuesMustBeDecimal: an OCPP 1.6 sampled value in Raw format
// is a decimal number. strconv.ParseFloat alone also takes "NaN", "Inf",
// hexadecimal and underscored forms: a NaN reading failed the NOT NULL
// value column on SQLite (SQLite stores NaN as NULL), so the charge point
// got InternalError and resent it forever, and on PostgreSQL it was stored
// and made the session's energy NaN, which no JSON encoder takes. They are
// refused with PropertyConstraintViolation and nothing is stored; an
// exponent is still read.
func TestSampledValuesMustBeDecimal(t *testing.T) {
	e := newEnv(t, testdb.SQLite(t), ocppkit.Config{AcceptUnknownIDTags: true})
	e.register(t, "CP-NAN", "pw-0123456789abcdef")
	cp := e.dial(t, "CP-NAN", "pw-0123456789abcdef")
	ctx := context.Background()
	frame := func(id, value string) []byte {
		return []byte(`[2,"` + id + `","MeterValues",{"connectorId":1,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":"` + value + `"}]}]}]`)
	}
	for i, value := range []string{"NaN", "nan", "Inf", "-Infinity", "+inf", "0x1p3", "1_000", "1e400", "", " 12", "12 "} {
		f, err := cp.CallRaw(ctx, frame("n"+strconv.Itoa(i), value))
		if err != nil {
			t.Fatal(err)
		}
		if f.Type != ocpp.CallError || f.ErrorCode != ocpp.PropertyConstraintViolation {
			t.Errorf("value %q: reply %+v, want CALLERROR PropertyConstraintViolation", value, f)
		}
	}
	var n int64
	e.csms.Store.DB().Model(&store.MeterValue{}).Count(&n)
	if n != 0 {
		t.Errorf("%d meter values stored from values that are not decimals", n)
	}
	if f, err := cp.CallRaw(ctx, frame("ok", "1.5E3")); err != nil || f.Type != ocpp.CallResult {
		t.Fatalf("value 1.5E3: %+v, %v", f, err)
	}
	var mv store.MeterValue
	if err := e.csms.Store.DB().First(&mv).Error; err != nil || mv.Value != 1500 {
		t.Errorf("value 1.5E3 stored as %v (%v), want 1500", mv.Value, err)
	}
}
