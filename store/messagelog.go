package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"
)

// Defaults of MessageLogConfig.
const (
	DefaultMessageLogQueue     = 10000
	DefaultMessageLogBatch     = 1000
	DefaultMessageLogDelay     = 100 * time.Millisecond
	DefaultMessageLogRetention = 7 * 24 * time.Hour
	DefaultMessageLogPrune     = 5 * time.Minute
)

// maxMessageField is the longest message id or action stored.
const maxMessageField = 64

// maxPendingActions bounds the CALLs a MessageLog remembers to name the
// action of their replies; past it, it forgets them all.
const maxPendingActions = 100_000

// MessageLogConfig configures a MessageLog. The zero value is usable.
type MessageLogConfig struct {
	// Queue is how many frames may wait to be written, those of the batch
	// being written included; Add drops frames beyond. Default
	// DefaultMessageLogQueue.
	Queue int
	// MaxBatch is the most frames written in one transaction. Default
	// DefaultMessageLogBatch.
	MaxBatch int
	// MaxDelay is how long a frame may wait for others to share its
	// transaction. Default DefaultMessageLogDelay.
	MaxDelay time.Duration
	// Retention is how long frames are kept; older ones are deleted every
	// PruneInterval. Default DefaultMessageLogRetention; negative: forever.
	Retention time.Duration
	// PruneInterval is how often frames past Retention are deleted.
	// Default DefaultMessageLogPrune.
	PruneInterval time.Duration
	// OnWrite, when set, is called with the frames each transaction wrote,
	// or with dropped frames: Add's (the queue was full; on the caller's
	// goroutine) and a failed transaction's. It must return at once.
	OnWrite func(written, dropped int)
	// Logger receives write failures. Default slog.Default().
	Logger *slog.Logger
}

// MessageLog writes raw OCPP-J frames to ocpp_messages in the background:
// Add queues a frame without ever blocking (a full queue drops it, and
// counts it), one goroutine writes the queue in batched transactions and
// deletes frames past the retention. The frame's type, message id and
// action are parsed by that goroutine, off the caller's path; a reply gets
// the action of the CALL it answers.
type MessageLog struct {
	db      *gorm.DB
	cfg     MessageLogConfig
	log     *slog.Logger
	queue   chan loggedFrame
	waiting atomic.Int64 // frames queued or in the batch being written
	dropped atomic.Uint64
	closed  atomic.Bool
	stop    chan struct{} // closed by Close; queue is never closed
	done    chan struct{}
	once    sync.Once

	// The writer goroutine's: CALLs awaiting their reply, by direction,
	// identity and message id.
	pending map[string]string
}

type loggedFrame struct {
	chargePointID uint
	identity      string
	direction     string
	frame         string
	at            time.Time
}

// NewMessageLog starts a MessageLog on db. Close flushes and stops it.
func NewMessageLog(db *gorm.DB, cfg MessageLogConfig) *MessageLog {
	cfg.Queue = cmp.Or(max(cfg.Queue, 0), DefaultMessageLogQueue)
	cfg.MaxBatch = cmp.Or(max(cfg.MaxBatch, 0), DefaultMessageLogBatch)
	cfg.MaxDelay = cmp.Or(max(cfg.MaxDelay, 0), DefaultMessageLogDelay)
	cfg.Retention = cmp.Or(cfg.Retention, DefaultMessageLogRetention)
	cfg.PruneInterval = cmp.Or(max(cfg.PruneInterval, 0), DefaultMessageLogPrune)
	l := &MessageLog{
		db:      db,
		cfg:     cfg,
		log:     cmp.Or(cfg.Logger, slog.Default()),
		queue:   make(chan loggedFrame, cfg.Queue),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
		pending: make(map[string]string),
	}
	go l.run()
	return l
}

// Add queues a frame (copied) sent (DirectionOut) or received (DirectionIn)
// at at. It never blocks: it returns false when the queue is full or the
// log closed, and the frame is dropped (and counted).
func (l *MessageLog) Add(chargePointID uint, identity, direction string, frame []byte, at time.Time) bool {
	if l.closed.Load() {
		return false
	}
	if l.waiting.Add(1) > int64(l.cfg.Queue) {
		l.waiting.Add(-1)
		l.drop(1)
		return false
	}
	l.queue <- loggedFrame{chargePointID, identity, direction, string(frame), at} // room: waiting ≤ Queue
	return true
}

// Dropped returns how many frames were dropped: the queue was full, or
// their transaction failed.
func (l *MessageLog) Dropped() uint64 { return l.dropped.Load() }

// Running reports whether the writer's goroutine runs (Close has not
// stopped it).
func (l *MessageLog) Running() bool {
	select {
	case <-l.done:
		return false
	default:
		return true
	}
}

