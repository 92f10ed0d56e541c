package ocpp16

import (
	"fmt"
	"testing"
	"time"
)

// TestHeartbeatResponseValidateFastPath: the hand-written check answers as
// the schema validator does, for valid and invalid responses alike.
func TestHeartbeatResponseValidateFastPath(t *testing.T) {
	for _, tm := range []time.Time{
		{},
		time.Now(),
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(-1, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("behind", -2*3600)), // year 10000 in UTC
	} {
		r := HeartbeatResponse{CurrentTime: DateTime{tm}}
		got, want := r.Validate(), validate(&r)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Validate(%v) = %v, the schema validator says %v", tm, got, want)
		}
	}
	if err := (HeartbeatResponse{}).Validate(); err == nil {
		t.Error("a response without currentTime validated")
	}
}
