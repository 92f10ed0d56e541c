package broadcast_test

import (
	"context"
	"encoding/json"
	"github.com/ocppkit/ocppkit/broadcast/broadcasttest"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
)

func TestTopics(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"status", broadcast.StatusTopic(12), "charge_point_12_status"},
		{"sessions", broadcast.SessionsTopic(12), "charge_point_12_sessions"},
		{"meter values", broadcast.MeterValuesTopic(3), "charge_point_3_meter_values"},
		{"connection", broadcast.ConnectionTopic(1), "charge_point_1_connection"},
		{"commands", broadcast.CommandsTopic(99), "charge_point_99_commands"},
		{"custom kind", broadcast.ChargePointTopic(5, "firmware"), "charge_point_5_firmware"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestParseTopic(t *testing.T) {
	tests := []struct {
		name     string
		topic    string
		wantID   uint
		wantKind string
		wantOK   bool
	}{
		{"status", "charge_point_12_status", 12, "status", true},
		{"meter values", "charge_point_7_meter_values", 7, "meter_values", true},
		{"zero id", "charge_point_0_status", 0, "status", true},
		{"custom kind", "charge_point_5_firmware2", 5, "firmware2", true},
		{"all charge points", broadcast.AllChargePointsTopic, 0, "", false},
		{"no kind", "charge_point_12", 0, "", false},
		{"empty kind", "charge_point_12_", 0, "", false},
		{"no id", "charge_point__status", 0, "", false},
		{"leading zero", "charge_point_012_status", 0, "", false},
		{"signed id", "charge_point_+1_status", 0, "", false},
		{"letters in id", "charge_point_1a_status", 0, "", false},
		{"upper case kind", "charge_point_1_Status", 0, "", false},
		{"overflow", "charge_point_99999999999999999999999_status", 0, "", false},
		{"other prefix", "chargepoint_1_status", 0, "", false},
		{"empty", "", 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, kind, ok := broadcast.ParseTopic(tt.topic)
			if id != tt.wantID || kind != tt.wantKind || ok != tt.wantOK {
				t.Errorf("ParseTopic(%q) = %d, %q, %v; want %d, %q, %v",
					tt.topic, id, kind, ok, tt.wantID, tt.wantKind, tt.wantOK)
			}
			if ok {
				if back := broadcast.ChargePointTopic(id, kind); back != tt.topic {
					t.Errorf("round trip gives %q", back)
				}
			}
		})
	}
}

func FuzzParseTopic(f *testing.F) {
	f.Add("charge_point_12_status")
	f.Add("charge_point_0_x")
	f.Fuzz(func(t *testing.T, topic string) {
		id, kind, ok := broadcast.ParseTopic(topic)
		if ok && broadcast.ChargePointTopic(id, kind) != topic {
			t.Errorf("ParseTopic(%q) = %d, %q does not round-trip", topic, id, kind)
		}
	})
}

// keys returns the sorted top-level keys of v marshalled, and of the nested
// object at key nested when given.
func keys(t *testing.T, v any, nested string) []string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if nested != "" {
		var inner map[string]json.RawMessage
		if err := json.Unmarshal(m[nested], &inner); err != nil {
			t.Fatal(err)
		}
		m = inner
	}
	return slices.Sorted(maps.Keys(m))
}

func TestEventShapes(t *testing.T) {
	tests := []struct {
		name   string
		event  any
		nested string
		want   []string
	}{
		{"status", broadcast.StatusEvent{}, "",
			[]string{"connector_id", "error_code", "evse_id", "info", "status", "timestamp"}},
		{"session", broadcast.SessionEvent{}, "", []string{"event", "session"}},
		{"session info", broadcast.SessionEvent{}, "session",
			[]string{"connector_id", "duration_seconds", "energy_consumed", "evse_id", "id", "id_tag", "meter_start",
				"meter_stop", "started_at", "station_transaction_id", "status", "stop_reason", "stopped_at", "transaction_id"}},
		{"meter value", broadcast.MeterValueEvent{}, "",
			[]string{"connector_id", "context", "evse_id", "location", "measurand", "phase", "session_id", "timestamp", "unit", "value"}},
		{"notification", broadcast.NotificationEvent{Payload: json.RawMessage(`{}`)}, "", []string{"action", "payload", "timestamp"}},
		{"connection", broadcast.ConnectionEvent{}, "", []string{"connected", "node", "timestamp"}},
		{"command", broadcast.CommandEvent{}, "", []string{"action", "command_id", "status", "timestamp"}},
		{"command completed", broadcast.CommandEvent{Response: json.RawMessage(`{"status":"Accepted"}`), Error: "x"}, "",
			[]string{"action", "command_id", "error", "response", "status", "timestamp"}},
		{"envelope", broadcast.Envelope{Data: json.RawMessage(`{}`)}, "",
			[]string{"charge_point_id", "data", "kind", "topic"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := keys(t, tt.event, tt.nested); !slices.Equal(got, tt.want) {
				t.Errorf("keys = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPublishEvent(t *testing.T) {
	m := broadcast.NewMemory(broadcast.MemoryConfig{})
	defer m.Close()
	own, err := m.Subscribe(t.Context(), broadcast.StatusTopic(7))
	if err != nil {
		t.Fatal(err)
	}
	all, err := m.Subscribe(t.Context(), broadcast.AllChargePointsTopic)
	if err != nil {
		t.Fatal(err)
	}
	ev := broadcast.StatusEvent{ConnectorID: 1, EVSEID: 1, Status: "Charging", ErrorCode: "NoError",
		Timestamp: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	if err := broadcast.PublishEvent(context.Background(), m, 7, broadcast.KindStatus, ev); err != nil {
		t.Fatal(err)
	}
	wantData := `{"connector_id":1,"status":"Charging","error_code":"NoError","info":"","timestamp":"2025-01-02T03:04:05Z","evse_id":1}`
	if got := broadcasttest.Recv(t, own); string(got.Data) != wantData || got.Topic != "charge_point_7_status" {
		t.Errorf("own topic got %s %s, want %s", got.Topic, got.Data, wantData)
	}
	got := broadcasttest.Recv(t, all)
	var env broadcast.Envelope
	if err := json.Unmarshal(got.Data, &env); err != nil {
		t.Fatal(err)
	}
	if env.Topic != "charge_point_7_status" || env.ChargePointID != 7 || env.Kind != "status" || string(env.Data) != wantData {
		t.Errorf("envelope = %+v (data %s)", env, env.Data)
	}
	if err := broadcast.PublishEvent(t.Context(), m, 7, broadcast.KindStatus, func() {}); err == nil {
		t.Error("PublishEvent of an unmarshallable value succeeded")
	}
}
