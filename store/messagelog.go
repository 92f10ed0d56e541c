package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
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

// maxOpenCalls bounds the CALLs a MessageLog holds while it waits for
// their replies; past it, a CALL is written alone at once.
const maxOpenCalls = 10_000

// DefaultMessageLogReplyWait is MessageLogConfig.ReplyWait's default: the
// call timeout of ocpp.Server.
const DefaultMessageLogReplyWait = 30 * time.Second

// MessageLogConfig configures a MessageLog. The zero value is usable.
type MessageLogConfig struct {
	// Queue is how many frames may wait to be written, those of the batch
	// being written included; Add drops frames beyond. Default
	// DefaultMessageLogQueue.
	Queue int
	// MaxBatch is the most frames written in one transaction. Default
	// DefaultMessageLogBatch.
	MaxBatch int
	// MaxDelay is how long the writer lets frames gather once one arrived,
	// before it writes them all. Default DefaultMessageLogDelay.
	MaxDelay time.Duration
	// Retention is how long frames are kept; older ones are deleted every
	// PruneInterval. Default DefaultMessageLogRetention; negative: forever.
	Retention time.Duration
	// PruneInterval is how often frames past Retention are deleted.
	// Default DefaultMessageLogPrune.
	PruneInterval time.Duration
	// ReplyWait is how long a CALL waits for its reply to share its row;
	// then it is written alone (and a later reply gets a row of its own).
	// Default DefaultMessageLogReplyWait.
	ReplyWait time.Duration
	// WriteTimeout bounds each transaction (and each pruning). Default
	// DefaultWriteTimeout.
	WriteTimeout time.Duration
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
// action are parsed by that goroutine, off the caller's path.
//
// A CALL and its reply share one row (an exchange: the CALL in Frame, the
// CALLRESULT or CALLERROR in ReplyFrame), written once the reply came: half
// the rows and index entries of a row per frame, which is most of the
// log's cost to the database. A CALL without a reply within ReplyWait is
// written alone, and so are replies to CALLs the log did not see, and
// frames that are not OCPP-J messages.
type MessageLog struct {
	db      *gorm.DB
	cfg     MessageLogConfig
	log     *slog.Logger
	queue   chan loggedFrame
	waiting atomic.Int64 // frames queued or in the batch being written
	dropped atomic.Uint64
	mu      sync.RWMutex // held by Add while it queues; Close sets closed under it
	closed  bool
	stop    chan struct{} // closed by Close; queue is never closed
	done    chan struct{}
	once    sync.Once

	// The writer goroutine's: CALLs awaiting their reply, by direction,
	// identity and message id; the prepared INSERTs by row count.
	open  map[string]*Message
	sql   *sql.DB
	stmts map[int]*sql.Stmt
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
	cfg.WriteTimeout = cmp.Or(max(cfg.WriteTimeout, 0), DefaultWriteTimeout)
	cfg.ReplyWait = cmp.Or(max(cfg.ReplyWait, 0), DefaultMessageLogReplyWait)
	l := &MessageLog{
		db:    db,
		cfg:   cfg,
		log:   cmp.Or(cfg.Logger, slog.Default()),
		queue: make(chan loggedFrame, cfg.Queue),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
		open:  make(map[string]*Message),
	}
	go l.run()
	return l
}

// Add queues a frame (copied) sent (DirectionOut) or received (DirectionIn)
// at at. It never blocks: it returns false when the queue is full or the
// log closed, and the frame is dropped (and counted).
func (l *MessageLog) Add(chargePointID uint, identity, direction string, frame []byte, at time.Time) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
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
		l.mu.Lock()
		l.closed = true // no Add queues after this: the writer takes them all
		l.mu.Unlock()
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
	defer l.closeStmts()
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
	expire := time.NewTicker(min(time.Second, l.cfg.ReplyWait))
	defer expire.Stop()
	batch := make([]loggedFrame, 0, l.cfg.MaxBatch)
	for {
		select {
		case f := <-l.queue:
			batch = append(batch, f)
		case <-prune:
			l.prune()
			continue
		case <-expire.C: // CALLs whose reply did not come go alone
			if len(l.open) > 0 {
				l.write(nil, false)
			}
			continue
		case <-l.stop:
			l.write(l.take(batch), true)
			return
		}
		// Let the batch gather for MaxDelay without waking for every frame
		// (a wakeup per frame cost more than writing it), then take all.
		delay.Reset(l.cfg.MaxDelay)
		select {
		case <-delay.C:
		case <-l.stop:
			delay.Stop()
			l.write(l.take(batch), true)
			return
		}
		batch = l.write(l.take(batch), false)
	}
}

