package broadcast_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/ocppkit/ocppkit/broadcast"
)

type countingEvent struct{ n *int }

func (e countingEvent) MarshalJSON() ([]byte, error) {
	*e.n++
	return json.Marshal(map[string]int{"n": *e.n})
}

// TestPublishEventSkipsUnwatchedTopics checks that an event nobody can
// receive is not even encoded, and that a watched topic still gets it.
func TestPublishEventSkipsUnwatchedTopics(t *testing.T) {
	m := broadcast.NewMemory(broadcast.MemoryConfig{})
	defer m.Close()
	ctx := context.Background()
	var encoded int
	if err := broadcast.PublishEvent(ctx, m, 7, broadcast.KindStatus, countingEvent{&encoded}); err != nil {
		t.Fatal(err)
	}
	if encoded != 0 {
		t.Fatalf("encoded %d times with nobody listening, want 0", encoded)
	}
	sub, cancel := context.WithCancel(ctx)
	defer cancel()
	ch, err := m.Subscribe(sub, broadcast.StatusTopic(7))
	if err != nil {
		t.Fatal(err)
	}
	if err := broadcast.PublishEvent(ctx, m, 7, broadcast.KindStatus, countingEvent{&encoded}); err != nil {
		t.Fatal(err)
	}
	if encoded != 1 {
		t.Fatalf("encoded %d times, want 1", encoded)
	}
	if got := <-ch; got.Topic != "charge_point_7_status" || string(got.Data) != `{"n":1}` {
		t.Fatalf("got %+v", got)
	}
	if m.Watched(m, broadcast.AllChargePointsTopic) {
		t.Error("the all-charge-points topic is not watched")
	}
}

func TestUniqueTopics(t *testing.T) {
	got := broadcast.UniqueTopics([]string{"b", "", "a", "b", "c", "a"})
	if want := []string{"b", "a", "c"}; !slices.Equal(got, want) {
		t.Errorf("UniqueTopics = %q, want %q", got, want)
	}
}
