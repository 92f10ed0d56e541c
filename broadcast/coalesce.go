package broadcast

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"
)

// Coalescer is a Broadcaster decorator that thins out meter values, the
// answer to "limit broadcast frequency" for dashboards of busy charge
// points. Build it with Coalesce.
//
// A meter value series is one charge point's values of one connector,
// measurand and phase (energy, power, the current of phase L1 …), on one
// topic: its charge_point_<id>_meter_values topic, or AllChargePointsTopic
// where PublishEvent wraps it in an Envelope. Each series gets at most one
// event per interval, the latest value: a series' first value goes out at
// once and opens an interval on its topic; further values of the series in
// that interval are held, each replacing the one before, and go out when the
// interval ends (which opens the next, until an interval passes with
// nothing held). All series of one MeterValues message therefore go out
// together, at once, and a dashboard sees every measurand at least once
// per interval, never only the one that happened to come first.
//
// Every other event (status, sessions, connection, commands, a host's own
// topics) passes through unchanged and undelayed, as do meter values that
// are not JSON objects as MeterValueEvent encodes them. Subscribe, Replay
// and Watched go to the wrapped broadcaster. A held value may reach
// subscribers after a later event of another kind.
//
// Flush publishes what is held now; Close flushes and stops the timers:
// nothing held is lost. Close does not close the wrapped broadcaster, which
// stays the host's. Shut the CSMS down first (its events drain into the
// Coalescer), then Close the Coalescer.
type Coalescer struct {
	next     Broadcaster
	interval time.Duration
	after    func(d time.Duration, f func()) (stop func() bool)

	mu      sync.Mutex
	windows map[windowKey]*window
	closed  bool
}

var (
	_ Broadcaster = (*Coalescer)(nil)
	_ Replayer    = (*Coalescer)(nil)
	_ Watcher     = (*Coalescer)(nil)
)

// windowKey names a topic's stream of one charge point's meter values: the
// topic published to, and the charge point's meter values topic (they
// differ for AllChargePointsTopic).
type windowKey struct{ dest, topic string }

// seriesKey names one series within a window.
type seriesKey struct {
	connector        int
	measurand, phase string
}

// window is an interval of a windowKey's stream. mu is held while its
// values are published, so a series' values reach next in order.
type window struct {
	mu    sync.Mutex
	sent  map[seriesKey]bool // published in this interval
	held  map[seriesKey]json.RawMessage
	order []seriesKey // held series, first held first
	stop  func() bool // the interval's timer
	dead  bool        // ended: removed from the Coalescer
}

// Coalesce returns a Coalescer publishing to b at most one event per meter
// value series per interval (see Coalescer). An interval ≤ 0 coalesces
// nothing.
func Coalesce(b Broadcaster, interval time.Duration) *Coalescer {
	return coalesce(b, interval, func(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop })
}

func coalesce(b Broadcaster, interval time.Duration, after func(time.Duration, func()) func() bool) *Coalescer {
	return &Coalescer{next: b, interval: interval, after: after, windows: make(map[windowKey]*window)}
}

// Publish passes data to the wrapped broadcaster, or holds it when it is a
// meter value of a series already published in the current interval.
func (c *Coalescer) Publish(ctx context.Context, topic string, data json.RawMessage) error {
	key, series, ok := c.classify(topic, data)
	if !ok {
		return c.next.Publish(ctx, topic, data)
	}
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return ErrClosed
		}
		w := c.windows[key]
		if w == nil {
			w = &window{sent: make(map[seriesKey]bool), held: make(map[seriesKey]json.RawMessage)}
			c.windows[key] = w
			w.stop = c.after(c.interval, func() { c.endInterval(key, w) })
		}
		c.mu.Unlock()

		w.mu.Lock()
		if w.dead { // its interval ended meanwhile: take the next window
			w.mu.Unlock()
			continue
		}
		if w.sent[series] {
			if _, held := w.held[series]; !held {
				w.order = append(w.order, series)
			}
			w.held[series] = data
			w.mu.Unlock()
			return nil
		}
		w.sent[series] = true
		err := c.next.Publish(ctx, topic, data)
		w.mu.Unlock()
		return err
	}
}

// endInterval publishes what w holds and opens the next interval, or ends
// w when it holds nothing.
func (c *Coalescer) endInterval(key windowKey, w *window) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dead {
		return
	}
	if len(w.order) == 0 {
		w.dead = true
		c.mu.Lock()
		if c.windows[key] == w {
			delete(c.windows, key)
		}
		c.mu.Unlock()
		return
	}
	sent := make(map[seriesKey]bool, len(w.order))
	for _, s := range w.order {
		sent[s] = true
	}
	c.publishHeld(context.Background(), key, w)
	w.sent = sent
	c.mu.Lock()
	if !c.closed {
		w.stop = c.after(c.interval, func() { c.endInterval(key, w) })
	}
	c.mu.Unlock()
}

