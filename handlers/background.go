package handlers

import (
	"context"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/store"
)

// publisher hands events to a Broadcaster from one goroutine, so a slow
// broadcaster (a network backplane) never delays a charge point's reply and
// events of one charge point keep their order.
type publisher struct {
	b       broadcast.Broadcaster
	timeout time.Duration // bounds each Publish
	events  chan event
	stop    chan struct{} // closed by close; events is never closed, so a late send cannot panic
	done    chan struct{}
	dropped atomic.Uint64
	logger  *slog.Logger
	once    sync.Once
}

type event struct {
	chargePointID uint
	kind          string
	v             any
	flushed       chan struct{} // set on a flush marker only
}

func newPublisher(b broadcast.Broadcaster, size int, timeout time.Duration, logger *slog.Logger) *publisher {
	p := &publisher{b: b, timeout: timeout, events: make(chan event, size), stop: make(chan struct{}), done: make(chan struct{}), logger: logger}
	if b == nil {
		close(p.done)
		return p
	}
	go p.run()
	return p
}

// publish queues an event; false means it was dropped (the buffer was
// full). Without a broadcaster events go nowhere, and publish returns true.
func (p *publisher) publish(chargePointID uint, kind string, v any) bool {
	if p.b == nil {
		return true
	}
	select {
	case p.events <- event{chargePointID: chargePointID, kind: kind, v: v}:
		return true
	default:
		if p.dropped.Add(1)%1000 == 1 {
			p.logger.Warn("broadcaster is behind, dropping events", "dropped_total", p.dropped.Load())
		}
		return false
	}
}

func (p *publisher) run() {
	defer close(p.done)
	for {
		select {
		case ev := <-p.events:
			p.handle(ev)
		case <-p.stop: // publish what is queued, then end
			for {
				select {
				case ev := <-p.events:
					p.handle(ev)
				default:
					return
				}
			}
		}
	}
}

