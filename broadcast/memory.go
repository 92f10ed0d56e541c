package broadcast

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of MemoryConfig.
const (
	DefaultBufferSize       = 256
	DefaultHistory          = 256
	DefaultHistoryRetention = 5 * time.Minute
)

// MemoryConfig configures NewMemory. The zero value works.
type MemoryConfig struct {
	// BufferSize is the capacity of each subscriber's channel. When it is
	// full, further messages are dropped for that subscriber (see Dropped).
	// Default 256.
	BufferSize int
	// History is how many messages per topic are kept for Replay (and so
	// for SSE Last-Event-ID resumption). Default 256; negative disables
	// history. History is kept only for topics that have, or recently had,
	// a subscriber, so publishing to unwatched topics stores nothing.
	History int
	// HistoryRetention is how long a topic's history outlives its last
	// subscriber: the window in which a reconnecting client can resume.
	// Default 5 minutes.
	HistoryRetention time.Duration
	// Logger receives diagnostics. Default slog.Default().
	Logger *slog.Logger
}

// Memory is the in-process Broadcaster: the default for a single node.
// Message ids are the decimal form of a uint64 counter, increasing across
// all topics of one Memory, so one Last-Event-ID resumes any set of topics.
//
// Publish to a topic nobody watches costs a map lookup under a read lock.
type Memory struct {
	cfg     MemoryConfig
	seq     atomic.Uint64
	dropped atomic.Uint64

	mu        sync.RWMutex
	topics    map[string]*memTopic
	subs      map[*memSub]struct{}
	closed    bool
	nextSweep time.Time
}

var (
	_ Broadcaster = (*Memory)(nil)
	_ Replayer    = (*Memory)(nil)
	_ Watcher     = (*Memory)(nil)
)

type memTopic struct {
	mu        sync.Mutex
	subs      []*memSub
	ring      []Message // len ≤ History; oldest at head once full
	head      int
	idleSince time.Time // when the last subscriber left; zero while watched
}

type memSub struct {
	ch     chan Message
	topics []string
	once   sync.Once
	stop   func() bool // stops the context.AfterFunc
}

// NewMemory returns an in-memory broadcaster. It starts no goroutines.
func NewMemory(cfg MemoryConfig) *Memory {
	cfg.BufferSize = cmp.Or(max(cfg.BufferSize, 0), DefaultBufferSize)
	cfg.History = cmp.Or(cfg.History, DefaultHistory)
	cfg.HistoryRetention = cmp.Or(max(cfg.HistoryRetention, 0), DefaultHistoryRetention)
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	return &Memory{
		cfg:    cfg,
		topics: make(map[string]*memTopic),
		subs:   make(map[*memSub]struct{}),
	}
}

// Dropped returns how many messages were dropped so far because a
// subscriber's buffer was full (counted once per subscriber).
func (m *Memory) Dropped() uint64 { return m.dropped.Load() }

// Watched reports whether a message b publishes to topic can reach anyone.
// When b is m, that is whether topic has a subscriber or keeps history for
// replay (m's Publish to an unwatched topic does nothing). When b is
// anything else, say a type that embeds *Memory and overrides Publish, it
// is true: m cannot know what that Publish does. It implements Watcher.
func (m *Memory) Watched(b Broadcaster, topic string) bool {
	if b != Broadcaster(m) {
		return true
	}
	m.mu.RLock()
	_, ok := m.topics[topic]
	m.mu.RUnlock()
	return ok
}

// Publish delivers data to the topic's subscribers without blocking.
func (m *Memory) Publish(ctx context.Context, topic string, data json.RawMessage) error {
	m.mu.RLock()
	t, closed := m.topics[topic], m.closed
	m.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	if t == nil {
		return nil
	}
	now := time.Now()
	t.mu.Lock()
	if len(t.subs) == 0 && !t.idleSince.IsZero() && now.Sub(t.idleSince) > m.cfg.HistoryRetention {
		t.mu.Unlock()
		m.sweep(now)
		return nil
	}
	// The id is taken under the topic lock, so per topic ids increase in
	// delivery order (which Replay and SSE resumption rely on).
	msg := Message{ID: strconv.FormatUint(m.seq.Add(1), 10), Topic: topic, Data: data, Time: now}
	if m.cfg.History > 0 {
		if len(t.ring) < m.cfg.History {
			t.ring = append(t.ring, msg)
		} else {
			t.ring[t.head] = msg
			t.head = (t.head + 1) % len(t.ring)
		}
	}
	for _, s := range t.subs {
		select {
		case s.ch <- msg:
		default:
			m.dropped.Add(1)
		}
	}
	t.mu.Unlock()
	return nil
}

