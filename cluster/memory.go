package cluster

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"
)

// DefaultTTL is how long the claims of a node that stopped heartbeating
// (it crashed) stay valid, by default, in every backplane.
const DefaultTTL = 15 * time.Second

// MemoryConfig configures NewMemory. The zero value works.
type MemoryConfig struct {
	// TTL is how long a crashed node (its Join context ended without
	// Leave) still counts as the holder of its charge points. By default
	// DefaultTTL.
	TTL time.Duration
}

// Memory is a Backplane inside one process: several nodes (several CSMS in
// one test or example) share one Memory. Requests are passed to the
// Handler directly, with their results encoded and decoded as Reply does,
// so errors behave as across a network.
type Memory struct {
	ttl time.Duration

	mu     sync.Mutex
	seq    uint64
	nodes  map[string]*memNode
	claims map[string]memClaim
	closed bool
	wg     sync.WaitGroup
}

type memNode struct {
	inc     uint64
	h       Handler
	join    context.Context // the Join context: its end is a crash
	ctx     context.Context // the node's life: ends on Leave, crash or Close
	cancel  context.CancelFunc
	stopped time.Time // when it stopped receiving without leaving (crash)
}

type memClaim struct {
	node string
	inc  uint64
}

var _ Backplane = (*Memory)(nil)

// NewMemory returns an empty Memory. It starts no goroutine.
func NewMemory(cfg MemoryConfig) *Memory {
	return &Memory{
		ttl:    cmp.Or(max(cfg.TTL, 0), DefaultTTL),
		nodes:  make(map[string]*memNode),
		claims: make(map[string]memClaim),
	}
}

// running reports whether n receives requests, noting a crash the
// AfterFunc of Join has not recorded yet. Caller holds m.mu.
func (m *Memory) running(n *memNode) bool {
	if n == nil {
		return false
	}
	if n.stopped.IsZero() && n.join.Err() != nil {
		n.stopped = time.Now()
		n.cancel()
	}
	return n.stopped.IsZero()
}

// live reports whether n still counts as a member. Caller holds m.mu.
func (m *Memory) live(n *memNode) bool {
	return m.running(n) || n != nil && time.Since(n.stopped) < m.ttl
}

// Join implements Backplane.
func (m *Memory) Join(ctx context.Context, node string, h Handler) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if m.running(m.nodes[node]) {
		return fmt.Errorf("%w: %q", ErrJoined, node)
	}
	m.seq++
	n := &memNode{inc: m.seq, h: h, join: ctx}
	n.ctx, n.cancel = context.WithCancel(context.WithoutCancel(ctx))
	m.nodes[node] = n
	context.AfterFunc(ctx, func() {
		m.mu.Lock()
		defer m.mu.Unlock()
		m.running(n)
	})
	return nil
}

// Leave implements Backplane.
func (m *Memory) Leave(_ context.Context, node string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.nodes[node]
	if !m.running(n) {
		return fmt.Errorf("%w: %q", ErrNotJoined, node)
	}
	n.cancel()
	delete(m.nodes, node)
	for id, c := range m.claims {
		if c.node == node && c.inc == n.inc {
			delete(m.claims, id)
		}
	}
	return nil
}

// Claim implements Backplane.
func (m *Memory) Claim(_ context.Context, identity, node string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.nodes[node]
	if !m.running(n) {
		return "", fmt.Errorf("%w: %q", ErrNotJoined, node)
	}
	prev, had := m.claims[identity]
	m.claims[identity] = memClaim{node: node, inc: n.inc}
	if had && prev.node != node {
		if pn := m.nodes[prev.node]; m.live(pn) && pn.inc == prev.inc {
			return prev.node, nil
		}
	}
	return "", nil
}

// Release implements Backplane.
func (m *Memory) Release(_ context.Context, identity, node string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := m.nodes[node]
	if !m.running(n) {
		return fmt.Errorf("%w: %q", ErrNotJoined, node)
	}
	if c, ok := m.claims[identity]; ok && c.node == node && c.inc == n.inc {
		delete(m.claims, identity)
	}
	return nil
}

// Owner implements Backplane.
func (m *Memory) Owner(_ context.Context, identity string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.claims[identity]
	if ok {
		if n := m.nodes[c.node]; m.live(n) && n.inc == c.inc {
			return c.node, nil
		}
	}
	return "", fmt.Errorf("%w: %q", ErrNoOwner, identity)
}

// Send implements Backplane.
func (m *Memory) Send(ctx context.Context, node string, req Request) (json.RawMessage, error) {
	m.mu.Lock()
	n := m.nodes[node]
	if m.closed || !m.running(n) {
		m.mu.Unlock()
		return nil, fmt.Errorf("%w: %q", ErrNodeUnavailable, node)
	}
	m.wg.Add(1)
	m.mu.Unlock()

	req.Payload = append(json.RawMessage(nil), req.Payload...) // as if copied off the wire
	req.Timeout = TimeoutOf(ctx)
	done := make(chan Reply, 1)
	go func() {
		defer m.wg.Done()
		r := Serve(n.ctx, n.h, req)
		b, _ := json.Marshal(r) // round trip: what crosses a network
		var out Reply
		_ = json.Unmarshal(b, &out)
		done <- out
	}()
	select {
	case r := <-done:
		return r.Result()
	case <-ctx.Done():
		return nil, SendError(ctx, node)
	}
}

// Close stops every node as a crash would (requests in progress see their
// context cancelled) and waits for the requests in progress. Later calls
// return ErrClosed.
func (m *Memory) Close() error {
	m.mu.Lock()
	m.closed = true
	for _, n := range m.nodes {
		if n.stopped.IsZero() {
			n.stopped = time.Now()
		}
		n.cancel()
	}
	m.mu.Unlock()
	m.wg.Wait()
	return nil
}
