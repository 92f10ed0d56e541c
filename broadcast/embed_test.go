package broadcast_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/ocppkit/ocppkit/broadcast"
)

// hostHub is what a host writes to feed its own SSE hub: it embeds
// *broadcast.Memory for Subscribe and overrides Publish.
type hostHub struct {
	*broadcast.Memory
	mu   sync.Mutex
	seen []string
}

func (h *hostHub) Publish(ctx context.Context, topic string, data json.RawMessage) error {
	h.mu.Lock()
	h.seen = append(h.seen, topic)
	h.mu.Unlock()
	return h.Memory.Publish(ctx, topic, data)
}

// hostWrapper wraps a Memory instead of embedding it, and forwards the
// skip-unwatched question to it as a careless wrapper would.
type hostWrapper struct {
	next *broadcast.Memory
	hostHub
}

func (w *hostWrapper) Watched(b broadcast.Broadcaster, topic string) bool {
	return w.next.Watched(b, topic)
}

// TestPublishEventReachesOverridingPublish: a type that embeds (or wraps)
// *broadcast.Memory and overrides Publish receives every event, even for
// topics the Memory has no subscriber for. The skip-unwatched optimisation
// used to be inherited by embedding, so the override never ran.
func TestPublishEventReachesOverridingPublish(t *testing.T) {
	for _, tc := range []struct {
		name string
		hub  func(m *broadcast.Memory) (broadcast.Broadcaster, func() []string)
	}{
		{"embedding", func(m *broadcast.Memory) (broadcast.Broadcaster, func() []string) {
			h := &hostHub{Memory: m}
			return h, h.topics
		}},
		{"wrapping and forwarding Watched", func(m *broadcast.Memory) (broadcast.Broadcaster, func() []string) {
			w := &hostWrapper{next: m, hostHub: hostHub{Memory: m}}
			return w, w.topics
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := broadcast.NewMemory(broadcast.MemoryConfig{})
			defer m.Close()
			b, seen := tc.hub(m)
			if err := broadcast.PublishEvent(context.Background(), b, 7, broadcast.KindStatus, map[string]string{"status": "Charging"}); err != nil {
				t.Fatal(err)
			}
			got := seen()
			if len(got) != 2 || got[0] != "charge_point_7_status" || got[1] != broadcast.AllChargePointsTopic {
				t.Fatalf("the overriding Publish saw %q, want the topic and the all-charge-points topic", got)
			}
		})
	}
}

func (h *hostHub) topics() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.seen...)
}