// Subscribe returns a channel receiving the messages of topics (duplicates
// ignored), closed when ctx ends or the Memory is closed.
func (m *Memory) Subscribe(ctx context.Context, topics ...string) (<-chan Message, error) {
	topics = UniqueTopics(topics)
	if len(topics) == 0 {
		return nil, ErrNoTopics
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s := &memSub{ch: make(chan Message, m.cfg.BufferSize), topics: topics}
	now := time.Now()
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil, ErrClosed
	}
	for _, name := range topics {
		t := m.topics[name]
		if t == nil {
			t = &memTopic{}
			m.topics[name] = t
		}
		t.mu.Lock()
		t.subs = append(t.subs, s)
		t.idleSince = time.Time{}
		t.mu.Unlock()
	}
	m.subs[s] = struct{}{}
	// Registered under m.mu: if ctx is already done, the unsubscribe
	// waits for the lock, so it always sees s fully subscribed.
	s.stop = context.AfterFunc(ctx, func() { m.unsubscribe(s) })
	m.mu.Unlock()
	m.sweep(now)
	return s.ch, nil
}

// unsubscribe detaches s from its topics and closes its channel, once.
func (m *Memory) unsubscribe(s *memSub) {
	s.once.Do(func() {
		now := time.Now()
		m.mu.Lock()
		for _, name := range s.topics {
			t := m.topics[name]
			if t == nil {
				continue
			}
			t.mu.Lock()
			for i, x := range t.subs {
				if x == s {
					t.subs = append(t.subs[:i], t.subs[i+1:]...)
					break
				}
			}
			if len(t.subs) == 0 {
				t.idleSince = now
				if m.cfg.History <= 0 {
					delete(m.topics, name)
				}
			}
			t.mu.Unlock()
		}
		delete(m.subs, s)
		m.mu.Unlock()
		// Every send happens under a topic lock while s is listed there;
		// s is listed nowhere now, so closing cannot race a send.
		close(s.ch)
	})
}

// sweep forgets the history of topics unwatched for longer than
// HistoryRetention. It walks the topics at most once per half retention.
func (m *Memory) sweep(now time.Time) {
	m.mu.RLock()
	due := now.After(m.nextSweep)
	m.mu.RUnlock()
	if !due {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !now.After(m.nextSweep) {
		return
	}
	m.nextSweep = now.Add(m.cfg.HistoryRetention / 2)
	for name, t := range m.topics {
		t.mu.Lock()
		if len(t.subs) == 0 && now.Sub(t.idleSince) > m.cfg.HistoryRetention {
			delete(m.topics, name)
		}
		t.mu.Unlock()
	}
}

// Replay returns the retained messages of topic with an id greater than
// afterID ("" for all), oldest first. It returns nothing for topics without
// a subscriber within the last HistoryRetention.
func (m *Memory) Replay(ctx context.Context, topic, afterID string) ([]Message, error) {
	var after uint64
	if afterID != "" {
		n, err := strconv.ParseUint(afterID, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("broadcast: replay %s: invalid message id %q", topic, afterID)
		}
		after = n
	}
	m.mu.RLock()
	t := m.topics[topic]
	m.mu.RUnlock()
	if t == nil {
		return nil, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Message
	for i := range t.ring {
		msg := t.ring[(t.head+i)%len(t.ring)]
		if id, _ := strconv.ParseUint(msg.ID, 10, 64); id > after {
			out = append(out, msg)
		}
	}
	return out, nil
}

// Close closes every subscription; Publish and Subscribe then return
// ErrClosed. It is safe to call more than once.
func (m *Memory) Close() error {
	m.mu.Lock()
	m.closed = true
	subs := make([]*memSub, 0, len(m.subs))
	for s := range m.subs {
		subs = append(subs, s)
	}
	m.mu.Unlock()
	for _, s := range subs {
		s.stop()
		m.unsubscribe(s)
	}
	return nil
}
