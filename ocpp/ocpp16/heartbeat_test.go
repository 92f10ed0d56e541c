package ocpp16

import (
	"encoding/json"
	"testing"
	"time"
)

// TestHeartbeatResponseAppendJSON: AppendJSON writes what json.Marshal
// writes, and refuses what it refuses.
func TestHeartbeatResponseAppendJSON(t *testing.T) {
	tests := []struct {
		name string
		at   time.Time
	}{
		{name: "UTC with milliseconds", at: time.Date(2025, 3, 1, 12, 30, 45, 123_000_000, time.UTC)},
		{name: "other zone", at: time.Date(2025, 3, 1, 12, 30, 45, 0, time.FixedZone("X", 3600))},
		{name: "zero", at: time.Time{}},
		{name: "year out of range", at: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := HeartbeatResponse{CurrentTime: DateTime{tt.at}}
			want, wantErr := json.Marshal(r)
			got, err := r.AppendJSON([]byte("x"))
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("AppendJSON error %v, json.Marshal error %v", err, wantErr)
			}
			if err == nil && string(got) != "x"+string(want) {
				t.Errorf("AppendJSON = %s, want x%s", got, want)
			}
		})
	}
}
