// Package fanout is the local half of the multi-node broadcasters: it hands
// each message arriving from a backplane to the local subscribers of its
// topic without ever blocking, and tracks which topics have subscribers.
package fanout

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/ocppkit/ocppkit/broadcast"
)

// Hub is a set of local subscriptions. The zero value is not usable; use New.
type Hub struct {
	dropped atomic.Uint64

	mu     sync.RWMutex
	topics map[string][]*Sub
	subs   map[*Sub]struct{}
	closed bool
}

// Sub is one subscription: a buffered channel and its topics.
type Sub struct {
	ch      chan broadcast.Message
	topics  []string
	stop    func() bool
	removed bool // guarded by Hub.mu
}

// C returns the subscription's channel.
func (s *Sub) C() <-chan broadcast.Message { return s.ch }

// Topics returns the subscription's topics.
func (s *Sub) Topics() []string { return s.topics }

// New returns an empty hub.
func New() *Hub {
	return &Hub{topics: make(map[string][]*Sub), subs: make(map[*Sub]struct{})}
}

// Add registers a subscription to topics (already deduplicated) with a
// channel of capacity buf, and returns the topics that had no subscriber
// before. When ctx ends, onDone(s) runs in its own goroutine; it should
// call Remove. Add returns broadcast.ErrClosed after Close.
func (h *Hub) Add(ctx context.Context, topics []string, buf int, onDone func(*Sub)) (*Sub, []string, error) {
	s := &Sub{ch: make(chan broadcast.Message, buf), topics: topics}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, nil, broadcast.ErrClosed
	}
	var first []string
	for _, t := range topics {
		if len(h.topics[t]) == 0 {
			first = append(first, t)
		}
		h.topics[t] = append(h.topics[t], s)
	}
	h.subs[s] = struct{}{}
	// Registered under the lock: an onDone for an already-done ctx waits
	// until s is fully added.
	s.stop = context.AfterFunc(ctx, func() { onDone(s) })
	return s, first, nil
}

// Remove unregisters s and closes its channel. It returns the topics that
// no longer have a subscriber and whether s was still registered (Remove is
// idempotent: later calls return nil, false).
func (h *Hub) Remove(s *Sub) (last []string, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.removed {
		return nil, false
	}
	s.removed = true
	s.stop()
	for _, t := range s.topics {
		list := h.topics[t]
		for i, x := range list {
			if x == s {
				list = append(list[:i:i], list[i+1:]...)
				break
			}
		}
		if len(list) == 0 {
			delete(h.topics, t)
			last = append(last, t)
		} else {
			h.topics[t] = list
		}
	}
	delete(h.subs, s)
	// Deliver sends only under the read lock to listed subscriptions, so
	// closing here cannot race a send.
	close(s.ch)
	return last, true
}

// Deliver hands m to the subscribers of m.Topic without blocking; a full
// channel drops the message for that subscriber. It reports whether the
// topic had subscribers.
func (h *Hub) Deliver(m broadcast.Message) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	list := h.topics[m.Topic]
	for _, s := range list {
		select {
		case s.ch <- m:
		default:
			h.dropped.Add(1)
		}
	}
	return len(list) > 0
}

// Has reports whether topic has a local subscriber.
func (h *Hub) Has(topic string) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.topics[topic]) > 0
}

// Dropped returns how many messages full channels dropped.
func (h *Hub) Dropped() uint64 { return h.dropped.Load() }

// Close removes every subscription (closing its channel); Add then fails.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	subs := make([]*Sub, 0, len(h.subs))
	for s := range h.subs {
		subs = append(subs, s)
	}
	h.mu.Unlock()
	for _, s := range subs {
		h.Remove(s)
	}
}