// Close stops accepting frames, writes those queued and stops the writer,
// at most until ctx ends (then it returns ctx.Err() and the writer still
// finishes the queued frames).
func (l *MessageLog) Close(ctx context.Context) error {
	l.once.Do(func() {
		l.closed.Store(true)
		close(l.stop)
	})
	select {
	case <-l.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *MessageLog) drop(n int) {
	l.dropped.Add(uint64(n))
	if f := l.cfg.OnWrite; f != nil {
		f(0, n)
	}
}

func (l *MessageLog) run() {
	defer close(l.done)
	var prune <-chan time.Time
	if l.cfg.Retention > 0 {
		t := time.NewTicker(l.cfg.PruneInterval)
		defer t.Stop()
		prune = t.C
		l.prune()
	}
	delay := time.NewTimer(l.cfg.MaxDelay)
	delay.Stop()
	defer delay.Stop()
	batch := make([]loggedFrame, 0, l.cfg.MaxBatch)
	for {
		select {
		case f := <-l.queue:
			batch = append(batch, f)
			if len(batch) == 1 {
				delay.Reset(l.cfg.MaxDelay)
			}
			if len(batch) < l.cfg.MaxBatch {
				continue
			}
		case <-delay.C:
		case <-prune:
			l.prune()
			continue
		case <-l.stop:
			for {
				select {
				case f := <-l.queue:
					if batch = append(batch, f); len(batch) >= l.cfg.MaxBatch {
						batch = l.write(batch)
					}
				default:
					l.write(batch)
					return
				}
			}
		}
		delay.Stop()
		batch = l.write(batch)
	}
}

// write stores batch in one transaction and returns it emptied.
func (l *MessageLog) write(batch []loggedFrame) []loggedFrame {
	if len(batch) == 0 {
		return batch
	}
	rows := make([]Message, len(batch))
	for i, f := range batch {
		rows[i] = l.row(f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := l.db.WithContext(ctx).CreateInBatches(rows, 500).Error
	switch {
	case err != nil:
		l.log.Error("store: message log: write failed; frames dropped", "frames", len(rows), "error", err)
		l.drop(len(rows))
	case l.cfg.OnWrite != nil:
		l.cfg.OnWrite(len(rows), 0)
	}
	clear(batch)
	l.waiting.Add(-int64(len(batch)))
	return batch[:0]
}

// row makes the Message of f, parsing its type, id and action.
func (l *MessageLog) row(f loggedFrame) Message {
	m := Message{ChargePointID: f.chargePointID, Identifier: f.identity, Direction: f.direction, Frame: f.frame, CreatedAt: dbTime(f.at)}
	m.MessageType, m.MessageID, m.Action = parseFrameHead([]byte(f.frame))
	switch m.MessageType {
	case 2:
		if len(l.pending) >= maxPendingActions {
			clear(l.pending)
		}
		l.pending[f.direction+"\x00"+f.identity+"\x00"+m.MessageID] = m.Action
	case 3, 4:
		callDir := DirectionIn
		if f.direction == DirectionIn {
			callDir = DirectionOut
		}
		key := callDir + "\x00" + f.identity + "\x00" + m.MessageID
		m.Action = l.pending[key]
		delete(l.pending, key)
	}
	return m
}

// parseFrameHead reads the message type, id and (for a CALL) action at the
// start of an OCPP-J frame; typ is 0 when the frame is not one.
func parseFrameHead(frame []byte) (typ int, id, action string) {
	dec := json.NewDecoder(bytes.NewReader(frame))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return 0, "", ""
	}
	tok, err := dec.Token()
	n, ok := tok.(json.Number)
	if err != nil || !ok {
		return 0, "", ""
	}
	t, err := strconv.Atoi(n.String())
	if err != nil || t < 2 || t > 4 {
		return 0, "", ""
	}
	if tok, err = dec.Token(); err != nil {
		return t, "", ""
	}
	id, _ = tok.(string)
	id = truncateField(id)
	if t == 2 {
		if tok, err = dec.Token(); err == nil {
			action, _ = tok.(string)
		}
	}
	return t, id, truncateField(action)
}

func truncateField(s string) string {
	if len(s) > maxMessageField {
		return s[:maxMessageField]
	}
	return s
}

// prune deletes the frames past the retention.
func (l *MessageLog) prune() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := (&Store{db: l.db}).PruneMessages(ctx, time.Now().Add(-l.cfg.Retention)); err != nil {
		l.log.Error("store: message log: prune", "error", err)
	}
}

// Messages returns frames of the message log of a charge point in the
// order they were logged: the last limit of them, or, with after > 0, the
// first limit logged after the frame whose ID is after (a tail).
func (s *Store) Messages(ctx context.Context, identity string, after uint, limit int) ([]Message, error) {
	var out []Message
	q := s.ctx(ctx).Where("identifier = ?", identity).Limit(limit)
	if after > 0 {
		err := q.Where("id > ?", after).Order("id").Find(&out).Error
		return out, wrap(err, "messages of %s", identity)
	}
	if err := q.Order("id DESC").Find(&out).Error; err != nil {
		return nil, wrap(err, "messages of %s", identity)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}