// handle hands one event to the broadcaster, within the publisher's
// timeout. A panic in the broadcaster loses that event only: it is logged
// and the publisher goes on.
func (p *publisher) handle(ev event) {
	if ev.flushed != nil {
		close(ev.flushed)
		return
	}
	defer recoverAndLog(p.logger, "publish event")
	// Most events (a meter value per sample) have nobody listening: skip
	// them before making the timeout's timer. PublishEvent asks again.
	if !broadcast.IsWatched(p.b, broadcast.AllChargePointsTopic) &&
		!broadcast.IsWatched(p.b, broadcast.ChargePointTopic(ev.chargePointID, ev.kind)) {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
	defer cancel()
	if err := broadcast.PublishEvent(ctx, p.b, ev.chargePointID, ev.kind, ev.v); err != nil {
		p.logger.Error("publish event", "kind", ev.kind, "charge_point_id", ev.chargePointID, "err", err)
	}
}

// recoverAndLog, deferred in a background goroutine's unit of work,
// recovers a panic and logs it with its stack, so one bad event or batch
// does not take the process down (nobody could recover it elsewhere).
func recoverAndLog(logger *slog.Logger, what string) {
	if v := recover(); v != nil {
		logger.Error(what+" panicked", "panic", v, "stack", string(debug.Stack()))
	}
}

// flush waits until every event queued before it has been handed to the
// broadcaster, or ctx ends.
func (p *publisher) flush(ctx context.Context) error {
	if p.b == nil {
		return nil
	}
	marker := event{flushed: make(chan struct{})}
	select {
	case p.events <- marker:
	case <-p.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case <-marker.flushed:
		return nil
	case <-p.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *publisher) close(ctx context.Context) error {
	p.once.Do(func() { close(p.stop) })
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// heartbeatBatcher coalesces last-heartbeat times and writes them all in
// one statement per flush interval: a Heartbeat costs no database write on
// its own path.
//
// A heartbeat on a connection goes to the connection's beatSlot: a store of
// the time, and the batcher's lock only the first time in a flush interval
// (the slot is then queued). Thousands of connections heartbeating through
// one map under one lock made the lock's cache line and the map's buckets
// travel between cores on every message. Times without a slot (a Call
// built by hand, a BootNotification, a failed flush's retry) go to pending.
type heartbeatBatcher struct {
	store   *store.Store
	timeout time.Duration // bounds each flush
	logger  *slog.Logger
	mu      sync.Mutex
	pending map[uint]time.Time
	queued  []*connInfo // connections whose beat slot holds a time to write
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
}

// beatSlot is a connection's last heartbeat time, waiting for a flush.
type beatSlot struct {
	at     atomic.Int64 // Unix nanoseconds
	queued atomic.Bool  // in the batcher's queue for the next flush
}

// touchCall records a heartbeat of c's charge point at at, through the
// connection's slot when c is the connection's own Call.
func (h *heartbeatBatcher) touchCall(c *Call, at time.Time) {
	if c.info == nil || c.ChargePoint != &c.info.chargePoint {
		h.touch(c.ChargePoint.ID, at)
		return
	}
	s := &c.info.beat
	// The slot keeps the newest time; a flush empties the queue first and
	// reads the time after, so a heartbeat it misses queues the slot again.
	for {
		old := s.at.Load()
		if at.UnixNano() <= old || s.at.CompareAndSwap(old, at.UnixNano()) {
			break
		}
	}
	if !s.queued.Load() && s.queued.CompareAndSwap(false, true) {
		h.mu.Lock()
		h.queued = append(h.queued, c.info)
		h.mu.Unlock()
	}
}

func newHeartbeatBatcher(s *store.Store, every, timeout time.Duration, logger *slog.Logger) *heartbeatBatcher {
	h := &heartbeatBatcher{
		store:   s,
		timeout: timeout,
		logger:  logger,
		pending: make(map[uint]time.Time),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go h.run(every)
	return h
}

func (h *heartbeatBatcher) touch(id uint, at time.Time) {
	h.mu.Lock()
	if prev, ok := h.pending[id]; !ok || at.After(prev) {
		h.pending[id] = at
	}
	h.mu.Unlock()
}

func (h *heartbeatBatcher) run(every time.Duration) {
	defer close(h.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			h.flush()
		case <-h.stop:
			h.flush()
			return
		}
	}
}

// flush writes the pending heartbeat times within the batcher's timeout; on
// failure (or a panic, logged) they wait for the next flush.
func (h *heartbeatBatcher) flush() {
	h.mu.Lock()
	if len(h.pending) == 0 && len(h.queued) == 0 {
		h.mu.Unlock()
		return
	}
	batch, queued := h.pending, h.queued
	h.pending, h.queued = make(map[uint]time.Time, len(batch)), make([]*connInfo, 0, len(queued))
	h.mu.Unlock()
	for _, info := range queued {
		info.beat.queued.Store(false)
		at := time.Unix(0, info.beat.at.Load()).UTC()
		id := info.chargePoint.ID
		if prev, ok := batch[id]; !ok || at.After(prev) {
			batch[id] = at
		}
	}
	ok := false
	defer func() {
		if !ok { // failed or panicked: keep them for the next flush unless newer ones arrived
			for id, at := range batch {
				h.touch(id, at)
			}
		}
	}()
	defer recoverAndLog(h.logger, "record heartbeats")
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	if err := h.store.TouchHeartbeats(ctx, batch); err != nil {
		h.logger.Error("record heartbeats", "charge_points", len(batch), "err", err)
		return
	}
	ok = true
}

func (h *heartbeatBatcher) close(ctx context.Context) error {
	h.once.Do(func() { close(h.stop) })
	select {
	case <-h.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sessionCache remembers the sessions the handlers have seen, per charge
// point, so MeterValues needs no lookup to find its session. A miss falls
// back to the database.
type sessionCache struct {
	mu sync.Mutex
	cp map[uint]*cpSessions
}

type cpSessions struct {
	byTx        map[int]sessionRef
	byConnector map[int]sessionRef
}

type sessionRef struct {
	id            uint
	transactionID int
	connectorID   int
	meterStart    int
}

func (c *sessionCache) get(cpID uint, txID int) (sessionRef, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.cp[cpID]
	if !ok {
		return sessionRef{}, false
	}
	ref, ok := s.byTx[txID]
	return ref, ok
}

func (c *sessionCache) onConnector(cpID uint, connectorID int) (sessionRef, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.cp[cpID]
	if !ok {
		return sessionRef{}, false
	}
	ref, ok := s.byConnector[connectorID]
	return ref, ok
}

func (c *sessionCache) put(cpID uint, ref sessionRef) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cp == nil {
		c.cp = make(map[uint]*cpSessions)
	}
	s, ok := c.cp[cpID]
	if !ok {
		s = &cpSessions{byTx: make(map[int]sessionRef), byConnector: make(map[int]sessionRef)}
		c.cp[cpID] = s
	}
	if old, ok := s.byConnector[ref.connectorID]; ok && old.transactionID != ref.transactionID {
		delete(s.byTx, old.transactionID)
	}
	s.byTx[ref.transactionID] = ref
	s.byConnector[ref.connectorID] = ref
}

func (c *sessionCache) remove(cpID uint, txID int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.cp[cpID]
	if !ok {
		return
	}
	if ref, ok := s.byTx[txID]; ok {
		delete(s.byTx, txID)
		if cur, ok := s.byConnector[ref.connectorID]; ok && cur.transactionID == txID {
			delete(s.byConnector, ref.connectorID)
		}
	}
}

func (c *sessionCache) forget(cpID uint) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.cp, cpID)
}
