package handlers_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/handlers"
	"github.com/ocppkit/ocppkit/store"
)

// TestSessionEventEnergyIsWhPrecise: a session's energy goes on the wire
// rounded to whole Wh, never with float noise.
func TestSessionEventEnergyIsWhPrecise(t *testing.T) {
	start := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	sess := &store.ChargingSession{ID: 1, Status: store.SessionCharging, StartedAt: start, EnergyConsumed: 0.001745999999984633}
	b, err := json.Marshal(broadcast.SessionEvent{Event: broadcast.SessionStarted, Session: handlers.SessionInfo(sess, start.Add(time.Minute))})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"energy_consumed":0.002,`) {
		t.Errorf("event %s, want energy_consumed 0.002", b)
	}
}
