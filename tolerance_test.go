package ocppkit_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ocppkit/ocppkit"
	"github.com/ocppkit/ocppkit/internal/testdb"
	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
	"github.com/ocppkit/ocppkit/store"
)

// TestTolerantModeQuirks sends the known quirks of real chargers through a
// real socket, from a charge point in tolerant mode (accepted, handled as
// the policy in ocpp/ocpp16's documentation says) and from one in strict mode
// (refused with the precise error code), on SQLite and PostgreSQL.
func TestTolerantModeQuirks(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *gorm.DB) {
		e := newEnv(t, db, ocppkit.Config{AcceptUnknownIDTags: true})
		tolerantRow := e.register(t, "CP-QUIRKY", "pw-0123456789abcdef")
		e.register(t, "CP-STRICT", "pw-0123456789abcdef")
		e.csms.Handlers.SetChargePointMode("CP-QUIRKY", ocpp16.Tolerant)
		tolerant := e.dial(t, "CP-QUIRKY", "pw-0123456789abcdef")
		strict := e.dial(t, "CP-STRICT", "pw-0123456789abcdef")
		ctx := context.Background()
		s := e.csms.Store
		const huge = "4294967297"  // 2^32 + 1: beyond the 32-bit transactionId
		const huger = "8589934593" // 2^33 + 1

		tests := []struct {
			name       string
			action     string
			payload    string
			strictCode ocpp.ErrorCode // "" when strict mode accepts it too
			check      func(t *testing.T, res json.RawMessage)
		}{
			{
				name:       "numbers as strings",
				action:     "StartTransaction",
				payload:    `{"connectorId":"1","idTag":"RFID-Q","meterStart":"1500","timestamp":"2026-03-01T10:00:00Z"}`,
				strictCode: ocpp.TypeConstraintViolation,
				check: func(t *testing.T, res json.RawMessage) {
					var r ocpp16.StartTransactionResponse
					json.Unmarshal(res, &r)
					sess, err := s.SessionByTransactionID(ctx, tolerantRow.ID, r.TransactionId)
					if err != nil || sess.ConnectorID != 1 || sess.MeterStart != 1500 {
						t.Errorf("session = %+v, %v", sess, err)
					}
				},
			},
			{
				name:       "over-long vendor strings",
				action:     "BootNotification",
				payload:    `{"chargePointVendor":"ACME Charging Solutions GmbH and Co. KG, Division Electromobility","chargePointModel":"Wallbox Pulsar Plus 22kW three-phase with integrated MID meter","firmwareVersion":"1.2.3"}`,
				strictCode: ocpp.PropertyConstraintViolation,
				check: func(t *testing.T, res json.RawMessage) {
					cp, _ := s.ChargePointByID(ctx, tolerantRow.ID)
					if cp.Vendor != "ACME Charging Solutions GmbH and Co. KG, Division " || cp.Model != "Wallbox Pulsar Plus 22kW three-phase with integrat" || cp.FirmwareVersion != "1.2.3" {
						t.Errorf("vendor %q, model %q, firmware %q: want truncated to the schema's 50 characters", cp.Vendor, cp.Model, cp.FirmwareVersion)
					}
				},
			},
			{
				name:   "over-long vendor error code and info",
				action: "StatusNotification",
				payload: `{"connectorId":3,"errorCode":"OtherError","status":"Faulted","timestamp":"2026-03-01T10:01:00Z",` +
					`"info":"EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE","vendorId":"com.acme","vendorErrorCode":"VENDOR-999999999999999999999999999999999999999999999999999999999999"}`,
				strictCode: ocpp.PropertyConstraintViolation,
				check: func(t *testing.T, res json.RawMessage) {
					conns, _ := s.Connectors(ctx, tolerantRow.ID)
					found := false
					for _, c := range conns {
						found = found || c.ConnectorID == 3
						if c.ConnectorID == 3 && (c.Info != "EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE" || c.VendorErrorCode != "VENDOR-9999999999999999999999999999999999999999999") {
							t.Errorf("connector 3 = %+v, want info and vendor error code truncated to 50 characters", c)
						}
					}
					if !found {
						t.Error("connector 3 not stored")
					}
				},
			},
			{
				name:   "unknown measurand",
				action: "MeterValues",
				payload: `{"connectorId":1,"meterValue":[{"timestamp":"2026-03-01T10:05:00Z","sampledValue":[` +
					`{"value":"42.5","measurand":"Temperature.Battery.Vendor","unit":"Celsius-ish"}]}]}`,
				strictCode: ocpp.PropertyConstraintViolation,
				check: func(t *testing.T, res json.RawMessage) {
					var mv store.MeterValue
					err := s.DB().Where("charge_point_id = ? AND measurand = ?", tolerantRow.ID, "Temperature.Battery.Vendor").Take(&mv).Error
					if err != nil || mv.Value != 42.5 || mv.Unit != "Celsius-ish" {
						t.Errorf("meter value = %+v, %v", mv, err)
					}
				},
			},
			{
				name:    "missing optional timestamp",
				action:  "StatusNotification",
				payload: `{"connectorId":2,"errorCode":"NoError","status":"Available"}`,
				check: func(t *testing.T, res json.RawMessage) {
					conns, _ := s.Connectors(ctx, tolerantRow.ID)
					var c store.Connector
					for _, x := range conns {
						if x.ConnectorID == 2 {
							c = x
						}
					}
					if c.Status != "Available" || time.Since(c.StatusAt) > time.Minute || time.Since(c.StatusAt) < 0 {
						t.Errorf("connector 2 = %+v, want the receive time", c)
					}
					cp, _ := s.ChargePointByID(ctx, tolerantRow.ID)
					if cp.Metadata["connector_2_timestamp_source"] != "received" {
						t.Errorf("metadata = %v: the receive time is not recorded as such", cp.Metadata)
					}
				},
			},
			{
				name:       "transactionId beyond 32 bits in StopTransaction",
				action:     "StopTransaction",
				payload:    `{"transactionId":` + huge + `,"meterStop":2000,"timestamp":"2026-03-01T11:00:00Z","idTag":"RFID-Q"}`,
				strictCode: ocpp.PropertyConstraintViolation,
				check: func(t *testing.T, res json.RawMessage) {
					var sess store.ChargingSession
					err := s.DB().Where("charge_point_id = ? AND unmatched = ?", tolerantRow.ID, true).Take(&sess).Error
					if err != nil || sess.TransactionID != 4294967297 || sess.Status != store.SessionCompleted {
						t.Errorf("unmatched session = %+v, %v", sess, err)
					}
				},
			},
			{
				name:   "transactionId beyond 32 bits in MeterValues",
				action: "MeterValues",
				payload: `{"connectorId":1,"transactionId":` + huger + `,"meterValue":[{"timestamp":"2026-03-01T10:10:00Z","sampledValue":[` +
					`{"value":"1800"}]}]}`,
				strictCode: ocpp.PropertyConstraintViolation,
				check: func(t *testing.T, res json.RawMessage) {
					var mv store.MeterValue
					err := s.DB().Where("charge_point_id = ? AND transaction_id = ?", tolerantRow.ID, int64(8589934593)).Take(&mv).Error
					if err != nil || mv.ChargingSessionID != nil || mv.Value != 1800 {
						t.Errorf("meter value = %+v, %v (want it stored, linked to no session)", mv, err)
					}
				},
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res, err := tolerant.CallJSON(ctx, tt.action, json.RawMessage(tt.payload))
				if err != nil {
					t.Fatalf("tolerant mode: %v", err)
				}
				tt.check(t, res)

				_, err = strict.CallJSON(ctx, tt.action, json.RawMessage(tt.payload))
				if got := ocpp.CodeOf(err); tt.strictCode == "" && err != nil || tt.strictCode != "" && got != tt.strictCode {
					t.Errorf("strict mode: %v (code %q), want %q", err, got, tt.strictCode)
				}
			})
		}
		// The tolerant charge point is still connected and served.
		if _, err := tolerant.Heartbeat(ctx); err != nil {
			t.Fatal(err)
		}
		// A station timestamp clears the receive-time mark.
		if _, err := tolerant.StatusNotification(ctx, 2, ocpp16.ChargePointStatusAvailable, ocpp16.ChargePointErrorCodeNoError); err != nil {
			t.Fatal(err)
		}
		cp, _ := s.ChargePointByID(ctx, tolerantRow.ID)
		if _, ok := cp.Metadata["connector_2_timestamp_source"]; ok || len(cp.Vendor) != 50 {
			t.Errorf("metadata = %v, vendor %q", cp.Metadata, cp.Vendor)
		}
	})
}
