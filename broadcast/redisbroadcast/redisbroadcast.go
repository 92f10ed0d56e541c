package redisbroadcast

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/broadcast/internal/fanout"
)

// Defaults of Config.
const (
	DefaultPrefix           = "ocppkit:"
	DefaultBufferSize       = 256
	DefaultSubscribeTimeout = 10 * time.Second
)

// Config configures New. The zero value works.
type Config struct {
	// Prefix is prepended to every topic to form its Redis channel, and
	// names the id counter key Prefix+"seq". Nodes that share broadcasts
	// use the same Prefix. Default "ocppkit:".
	Prefix string
	// BufferSize is the capacity of each local subscriber's channel; when it
	// is full, messages are dropped for that subscriber. Default 256.
	BufferSize int
	// SubscribeTimeout bounds how long Subscribe waits for Redis to confirm
	// a subscription (for instance while Redis is unreachable). Default 10s.
	SubscribeTimeout time.Duration
	// Logger receives diagnostics. Default slog.Default().
	Logger *slog.Logger
}

// Broadcaster is a broadcast.Broadcaster over Redis pub/sub.
type Broadcaster struct {
	client redis.UniversalClient
	cfg    Config
	seqKey string
	hub    *fanout.Hub

	subMu   sync.Mutex                 // orders (UN)SUBSCRIBE commands and the state below
	ps      *redis.PubSub              // nil until the first Subscribe
	ready   map[string]chan struct{}   // topic → closed once Redis confirmed its SUBSCRIBE
	closed  bool                       //
	done    chan struct{}              // closed by Close
	readerW sync.WaitGroup             // the receive goroutine
	waitMu  sync.Mutex                 // guards waiting
	waiting map[string][]chan struct{} // Redis channel → ready chans, in SUBSCRIBE order
}

var _ broadcast.Broadcaster = (*Broadcaster)(nil)

// New returns a Broadcaster publishing through client. It starts no
// goroutine and opens no connection until the first Subscribe.
func New(client redis.UniversalClient, cfg Config) *Broadcaster {
	cfg.Prefix = cmp.Or(cfg.Prefix, DefaultPrefix)
	cfg.BufferSize = cmp.Or(max(cfg.BufferSize, 0), DefaultBufferSize)
	cfg.SubscribeTimeout = cmp.Or(max(cfg.SubscribeTimeout, 0), DefaultSubscribeTimeout)
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	return &Broadcaster{
		client:  client,
		cfg:     cfg,
		seqKey:  cfg.Prefix + "seq",
		hub:     fanout.New(),
		ready:   make(map[string]chan struct{}),
		done:    make(chan struct{}),
		waiting: make(map[string][]chan struct{}),
	}
}

// publishScript takes the next id and publishes the envelope in one round
// trip. ARGV: channel, time, data (valid JSON).
var publishScript = redis.NewScript(`
local id = redis.call('INCR', KEYS[1])
redis.call('PUBLISH', ARGV[1], '{"id":"' .. string.format('%d', id) .. '","time":"' .. ARGV[2] .. '","data":' .. ARGV[3] .. '}')
return id
`)

// envelope is what travels on a Redis channel.
type envelope struct {
	ID   string          `json:"id"`
	Time time.Time       `json:"time"`
	Data json.RawMessage `json:"data"`
}

// Publish sends data to the subscribers of topic on every node. It costs
// one Redis round trip, bounded by ctx, and never waits for subscribers.
func (b *Broadcaster) Publish(ctx context.Context, topic string, data json.RawMessage) error {
	select {
	case <-b.done:
		return broadcast.ErrClosed
	default:
	}
	if len(data) == 0 {
		data = json.RawMessage("null")
	}
	if !json.Valid(data) {
		return fmt.Errorf("redisbroadcast: publish %s: data is not valid JSON", topic)
	}
	now := time.Now().UTC().Format(time.RFC3339Nano)
	if err := publishScript.Run(ctx, b.client, []string{b.seqKey}, b.cfg.Prefix+topic, now, string(data)).Err(); err != nil {
		return fmt.Errorf("redisbroadcast: publish %s: %w", topic, err)
	}
	return nil
}

