package ocppkit_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
)

// TestValidateSchemas: with Config.ValidateSchemas, a payload that a
// tolerant charge point gets away with is handled and logged at Warn with
// the official schema's verdict (and not without the option); in strict
// mode valid calls go through unchanged and invalid ones keep the
// decoder's precise error code.
func TestValidateSchemas(t *testing.T) {
	// connectorId as a string: Tolerant decodes it, the schema wants an
	// integer.
	quirky := `[2,"q1","StatusNotification",{"connectorId":"1","errorCode":"NoError","status":"Available"}]`
	for _, validate := range []bool{false, true} {
		t.Run(map[bool]string{false: "off", true: "on"}[validate], func(t *testing.T) {
			e := newEnv(t, testdb.SQLite(t), ocppkit.Config{Mode: ocpp16.Tolerant, ValidateSchemas: validate})
			e.register(t, "CP-SCHEMA", "pw-0123456789abcdef")
			cp := e.dial(t, "CP-SCHEMA", "pw-0123456789abcdef")
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			reply, err := cp.CallRaw(ctx, []byte(quirky))
			if err != nil || reply.Type != ocpp.CallResult {
				t.Fatalf("tolerant StatusNotification: %+v, %v", reply, err)
			}
			var logged []string
			for _, w := range e.frames.warned() {
				if strings.Contains(w, "official schema") {
					logged = append(logged, w)
				}
			}
			switch {
			case validate && (len(logged) != 1 || !strings.Contains(logged[0], "action=StatusNotification") || !strings.Contains(logged[0], "connectorId")):
				t.Fatalf("warnings %q, want one naming the action and connectorId", logged)
			case !validate && len(logged) != 0:
				t.Fatalf("warnings %q without ValidateSchemas", logged)
			}
		})
	}

	t.Run("strict", func(t *testing.T) {
		e := newEnv(t, testdb.SQLite(t), ocppkit.Config{ValidateSchemas: true, AcceptUnknownIDTags: true})
		e.register(t, "CP-STRICT", "pw-0123456789abcdef")
		cp := e.dial(t, "CP-STRICT", "pw-0123456789abcdef")
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := cp.BootNotification(ctx, ocpp16.BootNotificationRequest{ChargePointVendor: "ACME", ChargePointModel: "X"}); err != nil {
			t.Fatal(err)
		}
		start, err := cp.StartTransaction(ctx, ocpp16.StartTransactionRequest{ConnectorId: 1, IdTag: "RFID-1", MeterStart: 0, Timestamp: ocpp16.NewDateTime(time.Now())})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := cp.StopTransaction(ctx, ocpp16.StopTransactionRequest{TransactionId: start.TransactionId, MeterStop: 10, Timestamp: ocpp16.NewDateTime(time.Now())}); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			frame string
			code  ocpp.ErrorCode
		}{
			{`[2,"b1","Authorize",{}]`, ocpp.OccurenceConstraintViolation},
			{`[2,"b2","StatusNotification",{"connectorId":"1","errorCode":"NoError","status":"Available"}]`, ocpp.TypeConstraintViolation},
		} {
			reply, err := cp.CallRaw(ctx, []byte(tt.frame))
			if err != nil || reply.Type != ocpp.CallError || reply.ErrorCode != tt.code {
				t.Errorf("%s: %+v, %v; want %s", tt.frame, reply, err, tt.code)
			}
		}
		if w := e.frames.warned(); len(w) != 0 {
			t.Errorf("warnings: %q", w)
		}
	})
}