// take moves the queued frames into batch, writing each MaxBatch of them.
func (l *MessageLog) take(batch []loggedFrame) []loggedFrame {
	for {
		select {
		case f := <-l.queue:
			if batch = append(batch, f); len(batch) >= l.cfg.MaxBatch {
				batch = l.write(batch, false)
			}
		default:
			return batch
		}
	}
}

// write stores the rows batch completes (see MessageLog) in one
// transaction and returns batch emptied; all, the CALLs still waiting for
// their replies too, when final. A failure, or a panic (a bug, or a
// driver's), drops the rows' frames (counted and logged); the writer goes
// on.
func (l *MessageLog) write(batch []loggedFrame, final bool) (emptied []loggedFrame) {
	var rows []Message
	frames := 0 // in rows
	defer func() {
		if p := recover(); p != nil {
			l.log.Error("store: message log panicked; frames dropped", "frames", frames, "panic", p, "stack", string(debug.Stack()))
			l.closeStmts()
			l.drop(frames)
		}
		clear(batch)
		l.waiting.Add(-int64(frames))
		emptied = batch[:0]
	}()
	rows, frames = l.exchanges(batch, final)
	if len(rows) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), l.cfg.WriteTimeout)
	defer cancel()
	err := l.insert(ctx, rows)
	switch {
	case err != nil:
		l.log.Error("store: message log: write failed; frames dropped", "frames", frames, "error", err)
		l.drop(frames)
	case l.cfg.OnWrite != nil:
		l.cfg.OnWrite(frames, 0)
	}
	return nil // set by the deferred function
}

// exchanges turns batch into the rows it completes: a CALL waits (in
// l.open) for its reply; a reply completes its CALL's row, or makes one of
// its own; anything else is a row of its own. CALLs past ReplyWait, or all
// when final, are written alone. frames counts the frames in rows.
func (l *MessageLog) exchanges(batch []loggedFrame, final bool) (rows []Message, frames int) {
	rows = make([]Message, 0, len(batch))
	for _, f := range batch {
		m := l.row(f)
		switch m.MessageType {
		case 2:
			key := f.direction + "\x00" + f.identity + "\x00" + m.MessageID
			if old := l.open[key]; old != nil { // a repeated message id: the first goes alone
				rows, frames = append(rows, *old), frames+1
				delete(l.open, key)
			}
			if len(l.open) >= maxOpenCalls {
				rows, frames = append(rows, m), frames+1
				continue
			}
			l.open[key] = &m
		case 3, 4:
			callDir := DirectionIn
			if f.direction == DirectionIn {
				callDir = DirectionOut
			}
			key := callDir + "\x00" + f.identity + "\x00" + m.MessageID
			call := l.open[key]
			if call == nil {
				rows, frames = append(rows, m), frames+1
				continue
			}
			delete(l.open, key)
			call.ReplyType, call.ReplyFrame, call.RepliedAt = m.MessageType, m.Frame, &m.CreatedAt
			rows, frames = append(rows, *call), frames+2
		default:
			rows, frames = append(rows, m), frames+1
		}
	}
	expired := time.Now().Add(-l.cfg.ReplyWait)
	for key, call := range l.open {
		if final || call.CreatedAt.Before(expired) {
			rows, frames = append(rows, *call), frames+1
			delete(l.open, key)
		}
	}
	return rows, frames
}

// messageColumns are the columns write inserts, in order.
var messageColumns = []string{"charge_point_id", "identifier", "direction", "message_type", "message_id", "action", "frame", "created_at", "reply_type", "reply_frame", "replied_at"}