// publishHeld publishes w's held values in the order they were first held
// and forgets them; w.mu is held.
func (c *Coalescer) publishHeld(ctx context.Context, key windowKey, w *window) error {
	var errs []error
	for _, s := range w.order {
		if err := c.next.Publish(ctx, key.dest, w.held[s]); err != nil {
			errs = append(errs, err)
		}
	}
	clear(w.held)
	w.order = w.order[:0]
	return errors.Join(errs...)
}

// Flush publishes every value held now, without waiting for the end of its
// interval. The intervals go on: a series flushed is held again if it
// publishes before its interval ends.
func (c *Coalescer) Flush(ctx context.Context) error {
	c.mu.Lock()
	ws := make(map[windowKey]*window, len(c.windows))
	for k, w := range c.windows {
		ws[k] = w
	}
	c.mu.Unlock()
	var errs []error
	for k, w := range ws {
		if err := ctx.Err(); err != nil {
			return errors.Join(append(errs, err)...)
		}
		w.mu.Lock()
		if !w.dead {
			errs = append(errs, c.publishHeld(ctx, k, w))
		}
		w.mu.Unlock()
	}
	return errors.Join(errs...)
}

// Close publishes every value held (as Flush), stops the timers, and makes
// Publish return ErrClosed for meter values from then on (other events
// still pass through). It does not close the wrapped broadcaster. It is
// safe to call more than once.
func (c *Coalescer) Close(ctx context.Context) error {
	c.mu.Lock()
	c.closed = true
	ws := c.windows
	c.windows = make(map[windowKey]*window)
	c.mu.Unlock()
	var errs []error
	for k, w := range ws {
		w.mu.Lock()
		if !w.dead {
			w.dead = true
			w.stop()
			if ctx.Err() == nil {
				errs = append(errs, c.publishHeld(ctx, k, w))
			} else {
				errs = append(errs, ctx.Err())
			}
		}
		w.mu.Unlock()
	}
	return errors.Join(errs...)
}

// Subscribe subscribes to the wrapped broadcaster.
func (c *Coalescer) Subscribe(ctx context.Context, topics ...string) (<-chan Message, error) {
	return c.next.Subscribe(ctx, topics...)
}

// Replay replays from the wrapped broadcaster when it is a Replayer, and
// returns nothing otherwise.
func (c *Coalescer) Replay(ctx context.Context, topic, afterID string) ([]Message, error) {
	if r, ok := c.next.(Replayer); ok {
		return r.Replay(ctx, topic, afterID)
	}
	return nil, nil
}

// Watched implements Watcher for the Coalescer itself: a topic is watched
// when the wrapped broadcaster says so (or cannot say).
func (c *Coalescer) Watched(b Broadcaster, topic string) bool {
	if b != Broadcaster(c) {
		return true
	}
	return IsWatched(c.next, topic)
}

// meterFields are the fields of a MeterValueEvent that name its series.
type meterFields struct {
	ConnectorID *int   `json:"connector_id"`
	Measurand   string `json:"measurand"`
	Phase       string `json:"phase"`
}

// classify tells a meter value to coalesce, and its window and series.
func (c *Coalescer) classify(topic string, data json.RawMessage) (windowKey, seriesKey, bool) {
	if c.interval <= 0 {
		return windowKey{}, seriesKey{}, false
	}
	inner, meterTopic := json.RawMessage(data), topic
	if topic == AllChargePointsTopic {
		if !bytes.Contains(data, []byte(`"`+KindMeterValues+`"`)) {
			return windowKey{}, seriesKey{}, false // not a meter value: no decoding
		}
		var env Envelope
		if err := json.Unmarshal(data, &env); err != nil || env.Kind != KindMeterValues || env.Topic == "" {
			return windowKey{}, seriesKey{}, false
		}
		inner, meterTopic = env.Data, env.Topic
	}
	if _, kind, ok := ParseTopic(meterTopic); !ok || kind != KindMeterValues {
		return windowKey{}, seriesKey{}, false
	}
	var f meterFields
	if err := json.Unmarshal(inner, &f); err != nil || f.ConnectorID == nil {
		return windowKey{}, seriesKey{}, false
	}
	return windowKey{dest: topic, topic: meterTopic}, seriesKey{*f.ConnectorID, f.Measurand, f.Phase}, true
}
