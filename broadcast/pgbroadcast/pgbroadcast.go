package pgbroadcast

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/ocppkit/ocppkit/broadcast"
	"github.com/ocppkit/ocppkit/broadcast/internal/fanout"
)

// MaxPayloadSize is the largest NOTIFY payload PostgreSQL accepts (in its
// default build): the JSON envelope, topic and id included.
const MaxPayloadSize = 7999

// ErrPayloadTooLarge is returned by Publish when the envelope would exceed
// MaxPayloadSize. Publish ids, not rows.
var ErrPayloadTooLarge = errors.New("pgbroadcast: payload too large for NOTIFY")

// Defaults of Config.
const (
	DefaultChannel          = "ocppkit_broadcast"
	DefaultBufferSize       = 256
	DefaultSubscribeTimeout = 10 * time.Second
)

// Config configures New. The zero value works.
type Config struct {
	// Channel is the PostgreSQL notification channel all topics share
	// (at most 63 bytes). Nodes that share broadcasts use the same Channel.
	// Default "ocppkit_broadcast".
	Channel string
	// BufferSize is the capacity of each local subscriber's channel; when it
	// is full, messages are dropped for that subscriber. Default 256.
	BufferSize int
	// SubscribeTimeout bounds how long Subscribe waits for the LISTEN to be
	// in place (for instance while PostgreSQL is unreachable). Default 10s.
	SubscribeTimeout time.Duration
	// Logger receives diagnostics. Default slog.Default().
	Logger *slog.Logger
}

// Broadcaster is a broadcast.Broadcaster over PostgreSQL LISTEN/NOTIFY.
type Broadcaster struct {
	pool     *pgxpool.Pool
	cfg      Config
	cfgErr   error
	hub      *fanout.Hub
	instance string
	seq      atomic.Uint64

	mu        sync.Mutex
	started   bool
	closed    bool
	ready     chan struct{} // closed while the LISTEN is in place
	listening bool          // ready is closed
	lastErr   error         // of the listener, for Subscribe's timeout error
	stop      context.CancelFunc
	done      chan struct{}
	wg        sync.WaitGroup
}

var _ broadcast.Broadcaster = (*Broadcaster)(nil)

// New returns a Broadcaster notifying through pool. It starts no goroutine
// and takes no connection until the first Subscribe.
func New(pool *pgxpool.Pool, cfg Config) *Broadcaster {
	cfg.Channel = cmp.Or(cfg.Channel, DefaultChannel)
	cfg.BufferSize = cmp.Or(max(cfg.BufferSize, 0), DefaultBufferSize)
	cfg.SubscribeTimeout = cmp.Or(max(cfg.SubscribeTimeout, 0), DefaultSubscribeTimeout)
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	b := &Broadcaster{
		pool:     pool,
		cfg:      cfg,
		hub:      fanout.New(),
		instance: rand.Text()[:10],
		ready:    make(chan struct{}),
		done:     make(chan struct{}),
	}
	if len(cfg.Channel) > 63 {
		b.cfgErr = fmt.Errorf("pgbroadcast: channel name %q is longer than 63 bytes", cfg.Channel)
	}
	return b
}

// wire is the NOTIFY payload.
type wire struct {
	Topic string          `json:"topic"`
	ID    string          `json:"id"`
	Time  time.Time       `json:"time"`
	Data  json.RawMessage `json:"data"`
}