// messageArgs appends the values of m's messageColumns to args.
func messageArgs(args []any, m *Message) []any {
	var repliedAt any
	if m.RepliedAt != nil {
		repliedAt = *m.RepliedAt
	}
	return append(args, int64(m.ChargePointID), m.Identifier, m.Direction, int64(m.MessageType), m.MessageID, m.Action, m.Frame, m.CreatedAt,
		int64(m.ReplyType), m.ReplyFrame, repliedAt)
}

// messageStmtSizes are the rows per prepared INSERT: a batch is written
// with as many 100-row statements as fit, then 10-row and 1-row ones,
// prepared once (parsing an 800-parameter statement anew for every batch
// cost a third of the writing on SQLite).
var messageStmtSizes = []int{100, 10, 1}

// insert writes rows in one transaction with the prepared multi-row
// INSERTs, on the *sql.DB under gorm: gorm's reflection per row cost more
// than the database's own work.
func (l *MessageLog) insert(ctx context.Context, rows []Message) (err error) {
	if isPostgres(l.db) {
		return l.copyRows(ctx, rows)
	}
	if err := l.prepare(ctx); err != nil {
		return err
	}
	// The store's other writers wait (see write.go). The transaction
	// begins with an INSERT, so even a deferred BEGIN takes the write lock
	// before it reads anything.
	unlock, err := lockWrites(ctx, l.sql)
	if err != nil {
		return err
	}
	defer unlock()
	conn, err := l.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := raiseBusyTimeout(ctx, conn); err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
			l.closeStmts() // prepare afresh: the schema or the connection may have changed
		}
	}()
	args := make([]any, 0, messageStmtSizes[0]*len(messageColumns))
	for _, n := range messageStmtSizes {
		if len(rows) < n {
			continue
		}
		st := tx.StmtContext(ctx, l.stmts[n])
		for len(rows) >= n {
			args = args[:0]
			for i := range rows[:n] {
				args = messageArgs(args, &rows[i])
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
				return err
			}
			rows = rows[n:]
		}
	}
	return tx.Commit()
}

// copyRows is insert on PostgreSQL: one COPY, through the pgx connection
// under database/sql (several times faster than multi-row INSERTs).
func (l *MessageLog) copyRows(ctx context.Context, rows []Message) error {
	if l.sql == nil {
		db, err := l.db.DB()
		if err != nil {
			return err
		}
		l.sql = db
	}
	conn, err := l.sql.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		// Asserting pgx's method, not its database/sql driver's type, keeps
		// the store free of the driver package (as the meter writer does).
		sc, ok := dc.(interface{ Conn() *pgx.Conn })
		if !ok {
			return fmt.Errorf("PostgreSQL driver connection is %T, want pgx's (stdlib.Conn)", dc)
		}
		src := pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
			return messageArgs(make([]any, 0, len(messageColumns)), &rows[i]), nil
		})
		_, err := sc.Conn().CopyFrom(ctx, pgx.Identifier{MessagesTable}, messageColumns, src)
		return err
	})
}

// prepare prepares the INSERT statements, once.
func (l *MessageLog) prepare(ctx context.Context) error {
	if l.stmts != nil {
		return nil
	}
	if l.sql == nil {
		db, err := l.db.DB()
		if err != nil {
			return err
		}
		l.sql = db
	}
	pg := isPostgres(l.db)
	stmts := make(map[int]*sql.Stmt, len(messageStmtSizes))
	for _, n := range messageStmtSizes {
		var sb strings.Builder
		sb.WriteString("INSERT INTO " + MessagesTable + " (" + strings.Join(messageColumns, ", ") + ") VALUES ")
		p := 0
		for r := range n {
			if r > 0 {
				sb.WriteString(", ")
			}
			sb.WriteByte('(')
			for c := range messageColumns {
				if c > 0 {
					sb.WriteString(", ")
				}
				if p++; pg {
					sb.WriteString("$" + strconv.Itoa(p))
				} else {
					sb.WriteByte('?')
				}
			}
			sb.WriteByte(')')
		}
		st, err := l.sql.PrepareContext(ctx, sb.String())
		if err != nil {
			for _, st := range stmts {
				_ = st.Close()
			}
			return err
		}
		stmts[n] = st
	}
	l.stmts = stmts
	return nil
}

