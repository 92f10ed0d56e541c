package schemas_test

import (
	"strings"
	"testing"

	"github.com/ocppkit/ocppkit/ocpp/schemas"
)

func TestEverySchemaCompiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version string
		actions int
	}{
		{schemas.OCPP16, 39},  // 28 core + 11 security extension
		{schemas.OCPP201, 64}, // every message of OCPP 2.0.1
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			s, err := schemas.Load(tt.version)
			if err != nil {
				t.Fatal(err)
			}
			actions := s.Actions()
			if len(actions) != tt.actions {
				t.Fatalf("%d actions, want %d: %v", len(actions), tt.actions, actions)
			}
			for _, a := range actions {
				for _, resp := range []bool{false, true} {
					if _, err := s.Schema(s.Name(a, resp)); err != nil {
						t.Errorf("%s: %v", s.Name(a, resp), err)
					}
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		version  string
		action   string
		response bool
		payload  string
		wantErr  string // "" for valid
	}{
		{"1.6 valid request", schemas.OCPP16, "Authorize", false, `{"idTag":"ABC"}`, ""},
		{"1.6 too long", schemas.OCPP16, "Authorize", false, `{"idTag":"ABCDEFGHIJKLMNOPQRSTUVWXYZ"}`, "Authorize"},
		{"1.6 missing property", schemas.OCPP16, "Authorize", false, `{}`, "idTag"},
		{"1.6 bad date-time", schemas.OCPP16, "Heartbeat", true, `{"currentTime":"yesterday"}`, "HeartbeatResponse"},
		{"2.0.1 valid request", schemas.OCPP201, "Heartbeat", false, `{}`, ""},
		{"2.0.1 valid response", schemas.OCPP201, "Heartbeat", true, `{"currentTime":"2026-01-01T00:00:00Z"}`, ""},
		{"2.0.1 bad enum", schemas.OCPP201, "Authorize", false, `{"idToken":{"idToken":"A","type":"Nope"}}`, "AuthorizeRequest"},
		{"not JSON", schemas.OCPP201, "Heartbeat", false, `{`, "not JSON"},
		{"unknown action", schemas.OCPP16, "Nope", false, `{}`, "Nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := schemas.Load(tt.version)
			if err != nil {
				t.Fatal(err)
			}
			err = s.Validate(tt.action, tt.response, []byte(tt.payload))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.wantErr != "" && err == nil:
				t.Fatal("no error")
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("error %q does not mention %q", err, tt.wantErr)
			}
		})
	}
}

func TestUnknownVersion(t *testing.T) {
	t.Parallel()
	if _, err := schemas.Load("ocpp2.1"); err == nil {
		t.Fatal("no error for an unknown version")
	}
	if schemas.FS("nope") != nil {
		t.Fatal("FS of an unknown version is not nil")
	}
}
