package broadcast_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/broadcast/broadcasttest"
)

func TestMemoryConformance(t *testing.T) {
	broadcasttest.Exercise(t, func(t *testing.T) broadcast.Broadcaster {
		m := broadcast.NewMemory(broadcast.MemoryConfig{})
		t.Cleanup(func() { m.Close() })
		return m
	})
}

func TestMemoryDropsWhenFull(t *testing.T) {
	m := broadcast.NewMemory(broadcast.MemoryConfig{BufferSize: 2})
	defer m.Close()
	ch, err := m.Subscribe(t.Context(), "t")
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if err := m.Publish(t.Context(), "t", json.RawMessage(`1`)); err != nil {
			t.Fatal(err)
		}
	}
	if got := m.Dropped(); got != 3 {
		t.Errorf("Dropped() = %d, want 3", got)
	}
	if got := len(ch); got != 2 {
		t.Errorf("buffered %d messages, want 2", got)
	}
}

func TestMemoryIDsIncreaseAcrossTopics(t *testing.T) {
	m := broadcast.NewMemory(broadcast.MemoryConfig{})
	defer m.Close()
	ch, err := m.Subscribe(t.Context(), "a", "b")
	if err != nil {
		t.Fatal(err)
	}
	var last uint64
	for i, topic := range []string{"a", "b", "a", "b"} {
		if err := m.Publish(t.Context(), topic, json.RawMessage(`{}`)); err != nil {
			t.Fatal(err)
		}
		msg := broadcasttest.Recv(t, ch)
		var id uint64
		if err := json.Unmarshal([]byte(msg.ID), &id); err != nil {
			t.Fatalf("id %q is not a decimal uint64: %v", msg.ID, err)
		}
		if id <= last {
			t.Errorf("message %d: id %d not greater than %d", i, id, last)
		}
		last = id
	}
}

func TestMemoryClose(t *testing.T) {
	m := broadcast.NewMemory(broadcast.MemoryConfig{})
	ch, err := m.Subscribe(context.Background(), "t")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-ch; ok {
		t.Error("channel still open after Close")
	}
	if err := m.Publish(t.Context(), "t", json.RawMessage(`1`)); err != broadcast.ErrClosed {
		t.Errorf("Publish after Close = %v, want ErrClosed", err)
	}
	if _, err := m.Subscribe(t.Context(), "t"); err != broadcast.ErrClosed {
		t.Errorf("Subscribe after Close = %v, want ErrClosed", err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestMemoryHistory(t *testing.T) {
	tests := []struct {
		name      string
		history   int
		publish   int
		wantCount int
	}{
		{"ring keeps the newest", 3, 5, 3},
		{"fewer than the ring", 3, 2, 2},
		{"disabled", -1, 5, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := broadcast.NewMemory(broadcast.MemoryConfig{History: tt.history})
			defer m.Close()
			if _, err := m.Subscribe(t.Context(), "t"); err != nil {
				t.Fatal(err)
			}
			for range tt.publish {
				if err := m.Publish(t.Context(), "t", json.RawMessage(`1`)); err != nil {
					t.Fatal(err)
				}
			}
			got, err := m.Replay(t.Context(), "t", "")
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.wantCount {
				t.Fatalf("Replay returned %d messages, want %d", len(got), tt.wantCount)
			}
			if tt.wantCount > 0 && got[len(got)-1].ID != "5" && tt.publish == 5 {
				t.Errorf("newest retained id = %s, want 5", got[len(got)-1].ID)
			}
		})
	}
}

func TestMemoryUnwatchedTopicKeepsNoHistory(t *testing.T) {
	m := broadcast.NewMemory(broadcast.MemoryConfig{})
	defer m.Close()
	if err := m.Publish(t.Context(), "t", json.RawMessage(`1`)); err != nil {
		t.Fatal(err)
	}
	got, err := m.Replay(t.Context(), "t", "")
	if err != nil || len(got) != 0 {
		t.Errorf("Replay of an unwatched topic = %v, %v; want nothing", got, err)
	}
	if _, err := m.Replay(t.Context(), "t", "not-a-number"); err == nil {
		t.Error("Replay with an invalid id succeeded")
	}
}

func TestMemoryHistoryOutlivesSubscriber(t *testing.T) {
	m := broadcast.NewMemory(broadcast.MemoryConfig{})
	defer m.Close()
	ctx, cancel := context.WithCancel(t.Context())
	ch, err := m.Subscribe(ctx, "t")
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Publish(t.Context(), "t", json.RawMessage(`1`)); err != nil {
		t.Fatal(err)
	}
	first := broadcasttest.Recv(t, ch)
	cancel()
	for range ch {
	}
	// Published while the client is away: what a reconnect replays.
	if err := m.Publish(t.Context(), "t", json.RawMessage(`2`)); err != nil {
		t.Fatal(err)
	}
	got, err := m.Replay(t.Context(), "t", first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || string(got[0].Data) != "2" {
		t.Errorf("Replay after %s = %v, want the message published while away", first.ID, got)
	}
}