func (l *MessageLog) closeStmts() {
	for _, st := range l.stmts {
		_ = st.Close()
	}
	l.stmts = nil
}

// row makes the Message of f, parsing its type, id and action.
func (l *MessageLog) row(f loggedFrame) Message {
	m := Message{ChargePointID: f.chargePointID, Identifier: storable(f.identity), Direction: f.direction, Frame: storable(f.frame), CreatedAt: dbTime(f.at)}
	m.MessageType, m.MessageID, m.Action = parseFrameHead([]byte(m.Frame))
	return m
}

// parseFrameHead reads the message type, id and (for a CALL) action at the
// start of an OCPP-J frame; typ is 0 when the frame does not start like
// one. It reads only the head: the payload is not parsed.
func parseFrameHead(b []byte) (typ int, id, action string) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '[' {
		return 0, "", ""
	}
	i = skipSpace(b, i+1)
	if i >= len(b) || b[i] < '2' || b[i] > '4' {
		return 0, "", ""
	}
	typ = int(b[i] - '0')
	if i = skipSpace(b, i+1); i >= len(b) || b[i] != ',' {
		return 0, "", ""
	}
	id, i, ok := jsonString(b, skipSpace(b, i+1))
	if !ok {
		return typ, "", ""
	}
	if typ == 2 {
		if i = skipSpace(b, i); i < len(b) && b[i] == ',' {
			action, _, _ = jsonString(b, skipSpace(b, i+1))
		}
	}
	return typ, truncateField(id), truncateField(action)
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// jsonString reads the JSON string starting at b[i]; next is the index
// after it.
func jsonString(b []byte, i int) (s string, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return "", i, false
	}
	escaped := false
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			if !escaped {
				return string(b[i+1 : j]), j + 1, true
			}
			var v string
			if err := json.Unmarshal(b[i:j+1], &v); err != nil {
				return "", j + 1, false
			}
			return v, j + 1, true
		}
	}
	return "", len(b), false
}

// truncateField cuts s to maxMessageField bytes, at a character boundary.
func truncateField(s string) string {
	if len(s) <= maxMessageField {
		return s
	}
	n := maxMessageField
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// storable makes s valid text for both databases: a charge point may send
// invalid UTF-8 or NUL bytes (PostgreSQL refuses both), which would fail
// the whole batch of frames.
func storable(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\uFFFD"), "\uFFFD")
}

// prune deletes the frames past the retention, a chunk per transaction,
// each bounded by WriteTimeout.
func (l *MessageLog) prune() {
	defer func() {
		if p := recover(); p != nil {
			l.log.Error("store: message log: prune panicked", "panic", p, "stack", string(debug.Stack()))
		}
	}()
	s, cutoff := &Store{db: l.db}, time.Now().Add(-l.cfg.Retention)
	for more := true; more; {
		var err error
		ctx, cancel := context.WithTimeout(context.Background(), l.cfg.WriteTimeout)
		_, more, err = s.pruneMessagesChunk(ctx, cutoff)
		cancel()
		if err != nil {
			l.log.Error("store: message log: prune", "error", err)
			return
		}
	}
}

// Messages returns frames of the message log of a charge point (by its
// database id) in the order they were logged: the last limit of them, or,
// with after > 0, the first limit logged after the frame whose ID is after
// (a tail).
func (s *Store) Messages(ctx context.Context, chargePointID uint, after uint, limit int) ([]Message, error) {
	var out []Message
	q := s.ctx(ctx).Where("charge_point_id = ?", chargePointID).Limit(limit)
	if after > 0 {
		err := q.Where("id > ?", after).Order("id").Find(&out).Error
		return out, wrap(err, "messages of charge point %d", chargePointID)
	}
	if err := q.Order("id DESC").Find(&out).Error; err != nil {
		return nil, wrap(err, "messages of charge point %d", chargePointID)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}
