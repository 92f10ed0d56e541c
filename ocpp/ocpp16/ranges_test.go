package ocpp16_test

import (
	"testing"

	"github.com/ocppkit/ocppkit/ocpp"
	"github.com/ocppkit/ocppkit/ocpp/ocpp16"
)

// TestRanges: integer ranges the specification states in its text (the
// schemas are silent) are refused in Strict mode, on decoding and by
// Validate, and accepted in Tolerant mode.
func TestRanges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		action  string
		payload string
		ok      bool
	}{
		{"StatusNotification connector 0", "StatusNotification", `{"connectorId":0,"errorCode":"NoError","status":"Available"}`, true},
		{"StatusNotification connector -1", "StatusNotification", `{"connectorId":-1,"errorCode":"NoError","status":"Available"}`, false},
		{"StartTransaction connector 1", "StartTransaction", `{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}`, true},
		{"StartTransaction connector 0", "StartTransaction", `{"connectorId":0,"idTag":"T","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}`, false},
		{"MeterValues connector -3", "MeterValues", `{"connectorId":-3,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":"1"}]}]}`, false},
		{"MeterValues transaction 0", "MeterValues", `{"connectorId":1,"transactionId":0,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":"1"}]}]}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, _ := ocpp16.NewRequest(tt.action)
			err := ocpp16.Unmarshal([]byte(tt.payload), req, ocpp16.Strict)
			if tt.ok != (err == nil) {
				t.Fatalf("strict: %v, want ok=%v", err, tt.ok)
			}
			if !tt.ok && ocpp.CodeOf(err) != ocpp.PropertyConstraintViolation {
				t.Errorf("strict: %v, want PropertyConstraintViolation", err)
			}
			if err := ocpp16.Unmarshal([]byte(tt.payload), req, ocpp16.Tolerant); err != nil {
				t.Fatalf("tolerant: %v", err)
			}
			if err := req.Validate(); tt.ok != (err == nil) || (!tt.ok && ocpp.CodeOf(err) != ocpp.PropertyConstraintViolation) {
				t.Errorf("Validate: %v, want ok=%v", err, tt.ok)
			}
		})
	}
	// Commands the central system sends are checked too.
	zero := 0
	if err := (ocpp16.RemoteStartTransactionRequest{IdTag: "T", ConnectorId: &zero}).Validate(); ocpp.CodeOf(err) != ocpp.PropertyConstraintViolation {
		t.Errorf("RemoteStartTransaction on connector 0: %v", err)
	}
	if err := (ocpp16.UnlockConnectorRequest{ConnectorId: 0}).Validate(); ocpp.CodeOf(err) != ocpp.PropertyConstraintViolation {
		t.Errorf("UnlockConnector 0: %v", err)
	}
}