// Publish sends data to the subscribers of topic on every node: one
// pg_notify through the pool, bounded by ctx. It returns
// ErrPayloadTooLarge (wrapped) when the payload exceeds MaxPayloadSize.
func (b *Broadcaster) Publish(ctx context.Context, topic string, data json.RawMessage) error {
	if b.cfgErr != nil {
		return b.cfgErr
	}
	select {
	case <-b.done:
		return broadcast.ErrClosed
	default:
	}
	if len(data) == 0 {
		data = json.RawMessage("null")
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // fewer bytes against the limit
	id := b.instance + "-" + strconv.FormatUint(b.seq.Add(1), 10)
	if err := enc.Encode(wire{Topic: topic, ID: id, Time: time.Now().UTC(), Data: data}); err != nil {
		return fmt.Errorf("pgbroadcast: publish %s: %w", topic, err)
	}
	payload := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(payload) > MaxPayloadSize {
		return fmt.Errorf("%w: %d bytes on %s (limit %d); publish ids, not rows",
			ErrPayloadTooLarge, len(payload), topic, MaxPayloadSize)
	}
	if _, err := b.pool.Exec(ctx, "SELECT pg_notify($1, $2)", b.cfg.Channel, string(payload)); err != nil {
		return fmt.Errorf("pgbroadcast: publish %s: %w", topic, err)
	}
	return nil
}

// Subscribe returns a channel receiving the messages published to topics
// on any node after Subscribe returns. The first call starts the listener;
// Subscribe waits until the LISTEN is in place, at most ctx and
// Config.SubscribeTimeout.
func (b *Broadcaster) Subscribe(ctx context.Context, topics ...string) (<-chan broadcast.Message, error) {
	if b.cfgErr != nil {
		return nil, b.cfgErr
	}
	topics = broadcast.UniqueTopics(topics)
	if len(topics) == 0 {
		return nil, broadcast.ErrNoTopics
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, broadcast.ErrClosed
	}
	if !b.started {
		b.started = true
		lctx, cancel := context.WithCancel(context.Background())
		b.stop = cancel
		b.wg.Go(func() { b.listen(lctx) })
	}
	ready := b.ready
	b.mu.Unlock()

	s, _, err := b.hub.Add(ctx, topics, b.cfg.BufferSize, func(s *fanout.Sub) { b.hub.Remove(s) })
	if err != nil {
		return nil, err
	}
	timeout := time.NewTimer(b.cfg.SubscribeTimeout)
	defer timeout.Stop()
	select {
	case <-ready:
		return s.C(), nil
	case <-ctx.Done():
		b.hub.Remove(s)
		return nil, ctx.Err()
	case <-b.done:
		return nil, broadcast.ErrClosed
	case <-timeout.C:
		b.hub.Remove(s)
		b.mu.Lock()
		lastErr := b.lastErr
		b.mu.Unlock()
		return nil, fmt.Errorf("pgbroadcast: subscribe: not listening within %v: %w", b.cfg.SubscribeTimeout, lastErr)
	}
}

// listen keeps one LISTEN connection up until ctx ends.
func (b *Broadcaster) listen(ctx context.Context) {
	const minBackoff, maxBackoff = 50 * time.Millisecond, 5 * time.Second
	backoff := minBackoff
	for {
		listened, err := b.listenOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		b.mu.Lock()
		b.lastErr = err
		if b.listening {
			b.listening = false
			b.ready = make(chan struct{})
		}
		b.mu.Unlock()
		if listened {
			backoff = minBackoff
		}
		b.cfg.Logger.Warn("pgbroadcast: listener connection lost; reconnecting",
			"channel", b.cfg.Channel, "retry_in", backoff, "err", err)
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// listenOnce takes a connection, LISTENs and delivers notifications until
// the connection fails. listened reports whether the LISTEN succeeded.
func (b *Broadcaster) listenOnce(ctx context.Context) (listened bool, err error) {
	pc, err := b.pool.Acquire(ctx)
	if err != nil {
		return false, err
	}
	conn := pc.Hijack() // ours for good: the pool neither reuses nor recycles it
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		conn.Close(cctx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{b.cfg.Channel}.Sanitize()); err != nil {
		return false, err
	}
	b.mu.Lock()
	if !b.listening {
		b.listening = true
		close(b.ready)
	}
	b.mu.Unlock()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true, err
		}
		b.deliver(n)
	}
}

func (b *Broadcaster) deliver(n *pgconn.Notification) {
	if n.Channel != b.cfg.Channel {
		return
	}
	var w wire
	if err := json.Unmarshal([]byte(n.Payload), &w); err != nil || w.Topic == "" {
		b.cfg.Logger.Warn("pgbroadcast: undecodable notification", "channel", n.Channel, "err", err)
		return
	}
	b.hub.Deliver(broadcast.Message{ID: w.ID, Topic: w.Topic, Data: w.Data, Time: w.Time})
}

// Dropped returns how many messages were dropped because a local
// subscriber's buffer was full.
func (b *Broadcaster) Dropped() uint64 { return b.hub.Dropped() }

// Close closes every subscription and the listening connection; Publish
// and Subscribe then return broadcast.ErrClosed. It does not close the pool.
func (b *Broadcaster) Close() error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	close(b.done)
	stop := b.stop
	b.mu.Unlock()
	if stop != nil {
		stop()
	}
	b.wg.Wait()
	b.hub.Close()
	return nil
}