// Subscribe returns a channel receiving the messages published to topics
// on any node after Subscribe returns. It returns once Redis confirmed the
// subscription, or fails after ctx ends or Config.SubscribeTimeout.
func (b *Broadcaster) Subscribe(ctx context.Context, topics ...string) (<-chan broadcast.Message, error) {
	topics = broadcast.UniqueTopics(topics)
	if len(topics) == 0 {
		return nil, broadcast.ErrNoTopics
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	b.subMu.Lock()
	if b.closed {
		b.subMu.Unlock()
		return nil, broadcast.ErrClosed
	}
	if b.ps == nil {
		b.ps = b.client.Subscribe(context.WithoutCancel(ctx))
		msgs := b.ps.ChannelWithSubscriptions(redis.WithChannelSize(b.cfg.BufferSize))
		b.readerW.Go(func() { b.receive(msgs) })
	}
	s, first, err := b.hub.Add(ctx, topics, b.cfg.BufferSize, b.unsubscribe)
	if err != nil {
		b.subMu.Unlock()
		return nil, err
	}
	var subErr error
	if len(first) > 0 {
		channels := make([]string, len(first))
		b.waitMu.Lock()
		for i, t := range first {
			channels[i] = b.cfg.Prefix + t
			ready := make(chan struct{})
			b.ready[t] = ready
			b.waiting[channels[i]] = append(b.waiting[channels[i]], ready)
		}
		b.waitMu.Unlock()
		subErr = b.ps.Subscribe(context.WithoutCancel(ctx), channels...)
	}
	var wait []chan struct{}
	for _, t := range topics {
		if ready := b.ready[t]; ready != nil {
			wait = append(wait, ready)
		}
	}
	b.subMu.Unlock()

	if subErr != nil {
		b.unsubscribe(s)
		return nil, fmt.Errorf("redisbroadcast: subscribe: %w", subErr)
	}
	timeout := time.NewTimer(b.cfg.SubscribeTimeout)
	defer timeout.Stop()
	for _, ready := range wait {
		select {
		case <-ready:
		case <-ctx.Done():
			b.unsubscribe(s)
			return nil, ctx.Err()
		case <-b.done:
			return nil, broadcast.ErrClosed
		case <-timeout.C:
			b.unsubscribe(s)
			return nil, fmt.Errorf("redisbroadcast: subscribe: not confirmed by Redis within %v", b.cfg.SubscribeTimeout)
		}
	}
	return s.C(), nil
}

// unsubscribe removes s; the Redis channels nobody here watches any more
// are unsubscribed.
func (b *Broadcaster) unsubscribe(s *fanout.Sub) {
	b.subMu.Lock()
	defer b.subMu.Unlock()
	last, ok := b.hub.Remove(s)
	if !ok || len(last) == 0 || b.closed {
		return
	}
	channels := make([]string, len(last))
	for i, t := range last {
		channels[i] = b.cfg.Prefix + t
		delete(b.ready, t)
	}
	ctx, cancel := context.WithTimeout(context.Background(), b.cfg.SubscribeTimeout)
	defer cancel()
	if err := b.ps.Unsubscribe(ctx, channels...); err != nil {
		// The connection is gone or going; go-redis resubscribes only to
		// the channels still in its set, so nothing is left behind.
		b.cfg.Logger.Warn("redisbroadcast: unsubscribe", "channels", channels, "err", err)
	}
}

// receive is the single reader of the pub/sub connection.
func (b *Broadcaster) receive(msgs <-chan any) {
	for v := range msgs {
		switch v := v.(type) {
		case *redis.Subscription:
			if v.Kind == "subscribe" {
				b.confirm(v.Channel)
			}
		case *redis.Message:
			topic, ok := strings.CutPrefix(v.Channel, b.cfg.Prefix)
			if !ok {
				continue
			}
			var env envelope
			if err := json.Unmarshal([]byte(v.Payload), &env); err != nil {
				b.cfg.Logger.Warn("redisbroadcast: undecodable message", "channel", v.Channel, "err", err)
				continue
			}
			b.hub.Deliver(broadcast.Message{ID: env.ID, Topic: topic, Data: env.Data, Time: env.Time})
		}
	}
}

// confirm releases the oldest Subscribe waiting for channel. A
// confirmation nobody waits for (a resubscription after a reconnect) is
// ignored.
func (b *Broadcaster) confirm(channel string) {
	b.waitMu.Lock()
	defer b.waitMu.Unlock()
	q := b.waiting[channel]
	if len(q) == 0 {
		return
	}
	close(q[0])
	if len(q) == 1 {
		delete(b.waiting, channel)
	} else {
		b.waiting[channel] = q[1:]
	}
}

// Dropped returns how many messages were dropped because a local
// subscriber's buffer was full.
func (b *Broadcaster) Dropped() uint64 { return b.hub.Dropped() }

// Close closes every subscription and the pub/sub connection; Publish and
// Subscribe then return broadcast.ErrClosed. It does not close the client.
func (b *Broadcaster) Close() error {
	b.subMu.Lock()
	if b.closed {
		b.subMu.Unlock()
		return nil
	}
	b.closed = true
	close(b.done)
	ps := b.ps
	b.subMu.Unlock()

	b.hub.Close()
	var err error
	if ps != nil {
		err = ps.Close()
	}
	b.readerW.Wait()
	if err != nil && !errors.Is(err, redis.ErrClosed) {
		return fmt.Errorf("redisbroadcast: close: %w", err)
	}
	return nil
}
